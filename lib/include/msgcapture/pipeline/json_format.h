#pragma once
// The contract's JSON (CAPTURE-SPEC §4) as an output format: one array (the
// default), or NDJSON, the same entries one per line, which a reader such as
// `jq -c` can take one at a time while they are written.
#include <string>
#include <vector>

#include "msgcapture/export.h"
#include "msgcapture/pipeline/output_format.h"

namespace msgcapture {

class MSGCAPTURE_EXPORT JsonFormat : public OutputFormat {
public:
    enum class Layout { Array, Lines };
    // `annotate`: each entry also gets "annotation" (see entry_json.h).
    explicit JsonFormat(Layout layout = Layout::Array, bool annotate = false) : layout_(layout), annotate_(annotate) {}

    void begin(const Sink& out) override;
    void add_file(const CaptureFile& file) override;
    bool write(const Entry& entry, OutputBuffer& out, MessageScratch& scratch) const override;
    // A block is split by its transactions.
    std::shared_ptr<const EntryParts> split(const Entry& entry, size_t wanted) const override;
    void write_part(const Entry& entry, const EntryParts& parts, size_t part, OutputBuffer& out,
                    MessageScratch& scratch) const override;
    void end(uint64_t entries, const Sink& out) override;

private:
    Layout layout_;
    bool annotate_;
    std::vector<std::string> peers_;  // each file's "peer" value, made once
};

}  // namespace msgcapture
