#!/usr/bin/env bash
# Image size benchmark (issue 18): the Examples built as zips and as OCI images in the same run.
#
#   Benchmarks/image.sh
#
# For each function: the zip, the image's layers as a registry stores them (compressed, from
# the build's JSON line), and what the image unpacks to. Goals (issue 18): echo's layers
# <= 6 MB; a Foundation function's layers <= its zip + 3 MB. For scale: the seed post's nix
# image of a Lambda function was 93 MB, and the Amazon Linux 2023 minimal base image the official
# Swift plugin builds on is under 40 MB before any function is added (REFERENCE.md section 1).
# Prints PASS or FAIL per goal; exits 0 either way (non-zero only when a step fails).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/swift-lambda-image-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "building swift-lambda (release)..." >&2
(cd "$repo" && swift build -c release --product swift-lambda >/dev/null)
tool="$repo/.build/release/swift-lambda"
cp -a "$repo/Examples" "$work/Examples"
rm -rf "$work/Examples/.build" "$work/Examples/target"
cd "$work/Examples"
echo "building the Examples as zips, then as images (release)..." >&2
"$tool" build --release --output-format zip >/dev/null 2>&1
"$tool" build --release --output-format image --lambda-dir target/images --message-format json >"$work/images.json" 2>"$work/images.log" \
    || { cat "$work/images.log" >&2; exit 1; }

mb() { echo "scale=2; $1 / 1000000" | bc; }
printf '\n%-8s %10s %14s %14s %12s %10s\n' "function" "zip MB" "image MB" "unpacked MB" "image - zip" "image.tar"
system_layers=()
for name in echo greeter quotes; do
    zip_bytes=$(stat -c %s "target/lambda/$name/bootstrap.zip")
    line=$(grep "\"name\":\"$name\"" "$work/images.json")
    compressed=$(jq -r .image.compressed_size <<<"$line")
    unpacked=$(jq -r .image.uncompressed_size <<<"$line")
    tar_bytes=$(stat -c %s "target/images/$name/image.tar")
    system_layers+=("$(skopeo inspect "oci-archive:target/images/$name/image.tar" | jq -r '.Layers[0]')")
    printf '%-8s %10s %14s %14s %12s %10s\n' "$name" "$(mb "$zip_bytes")" "$(mb "$compressed")" "$(mb "$unpacked")" \
        "$(mb $((compressed - zip_bytes)))" "$(mb "$tar_bytes")"
    eval "zip_$name=$zip_bytes image_$name=$compressed"
done
shared=$(printf '%s\n' "${system_layers[@]}" | sort -u | wc -l)
echo "system layers: $shared distinct digest(s) for 3 functions (a registry stores a shared one once)"
awk -v e="$image_echo" 'BEGIN { print (e <= 6000000 ? "PASS" : "FAIL") ": echo image layers <= 6 MB (" e / 1e6 " MB)" }'
awk -v i="$image_greeter" -v z="$zip_greeter" 'BEGIN { print (i <= z + 3000000 ? "PASS" : "FAIL") ": greeter (Foundation) image <= its zip + 3 MB (+" (i - z) / 1e6 " MB)" }'
awk -v i="$image_quotes" -v z="$zip_quotes" 'BEGIN { print (i <= z + 3000000 ? "PASS" : "FAIL") ": quotes (Foundation, resources) image <= its zip + 3 MB (+" (i - z) / 1e6 " MB)" }'
awk -v e="$image_echo" -v q="$image_quotes" 'BEGIN { printf "against the seed post'"'"'s 93 MB nix image: echo %.3fx, quotes %.3fx\n", e / 93e6, q / 93e6 }'
