#!/usr/bin/env python3
"""The plain recipe the deploy benchmark measures swift-lambda deploy against: boto3, one zip after
another, every zip uploaded whether or not its code changed.

    Benchmarks/deploy-recipe.py --endpoint http://127.0.0.1:PORT --role ARN NAME=path/to/bootstrap.zip...

For each NAME, in order: GetFunction; CreateFunction (runtime provided.al2023, handler bootstrap,
architecture x86_64) when it does not exist, else UpdateFunctionCode, with the zip's bytes inline.
Credentials come from boto3's usual chain, moto's testing/testing when there are none; the region
from --region, else AWS_REGION, else us-east-1.

Prints one line on standard output, `bytes=N seconds=S functions=K`: the zip bytes sent, and
the time from creating the client to the last answer (the interpreter's start and boto3's
import, about half a second, are outside it: time the whole command to include them). Each
function's action goes to standard error.
"""

import argparse
import os
import sys
import time

import boto3
import botocore.config
import botocore.exceptions


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="the endpoint URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--role", required=True, help="the execution role's ARN for functions it creates")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    parser.add_argument("functions", nargs="+", metavar="NAME=ZIP")
    arguments = parser.parse_args()
    pairs = []
    for item in arguments.functions:
        name, separator, path = item.partition("=")
        if not separator or not name or not path:
            parser.error(f"{item!r} is not NAME=path/to/bootstrap.zip")
        if not os.path.isfile(path):
            parser.error(f"{path} does not exist")
        pairs.append((name, path))
    return arguments, pairs


def main():
    arguments, functions = parse_arguments()
    credentials = {}
    if boto3.session.Session().get_credentials() is None:
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    started = time.monotonic()
    client = boto3.session.Session().client(
        "lambda", endpoint_url=arguments.endpoint, region_name=arguments.region,
        config=botocore.config.Config(retries={"mode": "standard"}), **credentials)
    uploaded = 0
    for name, path in functions:
        with open(path, "rb") as file:
            code = file.read()
        try:
            client.get_function(FunctionName=name)
            exists = True
        except botocore.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            exists = False
        if exists:
            client.update_function_code(FunctionName=name, ZipFile=code)
        else:
            client.create_function(
                FunctionName=name, Runtime="provided.al2023", Handler="bootstrap", Role=arguments.role,
                Architectures=["x86_64"], Code={"ZipFile": code})
        uploaded += len(code)
        print(f"{name}: {'updated' if exists else 'created'} ({len(code)} bytes)", file=sys.stderr)
    elapsed = time.monotonic() - started
    print(f"bytes={uploaded} seconds={elapsed:.3f} functions={len(functions)}")


if __name__ == "__main__":
    main()
