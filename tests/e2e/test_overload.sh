#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Overload: an event storm past a deliberately small ring buffer while the
# reader is frozen (SIGSTOP; the reader woken as the ring fills otherwise
# keeps up with it). Nothing may crash or stall the watched program, and
# the loss must be counted exactly: events delivered + events lost = events produced, for a
# workload whose event count we know (tests/e2e/storm.py). Reports then
# say they may be incomplete.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup

n=20000
# python3's getaddrinfo(AF_INET): one A query and its response on the wire,
# one libc lookup event (the getaddrinfo uprobe); one exit event; n connects.
produced=$((n + 4))
r=$LW_TMP/storm.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" --ringbuf-size 16K -- \
	"$LW_PY" "$LW_E2E/storm.py" leak.example.net 443 "$n" --freeze-reader
lw_begin overload-storm-counted-exactly
lw_expect_rc 3
lw_expect_out "storm: $n connects"
lw_expect "$r" valid
"$LW_PY" - "$r" "$produced" <<'PY' || _lw_because "delivered + lost != produced"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s = lines[-1]
delivered = s["userspace"]["events"]
lost = s["kernel"]["ringbuf_full"]
produced = int(sys.argv[2])
print(f"  delivered {delivered} + lost {lost} = {delivered + lost}, produced {produced}")
ok = delivered + lost == produced and lost > 0 and s["events_lost"] >= lost
ok = ok and not s["complete"]
ok = ok and all(o["complete"] is False for o in lines if o["type"] == "report")
sys.exit(0 if ok else 1)
PY
lw_expect_true "the text report says it may be incomplete" grep -q 'may be incomplete' "$LW_ERR"
lw_end

# The same storm with the default buffer: nothing lost.
r=$LW_TMP/storm-default.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/storm.py" leak.example.net 443 2000
lw_begin overload-default-buffer-nothing-lost
lw_expect_rc 3
lw_expect "$r" summary --events-lost 0
lw_expect "$r" has-verdict --comm python3 --kind direct --address 198.18.0.7 --port 443
lw_end
