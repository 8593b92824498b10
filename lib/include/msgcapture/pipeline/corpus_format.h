#pragma once
// Messages as a seed corpus for the project's message fuzz target
// (test/fuzz/fuzz_message_roundtrip.cpp): one file per distinct input, named
// by the SHA-1 of its content as libFuzzer names its own, in a directory.
// The input format is the target's: one byte, the message type's index in
// KnownMessages, then the payload. Records of a type the target does not
// know, and torn or oversized ones, are left out and counted.
#include <atomic>
#include <cstdint>
#include <string>

#include "msgcapture/export.h"
#include "msgcapture/pipeline/output_format.h"

namespace msgcapture {

// The fuzz target's input for a payload of a known type.
MSGCAPTURE_EXPORT Bytes message_fuzz_input(size_t type_index, ByteSpan payload);

class MSGCAPTURE_EXPORT CorpusFormat : public OutputFormat {
public:
    // Creates `directory` if it does not exist. Throws WriteError.
    explicit CorpusFormat(std::string directory);

    // Writes the entry's file (once: a file of that name has that content).
    // Throws WriteError.
    bool write(const Entry& entry, OutputBuffer& out, MessageScratch& scratch) const override;

    uint64_t files_written() const { return written_; }
    uint64_t duplicates() const { return duplicates_; }
    uint64_t left_out() const { return left_out_; }

private:
    std::string directory_;
    mutable std::atomic<uint64_t> written_{0}, duplicates_{0}, left_out_{0};
};

}  // namespace msgcapture
