#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Mail clients for test_payload.sh: the standard library's own (imaplib,
poplib), as an application would use them.

Usage: payload_client.py imap|pop|imaps HOST PORT USER [--lookup NAME] [--cafile F]
       payload_client.py seed AUTODETECT-HOST 443 USER --cafile F

seed: the incident as it happened, over TLS: an HTTPS "autodetect" GET
naming USER to an ordinary host, then IMAPS LOGIN USER to the IMAP host its
JSON answer names (no reserved name is ever resolved).

The password comes from the environment (LW_TEST_PW), never from the
command line: leakwatch reports a process's command line. USER "-" takes
the user from LW_TEST_USER, likewise. --lookup NAME
resolves NAME first (getaddrinfo), as the seed's autodiscover client did.
Prints "imap login ok" / "pop login ok" once the server said OK.
"""
import argparse
import imaplib
import json
import os
import poplib
import socket
import ssl
import sys
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("proto", choices=("imap", "pop", "imaps", "seed"))
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("user")
    ap.add_argument("--lookup")
    ap.add_argument("--cafile")
    a = ap.parse_args()
    pw = os.environ["LW_TEST_PW"]
    if a.user == "-":
        a.user = os.environ["LW_TEST_USER"]
    if a.lookup:
        try:
            socket.getaddrinfo(a.lookup, 443, proto=socket.IPPROTO_TCP)
        except socket.gaierror:
            pass
    ctx = ssl.create_default_context(cafile=a.cafile) if a.cafile else None
    if a.proto == "seed":
        url = f"https://{a.host}:{a.port}/autodetect?email={a.user}"
        with urllib.request.urlopen(url, context=ctx, timeout=5) as r:
            conf = json.load(r)
        a.proto, a.host, a.port = "imaps", conf["imap"], conf["port"]
        print(f"autodetect: {a.host}:{a.port}")
    if a.proto in ("imap", "imaps"):
        if a.proto == "imaps":
            m = imaplib.IMAP4_SSL(a.host, a.port, ssl_context=ctx, timeout=5)
        else:
            m = imaplib.IMAP4(a.host, a.port, timeout=5)
        typ, _ = m.login(a.user, pw)
        m.logout()
    else:
        m = poplib.POP3(a.host, a.port, timeout=5)
        m.user(a.user)
        typ = "OK" if m.pass_(pw).startswith(b"+OK") else "NO"
        m.quit()
    print(f"{a.proto.rstrip('s') if a.proto != 'pop' else a.proto} login "
          f"{'ok' if typ == 'OK' else typ}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
