#!/usr/bin/env bash
# The parser on one capture, against reading the same files from page cache
# (cat to /dev/null, the I/O limit) and against a base command. By default
# its formats and filters, against the default JSON array; with
# NAMES="cat j1 default" BASE=j1, one thread against the default. With
# BUSY=1 another process keeps one core busy throughout. With OLD=another
# build's parser, the names old-j1 and old-default run that one, to compare
# two builds in one run. Rounds alternate the commands, and each figure is
# the median of the rounds, the ratios taken within the run; peak RSS is the
# largest seen.
# Usage: [NAMES=...] [BASE=...] [BUSY=1] [OLD=PARSER] contrib/bench_parser_formats.sh PARSER CAPTURE_DIR [ROUNDS] [PEER]
set -euo pipefail
parser=$1
dir=$2
rounds=${3:-7}
peer=${4:-10.0.0.3:8333}
read -r -a names <<< "${NAMES:-cat json ndjson pcap type-inv peer stats}"
base=${BASE:-json}
mapfile -t files < <(find "$dir" -name 'msgs_*.dat*' | LC_ALL=C sort)
bytes=$(cat "${files[@]}" | wc -c)
cat "${files[@]}" > /dev/null  # into page cache

busy_pid=""
if [ "${BUSY:-0}" = 1 ]; then
  (while :; do :; done) &
  busy_pid=$!
fi
rss_file=$(mktemp)
trap 'rm -f "$rss_file"; [ -z "$busy_pid" ] || kill "$busy_pid"' EXIT

command_for() {  # name -> the command line, in the array `cmd`
  case $1 in
    cat) cmd=(cat "${files[@]}") ;;
    j1) cmd=("$parser" -n -j 1 "$dir") ;;
    default | json) cmd=("$parser" -n "$dir") ;;
    old-j1) cmd=("${OLD:?old-j1 needs OLD=PARSER}" -n -j 1 "$dir") ;;
    old-default) cmd=("${OLD:?old-default needs OLD=PARSER}" -n "$dir") ;;
    ndjson) cmd=("$parser" -n -f ndjson "$dir") ;;
    pcap) cmd=("$parser" -n -f pcap "$dir") ;;
    type-inv) cmd=("$parser" -n -f ndjson --type inv "$dir") ;;
    peer) cmd=("$parser" -n -f ndjson --peer "$peer" "$dir") ;;
    stats) cmd=("$parser" -n --stats "$dir") ;;
  esac
}
declare -A times rss
for ((r = 0; r < rounds; r++)); do
  # Alternate the order, so that no command always runs after the same one.
  if ((r % 2)); then order=("${names[@]}"); else mapfile -t order < <(printf '%s\n' "${names[@]}" | tac); fi
  for name in "${order[@]}"; do
    command_for "$name"
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$rss_file" "${cmd[@]}" > /dev/null
    times[$name]+="$(( $(date +%s%N) - start )) "
    kb=$(tail -n 1 "$rss_file")
    [ "${rss[$name]:-0}" -lt "$kb" ] && rss[$name]=$kb
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
cat_ns=$(echo "${times[cat]}" | median)
base_ns=$(echo "${times[$base]}" | median)
printf "  %-9s %9s %10s %10s %11s %9s\n" what "median s" "MB/s" "vs cat" "vs $base" "peak RSS"
for name in "${names[@]}"; do
  ns=$(echo "${times[$name]}" | median)
  awk -v n="$name" -v ns="$ns" -v c="$cat_ns" -v j="$base_ns" -v b="$bytes" -v m="${rss[$name]}" 'BEGIN {
    printf "  %-9s %9.3f %10.0f %9.2fx %10.2fx %6.1f MB\n", n, ns / 1e9, b / (ns / 1e9) / 1e6, ns / c, ns / j, m / 1024 }'
done
