#!/usr/bin/env bash
# Monorepo benchmark (issue 19): `list` and `--affected-since` on 100 functions, against the
# plain alternatives measured in the same run.
#
#   Benchmarks/list.sh [N] [ROUNDS]   (default 100 functions, 5 rounds)
#
# A package of N functions (Benchmarks/generate-workspace.sh) in a git repository, whose last
# commit changes one function (the middle one). Medians over the rounds of:
#   describe: `swift package describe --type json`, once (what list must not exceed 2x of);
#   list:     `swift-lambda list --message-format json` (describe cached, as every run after the first);
#   affected: `swift-lambda list --affected-since HEAD~1 --message-format json`;
# then, in two git checkouts each built whole once (as a CI runner has one), the same one-line
# change to that function:
#   build:    `swift-lambda build --affected-since HEAD~1 --output-format binary` (builds only that
#             function and writes its bootstrap: a binary, as `swift build --product` writes one);
#   zip:      `swift-lambda build --affected-since HEAD~1` (the workspace asks for zips);
#   plain:    `swift build -c release --static-swift-stdlib --product NAME` (the product alone);
#   by hand:  plain, then `llvm-objcopy --strip-all` and `zip -q -X -5` of it: the same zip made by
#             hand (level 5 is the tool's default), so the zip's cost is on both sides;
#   its own:  in a third checkout built whole by swift-lambda, the exact `swift build` command
#             swift-lambda runs (its flags for path-independent bytes and glibc compatibility), by
#             hand: what is left of the difference is swift-lambda's own work (start, strip,
#             checks). A checkout of its own, because SwiftPM plans the whole build again when
#             its command line or any variable differs from the last build's, and a command run
#             from this script differs from swift-lambda's in `_` at least.
# Each round's change edits the function's code (its answer's prefix), so every build links new
# bytes (a comment alone links the same binary, which would hide the packaging's cost).
# It prints medians, every round's times, and the median of each round's own ratio (a round's
# builds run seconds apart, so that ratio is steadier when the machine's speed drifts); the
# build goals are judged on the latter. Goals print PASS or FAIL; the script exits 0 either way
# (non-zero only when a step fails).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-100}"
rounds="${2:-5}"
[[ "$count" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [N] [ROUNDS]" >&2; exit 64; }
work="$(mktemp -d /tmp/swift-lambda-list-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "building swift-lambda (release)..." >&2
(cd "$repo" && swift build -c release --product swift-lambda >/dev/null)
tool="$repo/.build/release/swift-lambda"

"$repo/Benchmarks/generate-workspace.sh" "$count" "$work/mono" >/dev/null
width=${#count}; [ "$width" -ge 2 ] || width=2
middle=$(( (count + 1) / 2 ))
printf -v name "fn-%0${width}d" "$middle"
printf -v target "Fn%0${width}d" "$middle"
source_file="$work/mono/Sources/$target/main.swift"
git_() { git -C "$1" -c user.name=bench -c user.email=bench@example.com "${@:2}"; }
printf '.build/\ntarget/\n' >"$work/mono/.gitignore"
git_ "$work/mono" init -q -b main
git_ "$work/mono" add -A
git_ "$work/mono" commit -q -m generated
# A second checkout of the same commit: SwiftPM asks git about the root package's state on every
# build of a checkout, so a copy without .git would leave that cost out of the plain side only.
git clone -q "$work/mono" "$work/plain"
git clone -q "$work/mono" "$work/own"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timed() { local start end; start=$(now); "$@" >/dev/null 2>&1; end=$(now); echo "$end - $start" | bc; }
change() { sed -i "s/^let prefix = .*/let prefix = Array(\"round $2: \".utf8)/" "$1"; grep -q "round $2: " "$1"; }

change "$source_file" 0
git_ "$work/mono" commit -q -am "change $name"
(cd "$work/mono" && "$tool" list --message-format json >/dev/null)   # the first run fills describe's cache
[ "$(cd "$work/mono" && "$tool" list --affected-since HEAD~1 --message-format json | jq -r .name)" = "$name" ] \
    || { echo "list --affected-since HEAD~1 did not name $name alone" >&2; exit 1; }

: >"$work/describe"; : >"$work/list"; : >"$work/affected"
for _ in $(seq 1 "$rounds"); do
    (cd "$work/mono" && timed swift package describe --type json) >>"$work/describe"
    (cd "$work/mono" && timed "$tool" list --message-format json) >>"$work/list"
    (cd "$work/mono" && timed "$tool" list --affected-since HEAD~1 --message-format json) >>"$work/affected"
done

echo "building the three checkouts whole (release; this takes a while)..." >&2
(cd "$work/mono" && "$tool" build >/dev/null 2>&1)
(cd "$work/own" && "$tool" build >/dev/null 2>&1)
(cd "$work/plain" && swift build -c release --static-swift-stdlib >/dev/null 2>&1)
: >"$work/build"; : >"$work/zip.times"; : >"$work/plain.times"; : >"$work/hand.times"; : >"$work/own.times"
own_command=$(cd "$work/own" && "$tool" build --product "$name" --dry-run 2>/dev/null | grep -o '/[^ ]*/swift build .*' | head -1 | sed 's/)$//')
[ -n "$own_command" ] || { echo "no swift build command in the dry run" >&2; exit 1; }
own_build() { eval "$own_command" >/dev/null 2>&1; }
objcopy="$(dirname "$(command -v swift)")/llvm-objcopy"
by_hand() {
    swift build -c release --static-swift-stdlib --product "$name" &&
        "$objcopy" --strip-all ".build/release/$name" "$work/hand-bootstrap" &&
        rm -f "$work/hand.zip" && (cd "$work" && cp hand-bootstrap bootstrap && zip -q -X -5 hand.zip bootstrap)
}
for round in $(seq 1 "$rounds"); do
    change "$source_file" "$round"
    git_ "$work/mono" commit -q -am "round $round"
    (cd "$work/mono" && timed "$tool" build --affected-since HEAD~1 --output-format binary) >>"$work/build"
    change "$source_file" "$round-zip"
    git_ "$work/mono" commit -q -am "round $round zip"
    (cd "$work/mono" && timed "$tool" build --affected-since HEAD~1) >>"$work/zip.times"
    change "$work/own/Sources/$target/main.swift" "$round-own"
    (cd "$work/own" && timed own_build) >>"$work/own.times"
    change "$work/plain/Sources/$target/main.swift" "$round"
    (cd "$work/plain" && timed swift build -c release --static-swift-stdlib --product "$name") >>"$work/plain.times"
    change "$work/plain/Sources/$target/main.swift" "$round-hand"
    (cd "$work/plain" && timed by_hand) >>"$work/hand.times"
done
[ -f "$work/hand.zip" ] || { echo "the by-hand build wrote no zip" >&2; exit 1; }
[ -f "$work/mono/target/lambda/$name/bootstrap.zip" ] || { echo "build --affected-since wrote no $name zip" >&2; exit 1; }
[ "$(ls "$work/mono/target/lambda" | wc -l)" -eq "$count" ] || { echo "the lambda directory does not hold $count functions" >&2; exit 1; }

d=$(median <"$work/describe"); l=$(median <"$work/list"); a=$(median <"$work/affected")
b=$(median <"$work/build"); z=$(median <"$work/zip.times"); p=$(median <"$work/plain.times")
h=$(median <"$work/hand.times"); o=$(median <"$work/own.times")
ratio() { echo "scale=2; $1 / $2" | bc; }
# The median of each round's own ratio: the rounds' builds run within seconds of each other, so
# a ratio per round is steadier than a ratio of medians when the machine's speed drifts.
paired() { paste "$work/$1" "$work/$2" | awk '{printf "%.4f\n", $1 / $2}' | median | xargs printf '%.2f'; }
bp=$(paired build plain.times); zp=$(paired zip.times plain.times); zh=$(paired zip.times hand.times)
bo=$(paired build own.times); op=$(paired own.times plain.times)
printf '\n%-66s %8s %8s\n' "$count functions, median of $rounds" "seconds" "ratio"
printf '%-66s %8.2f\n' "swift package describe --type json" "$d"
printf '%-66s %8.2f %7sx\n' "swift-lambda list --message-format json" "$l" "$(ratio "$l" "$d")"
printf '%-66s %8.2f %7sx\n' "swift-lambda list --affected-since HEAD~1" "$a" "$(ratio "$a" "$d")"
printf '%-66s %8.2f\n' "swift build -c release --static-swift-stdlib --product $name" "$p"
printf '%-66s %8.2f %7sx\n' "  swift-lambda's own swift build command, by hand" "$o" "$(ratio "$o" "$p")"
printf '%-66s %8.2f %7sx\n' "swift-lambda build --affected-since HEAD~1 --output-format binary" "$b" "$(ratio "$b" "$p")"
printf '%-66s %8.2f\n' "swift build --product, then llvm-objcopy --strip-all and zip -X -5" "$h"
printf '%-66s %8.2f %7sx %7sx\n' "swift-lambda build --affected-since HEAD~1 (zip; against both)" "$z" "$(ratio "$z" "$h")" "$(ratio "$z" "$p")"
printf '\nevery round, sorted (s):\n'
for series in build:build zip.times:zip plain.times:plain hand.times:"by hand" own.times:"its own"; do
    printf '  %-8s %s\n' "${series#*:}" "$(sort -n "$work/${series%%:*}" | xargs printf '%.2f ')"
done
awk -v r="$(ratio "$l" "$d")" -v s="$(ratio "$a" "$d")" 'BEGIN { print (r < 2 && s < 2 ? "PASS" : "FAIL") ": list and list --affected-since under 2x one describe" }'
printf 'median of the rounds'"'"' own ratios: build/plain %sx, zip/plain %sx, zip/by hand %sx, build/its own %sx, its own/plain %sx\n' \
    "$bp" "$zp" "$zh" "$bo" "$op"
awk -v r="$bp" 'BEGIN { print (r <= 1.1 ? "PASS" : "FAIL") ": build of the affected function <= 1.1x swift build --product (per round)" }'
awk -v r="$zh" 'BEGIN { print (r <= 1.1 ? "PASS" : "FAIL") ": its zip <= 1.1x the same zip made by hand from swift build --product (per round)" }'
awk -v b="$b" -v o="$o" 'BEGIN { printf "swift-lambda'"'"'s own work beyond its swift build: %.2f s (binary)\n", b - o }'
awk -v z="$z" -v b="$b" 'BEGIN { printf "the zip'"'"'s cost in swift-lambda: %.2f s\n", z - b }'
