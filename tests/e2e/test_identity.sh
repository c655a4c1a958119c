#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Process identity (README): a process is its thread group (tgid +
# start time). A thread other than the leader doing the lookup, another
# doing the connect, and a process that looks up then exec()s another
# program (new comm and exe, same tgid and start time) must all be caught
# as one process.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup

# Threads: the lookup in one non-leader thread, the connect in another.
r=$LW_TMP/threads.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" -c '
import os, socket, threading
found = []
def lookup():
    found.append(socket.getaddrinfo("autodiscover.example.com", 443, socket.AF_INET)[0][4])
def connect():
    s = socket.socket()
    try:
        s.connect(("133.242.1.10", 993))
    except OSError:
        pass
for f in (lookup, connect):
    t = threading.Thread(target=f)
    t.start()
    t.join()
print("pid", os.getpid(), "threads done", found)
'
pid=$(sed -n 's/^pid \([0-9]*\) threads done.*/\1/p' "$LW_OUT")
lw_begin identity-threads-one-process
lw_expect_rc 3
[ -n "$pid" ] || _lw_because "no pid printed"
lw_expect "$r" has-name --pid "${pid:-0}" --name autodiscover.example.com
lw_expect "$r" has-verdict --pid "${pid:-0}" --kind follow-on --severity high --address 133.242.1.10 \
	--port 993 --via autodiscover.example.com
lw_end

# exec: python3 looks up the reserved name, then becomes tcp-connect,
# which connects: same tgid, same start time, so still tainted.
r=$LW_TMP/exec.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" -c '
import os, socket, sys
socket.getaddrinfo("autodiscover.example.com", 443, socket.AF_INET)
print("pid", os.getpid(), flush=True)
os.execv(sys.argv[1], [sys.argv[1], "133.242.1.10", "993"])
' "$LW_HELPERS/tcp-connect"
pid=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$LW_OUT")
lw_begin identity-exec-keeps-taint
lw_expect_rc 3
[ -n "$pid" ] || _lw_because "no pid printed"
lw_expect "$r" has-verdict --pid "${pid:-0}" --kind follow-on --address 133.242.1.10 --port 993 \
	--via autodiscover.example.com
lw_end
