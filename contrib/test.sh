#!/usr/bin/env bash
# Sets up the machine and runs every test: a normal build, then the whole suite
# again under AddressSanitizer and UndefinedBehaviorSanitizer, then a short
# pass of every fuzzer.
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/.."
section "setup: Debian packages, and bcoin from npm"
contrib/install-deps.sh
contrib/install-bcoin.sh build/bcoin   # an independent node for the interop test

section "build and test (RelWithDebInfo)"
BUILD_DIR=build contrib/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir build --output-on-failure -j"$(nproc)"

section "build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
BUILD_DIR=build-sanitize contrib/build.sh -DCMAKE_BUILD_TYPE=Debug -DMSGCAPTURE_SANITIZE=ON
# The soak's memory and latency bounds are for the normal build; it ran above.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)" --label-exclude soak

section "fuzz smoke pass (libFuzzer, clang, ASan + UBSan; test/fuzz/run.sh for longer runs)"
test/fuzz/run.sh "${FUZZ_SECONDS:-20}"
section "every test passed"
