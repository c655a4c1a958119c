#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""An event storm we can count: resolve NAME once (glibc: an A and an AAAA
query, two responses), then TCP-connect to its address N times. Every
connect is evidence (a direct leak), so the kernel produces exactly N
connect events plus the lookup's and the exit's (see test_overload.sh).

    storm.py NAME PORT N [--freeze-reader]

--freeze-reader stops the parent (the `leakwatch run` reading the events)
with SIGSTOP for the connects and resumes it after: a reader that stalls
(a loaded host, a slow disk) while the kernel keeps producing. Without it
the reader, woken as the ring fills, keeps up with this storm.
"""
import os
import signal
import socket
import sys

name, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
freeze = "--freeze-reader" in sys.argv[4:]
sa = socket.getaddrinfo(name, port, socket.AF_INET, socket.SOCK_STREAM)[0][4]
if freeze:
    os.kill(os.getppid(), signal.SIGSTOP)
for _ in range(n):
    s = socket.socket()
    try:
        s.connect(sa)
    except OSError:
        pass
    s.close()
if freeze:
    os.kill(os.getppid(), signal.SIGCONT)
print(f"storm: {n} connects to {sa[0]}:{port}")
