#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Answer questions about a leakwatch JSON-lines report (README "The report").

Usage: check_report.py REPORT QUERY [OPTIONS]

Queries (exit 0 when the answer is yes, 1 with a one-line reason when not,
2 on a usage error):
  valid        every line is a UTF-8 JSON object with a string "type"; report
               lines have the §6 fields; the last line is the summary
  no-leak      no verdict anywhere, no report with "leak": true, summary
               leaks == 0 (with --comm: only that process's reports)
  has-verdict  a report (or --type event line) of --comm/--pid has a verdict
               of --kind [--severity] [--name RESERVED] [--address] [--port];
               --proto/--dest-name/--via/--blocked/--global also require the
               matching destinations[] entry to say so
  no-verdict   the process has no verdict [of --kind] [--name RESERVED]
  has-name     names[] of the process has --name [--source] [--family]
               [--suffix] [--qtype] [--answer ADDR] [--resolver ADDR:PORT]
               [--allowed true|false] (names[].allowed, absent: false)
  (has-verdict --kind payload also takes --verb and --tls; --payload TOKEN
  requires the destinations[] entry to have received it)
  has-dest     destinations[] of the process has --address [--port] [--proto]
               [--dest-name] [--via] [--verdict KIND|null] [--blocked]
  has-report   there is a report line for the process [--leak true|false]
  summary      the summary line has [--leaks N] [--events-lost N]
               [--processes-min N] [--complete true|false]
               [--incomplete-has TEXT] (an "incomplete" reason containing
               TEXT) [--followed KEY=MIN] (summary.followed.KEY >= MIN)
  show         print every line, pretty (for people)
  get          print destinations[].name for --address (and --comm)

Process selection: --comm X matches process.comm exactly (or as the
15-character prefix the kernel keeps); --pid N; --container-id ID
(process.container_id, "null" for none); none of them: any process.
Standard library only, for Debian's /usr/bin/python3.
"""
import argparse
import json
import sys

REPORT_FIELDS = ("time", "process", "names", "destinations", "verdicts", "leak")
PROCESS_FIELDS = ("pid", "ppid", "uid", "comm", "exe", "cmdline", "cgroup",
                  "container_id", "pod_uid")
KINDS = ("direct", "follow-on", "resolver", "answer", "payload")
SEVERITIES = ("low", "medium", "high")


class Fail(Exception):
    pass


def load(path, strict=False):
    """Return the list of parsed lines; raise Fail on the first bad one."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Fail(f"cannot read report {path}: {e.strerror}")
    if not data:
        raise Fail(f"report {path} is empty")
    if strict and not data.endswith(b"\n"):
        raise Fail("the last line has no newline")
    lines = []
    for n, raw in enumerate(data.split(b"\n")[:-1] if data.endswith(b"\n")
                            else data.split(b"\n"), 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Fail(f"line {n}: not UTF-8 ({e.reason} at byte {e.start})")
        if not text.strip():
            raise Fail(f"line {n}: empty line")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise Fail(f"line {n}: not JSON ({e.msg} at column {e.colno})")
        if not isinstance(obj, dict):
            raise Fail(f"line {n}: not a JSON object")
        if not isinstance(obj.get("type"), str):
            raise Fail(f"line {n}: no string \"type\"")
        obj["_line"] = n
        lines.append(obj)
    return lines


def check_valid(lines):
    for o in lines:
        n = o["_line"]
        if o["type"] == "report":
            for k in REPORT_FIELDS:
                if k not in o:
                    raise Fail(f"line {n}: report without \"{k}\"")
            p = o["process"]
            if not isinstance(p, dict):
                raise Fail(f"line {n}: process is not an object")
            for k in PROCESS_FIELDS:
                if k not in p:
                    raise Fail(f"line {n}: process without \"{k}\"")
            for k in ("names", "destinations", "verdicts"):
                if not isinstance(o[k], list):
                    raise Fail(f"line {n}: {k} is not a list")
            for nm in o["names"]:
                if nm.get("source") not in ("dns", "libc"):
                    raise Fail(f"line {n}: names[].source {nm.get('source')!r}")
            for d in o["destinations"]:
                if d.get("proto") not in ("tcp", "udp"):
                    raise Fail(f"line {n}: destinations[].proto {d.get('proto')!r}")
                if d.get("verdict") not in KINDS + (None,):
                    raise Fail(f"line {n}: destinations[].verdict {d.get('verdict')!r}")
            for v in o["verdicts"]:
                if v.get("kind") not in KINDS:
                    raise Fail(f"line {n}: verdicts[].kind {v.get('kind')!r}")
                if v.get("severity") not in SEVERITIES:
                    raise Fail(f"line {n}: verdicts[].severity {v.get('severity')!r}")
            if not isinstance(o["leak"], bool):
                raise Fail(f"line {n}: leak is not a boolean")
            if o["leak"] != bool(o["verdicts"]):
                raise Fail(f"line {n}: leak is {o['leak']} with {len(o['verdicts'])} verdicts")
        elif o["type"] == "summary":
            for k in ("processes", "leaks", "events_lost"):
                if not isinstance(o.get(k), int):
                    raise Fail(f"line {n}: summary without integer \"{k}\"")
    if lines[-1]["type"] != "summary":
        raise Fail(f"the last line is a {lines[-1]['type']!r}, not the summary")
    if sum(1 for o in lines if o["type"] == "summary") != 1:
        raise Fail("more than one summary line")


def proc_matches(o, a):
    p = o.get("process") or {}
    if a.pid is not None and p.get("pid") != a.pid:
        return False
    if a.container_id is not None:
        want = None if a.container_id == "null" else a.container_id
        if p.get("container_id", "<absent>") != want:
            return False
    if a.comm is not None:
        c = p.get("comm")
        if not isinstance(c, str):
            return False
        if c != a.comm and not (len(c) == 15 and a.comm.startswith(c)):
            return False
    return True


def who(a):
    parts = []
    if a.comm is not None:
        parts.append(f"comm {a.comm}")
    if a.pid is not None:
        parts.append(f"pid {a.pid}")
    if a.container_id is not None:
        parts.append(f"container_id {a.container_id}")
    return " ".join(parts) or "any process"


def selected(lines, a, types=("report",)):
    return [o for o in lines if o["type"] in types and proc_matches(o, a)]


def brief(o):
    """A short description of what a line has, for failure messages."""
    p = o.get("process") or {}
    cid = p.get("container_id")
    vs = ",".join(f"{v.get('kind')}/{v.get('severity')}@{v.get('address')}:{v.get('port')}"
                  for v in o.get("verdicts") or ([o["verdict"]] if o.get("verdict") else []))
    return (f"{p.get('comm')}[{p.get('pid')}]"
            + (f" container_id={cid[:12]}" if isinstance(cid, str) else "")
            + f" verdicts={vs or 'none'}")


def same_addr(x, y):
    return isinstance(x, str) and x.lower() == y.lower()


def verdict_ok(v, a):
    if a.kind is not None and v.get("kind") != a.kind:
        return False
    if a.severity is not None and v.get("severity") != a.severity:
        return False
    if a.name is not None and v.get("name") != a.name:
        return False
    if a.address is not None and not same_addr(v.get("address"), a.address):
        return False
    if a.port is not None and v.get("port") != a.port:
        return False
    if a.verb is not None and v.get("verb") != a.verb:
        return False
    if a.tls is not None and v.get("tls") is not want_bool(a.tls):
        return False
    return True


def want_bool(text):
    return {"true": True, "false": False}[text]


def dest_ok(d, a, verdict=None):
    if a.address is not None and not same_addr(d.get("address"), a.address):
        return False
    if a.port is not None and d.get("port") != a.port:
        return False
    if a.proto is not None and d.get("proto") != a.proto:
        return False
    if a.dest_name is not None and d.get("name") != a.dest_name:
        return False
    if a.via is not None and d.get("via") != a.via:
        return False
    if a.blocked is not None and d.get("blocked") is not want_bool(a.blocked):
        return False
    if a.is_global is not None and d.get("global") is not want_bool(a.is_global):
        return False
    if a.payload is not None and d.get("payload") != a.payload:
        return False
    want = verdict if verdict is not None else a.verdict
    if want is not None:
        if want == "null":
            if d.get("verdict") is not None:
                return False
        elif d.get("verdict") != want:
            return False
    if a.severity is not None and verdict is not None and d.get("severity") != a.severity:
        return False
    return True


def dest_options(a):
    return any(x is not None for x in (a.proto, a.dest_name, a.via, a.blocked, a.is_global,
                                       a.payload))


def q_has_verdict(lines, a):
    types = (a.type,) if a.type else ("report",)
    objs = selected(lines, a, types)
    if not objs:
        raise Fail(f"no {'/'.join(types)} line for {who(a)}"
                   f" (have: {', '.join(brief(o) for o in lines if 'process' in o) or 'none'})")
    for o in objs:
        vs = o.get("verdicts")
        if vs is None:
            vs = [o["verdict"]] if isinstance(o.get("verdict"), dict) else []
        for v in vs:
            if not verdict_ok(v, a):
                continue
            if o["type"] == "report" and dest_options(a):
                if not any(dest_ok(d, a, verdict=v.get("kind")) for d in o["destinations"]):
                    continue
            return
    want = " ".join(f"{k}={getattr(a, k)}" for k in
                    ("kind", "severity", "name", "address", "port", "proto", "dest_name",
                     "via", "blocked") if getattr(a, k) is not None)
    raise Fail(f"no verdict {want} for {who(a)}; have: "
               + "; ".join(brief(o) for o in objs)
               + ("; destinations: " + json.dumps([d for o in objs for d in
                                                   o.get("destinations", [])])
                  if dest_options(a) else ""))


def q_no_verdict(lines, a):
    for o in selected(lines, a, ("report", "event")):
        vs = o.get("verdicts") or ([o["verdict"]] if isinstance(o.get("verdict"), dict) else [])
        for v in vs:
            if a.name is not None and v.get("name") != a.name:
                continue
            if a.kind is None or v.get("kind") == a.kind:
                raise Fail(f"line {o['_line']}: unexpected verdict {json.dumps(v)} for "
                           f"{(o.get('process') or {}).get('comm')}")


def q_no_leak(lines, a):
    q_no_verdict(lines, a)
    for o in selected(lines, a, ("report",)):
        if o.get("leak") is not False:
            raise Fail(f"line {o['_line']}: leak is {o.get('leak')!r}")
        for d in o.get("destinations", []):
            if d.get("verdict") is not None:
                raise Fail(f"line {o['_line']}: destination with verdict {json.dumps(d)}")
    if a.comm is None and a.pid is None:
        s = [o for o in lines if o["type"] == "summary"]
        if s and s[-1].get("leaks") != 0:
            raise Fail(f"summary says leaks={s[-1].get('leaks')}")


def q_has_name(lines, a):
    if a.name is None:
        raise Fail("has-name needs --name")
    objs = selected(lines, a)
    if not objs:
        raise Fail(f"no report for {who(a)}")
    seen = []
    for o in objs:
        for nm in o.get("names", []):
            seen.append(f"{nm.get('name')}/{nm.get('source')}->{nm.get('answers')}")
            if nm.get("name") != a.name and not (
                    isinstance(nm.get("name"), str)
                    and nm["name"].rstrip(".").lower() == a.name.rstrip(".").lower()):
                continue
            if a.source is not None and nm.get("source") != a.source:
                continue
            if a.family is not None and nm.get("family") != a.family:
                continue
            if a.suffix is not None and nm.get("suffix") != a.suffix:
                continue
            if a.qtype is not None and nm.get("qtype") != a.qtype:
                continue
            if a.answer is not None and not any(same_addr(x, a.answer)
                                                for x in nm.get("answers") or []):
                continue
            if a.resolver is not None and nm.get("resolver") != a.resolver:
                continue
            if a.allowed is not None and bool(nm.get("allowed")) is not want_bool(a.allowed):
                continue
            return
    raise Fail(f"names[] of {who(a)} has no {a.name}"
               + (f" source={a.source}" if a.source else "")
               + (f" answer={a.answer}" if a.answer else "")
               + (f" resolver={a.resolver}" if a.resolver else "")
               + (f" allowed={a.allowed}" if a.allowed else "")
               + f"; have: {', '.join(seen) or 'none'}")


def q_has_dest(lines, a):
    objs = selected(lines, a)
    if not objs:
        raise Fail(f"no report for {who(a)}")
    for o in objs:
        if any(dest_ok(d, a) for d in o.get("destinations", [])):
            return
    raise Fail(f"no such destination for {who(a)}; have: "
               + json.dumps([d for o in objs for d in o.get("destinations", [])]))


def q_has_report(lines, a):
    objs = selected(lines, a)
    if not objs:
        raise Fail(f"no report for {who(a)}; have: "
                   + ", ".join(brief(o) for o in lines if o["type"] == "report"))
    if a.leak is not None and not any(o.get("leak") is want_bool(a.leak) for o in objs):
        raise Fail(f"no report for {who(a)} with leak={a.leak}")


def q_summary(lines, a):
    s = [o for o in lines if o["type"] == "summary"]
    if not s:
        raise Fail("no summary line")
    s = s[-1]
    if a.leaks is not None and s.get("leaks") != a.leaks:
        raise Fail(f"summary leaks={s.get('leaks')}, expected {a.leaks}")
    if a.events_lost is not None and s.get("events_lost") != a.events_lost:
        raise Fail(f"summary events_lost={s.get('events_lost')}, expected {a.events_lost}")
    if a.processes_min is not None and (s.get("processes") or 0) < a.processes_min:
        raise Fail(f"summary processes={s.get('processes')}, expected >= {a.processes_min}")
    if a.complete is not None and s.get("complete") is not want_bool(a.complete):
        raise Fail(f"summary complete={json.dumps(s.get('complete'))}, expected {a.complete}"
                   f" (incomplete: {json.dumps(s.get('incomplete'))})")
    if a.incomplete_has is not None:
        reasons = s.get("incomplete")
        if not isinstance(reasons, list) or not any(
                a.incomplete_has in (r if isinstance(r, str) else json.dumps(r))
                for r in reasons):
            raise Fail(f"summary incomplete={json.dumps(reasons)} has no reason with "
                       f"{a.incomplete_has!r}")
    for f in a.followed or []:
        key, _, low = f.partition("=")
        got = (s.get("followed") or {}).get(key) if isinstance(s.get("followed"), dict) else None
        if not isinstance(got, int) or got < int(low or 1):
            raise Fail(f"summary followed={json.dumps(s.get('followed'))}: "
                       f"{key} is {got!r}, expected >= {low or 1}")


def q_show(lines, a):
    for o in lines:
        o = dict(o)
        del o["_line"]
        print(json.dumps(o, indent=2, ensure_ascii=False))


def q_get(lines, a):
    for o in selected(lines, a):
        for d in o.get("destinations", []):
            if a.address is None or same_addr(d.get("address"), a.address):
                print(d.get("name"))
                return
    raise Fail(f"no destination {a.address} for {who(a)}")


QUERIES = {
    "valid": lambda lines, a: check_valid(lines),
    "no-leak": q_no_leak,
    "has-verdict": q_has_verdict,
    "no-verdict": q_no_verdict,
    "has-name": q_has_name,
    "has-dest": q_has_dest,
    "has-report": q_has_report,
    "summary": q_summary,
    "show": q_show,
    "get": q_get,
}


def main(argv):
    ap = argparse.ArgumentParser(prog="check_report.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report")
    ap.add_argument("query", choices=sorted(QUERIES))
    ap.add_argument("--comm")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--container-id")
    ap.add_argument("--type", choices=("report", "event"))
    ap.add_argument("--kind", choices=KINDS)
    ap.add_argument("--severity", choices=SEVERITIES)
    ap.add_argument("--name", help="the reserved name (verdicts[].name, names[].name)")
    ap.add_argument("--address")
    ap.add_argument("--port", type=int)
    ap.add_argument("--proto", choices=("tcp", "udp"))
    ap.add_argument("--dest-name", help="destinations[].name: the ordinary name")
    ap.add_argument("--via")
    ap.add_argument("--verdict", choices=KINDS + ("null",))
    ap.add_argument("--blocked", choices=("true", "false"))
    ap.add_argument("--global", dest="is_global", choices=("true", "false"))
    ap.add_argument("--verb", help="a payload verdict's verb (IMAP LOGIN, ...)")
    ap.add_argument("--tls", choices=("true", "false"), help="a payload verdict's tls")
    ap.add_argument("--payload", help="destinations[].payload: the identity it received")
    ap.add_argument("--source", choices=("dns", "libc"))
    ap.add_argument("--family")
    ap.add_argument("--suffix")
    ap.add_argument("--qtype")
    ap.add_argument("--answer")
    ap.add_argument("--resolver")
    ap.add_argument("--allowed", choices=("true", "false"))
    ap.add_argument("--leak", choices=("true", "false"))
    ap.add_argument("--leaks", type=int)
    ap.add_argument("--events-lost", type=int)
    ap.add_argument("--processes-min", type=int)
    ap.add_argument("--complete", choices=("true", "false"))
    ap.add_argument("--incomplete-has")
    ap.add_argument("--followed", action="append", metavar="KEY=MIN")
    a = ap.parse_args(argv)
    try:
        lines = load(a.report, strict=(a.query == "valid"))
        QUERIES[a.query](lines, a)
    except Fail as e:
        print(f"{a.query}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
