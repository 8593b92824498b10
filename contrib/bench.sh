#!/usr/bin/env bash
# Runs every benchmark on a Release build and prints the figures that
# doc/performance.md records: parser throughput and peak memory on generated
# captures of 20 MB and 200 MB (and the worst case for memory), each output
# format and filter against reading the files (cat), --follow's latency and
# CPU at up to 200,000 messages/s, the capture write path against its two
# baselines, and a node's message rate with capture off and on.
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/.."
contrib/install-deps.sh
require_command /usr/bin/time time
BUILD_DIR=build-release contrib/build.sh --quiet -DCMAKE_BUILD_TYPE=Release -DMSGCAPTURE_BUILD_TESTS=ON
bin=build-release
work=bench-output
mkdir -p "$work"

# Parses capture directory $1 with -j $2 to /dev/null; prints the peak RSS in KB.
parse_peak_kb() {
  { /usr/bin/time -f "%M" "$bin/tools/message-capture-parser/message-capture-parser" -n -j "$2" "$1" -o /dev/null; } 2>&1 | tail -n 1
}
# How -j $1 reads in the output.
threads_label() {
  if [ "$1" = 1 ]; then echo "1 thread "; else echo "$(nproc) threads"; fi
}

echo "== parser: generated captures with a mainnet-like mix, JSON to /dev/null, best of 5"
for size in 20 200; do
  dir="$work/capture-${size}mb"
  if [ ! -d "$dir" ]; then
    "$bin/tools/capture-generator/capture-generator" --size "$size" --seed 7 -o "$dir" > "$dir.txt"
  fi
  records=$(awk '{print $2}' "$dir.txt")
  bytes=$(find "$dir" -name 'msgs_*.dat' -printf '%s\n' | awk '{s += $1} END {print s}')
  # One thread, then the default (one per core).
  for jobs in 1 0; do
    best=""
    rss=0
    for run in 1 2 3 4 5; do
      start=$(date +%s%N)
      kb=$(parse_peak_kb "$dir" "$jobs")
      ns=$(( $(date +%s%N) - start ))
      if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
      [ "$kb" -gt "$rss" ] && rss=$kb
    done
    label=$(threads_label "$jobs")
    awk -v b="$bytes" -v r="$records" -v ns="$best" -v m="$rss" -v n="$size" -v l="$label" 'BEGIN {
      s = ns / 1e9
      printf "  %3d MB capture, %s: %.3f s, %.0f MB/s, %.0f messages/s, peak RSS %.1f MB\n", n, l, s, b / s / 1e6, r / s, m / 1024 }'
  done
done

echo "== parser formats and filters against cat (page cache) and the JSON array, medians of 7 alternating rounds"
for size in 20 200; do
  echo "  $size MB capture:"
  contrib/bench_parser_formats.sh "$bin/tools/message-capture-parser/message-capture-parser" "$work/capture-${size}mb" 7
done

echo "== parser memory, worst case: 240 MB of maximum-size transactions of empty outputs (the most JSON per byte)"
dense="$work/capture-dense-240mb"
if [ ! -d "$dense" ]; then
  "$bin/tools/capture-generator/capture-generator" --mix dense --size 240 --peers 1 -o "$dense" > "$dense.txt"
fi
for jobs in 1 0; do
  kb=$(parse_peak_kb "$dense" "$jobs")
  label=$(threads_label "$jobs")
  awk -v m="$kb" -v l="$label" 'BEGIN { printf "  %s: peak RSS %.1f MB\n", l, m / 1024 }'
done

echo "== --follow: latency from capture time to output, and keeping up (the node's writer in-process, a real follower)"
follow_bench="$bin/test/bench/follow_bench $bin/tools/message-capture-parser/message-capture-parser"
# Busy sessions (the watermark moves with them), then many mostly idle ones
# (the 2 s grace period sets the pace), then 50,000 messages/s on two mixes.
$follow_bench 2000 20 20 small
$follow_bench 500 20 500 small
$follow_bench 50000 20 20 small
$follow_bench 50000 20 20 samples
$follow_bench 200000 10 20 small

echo "== capture write path (Google Benchmark)"
"$bin/test/bench/capture_writer_bench" --benchmark_min_time=1 2>/dev/null | grep -E "^BM_|^-|Benchmark"

echo "== node with capture off and on (8 peers flooding pings on loopback)"
"$bin/test/bench/node_throughput" 8 50000 3
