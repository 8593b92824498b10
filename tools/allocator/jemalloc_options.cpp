// The parser's and the monitor's allocator: jemalloc, read at its start from
// this symbol. Formatting a block decodes thousands of transactions into
// vectors on every worker thread, and with the C library's malloc the first
// touch of that memory (a page fault per 4 KiB, in each thread's own arena)
// cost more on a block-heavy capture than a second core gained; in 2 MiB
// transparent huge pages it is one fault per 2 MiB. doc/performance.md has
// the measurements.
extern "C" {
// The name is jemalloc's; it reads it when it starts.
const char* malloc_conf = "thp:always,metadata_thp:auto";
}
