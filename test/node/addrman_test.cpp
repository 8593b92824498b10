// The address table: usable addresses only, no duplicates, bounded size.
#include <gtest/gtest.h>

#include "net/addrman.h"
#include "net/netaddress.h"

using namespace node;

namespace {

msgcapture::TimedNetAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port = 8333) {
    msgcapture::TimedNetAddress t;
    t.time = 1700000000;
    t.addr.nServices = 9;
    t.addr.ip = to_v1_bytes(asio::ip::address_v4({a, b, c, d}));
    t.addr.port = port;
    return t;
}

}  // namespace

TEST(AddrMan, KeepsUsableAddressesOnce) {
    AddrMan table(false);
    EXPECT_EQ(table.add({v4(1, 2, 3, 4), v4(1, 2, 3, 4), v4(127, 0, 0, 1), v4(10, 0, 0, 1), v4(0, 0, 0, 0), v4(5, 6, 7, 8, 0)}), 1u);
    EXPECT_EQ(table.size(), 1u);
    EXPECT_EQ(table.pick({}), "1.2.3.4:8333");
    EXPECT_FALSE(table.pick({"1.2.3.4:8333"}));
    AddrMan regtest(true);  // local addresses are kept on regtest, for local test networks
    EXPECT_EQ(regtest.add({v4(127, 0, 0, 1, 18444)}), 1u);
}

TEST(AddrMan, StaysBoundedAndKeepsLearning) {
    AddrMan table(false);
    std::vector<msgcapture::TimedNetAddress> batch;
    for (int i = 0; i < 12000; ++i) batch.push_back(v4(1, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)));
    table.add(batch);
    EXPECT_EQ(table.size(), AddrMan::MAX_ENTRIES);
    EXPECT_EQ(table.sample(1000).size(), 1000u);
}

TEST(AddrMan, AddrV2KeepsWhatWeCanDial) {
    AddrMan table(false);
    std::vector<msgcapture::AddrV2Entry> entries = {
        {1, 9, 1, {8, 8, 8, 8}, 8333},
        {1, 9, 4, msgcapture::Bytes(32, 1), 8333},  // Tor v3: no proxy, not kept
        to_addrv2(v4(9, 9, 9, 9)),
    };
    EXPECT_EQ(table.add_v2(entries), 2u);
    auto back = from_addrv2(to_addrv2(v4(4, 3, 2, 1)));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, v4(4, 3, 2, 1));
}
