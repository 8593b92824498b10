#!/usr/bin/env bash
# The setup's failures are visible: a failing step in a contrib script names
# itself and its line, a quiet step shows its log from the first error, and
# CMake names the Debian package of a dependency it cannot find.
# Usage: failures_test.sh SOURCE_DIR
set -uo pipefail
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
contains() { tr -s ' \n' '  ' <<<"$1" | grep -qF -- "$2"; }  # CMake wraps its messages

# A failing command: its script, line, text and status; nothing after it runs.
cat > "$work/step.sh" <<EOF
source "$source_dir/contrib/common.sh"
echo before
ls "$work/no-such-file"
echo after
EOF
out=$(bash "$work/step.sh" 2>&1); status=$?
check "a failing command ends the script with its status" test "$status" -eq 2
check "and is named with its line" contains "$out" "step.sh: line 3: 'ls \"$work/no-such-file\"' failed with status 2"
check "and nothing after it runs" test "$(grep -c after <<<"$out")" -eq 0

# A quiet step: silent when it works; when it fails, its log from the first error.
out=$(bash -c "source '$source_dir/contrib/common.sh'; quietly '$work/ok.log' echo hidden" 2>&1)
check "a quiet step that works prints nothing" test -z "$out"
check "and keeps its output in its log" grep -qx hidden "$work/ok.log"
printf '%s\n' '#!/bin/sh' 'echo configuring; echo noise' 'echo "main.cpp:7:1: error: expected ;"; echo context; exit 3' > "$work/compile"
chmod +x "$work/compile"
cat > "$work/quiet.sh" <<EOF
source "$source_dir/contrib/common.sh"
quietly "$work/build.log" "$work/compile"
EOF
out=$(bash "$work/quiet.sh" 2>&1); status=$?
check "a quiet step that fails ends the script with its status" test "$status" -eq 3
check "and shows the error" contains "$out" "main.cpp:7:1: error: expected ;"
check "and what follows it" contains "$out" "context"
check "but not the noise before it" test "$(grep -c noise <<<"$out")" -eq 0
check "and says where the full log is" contains "$out" "(full log: $work/build.log)"
check "and which line of the script ran it" contains "$out" "quiet.sh: line 2: failed with status 3"

# A missing command, package or program: CMake and the scripts name the Debian package.
out=$(bash -c "source '$source_dir/contrib/common.sh'; require_command no-such-command-xyz no-such-package" 2>&1)
check "a missing command names its package" contains "$out" "no-such-command-xyz is not installed: install the Debian package no-such-package"
mkdir "$work/project"
cat > "$work/project/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.22)
project(missing LANGUAGES CXX)
list(APPEND CMAKE_MODULE_PATH "$source_dir/cmake")
include(RequireDebianPackage)
if(WHICH STREQUAL "package")
  msgcapture_require_package(NoSuchLibrary 1.0 COMPONENTS core DEBIAN libno-such-library-dev)
else()
  msgcapture_require_program(NO_SUCH_PROGRAM no-such-program-xyz DEBIAN no-such-tools)
endif()
EOF
out=$(cmake -S "$work/project" -B "$work/build-package" -DWHICH=package 2>&1); status=$?
check "CMake stops on a missing package" test "$status" -ne 0
check "and names the Debian package" contains "$out" "NoSuchLibrary was not found: install the Debian package libno-such-library-dev"
out=$(cmake -S "$work/project" -B "$work/build-program" -DWHICH=program 2>&1); status=$?
check "CMake stops on a missing program" test "$status" -ne 0
check "and names the Debian package" contains "$out" "no-such-program-xyz was not found: install the Debian package no-such-tools"

echo "$failures failed"
[ "$failures" -eq 0 ]
