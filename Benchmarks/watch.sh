#!/usr/bin/env bash
# Watch benchmark (issue 17): from saving a one-line change to the first response with the
# new code, under `swift-lambda watch`, against a plain incremental `swift build` of the same
# change, measured in the same run.
#
#   Benchmarks/watch.sh [ROUNDS]   (default 5)
#
# Two copies of the Examples: one served by `swift-lambda watch` (debug, as watch builds),
# one built by hand with `swift build --product greeter` (debug), each warmed by a first build.
# Each round changes greeter's greeting in both copies (the same one-line edit), then:
#   watch: seconds from the save to the first invocation over HTTP that answers the new text
#          (polled every 10 ms), which includes the change watcher's 300 ms of coalescing, the
#          rebuild, the swap and the new environment's cold start;
#   plain: seconds of `swift build --product greeter` after the save (no watcher, no serving).
# Also printed: watch's own "swapped in" time (shutting the old environments down and letting
# the held invocations through). Medians over the rounds; goals print PASS or FAIL; the script
# exits 0 either way (non-zero only when a run does not do what it should).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
rounds="${1:-5}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [ROUNDS]" >&2; exit 64; }

work="$(mktemp -d /tmp/swift-lambda-watch-bench.XXXXXX)"
watch_pid=""
cleanup() {
    if [ -n "$watch_pid" ]; then kill -INT "$watch_pid" 2>/dev/null || true; wait "$watch_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "building swift-lambda (release)..." >&2
swift build -c release --product swift-lambda >/dev/null
tool="$repo/.build/release/swift-lambda"

copy() { mkdir -p "$1"; (cd Examples && tar --exclude='./.build*' --exclude=./target -cf - .) | (cd "$1" && tar -xf -); }
copy "$work/watched"
copy "$work/plain"

echo "warming the plain copy..." >&2
(cd "$work/plain" && swift build --product greeter >/dev/null 2>&1)

echo "starting watch..." >&2
(cd "$work/watched" && exec "$tool" watch --port 0 >"$work/watch.out" 2>"$work/watch.err") &
watch_pid=$!
port=""
for _ in $(seq 1 1200); do
    port="$(sed -n 's|^watch: .* on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$work/watch.err")"
    if [ -n "$port" ] && grep -q '^watching ' "$work/watch.err"; then break; fi
    kill -0 "$watch_pid" 2>/dev/null || { cat "$work/watch.err" >&2; echo "watch exited" >&2; exit 1; }
    sleep 0.5
done
[ -n "$port" ] || { echo "watch never listened" >&2; exit 1; }
greet() { curl -s -d '{"name":"Ada"}' "http://127.0.0.1:$port/2015-03-31/functions/greeter/invocations"; }
greet | grep -q 'Hello, Ada!' || { echo "greeter did not answer" >&2; exit 1; }

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
edit() { sed -i "s/greeting: \"[A-Za-z0-9]*, /greeting: \"$2, /" "$1/Sources/Greeter/main.swift"; }

: >"$work/watch.times"; : >"$work/plain.times"; : >"$work/swap.times"
for round in $(seq 1 "$rounds"); do
    word="Round$round"
    rebuilds=$(grep -c '^rebuilt in ' "$work/watch.err" || true)
    start=$(now)
    edit "$work/watched" "$word"
    until greet | grep -q "$word, Ada!"; do
        kill -0 "$watch_pid" 2>/dev/null || { cat "$work/watch.err" >&2; exit 1; }
        sleep 0.01
    done
    end=$(now)
    echo "$end - $start" | bc >>"$work/watch.times"
    for _ in $(seq 1 500); do
        [ "$(grep -c '^rebuilt in ' "$work/watch.err" || true)" -gt "$rebuilds" ] && break
        sleep 0.01
    done
    grep '^rebuilt in ' "$work/watch.err" | tail -1 | sed 's/.*swapped in \([0-9.]*\) ms.*/\1/' >>"$work/swap.times"

    edit "$work/plain" "$word"
    start=$(now)
    (cd "$work/plain" && swift build --product greeter >/dev/null 2>&1)
    end=$(now)
    echo "$end - $start" | bc >>"$work/plain.times"
    grep -q "$word, " "$work/plain/Sources/Greeter/main.swift"
done

watch_median=$(median <"$work/watch.times")
plain_median=$(median <"$work/plain.times")
swap_median=$(median <"$work/swap.times")
ratio=$(echo "scale=2; $watch_median / $plain_median" | bc)
printf '\n%-44s %10s\n' "step (median of $rounds)" "seconds"
printf '%-44s %10.2f\n' "watch: save to first new answer" "$watch_median"
printf '%-44s %10.2f\n' "plain: swift build --product greeter" "$plain_median"
printf '%-44s %10s\n' "ratio watch / plain" "${ratio}x"
printf '%-44s %10s\n' "watch: swap (ms)" "$swap_median"
awk -v r="$ratio" 'BEGIN { print (r <= 1.15 ? "PASS" : "FAIL") ": save-to-answer <= 1.15x the incremental build" }'
awk -v s="$swap_median" 'BEGIN { print (s < 50 ? "PASS" : "FAIL") ": swap under 50 ms" }'
