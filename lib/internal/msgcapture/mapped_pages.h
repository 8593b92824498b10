#pragma once
// Buffers in pages of their own (anonymous mappings), not from the heap.
//
// A large buffer (a block's bytes as read, the JSON made of it) asks for
// 2 MiB transparent huge pages: its first writes then take one page fault per
// 2 MiB instead of 512, and on a block-heavy capture those faults had cost
// more than the formatting. (Where the kernel gives no huge pages, it is an
// ordinary mapping.) A small one (a file's 64 KiB read buffer, of which a
// quiet file fills a few bytes) gets ordinary pages, whatever the allocator
// does with its heap, so that a thousand such buffers cost what is written.
#include <cstddef>

namespace msgcapture::detail {

// Sizes from this on ask for huge pages.
inline constexpr size_t LARGE_BUFFER_FROM = 2u << 20;

// What map_pages(size) really gives: whole pages, whole huge pages when large.
size_t mapped_size(size_t size);
// At least `size` bytes, contents undefined. Throws std::bad_alloc.
void* map_pages(size_t size);
// Frees what map_pages(size) gave.
void unmap_pages(void* data, size_t size);

}  // namespace msgcapture::detail
