#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The example.com incident (January 2026), as a client sees it.

An Outlook-style mail client sets up the account user@example.com:
  1. it looks up autodiscover.example.com (a reserved, IANA-run name),
  2. fetches its configuration over plain HTTP from that host
     (http://autodiscover.example.com:8080/autodiscover/autodiscover.xml),
  3. the configuration names a real third party's IMAP server
     (imapgms.jnet.sei.co.jp, port 993): the client resolves that ordinary
     name and connects to it, ready to send the test account's password.

In the demo sandbox the first name resolves to 127.0.0.1 (an HTTP server in
the namespace), the second to 133.242.1.10, a global address the namespace
has no route to: connect() fails with ENETUNREACH and nothing leaves the
machine. The point is that the connect was *attempted*, and that leakwatch
ties it back to autodiscover.example.com.

    autodiscover.py [EMAIL]      (default user@example.com)

Exit status: 0 when the client got as far as the IMAP connect attempt (the
demo's story played out), 1 otherwise. Standard library only.
"""
import errno
import socket
import sys
import urllib.request
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"


def say(msg):
    print(f"autodiscover.py: {msg}", flush=True)


def main(argv):
    email = argv[0] if argv else "user@example.com"
    domain = email.split("@", 1)[1]
    host = f"autodiscover.{domain}"

    addrs = sorted({ai[4][0] for ai in socket.getaddrinfo(host, 8080, type=socket.SOCK_STREAM)})
    say(f"step 1: {host} resolves to {', '.join(addrs)}")

    url = f"http://{host}:8080/autodiscover/autodiscover.xml"
    with urllib.request.urlopen(url, timeout=5) as r:
        body = r.read()
    say(f"step 2: GET {url} -> {r.status}, {len(body)} bytes")

    root = ET.fromstring(body)
    imap = None
    for proto in root.iter(f"{NS}Protocol"):
        if proto.findtext(f"{NS}Type") == "IMAP":
            imap = (proto.findtext(f"{NS}Server"), int(proto.findtext(f"{NS}Port")))
    if not imap:
        say("the configuration names no IMAP server")
        return 1
    say(f"        the configuration says: IMAP server {imap[0]} port {imap[1]}")

    infos = socket.getaddrinfo(imap[0], imap[1], type=socket.SOCK_STREAM)
    say(f"step 3: {imap[0]} resolves to {', '.join(sorted({i[4][0] for i in infos}))}")
    fam, typ, proto, _, sa = infos[0]
    s = socket.socket(fam, typ, proto)
    s.settimeout(5)
    try:
        s.connect(sa)
        say(f"        connected to {sa[0]}:{sa[1]} (this should not happen in the sandbox)")
    except OSError as e:
        code = errno.errorcode.get(e.errno, str(e.errno))
        say(f"        connect to {sa[0]}:{sa[1]} failed: {code} ({e.strerror}); "
            "a real client would now be sending your test password there")
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ET.ParseError, ValueError) as e:
        say(f"failed: {e}")
        sys.exit(1)
