"""Signs one request with botocore's own SigV4 signer, for cross-checks of swift-lambda's signer
(Tests/LambdaTestSupport/BotocoreSigner.swift).

    python3 botocore_sign.py REQUEST.json

REQUEST: {"method", "url", "headers": [[name, value], ...] (in order, duplicates kept),
"body": base64, "service", "region", "access_key", "secret_key", "session_token" (or null),
"timestamp": "20150830T123600Z"}. The signer is botocore.auth.SigV4Auth, S3SigV4Auth for
service "s3", with the clock fixed at the timestamp.

Printed: {"headers": [[name, value], ...] (the request's headers after signing),
"authorization", "x_amz_date", "x_amz_security_token", "x_amz_content_sha256" (null when
absent), "canonical_request", "string_to_sign", "signature", "botocore_version"}.
"""

import base64
import datetime
import json
import logging
import sys

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def fix_clock(moment):
    """Makes botocore.auth read `moment` as the current time, whichever way this version reads
    it: `get_current_datetime` (imported into botocore.auth since about 1.34) or, before,
    `datetime.datetime.utcnow()` through the `datetime` module botocore.auth imported."""
    if hasattr(botocore.auth, "get_current_datetime"):
        botocore.auth.get_current_datetime = lambda *arguments, **keywords: moment

    class FixedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return moment

        @classmethod
        def now(cls, tz=None):
            return moment if tz is None else moment.replace(tzinfo=tz)

    class FixedModule:
        def __getattr__(self, name):
            return getattr(datetime, name)

    fixed = FixedModule()
    fixed.datetime = FixedDatetime
    botocore.auth.datetime = fixed


class Capture(logging.Handler):
    """add_auth logs the canonical request, the string to sign and the signature at DEBUG."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.parts = {}

    def emit(self, record):
        labels = {"CanonicalRequest:\n%s": "canonical_request", "StringToSign:\n%s": "string_to_sign",
                  "Signature:\n%s": "signature"}
        if record.msg in labels and record.args:
            self.parts[labels[record.msg]] = str(record.args[0])


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    fix_clock(datetime.datetime.strptime(spec["timestamp"], "%Y%m%dT%H%M%SZ"))
    request = AWSRequest(method=spec["method"], url=spec["url"], data=base64.b64decode(spec.get("body") or ""))
    for name, value in spec.get("headers", []):
        request.headers[name] = value  # HTTPHeaders keeps duplicates, in order
    credentials = Credentials(spec["access_key"], spec["secret_key"], spec.get("session_token"))
    signer_class = botocore.auth.S3SigV4Auth if spec["service"] == "s3" else botocore.auth.SigV4Auth
    signer = signer_class(credentials, spec["service"], spec["region"])

    capture = Capture()
    logger = logging.getLogger("botocore.auth")
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    signer.add_auth(request)

    def header(name):
        return request.headers.get(name)

    json.dump({
        "headers": [[name, value] for name, value in request.headers.items()],
        "authorization": header("Authorization"),
        "x_amz_date": header("X-Amz-Date"),
        "x_amz_security_token": header("X-Amz-Security-Token"),
        "x_amz_content_sha256": header("X-Amz-Content-SHA256"),
        "canonical_request": capture.parts.get("canonical_request"),
        "string_to_sign": capture.parts.get("string_to_sign"),
        "signature": capture.parts.get("signature"),
        "botocore_version": botocore.__version__,
    }, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
