#!/usr/bin/env bash
# Runs every benchmark on a Release build and prints the figures that
# doc/performance.md records: parser throughput, page faults and peak memory
# on generated captures of 20 MB and 200 MB of two mixes (mainnet-like and
# block-heavy), with one thread and the default, on a quiet machine and with
# a core busy, read() against mmap (and the worst case for memory), each output
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

parser="$bin/tools/message-capture-parser/message-capture-parser"
# Parses capture directory $1 with -j $2 to /dev/null; prints the peak RSS in KB.
parse_peak_kb() {
  { /usr/bin/time -f "%M" "$parser" -n -j "$2" "$1" -o /dev/null; } 2>&1 | tail -n 1
}
# How -j $1 reads in the output.
threads_label() {
  if [ "$1" = 1 ]; then echo "1 thread "; else echo "the default"; fi
}
# The capture directory of mix $1 (mainnet or blocks) and $2 MB, generated once.
capture_dir() {
  local dir="$work/capture-${2}mb"
  [ "$1" = mainnet ] || dir="$work/$1-${2}mb"
  if [ ! -d "$dir" ]; then
    "$bin/tools/capture-generator/capture-generator" --mix "$1" --size "$2" --seed 7 -o "$dir" > "$dir.txt"
  fi
  echo "$dir"
}

echo "== parser: -j 1 and the default against cat (page cache), JSON to /dev/null, medians of 9 alternating rounds"
for mix in mainnet blocks; do
  for size in 20 200; do
    dir=$(capture_dir "$mix" "$size")
    echo "  $mix mix, $size MB ($(cat "$dir.txt" | awk '{print $2}') records):"
    NAMES="cat j1 default" BASE=j1 contrib/bench_parser_formats.sh "$parser" "$dir" 9
  done
done
echo "== parser with another program busy on one core, 200 MB, medians of 7"
for mix in mainnet blocks; do
  echo "  $mix mix:"
  NAMES="cat j1 default" BASE=j1 BUSY=1 contrib/bench_parser_formats.sh "$parser" "$(capture_dir "$mix" 200)" 7
done

echo "== parser: perf stat (task clock, page faults, context switches), 5 runs each"
if perf stat -e task-clock true > /dev/null 2>&1; then
  for mix in mainnet blocks; do
    for size in 20 200; do
      for jobs in 1 0; do
        printf "  %-7s %3d MB, %s: " "$mix" "$size" "$(threads_label "$jobs")"
        perf stat -r 5 -x, -e task-clock,page-faults,context-switches "$parser" -n -j "$jobs" "$(capture_dir "$mix" "$size")" -o /dev/null 2>&1 |
          awk -F, -v mb="$size" '$3 == "task-clock" {t = $1} $3 == "page-faults" {f = $1} $3 == "context-switches" {c = $1}
            END {printf "task clock %.1f ms, %d page faults (%.0f per MB), %d context switches\n", t, f, f / mb, c}'
      done
    done
  done
else
  echo "  perf cannot count here (install linux-perf, or lower kernel.perf_event_paranoid); skipped"
fi

echo "== getting the bytes in: read() against mmap, the 200 MB block-heavy capture, medians of 9"
mapfile -t block_files < <(find "$(capture_dir blocks 200)" -name 'msgs_*.dat')
"$bin/test/bench/read_vs_map_bench" 9 "${block_files[@]}"

echo "== parser formats and filters against cat (page cache) and the JSON array, medians of 7 alternating rounds"
for size in 20 200; do
  echo "  $size MB capture:"
  contrib/bench_parser_formats.sh "$parser" "$(capture_dir mainnet "$size")" 7
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
