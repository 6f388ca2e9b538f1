#!/usr/bin/env bash
# What each package costs a clean build of the tool: CPU seconds of every compiler process
# (swift-frontend and clang), summed per package, for the build the main job and Install make
# (`swift build -c release --static-swift-stdlib --product swift-lambda`), from a fresh clone.
#
# CPU time, not wall time: it does not depend on what else the machine is doing, and on two
# cores a package's share of the wall time is about its share of the CPU time. The wall time of
# the whole build is printed too.
#
#   Benchmarks/compile-cost.sh [REVISION]   (default: HEAD)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
revision="${1:-HEAD}"
work="$(mktemp -d /tmp/swift-lambda-compile-cost.XXXXXX)"
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$revision"

log="$work/cpu.log"
toolchain="$(dirname "$(readlink -f "$(command -v swift)")")"

# One wrapper per compiler: runs the real one, then appends "<package> <CPU seconds>" to the log.
# A compile is attributed by its source files: a dependency's lie under .build/checkouts/<package>/
# (a whole-module compile may list them in a -filelist file rather than its arguments).
make_wrapper() {
    local name="$1" real="$2"
    {
        echo '#!/usr/bin/env bash'
        echo "\"$real\" \"\$@\""
        cat <<'WRAPPER'
status=$?
# Only the source files count: include paths name the dependencies of every module.
sources=""
previous=""
for argument in "$@"; do
    case "$argument" in
        *.swift | *.c | *.cc | *.cpp | *.S) sources+=" $argument" ;;
    esac
    [ "$previous" = "-filelist" ] && sources+=" $(head -1 "$argument" 2>/dev/null)"
    previous="$argument"
done
package=root
if [[ "$sources" =~ /\.build/checkouts/([^/]+)/ ]]; then package="${BASH_REMATCH[1]}"; fi
# `times` into a file, not a pipe: a pipeline's subshell has no children of its own.
times > "$0.times.$$"
cpu=$(tail -1 "$0.times.$$" | awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); sub("s", "", t[2]); s += t[1] * 60 + t[2] } print s }')
rm -f "$0.times.$$"
WRAPPER
        echo "echo \"\$package \$cpu\" >> \"$log\""
        echo 'exit $status'
    } > "$work/$name"
    chmod +x "$work/$name"
}
make_wrapper swift-frontend "$toolchain/swift-frontend"
make_wrapper clang "$toolchain/clang"

cd "$work/clone"
scripts/install-deps
start=$(date +%s.%N)
SWIFT_DRIVER_SWIFT_FRONTEND_EXEC="$work/swift-frontend" CC="$work/clang" \
    swift build -c release --static-swift-stdlib --product swift-lambda >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; exit 1; }
wall=$(echo "$(date +%s.%N) - $start" | bc)

[ -s "$log" ] || { echo "no compiler ran through the wrappers" >&2; exit 1; }
awk -v wall="$wall" -v cores="$(nproc)" '
    { cpu[$1] += $2; total += $2 }
    END {
        printf "%-28s %8s %7s\n", "package", "CPU s", "share"
        for (p in cpu) printf "%-28s %8.1f %6.1f%%\n", p, cpu[p], 100 * cpu[p] / total | "sort -k2 -rn"
        close("sort -k2 -rn")
        printf "%-28s %8.1f\n", "all compilers", total
        printf "wall time of the build: %.0f s on %d cores\n", wall, cores
    }' "$log"
