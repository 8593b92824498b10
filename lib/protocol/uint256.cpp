#include "msgcapture/protocol/uint256.h"

#include <algorithm>

namespace msgcapture {

std::string Uint256::display_hex() const {
    std::array<uint8_t, 32> reversed = bytes;
    std::reverse(reversed.begin(), reversed.end());
    return to_hex(reversed);
}

}  // namespace msgcapture
