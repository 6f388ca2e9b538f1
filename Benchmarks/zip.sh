#!/usr/bin/env bash
# Zip benchmark: swift-lambda's libarchive writer against Info-ZIP zip on the
# release bootstraps of the Examples (quotes is over 50 MB: Foundation + ICU).
# Usage: Benchmarks/zip.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
scripts/install-deps
swift build -c release --product swift-lambda >/dev/null
swift build -c release --product zip-benchmark >/dev/null
.build/release/swift-lambda build --release --package-path Examples >/dev/null
lambda=Examples/target/lambda
.build/release/zip-benchmark "$rounds" "$lambda/quotes/bootstrap" "$lambda/greeter/bootstrap" "$lambda/echo/bootstrap"
