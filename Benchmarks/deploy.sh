#!/usr/bin/env bash
# Deploy benchmark (issue 16): `swift-lambda deploy` against the plain recipe
# (Benchmarks/deploy-recipe.py: boto3, every zip uploaded one after another), both talking to
# the same moto server on 127.0.0.1, in the same run.
#
#   Benchmarks/deploy.sh [ROUNDS]   (default 5)
#
# Sets: the Examples (echo, greeter, quotes: 3 functions, quotes over 50 MB) and a generated
# package of 10 functions (Benchmarks/generate-workspace.sh). Steps: first deploy (every
# function created) and no-change redeploy (the tool: CodeSha256 compared, nothing sent; the
# recipe: UpdateFunctionCode for each zip). Each round resets moto and creates the execution
# role beforehand for both sides (outside the timing), so neither pays for IAM; the tool finds
# it with GetRole, the recipe is given its ARN. Rounds alternate which side goes first, so
# both see the same load on a shared machine.
#
# Seconds are the wall-clock time of each command as a whole process: process start, the
# Python interpreter and boto3's import for the recipe, reading the zips, every call. Bytes are
# the zip bytes sent: the tool's `uploaded_bytes`, the recipe's `bytes=`. CPU is the process's
# user + system seconds: on a machine moto shares, a client's CPU is time moto does not get.
# The table shows medians over the rounds; the goals print PASS or FAIL, and the script exits 0
# either way (it is a measurement; it exits non-zero only when a run does not do what it should).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
rounds="${1:-5}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [ROUNDS]" >&2; exit 64; }

work="$(mktemp -d /tmp/swift-lambda-deploy-bench.XXXXXX)"
moto_pid=""
cleanup() {
    if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
    rm -rf "$work"
    # SwiftPM's locks for the generated package's build directory, named after its path.
    rm -f "/tmp/$(tr / _ <<<"$work/functions/.build")"*.lock
}
trap cleanup EXIT

# The Python of the deploy tests (Tests/LambdaTestSupport/TestPython.swift): moto and boto3.
python="${SWIFT_LAMBDA_TEST_PYTHON:-}"
if [ -z "$python" ]; then
    if [ -x /opt/swift-lambda-test-python/bin/python3 ]; then python=/opt/swift-lambda-test-python/bin/python3; else python=python3; fi
fi

# Only moto's credentials, region and endpoint: nothing from the developer's AWS setup, and no
# proxy between either side and 127.0.0.1.
for variable in $(compgen -e | grep '^AWS_' || true); do unset "$variable"; done
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

# 1. The tool in release, as README's Install builds it, and the Examples' zips
#    (scripts/build-examples does both); then the generated package's zips.
echo "building swift-lambda (release) and the Examples" >&2
scripts/build-examples >"$work/build-examples.log" 2>&1 || { tail -30 "$work/build-examples.log" >&2; exit 1; }
tool="$repo/.build/release/swift-lambda"
echo "building the generated 10-function package" >&2
Benchmarks/generate-workspace.sh 10 "$work/functions"
"$tool" build --package-path "$work/functions" --output-format zip >"$work/build-functions.log" 2>&1 \
    || { tail -30 "$work/build-functions.log" >&2; exit 1; }

# NAME=ZIP for every function of a package's lambda directory, as the recipe takes them.
function_zips() {
    local zip
    for zip in "$1"/target/lambda/*/bootstrap.zip; do
        printf '%s=%s\n' "$(basename "$(dirname "$zip")")" "$zip"
    done
}
mapfile -t examples_zips < <(function_zips "$repo/Examples")
mapfile -t generated_zips < <(function_zips "$work/functions")
[ ${#examples_zips[@]} -eq 3 ] && [ ${#generated_zips[@]} -eq 10 ] \
    || { echo "expected 3 Examples zips and 10 generated ones" >&2; exit 1; }

# 2. moto on a free port of 127.0.0.1.
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$python" -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
    curl -s -o /dev/null "$endpoint/moto-api/" && break
    kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log" >&2; exit 1; }
    sleep 0.2
done

# `prepare`: reset moto, create the execution role (trust policy for Lambda, the basic
# execution policy attached, as the tool creates it) and make one ListFunctions call: moto builds
# its Lambda backend lazily on the first Lambda call after a reset (about 2 s on a loaded
# machine), which is moto's cost, not either side's. Prints the role's ARN. `warm`: the same,
# then one CreateFunction, UpdateFunctionCode and S3 PutObject, so the first timed calls do not
# pay for moto's first use of Lambda after it starts (about 9 s) and of S3.
moto() {
    "$python" - "$endpoint" "$1" <<'PYTHON'
import json, sys, urllib.request
import boto3
endpoint, command = sys.argv[1], sys.argv[2]
urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST")).read()
options = dict(endpoint_url=endpoint, region_name="us-east-1")
iam = boto3.client("iam", **options)
trust = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
arn = iam.create_role(RoleName="swift-lambda-execution", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
iam.attach_role_policy(
    RoleName="swift-lambda-execution", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
lam = boto3.client("lambda", **options)
lam.list_functions()
if command == "warm":
    import io, zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bootstrap", "#!/bin/sh\n")
    lam.create_function(FunctionName="warm-up", Runtime="provided.al2023", Handler="bootstrap", Role=arn,
                        Code={"ZipFile": buffer.getvalue()})
    lam.update_function_code(FunctionName="warm-up", ZipFile=buffer.getvalue())
    s3 = boto3.client("s3", **options)
    s3.create_bucket(Bucket="warm-up")
    s3.put_object(Bucket="warm-up", Key="warm-up", Body=buffer.getvalue())
    boto3.client("sts", **options).get_caller_identity()
print(arn)
PYTHON
}
echo "warming moto up on $endpoint" >&2
moto warm >/dev/null

results="$work/results.tsv"   # set, step, side, round, seconds, bytes, CPU seconds
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# Sets children_cpu to the user + system seconds of every child this shell has waited for; the
# difference around one command is that command's CPU time. Called directly and `times` into a
# file, never in a pipe or $(...): a subshell has no children of its own.
children_cpu=0
read_children_cpu() {
    times >"$work/times"
    children_cpu=$(tail -1 "$work/times" | awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); sub("s", "", t[2]); s += t[1] * 60 + t[2] } printf "%.3f", s }')
}

# tool SET STEP ROUND PACKAGE EXPECTED_ACTION COUNT: one `swift-lambda deploy`, timed.
run_tool() {
    local set="$1" step="$2" round="$3" package="$4" action="$5" count="$6" out="$work/tool.out" start end line cpu
    read_children_cpu
    cpu=$children_cpu
    start=$(now)
    "$tool" deploy --package-path "$package" --endpoint-url "$endpoint" --message-format json >"$out" 2>"$work/tool.err" \
        || { cat "$work/tool.err" "$out" >&2; exit 1; }
    end=$(now)
    read_children_cpu
    cpu=$(elapsed "$cpu" "$children_cpu")
    line=$(grep '"reason":"deploy-finished"' "$out")
    [[ "$line" == *"\"$action\":$count,"* ]] || { echo "tool $set $step: expected $count $action: $line" >&2; exit 1; }
    [[ "$line" =~ \"uploaded_bytes\":([0-9]+) ]] || { echo "no uploaded_bytes in: $line" >&2; exit 1; }
    printf '%s\t%s\ttool\t%s\t%s\t%s\t%s\n' "$set" "$step" "$round" "$(elapsed "$start" "$end")" "${BASH_REMATCH[1]}" "$cpu" >>"$results"
}

# recipe SET STEP ROUND ROLE EXPECTED_ACTION NAME=ZIP...: one recipe run, timed.
run_recipe() {
    local set="$1" step="$2" round="$3" role="$4" action="$5" out="$work/recipe.out" start end line cpu
    shift 5
    read_children_cpu
    cpu=$children_cpu
    start=$(now)
    "$python" Benchmarks/deploy-recipe.py --endpoint "$endpoint" --role "$role" "$@" >"$out" 2>"$work/recipe.err" \
        || { cat "$work/recipe.err" "$out" >&2; exit 1; }
    end=$(now)
    read_children_cpu
    cpu=$(elapsed "$cpu" "$children_cpu")
    [ "$(grep -c ": $action (" "$work/recipe.err")" -eq $# ] \
        || { echo "recipe $set $step: expected $# $action:" >&2; cat "$work/recipe.err" >&2; exit 1; }
    line=$(cat "$out")
    [[ "$line" =~ bytes=([0-9]+) ]] || { echo "no bytes= in: $line" >&2; exit 1; }
    printf '%s\t%s\trecipe\t%s\t%s\t%s\t%s\n' "$set" "$step" "$round" "$(elapsed "$start" "$end")" "${BASH_REMATCH[1]}" "$cpu" >>"$results"
}

# SET PACKAGE NAME=ZIP...: every round of one set.
benchmark() {
    local set="$1" package="$2" round role
    shift 2
    for round in $(seq "$rounds"); do
        echo "$set: round $round of $rounds" >&2
        for side in $( ((round % 2)) && echo "tool recipe" || echo "recipe tool"); do
            role=$(moto prepare)
            if [ "$side" = tool ]; then
                run_tool "$set" first "$round" "$package" created $#
                run_tool "$set" redeploy "$round" "$package" unchanged $#
            else
                run_recipe "$set" first "$round" "$role" created "$@"
                run_recipe "$set" redeploy "$round" "$role" updated "$@"
            fi
        done
    done
}
benchmark examples "$repo/Examples" "${examples_zips[@]}"
benchmark generated-10 "$work/functions" "${generated_zips[@]}"

# 5. Medians, ratios and goals.
echo
echo "swift-lambda deploy against Benchmarks/deploy-recipe.py on moto; $rounds rounds, medians;"
echo "seconds are whole processes (start included); CPU is user + system seconds; $(nproc) cores, shared"
awk -F'\t' '
    function median(list,    n, i, j, t, v) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    {
        key = $1 SUBSEP $2 SUBSEP $3
        values[key] = values[key] " " $5
        cpu[key] = cpu[key] " " $7
        if (!(key in bytes)) bytes[key] = $6
        else if (bytes[key] != $6) bytes[key] = "varies"
        if (!(($1 SUBSEP $2) in seen)) { seen[$1 SUBSEP $2] = 1; order[++rows] = $1 SUBSEP $2 }
    }
    END {
        printf "%-13s %-9s %9s %9s %7s %11s %11s %9s %9s\n", "set", "step", "tool s", "recipe s", "ratio", "tool B", "recipe B",
            "tool CPU", "rcp CPU"
        for (r = 1; r <= rows; r++) {
            split(order[r], k, SUBSEP)
            tool = median(values[order[r] SUBSEP "tool"]); recipe = median(values[order[r] SUBSEP "recipe"])
            ratio[order[r]] = tool / recipe
            printf "%-13s %-9s %9.3f %9.3f %7.2f %11s %11s %9.3f %9.3f\n", k[1], k[2], tool, recipe, tool / recipe,
                bytes[order[r] SUBSEP "tool"], bytes[order[r] SUBSEP "recipe"],
                median(cpu[order[r] SUBSEP "tool"]), median(cpu[order[r] SUBSEP "recipe"])
        }
        print ""
        for (r = 1; r <= rows; r++) {
            split(order[r], k, SUBSEP)
            if (k[2] == "redeploy") {
                b = bytes[order[r] SUBSEP "tool"]
                printf "%s  %s: no-change redeploy uploads 0 bytes (%s)\n", (b == "0" ? "PASS" : "FAIL"), k[1], b
                printf "%s  %s: no-change redeploy <= 0.3x the recipe (%.2fx)\n", (ratio[order[r]] <= 0.3 ? "PASS" : "FAIL"), k[1], ratio[order[r]]
            } else {
                printf "%s  %s: first deploy <= 1.0x the recipe (%.2fx)\n", (ratio[order[r]] <= 1.0 ? "PASS" : "FAIL"), k[1], ratio[order[r]]
            }
        }
    }' "$results"
echo
echo "every run (set, step, side, round, seconds, bytes, CPU seconds):"
sort -k1,1 -k2,2 -k3,3 -k4,4n "$results" | column -t
