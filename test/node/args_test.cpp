// Options as Bitcoin Core spells and resolves them.
#include <gtest/gtest.h>

#include "common/args.h"
#include "net/subnet.h"

using namespace node;

namespace {

Args make_args() {
    return Args({{"regtest", "", "", ""},
                 {"testnet", "", "", ""},
                 {"chain", "", "<chain>", ""},
                 {"port", "", "<port>", "", true},
                 {"connect", "", "<ip>", "", true},
                 {"listen", "", "", ""},
                 {"includeconf", "", "<file>", ""},
                 {"debug", "", "<c>", ""}});
}

void parse(Args& args, std::vector<const char*> argv) {
    argv.insert(argv.begin(), "bitcoind");
    args.parse_command_line(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST(Args, DashFormsNegationAndRepeats) {
    Args args = make_args();
    parse(args, {"-regtest", "--port=5", "-nolisten", "-connect=a", "-connect=b", "-debug"});
    EXPECT_EQ(args.chain(), "regtest");
    EXPECT_EQ(args.get_int("port", 0), 5);
    EXPECT_FALSE(args.get_bool("listen", true));
    EXPECT_EQ(args.get_all("connect"), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(args.get_bool("debug", false));
    EXPECT_FALSE(args.is_set("testnet"));
}

TEST(Args, UnknownOptionsAndStrayWordsAreErrors) {
    Args a = make_args();
    EXPECT_THROW(parse(a, {"-nosuch"}), ArgsError);
    Args b = make_args();
    EXPECT_THROW(parse(b, {"regtest"}), ArgsError);
    Args c = make_args();
    parse(c, {"-port=abc"});
    EXPECT_THROW(c.get_int("port", 0), ArgsError);
    Args d = make_args();
    parse(d, {"-regtest", "-chain=test"});
    EXPECT_THROW(d.chain(), ArgsError);
}

TEST(Args, ConfigSectionsAndPrecedence) {
    Args args = make_args();
    args.read_config_text("# comment\nchain=regtest\nport=1\nconnect=top\n[regtest]\nlisten=0\n[test]\nport=3\n", "bitcoin.conf");
    parse(args, {});
    args.select_chain(args.chain());
    EXPECT_EQ(args.chain(), "regtest");
    // port and connect at the top of the file apply to main only, as in
    // Bitcoin Core, which refuses to start on them with another chain.
    EXPECT_EQ(args.get_int("port", 99), 99);
    EXPECT_TRUE(args.get_all("connect").empty());
    EXPECT_EQ(args.top_level_network_only_options(), (std::vector<std::string>{"-connect", "-port"}));
    EXPECT_FALSE(args.get_bool("listen", true));

    Args cli = make_args();
    cli.read_config_text("[regtest]\nport=2\n", "bitcoin.conf");
    parse(cli, {"-regtest", "-port=7"});
    cli.select_chain(cli.chain());
    EXPECT_EQ(cli.get_int("port", 0), 7);  // the command line wins

    Args bad = make_args();
    EXPECT_THROW(bad.read_config_text("justaword\n", "bitcoin.conf"), ArgsError);
    EXPECT_THROW(bad.read_config_text("-port=1\n", "bitcoin.conf"), ArgsError);
}

TEST(Args, ConfigIgnoresWhatItDoesNotKnowAsCoreDoes) {
    Args args = make_args();
    args.read_config_text("txindex=1\nregtest=1\n[moon]\nport=9\n[regtest]\nport=4\nnosuch=2\n", "bitcoin.conf");
    parse(args, {});
    args.select_chain(args.chain());
    EXPECT_EQ(args.get_int("port", 0), 4);
    EXPECT_TRUE(args.top_level_network_only_options().empty());
    EXPECT_EQ(args.warnings(), (std::vector<std::string>{"Ignoring unknown configuration value txindex",
                                                         "Section [moon] is not recognized (bitcoin.conf:3)",
                                                         "Ignoring unknown configuration value nosuch"}));
    // On the command line an unknown option stays an error.
    EXPECT_THROW(parse(args, {"-txindex"}), ArgsError);
}

TEST(Args, IncludeconfFromTheMainFileOnly) {
    Args args = make_args();
    args.read_config_text("includeconf=a.conf\n[regtest]\nincludeconf=b.conf\n[test]\nincludeconf=c.conf\n", "bitcoin.conf");
    args.select_chain("regtest");
    EXPECT_EQ(args.include_files(), (std::vector<std::string>{"a.conf", "b.conf"}));
    args.read_config_text("regtest.port=6\nincludeconf=d.conf\n", "a.conf", /*included=*/true);
    EXPECT_EQ(args.get_int("port", 0), 6);  // "section.name=" is the section's
    EXPECT_EQ(args.include_files(), (std::vector<std::string>{"a.conf", "b.conf"}));
    EXPECT_EQ(args.warnings().back(), "-includeconf cannot be used from included files; ignoring -includeconf=d.conf");
    Args cli = make_args();
    EXPECT_THROW(parse(cli, {"-includeconf=x.conf"}), ArgsError);
}

TEST(Subnet, MatchesAddressesForRpcAllowIp) {
    auto ip = [](const char* s) { return asio::ip::make_address(s); };
    EXPECT_TRUE(parse_subnet("127.0.0.0/8").contains(ip("127.1.2.3")));
    EXPECT_FALSE(parse_subnet("127.0.0.0/8").contains(ip("128.0.0.1")));
    EXPECT_TRUE(parse_subnet("10.0.0.0/255.0.0.0").contains(ip("10.9.9.9")));
    EXPECT_TRUE(parse_subnet("192.168.1.5").contains(ip("::ffff:192.168.1.5")));
    EXPECT_FALSE(parse_subnet("192.168.1.5").contains(ip("192.168.1.6")));
    EXPECT_TRUE(parse_subnet("::1").contains(ip("::1")));
    EXPECT_FALSE(parse_subnet("::1").contains(ip("127.0.0.1")));
    EXPECT_THROW(parse_subnet("nonsense"), ArgsError);
    EXPECT_THROW(parse_subnet("1.2.3.4/33"), ArgsError);
}
