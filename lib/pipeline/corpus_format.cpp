#include "msgcapture/pipeline/corpus_format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "msgcapture/format/decode_record.h"
#include "msgcapture/protocol/hash.h"

namespace msgcapture {
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Bytes message_fuzz_input(size_t type_index, ByteSpan payload) {
    Bytes input;
    input.reserve(1 + payload.size());
    input.push_back(static_cast<uint8_t>(type_index));
    input.insert(input.end(), payload.begin(), payload.end());
    return input;
}

CorpusFormat::CorpusFormat(std::string directory) : directory_(std::move(directory)) {
    if (directory_.empty()) throw WriteError("--format corpus needs a directory (-o DIR)");
    if (::mkdir(directory_.c_str(), 0777) != 0 && errno != EEXIST) throw WriteError("cannot create " + directory_ + ": " + errno_text());
    struct stat st {};
    if (::stat(directory_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw WriteError(directory_ + " is not a directory");
}

bool CorpusFormat::write(const Entry& entry, OutputBuffer&, MessageScratch&) const {
    const RecordKind kind = record_kind(entry.record);
    if (!kind.type_index) {
        ++left_out_;
        return true;
    }
    const Bytes input = message_fuzz_input(*kind.type_index, entry.record.payload);
    const std::string path = directory_ + "/" + sha1_hex(input);
    if (::access(path.c_str(), F_OK) == 0) {
        ++duplicates_;
        return true;
    }
    // Written whole under a name of its own, then renamed: a reader (or a
    // second worker with the same message) never sees half a file.
    const std::string temporary = path + ".tmp-" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw WriteError("cannot write " + temporary + ": " + errno_text());
    size_t done = 0;
    while (done < input.size()) {
        const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string error = errno_text();
            ::close(fd);
            ::unlink(temporary.c_str());
            throw WriteError("cannot write " + temporary + ": " + error);
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) {
        const std::string error = errno_text();
        ::unlink(temporary.c_str());
        throw WriteError("cannot write " + temporary + ": " + error);
    }
    // link() rather than rename(): of two workers with the same message, one
    // file stays and the other learns it was a duplicate.
    const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(temporary.c_str());
    if (!linked && link_errno == EEXIST) {
        ++duplicates_;
        return true;
    }
    if (!linked) throw WriteError("cannot write " + path + ": " + std::strerror(link_errno));
    ++written_;
    return true;
}

}  // namespace msgcapture
