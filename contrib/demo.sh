#!/usr/bin/env bash
# The main job: sets up the machine, builds, and runs three of our nodes on
# regtest on loopback. They connect, mine and follow each other's headers,
# capture every message, and the parser turns the captures into JSON that the
# demo summarises. Nothing leaves 127.0.0.1: every node runs with -connect
# (or -connect=0) and -dnsseed=0.
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/.."
contrib/install-deps.sh
require_command curl curl
require_command python3 python3
echo "Building (output in build/build.log)..."
BUILD_DIR=build contrib/build.sh --quiet

bitcoind=build/src/bitcoind
parser=build/tools/message-capture-parser/message-capture-parser
work=demo-output
rm -rf "$work"
mkdir -p "$work"/{alice,bob,carol}

base=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768+), so no outgoing socket holds them
port() { case $1 in alice) echo $((base));; bob) echo $((base + 1));; carol) echo $((base + 2));; esac; }
rpcport() { echo $(( $(port "$1") + 100 )); }

node_pids=()
start() {  # name, extra options...
  local name=$1; shift
  "$bitcoind" -regtest -datadir="$work/$name" -bind=127.0.0.1 -port="$(port "$name")" \
    -rpcbind=127.0.0.1 -rpcport="$(rpcport "$name")" -dnsseed=0 -listen=1 -printtoconsole=0 -capturemessages -debug=net "$@" &
  node_pids+=($!)
}

rpc() {  # name, method, params-json
  local cookie
  cookie=$(cat "$work/$1/regtest/.cookie")
  curl -sf --user "$cookie" --data-binary "{\"jsonrpc\":\"1.0\",\"id\":\"demo\",\"method\":\"$2\",\"params\":${3:-[]}}" \
    "http://127.0.0.1:$(rpcport "$1")/" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["result"]))'
}

wait_for() {  # seconds, command...
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $until ]; then echo "timed out waiting for: $*" >&2; return 1; fi
    sleep 0.2
  done
}

follower=""
stop_all() {
  for n in alice bob carol; do [ -f "$work/$n/regtest/.cookie" ] && rpc "$n" stop >/dev/null 2>&1 || true; done
  wait "${node_pids[@]}"
  if [ -n "$follower" ]; then kill -INT "$follower" 2>/dev/null || true; wait "$follower" || true; fi
}
trap stop_all EXIT

echo "Starting alice (accepts connections), bob (connects to alice) and carol (connects to bob)..."
start alice -connect=0
wait_for 20 test -f "$work/alice/regtest/.cookie"
wait_for 20 rpc alice getblockcount
start bob -connect="127.0.0.1:$(port alice)"
wait_for 20 test -f "$work/bob/regtest/.cookie"
# Watching bob live while it all happens: blocks, headers and transactions
# as they are captured (message-capture-monitor shows the same interactively).
live_types=tx,inv,headers,cmpctblock,block,getdata
"$parser" --follow --type "$live_types" "$work/bob/regtest/message_capture" > "$work/bob-live.ndjson" 2> "$work/bob-live.err" &
follower=$!
wait_for 20 rpc bob getblockcount
start carol -connect="127.0.0.1:$(port bob)"
wait_for 20 test -f "$work/carol/regtest/.cookie"
wait_for 20 rpc carol getblockcount
peers() { [ "$(rpc "$1" getconnectioncount)" = "$2" ]; }
wait_for 20 peers bob 2

echo "alice mines 102 blocks paying OP_TRUE (generatetodescriptor raw(51)), so that her first two coinbases can be spent..."
height() { [ "$(rpc "$1" getblockcount)" = "$2" ]; }
blocks=$(rpc alice generatetodescriptor '[102, "raw(51)"]')
wait_for 30 height carol 102
coinbase_of() {  # height index in the list of mined blocks
  local hash
  hash=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[int(sys.argv[2])])' "$blocks" "$1")
  rpc alice getblock "[\"$hash\"]" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tx"][0])'
}
# A transaction spending a coinbase's OP_TRUE output (no signature needed) to
# another OP_TRUE output, leaving 0.0001 BTC as fee.
spend() {
  python3 -c '
import struct, sys
prev = bytes.fromhex(sys.argv[1])[::-1]
tx = (struct.pack("<I", 2) + b"\x01" + prev + struct.pack("<I", 0) + b"\x00" + struct.pack("<I", 0xffffffff)
      + b"\x01" + struct.pack("<q", 50_0000_0000 - 1_0000) + b"\x01\x51" + struct.pack("<I", 0))
print(tx.hex())' "$1"
}
send() { rpc "$1" sendrawtransaction "[\"$2\"]" | python3 -c 'import json,sys; print(json.load(sys.stdin))'; }
echo "carol and alice each send a transaction spending one of those coins; they relay across all three..."
txid=$(send carol "$(spend "$(coinbase_of 0)")")
txid2=$(send alice "$(spend "$(coinbase_of 1)")")
in_pool() { rpc "$1" getrawmempool | grep -q "$2"; }
wait_for 20 in_pool alice "$txid"
wait_for 20 in_pool carol "$txid2"
echo "bob mines a block with both; alice and carol download it..."
mined=$(rpc bob generatetodescriptor '[1, "raw(51)"]' | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])')
wait_for 20 height alice 103
wait_for 20 height carol 103
has_tx() { rpc "$1" getblock "[\"$mined\"]" | grep -q "$txid"; }
wait_for 20 has_tx carol
rpc alice ping >/dev/null
sleep 1
echo "Best header on every node: $(rpc carol getbestblockhash); transactions $txid and $txid2 are in it"

# The sessions close with the nodes; the follower prints what was left and
# is then stopped as Ctrl-C would.
for n in alice bob carol; do rpc "$n" stop >/dev/null 2>&1 || true; done
wait "${node_pids[@]}"
live_done() { [ "$(wc -l < "$work/bob-live.ndjson")" -ge "$("$parser" -n -f ndjson --type "$live_types" "$work/bob/regtest/message_capture" | wc -l)" ]; }
wait_for 20 live_done
kill -INT "$follower"
wait "$follower"
follower=""
trap - EXIT

echo "Parsing every node's captures..."
for n in alice bob carol; do
  "$parser" -n "$work/$n/regtest/message_capture" -o "$work/$n.json"
  echo "  $n: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/$n.json") messages in $(find "$work/$n" -name 'msgs_*.dat' | wc -l) files -> $work/$n.json"
done
bob_to_alice=$(ls -d "$work"/bob/regtest/message_capture/127.0.0.1_"$(port alice)"/*)
"$parser" -n "$bob_to_alice" -o "$work/bob-alice.json"

echo
echo "Watched live on bob (message-capture-parser --follow --type $live_types), as it happened:"
"$parser" -n -f ndjson --type "$live_types" "$work/bob/regtest/message_capture" > "$work/bob-after.ndjson"
if cmp -s "$work/bob-live.ndjson" "$work/bob-after.ndjson"; then
  echo "  $(wc -l < "$work/bob-live.ndjson") entries, the same as a parse of the finished files prints; the first three:"
else
  echo "  the followed output differs from a parse of the finished files:" >&2
  diff "$work/bob-live.ndjson" "$work/bob-after.ndjson" | head >&2
  exit 1
fi
head -n 3 "$work/bob-live.ndjson" | cut -c 1-150 | sed 's/^/    /'
echo "  (message-capture-monitor $work/bob/regtest shows every peer's traffic like this, in a terminal)"

echo
echo "What bob, in the middle, said and heard:"
contrib/show_capture.py "$work/bob.json" "$work/bob-alice.json" "$txid"
echo
echo "Files:"
echo "  captures:  $work/<node>/regtest/message_capture/<peer>/<session>/msgs_{recv,sent}.dat (+ session.json)"
echo "  JSON:      $work/<node>.json; bob's connection to alice: $work/bob-alice.json; followed live: $work/bob-live.ndjson"
echo "  logs:      $work/<node>/regtest/debug.log"
