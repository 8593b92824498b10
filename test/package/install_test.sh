#!/usr/bin/env bash
# What `cmake --install` ships beside the programs: man pages generated from
# --help, the parser's bash completion (offering every option --help lists),
# the systemd unit pointing at the installed bitcoind, and the library's
# headers: the stable API alone, each one compiling on its own.
build_dir=$1
source_dir=$2
source "$source_dir/contrib/common.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
quietly "$work/install.log" cmake --install "$build_dir" --prefix "$prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }

for program in bitcoind message-capture-parser message-capture-monitor; do
  [ -x "$prefix/bin/$program" ] || fail "bin/$program is not installed"
  page=$prefix/share/man/man1/$program.1
  [ -f "$page" ] || fail "no man page for $program"
  grep -q "^\.TH ${program^^} " "$page" || fail "$page has no .TH header"
done
grep -q 'capturemessages' "$prefix/share/man/man1/bitcoind.1" || fail "bitcoind.1 does not list -capturemessages"
grep -q 'no\\-progress\\-bar' "$prefix/share/man/man1/message-capture-parser.1" || fail "the parser's page does not list --no-progress-bar"

completion=$prefix/share/bash-completion/completions/message-capture-parser
[ -f "$completion" ] || fail "no bash completion"
complete_words() {  # the words typed so far, the last one being completed
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _message_capture_parser; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$completion" "$@"
}
# Every long option of --help is offered, and nothing else.
help_options=$("$prefix/bin/message-capture-parser" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
offered=$(complete_words message-capture-parser -- | grep -- '^--' | sort -u)
[ "$help_options" = "$offered" ] || fail "completion offers [$offered], --help lists [$help_options]"
[ "$(complete_words message-capture-parser --ou)" = "--output" ] || fail "--ou does not complete to --output"
mkdir -p "$work/caps/peer" && touch "$work/caps/peer/msgs_recv.dat" "$work/caps/notes.txt"
(cd "$work/caps" && [ "$(complete_words message-capture-parser pe)" = "peer" ]) || fail "directories are not offered"
(cd "$work/caps/peer" && [ "$(complete_words message-capture-parser ms)" = "msgs_recv.dat" ]) || fail "capture files are not offered"
(cd "$work/caps" && [ -z "$(complete_words message-capture-parser no)" ]) || fail "a non-capture file is offered"

unit=$prefix/lib/systemd/system/bitcoind.service
[ -f "$unit" ] || fail "no systemd unit"
grep -q "^ExecStart=$prefix/bin/bitcoind -daemonwait" "$unit" || fail "the unit does not start the installed bitcoind"
for line in Type=forking PIDFile=/run/bitcoind/bitcoind.pid 'ExecReload=/bin/kill -HUP $MAINPID' ProtectSystem=full \
            ProtectHome=true NoNewPrivileges=true PrivateDevices=true MemoryDenyWriteExecute=true PrivateTmp=true; do
  grep -qxF "$line" "$unit" || fail "the unit lacks $line"
done
# The library's installed headers: none of the project's internal ones (codec
# machinery, the JSON writer, the file-system seam), no detail:: namespace,
# and each compiles with nothing but the installed include directory.
headers=$(cd "$prefix/include" && find msgcapture -name '*.h' | sort)
[ -n "$headers" ] || fail "no library headers installed"
for internal in msgcapture/protocol/codec.h msgcapture/protocol/stream.h msgcapture/format/capture_fs.h \
                msgcapture/json/json_writer.h msgcapture/json/message_json.h msgcapture/json/entry_json.h; do
  [ ! -e "$prefix/include/$internal" ] || fail "the internal header $internal is installed"
done
! grep -rn "detail::" "$prefix/include/msgcapture" || fail "an installed header uses a detail:: namespace"
for header in $headers; do
  echo "#include \"$header\"" | c++ -std=c++20 -fsyntax-only -I"$prefix/include" -x c++ - 2> "$work/header.log" ||
    fail "$header does not compile on its own against the installed headers: $(head -3 "$work/header.log")"
done
# Beside the static library, a shared one that exports the API alone.
so=$(find "$prefix" -name 'libmsgcapture.so' | head -1)
[ -n "$so" ] && [ -n "$(find "$prefix" -name 'libmsgcapture.a')" ] || fail "the static and shared libraries are not both installed"
exported=$(nm -D --defined-only -C "$so")
grep -q "msgcapture::CapturePipeline::run" <<<"$exported" || fail "the shared library does not export the pipeline"
! grep -E "msgcapture::(JsonWriter|OrderedWork|ByteReader::|detail::)" <<<"$exported" ||
  fail "the shared library exports internal symbols (they should be hidden)"
[ -n "$(find "$prefix" -name msgcapture.pc)" ] || fail "no pkg-config file"
echo "install OK"
