#pragma once
// Command-line and bitcoin.conf options, spelled and resolved as Bitcoin Core
// does: -name=value, -name (true), -noname (false); bitcoin.conf with
// [main] [test] [testnet4] [signet] [regtest] sections; the command line
// beats the chain's section, which beats the top of the file.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace node {

class ArgsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name;      // without the dash
    std::string help;
    std::string value_hint;  // "<n>", "<ip>"; empty for flags
    std::string default_text;
    bool network_only = false;  // at the top of bitcoin.conf it applies to main only (as in Bitcoin Core)
};

class Args {
public:
    explicit Args(std::vector<OptionSpec> specs);

    // Throws ArgsError for unknown options, stray words or malformed values.
    void parse_command_line(int argc, const char* const argv[]);
    // Reads a bitcoin.conf text. As in Bitcoin Core, a key the node does not
    // know is skipped and noted in warnings(); a line that is not name=value
    // throws ArgsError with the line number. `included`: the text came from
    // an includeconf file, which may not include further files.
    void read_config_text(const std::string& text, const std::string& origin, bool included = false);
    // The includeconf files the main bitcoin.conf names, for the selected chain
    // (the top of the file and the chain's section), in order.
    std::vector<std::string> include_files() const;
    // Network-only options (-port, -rpcport, -connect, ...) set only at the
    // top of bitcoin.conf while another chain than main is selected, with
    // their dash. Bitcoin Core refuses to start on these rather than ignore them.
    std::vector<std::string> top_level_network_only_options() const;
    // The config section a chain reads: "main", "test", "testnet4", "signet", "regtest".
    const std::string& chain_section() const { return chain_; }

    // The chain -chain/-regtest/-testnet/-testnet4/-signet select (main by default).
    std::string chain() const;
    // Sets the section used for lookups; call once the chain is known.
    void select_chain(const std::string& chain) { chain_ = chain; }

    bool is_set(const std::string& name) const;
    std::string get(const std::string& name, const std::string& fallback) const;
    int64_t get_int(const std::string& name, int64_t fallback) const;
    bool get_bool(const std::string& name, bool fallback) const;
    // Every value of a repeatable option (-connect, -addnode, ...), in order.
    std::vector<std::string> get_all(const std::string& name) const;

    std::string help_text() const;
    // Lines for the log about what bitcoin.conf held and the node ignored:
    // unknown keys, unknown sections, includeconf inside an included file.
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    struct Value {
        std::string text;
        bool negated = false;
    };
    const OptionSpec* find(const std::string& name) const;
    // Throws for an unknown option when `origin` is empty (the command line);
    // from a file, an unknown option is skipped with a warning.
    void add(std::map<std::string, std::vector<Value>>& into, const std::string& key, const std::string& origin);
    const std::vector<Value>* lookup(const std::string& name) const;

    std::vector<OptionSpec> specs_;
    std::map<std::string, std::vector<Value>> command_line_;
    std::map<std::string, std::vector<Value>> config_top_;
    std::map<std::string, std::map<std::string, std::vector<Value>>> config_sections_;
    std::string chain_ = "main";
    std::vector<std::string> warnings_;
};

}  // namespace node
