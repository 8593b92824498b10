#include "msgcapture/output_buffer.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>

namespace msgcapture {

OutputBuffer::~OutputBuffer() { std::free(data_); }

OutputBuffer::OutputBuffer(OutputBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

OutputBuffer& OutputBuffer::operator=(OutputBuffer&& other) noexcept {
    if (this != &other) {
        std::free(data_);
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
    // realloc keeps the text and often extends in place.
    void* data = std::realloc(data_, capacity);
    if (!data) throw std::bad_alloc();
    data_ = static_cast<char*>(data);
    capacity_ = capacity;
}

}  // namespace msgcapture
