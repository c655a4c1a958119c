#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Start a container through the Docker Engine API, as a test library
(Testcontainers, docker-py) does: HTTP over dockerd's unix socket, no docker
CLI. The container is forked by containerd-shim, not by this program.

Usage: docker_api.py SOCKET NAME IMAGE SANDBOX RESOLV CIDFILE CMD [ARG...]

POST /containers/create (network container:SANDBOX, RESOLV bound on
/etc/resolv.conf), writes the id to CIDFILE, POST /start, POST /wait,
prints the container's output, removes it; exit status: the container's.
Standard library only, for Debian's /usr/bin/python3.
"""
import http.client
import json
import socket
import struct
import sys

API = "/v1.41"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.path)


def call(sock, method, url, body=None, want=(200, 201, 204)):
    c = UnixConnection(sock)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    c.request(method, API + url, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status not in want:
        sys.exit(f"docker_api.py: {method} {url}: HTTP {r.status}: {data[:300]!r}")
    return data


def demux(raw):
    """The attach/logs stream of a container without a TTY: 8-byte frames."""
    out = b""
    while len(raw) >= 8:
        _, size = struct.unpack(">BxxxL", raw[:8])
        out += raw[8:8 + size]
        raw = raw[8 + size:]
    return out


def main(argv):
    if len(argv) < 7:
        sys.exit(__doc__)
    sock, name, image, sandbox, resolv, cidfile = argv[:6]
    cmd = argv[6:]
    spec = {"Image": image, "Cmd": cmd, "Tty": False,
            "HostConfig": {"NetworkMode": f"container:{sandbox}",
                           "Binds": [f"{resolv}:/etc/resolv.conf:ro"]}}
    cid = json.loads(call(sock, "POST", f"/containers/create?name={name}", spec))["Id"]
    with open(cidfile, "w") as f:
        f.write(cid)
    try:
        call(sock, "POST", f"/containers/{cid}/start")
        status = json.loads(call(sock, "POST", f"/containers/{cid}/wait", want=(200,)))
        logs = call(sock, "GET", f"/containers/{cid}/logs?stdout=1&stderr=1", want=(200,))
        sys.stdout.write(demux(logs).decode("utf-8", "replace"))
    finally:
        call(sock, "DELETE", f"/containers/{cid}?force=1", want=(204, 404))
    return status.get("StatusCode", 125)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
