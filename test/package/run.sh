#!/usr/bin/env bash
# Installs the project from BUILD_DIR into a scratch prefix, builds the consumer
# against it with find_package(msgcapture), and runs it on a conformance file.
build_dir=$1
source_dir=$2
source "$source_dir/contrib/common.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
quietly "$work/install.log" cmake --install "$build_dir" --prefix "$work/prefix"
quietly "$work/configure.log" cmake -S "$source_dir/test/package/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix"
quietly "$work/build.log" cmake --build "$work/build"
out=$(LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/x86_64-linux-gnu" "$work/build/count_types" \
  "$source_dir/test/data/conformance/core-regtest/message_capture/127.0.0.1_50732/msgs_recv.dat")
echo "$out"
grep -q '^version 1$' <<<"$out"
grep -q '^verack 1$' <<<"$out"
echo "package OK"
