#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Make a tainted process's pid come back as an untainted process.

    pidreuse.py TCP-CONNECT RESERVED-NAME ADDRESS PORT

1. Runs `getent ahosts RESERVED-NAME` (it becomes tainted, opens a follow-on
   window, and exits); P is its pid.
2. Asks the kernel to hand out P again: writes P-1 to
   /proc/sys/kernel/ns_last_pid (root, init pid namespace) and forks, until
   the child gets P (other processes on the host may take it first; a
   bounded number of tries).
3. That child execs `TCP-CONNECT ADDRESS PORT`: a connect to a global
   address that is not in the reserved answer set, from a process that never
   resolved a reserved name but wears the tainted one's pid, inside its
   window. A sensor keying taint on the pid alone would call it follow-on.

Prints "pidreuse: reused pid P" or "pidreuse: pid P not reused" (then the
connect still runs from a fresh pid). Exit status: the connect helper's.
"""
import os
import subprocess
import sys


def main(argv):
    helper, name, addr, port = argv
    g = subprocess.Popen(["getent", "ahosts", name], stdout=subprocess.DEVNULL)
    g.wait()
    target = g.pid
    print(f"pidreuse: getent (pid {target}) resolved {name}, exit {g.returncode}", flush=True)
    for _ in range(2000):
        try:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(target - 1))
        except OSError as e:
            print(f"pidreuse: cannot set ns_last_pid: {e}", flush=True)
            break
        pid = os.fork()
        if pid == 0:
            if os.getpid() == target:
                os.execv(helper, [helper, addr, port])
            os._exit(99)
        _, status = os.waitpid(pid, 0)
        if pid == target:
            print(f"pidreuse: reused pid {target}", flush=True)
            return os.waitstatus_to_exitcode(status)
    print(f"pidreuse: pid {target} not reused", flush=True)
    return subprocess.run([helper, addr, port]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
