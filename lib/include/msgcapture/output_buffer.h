#pragma once
// The buffer output formats append to (the JSON writer, pcap packets). A JSON
// entry is dozens of tiny appends (a quote, a key, ", "); std::string's append
// is an out-of-line call into the standard library and zero-fills when
// resized, which cost more than the bytes themselves. Here an append is an
// inlined capacity check and a copy.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "msgcapture/export.h"

namespace msgcapture {

class MSGCAPTURE_EXPORT OutputBuffer {
public:
    OutputBuffer() = default;
    ~OutputBuffer();
    OutputBuffer(OutputBuffer&& other) noexcept;
    OutputBuffer& operator=(OutputBuffer&& other) noexcept;
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    std::string_view view() const { return {data_, size_}; }
    std::string str() const { return std::string(view()); }
    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }
    void clear() { size_ = 0; }

    // Room for `n` more characters, returned as where they go; after writing
    // some of them, end_at(one past the last) makes them part of the text.
    char* tail(size_t n) {
        if (capacity_ - size_ < n) grow(n);
        return data_ + size_;
    }
    void end_at(const char* end) { size_ = static_cast<size_t>(end - data_); }

    void append(std::string_view text) {
        if (text.empty()) return;
        std::memcpy(tail(text.size()), text.data(), text.size());
        size_ += text.size();
    }
    void push_back(char c) {
        *tail(1) = c;
        ++size_;
    }

private:
    void grow(size_t n);  // makes room for at least n more characters

    char* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace msgcapture
