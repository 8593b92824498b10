#!/usr/bin/env bash
# Every C++ example in doc/library.md is a whole program: this installs the
# library into a scratch prefix, compiles each example with pkg-config (so
# against the shared library, whose symbols are hidden but for the API), and
# runs it in the core-regtest conformance folder (real Bitcoin Core captures).
build_dir=$1
source_dir=$2
source "$source_dir/contrib/common.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
quietly "$work/install.log" cmake --install "$build_dir" --prefix "$work/prefix"
libdir=$(dirname "$(find "$work/prefix" -name msgcapture.pc)")
export PKG_CONFIG_PATH=$libdir
flags=$(pkg-config --cflags --libs msgcapture) || fail "pkg-config does not find msgcapture"

# Each ```cpp block into its own file.
awk -v dir="$work" '
  /^```cpp$/ { n++; file = sprintf("%s/example%d.cpp", dir, n); inside = 1; next }
  /^```$/ && inside { inside = 0; close(file); next }
  inside { print > file }' "$source_dir/doc/library.md"
examples=("$work"/example*.cpp)
[ ${#examples[@]} -ge 7 ] || fail "expected at least 7 examples in doc/library.md, found ${#examples[@]}"
for example in "${examples[@]}"; do
  name=$(basename "$example" .cpp)
  grep -q "int main" "$example" || fail "$name is not a whole program (no main); every example must compile and run"
  c++ -std=c++20 -Wall -Werror "$example" $flags -o "$work/$name" 2> "$work/$name.log" ||
    fail "$name does not compile: $(head -5 "$work/$name.log")"
  (cd "$source_dir/test/data/conformance/core-regtest" && LD_LIBRARY_PATH="$libdir/.." "$work/$name" > "$work/$name.out" 2> "$work/$name.err") ||
    fail "$name failed: $(head -5 "$work/$name.err")"
  [ -s "$work/$name.out" ] || fail "$name printed nothing"
  echo "$name: $(wc -l < "$work/$name.out") lines, first: $(head -1 "$work/$name.out")"
done
# It ran against the shared library, not a static copy.
# (ldd's output is taken whole first: under pipefail, grep -q stopping early
# could kill ldd with SIGPIPE and fail the check at random.)
linked=$(ldd "$work/example1")
grep -q "libmsgcapture.so" <<<"$linked" || fail "the examples did not link the shared library"
echo "doc examples OK"
