#include "msgcapture/protocol/message.h"

#include <algorithm>
#include <array>

#include "msgcapture/protocol/codec.h"

namespace msgcapture {
namespace {

template <size_t I>
Message decode_as(ByteSpan payload) {
    std::variant_alternative_t<I, Message> m;
    decode_payload(payload, m);
    return m;
}

template <size_t... I>
Message decode_by_index(size_t index, ByteSpan payload, std::index_sequence<I...>) {
    using Decoder = Message (*)(ByteSpan);
    static constexpr std::array<Decoder, sizeof...(I)> decoders = {&decode_as<I>...};
    return decoders.at(index)(payload);
}

template <size_t... I>
void decode_into(KnownMessages::Tuple& slots, size_t index, ByteSpan payload, std::index_sequence<I...>) {
    (void)((I == index ? (decode_payload(payload, std::get<I>(slots)), true) : false) || ...);
}

}  // namespace

Bytes encode_message(const Message& m) {
    return std::visit([](const auto& msg) { return encode_payload(msg); }, m);
}

std::optional<size_t> find_message_type(std::string_view type) {
    const auto& types = KnownMessages::types;
    auto it = std::find(std::begin(types), std::end(types), type);
    if (it == std::end(types)) return std::nullopt;
    return static_cast<size_t>(it - std::begin(types));
}

Message decode_message(size_t type_index, ByteSpan payload) {
    return decode_by_index(type_index, payload, std::make_index_sequence<KnownMessages::size>{});
}

void MessageScratch::decode(size_t type_index, ByteSpan payload) {
    decode_into(slots_, type_index, payload, std::make_index_sequence<KnownMessages::size>{});
}

}  // namespace msgcapture

namespace msgcapture {
static_assert(message_index<MsgVersion> == 0 && message_index<MsgGetAddr> == KnownMessages::size - 1);
static_assert(KnownMessages::types[message_index<MsgPing>] == MsgPing::TYPE);
}  // namespace msgcapture
