#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Check leakwatch run's CI outputs (tests/e2e/test_ci_output.sh).

Usage: check_ci.py QUERY FILE [OPTIONS]   (exit 0, or 1 with one reason)

  annotations STDOUT  every line that starts with "::" is a well-formed
                      ::error/::warning workflow command with a title=
                      property (no raw ':' ',' in it, no raw CR anywhere),
                      decoded as GitHub's runner decodes it.
                      [--errors N] [--warnings N] [--contains TEXT]...
                      [--after TEXT: the first command comes after the line
                      with TEXT] [--verdicts-of REPORT: errors + warnings ==
                      the verdicts in that JSON-lines report]
  summary FILE        Markdown step summary: every table line has exactly 6
                      unescaped '|', no raw '<' or '>' anywhere.
                      [--tables N] [--rows N] [--contains TEXT]...
  junit FILE          JUnit XML: parses; [--testcases N] (classname
                      leakwatch.process) [--failures N] [--property K=V]...
                      [--contains TEXT]... (in a failure or system-out)
Standard library only.
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET


class Fail(Exception):
    pass


def unescape(s, prop):
    # The runner's order: %0D %0A (and in properties %3A %2C), then %25.
    s = s.replace("%0D", "\r").replace("%0A", "\n")
    if prop:
        s = s.replace("%3A", ":").replace("%2C", ",")
    return s.replace("%25", "%")


COMMAND = re.compile(r"^::(error|warning) title=([^:,]*)::(.*)$")


def annotations(a):
    with open(a.file, "rb") as f:
        raw = f.read()
    if b"\r" in raw:
        raise Fail("a raw CR on stdout (it would split a workflow command)")
    lines = raw.decode("utf-8", errors="replace").split("\n")
    found, after_seen, first_cmd = [], a.after is None, None
    for n, line in enumerate(lines, 1):
        if a.after is not None and a.after in line and first_cmd is None:
            after_seen = True
        if not line.startswith("::"):
            continue
        m = COMMAND.match(line)
        if not m:
            raise Fail(f"line {n} starts with '::' but is not ::error/::warning title=...: "
                       f"{line[:120]!r}")
        if first_cmd is None:
            first_cmd = n
            if not after_seen:
                raise Fail(f"a workflow command (line {n}) before the line with {a.after!r}")
        found.append((m.group(1), unescape(m.group(2), True), unescape(m.group(3), False)))
    errors = sum(1 for k, _, _ in found if k == "error")
    warnings = len(found) - errors
    if a.errors is not None and errors != a.errors:
        raise Fail(f"{errors} ::error lines, expected {a.errors}")
    if a.warnings is not None and warnings != a.warnings:
        raise Fail(f"{warnings} ::warning lines, expected {a.warnings}")
    for _, title, msg in found:
        if not title.startswith("leakwatch: "):
            raise Fail(f"title {title!r}")
        if "to allow: add `" not in msg and "no config line can allow it" not in msg:
            raise Fail(f"a message without what to do: {msg[:200]!r}")
        if "process: " not in msg:
            raise Fail(f"a message without the process: {msg[:200]!r}")
    for text in a.contains or []:
        if not any(text in t or text in m for _, t, m in found):
            raise Fail(f"no workflow command says {text!r}")
    if a.verdicts_of:
        n = 0
        with open(a.verdicts_of) as f:
            for line in f:
                o = json.loads(line)
                if o.get("type") == "report":
                    n += len(o["verdicts"])
        if n != len(found):
            raise Fail(f"{len(found)} workflow commands for {n} verdicts")


def unescaped_pipes(line):
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == "|"
        i += 1
    return count


def summary(a):
    with open(a.file, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if "<" in text or ">" in text:
        raise Fail("a raw '<' or '>' in the summary (HTML from a watched process?)")
    tables = rows = 0
    for n, line in enumerate(text.split("\n"), 1):
        if not line.startswith("|"):
            continue
        if unescaped_pipes(line) != 6:
            raise Fail(f"line {n}: {unescaped_pipes(line)} cell separators, not 6: {line[:160]!r}")
        if line.startswith("| verdict |"):
            tables += 1
        elif not line.startswith("| ---"):
            rows += 1
    if a.tables is not None and tables != a.tables:
        raise Fail(f"{tables} tables, expected {a.tables}")
    if a.rows is not None and rows != a.rows:
        raise Fail(f"{rows} table rows, expected {a.rows}")
    for t in a.contains or []:
        if t not in text:
            raise Fail(f"the summary lacks {t!r}")


def junit(a):
    try:
        root = ET.parse(a.file).getroot()
    except ET.ParseError as e:
        raise Fail(f"not XML: {e}")
    cases = [c for c in root.iter("testcase") if c.get("classname") == "leakwatch.process"]
    failures = [f for f in root.iter("failure")]
    if a.testcases is not None and len(cases) != a.testcases:
        raise Fail(f"{len(cases)} process testcases, expected {a.testcases}")
    if a.failures is not None and len(failures) != a.failures:
        raise Fail(f"{len(failures)} failures, expected {a.failures}")
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    for kv in a.property or []:
        k, v = kv.split("=", 1)
        if props.get(k) != v:
            raise Fail(f"property {k} is {props.get(k)!r}, expected {v!r}")
    texts = [(f.get("message") or "") + (f.text or "") for f in failures]
    texts += [o.text or "" for o in root.iter("system-out")]
    for t in a.contains or []:
        if not any(t in x for x in texts):
            raise Fail(f"no failure or system-out says {t!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("query", choices=("annotations", "summary", "junit"))
    ap.add_argument("file")
    ap.add_argument("--errors", type=int)
    ap.add_argument("--warnings", type=int)
    ap.add_argument("--contains", action="append")
    ap.add_argument("--after")
    ap.add_argument("--verdicts-of")
    ap.add_argument("--tables", type=int)
    ap.add_argument("--rows", type=int)
    ap.add_argument("--testcases", type=int)
    ap.add_argument("--failures", type=int)
    ap.add_argument("--property", action="append")
    a = ap.parse_args()
    try:
        {"annotations": annotations, "summary": summary, "junit": junit}[a.query](a)
    except (Fail, OSError) as e:
        print(f"{a.query}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
