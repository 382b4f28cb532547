#!/usr/bin/env bash
# Whole-process benchmark: `maintcal build` (release) on the generated
# workload at three sizes, against the floor of writing the same bytes.
#
#   scripts/bench.sh [small medium large]     (default: all three)
#   REPEAT=7 WORK=/tmp/maintcal-bench scripts/bench.sh large
#
# For each size it writes the schedules (examples/workload.rs), then, REPEAT
# times each, taking the median (and, for the build, the minimum too):
#   build   a full build into an empty out/ (every file written and fsynced)
#   cp      `cp -r` of the out/ that build produced (the floor the issue sets)
#   cp+sync the same copy, then `sync` of its files: the floor for durable
#           bytes, since build fsyncs every file it writes
#   no-op   the build again with nothing changed (the largest size only)
# and prints a Markdown table: times, the ratio to each floor, events and
# megabytes per second, and the build's peak memory (`/usr/bin/time -v`)
# beside the largest feed and the schedules' size.
#
# Timings share the machine with whatever else runs: take them on a quiet
# machine, and say under what load they were taken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPEAT=${REPEAT:-5}
WORK=${WORK:-${TMPDIR:-/tmp}/maintcal-bench}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(small medium large)

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
minimum() { sort -n | head -1; }
seconds() { awk -v ns="$1" 'BEGIN {printf "%.3f", ns / 1e9}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f×", a / b}'; }
per_second() { awk -v n="$1" -v ns="$2" -v unit="$3" 'BEGIN {printf "%.1f", n / unit / (ns / 1e9)}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; }

echo "maintcal $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), REPEAT=$REPEAT, work folder $WORK"
echo
echo "| size | schedules | output (files) | events | build (min) | cp -r | ratio | cp -r + sync | ratio | events/s | MB/s | peak memory | largest feed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"

noop_line=""
for size in "${sizes[@]}"; do
  dir=$WORK/$size
  rm -rf "$dir"
  mkdir -p "$dir"
  "$workload" "$size" "$dir/schedules" >/dev/null
  schedule_bytes=$(cat "$dir"/schedules/*.toml | wc -c)

  builds=() copies=() synced=()
  for _ in $(seq "$REPEAT"); do
    rm -rf "$dir/out" "$dir/copy"
    builds+=("$(wall_ns "$bin" build --schedules "$dir/schedules" --out "$dir/out")")
    copies+=("$(wall_ns cp -r "$dir/out" "$dir/copy")")
    rm -rf "$dir/copy"
    synced+=("$(wall_ns sh -c 'cp -r "$1" "$2" && sync "$2"/*' sh "$dir/out" "$dir/copy")")
  done
  build=$(printf '%s\n' "${builds[@]}" | median)
  fastest=$(printf '%s\n' "${builds[@]}" | minimum)
  copy=$(printf '%s\n' "${copies[@]}" | median)
  sync_copy=$(printf '%s\n' "${synced[@]}" | median)

  # Peak memory and the counts, from one more full build.
  rm -rf "$dir/out"
  sync
  /usr/bin/time -v "$bin" build --schedules "$dir/schedules" --out "$dir/out" \
    >"$dir/build.txt" 2>"$dir/time.txt"
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
  events=$(grep -o '[0-9]* events' "$dir/build.txt" | awk '{n += $1} END {print n}')
  output_bytes=$(cat "$dir"/out/* | wc -c)
  files=$(find "$dir/out" -type f | wc -l)
  largest=$(find "$dir/out" -type f -name '*.ics' -printf '%s\n' | sort -n | tail -1)

  echo "| $size | $(mb "$schedule_bytes") MB | $(mb "$output_bytes") MB ($files) | $events | $(seconds "$build") s ($(seconds "$fastest") s) | $(seconds "$copy") s | $(ratio "$build" "$copy") | $(seconds "$sync_copy") s | $(ratio "$build" "$sync_copy") | $(per_second "$events" "$build" 1) | $(per_second "$output_bytes" "$build" 1e6) | $(mb $((peak_kb * 1024))) MB | $(mb "$largest") MB |"

  if [ "$size" = "${sizes[-1]}" ]; then
    noops=()
    for _ in $(seq "$REPEAT"); do
      noops+=("$(wall_ns "$bin" build --schedules "$dir/schedules" --out "$dir/out")")
    done
    noop=$(printf '%s\n' "${noops[@]}" | median)
    noop_fastest=$(printf '%s\n' "${noops[@]}" | minimum)
    /usr/bin/time -v "$bin" build --schedules "$dir/schedules" --out "$dir/out" \
      >"$dir/noop.txt" 2>"$dir/noop-time.txt"
    unchanged=$(grep -c '(unchanged)' "$dir/noop.txt" || true)
    noop_peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/noop-time.txt")
    noop_line="No-op rebuild of $size (nothing changed, $unchanged of $files files unchanged): $(seconds "$noop") s (fastest $(seconds "$noop_fastest") s), $(awk -v a="$noop" -v b="$build" 'BEGIN {printf "%.0f%%", 100 * a / b}') of the full build; peak memory $(mb $((noop_peak * 1024))) MB."
  fi
done
echo
echo "$noop_line"
