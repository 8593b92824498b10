// Counts the decodable messages of each type in one capture file.
#include <cstdio>
#include <map>
#include <string>

#include "msgcapture/format/record_reader.h"
#include "msgcapture/protocol/message.h"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    auto reader = msgcapture::RecordReader::open(argv[1]);
    msgcapture::MessageScratch scratch;
    std::map<std::string, int> counts;
    msgcapture::Record record;
    while (reader.next(record)) {
        auto type = msgcapture::find_message_type(record.header.msgtype_text());
        if (!type) continue;
        try {
            scratch.decode(*type, record.payload);
            ++counts[std::string(record.header.msgtype_text())];
        } catch (const msgcapture::DecodeError&) {
        }
    }
    for (const auto& [type, n] : counts) std::printf("%s %d\n", type.c_str(), n);
}
