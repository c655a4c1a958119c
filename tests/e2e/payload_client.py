#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Mail clients for test_payload.sh: the standard library's own (imaplib,
poplib), as an application would use them.

Usage: payload_client.py imap|pop HOST PORT USER [--lookup NAME]

The password comes from the environment (LW_TEST_PW), never from the
command line: leakwatch reports a process's command line. USER "-" takes
the user from LW_TEST_USER, likewise. --lookup NAME
resolves NAME first (getaddrinfo), as the seed's autodiscover client did.
Prints "imap login ok" / "pop login ok" once the server said OK.
"""
import argparse
import imaplib
import os
import poplib
import socket
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("proto", choices=("imap", "pop"))
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("user")
    ap.add_argument("--lookup")
    a = ap.parse_args()
    pw = os.environ["LW_TEST_PW"]
    if a.user == "-":
        a.user = os.environ["LW_TEST_USER"]
    if a.lookup:
        try:
            socket.getaddrinfo(a.lookup, 443, proto=socket.IPPROTO_TCP)
        except socket.gaierror:
            pass
    if a.proto == "imap":
        m = imaplib.IMAP4(a.host, a.port, timeout=5)
        typ, _ = m.login(a.user, pw)
        m.logout()
    else:
        m = poplib.POP3(a.host, a.port, timeout=5)
        m.user(a.user)
        typ = "OK" if m.pass_(pw).startswith(b"+OK") else "NO"
        m.quit()
    print(f"{a.proto} login {'ok' if typ == 'OK' else typ}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
