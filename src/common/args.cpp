#include "common/args.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace node {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool parse_bool_text(const std::string& v) {
    // As Bitcoin Core: an empty value means set; a number means its truth.
    if (v.empty()) return true;
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    return ec == std::errc() ? n != 0 : true;
}

const std::vector<std::string> CHAIN_SECTIONS = {"main", "test", "testnet4", "signet", "regtest"};

}  // namespace

Args::Args(std::vector<OptionSpec> specs) : specs_(std::move(specs)) {}

const OptionSpec* Args::find(const std::string& name) const {
    auto it = std::find_if(specs_.begin(), specs_.end(), [&](const OptionSpec& s) { return s.name == name; });
    return it == specs_.end() ? nullptr : &*it;
}

// `key` is "name", "name=value", "noname" (without the dash).
void Args::add(std::map<std::string, std::vector<Value>>& into, const std::string& key, const std::string& origin) {
    const auto eq = key.find('=');
    std::string name = key.substr(0, eq);
    Value value;
    if (eq != std::string::npos) value.text = key.substr(eq + 1);
    if (!find(name) && name.starts_with("no") && find(name.substr(2))) {
        name = name.substr(2);
        value.negated = parse_bool_text(value.text);
        value.text = value.negated ? "0" : "1";
    }
    if (name.empty() || !find(name)) {
        if (origin.empty()) throw ArgsError("Invalid parameter -" + name);
        warnings_.push_back("Ignoring unknown configuration value " + name);
        return;
    }
    into[name].push_back(value);
}

void Args::parse_command_line(int argc, const char* const argv[]) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.size() < 2 || arg[0] != '-') {
            throw ArgsError("Command line contains unexpected token '" + arg + "', see bitcoind -h for a list of options.");
        }
        arg.erase(0, arg[1] == '-' ? 2 : 1);  // -name and --name are the same
        if (arg.starts_with("includeconf")) {
            throw ArgsError("-includeconf cannot be used from commandline; -" + arg);
        }
        add(command_line_, arg, "");
    }
}

void Args::read_config_text(const std::string& text, const std::string& origin, bool included) {
    std::istringstream in(text);
    std::string line, section;
    bool known_section = true;
    for (int number = 1; std::getline(in, line); ++number) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        line = trim(line);
        if (line.empty()) continue;
        const std::string where = origin + ":" + std::to_string(number);
        if (line.front() == '[' && line.back() == ']') {
            section = trim(line.substr(1, line.size() - 2));
            known_section = std::find(CHAIN_SECTIONS.begin(), CHAIN_SECTIONS.end(), section) != CHAIN_SECTIONS.end();
            if (!known_section) warnings_.push_back("Section [" + section + "] is not recognized (" + where + ")");
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) throw ArgsError("parse error on line " + std::to_string(number) + " of " + origin + ": " + line);
        std::string name = trim(line.substr(0, eq));
        if (name.starts_with("-")) {
            throw ArgsError("parse error on line " + std::to_string(number) + " of " + origin + ": " + line +
                            ", options in configuration file must be specified without leading -");
        }
        // "regtest.port=1" is the same as "port=1" in [regtest].
        std::string in_section = section;
        bool usable = known_section;
        if (const auto dot = name.find('.'); dot != std::string::npos) {
            in_section = name.substr(0, dot);
            name = name.substr(dot + 1);
            usable = std::find(CHAIN_SECTIONS.begin(), CHAIN_SECTIONS.end(), in_section) != CHAIN_SECTIONS.end();
        }
        if (!usable) continue;
        const std::string value = trim(line.substr(eq + 1));
        if (name == "includeconf" && included) {
            warnings_.push_back("-includeconf cannot be used from included files; ignoring -includeconf=" + value);
            continue;
        }
        add(in_section.empty() ? config_top_ : config_sections_[in_section], name + "=" + value, where);
    }
}

std::vector<std::string> Args::include_files() const {
    std::vector<std::string> out;
    for (const auto* values : {&config_top_, config_sections_.count(chain_) ? &config_sections_.at(chain_) : nullptr}) {
        if (!values) continue;
        if (auto it = values->find("includeconf"); it != values->end()) {
            for (const Value& v : it->second) {
                if (!v.negated && !v.text.empty()) out.push_back(v.text);
            }
        }
    }
    return out;
}

std::vector<std::string> Args::top_level_network_only_options() const {
    std::vector<std::string> out;
    if (chain_ == "main") return out;
    const auto section = config_sections_.find(chain_);
    for (const auto& [name, values] : config_top_) {
        const OptionSpec* spec = find(name);
        if (!spec || !spec->network_only || command_line_.count(name)) continue;
        if (section != config_sections_.end() && section->second.count(name)) continue;
        out.push_back("-" + name);
    }
    return out;
}

const std::vector<Args::Value>* Args::lookup(const std::string& name) const {
    if (auto it = command_line_.find(name); it != command_line_.end()) return &it->second;
    if (auto s = config_sections_.find(chain_); s != config_sections_.end()) {
        if (auto it = s->second.find(name); it != s->second.end()) return &it->second;
    }
    if (auto it = config_top_.find(name); it != config_top_.end()) {
        const OptionSpec* spec = find(name);
        if (spec && spec->network_only && chain_ != "main") return nullptr;
        return &it->second;
    }
    return nullptr;
}

bool Args::is_set(const std::string& name) const { return lookup(name) != nullptr; }

std::string Args::get(const std::string& name, const std::string& fallback) const {
    const auto* values = lookup(name);
    return values ? values->back().text : fallback;
}

int64_t Args::get_int(const std::string& name, int64_t fallback) const {
    const auto* values = lookup(name);
    if (!values) return fallback;
    const std::string& text = values->back().text;
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || p != text.data() + text.size()) {
        throw ArgsError("Invalid value for -" + name + ": '" + text + "' is not a number");
    }
    return n;
}

bool Args::get_bool(const std::string& name, bool fallback) const {
    const auto* values = lookup(name);
    if (!values) return fallback;
    const Value& v = values->back();
    return v.negated ? false : parse_bool_text(v.text);
}

std::vector<std::string> Args::get_all(const std::string& name) const {
    std::vector<std::string> out;
    if (const auto* values = lookup(name)) {
        for (const Value& v : *values) {
            if (v.negated) {
                out.clear();  // -noconnect clears the list
            } else {
                out.push_back(v.text);
            }
        }
    }
    return out;
}

std::string Args::chain() const {
    std::vector<std::string> picked;
    auto flag = [&](const std::string& name) {
        if (auto it = command_line_.find(name); it != command_line_.end()) return !it->second.back().negated && parse_bool_text(it->second.back().text);
        if (auto it = config_top_.find(name); it != config_top_.end()) return !it->second.back().negated && parse_bool_text(it->second.back().text);
        return false;
    };
    if (flag("regtest")) picked.push_back("regtest");
    if (flag("testnet")) picked.push_back("test");
    if (flag("testnet4")) picked.push_back("testnet4");
    if (flag("signet")) picked.push_back("signet");
    std::string from_chain;
    if (auto it = command_line_.find("chain"); it != command_line_.end()) {
        from_chain = it->second.back().text;
    } else if (auto it2 = config_top_.find("chain"); it2 != config_top_.end()) {
        from_chain = it2->second.back().text;
    }
    if (!from_chain.empty()) picked.push_back(from_chain);
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    if (picked.size() > 1) throw ArgsError("Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.");
    return picked.empty() ? "main" : picked[0];
}

std::string Args::help_text() const {
    std::ostringstream out;
    out << "Options:\n\n";
    for (const OptionSpec& s : specs_) {
        out << "  -" << s.name << (s.value_hint.empty() ? "" : "=" + s.value_hint) << "\n";
        out << "       " << s.help;
        if (!s.default_text.empty()) out << " (default: " << s.default_text << ")";
        out << "\n\n";
    }
    return out.str();
}

}  // namespace node
