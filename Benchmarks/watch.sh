#!/usr/bin/env bash
# Watch benchmark (issue 17): from saving a one-line change to the first response with the
# new code, under `swift-lambda watch`, against a plain incremental `swift build` of the same
# change, measured in the same run.
#
#   Benchmarks/watch.sh [ROUNDS]   (default 5)
#
# Three copies of the Examples, each warmed by a first build: one served by `swift-lambda
# watch` (debug, as watch builds), two built by hand. Each round makes the same one-line edit
# to greeter's greeting in every copy, then measures:
#   watch: seconds from the save to the first invocation over HTTP that answers the new text
#          (polled every 10 ms): the change watcher's 50 ms of quiet, the rebuild (swift build,
#          packaging, checks), the swap and the new environment's cold start;
#   plain: seconds of the very `swift build` command watch runs (static Swift runtime and
#          glibc-compat link, which a Lambda bootstrap needs), run by hand: what watch adds;
#   host:  seconds of `swift build` with no flags (dynamic runtime: runs on this machine only,
#          not on Lambda), for reference.
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
copy "$work/host"

echo "warming the plain and host copies..." >&2
# The command swift-lambda runs for a debug build, as its -v output prints it.
plain_command="$(cd "$work/plain" && "$tool" build --output-format binary --no-release -v 2>&1 \
    | sed -n 's|^Building Examples (debug, [^)]*): (cd [^ ]* && \(.*\))$|\1|p')"
[ -n "$plain_command" ] || { echo "could not read swift-lambda's swift build command" >&2; exit 1; }
(cd "$work/plain" && eval "$plain_command" >/dev/null 2>&1)
(cd "$work/host" && swift build >/dev/null 2>&1)

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

: >"$work/watch.times"; : >"$work/plain.times"; : >"$work/host.times"; : >"$work/swap.times"
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
    (cd "$work/plain" && eval "$plain_command" >/dev/null 2>&1)
    end=$(now)
    echo "$end - $start" | bc >>"$work/plain.times"

    edit "$work/host" "$word"
    start=$(now)
    (cd "$work/host" && swift build >/dev/null 2>&1)
    end=$(now)
    echo "$end - $start" | bc >>"$work/host.times"
    grep -q "$word, " "$work/plain/Sources/Greeter/main.swift"
done

watch_median=$(median <"$work/watch.times")
plain_median=$(median <"$work/plain.times")
host_median=$(median <"$work/host.times")
swap_median=$(median <"$work/swap.times")
ratio=$(echo "scale=2; $watch_median / $plain_median" | bc)
host_ratio=$(echo "scale=2; $watch_median / $host_median" | bc)
printf '\n%-50s %10s\n' "step (median of $rounds)" "seconds"
printf '%-50s %10.2f\n' "watch: save to first new answer" "$watch_median"
printf '%-50s %10.2f\n' "plain: watch's own swift build command, by hand" "$plain_median"
printf '%-50s %10.2f\n' "host: swift build (dynamic runtime, not for Lambda)" "$host_median"
printf '%-50s %10s\n' "ratio watch / plain" "${ratio}x"
printf '%-50s %10s\n' "ratio watch / host" "${host_ratio}x"
printf '%-50s %10s\n' "watch: swap (ms)" "$swap_median"
awk -v r="$ratio" 'BEGIN { print (r <= 1.15 ? "PASS" : "FAIL") ": save-to-answer <= 1.15x the incremental build" }'
awk -v s="$swap_median" 'BEGIN { print (s < 50 ? "PASS" : "FAIL") ": swap under 50 ms" }'
