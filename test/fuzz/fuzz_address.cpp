// Any text as an address or a descriptor (RPC clients send them): decoding
// answers or refuses and never crashes; whatever decodes spells back, from
// its script, to an address that decodes to the same script.
#include <cstdint>
#include <string>

#include "chain/address.h"
#include "chain/descriptor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    static const node::AddressParams chains[] = {{0, 5, "bc", 128}, {111, 196, "tb", 239}, {111, 196, "bcrt", 239}};
    for (const auto& params : chains) {
        std::string error;
        if (auto script = node::address_script(text, params, error)) {
            auto again = node::script_address(*script, params);
            if (!again) __builtin_trap();
            auto round = node::address_script(*again, params, error);
            if (!round || *round != *script) __builtin_trap();
        }
        (void)node::descriptor_script(text, params, error);
    }
    (void)node::descriptor_checksum(text);
    (void)node::base58check_decode(text);
    (void)node::bech32_decode(text);
    return 0;
}
