#!/usr/bin/env bash
# The parser on one capture with one thread (-j 1) and with the default,
# against reading the same files from page cache (cat to /dev/null, the I/O
# limit). Rounds alternate the order of the commands; each time is the median
# of the rounds, and the ratios are taken within the run. Peak RSS is the
# largest seen. With BUSY=1 another process keeps one core busy throughout.
# Usage: contrib/bench_parser_threads.sh PARSER CAPTURE_DIR [ROUNDS]
set -euo pipefail
parser=$1
dir=$2
rounds=${3:-9}
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

names=(cat j1 default)
command_for() {  # name -> the command line, in the array `cmd`
  case $1 in
    cat) cmd=(cat "${files[@]}") ;;
    j1) cmd=("$parser" -n -j 1 "$dir") ;;
    default) cmd=("$parser" -n "$dir") ;;
  esac
}
declare -A times rss
for ((r = 0; r < rounds; r++)); do
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
j1_ns=$(echo "${times[j1]}" | median)
printf "  %-8s %9s %8s %9s %9s %9s\n" what "median s" "MB/s" "vs cat" "vs -j 1" "peak RSS"
for name in "${names[@]}"; do
  ns=$(echo "${times[$name]}" | median)
  awk -v n="$name" -v ns="$ns" -v c="$cat_ns" -v j="$j1_ns" -v b="$bytes" -v m="${rss[$name]}" 'BEGIN {
    printf "  %-8s %9.3f %8.0f %8.2fx %8.2fx %6.1f MB\n", n, ns / 1e9, b / (ns / 1e9) / 1e6, ns / c, j / ns, m / 1024 }'
done
