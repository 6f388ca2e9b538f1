"""One boto3 call, its response printed as JSON: the independent client that deploy tests read
results back with (Tests/LambdaTestSupport/Boto3.swift).

    python3 boto3_call.py SERVICE OPERATION PARAMETERS.json ENDPOINT REGION
    python3 boto3_call.py --batch CALLS.json ENDPOINT REGION

With --batch, CALLS is a JSON list of [SERVICE, OPERATION, PARAMETERS] made in one process (boto3's
import is most of a call's time), each response printed on a line of its own, in order.

OPERATION is the client's snake_case method (get_function, list_layer_versions, head_object).
In PARAMETERS, an object {"$base64": "..."} stands for bytes (a ZipFile, an S3 Body).

Printed: the response, ResponseMetadata included, with datetimes as ISO 8601 strings and bytes
(a StreamingBody read to its end, an Invoke Payload) as {"$base64": "..."}. A service's error
(botocore ClientError) is printed, exit status 0, as
{"error": {"Code": ..., "Message": ...}, "ResponseMetadata": ...} so a test can assert that a
function is gone; anything else (bad parameters, no server) is a traceback and status 1.
"""

import base64
import datetime
import decimal
import json
import sys

import boto3
import botocore.config
import botocore.exceptions
import botocore.response


def decode(value):
    if isinstance(value, dict):
        if set(value) == {"$base64"}:
            return base64.b64decode(value["$base64"])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def encode(value):
    if isinstance(value, botocore.response.StreamingBody):
        value = value.read()
    if isinstance(value, (bytes, bytearray)):
        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


def main():
    if sys.argv[1] == "--batch":
        # python3 boto3_call.py --batch CALLS.json ENDPOINT REGION: CALLS is a list of
        # [SERVICE, OPERATION, PARAMETERS]; one printed line per call, in order.
        calls_path, endpoint, region = sys.argv[2:5]
        with open(calls_path, encoding="utf-8") as file:
            calls = json.load(file)
        session = boto3.session.Session()
        clients = {}
        for service, operation, parameters in calls:
            if service not in clients:
                clients[service] = make_client(session, service, endpoint, region)
            print_call(clients[service], operation, decode(parameters))
        return
    service, operation, parameters_path, endpoint, region = sys.argv[1:6]
    with open(parameters_path, encoding="utf-8") as file:
        parameters = decode(json.load(file))
    print_call(make_client(boto3.session.Session(), service, endpoint, region), operation, parameters)


def make_client(session, service, endpoint, region):
    return session.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore.config.Config(
            # One attempt: a test that asserts an error must see it at once, not after backoff.
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=5,
            read_timeout=120,
            s3={"addressing_style": "path"},
        ),
    )


def print_call(client, operation, parameters):
    try:
        response = getattr(client, operation)(**parameters)
    except botocore.exceptions.ClientError as error:
        response = {
            "error": {
                "Code": error.response.get("Error", {}).get("Code", ""),
                "Message": error.response.get("Error", {}).get("Message", str(error)),
            },
            "ResponseMetadata": error.response.get("ResponseMetadata", {}),
        }
    json.dump(response, sys.stdout, default=encode, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
