"""Puts AWS's SigV4 test suite (tests/unit/auth/aws4_testsuite/ in botocore's source
distribution on PyPI) in a cache directory, downloading it only the first time
(Tests/LambdaTestSupport/AWS4TestSuite.swift).

    python3 fetch_aws4_testsuite.py CACHE_DIRECTORY

The sdist fetched is `botocore==<the version this python has>` (the suite its signer passes),
else, when PyPI no longer has that one, the newest. It is kept in
CACHE_DIRECTORY/aws4_testsuite-for-botocore-<version>/, with a SOURCE file naming the sdist.
Printed: {"directory": ..., "source": "botocore-1.43.11.tar.gz", "downloaded": true|false}.
A failure is one line on standard error saying what to do, and status 1.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

SUITE = "tests/unit/auth/aws4_testsuite/"


def installed_botocore():
    try:
        import botocore
    except ImportError:
        return None
    return botocore.__version__


def download(requirement, into):
    """The sdist's path, or None with pip's complaint on standard error."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", "botocore",
               "--disable-pip-version-check", "-d", into, requirement]
    result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        sys.stderr.write(f"{' '.join(command)} failed:\n{result.stdout.decode(errors='replace')}\n")
        return None
    archives = [name for name in os.listdir(into) if name.startswith("botocore-") and name.endswith(".tar.gz")]
    return os.path.join(into, archives[0]) if archives else None


def extract(archive, into):
    """Only the suite's files, flattened out of botocore-<version>/tests/unit/auth/aws4_testsuite/."""
    count = 0
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            parts = member.name.split("/", 1)
            if len(parts) != 2 or not parts[1].startswith(SUITE) or not member.isfile():
                continue
            relative = parts[1][len(SUITE):]
            if relative.startswith("/") or ".." in relative.split("/"):
                continue
            target = os.path.join(into, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with tar.extractfile(member) as source, open(target, "wb") as destination:
                shutil.copyfileobj(source, destination)
            count += 1
    return count


def main():
    cache = os.path.abspath(sys.argv[1])
    version = installed_botocore() or "unknown"
    directory = os.path.join(cache, f"aws4_testsuite-for-botocore-{version}")
    if os.path.isfile(os.path.join(directory, "SOURCE")):
        with open(os.path.join(directory, "SOURCE"), encoding="utf-8") as file:
            source = file.read().strip()
        json.dump({"directory": directory, "source": source, "downloaded": False}, sys.stdout)
        return 0

    os.makedirs(cache, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".fetch-", dir=cache)
    try:
        archive = None
        if version != "unknown":
            archive = download(f"botocore=={version}", scratch)
        if archive is None:
            archive = download("botocore", scratch)
        if archive is None:
            sys.stderr.write(
                "could not download botocore's source distribution from PyPI, which holds AWS's SigV4 "
                f"test suite; let pip reach pypi.org (or its mirror, PIP_INDEX_URL) or put the suite in {directory} "
                "with a SOURCE file\n")
            return 1
        staged = os.path.join(scratch, "suite")
        if extract(archive, staged) == 0:
            sys.stderr.write(f"{os.path.basename(archive)} has no {SUITE}; set SWIFT_LAMBDA_TEST_PYTHON to a python "
                             "whose botocore ships it\n")
            return 1
        with open(os.path.join(staged, "SOURCE"), "w", encoding="utf-8") as file:
            file.write(os.path.basename(archive) + "\n")
        try:
            os.rename(staged, directory)  # atomic: a concurrent run sees all of it or none
        except OSError:
            if not os.path.isfile(os.path.join(directory, "SOURCE")):
                raise
        json.dump({"directory": directory, "source": os.path.basename(archive), "downloaded": True}, sys.stdout)
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
