#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A process whose identity is hostile to a JSON writer: it renames itself
(comm) to bytes that are not UTF-8 and need escaping, is started with such
arguments (cmdline), then resolves a reserved name and connects to the
answer, so it gets a full report with a verdict.

    hostile.py NAME PORT [ANY ARGUMENTS...]
"""
import ctypes
import socket
import sys

PR_SET_NAME = 15
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(PR_SET_NAME, b'\xff"\\\x01\t}{\xc3(', 0, 0, 0)

name, port = sys.argv[1], int(sys.argv[2])
fam, typ, proto, _, sa = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)[0]
s = socket.socket(fam, typ, proto)
try:
    s.connect(sa)
except OSError as e:
    print(f"connect {sa[0]}:{port}: {e.strerror}")
