#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default: build). Extra arguments go to
# CMake. With --quiet first, the output goes to BUILD_DIR/build.log and is
# shown only if the build fails.
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/.."
quiet=false
if [ "${1:-}" = --quiet ]; then quiet=true; shift; fi
require_command cmake cmake
require_command ninja ninja-build
build_dir=${BUILD_DIR:-build}
quietly "$build_dir/configure.log" cmake -S . -B "$build_dir" -G Ninja "$@"
if $quiet; then
  quietly "$build_dir/build.log" cmake --build "$build_dir" -j"$(nproc)"
else
  cmake --build "$build_dir" -j"$(nproc)"
fi
