#pragma once
// The monitor as the pipeline's last stage: each released record goes into
// the model, in time order, on the reading thread. Nothing is written out.
#include "monitor_model.h"
#include "msgcapture/pipeline/output_format.h"

namespace monitor {

class MonitorFormat : public msgcapture::OutputFormat {
public:
    explicit MonitorFormat(Model& model) : model_(model) {}
    void add_file(const msgcapture::CaptureFile& file) override { model_.add_file(file); }
    // The payload is valid here, before the pipeline batches the entry.
    void sequence(msgcapture::Entry& entry) override { model_.add(entry.source, entry.record); }
    bool write(const msgcapture::Entry&, msgcapture::OutputBuffer&, msgcapture::MessageScratch&) const override { return true; }

private:
    Model& model_;
};

}  // namespace monitor
