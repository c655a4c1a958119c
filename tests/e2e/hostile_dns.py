#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A hostile DNS server and its client, for tests/e2e/test_hostile_dns.sh.

    hostile_dns.py server PORT      answer every query with a crafted message
    hostile_dns.py client CASE...   ask 127.0.0.1:53 for each case's name,
                                    print what came back (never parse it)
    hostile_dns.py flood N          send N unsolicited responses to our own
                                    socket's peer... (see below)

The server chooses its answer from the first label of the question, so the
client picks a case by name: CASE.hostile.example.com. Every answer echoes
the question (so it joins the query) and then misbehaves.
"""
import socket
import struct
import sys

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def header(qid, an, ns=0, ar=0, flags=0x8180, qd=1):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def rr_a(owner, addr, ttl=60):
    return owner + struct.pack("!HHIH", 1, 1, ttl, 4) + bytes(addr)


@case
def loop(qid, q):
    # An answer whose owner name is a pointer to itself.
    off = 12 + len(q)
    return header(qid, 1) + q + struct.pack("!H", 0xC000 | off) + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([198, 18, 0, 1])


@case
def pingpong(qid, q):
    # Two pointers pointing at each other.
    a = 12 + len(q)
    return header(qid, 1) + q + struct.pack("!HH", 0xC000 | (a + 2), 0xC000 | a) + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4)


@case
def pastend(qid, q):
    return header(qid, 1) + q + struct.pack("!H", 0xC000 | 0x3FFF) + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4)


@case
def forward(qid, q):
    off = 12 + len(q)
    return header(qid, 1) + q + struct.pack("!H", 0xC000 | (off + 2)) + b"\x00" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes(4)


@case
def liar(qid, q):
    # Says 40 answers, carries one.
    return header(qid, 40, 7, 9) + q + rr_a(b"\xc0\x0c", [198, 18, 0, 2])


@case
def rdlength(qid, q):
    # An A record whose rdlength runs past the end.
    return header(qid, 1) + q + b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 400) + bytes(4)


@case
def cnameloop(qid, q):
    # name CNAME a; a CNAME name.
    a = b"\x01a\xc0\x0c"
    off_a = 12 + len(q) + 12
    return (header(qid, 2) + q + b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 60, len(a)) + a
            + struct.pack("!H", 0xC000 | off_a) + struct.pack("!HHIH", 5, 1, 60, 2) + b"\xc0\x0c")


@case
def weird(qid, q):
    # The answer's owner and a CNAME target full of bytes a JSON line and a
    # terminal must not see raw: quotes, backslash, newline, ESC, invalid UTF-8.
    target = b"\x0c\"q\\b\nn\x1b[31m\xff\xfe" + b"\x07example\x03com\x00"
    return (header(qid, 2) + q + b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 60, len(target)) + target
            + rr_a(bytes([0xC0, 12 + len(q) + 12]), [198, 18, 0, 3]))


@case
def long(qid, q):
    # A CNAME to a 255-byte name, then its A record.
    target = b"".join(b"\x3f" + b"x" * 63 for _ in range(3)) + b"\x3d" + b"y" * 61 + b"\x00"
    assert len(target) == 255
    return (header(qid, 2) + q + b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 60, len(target)) + target
            + rr_a(bytes([0xC0, 12 + len(q) + 12]), [198, 18, 0, 4]))


@case
def empty(qid, q):
    return header(qid, 0) + q


def question_case(data):
    """The case name (first label) and the raw question section."""
    if len(data) < 13:
        return None, b""
    i = 12
    while i < len(data) and data[i] != 0:
        i += 1 + data[i]
    q = data[12:i + 5]
    label = data[13:13 + data[12]].decode("ascii", "replace")
    return label, q


def server(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    print("ready", flush=True)
    while True:
        data, peer = s.recvfrom(4096)
        label, q = question_case(data)
        fn = CASES.get(label, empty)
        if len(data) < 12:
            continue
        qid = struct.unpack("!H", data[:2])[0]
        s.sendto(fn(qid, q), peer)


def query(name, qid):
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", 1, 1)


# A question name with bytes a JSON line and a terminal must not see raw.
WEIRD_LABEL = b'"q\\b\nn\x1b[31m\xff\xfe'


def client(cases):
    for i, c in enumerate(cases):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.connect(("127.0.0.1", 53))
        if c == "weirdq":
            msg = query("hostile.example.com", 0x4000 + i)
            msg = msg[:12] + bytes([len(WEIRD_LABEL)]) + WEIRD_LABEL + msg[12:]
            s.send(msg)
        else:
            s.send(query(f"{c}.hostile.example.com", 0x4000 + i))
        try:
            data = s.recv(4096)
            print(f"{c}: {len(data)} bytes")
        except socket.timeout:
            print(f"{c}: no answer")
        s.close()


def flood(n):
    """Unsolicited responses: a second socket sends responses for a reserved
    name to the client socket, which never asked (no query left it)."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.connect(("127.0.0.1", 53))  # looks like a resolver client
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind(("127.0.0.1", 53))
    q = query("spoof.example.com", 0)[12:]
    for i in range(n):
        tx.sendto(header(i & 0xFFFF, 1) + q + rr_a(b"\xc0\x0c", [198, 18, 0, 99]), rx.getsockname())
    got = 0
    rx.settimeout(0.5)
    try:
        while True:
            rx.recv(4096)
            got += 1
    except socket.timeout:
        pass
    print(f"flood: sent {n}, received {got}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "server":
        server(int(sys.argv[2]))
    elif mode == "client":
        client(sys.argv[2:] or sorted(CASES) + ["weirdq"])
    elif mode == "flood":
        flood(int(sys.argv[2]))
