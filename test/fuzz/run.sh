#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# SECONDS (default 60), seeded from the conformance captures and sample
# inputs. Usage: test/fuzz/run.sh [seconds]
source "$(dirname "$0")/../../contrib/common.sh"
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=$PWD/build-fuzz  # absolute: fuzz_parser_cli runs in its own directory
require_command clang++ clang
require_command python3 python3
quietly "$build/configure.log" cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMSGCAPTURE_FUZZ=ON -DMSGCAPTURE_SANITIZE=ON -DMSGCAPTURE_BUILD_TESTS=OFF
quietly "$build/build.log" cmake --build "$build" -j"$(nproc)" \
  --target fuzz_capture_file fuzz_message_roundtrip fuzz_v1_framing fuzz_rpc_request fuzz_json_depth fuzz_parser_cli fuzz_merge_parking fuzz_growing_reader fuzz_address fuzz_capture_args fuzz_record_filter message-capture-parser

corpus=$build/corpus
mkdir -p "$corpus"/{capture,roundtrip,transport,rpc,json,cli,merge,growing,address,capture_args,filter}

i=0
for f in $(find test/data/conformance -name 'msgs_*.dat'); do cp "$f" "$corpus/capture/seed$i"; i=$((i + 1)); done
# Every message of the conformance captures, as the round-trip target takes
# them: the parser's own seed-corpus format.
"$build/tools/message-capture-parser/message-capture-parser" -n --format corpus -o "$corpus/roundtrip" test/data/conformance 2>/dev/null
# Inputs that once failed stay in the corpus (each also has a unit test).
cp test/fuzz/regressions/fuzz_merge_parking/* "$corpus/merge/"
cp test/fuzz/regressions/fuzz_growing_reader/* "$corpus/growing/"
cp test/fuzz/regressions/fuzz_capture_args/* "$corpus/capture_args/"
cp test/fuzz/regressions/fuzz_record_filter/* "$corpus/filter/"
cp test/fuzz/regressions/fuzz_parser_cli/* "$corpus/cli/"
python3 - "$corpus" <<'PY'
import glob, struct, sys, hashlib
corpus = sys.argv[1]
types = ["version","verack","addr","addrv2","sendaddrv2","inv","getdata","notfound","getblocks","getheaders","headers",
         "block","tx","mempool","ping","pong","feefilter","sendheaders","sendcmpct","cmpctblock","getblocktxn","blocktxn",
         "filterload","filteradd","filterclear","merkleblock","getcfilters","cfilter","getcfheaders","cfheaders",
         "getcfcheckpt","cfcheckpt","wtxidrelay","sendtxrcncl","getaddr"]  # any known type frames as a peer sends it
n = 0
for f in sorted(glob.glob("test/data/conformance/**/msgs_*.dat", recursive=True)):
    data = open(f, "rb").read(); pos = 0
    while pos + 24 <= len(data):
        t, cmd, ln = struct.unpack("<q12sI", data[pos:pos + 24]); p = data[pos + 24:pos + 24 + ln]; pos += 24 + ln
        c = cmd.split(b"\0")[0].decode("latin1")
        if c in types and n < 300:
            # the message as a peer would frame it (regtest magic)
            frame = bytes.fromhex("fabfb5da") + cmd + struct.pack("<I", len(p)) + hashlib.sha256(hashlib.sha256(p).digest()).digest()[:4] + p
            open(f"{corpus}/transport/s{n}", "wb").write(frame)
            n += 1
body = b'{"jsonrpc":"1.0","id":1,"method":"echo","params":[5,"x"]}'
open(f"{corpus}/rpc/s0", "wb").write(b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
open(f"{corpus}/rpc/s1", "wb").write(b'POST / HTTP/1.1\r\nContent-Length: 40\r\n\r\n[{"method":"echo","params":{"a":"7"}}] ')
# Deep nesting in "id" and "params", the shapes that once overflowed the stack.
for i, depth in enumerate([600, 5000]):
    deep = b"[" * depth + b"]" * depth
    body = b'{"method":"echo","id":' + deep + b',"params":' + deep + b'}'
    open(f"{corpus}/rpc/deep{i}", "wb").write(b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    open(f"{corpus}/json/deep{i}", "wb").write(b'{"a":"[{\\"",' + b'"b":' + deep + b"}")
open(f"{corpus}/json/s0", "wb").write(b'{"peer_id":1,"address":"127.0.0.1:1","x":[1,{"y":[2]}],"s":"[{\\"]"}')
# Merges: pieces of real captures, plain, in zstd frames, and cut short.
caps = [open(f, "rb").read()[:3000] for f in sorted(glob.glob("test/data/conformance/**/msgs_*.dat", recursive=True))[:4]]
open(f"{corpus}/merge/s0", "wb").write(b"\xff\xfe".join(bytes([m]) + c for m, c in zip([0, 1, 7, 0x83], caps)))
# Growing files: a real capture in pieces cut at odd places, plain and zstd, parked or not.
for mode in range(4):
    pieces = [caps[0][i:i + 97] for i in range(0, len(caps[0]), 97)]
    open(f"{corpus}/growing/s{mode}", "wb").write(bytes([mode]) + b"\xff\xfe".join(pieces))
# Command lines: files laid out, then arguments (see fuzz_parser_cli.cpp).
cap = open(sorted(glob.glob("test/data/conformance/**/msgs_recv.dat", recursive=True))[0], "rb").read()[:2000]
cap = cap.replace(b"\n", b"")
open(f"{corpus}/cli/s0", "wb").write(b"F d/p/msgs_recv.dat " + cap + b"\nF d/p/session.json {\"peer_id\":1}\nd\n-o\nout.json\n-j\n2")
open(f"{corpus}/cli/s1", "wb").write(b"F d/msgs_sent.dat " + cap + b"\nd\n-o\nd/msgs_sent.dat")
open(f"{corpus}/cli/s2", "wb").write(b"F d/x/\nF d/msgs_recv.dat.zst \x28\xb5\x2f\xfd\nd\n--output=o.json")
# The analysis options: formats, filters, a summary, standard input.
for i, args in enumerate([b"-f\nndjson\n--type\nping,pong\n--not-type\ninv\n-l\n3", b"-f\npcap\n-o\no.pcap\n--chain\nregtest",
                          b"--stats\n-f\njson\n--since\n2026-11-22T02:07:54Z\n--until\n1795313279438472",
                          b"-f\ncorpus\n-o\nc\n--peer\n127.0.0.1\n-d\nsent", b"-a\n-\n--stdin-direction\nsent"]):
    open(f"{corpus}/cli/a{i}", "wb").write(b"F d/127.0.0.1_8333/msgs_recv.dat " + cap + b"\nd\n" + args)
# Filter options, one per line: type, not-type, direction, peer, file path, since, until; then a header.
open(f"{corpus}/filter/s0", "wb").write(b"inv\nping\nrecv\n127.0.0.1\nd/127.0.0.1_8333/msgs_recv.dat\n2026-11-22T02:07:54.5Z\n1795313279438472\n" + cap[:40])
open(f"{corpus}/filter/s1", "wb").write(b"tx,block\n\nsent\n3\nx\n2026-02-29\n2024-02-29T23:59:59.999999Z\n" + cap[24:64])
# Addresses and descriptors of every kind (BIP173/BIP350 and Core's vectors).
for i, a in enumerate(["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i",
                       "2N2JD6wb56AfK4tfmM6PwdVmoYk2dCKf4Br", "bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqc8gma6",
                       "BC1SW50QGDZ25J", "raw(51)#aaaaaaaa", "addr(bcrt1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq3xueyj)#juyq9d97"]):
    open(f"{corpus}/address/s{i}", "w").write(a)
# setcapture's arguments: peers, a NUL, message types.
for i, a in enumerate([b'all', b'[0, "127.0.0.1", "[::1]:18444"]\0["ping","pong"]', b'"all"\0"all"', b'[1,2,3]\0"tx"', b'["1.2.3.4:0"]\0[]']):
    open(f"{corpus}/capture_args/s{i}", "wb").write(a)
PY

run() {  # target corpus-dir [libFuzzer options]
  echo "== $1 for ${seconds}s"
  "$build/test/fuzz/$1" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=200000 -print_final_stats=1 \
    -artifact_prefix="$build/$1-" "${@:3}" "$corpus/$2" 2>&1 | grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|ERROR|SUMMARY" || true
  if ls "$build/$1-"crash-* "$build/$1-"leak-* "$build/$1-"oom-* "$build/$1-"timeout-* >/dev/null 2>&1; then
    echo "$1 found a failing input: $(ls "$build/$1-"*)"; return 1
  fi
}
status=0
run fuzz_capture_file capture || status=1
run fuzz_message_roundtrip roundtrip || status=1
run fuzz_v1_framing transport || status=1
run fuzz_rpc_request rpc || status=1
run fuzz_address address || status=1
run fuzz_capture_args capture_args || status=1
run fuzz_json_depth json || status=1
run fuzz_merge_parking merge || status=1
run fuzz_growing_reader growing || status=1
run fuzz_parser_cli cli -close_fd_mask=3 || status=1  # the parser's own output is noise here
run fuzz_record_filter filter || status=1
exit $status
