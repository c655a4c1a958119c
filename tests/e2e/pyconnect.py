#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""A python3 end-to-end client: resolve NAME with socket.getaddrinfo (glibc
underneath), then TCP-connect (or with --udp, sendto one datagram) to the
first answer and say what happened.

    pyconnect.py [--udp] [--resolve-only] NAME PORT

Exit status 0 when the name resolved, whatever connect() did (the tests'
namespaces have no route out: ENETUNREACH is expected); 2 when it did not.
"""
import errno
import socket
import sys


def main(argv):
    udp = "--udp" in argv
    resolve_only = "--resolve-only" in argv
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    name, port = args[0], int(args[1])
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    try:
        infos = socket.getaddrinfo(name, port, type=kind)
    except socket.gaierror as e:
        print(f"resolve {name}: {e.strerror}")
        return 2
    for fam, _, _, _, sa in infos:
        print(f"resolved {name}: {sa[0]}")
    if resolve_only:
        return 0
    fam, typ, proto, _, sa = infos[0]
    s = socket.socket(fam, typ, proto)
    s.settimeout(3)
    what = "udp" if udp else "tcp"
    try:
        if udp:
            s.sendto(b"leakwatch test datagram\n", sa)
            print(f"{what} {sa[0]} port {port}: sent 1 datagram")
        else:
            s.connect(sa)
            print(f"{what} {sa[0]} port {port}: connected")
    except OSError as e:
        code = errno.errorcode.get(e.errno, str(e.errno))
        print(f"{what} {sa[0]} port {port}: errno {e.errno} ({code}: {e.strerror})")
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
