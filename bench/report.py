#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""leakwatch benchmark report: reads bench/run.sh's raw results and prints
the tables (paired median ratios to no sensor, A/A control, floor-relative
and peer-relative costs, the performance budget's targets, sensor resources,
per-program run time, throughput, memory).

    bench/report.py RESULTS_DIR [--markdown]

Paired: in each round every condition ran every workload; a round's ratio
is its time over the same round's no-sensor time, and the table shows the
median over rounds with a bootstrap 95 % interval of that median.
Python standard library only.
"""
import csv
import os
import random
import statistics
import sys

CONDS = ["none2", "floor", "lw", "lw_taint", "lw_run", "bt_count", "bt_print"]
LABEL = {
    "none": "none",
    "none2": "A/A",
    "floor": "floor",
    "lw": "lw",
    "lw_taint": "lw-taint",
    "lw_run": "lw-run (other)",
    "bt_count": "bt-count",
    "bt_print": "bt-print",
}
WORKLOADS = [
    "getppid", "tcp_connect", "udp_sendto", "udp_send", "dns_sendto", "dns_sendmmsg",
    "resolve_connect", "tcp_stream64", "tcp_stream64k", "connect_global", "fork",
]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def boot_ci(xs, n=1000, seed=1):
    """95 % bootstrap interval of the median of xs."""
    if len(xs) < 3:
        return (float("nan"), float("nan"))
    rnd = random.Random(seed)
    meds = sorted(statistics.median(rnd.choices(xs, k=len(xs))) for _ in range(n))
    return meds[int(0.025 * n)], meds[int(0.975 * n) - 1]


class Samples:
    """Samples taken while foreign programs were attached at the cgroup
    root (another sensor on the host) are left out when at least MIN_CLEAN
    clean pairs remain; otherwise all are used and the ratio is starred."""

    MIN_CLEAN = 5

    def __init__(self, rows):
        self.t = {}  # (round, cond, workload) -> ns/op
        self.dirty = set()
        self.starred = set()
        for r in rows:
            v = num(r["ns_per_op"])
            if v and v > 0:
                k = (r["round"], r["cond"], r["workload"])
                self.t[k] = v
                if (num(r.get("foreign")) or 0) > 0:
                    self.dirty.add(k)
        self.rounds = sorted({k[0] for k in self.t}, key=int)
        self.conds = {k[1] for k in self.t}

    def paired(self, cond, base, w):
        out, clean = [], []
        for r in self.rounds:
            a, b = self.t.get((r, cond, w)), self.t.get((r, base, w))
            if a and b:
                out.append(a / b)
                if (r, cond, w) not in self.dirty and (r, base, w) not in self.dirty:
                    clean.append(a / b)
        if len(clean) >= self.MIN_CLEAN or len(clean) == len(out):
            return clean
        self.starred.add((cond, base, w))
        return out

    def ratio(self, cond, base, w):
        xs = self.paired(cond, base, w)
        if not xs:
            return None
        return statistics.median(xs), boot_ci(xs), len(xs), (cond, base, w) in self.starred

    def base_ns(self, w):
        xs = [self.t[(r, "none", w)] for r in self.rounds if (r, "none", w) in self.t]
        return statistics.median(xs) if xs else None


def fmt_r(x):
    return "-" if x is None else f"{x[0]:.3f}" + ("*" if x[3] else "")


def fmt_ci(x):
    if x is None:
        return "-"
    lo, hi = x[1]
    return f"{x[0]:.3f} [{lo:.3f},{hi:.3f}]" + ("*" if x[3] else "")


def table(head, rows, md):
    if md:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows)]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    md = "--markdown" in sys.argv[2:]
    s = Samples(read_tsv(os.path.join(d, "samples.tsv")))
    if not s.rounds or "none" not in s.conds:
        print("report: no samples", file=sys.stderr)
        return 1
    info = {}
    for line in open(os.path.join(d, "info.tsv")) if os.path.exists(os.path.join(d, "info.tsv")) else []:
        k, _, v = line.rstrip("\n").partition("\t")
        info[k] = v
    out = []
    p = out.append
    p("leakwatch benchmarks")
    for k in ("machine", "mem_mb", "rounds", "time_ms", "pinning", "leakwatch", "dns_backends", "bpftrace", "date"):
        if k in info:
            p(f"  {k}: {info[k]}")
    if os.path.exists(os.path.join(d, "failed.tsv")):
        for line in open(os.path.join(d, "failed.tsv")):
            p("  condition skipped: " + line.strip().replace("\t", ": "))
    conds = [c for c in CONDS if c in s.conds]
    p(f"  samples: {len(s.t)}, taken with foreign programs attached at the cgroup root: {len(s.dirty)}"
      " (left out; * = too few clean pairs, all used)")
    if "bt_count" not in s.conds:
        p("  bt-count / bt-print: not run (" + info.get("bpftrace", "bpftrace unavailable") + ")")

    # 1. ratios to no sensor
    p("")
    p("1. Paired median ratio to no sensor (ns/op of none in column 2; A/A = second no-sensor control)")
    head = ["workload", "none ns/op"] + [LABEL[c] for c in conds]
    rows = []
    R = {}
    for w in WORKLOADS:
        b = s.base_ns(w)
        if b is None:
            continue
        row = [w, f"{b:.0f}"]
        for c in conds:
            R[(c, w)] = s.ratio(c, "none", w)
            row.append(fmt_r(R[(c, w)]))
        rows.append(row)
    p(table(head, rows, md))

    # 2. the comparisons the targets use, with intervals
    p("")
    p("2. Derived paired ratios, median [95 % bootstrap CI]")
    head = ["workload", "lw / none", "lw / floor", "lw-taint / lw", "A/A"]
    have_bt = "bt_count" in s.conds
    if have_bt:
        head.append("lw ovh / bt-count ovh")
    rows = []
    D = {}
    for w in WORKLOADS:
        if s.base_ns(w) is None:
            continue
        D[("lw_floor", w)] = s.ratio("lw", "floor", w)
        D[("taint_lw", w)] = s.ratio("lw_taint", "lw", w)
        row = [w, fmt_ci(R.get(("lw", w))), fmt_ci(D[("lw_floor", w)]),
               fmt_ci(D[("taint_lw", w)]), fmt_ci(R.get(("none2", w)))]
        if have_bt:
            lw, bt = R.get(("lw", w)), R.get(("bt_count", w))
            if lw and bt and bt[0] - 1 > 0.005:
                D[("vs_bt", w)] = (lw[0] - 1) / (bt[0] - 1)
                row.append(f"{D[('vs_bt', w)]:.2f}")
            else:
                D[("vs_bt", w)] = None
                row.append("bt within noise")
        rows.append(row)
    p(table(head, rows, md))

    # 3. sensor resources
    meta = read_tsv(os.path.join(d, "meta.tsv"))
    p("")
    p("3. Sensor resources per condition (medians over rounds; CPU = user+sys of the loader over its life)")
    head = ["condition", "start ms", "CPU ms", "wall ms", "CPU %", "peak RSS KiB", "events lost (sum)", "rounds"]
    rows = []
    res = {}
    for c in ["floor", "lw", "lw_taint", "bt_count", "bt_print"]:
        ms = [m for m in meta if m["cond"] == c]
        if not ms:
            continue
        med = lambda k: statistics.median([num(m[k]) for m in ms if num(m[k]) is not None] or [float("nan")])
        mx = lambda k: max([num(m[k]) for m in ms if num(m[k]) is not None] or [float("nan")])
        lost = [num(m["events_lost"]) for m in ms if num(m["events_lost"]) is not None]
        cpu, wall = med("cpu_ms"), med("wall_ms")
        res[c] = {"start": med("start_ms"), "start_max": mx("start_ms"), "rss_max": mx("rss_kb")}
        rows.append([LABEL[c], f"{med('start_ms'):.0f} (max {mx('start_ms'):.0f})", f"{cpu:.0f}",
                     f"{wall:.0f}", f"{100 * cpu / wall:.1f}" if wall else "-",
                     f"{med('rss_kb'):.0f} (max {mx('rss_kb'):.0f})",
                     f"{sum(lost):.0f}" if lost else "-", len(ms)])
    p(table(head, rows, md))

    # 4. per-program run time
    ps = read_tsv(os.path.join(d, "progstats.tsv"))
    if ps:
        p("")
        p("4. Per-program run time (kernel.bpf_stats_enabled=1, one run per workload, outside the timed rounds)")
        head = ["sensor", "workload", "program", "runs/op", "ns/run", "ns/op"]
        rows = []
        for r in ps:
            npr, rpo = num(r["ns_per_run"]), num(r["runs_per_op"])
            rows.append([LABEL.get(r["cond"], r["cond"]), r["workload"], r["prog"], f"{rpo:.2f}",
                         f"{npr:.1f}", f"{npr * rpo:.1f}"])
        p(table(head, rows, md))

    # 5. throughput
    tp = read_tsv(os.path.join(d, "throughput.tsv"))
    best = {}
    if tp:
        p("")
        p("5. Throughput: one workload paced at a target rate, a fresh daemon each step")
        head = ["test", "target/s", "achieved/s", "ops", "events lost", "ringbuf full", "kernel/daemon count", "daemon alive"]
        rows = []
        for r in tp:
            rows.append([r["test"], r["target_rate"], r["achieved_rate"], r["ops"], r["events_lost"],
                         r["ringbuf_full"], r["kernel_count"], r["daemon_alive"]])
            a = num(r["achieved_rate"])
            if num(r["events_lost"]) == 0 and a and r["daemon_alive"] == "yes":
                best[r["test"]] = max(best.get(r["test"], 0), a)
        p(table(head, rows, md))
        for t, v in best.items():
            p(f"  highest rate with zero lost events: {t}: {v:.0f}/s")

    # 6. memory
    mem = read_tsv(os.path.join(d, "memory.tsv"))
    if mem:
        p("")
        p("6. Memory of the daemon")
        head = ["state", "RSS KiB", "peak RSS KiB", "BPF map bytes", "events lost", "note"]
        p(table(head, [[r["state"], r["rss_kb"], r["hwm_kb"], r["bpf_map_bytes"], r["events_lost"], r["note"]]
                       for r in mem], md))

    # 7. targets
    p("")
    p("7. Targets (the performance budget, skb backend; the only DNS backend this kernel allows)")
    rows = []

    def target(name, val, limit, ok, note=""):
        rows.append([name, "-" if val is None else val, limit,
                     "n/a" if ok is None else ("met" if ok else "MISSED"), note])

    def rr(c, w, key=None):
        x = D.get((key, w)) if key else R.get((c, w))
        return x[0] if x else None

    g = rr("lw", "getppid")
    target("unrelated syscall (getppid)", f"{g:.3f}" if g else None, "<= 1.01", None if g is None else g <= 1.01)
    for w, lim in (("tcp_stream64", 1.06), ("tcp_connect", 1.05), ("udp_sendto", 1.15)):
        v = rr("lw", w)
        target(f"{w} lw/none", f"{v:.3f}" if v else None, f"<= {lim}", None if v is None else v <= lim)
        f = rr(None, w, "lw_floor")
        target(f"{w} lw/floor", f"{f:.3f}" if f else None, "<= 1.01", None if f is None else f <= 1.01)
    for w in ("udp_send", "tcp_stream64k"):
        f = rr(None, w, "lw_floor")
        target(f"{w} lw/floor", f"{f:.3f}" if f else None, "<= 1.01", None if f is None else f <= 1.01)
    for w in ("dns_sendto", "dns_sendmmsg"):
        v = rr("lw", w)
        target(f"DNS flood {w}, every query inspected", f"{v:.3f}" if v else None, "<= 1.25",
               None if v is None else v <= 1.25)
    dns_best = best.get("dns_reserved")
    tp200 = [r for r in tp if r["test"] == "dns_reserved" and r["target_rate"] == "200000"]
    if tp200:
        r = tp200[0]
        target("no lost events at 200k reserved queries/s", f"lost {r['events_lost']} at {r['achieved_rate']}/s",
               "0 lost", num(r["events_lost"]) == 0 and (num(r["achieved_rate"]) or 0) >= 190000,
               f"zero-loss max {dns_best:.0f}/s" if dns_best else "")
    for w in WORKLOADS:
        v = rr(None, w, "taint_lw")
        if v is not None:
            target(f"tainted/untainted {w}", f"{v:.3f}", "<= 1.05", v <= 1.05)
    if have_bt:
        for w in WORKLOADS:
            x = D.get(("vs_bt", w))
            lw = R.get(("lw", w))
            if x is None and lw:
                target(f"<= half bt-count overhead: {w}", f"lw {lw[0]:.3f}, bt within noise", "<= 0.5", None)
            elif x is not None:
                target(f"<= half bt-count overhead: {w}", f"{x:.2f}", "<= 0.5", x <= 0.5)
    else:
        target("<= half bt-count overhead", None, "<= 0.5", None, info.get("bpftrace", "bpftrace unavailable"))
    rss = [res[c]["rss_max"] for c in ("lw", "lw_taint") if c in res]
    for r in mem:
        for k in ("rss_kb", "hwm_kb"):
            if num(r[k]):
                rss.append(num(r[k]))
    if rss:
        target("loader RSS (max seen)", f"{max(rss) / 1024:.1f} MiB", "<= 32 MiB", max(rss) <= 32 * 1024)
    if "lw" in res:
        st = [res[c]["start_max"] for c in ("lw", "lw_taint") if c in res]
        target("start: load + attach (max seen)", f"{max(st):.0f} ms (median {res['lw']['start']:.0f})",
               "<= 1000 ms", max(st) <= 1000)
    p(table(["target", "measured", "limit", "status", "note"], rows, md))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
