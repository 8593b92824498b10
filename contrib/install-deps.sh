#!/usr/bin/env bash
# Installs every Debian package that the build, the tests, the demo and the
# benchmarks use; doc/dependencies.md says why each is needed. CMake checks the
# build's and the tests' packages again at configure time, by name.
source "$(dirname "$0")/common.sh"

packages=(
  # the build: compiler, CMake and Ninja, and the libraries
  build-essential cmake ninja-build
  libasio-dev libboost-filesystem-dev libssl-dev libzstd-dev nlohmann-json3-dev libcli11-dev
  # the monitor's terminal screens
  libncurses-dev
  # the parser's and the monitor's allocator
  libjemalloc-dev
  # the node's getnewaddress keys: libsecp256k1, found through pkg-config
  libsecp256k1-dev pkgconf
  # the node's USDT tracepoints: <sys/sdt.h>
  systemtap-sdt-dev
  # packaging: man pages made from each program's --help
  help2man
  # the tests: GoogleTest, Wireshark's dissector, script(1) for a terminal,
  # bpftrace for the tracepoints, a Prometheus server for the metrics, tmux
  # to run the monitor in a terminal whose screen the test reads
  libgtest-dev tshark bsdutils bpftrace prometheus tmux
  # the fuzzers: clang, with its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  # the demo's JSON-RPC calls and JSON handling; python3 also seeds the fuzz corpus
  curl python3
  # the benchmarks: Google Benchmark, /usr/bin/time for peak memory, perf
  # for task clock and page faults
  libbenchmark-dev time linux-perf
)
# Node.js and npm run bcoin for the interop test (contrib/install-bcoin.sh
# rebuilds its native modules with node-gyp); a machine that has them, from
# any source, keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm node-gyp libnode-dev)
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else require_command sudo sudo && sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  as_root apt-get update -qq
  # tshark asks whether non-root users may capture; the answer (no) is given here.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
  # Packages with a service (prometheus) must not start it: servers the
  # tests need they start themselves, on loopback. policy-rc.d says so to
  # invoke-rc.d for the length of the install, unless the machine has its own.
  policy=/usr/sbin/policy-rc.d own_policy=false
  if [ -e "$policy" ]; then own_policy=true; else
    printf '#!/bin/sh\n# msgcapture install-deps.sh: no service starts during the install\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
  fi
  status=0
  quietly "${TMPDIR:-/tmp}/msgcapture-install-deps.log" \
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?
  $own_policy || as_root rm -f "$policy"
  [ "$status" -eq 0 ] || exit "$status"
fi
