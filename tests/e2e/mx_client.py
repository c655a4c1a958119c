#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A client that finds a service through a reserved name's MX or SRV record,
then resolves the target and connects to it, all in one process: the shape
of a mail client given test@example.com, or an autodiscover client.

    mx_client.py MX example.com [PORT]
    mx_client.py SRV _autodiscover._tcp.example.com

The MX/SRV query goes to the first nameserver of /etc/resolv.conf over UDP;
the target is resolved with getaddrinfo(); the connect's result is printed
(ENETUNREACH is expected in the tests' sandbox).
"""
import random
import socket
import struct
import sys

TYPES = {"MX": 15, "SRV": 33}


def nameserver():
    for line in open("/etc/resolv.conf"):
        f = line.split()
        if len(f) >= 2 and f[0] == "nameserver":
            return f[1]
    return "127.0.0.1"


def query(name, qtype):
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return qid, q + b"\0" + struct.pack(">HH", qtype, 1)


def read_name(msg, off):
    labels, jumped, end = [], False, off
    for _ in range(128):
        n = msg[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            jumped = True
            continue
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), (end if jumped else off)


def targets(msg, qtype):
    an = struct.unpack(">H", msg[6:8])[0]
    _, off = read_name(msg, 12)
    off += 4
    out = []
    for _ in range(an):
        _, off = read_name(msg, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
        off += 10
        if rtype == 15 and qtype == 15:
            out.append((read_name(msg, off + 2)[0], None))
        elif rtype == 33 and qtype == 33:
            port = struct.unpack(">H", msg[off + 4:off + 6])[0]
            out.append((read_name(msg, off + 6)[0], port))
        off += rdlen
    return out


def main():
    kind, name = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    qid, q = query(name, TYPES[kind])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((nameserver(), 53))
    s.send(q)
    found = [t for t in targets(s.recv(4096), TYPES[kind]) if t[0] not in ("", ".")]
    if not found:
        print(f"{kind} {name}: no target")
        return 2
    host, srv_port = found[0]
    port = srv_port or port
    print(f"{kind} {name}: {host} port {port}")
    addr = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)[0][4]
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(2)
    try:
        c.connect(addr)
        print(f"connected to {addr[0]}:{addr[1]}")
    except OSError as e:
        print(f"connect {addr[0]}:{addr[1]}: {e.strerror}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
