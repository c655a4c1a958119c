#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The deployment artifacts (docs/deploy.md): deploy/daemonset.yaml,
# deploy/leakwatch.service, Containerfile, docs/leakwatch.8, `make static`.
#
# Without root: yamllint; the DaemonSet's fields (python3-yaml); the unit's
# capability list equal to the DaemonSet's; `systemd-analyze verify`; the
# man page renders without warnings; the Containerfile's build stage,
# replayed outside a container engine (none is needed: its COPY sources
# into a fresh directory, its `make` line there), gives a static binary
# that runs.
#
# As root, the capability list itself: the daemon, run with exactly those
# capabilities (bounding set), no_new_privs and a network namespace of its
# own (the unit's PrivateNetwork=yes), attaches, attributes a leak of
# another user's process (exe included) and opens no socket at all (the
# unit's RestrictAddressFamilies=none); without any one of them it fails to
# attach, or (CAP_SYS_PTRACE) loses other users' exe.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

DS=$LW_ROOT/deploy/daemonset.yaml
UNIT=$LW_ROOT/deploy/leakwatch.service
CF=$LW_ROOT/Containerfile
MAN=$LW_ROOT/docs/leakwatch.8
# The capabilities, as documented (docs/deploy.md), without the CAP_ prefix.
CAPS="BPF NET_ADMIN PERFMON SYS_PTRACE"
VERSION=$(sed -n 's/^VERSION := *//p' "$LW_ROOT/Makefile")
T=$(mktemp -d /tmp/leakwatch-test_deploy.XXXXXX)
trap 'rm -rf "$T"; [ -n "$LW_TMP" ] && _lw_cleanup' EXIT

# --- manifests -----------------------------------------------------------------------
if command -v yamllint >/dev/null 2>&1; then
	lw_begin deploy-yamllint
	out=$(yamllint -s -f parsable \
		-d '{extends: relaxed, rules: {line-length: {max: 100}}}' \
		"$LW_ROOT"/deploy/*.yaml 2>&1) || _lw_because "$(echo "$out" | head -5 | tr '\n' ' ')"
	lw_end
else
	lw_skip deploy-yamllint "yamllint not installed (make deps)"
fi

if "$LW_PY" -c 'import yaml' 2>/dev/null; then
	lw_begin deploy-daemonset-fields
	out=$("$LW_PY" - "$DS" "$CF" "$VERSION" "$CAPS" <<-'EOF' 2>&1
		import re, sys, yaml
		ds_path, cf_path, version, caps = sys.argv[1:5]
		docs = [d for d in yaml.safe_load_all(open(ds_path)) if d]
		kinds = {d["kind"]: d for d in docs}
		bad = []
		def need(cond, why):
		    if not cond:
		        bad.append(why)
		for k in ("Namespace", "ServiceAccount", "DaemonSet"):
		    need(k in kinds, f"no {k}")
		ds = kinds["DaemonSet"]
		ns = kinds["Namespace"]["metadata"]["name"]
		need(ds["metadata"].get("namespace") == ns, "DaemonSet not in the Namespace")
		need(kinds["ServiceAccount"]["metadata"].get("namespace") == ns, "SA not in the Namespace")
		spec = ds["spec"]["template"]["spec"]
		need(spec.get("hostPID") is True, "hostPID is not true")
		need(spec.get("hostNetwork") is not True, "hostNetwork: leakwatch needs none")
		need(spec.get("automountServiceAccountToken") is False, "an API token is mounted")
		need(spec.get("serviceAccountName") == kinds["ServiceAccount"]["metadata"]["name"],
		     "serviceAccountName differs from the ServiceAccount")
		need({"operator": "Exists"} in (spec.get("tolerations") or []),
		     "no toleration for every taint")
		need(ds["spec"]["selector"]["matchLabels"].items()
		     <= ds["spec"]["template"]["metadata"]["labels"].items(), "selector/labels")
		(c,) = spec["containers"]
		sc = c.get("securityContext") or {}
		need(sc.get("privileged") is not True, "privileged: true")
		need(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation")
		need(sc.get("readOnlyRootFilesystem") is True, "root filesystem writable")
		need(sc.get("runAsUser") == 0, "runAsUser is not 0 (added caps need uid 0)")
		cap = sc.get("capabilities") or {}
		need(cap.get("drop") == ["ALL"], f"capabilities.drop {cap.get('drop')}")
		need(sorted(cap.get("add") or []) == sorted(caps.split()),
		     f"capabilities.add {cap.get('add')}, documented: {caps}")
		lim = (c.get("resources") or {}).get("limits") or {}
		mem = lim.get("memory", "")
		m = re.fullmatch(r"(\d+)(Mi|Gi)", str(mem))
		need(m and int(m[1]) * (1024 if m[2] == "Gi" else 1) >= 64,
		     f"memory limit {mem!r} (>= 64Mi)")
		need((c.get("resources") or {}).get("requests"), "no resource requests")
		vols = {v["name"]: v for v in spec.get("volumes", [])}
		mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
		for path in ("/sys/fs/cgroup", "/sys/kernel/btf"):
		    mt = mounts.get(path)
		    need(mt and mt.get("readOnly") is True, f"{path} not mounted read-only")
		    if mt:
		        need("hostPath" in vols.get(mt["name"], {}), f"{path} is not a hostPath")
		# Every hostPath read-only but bpffs, where the pinned state lives
		# (and the daemon must be told to use it).
		for mt in mounts.values():
		    v = vols.get(mt["name"], {})
		    need("hostPath" not in v or mt.get("readOnly") is True
		         or mt["mountPath"] == "/sys/fs/bpf", f"hostPath {mt['mountPath']} writable")
		need("/sys/fs/bpf" in mounts and "--pin-dir" in (c.get("args") or []),
		     "bpffs mounted and --pin-dir given, or neither")
		args = c.get("args") or []
		need("--metrics-file" in args, "no --metrics-file (the liveness probe reads it)")
		metrics = args[args.index("--metrics-file") + 1] if "--metrics-file" in args else "?"
		probe = c.get("livenessProbe") or {}
		need(probe, "no livenessProbe")
		need(metrics in " ".join((probe.get("exec") or {}).get("command") or []),
		     "the liveness probe does not check the metrics file")
		run_dir = metrics.rsplit("/", 1)[0]
		need(run_dir in mounts and "emptyDir" in vols.get(mounts[run_dir]["name"], {}),
		     f"{run_dir} (metrics) is not a writable emptyDir")
		# the image: leakwatch:VERSION, as the Containerfile labels it
		cf = open(cf_path).read()
		title = re.search(r'org\.opencontainers\.image\.title="([^"]+)"', cf)
		cver = re.search(r"^ARG VERSION=(\S+)", cf, re.M)
		need(c.get("image") == f"leakwatch:{version}",
		     f"image {c.get('image')}, want leakwatch:{version} (Makefile VERSION)")
		need(title and title[1] == "leakwatch", "Containerfile image title")
		need(cver and cver[1] == version, "Containerfile ARG VERSION differs from the Makefile")
		need(ds["metadata"]["labels"].get("app.kubernetes.io/version") == version,
		     "app.kubernetes.io/version label")
		print("; ".join(bad))
		sys.exit(1 if bad else 0)
	EOF
	) || _lw_because "$out"
	lw_end
else
	lw_skip deploy-daemonset-fields "python3-yaml not installed (make deps)"
fi

# The unit's CapabilityBoundingSet is the DaemonSet's list (CAP_ prefixed).
lw_begin deploy-unit-capabilities
have=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' | sort | tr '\n' ' ')
want=$(for c in $CAPS; do echo "CAP_$c"; done | sort | tr '\n' ' ')
[ "$have" = "$want" ] || _lw_because "CapabilityBoundingSet '$have', documented '$want'"
for k in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
	PrivateNetwork=yes RestrictAddressFamilies=none LockPersonality=yes \
	MemoryDenyWriteExecute=yes SystemCallArchitectures=native ProtectControlGroups=yes; do
	grep -qx "$k" "$UNIT" || _lw_because "no $k"
done
grep -q '^ProtectProc=invisible' "$UNIT" && _lw_because "ProtectProc=invisible hides processes"
lw_end

if command -v systemd-analyze >/dev/null 2>&1; then
	# ExecStart must name an existing binary; Documentation= must resolve
	# (the man page, from docs/, through MANPATH).
	lw_begin deploy-systemd-analyze-verify
	mkdir -p "$T/man/man8" "$T/unit"
	cp "$MAN" "$T/man/man8/"
	bin=$LW_BIN
	[ -x "$bin" ] || bin=/bin/true
	sed "s|/usr/local/sbin/leakwatch|$bin|" "$UNIT" >"$T/unit/leakwatch.service"
	out=$(MANPATH=$T/man systemd-analyze verify "$T/unit/leakwatch.service" 2>&1) ||
		_lw_because "$(echo "$out" | head -3 | tr '\n' ' ')"
	[ -z "$out" ] || _lw_because "warnings: $(echo "$out" | head -3 | tr '\n' ' ')"
	lw_end
else
	lw_skip deploy-systemd-analyze-verify "systemd-analyze not installed"
fi

# --- the man page -------------------------------------------------------------------
if command -v groff >/dev/null 2>&1 && command -v man >/dev/null 2>&1; then
	lw_begin deploy-man-page-renders
	out=$(groff -man -ww -z "$MAN" 2>&1)
	[ -z "$out" ] || _lw_because "groff: $(echo "$out" | head -3 | tr '\n' ' ')"
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >"$T/man.txt")
	[ -z "$out" ] || _lw_because "man: $(echo "$out" | head -3 | tr '\n' ' ')"
	for s in NAME SYNOPSIS COMMANDS "CONFIGURATION FILE" "JSON REPORTS" SIGNALS \
		"EXIT STATUS" FILES EXAMPLES; do
		grep -q "^$s" "$T/man.txt" || _lw_because "no section $s"
	done
	lw_end

	# Every long option of every command's --help is in the man page.
	lw_begin deploy-man-page-matches-help
	if [ -x "$LW_BIN" ]; then
		for cmd in run daemon classify policy; do
			for o in $("$LW_BIN" "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]+' |
				sort -u); do
				grep -qF -- "$o" "$T/man.txt" || _lw_because "$cmd $o is not in the man page"
			done
		done
	else
		_lw_because "no $LW_BIN (make)"
	fi
	lw_end
else
	lw_skip deploy-man-page-renders "groff/man not installed"
fi

# --- Containerfile -------------------------------------------------------------------
lw_begin deploy-containerfile-syntax
out=$("$LW_PY" - "$CF" "$LW_ROOT" <<-'EOF' 2>&1
	import json, os, re, sys
	path, root = sys.argv[1:3]
	lines, cur = [], ""
	for raw in open(path):
	    s = raw.rstrip("\n")
	    if not cur and (not s.strip() or s.lstrip().startswith("#")):
	        continue
	    if s.endswith("\\"):
	        cur += s[:-1] + " "
	        continue
	    lines.append(cur + s)
	    cur = ""
	bad = []
	known = {"FROM", "RUN", "COPY", "ARG", "LABEL", "WORKDIR", "USER", "ENTRYPOINT", "CMD",
	         "STOPSIGNAL", "ENV"}
	stages = []
	for l in lines:
	    ins, _, rest = l.strip().partition(" ")
	    if ins.upper() not in known:
	        bad.append(f"unknown instruction {ins}")
	    if ins == "FROM":
	        m = re.fullmatch(r"(\S+)(?: AS (\S+))?", rest.strip())
	        stages.append({"from": m[1], "name": m[2], "ins": []})
	    elif stages:
	        stages[-1]["ins"].append((ins, rest.strip()))
	if len(stages) != 2:
	    bad.append(f"{len(stages)} stages, want build + runtime")
	build, final = stages[0], stages[-1]
	runs = " ".join(r for i, r in build["ins"] if i == "RUN")
	if "make static" not in runs:
	    bad.append("the build stage does not run make static")
	for i, r in build["ins"]:
	    if i == "COPY":
	        srcs = r.split()[:-1]
	        for s in srcs:
	            if not os.path.exists(os.path.join(root, s)):
	                bad.append(f"COPY source {s} does not exist")
	cps = [r for i, r in final["ins"] if i == "COPY"]
	if not any(f"--from={build['name']}" in r and "leakwatch-static" in r for r in cps):
	    bad.append("the runtime stage does not copy leakwatch-static from the build stage")
	ep = [r for i, r in final["ins"] if i == "ENTRYPOINT"]
	if not ep or json.loads(ep[-1])[:2] != ["/usr/sbin/leakwatch", "daemon"]:
	    bad.append(f"ENTRYPOINT {ep} is not [/usr/sbin/leakwatch, daemon]")
	if not any(f"{r.split()[-1]}" == "/usr/sbin/leakwatch" for r in cps):
	    bad.append("the binary is not installed as /usr/sbin/leakwatch")
	pk = re.search(r"apt-get install[^&]*", runs)
	print(" ".join(x for x in (pk[0].split() if pk else []) if not x.startswith("-")
	               and x not in ("apt-get", "install", "DEBIAN_FRONTEND=noninteractive")))
	if bad:
	    print("; ".join(bad), file=sys.stderr)
	    sys.exit(1)
	EOF
) || _lw_because "$out"
# every package the build stage installs exists in Debian (apt's lists)
if [ ${#_lw_why[@]} -eq 0 ] && command -v apt-cache >/dev/null 2>&1; then
	for p in $out; do
		apt-cache show "$p" >/dev/null 2>&1 || _lw_because "no Debian package $p"
	done
fi
lw_end

# The build stage, replayed: its COPY sources into an empty directory, then
# its make commands (the packages are those of tests/install-deps.sh), in a
# clean environment: `make SANITIZE=1 test` must not reach the image build.
lw_begin deploy-containerfile-build-stage-static
B=$T/src
mkdir -p "$B"
(
	cd "$LW_ROOT" || exit 1
	sed -n '/AS build/,/^FROM/p' "$CF" | sed -n 's/^COPY \(.*\) [^ ]*$/\1/p' | tr ' ' '\n' |
		grep -v '^--' | while read -r s; do
		[ -n "$s" ] && cp -a --parents "${s%/}" "$B/"
	done
)
cmd=$(sed -n '/AS build/,/^FROM/p' "$CF" | sed -n 's/^RUN \(make .*\)$/\1/p')
if [ -z "$cmd" ]; then
	_lw_because "no RUN make line in the build stage"
elif ! (cd "$B" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u SANITIZE bash -c "$cmd") \
	>"$T/build.log" 2>&1; then
	_lw_because "'$cmd' failed: $(tail -3 "$T/build.log" | tr '\n' ' ')"
else
	ldd_out=$(LC_ALL=C ldd "$B/leakwatch-static" 2>&1)
	case "$ldd_out" in
	*"not a dynamic executable"*) ;;
	*) _lw_because "leakwatch-static is dynamic: $ldd_out" ;;
	esac
	"$B/leakwatch-static" version | grep -qx "leakwatch $VERSION" ||
		_lw_because "leakwatch-static version"
	if ! "$B/leakwatch-static" classify autodiscover.example.com 8.8.8.8 >"$T/classify.out" ||
		! grep -q '"reserved":true' "$T/classify.out" ||
		! grep -q '"global":true' "$T/classify.out"; then
		_lw_because "leakwatch-static classify"
	fi
	grep -q 'requires at runtime the shared libraries' "$T/build.log" &&
		_lw_because "static glibc warns about NSS"
fi
lw_end

# --- the capability list, as root -----------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	lw_skip deploy-capabilities "needs root (BPF)"
	exit 0
fi
for t in setpriv unshare ip "$LW_DNSMASQ" dig; do
	if ! command -v "$t" >/dev/null 2>&1; then
		lw_skip deploy-capabilities "missing $t"
		exit 0
	fi
done
lw_require_helpers tcp-connect
lw_setup
STRACE=
command -v strace >/dev/null 2>&1 && STRACE=strace

# daemon_with CAPS NAME: start the daemon with only CAPS (setpriv names,
# comma-separated), no_new_privs, its own network namespace; wait until it
# attaches or dies. Sets D_PID, D_OUT, D_ERR.
daemon_with()
{
	local caps=$1 name=$2 bset=-all c
	for c in ${caps//,/ }; do
		bset+=",+${c,,}"
	done
	D_OUT=$LW_TMP/$name.jsonl D_ERR=$LW_TMP/$name.err
	unshare -n -- setpriv --no-new-privs --bounding-set "$bset" -- \
		"$LW_BIN" daemon --config "$LW_CONF" --output "$D_OUT" </dev/null >/dev/null 2>"$D_ERR" &
	D_PID=$!
	_lw_track "$D_PID"
	for _ in $(seq 150); do
		grep -q 'leakwatch: watching the host' "$D_ERR" && return 0
		kill -0 "$D_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

daemon_stop()
{
	kill -TERM "$D_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$D_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$D_PID" 2>/dev/null
}

# A leak by another user (nobody): its pid in C_PID (from its stdout: it
# cannot write to our private temp dir).
client_nobody()
{
	# shellcheck disable=SC2016 # the inner sh's
	C_PID=$(ip netns exec "$LW_NS" setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		sh -c 'echo $$; exec "$0" leak.example.net 80 >/dev/null 2>&1' \
		"$LW_HELPERS/tcp-connect" 2>/dev/null)
}

exe_of()	# REPORT PID: process.exe of its report line
{
	"$LW_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "report" and o["process"]["pid"] == int(sys.argv[2]):
        print(o["process"]["exe"]); break' "$1" "$2"
}

all_caps=${CAPS// /,}
lw_begin deploy-capabilities-suffice
if daemon_with "$all_caps" all; then
	client_nobody
	daemon_stop
	lw_expect "$D_OUT" has-verdict --pid "$C_PID" --kind direct --address 198.18.0.7
	e=$(exe_of "$D_OUT" "$C_PID")
	[ "$e" = "$LW_HELPERS/tcp-connect" ] || _lw_because "exe of another user's process: $e"
else
	_lw_because "did not attach with $all_caps: $(grep -m2 . "$D_ERR" | tr '\n' ' ')"
fi
lw_end

# RestrictAddressFamilies=none: the daemon, from start to SIGINT, never
# calls socket() or socketpair() (strace follows it; timeout stops it).
if [ -n "$STRACE" ]; then
	lw_begin deploy-daemon-opens-no-socket
	strace -f -qq -e trace=socket,socketpair -o "$LW_TMP/strace.out" \
		timeout -s INT 3 "$LW_BIN" daemon --config "$LW_CONF" --output "$LW_TMP/strace.jsonl" \
		</dev/null >/dev/null 2>"$LW_TMP/strace.err"
	grep -q 'leakwatch: watching the host' "$LW_TMP/strace.err" ||
		_lw_because "did not attach under strace: $(grep -m2 . "$LW_TMP/strace.err" | tr '\n' ' ')"
	grep -E '(socket|socketpair)\(' "$LW_TMP/strace.out" | grep -v '^[0-9]* *---' | grep -q . &&
		_lw_because "socket calls: $(grep -m2 -E 'socket' "$LW_TMP/strace.out" | tr '\n' ' ')"
	lw_end
else
	lw_skip deploy-daemon-opens-no-socket "strace not installed"
fi

for drop in $CAPS; do
	lw_begin "deploy-capabilities-need-$drop"
	rest=$(echo "$CAPS" | tr ' ' '\n' | grep -vx "$drop" | paste -sd,)
	if [ "$drop" = SYS_PTRACE ]; then
		if daemon_with "$rest" "no-$drop"; then
			client_nobody
			daemon_stop
			e=$(exe_of "$D_OUT" "$C_PID")
			[ "$e" = None ] || _lw_because "exe read without CAP_SYS_PTRACE ($e): not needed?"
		else
			_lw_because "did not attach without SYS_PTRACE"
		fi
	elif daemon_with "$rest" "no-$drop"; then
		daemon_stop
		_lw_because "attached without CAP_$drop: not needed?"
	fi
	lw_end
done
