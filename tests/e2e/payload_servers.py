#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Stand-in mail and web servers for test_payload.sh (standard library only).

Usage: payload_servers.py ADDR LOG [CERT KEY]

Listens on ADDR at 25 and 587 (SMTP), 143 (IMAP), 110 (POP3) and 80 (HTTP),
and with a certificate at 993 (IMAP over TLS) and 443 (HTTPS: GET
/autodetect answers {"imap": "imap.ordinary.co"}, the seed's autodetect),
one thread per connection, and appends one line per command it received to
LOG ("smtp MAIL FROM:<...>", "imap LOGIN", "http POST /signup"), so a test
can tell the client really got through. Passwords are never written to LOG.
It speaks just enough of each protocol for swaks, imaplib, poplib and curl.
"""
import socketserver
import ssl
import sys
import threading

LOG_LOCK = threading.Lock()


def log(line):
    with LOG_LOCK, open(LOG, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class Smtp(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 mail.ordinary.co ESMTP stand-in")
        data = False
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data:
                if line == ".":
                    data = False
                    self.reply("250 queued")
                continue
            verb = line.split(" ", 1)[0].upper()
            log("smtp " + (line if verb in ("HELO", "EHLO", "MAIL", "RCPT") else verb))
            if verb == "EHLO":
                self.reply("250-mail.ordinary.co\r\n250 8BITMIME")
            elif verb == "DATA":
                data = True
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class Imap(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] stand-in ready\r\n")
        for raw in self.rfile:
            parts = raw.decode("utf-8", "replace").rstrip("\r\n").split(" ")
            if len(parts) < 2:
                continue
            tag, cmd = parts[0], parts[1].upper()
            log("imap " + cmd)
            if cmd == "CAPABILITY":
                self.wfile.write(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
            elif cmd == "LOGOUT":
                self.wfile.write(b"* BYE\r\n" + tag.encode() + b" OK LOGOUT done\r\n")
                return
            self.wfile.write(tag.encode() + b" OK " + cmd.encode() + b" done\r\n")


class Pop(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"+OK stand-in ready\r\n")
        for raw in self.rfile:
            cmd = raw.decode("utf-8", "replace").split(" ", 1)[0].strip().upper()
            log("pop " + cmd)
            self.wfile.write(b"+OK\r\n")
            if cmd == "QUIT":
                return


class Http(socketserver.StreamRequestHandler):
    def handle(self):
        request = self.rfile.readline().decode("latin-1").rstrip("\r\n")
        length = 0
        for raw in self.rfile:
            line = raw.decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length:
            self.rfile.read(length)
        log("http " + " ".join(request.split(" ")[:2]).split("?")[0])
        body = b'{"ok": true}\n'
        if request.startswith("GET /autodetect"):
            body = b'{"imap": "imap.ordinary.co", "port": 993}\n'
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() +
                         b"\r\nConnection: close\r\n\r\n" + body)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class TlsServer(Server):
    context = None

    def get_request(self):
        sock, addr = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), addr


def main():
    global LOG
    addr, LOG = sys.argv[1], sys.argv[2]
    servers = [Server((addr, port), handler) for port, handler in
               ((25, Smtp), (587, Smtp), (143, Imap), (110, Pop), (80, Http))]
    if len(sys.argv) > 4:
        TlsServer.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        TlsServer.context.load_cert_chain(sys.argv[3], sys.argv[4])
        servers += [TlsServer((addr, 993), Imap), TlsServer((addr, 443), Http)]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    log("ready")
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
