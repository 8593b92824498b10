#include "usable_cores.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

namespace msgcapture {
namespace {

// The quota of the cgroup the process is in, in CPUs; 0 when there is none.
double cgroup_cpu_quota() {
    std::ifstream cgroup("/proc/self/cgroup");
    std::string line, path;
    while (std::getline(cgroup, line)) {
        if (line.starts_with("0::")) path = line.substr(3);  // cgroup v2
    }
    if (path.empty()) return 0;
    // "max 100000" (no quota) or "150000 100000" (1.5 CPUs).
    std::ifstream max("/sys/fs/cgroup" + path + "/cpu.max");
    std::string quota;
    double period = 0;
    if (!(max >> quota >> period) || quota == "max" || period <= 0) return 0;
    try {
        return std::stod(quota) / period;
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace

unsigned usable_cores() {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) cores = std::max(1, CPU_COUNT(&set));
    if (const double quota = cgroup_cpu_quota(); quota > 0) cores = std::min(cores, std::max(1u, static_cast<unsigned>(std::ceil(quota))));
    return cores;
}

unsigned free_cores(unsigned cores) {
    // "0.52 0.58 0.59 3/417 12345": the fourth field's first number is the
    // tasks runnable now, this one among them.
    unsigned others = cores;
    for (int look = 0; look < 3; ++look) {
        if (look > 0) ::usleep(1000);
        std::ifstream loadavg("/proc/loadavg");
        double skip = 0;
        unsigned runnable = 0;
        char slash = 0;
        if (!(loadavg >> skip >> skip >> skip >> runnable >> slash) || slash != '/' || runnable == 0) return cores;
        others = std::min(others, runnable - 1);
    }
    return others >= cores ? 1 : cores - others;
}

}  // namespace msgcapture
