#include "msgcapture/output_buffer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "msgcapture/mapped_pages.h"

namespace msgcapture {
namespace {

// Small buffers come from malloc, large ones are mappings of their own.
void release(char* data, size_t capacity) {
    if (capacity >= detail::LARGE_BUFFER_FROM) {
        detail::unmap_pages(data, capacity);
    } else {
        std::free(data);
    }
}

}  // namespace

OutputBuffer::~OutputBuffer() { release(data_, capacity_); }

OutputBuffer::OutputBuffer(OutputBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

OutputBuffer& OutputBuffer::operator=(OutputBuffer&& other) noexcept {
    if (this != &other) {
        release(data_, capacity_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

void OutputBuffer::grow(size_t n) {
    // Doubling keeps appends amortised constant; 256 avoids tiny first steps.
    size_t capacity = std::max<size_t>(capacity_ * 2, 256);
    if (capacity - size_ < n) capacity = size_ + n;
    if (capacity >= detail::LARGE_BUFFER_FROM) {
        capacity = detail::mapped_size(capacity);
        char* data = static_cast<char*>(detail::map_pages(capacity));
        if (size_ > 0) std::memcpy(data, data_, size_);
        release(data_, capacity_);
        data_ = data;
        capacity_ = capacity;
        return;
    }
    // realloc keeps the text and often extends in place.
    void* data = std::realloc(data_, capacity);
    if (!data) throw std::bad_alloc();
    data_ = static_cast<char*>(data);
    capacity_ = capacity;
}

}  // namespace msgcapture
