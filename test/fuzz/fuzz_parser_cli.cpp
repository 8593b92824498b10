// The parser's command line and paths, in-process: the input lays out a small
// tree of files and gives the arguments. Whatever it says, the program exits
// 0, 1 or 2 and never crashes; and a capture file it reads is never changed.
//
// Input: lines. "F <name> <content>" makes a file (a directory when the name
// ends in "/"); any other line is one argument. Paths are kept inside the
// fuzzer's scratch directory: ".." and leading "/" are rewritten.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "parser_cli.h"

namespace fs = boost::filesystem;

namespace {

// Keeps a path (or an option carrying one) inside the scratch directory.
std::string contained(std::string s) {
    for (size_t at; (at = s.find("..")) != std::string::npos;) s[at + 1] = '_';
    for (size_t at = 0; (at = s.find('/', at)) != std::string::npos; ++at) {
        if (at == 0 || s[at - 1] == '=' || (at == 2 && s.starts_with("-o"))) {
            s.insert(at, ".");
            ++at;
        }
    }
    return s;
}

const fs::path& scratch() {
    static const fs::path dir = [] {
        char name[] = "/tmp/fuzz-parser-cli-XXXXXX";
        if (!::mkdtemp(name)) std::abort();
        return fs::path(name);
    }();
    return dir;
}

// True when some -o/--output form in `args` names `file`, by any path.
bool named_as_output(const std::vector<std::string>& args, const std::string& file) {
    std::vector<std::string> outputs;
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if ((a == "-o" || a == "--output") && i + 1 < args.size()) outputs.push_back(args[i + 1]);
        else if (a.starts_with("--output=")) outputs.push_back(a.substr(9));
        else if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
            // A cluster of short options ("-no FILE", "-nFILE" is not one): -o takes the rest or the next argument.
            const size_t o = a.find('o');
            if (o != std::string::npos && a.find_first_not_of('n', 1) == o) {
                if (o + 1 < a.size()) outputs.push_back(a.substr(o + 1));
                else if (i + 1 < args.size()) outputs.push_back(args[i + 1]);
            }
        }
    }
    boost::system::error_code ec;
    for (const auto& out : outputs) {
        if (fs::equivalent(out, file, ec) && !ec) return true;
    }
    return false;
}

}  // namespace

// "-" reads standard input: here it is empty, so that no run waits on it.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0) std::abort();
    ::close(null);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return 0;
    const fs::path& dir = scratch();
    for (fs::directory_iterator it(dir), end; it != end; ++it) fs::remove_all(it->path());
    // The run happens inside the scratch directory; libFuzzer's own (relative) paths need the old one back after.
    static const fs::path home = fs::current_path();
    if (::chdir(dir.c_str()) != 0) std::abort();
    struct Back {
        ~Back() {
            if (::chdir(home.c_str()) != 0) std::abort();
        }
    } back;

    std::map<std::string, std::string> captures;  // capture files made, and their content
    std::vector<std::string> args = {"message-capture-parser", "-n"};
    const std::string input(reinterpret_cast<const char*>(data), size);
    size_t start = 0;
    while (start < input.size() && args.size() < 16) {
        size_t end = input.find('\n', start);
        if (end == std::string::npos) end = input.size();
        const std::string line = input.substr(start, end - start);
        start = end + 1;
        if (line.starts_with("F ")) {
            const size_t space = line.find(' ', 2);
            const std::string name = contained(line.substr(2, space == std::string::npos ? std::string::npos : space - 2));
            const std::string content = space == std::string::npos ? "" : line.substr(space + 1);
            if (name.empty() || name.find('\0') != std::string::npos) continue;
            boost::system::error_code ec;
            if (name.ends_with("/")) {
                fs::create_directories(name, ec);
                continue;
            }
            fs::create_directories(fs::path(name).parent_path(), ec);
            std::ofstream out(name, std::ios::binary);
            if (!(out << content) || !out.flush()) continue;  // e.g. a parent that is a file
            const fs::path key = fs::weakly_canonical(name, ec);
            if (!ec && fs::is_regular_file(key, ec) && key.filename().string().starts_with("msgs_")) captures[key.string()] = content;
        } else if (line.find('\0') == std::string::npos) {
            args.push_back(contained(line));
        }
    }
    // --follow runs until it is stopped; here it stops once what is there is out.
    for (size_t i = 1, n = args.size(); i < n; ++i) {
        if (args[i] == "--follow") {
            args.push_back("--until");
            args.push_back("0");
            break;
        }
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int status = run_parser_cli(static_cast<int>(args.size()), argv.data());
    if (status < 0 || status > 2) std::abort();
    // The only file the program writes is -o's, and never over a capture it read.
    for (const auto& [name, content] : captures) {
        std::ifstream in(name, std::ios::binary);
        const std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (now != content && !named_as_output(args, name)) std::abort();
    }
    return 0;
}
