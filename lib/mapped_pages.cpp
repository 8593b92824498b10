#include "msgcapture/mapped_pages.h"

#include <sys/mman.h>

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
    void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) throw std::bad_alloc();
    if (size >= LARGE_BUFFER_FROM) ::madvise(data, size, MADV_HUGEPAGE);  // advice only
    return data;
}

void unmap_pages(void* data, size_t size) {
    if (data) ::munmap(data, mapped_size(size));
}

}  // namespace msgcapture::detail
