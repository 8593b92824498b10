#pragma once
// How many threads the parser's default should format on. Threads past the
// cores that are really free only take turns on the same cores, and with
// the output kept in order that was slower than one thread: on a 2-core
// machine with another program busy on one core, two workers were 10-25%
// slower than one thread.
#include <cstddef>

namespace msgcapture {

// The cores this process may use: the CPUs its affinity allows (taskset, a
// container's cpuset) and, under a cgroup v2 CPU quota, no more than that.
unsigned usable_cores();

// Of `cores`, those no other program is running on now: the runnable tasks
// /proc/loadavg counts, less this one, taken at the quietest of a few looks
// 1 ms apart. At least 1.
unsigned free_cores(unsigned cores);

}  // namespace msgcapture
