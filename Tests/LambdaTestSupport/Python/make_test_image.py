"""Writes a small OCI image's parts into a directory, with digests computed here (hashlib), not
by the code under test: a gzip'd tar layer holding `bootstrap` and `data.txt`, a config JSON, an
OCI image manifest naming both. Prints JSON: the manifest's path and media type, and each blob's
digest, size and path (config first).

Usage: make_test_image.py DIRECTORY SEED [PAYLOAD_BYTES]
(PAYLOAD_BYTES of random data as `payload.bin`, which gzip cannot shrink: a large layer.)
"""

import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def main():
    directory, seed = sys.argv[1], sys.argv[2]
    payload = os.urandom(int(sys.argv[3])) if len(sys.argv) > 3 else b""
    os.makedirs(directory, exist_ok=True)

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content, mode in [
            ("bootstrap", b"#!/bin/sh\necho " + seed.encode() + b"\n", 0o755),
            ("data.txt", (seed * 1000).encode(), 0o644),
        ] + ([("payload.bin", payload, 0o644)] if payload else []):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(content), mode, 0
            tar.addfile(info, io.BytesIO(content))
    diff_id = "sha256:" + hashlib.sha256(tar_bytes.getvalue()).hexdigest()
    layer = gzip.compress(tar_bytes.getvalue(), mtime=0)

    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Entrypoint": ["/bootstrap"], "Env": [f"SEED={seed}"]},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        },
        sort_keys=True,
    ).encode()

    blobs = []
    for kind, data, media_type in [
        ("config", config, "application/vnd.oci.image.config.v1+json"),
        ("layer", layer, "application/vnd.oci.image.layer.v1.tar+gzip"),
    ]:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        path = os.path.join(directory, kind + ".blob")
        with open(path, "wb") as file:
            file.write(data)
        blobs.append({"digest": digest, "size": len(data), "path": path, "mediaType": media_type})

    manifest_type = "application/vnd.oci.image.manifest.v1+json"
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": manifest_type,
            "config": {k: blobs[0][k] for k in ("mediaType", "digest", "size")},
            "layers": [{k: blobs[1][k] for k in ("mediaType", "digest", "size")}],
        }
    ).encode()
    manifest_path = os.path.join(directory, "manifest.json")
    with open(manifest_path, "wb") as file:
        file.write(manifest)
    print(
        json.dumps(
            {
                "manifest": manifest_path,
                "mediaType": manifest_type,
                "digest": "sha256:" + hashlib.sha256(manifest).hexdigest(),
                "blobs": blobs,
            }
        )
    )


if __name__ == "__main__":
    main()
