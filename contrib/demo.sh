#!/usr/bin/env bash
# The main job: sets up the machine, builds the parser, parses the bundled
# Bitcoin Core regtest capture into JSON and shows what is in it.
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/install-deps.sh
BUILD_DIR=build contrib/build.sh >/dev/null

parser=build/tools/message-capture-parser/message-capture-parser
capture=test/data/conformance/core-regtest/message_capture
out_dir=demo-output
mkdir -p "$out_dir"
json="$out_dir/messages.json"

"$parser" -n "$capture" -o "$json"

first_peer=$(ls "$capture" | head -n 1)
"$parser" -n "$capture/$first_peer" -o "$out_dir/handshake.json"

echo "Parsed $(find "$capture" -name 'msgs_*.dat' | wc -l) capture files in $capture"
echo "(four connections of Bitcoin Core 29.99 nodes on regtest, one directory per peer)"
contrib/show_capture.py "$json" "$out_dir/handshake.json"

echo
echo "Full JSON: $json ($(du -h "$json" | cut -f1)); the handshake's peer: $first_peer"
echo "Try: $parser --help"
