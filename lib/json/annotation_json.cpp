#include "msgcapture/json/annotation_json.h"

#include <string>
#include <type_traits>
#include <vector>

#include "msgcapture/format/utc_time.h"
#include "msgcapture/protocol/fields.h"

namespace msgcapture {
namespace {

// Walks a decoded message's fields, writing each hash it meets under its path.
struct HashPaths {
    JsonWriter& w;
    std::string path;

    void hash(std::string_view suffix, const Uint256& value) {
        w.key(path + std::string(suffix));
        w.reversed_hex(value.bytes);
    }

    template <class T>
    void value(const T& v) {
        if constexpr (std::is_same_v<T, Uint256>) {
            hash("", v);
        } else if constexpr (std::is_same_v<T, Transaction>) {
            hash(".txid", v.txid());
            hash(".wtxid", v.wtxid());
            fields(v);
        } else if constexpr (std::is_same_v<T, Bytes> || std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<bool>>) {
            // no hashes in bytes or text
        } else if constexpr (requires { v.begin(); v.size(); }) {
            using Element = std::decay_t<decltype(*v.begin())>;
            if constexpr (std::is_same_v<Element, Uint256> || Described<Element>) {
                const size_t length = path.size();
                for (size_t i = 0; i < v.size(); ++i) {
                    path += "[" + std::to_string(i) + "]";
                    value(v[i]);
                    path.resize(length);
                }
            }
        } else if constexpr (Described<T>) {
            fields(v);
        }
    }

    template <class T>
    void fields(const T& v) {
        T::fields(*this, v);
    }

    template <class F>
    void operator()(const char* name, const F& field, Wire wire = Wire::Default) {
        if constexpr (requires { field.has_value(); }) {
            if (field) (*this)(name, *field, wire);
        } else {
            const size_t length = path.size();
            // An inline structure's fields join its parent's object in the body.
            if (wire != Wire::Inline) path += (path.empty() ? "" : ".") + std::string(name);
            value(field);
            path.resize(length);
        }
    }
};

std::string peer_in_words(const CaptureFile& file) {
    if (!file.session) return file.peer_address;
    return "peer " + std::to_string(file.session->peer_id) + ", " + file.session->address + ", " +
           file.session->connection_type + ", session " + file.session_name;
}

}  // namespace

void write_annotation(JsonWriter& w, const Record& record, const CaptureFile& file, const MessageScratch& scratch,
                      std::optional<size_t> decoded) {
    w.key("annotation");
    w.begin_object();
    w.key("time");
    w.string(iso_time(record.header.time_us));
    if (const std::string peer = peer_in_words(file); !peer.empty()) {
        w.key("peer");
        w.string(peer);
    }
    if (decoded) {
        w.key("hashes");
        w.begin_object();
        scratch.visit(*decoded, [&](const auto& message) { HashPaths{w, ""}.fields(message); });
        w.end_object();
    }
    w.end_object();
}

}  // namespace msgcapture
