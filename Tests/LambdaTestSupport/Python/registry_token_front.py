"""A Bearer-token front for a real docker-registry, for the push tests.

docker-registry's own token auth needs a JWT token server and certificates; this front does the
part a client sees instead: every registry request without a token it issued is answered 401
with `WWW-Authenticate: Bearer realm=...,service=...,scope=...`; its realm (GET /token) checks
the Basic login (when --user is given) and issues a token for the scope asked; requests carrying
a token whose scope allows push are passed to the registry as they came (Host kept, so the
registry's Location headers point back here). GET /front/stats tells the test what was issued.
With --answer STATUS it is instead a registry that refuses everything with that status.

Usage: registry_token_front.py --port PORT --port-file FILE [--upstream PORT] [--user U --password P] [--answer STATUS]
"""

import argparse
import base64
import http.client
import http.server
import json
import os
import secrets
import socket
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "authorization"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--upstream", type=int)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--answer", type=int)
    options = parser.parse_args()

    lock = threading.Lock()
    issued = {}  # token -> scope
    stats = {"tokens": 0, "scopes": [], "refused_logins": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def errors(self, status, code, message, headers=()):
            body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]}).encode()
            self.reply(status, body, [("Content-Type", "application/json")] + list(headers))

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def handle_any(self):
            data = self.body()
            url = urllib.parse.urlsplit(self.path)
            if options.answer:
                code = "DENIED" if options.answer == 403 else "UNKNOWN"
                return self.errors(options.answer, code, f"the test front answers {options.answer}")
            if url.path == "/front/stats":
                with lock:
                    return self.reply(200, json.dumps(stats).encode(), [("Content-Type", "application/json")])
            if url.path == "/token":
                return self.token(urllib.parse.parse_qs(url.query))
            parts = url.path.split("/")
            kinds = [index for index, part in enumerate(parts) if part in ("blobs", "manifests", "tags")]
            name = "/".join(parts[2 : kinds[0]]) if kinds else ""
            scope = f"repository:{name}:pull,push"
            authorization = self.headers.get("Authorization") or ""
            with lock:
                granted = issued.get(authorization[7:]) if authorization.startswith("Bearer ") else None
            if granted is None or (name and granted != scope):
                realm = f"http://127.0.0.1:{self.server.server_address[1]}/token"
                challenge = f'Bearer realm="{realm}",service="swift-lambda-test",scope="{scope}"'
                return self.errors(401, "UNAUTHORIZED", "authentication required", [("WWW-Authenticate", challenge)])
            self.proxy(data)

        def token(self, query):
            if options.user:
                expected = "Basic " + base64.b64encode(f"{options.user}:{options.password}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    with lock:
                        stats["refused_logins"] += 1
                    return self.errors(401, "UNAUTHORIZED", "incorrect username or password")
            scope = (query.get("scope") or [""])[0]
            token = secrets.token_hex(16)
            with lock:
                issued[token] = scope
                stats["tokens"] += 1
                stats["scopes"].append(scope)
            body = json.dumps({"token": token, "expires_in": 300}).encode()
            self.reply(200, body, [("Content-Type", "application/json")])

        def proxy(self, data):
            upstream = http.client.HTTPConnection("127.0.0.1", options.upstream, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream.request(self.command, self.path, body=data if data or self.command in ("PUT", "POST", "PATCH") else None, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            length = response.getheader("Content-Length")
            self.send_header("Content-Length", length if self.command == "HEAD" and length else str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            upstream.close()

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET
        daemon_threads = True

    server = Server(("127.0.0.1", options.port), Handler)
    with open(options.port_file + ".tmp", "w") as file:
        file.write(str(server.server_address[1]))
    os.rename(options.port_file + ".tmp", options.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
