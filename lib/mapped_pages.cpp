#include "msgcapture/mapped_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace msgcapture::detail {
namespace {

constexpr size_t PAGE = 4096;
constexpr size_t HUGE_PAGE = 2u << 20;

size_t round_up(size_t size, size_t to) { return (size + to - 1) & ~(to - 1); }

}  // namespace

size_t mapped_size(size_t size) { return round_up(size, size >= LARGE_BUFFER_FROM ? HUGE_PAGE : PAGE); }

void* map_pages(size_t size) {
    size = mapped_size(size);
    const bool large = size >= LARGE_BUFFER_FROM;
    // A huge page must start on a 2 MiB boundary, and kernels before 6.7 do
    // not place mappings there: a large one is made a huge page longer, and
    // trimmed to start on one.
    const size_t reserved = large ? size + HUGE_PAGE : size;
    void* mapped = ::mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    if (!large) return mapped;
    auto* data = static_cast<uint8_t*>(mapped);
    const size_t head = round_up(reinterpret_cast<uintptr_t>(data), HUGE_PAGE) - reinterpret_cast<uintptr_t>(data);
    if (head > 0) ::munmap(data, head);
    if (reserved - head - size > 0) ::munmap(data + head + size, reserved - head - size);
    ::madvise(data + head, size, MADV_HUGEPAGE);  // advice only
    return data + head;
}

void unmap_pages(void* data, size_t size) {
    if (data) ::munmap(data, mapped_size(size));
}

}  // namespace msgcapture::detail
