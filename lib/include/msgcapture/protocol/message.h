#pragma once
// The set of known messages, looked up by their type string.
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>

#include "msgcapture/export.h"
#include "msgcapture/errors.h"
#include "msgcapture/protocol/bytes.h"
#include "msgcapture/protocol/messages.h"

namespace msgcapture {

template <class... Ms>
struct MSGCAPTURE_EXPORT MessageList {
    using Variant = std::variant<Ms...>;
    using Tuple = std::tuple<Ms...>;
    static constexpr size_t size = sizeof...(Ms);
    static constexpr std::string_view types[] = {Ms::TYPE...};
};

// Every message type the contract covers, in no particular order.
using KnownMessages = MessageList<
    MsgVersion, MsgVerack, MsgAddr, MsgAddrV2, MsgSendAddrV2, MsgInv, MsgGetData, MsgNotFound,
    MsgGetBlocks, MsgGetHeaders, MsgHeaders, MsgBlock, MsgTx, MsgMempool, MsgPing, MsgPong,
    MsgFeeFilter, MsgSendHeaders, MsgSendCmpct, MsgCmpctBlock, MsgGetBlockTxn, MsgBlockTxn,
    MsgFilterLoad, MsgFilterAdd, MsgFilterClear, MsgMerkleBlock, MsgGetCFilters, MsgCFilter,
    MsgGetCFHeaders, MsgCFHeaders, MsgGetCFCheckpt, MsgCFCheckpt, MsgWtxidRelay, MsgSendTxRcncl,
    MsgGetAddr>;

using Message = KnownMessages::Variant;

// The position of message M in a MessageList.
template <class M, class... Ms>
constexpr size_t index_in_list(const MessageList<Ms...>*) {
    size_t i = 0;
    (void)((std::is_same_v<M, Ms> ? false : (++i, true)) && ...);
    return i;
}

// The position of message M in KnownMessages, as a constant, so that code can
// dispatch on a type index with `switch` rather than compare strings.
template <class M>
inline constexpr size_t message_index = index_in_list<M>(static_cast<const KnownMessages*>(nullptr));

// Position of `type` in KnownMessages, or nullopt for a type we do not know.
MSGCAPTURE_EXPORT std::optional<size_t> find_message_type(std::string_view type);

// Decodes a payload of a known type; throws DecodeError when it cannot.
MSGCAPTURE_EXPORT Message decode_message(size_t type_index, ByteSpan payload);

inline std::string_view message_type(const Message& m) {
    return std::visit([](const auto& msg) { return std::decay_t<decltype(msg)>::TYPE; }, m);
}

// The payload of a message, as it goes on the wire.
MSGCAPTURE_EXPORT Bytes encode_message(const Message& m);

// One reusable instance of every message: decoding into it again reuses the
// memory of earlier messages, which keeps a long capture from allocating per
// message. `decode` returns the type index it filled.
class MSGCAPTURE_EXPORT MessageScratch {
public:
    // Throws DecodeError when the payload cannot be decoded.
    void decode(size_t type_index, ByteSpan payload);

    template <class M>
    M& get() { return std::get<M>(slots_); }

    // Calls f(message) with the instance of that index.
    template <class F>
    void visit(size_t type_index, F&& f) const {
        visit_impl(type_index, f, std::make_index_sequence<KnownMessages::size>{});
    }

private:
    template <class F, size_t... I>
    void visit_impl(size_t type_index, F& f, std::index_sequence<I...>) const {
        (void)((I == type_index ? (f(std::get<I>(slots_)), true) : false) || ...);
    }

    KnownMessages::Tuple slots_;
};

}  // namespace msgcapture
