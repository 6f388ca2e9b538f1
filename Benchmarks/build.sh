#!/usr/bin/env bash
# swift-lambda build --release --output-format zip against the plain recipe, measured in the
# same run on generated packages: one package with 10 executable products, and a workspace of
# 3 packages (4 + 3 + 3 products).
#
# The recipe: `swift build -c release --static-swift-stdlib`, then for each binary, one after
# another, strip it (the toolchain's llvm-objcopy --strip-all) and `zip -q` it.
# Cold: from an empty .build. No-op: a second run with no source change, against a no-op
# `swift build -c release --static-swift-stdlib`; the zips must keep their bytes and times.
# The recipe builds in a scratch directory of its own (.build-recipe): swift-lambda adds
# glibc-compatibility link arguments on this host, and sharing one .build would make each
# side's build invalidate the other's.
#
# Usage: Benchmarks/build.sh [COLD_RUNS] [NOOP_RUNS]   (defaults 2 and 5; medians are printed)
set -euo pipefail
cold_runs=${1:-2}
noop_runs=${2:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/swift-lambda-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

command -v zip >/dev/null || { echo "zip is needed (apt-get install -y zip)" >&2; exit 1; }
# The tool as the README installs it: release, the Swift runtime linked statically (it starts in
# about half the time of a dynamically linked one). Its own scratch directory keeps the tests'
# .build untouched.
tool_build=(swift build -c release --static-swift-stdlib --package-path "$repo" --scratch-path "$repo/.build-static")
"${tool_build[@]}" --quiet --product swift-lambda >/dev/null
tool="$("${tool_build[@]}" --show-bin-path)/swift-lambda"
objcopy="$(dirname "$(readlink -f "$(command -v swift)")")/llvm-objcopy"

# generate DIR NAME PRODUCTS...: a package whose products share a small library target.
generate() {
    local dir=$1 name=$2; shift 2
    mkdir -p "$dir/Sources/Shared"
    printf 'public func greeting(_ who: String) -> String { "hello, \\(who): \\(who.count)" }\n' >"$dir/Sources/Shared/Shared.swift"
    local products="" targets='        .target(name: "Shared"),\n'
    for product in "$@"; do
        mkdir -p "$dir/Sources/$product"
        printf 'import Shared\nprint(greeting("%s"))\n' "$product" >"$dir/Sources/$product/main.swift"
        products+="        .executable(name: \"$product\", targets: [\"$product\"]),\n"
        targets+="        .executableTarget(name: \"$product\", dependencies: [\"Shared\"]),\n"
    done
    printf '// swift-tools-version: 6.0\nimport PackageDescription\nlet package = Package(\n    name: "%s",\n    products: [\n%b    ],\n    targets: [\n%b    ]\n)\n' \
        "$name" "$products" "$targets" >"$dir/Package.swift"
}

generate "$work/single" Single f01 f02 f03 f04 f05 f06 f07 f08 f09 f10
mkdir -p "$work/workspace"
generate "$work/workspace/a" A a1 a2 a3 a4
generate "$work/workspace/b" B b1 b2 b3
generate "$work/workspace/c" C c1 c2 c3
printf '[workspace]\nmembers = ["a", "b", "c"]\n' >"$work/workspace/swift-lambda.toml"

now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.2f}")' "$@"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):.2f}x")' "$1" "$2"; }

# recipe ROOT PACKAGES...: the plain commands, one package and one binary after another.
recipe() {
    local root=$1; shift
    for package in "$@"; do
        swift build -c release --static-swift-stdlib --package-path "$package" --scratch-path "$package/.build-recipe" >/dev/null
        local bin; bin=$(swift build -c release --static-swift-stdlib --package-path "$package" --scratch-path "$package/.build-recipe" --show-bin-path)
        for product in $(sed -n 's/.*\.executable(name: "\([^"]*\)".*/\1/p' "$package/Package.swift"); do
            mkdir -p "$root/recipe/$product"
            "$objcopy" --strip-all "$bin/$product" "$root/recipe/$product/bootstrap"
            (cd "$root/recipe/$product" && rm -f bootstrap.zip && zip -q bootstrap.zip bootstrap)
        done
    done
}
noop_build() { for package in "$@"; do swift build -c release --static-swift-stdlib --package-path "$package" --scratch-path "$package/.build-recipe" >/dev/null; done; }
clean() { local root=$1; shift; rm -rf "$root/target" "$root/recipe" "$root/.build"; for package in "$@"; do rm -rf "$package/.build" "$package/.build-recipe"; done; }

measure() {
    local label=$1 root=$2; shift 2
    local packages=("$@") cold_recipe=() cold_tool=() noop_swift=() noop_tool=()
    for _ in $(seq "$cold_runs"); do
        clean "$root" "${packages[@]}"; local t0; t0=$(now); recipe "$root" "${packages[@]}"; cold_recipe+=("$(python3 -c "print($(now)-$t0)")")
        clean "$root" "${packages[@]}"; t0=$(now); (cd "$root" && "$tool" build --release --output-format zip >/dev/null 2>&1); cold_tool+=("$(python3 -c "print($(now)-$t0)")")
    done
    local zips; zips=$(find "$root/target/lambda" -name bootstrap.zip | sort)
    local before; before=$(for z in $zips; do stat -c '%n %Y.%y %s' "$z"; sha256sum "$z"; done)
    for _ in $(seq "$noop_runs"); do
        local t0; t0=$(now); noop_build "${packages[@]}"; noop_swift+=("$(python3 -c "print($(now)-$t0)")")
        t0=$(now); (cd "$root" && "$tool" build --release --output-format zip >/dev/null 2>&1); noop_tool+=("$(python3 -c "print($(now)-$t0)")")
    done
    local after; after=$(for z in $zips; do stat -c '%n %Y.%y %s' "$z"; sha256sum "$z"; done)
    local untouched="yes"; [ "$before" == "$after" ] || untouched="NO"
    local cr ct ns nt; cr=$(median "${cold_recipe[@]}"); ct=$(median "${cold_tool[@]}"); ns=$(median "${noop_swift[@]}"); nt=$(median "${noop_tool[@]}")
    printf '%-34s cold: recipe %6ss  swift-lambda %6ss  (%s)   no-op: swift build %5ss  swift-lambda %5ss  (%s)   zips untouched: %s\n' \
        "$label ($(echo "$zips" | wc -l) zips)" "$cr" "$ct" "$(ratio "$ct" "$cr")" "$ns" "$nt" "$(ratio "$nt" "$ns")" "$untouched"
}

echo "swift-lambda build --release --output-format zip vs the plain recipe; medians of $cold_runs cold and $noop_runs no-op runs ($(nproc) cores)"
measure "one package, 10 products" "$work/single" "$work/single"
measure "workspace of 3 packages" "$work/workspace" "$work/workspace/a" "$work/workspace/b" "$work/workspace/c"
