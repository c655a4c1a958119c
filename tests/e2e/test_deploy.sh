#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The deployment artifacts (docs/deploy.md), read and measured; running
# them for real is tests/deploy/test_systemd.sh (the unit under systemd,
# `make test-systemd`) and tests/deploy/test_image.sh (the image in podman
# as the DaemonSet says, `make test-image`).
#
# Without root: yamllint; the DaemonSet's fields (python3-yaml); the
# Kustomize base and overlays render (tests/deploy/manifest.py); the unit's
# capability list equal to the DaemonSet's and its pin directory set up;
# `systemd-analyze verify`; the man page renders without warnings; every
# long option of every command's --help is in the man page and the README;
# every repository path the docs name exists, and they cite no document
# users do not have; the Containerfile is FROM scratch around the staged
# image root, and `make image-root` stages a static binary, a static
# busybox and every command the manifest's probes and init container run.
#
# As root, the capability set documented in docs/deploy.md, measured (this
# is about the daemon's needs, not a test of the unit): the daemon, run with
# exactly those capabilities (bounding set) and no_new_privs, attaches,
# attributes a leak of another user's process (exe included), opens no
# socket at all, and prints its first and last lines; without any one of
# them it fails to attach, or (CAP_SYS_PTRACE) loses other users' exe. On a
# host without bpffs, unable to mount one, it runs with pinning off.
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
		"$LW_ROOT"/deploy/*.yaml "$LW_ROOT"/deploy/overlays/*/*.yaml 2>&1) || _lw_because "$(echo "$out" | head -5 | tr '\n' ' ')"
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
		# The pins outlive the pod: the node's bpffs, mounted on the host by
		# a privileged init container when missing (Bidirectional needs
		# privileged), seen by the sensor through HostToContainer.
		bm = mounts.get("/sys/fs/bpf") or {}
		bv = vols.get(bm.get("name"), {}).get("hostPath") or {}
		need(bv.get("path") == "/sys/fs/bpf" and bv.get("type") == "DirectoryOrCreate",
		     f"bpffs hostPath {bv}")
		need(bm.get("mountPropagation") == "HostToContainer",
		     f"sensor's bpffs mountPropagation {bm.get('mountPropagation')}")
		inits = spec.get("initContainers") or []
		need(len(inits) == 1, f"{len(inits)} init containers, want the bpffs one")
		for ic in inits:
		    im = ic.get("volumeMounts") or []
		    need([(m["name"], m["mountPath"], m.get("mountPropagation")) for m in im]
		         == [(bm.get("name"), "/sys/fs/bpf", "Bidirectional")],
		         f"init container mounts {im}")
		    need((ic.get("securityContext") or {}).get("privileged") is True,
		         "Bidirectional propagation needs a privileged init container")
		    need("mount -t bpf bpf /sys/fs/bpf" in " ".join(ic.get("command") or []),
		         "the init container does not mount bpffs")
		    need(ic.get("image") == c.get("image"), "init container image differs")
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

# The unit's CapabilityBoundingSet is the DaemonSet's list (CAP_ prefixed);
# its pin directory is made before the sandbox and writable in it.
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
pin=$(sed -n 's/^ExecStart=.*--pin-dir \([^ ]*\).*/\1/p' "$UNIT")
grep -qx "ExecStartPre=-+/bin/mkdir -p -m 0700 $pin" "$UNIT" || _lw_because "no ExecStartPre mkdir of '$pin'"
grep -Eq "^ReadWritePaths=.* -$pin( |\$)" "$UNIT" || _lw_because "'-$pin' not in ReadWritePaths="
grep -q '^StartLimitBurst=' "$UNIT" || _lw_because "no StartLimitBurst: restarts for ever"
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
		for cmd in run daemon classify policy version; do
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

# --- the docs ------------------------------------------------------------------------
# ... and in the README.
lw_begin deploy-readme-matches-help
if [ -x "$LW_BIN" ]; then
	for cmd in run daemon classify policy version; do
		for o in $("$LW_BIN" "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qF -- "$o" "$LW_ROOT/README.md" || _lw_because "$cmd $o is not in README.md"
		done
	done
else
	_lw_because "no $LW_BIN (make)"
fi
lw_end

# Every repository path the docs name exists (a program may be named by
# its source: bench/workload for bench/workload.c), every relative link
# resolves, and the user-facing docs cite no document users do not have.
lw_begin deploy-docs-paths-exist
out=$("$LW_PY" - "$LW_ROOT" <<-'EOF' 2>&1
	import glob, os, re, sys
	root = sys.argv[1]
	os.chdir(root)
	docs = ["README.md", "BENCHMARKS.md", "docs/leakwatch.8"] + sorted(glob.glob("docs/*.md"))
	top = r"(?:bpf|userspace|headers|tests|deploy|docs|mk|bench|vmlinux|\.ci)"
	path = re.compile(r"(?<![\w/.$~-])(" + top + r"/[A-Za-z0-9_.*/-]*[A-Za-z0-9_*/])")
	link = re.compile(r"\]\(([^)#\s]+)")
	bad = []
	for d in docs:
	    text = open(d).read()
	    for m in path.finditer(text):
	        p = m.group(1)
	        ok = glob.glob(p) if "*" in p else os.path.exists(p) or os.path.exists(p + ".c")
	        if not ok:
	            bad.append(f"{d} names {p}")
	    for m in link.finditer(text):
	        p = m.group(1)
	        if not re.match(r"\w+:", p) and not os.path.exists(
	                os.path.join(os.path.dirname(d), p)):
	            bad.append(f"{d} links {p}")
	for d in ("README.md", "docs/deploy.md", "docs/leakwatch.8"):
	    if re.search(r"design\.md|\.\./shared", open(d).read()):
	        bad.append(f"{d} cites design.md or ../shared")
	print("; ".join(sorted(set(bad))))
	sys.exit(1 if bad else 0)
	EOF
) || _lw_because "$out"
lw_end

# --- Kustomize -----------------------------------------------------------------------
# `kubectl kustomize` is not installable here: manifest.py renders the part
# of kustomize deploy/ uses and refuses anything more.
if "$LW_PY" -c 'import yaml' 2>/dev/null; then
	lw_begin deploy-kustomize-renders
	MF=$LW_ROOT/tests/deploy/manifest.py
	out=$("$LW_PY" "$MF" check-kustomize "$LW_ROOT/deploy" "$LW_ROOT"/deploy/overlays/* 2>&1) ||
		_lw_because "$out"
	# the base is the manifest, unchanged
	[ "$("$LW_PY" "$MF" render "$LW_ROOT/deploy")" = "$("$LW_PY" "$MF" render "$DS")" ] ||
		_lw_because "deploy/kustomization.yaml does not render deploy/daemonset.yaml"
	"$LW_PY" "$MF" command "$LW_ROOT/deploy/overlays/enforce" leakwatch | grep -qx -- --enforce ||
		_lw_because "the enforce overlay does not add --enforce"
	caps=$("$LW_PY" "$MF" run-args "$LW_ROOT/deploy/overlays/sysadmin-caps" leakwatch "$T" |
		grep -A1 -- --cap-add | grep -v -e --cap-add -e '^--$' | sort | tr '\n' ' ')
	[ "$caps" = "NET_ADMIN SYS_ADMIN SYS_PTRACE " ] ||
		_lw_because "sysadmin-caps adds '$caps'"
	out=$("$LW_PY" "$MF" render "$LW_ROOT/deploy/overlays/node-exporter")
	grep -q 'path: /var/lib/node_exporter/textfile_collector' <<<"$out" ||
		_lw_because "node-exporter overlay: no textfile directory"
	lw_end
else
	lw_skip deploy-kustomize-renders "python3-yaml not installed (make deps)"
fi

# --- the image -------------------------------------------------------------------------
# FROM scratch, one COPY of the staged root, the daemon as ENTRYPOINT; the
# build context admits only the staged root.
lw_begin deploy-containerfile-scratch
out=$("$LW_PY" - "$CF" "$LW_ROOT/.dockerignore" <<-'EOF' 2>&1
	import json, re, sys
	lines, cur = [], ""
	for raw in open(sys.argv[1]):
	    s = raw.rstrip("\n")
	    if not cur and (not s.strip() or s.lstrip().startswith("#")):
	        continue
	    if s.endswith("\\"):
	        cur += s[:-1] + " "
	        continue
	    lines.append(cur + s)
	    cur = ""
	bad = []
	ins = [(l.split(" ", 1)[0], l.split(" ", 1)[1].strip()) for l in lines]
	known = {"FROM", "COPY", "ARG", "LABEL", "USER", "ENTRYPOINT", "STOPSIGNAL"}
	bad += [f"instruction {i}" for i, _ in ins if i not in known]
	froms = [r for i, r in ins if i == "FROM"]
	if froms != ["scratch"]:
	    bad.append(f"FROM {froms}: not one stage FROM scratch (no registry)")
	copies = [r for i, r in ins if i == "COPY"]
	if copies != [".output/image/${TARGETARCH}/rootfs/ /"]:
	    bad.append(f"COPY {copies}")
	if not any(i == "ARG" and r.startswith("TARGETARCH") for i, r in ins):
	    bad.append("no ARG TARGETARCH")
	ep = [r for i, r in ins if i == "ENTRYPOINT"]
	if not ep or json.loads(ep[-1]) != ["/usr/sbin/leakwatch", "daemon"]:
	    bad.append(f"ENTRYPOINT {ep}")
	ign = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
	if ign != ["*", "!.output/image/"]:
	    bad.append(f".dockerignore {ign}")
	print("; ".join(bad))
	sys.exit(1 if bad else 0)
	EOF
) || _lw_because "$out"
lw_end

# `make image-root` (what `make image` copies): a static leakwatch that
# runs, a static busybox, and every command the manifest's probes and init
# container run, at the start of the shell's command words.
lw_begin deploy-image-root-staged
R=$LW_ROOT/.output/image/$(dpkg --print-architecture 2>/dev/null || echo amd64)/rootfs
if [ ! -x /bin/busybox ]; then
	_lw_because "no /bin/busybox (apt-get install busybox-static)"
elif ! (cd "$LW_ROOT" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u SANITIZE make -s image-root) \
	>"$T/image-root.log" 2>&1; then
	_lw_because "make image-root: $(tail -3 "$T/image-root.log" | tr '\n' ' ')"
else
	for b in usr/sbin/leakwatch bin/busybox; do
		case "$(LC_ALL=C ldd "$R/$b" 2>&1)" in
		*"not a dynamic executable"*) ;;
		*) _lw_because "$b is dynamic" ;;
		esac
	done
	"$R/usr/sbin/leakwatch" version | grep -qx "leakwatch $VERSION" || _lw_because "leakwatch version"
	if "$LW_PY" -c 'import yaml' 2>/dev/null; then
		out=$("$LW_PY" - "$DS" "$R" <<-'EOF' 2>&1
			import os, re, sys, yaml
			ds = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "DaemonSet"][0]
			root = sys.argv[2]
			spec = ds["spec"]["template"]["spec"]
			argvs = []
			for c in spec["containers"] + spec.get("initContainers", []):
			    for k in ("startupProbe", "livenessProbe", "readinessProbe"):
			        if k in c:
			            argvs.append(c[k]["exec"]["command"])
			    if c.get("command"):
			        argvs.append(c["command"])
			need = set()
			for a in argvs:
			    need.add(os.path.basename(a[0]))
			    if os.path.basename(a[0]) == "sh" and a[1:2] == ["-c"]:
			        for w in re.findall(r"(?:^|\|\||&&|;|\$\(|\|)\s*([A-Za-z][\w-]*)", a[2]):
			            need.add(w)
			missing = [n for n in sorted(need) if not os.path.exists(os.path.join(root, "bin", n))]
			print(" ".join(missing))
			sys.exit(1 if missing else 0)
			EOF
		) || _lw_because "the image lacks $out"
	fi
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

# daemon_with CAPS NAME [DAEMON-ARG...]: start the daemon with only CAPS
# (setpriv names, comma-separated) and no_new_privs; wait until it attaches
# or dies. With LW_NO_BPFFS=1 it runs in a mount namespace of its own where
# /sys/fs/bpf is a tmpfs. Sets D_PID, D_OUT, D_ERR.
daemon_with()
{
	local caps=$1 name=$2 bset=-all c pre=()
	shift 2
	for c in ${caps//,/ }; do
		bset+=",+${c,,}"
	done
	D_OUT=$LW_TMP/$name.jsonl D_ERR=$LW_TMP/$name.err
	# shellcheck disable=SC2016 # the inner sh's
	[ -n "${LW_NO_BPFFS:-}" ] && pre=(unshare -m --propagation private
		sh -c 'mount -t tmpfs none /sys/fs/bpf && exec "$@"' sh)
	"${pre[@]}" setpriv --no-new-privs --bounding-set "$bset" -- \
		"$LW_BIN" daemon --config "$LW_CONF" --output "$D_OUT" "$@" </dev/null >/dev/null 2>"$D_ERR" &
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

# The same, until its report says /proc was read before it exited, cmdline
# included (on a loaded machine the client can be gone first, or caught
# mid-exit: then exe says nothing about capabilities). At most 5 tries; the
# daemon must be running.
client_nobody_read()
{
	local r
	for _ in 1 2 3 4 5; do
		client_nobody
		for _ in $(seq 50); do
			r=$("$LW_PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "report" and o["process"]["pid"] == int(sys.argv[2]):
        p = o["process"]
        # cmdline needs no capability: empty, the process was caught
        # mid-exit, and its exe says nothing about capabilities either
        print(p["exited_before_read"] or not p.get("cmdline")); break' "$D_OUT" "$C_PID" 2>/dev/null)
			[ -n "$r" ] && break
			sleep 0.1
		done
		[ "$r" = False ] && return 0
	done
	return 1
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
	client_nobody_read || _lw_because "every client exited before /proc was read"
	daemon_stop
	lw_expect "$D_OUT" has-verdict --pid "$C_PID" --kind direct --address 198.18.0.7
	e=$(exe_of "$D_OUT" "$C_PID")
	[ "$e" = "$LW_HELPERS/tcp-connect" ] || _lw_because "exe of another user's process: $e"
	# the documented first and last lines (docs/deploy.md)
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ "$(head -1 "$D_ERR")" = "leakwatch: daemon $VERSION starting, cgroup v2 at $cg2" ] ||
		_lw_because "first line '$(head -1 "$D_ERR")'"
	tail -1 "$D_ERR" | grep -qE '^leakwatch: stopped on SIGTERM: [0-9]+ reports, [0-9]+ with leaks, 0 events lost$' ||
		_lw_because "last line '$(tail -1 "$D_ERR")'"
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
			client_nobody_read || _lw_because "every client exited before /proc was read"
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

# A host with no bpffs at /sys/fs/bpf, and no CAP_SYS_ADMIN to mount one:
# pinning off in one line, the daemon runs (never a restart loop).
lw_begin deploy-no-bpffs-pinning-off
if LW_NO_BPFFS=1 daemon_with "$all_caps" nobpf --pin-dir /sys/fs/bpf/leakwatch; then
	grep -q '^leakwatch: pinning off: cannot mount bpffs on /sys/fs/bpf: Operation not permitted; state will not survive a restart$' \
		"$D_ERR" || _lw_because "no 'pinning off' line: $(head -3 "$D_ERR" | tr '\n' ' ')"
	client_nobody
	daemon_stop
	lw_expect "$D_OUT" has-verdict --pid "$C_PID" --kind direct --address 198.18.0.7
else
	_lw_because "did not attach: $(grep -m3 . "$D_ERR" | tr '\n' ' ')"
fi
lw_end
