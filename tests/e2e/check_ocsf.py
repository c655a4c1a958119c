#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Check a `--format ocsf` leakwatch output (README, "OCSF output").

Usage: check_ocsf.py FILE [--run] EXPECT...

Every line is a JSON object: an OCSF 1.1 event, or the summary (and, for the
daemon, stats) lines as in the JSON format. With --run: no `report` or
`event` line, the last line is the summary. Each EXPECT is
KIND:CLASS_UID:SEVERITY_ID:IP:PORT (PORT or IP may be '-' for none, e.g.
direct:4001:4:198.18.0.7:80, answer:4003:3:-:-) and must match one event,
checked in full (class, activity, type_uid, severity, metadata, actor,
dst_endpoint, connection_info, query). Prints a one-line reason and exits 1
when something does not hold. Standard library only.
"""
import json
import sys
import time

CLASSES = {4001: ("Network Activity", "Open"), 4003: ("DNS Activity", "Query")}
SEVERITIES = {1: "Informational", 2: "Low", 3: "Medium", 4: "High"}
KIND_CLASS = {"direct": 4001, "follow-on": 4001, "resolver": 4003, "answer": 4003}


class Fail(Exception):
    pass


def check_event(e, n):
    def need(cond, what):
        if not cond:
            raise Fail(f"line {n}: {what}: {json.dumps(e)[:300]}")

    cu = e.get("class_uid")
    need(cu in CLASSES, "class_uid")
    name, act = CLASSES[cu]
    need(e.get("class_name") == name, "class_name")
    need(e.get("category_uid") == 4 and e.get("category_name") == "Network Activity",
         "category")
    need(e.get("activity_id") == 1 and e.get("activity_name") == act, "activity")
    need(e.get("type_uid") == cu * 100 + 1, "type_uid")
    need(e.get("type_name") == f"{name}: {act}", "type_name")
    now_ms = time.time() * 1000
    need(isinstance(e.get("time"), int) and abs(e["time"] - now_ms) < 3600e3, "time (epoch ms)")
    need(SEVERITIES.get(e.get("severity_id")) == e.get("severity"), "severity")
    need(isinstance(e.get("message"), str) and e["message"], "message")
    md = e.get("metadata") or {}
    prod = md.get("product") or {}
    need(md.get("version") == "1.1.0", "metadata.version")
    need(prod.get("name") == "leakwatch" and prod.get("vendor_name") == "leakwatch"
         and isinstance(prod.get("version"), str), "metadata.product")
    proc = (e.get("actor") or {}).get("process") or {}
    need(isinstance(proc.get("pid"), int) and isinstance(proc.get("name"), str),
         "actor.process pid/name")
    need(isinstance((proc.get("user") or {}).get("uid"), str), "actor.process.user.uid")
    um = e.get("unmapped") or {}
    need(KIND_CLASS.get(um.get("kind")) == cu, "unmapped.kind")
    need(isinstance(um.get("blocked"), bool), "unmapped.blocked")
    if cu == 4003:
        need(isinstance((e.get("query") or {}).get("hostname"), str), "query.hostname")
    if um.get("kind") != "answer":
        need(isinstance((e.get("dst_endpoint") or {}).get("ip"), str), "dst_endpoint.ip")
        need((e.get("connection_info") or {}).get("protocol_name") in ("tcp", "udp"),
             "connection_info.protocol_name")
    for k in ("type", "process", "verdict", "verdicts"):
        need(k not in e, f"§6 field {k!r} in an OCSF event")


def main(argv):
    run = "--run" in argv
    argv = [a for a in argv if a != "--run"]
    if len(argv) < 1:
        print(__doc__)
        return 2
    path, expects = argv[0], argv[1:]
    try:
        with open(path, encoding="utf-8") as f:
            raw = f.read().splitlines()
        if not raw:
            raise Fail("empty output")
        events, others = [], []
        for n, text in enumerate(raw, 1):
            try:
                o = json.loads(text)
            except json.JSONDecodeError as e:
                raise Fail(f"line {n}: not JSON ({e.msg})")
            if not isinstance(o, dict):
                raise Fail(f"line {n}: not an object")
            if "class_uid" in o:
                check_event(o, n)
                events.append(o)
            else:
                others.append((n, o))
        for n, o in others:
            if o.get("type") in ("report", "event"):
                raise Fail(f"line {n}: a §6 {o['type']} line in OCSF mode")
            if o.get("type") not in ("summary", "stats"):
                raise Fail(f"line {n}: neither OCSF nor summary/stats: {str(o)[:200]}")
        if run:
            last = json.loads(raw[-1])
            if last.get("type") != "summary":
                raise Fail("the last line is not the summary")
        for want in expects:
            kind, cu, sev, ip, port = want.split(":", 4)
            for e in events:
                dst = e.get("dst_endpoint") or {}
                if ((e.get("unmapped") or {}).get("kind") == kind
                        and e["class_uid"] == int(cu) and e["severity_id"] == int(sev)
                        and (ip == "-" or dst.get("ip") == ip)
                        and (port == "-" or dst.get("port") == int(port))):
                    break
            else:
                raise Fail(f"no event {want}; have: "
                           + ", ".join(f"{(e.get('unmapped') or {}).get('kind')}:"
                                       f"{e['class_uid']}:{e['severity_id']}:"
                                       f"{(e.get('dst_endpoint') or {}).get('ip')}:"
                                       f"{(e.get('dst_endpoint') or {}).get('port')}"
                                       for e in events))
    except Fail as e:
        print(f"check_ocsf: {e}")
        return 1
    except OSError as e:
        print(f"check_ocsf: {path}: {e.strerror}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
