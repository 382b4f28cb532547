#!/usr/bin/env bash
# Whole-process benchmark: `maintcal build` (release) on generated workloads,
# against the floor of writing the same bytes, and the rebuilds.
#
#   scripts/bench.sh [SIZE...]        (default: every size below)
#   REPEAT=5 WORK=/tmp/maintcal-bench scripts/bench.sh peer-large
#
# Sizes:
#   small medium large          examples/workload.rs (seeded, realistic)
#   peer-small peer-medium peer-large
#                               the peers' workload, as maintcal schedules
#                               (PEER_BENCH/to_maintcal.py, default
#                               ../shared/bench from the repository; needs
#                               python3; peer-large is 67 MB of schedules
#                               and writes about 180 MB)
#   peer-medium-nopages peer-large-nopages
#                               the same with `window_pages = false`: no
#                               page per window (one file per window)
#
# The schedules are written once per size into WORK/SIZE/schedules (kept
# for the next run; delete WORK to write them again). Then, REPEAT times
# each, taking the median (and, for the build, the minimum too):
#   build    a full build into an empty out/ (files staged, one syncfs,
#            renamed)
#   cp       `cp -r` of the out/ that build produced (the floor the issue
#            sets)
#   cp+sync  the same copy, then `sync` of its files: the floor for durable
#            bytes
#   no-op    the build again with nothing changed
#   one      the build again after one window's title changed (in the
#            first schedule file, alternately changed and changed back)
# and prints a Markdown table: times, the ratio to each floor, events and
# megabytes per second, microseconds per event, the build's peak memory
# (`/usr/bin/time -v`) beside the largest feed and the schedules' size, and
# the rebuilds as a share of the full build.
#
# Timings share the machine with whatever else runs: take them on a quiet
# machine, and say under what load they were taken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPEAT=${REPEAT:-3}
WORK=${WORK:-${TMPDIR:-/tmp}/maintcal-bench}
PEER_BENCH=${PEER_BENCH:-../shared/bench}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(small medium large peer-small peer-medium peer-large)

if [ ! -x /usr/bin/time ]; then
  echo "bench.sh needs GNU time (/usr/bin/time): apt-get install time" >&2
  exit 1
fi

cargo build --release --locked --quiet --bin maintcal --example workload
bin=$PWD/target/release/maintcal
workload=$PWD/target/release/examples/workload

# Nanoseconds of wall time of "$@" (its output discarded). The disk is
# synced first, untimed, so that no run waits on the write-back of the one
# before it.
wall_ns() {
  local start end
  sync
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $((end - start))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { sort -n | sed -n 1p; }
seconds() { awk -v ns="$1" 'BEGIN {printf "%.3f", ns / 1e9}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f×", a / b}'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
per_second() { awk -v n="$1" -v ns="$2" -v unit="$3" 'BEGIN {printf "%.1f", n / unit / (ns / 1e9)}'; }
micros_each() { awk -v n="$1" -v ns="$2" 'BEGIN {printf "%.1f", ns / 1e3 / n}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; }

# Writes the schedules of size $1 into $2/schedules, once.
schedules() {
  local size=$1 dir=$2
  [ -d "$dir/schedules" ] && return
  mkdir -p "$dir"
  case $size in
    peer-*)
      local peer=${size#peer-}
      python3 "$PEER_BENCH/to_maintcal.py" "${peer%-nopages}" "$dir" >/dev/null
      # The same schedules without a page per window (`window_pages`).
      if [[ $size == *-nopages ]]; then
        find "$dir/schedules" -name '*.toml' ! -name maintcal.toml \
          -exec sed -i 's/^\[calendar\]$/[calendar]\nwindow_pages = false/' {} +
      fi ;;
    *) "$workload" "$size" "$dir/schedules" >/dev/null ;;
  esac
}

# Changes (or changes back) the status of the last window of the first
# schedule file (confirmed <-> tentative): one window, on few groups.
toggle_window() {
  local file last before
  file=$(find "$1/schedules" -name '*.toml' ! -name maintcal.toml | sort | sed -n 1p)
  last=$(grep -c '^\[windows\.[^.]*\]$' "$file")
  before=$(cksum <"$file")
  awk -v last="$last" '
    /^\[/ { inwin = 0 }
    /^\[windows\.[^.]*\]$/ { w++; if (w == last) inwin = 1 }
    inwin && /^status = "confirmed"$/ { $0 = "status = \"tentative\""; inwin = 0 }
    inwin && /^status = "tentative"$/ { $0 = "status = \"confirmed\""; inwin = 0 }
    { print }' "$file" >"$file.bench"
  mv "$file.bench" "$file"
  if [ "$(cksum <"$file")" = "$before" ]; then
    echo "bench.sh: found no status to change in the last window of $file" >&2
    exit 1
  fi
}

echo "maintcal $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), REPEAT=$REPEAT, work folder $WORK"
echo
echo "| size | schedules | output (files) | events | build (min) | cp -r | ratio | cp -r + sync | ratio | events/s | µs/event | MB/s | peak memory | largest feed | no-op | one window |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"

for size in "${sizes[@]}"; do
  dir=$WORK/$size
  schedules "$size" "$dir"
  schedule_bytes=$(cat "$dir"/schedules/*.toml | wc -c)

  builds=() copies=() synced=() noops=() ones=()
  for _ in $(seq "$REPEAT"); do
    rm -rf "$dir/out" "$dir/copy"
    builds+=("$(wall_ns "$bin" build --schedules "$dir/schedules" --out "$dir/out")")
    copies+=("$(wall_ns cp -r "$dir/out" "$dir/copy")")
    rm -rf "$dir/copy"
    synced+=("$(wall_ns sh -c 'cp -r "$1" "$2" && sync "$2"/*' sh "$dir/out" "$dir/copy")")
    rm -rf "$dir/copy"
    noops+=("$(wall_ns "$bin" build --schedules "$dir/schedules" --out "$dir/out")")
    toggle_window "$dir"
    ones+=("$(wall_ns "$bin" build --schedules "$dir/schedules" --out "$dir/out")")
  done
  build=$(printf '%s\n' "${builds[@]}" | median)
  fastest=$(printf '%s\n' "${builds[@]}" | minimum)
  copy=$(printf '%s\n' "${copies[@]}" | median)
  sync_copy=$(printf '%s\n' "${synced[@]}" | median)
  noop=$(printf '%s\n' "${noops[@]}" | median)
  one=$(printf '%s\n' "${ones[@]}" | median)

  # Peak memory and the counts, from one more full build.
  rm -rf "$dir/out"
  sync
  /usr/bin/time -v "$bin" build --schedules "$dir/schedules" --out "$dir/out" \
    >"$dir/build.txt" 2>"$dir/time.txt"
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
  events=$(grep -o '[0-9]* events' "$dir/build.txt" | awk '{n += $1} END {print n}')
  output_bytes=$(cat "$dir"/out/* | wc -c)
  files=$(find "$dir/out" -type f ! -name '.maintcal*' | wc -l)
  largest=$(find "$dir/out" -type f -name '*.ics' -printf '%s\n' | sort -n | tail -1)

  echo "| $size | $(mb "$schedule_bytes") MB | $(mb "$output_bytes") MB ($files) | $events | $(seconds "$build") s ($(seconds "$fastest") s) | $(seconds "$copy") s | $(ratio "$build" "$copy") | $(seconds "$sync_copy") s | $(ratio "$build" "$sync_copy") | $(per_second "$events" "$build" 1) | $(micros_each "$events" "$build") | $(per_second "$output_bytes" "$build" 1e6) | $(mb $((peak_kb * 1024))) MB | $(mb "$largest") MB | $(seconds "$noop") s ($(percent "$noop" "$build")) | $(seconds "$one") s ($(percent "$one" "$build")) |"
done
