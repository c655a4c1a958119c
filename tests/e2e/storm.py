#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""An event storm we can count: resolve NAME once (glibc: an A and an AAAA
query, two responses), then TCP-connect to its address N times. Every
connect is evidence (a direct leak), so the kernel produces exactly N
connect events plus the lookup's and the exit's (see test_overload.sh).

    storm.py NAME PORT N
"""
import socket
import sys

name, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sa = socket.getaddrinfo(name, port, socket.AF_INET, socket.SOCK_STREAM)[0][4]
for _ in range(n):
    s = socket.socket()
    try:
        s.connect(sa)
    except OSError:
        pass
    s.close()
print(f"storm: {n} connects to {sa[0]}:{port}")
