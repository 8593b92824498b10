#include "msgcapture/protocol/uint256.h"

namespace msgcapture {

std::string Uint256::display_hex() const {
    std::string out(2 * bytes.size(), '\0');
    write_reversed_hex(out.data(), bytes);
    return out;
}

}  // namespace msgcapture
