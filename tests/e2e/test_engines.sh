#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `leakwatch run` follows the containers its command starts, with real
# engines (issue 11): a private dockerd + containerd, podman (runc,
# cgroupfs), runc itself, docker-compose, the Docker Engine API over the
# unix socket. Images are built FROM scratch around the static musl client
# `leak` (tests/helpers/musl/leak.c); it resolves a reserved name through
# the dnsmasq of the test's namespace (198.18.0.x answers, global through
# `global = 198.18.0.0/15`) and connects: ENETUNREACH, only lo exists. The
# engines' set-up and cleanup are in engines.sh; one dockerd, one sandbox
# and one image serve every case.
#
# A container's leak must be reported with its process.container_id (the
# id the engine gave: --cidfile, the API's answer, compose's label) and make
# run exit 3; a watched process that moves to another cgroup, or is forked
# by an engine's shim, is still watched. The one escape run cannot follow
# (its cgroup v2 mount is a private cgroup namespace's subtree and the
# container lands outside it) must be said on stderr, make the summary
# "complete": false and exit 4 (with --allow-incomplete: the command's own
# status). A container whose only process leaks and exits at once (and
# one whose first event is the leaking connect) keeps its container_id.
# Controls: the same containers with an ordinary name are quiet and exit 0
# (and were followed: summary.followed); a plain container keeps its own
# exit status. Last, `ip netns exec NS leakwatch run` (no cgroup mount
# visible there) must work.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=engines.sh
. "$(dirname "$0")/engines.sh"
lw_require_root
lw_require_helpers leak
eng_require docker podman runc compose
lw_setup
eng_init

CG2=$ENG_CG2
docker_ok='' podman_ok=''
if eng_dockerd_start && eng_docker_image && eng_docker_sandbox; then
	docker_ok=1
fi
eng_podman_args "$LW_NS"
if eng_podman_start; then
	podman_ok=1
fi

# The stderr of the last run matches REGEX.
expect_err()	# REGEX
{
	grep -Eq -- "$1" "$LW_ERR" || _lw_because "leakwatch stderr lacks /$1/"
}

# Run a command line (not under leakwatch) with its stdout in $LW_OUT,
# stderr in $LW_ERR and status in $LW_RC, like eng_run.
run_plain()	# CMD...
{
	_lw_runs=$((_lw_runs + 1))
	LW_OUT=$LW_TMP/run$_lw_runs.out
	LW_ERR=$LW_TMP/run$_lw_runs.err
	timeout -k 5 "$LW_RUN_TIMEOUT" "$@" >"$LW_OUT" 2>"$LW_ERR"
	LW_RC=$?
}

need()	# NAME FLAG WHAT: FAIL NAME when an engine did not come up
{
	[ -n "$2" ] && return 0
	lw_fail "$1" "$3 did not start (see the FAIL above and its log)"
	return 1
}

cid_of() { cat "$1" 2>/dev/null; }

# A container case's checks: its leak (ADDRESS) with its identity, or
# (ADDRESS "-") a quiet run of the ordinary name; either way the summary
# must say the container was followed (summary.followed.KEY >= 1: "engine"
# for a container the shim forked, "moved" for one that moved cgroup), so
# a quiet control is quiet because nothing leaked, not because nothing was
# watched.
expect_case()	# REPORT CONTAINER-ID ADDRESS|- FOLLOWED-KEY
{
	lw_expect "$1" summary --complete true --followed "$4=1"
	if [ "$3" = - ]; then
		lw_expect_rc 0
		lw_expect_out 'resolved www\.ordinary\.co: 198\.18\.0\.30'
		lw_expect "$1" no-leak
	else
		lw_expect_rc 3
		lw_expect_out "tcp ${3//./\\.} port 80: connect: errno 101"
		eng_expect_container_leak "$1" "$2" "$3"
	fi
}

# --- a. docker run -------------------------------------------------------------
# The container is forked by containerd-shim, not by COMMAND (the docker
# client); it lands in /lwe<PID>.eng/docker/<id>, outside run's cgroup.
docker_case()	# NAME CONTAINER ADDRESS|- LEAK-ARG...
{
	local name=$1 ctr=$2 addr=$3 r=$LW_TMP/$1.jsonl cidf=$ENG_DIR/$1.cid cid
	shift 3
	rm -f "$cidf"
	eng_run "$r" --config "$LW_CONF" -- "$ENG_DOCKER" run --rm --name "$ctr" \
		--cidfile "$cidf" "${ENG_DOCKER_NET[@]}" "$ENG_IMAGE" /leak "$@"
	cid=$(cid_of "$cidf")
	eng_docker_forget_later "$cid"
	lw_begin "$name"
	lw_expect "$r" valid
	expect_case "$r" "$cid" "$addr" engine
	lw_end
}

if need engines-docker-run-leak "$docker_ok" dockerd; then
	docker_case engines-docker-run-leak "lwe$$a" 198.18.0.8 --hold 1 leak.test 80
fi

# --- b. podman run --------------------------------------------------------------
# conmon stays in run's cgroup; runc moves the container's processes to
# /lwe<PID>.eng/libpod_parent/libpod-<id>.
podman_case()	# NAME CONTAINER ADDRESS|- LEAK-ARG...
{
	local name=$1 ctr=$2 addr=$3 r=$LW_TMP/$1.jsonl cidf=$ENG_DIR/$1.cid cid
	shift 3
	rm -f "$cidf"
	eng_run "$r" --config "$LW_CONF" -- "${ENG_PODMAN_CMD[@]}" run --rm --name "$ctr" --cidfile "$cidf" "${ENG_PODMAN_NET[@]}" "$ENG_IMAGE" /leak "$@"
	cid=$(cid_of "$cidf")
	eng_podman_forget_later "$cid"
	lw_begin "$name"
	lw_expect "$r" valid
	expect_case "$r" "$cid" "$addr" moved
	lw_end
}

if need engines-podman-run-leak "$podman_ok" podman; then
	podman_case engines-podman-run-leak "lwe$$b" 198.18.0.8 --hold 1 leak.test 80
fi

# --- c. the Docker Engine API, no CLI ------------------------------------------------
api_case()	# NAME CONTAINER ADDRESS|- LEAK-ARG...
{
	local name=$1 ctr=$2 addr=$3 r=$LW_TMP/$1.jsonl cidf=$ENG_DIR/$1.cid cid
	shift 3
	rm -f "$cidf"
	eng_run "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/docker_api.py" \
		"$ENG_DOCKER_SOCK" "$ctr" "$ENG_IMAGE" "$ENG_DOCKER_SB" "$ENG_RESOLV" "$cidf" \
		/leak "$@"
	cid=$(cid_of "$cidf")
	eng_docker_forget_later "$cid"
	lw_begin "$name"
	lw_expect "$r" valid
	expect_case "$r" "$cid" "$addr" engine
	lw_end
}

if need engines-docker-api-leak "$docker_ok" dockerd; then
	api_case engines-docker-api-leak "lwe$$c" 198.18.0.7 --hold 1 leak.example.net 80
fi

# --- d. docker-compose run and up (Debian's 1.29, python3-docker) -----------
# compose talks to dockerd through docker-py; the containers are the
# shim's children. No --rm: the container's id is read from compose's
# project label afterwards, and the container removed by id.
compose_case()	# NAME PROJECT ADDRESS NAME-TO-LEAK COMPOSE-ARG...
{
	local name=$1 proj=$2 addr=$3 leakname=$4 r=$LW_TMP/$1.jsonl f=$ENG_DIR/$1.yml cid c
	shift 4
	cat >"$f" <<-EOF
		version: "2.4"
		services:
		  leak:
		    image: $ENG_IMAGE
		    network_mode: "container:$ENG_DOCKER_SB"
		    volumes:
		      - $ENG_RESOLV:/etc/resolv.conf:ro
		    command: ["/leak", "--hold", "1", "$leakname", "80"]
	EOF
	eng_run "$r" --config "$LW_CONF" -- "$ENG_COMPOSE" -H "unix://$ENG_DOCKER_SOCK" \
		-p "$proj" -f "$f" "$@"
	cid=$("$ENG_DOCKER" ps -aq --no-trunc --filter "label=com.docker.compose.project=$proj")
	for c in $cid; do
		eng_docker_forget_later "$c"
	done
	lw_begin "$name"
	lw_expect "$r" valid
	lw_expect_rc 3
	lw_expect_out "tcp ${addr//./\\.} port 80: connect: errno 101"
	lw_expect "$r" summary --complete true --followed engine=1
	case "$cid" in
	*[[:space:]]*) _lw_because "compose made more than one container: $cid" ;;
	*) eng_expect_container_leak "$r" "$cid" "$addr" ;;
	esac
	lw_end
	for c in $cid; do
		"$ENG_DOCKER" rm -f "$c" >/dev/null 2>&1
	done
}

if need engines-compose-run-leak "$docker_ok" dockerd; then
	compose_case engines-compose-run-leak "lwe$$d" 198.18.0.9 leak.example.com run -T leak
	# up: compose's exit status is the container's (--exit-code-from)
	compose_case engines-compose-up-leak "lwe$$du" 198.18.0.12 leak.invalid \
		up --no-color --abort-on-container-exit --exit-code-from leak
fi

# --- e. leak on the very first connect, exit at once -------------------------------
# No --hold: the container's only process is likely gone before /proc is
# read; its identity must come from what the kernel said.
if need engines-docker-exit-at-once "$docker_ok" dockerd; then
	docker_case engines-docker-exit-at-once "lwe$$e" 198.18.0.11 leak.example.org 80
fi
if need engines-podman-exit-at-once "$podman_ok" podman; then
	podman_case engines-podman-exit-at-once "lwe$$ep" 198.18.0.11 leak.example.org 80
fi

# The harder form: the container's only process makes no lookup of its own;
# its very first event is the connect to an address COMMAND resolved just
# before (dig, watched: the answer is in the answer set), and it exits
# right after. /proc is read too late in nearly every run, so container_id
# must come from the cgroup id the kernel sent with the event.
first_connect_case()	# NAME ENGINE CONTAINER FOLLOWED-KEY ENGINE-RUN-ARG...
{
	local name=$1 engine=$2 ctr=$3 key=$4 r=$LW_TMP/$1.jsonl cidf=$ENG_DIR/$1.cid cid ns
	shift 4
	ns=$LW_NS
	[ "$engine" = docker ] && ns=$ENG_DOCKER_NS
	rm -f "$cidf"
	# shellcheck disable=SC2016 # the inner sh's arguments
	eng_run "$r" --config "$LW_CONF" -- sh -c \
		'ip netns exec "$1" dig +short +time=1 +tries=2 @127.0.0.1 leak.example.org A &&
		shift && exec "$@"' sh "$ns" \
		"$@" --name "$ctr" --cidfile "$cidf" "$ENG_IMAGE" /leak 198.18.0.11 80
	cid=$(cid_of "$cidf")
	if [ "$engine" = docker ]; then eng_docker_forget_later "$cid"; else eng_podman_forget_later "$cid"; fi
	lw_begin "$name"
	lw_expect "$r" valid
	lw_expect_rc 3
	lw_expect_out 'tcp 198\.18\.0\.11 port 80: connect: errno 101'
	lw_expect "$r" has-name --comm dig --name leak.example.org --answer 198.18.0.11
	eng_expect_container_leak "$r" "$cid" 198.18.0.11
	lw_expect "$r" summary --complete true --followed "$key=1"
	lw_end
}

if need engines-docker-first-connect-exits "$docker_ok" dockerd; then
	first_connect_case engines-docker-first-connect-exits docker "lwe$$e1" engine \
		"$ENG_DOCKER" run --rm "${ENG_DOCKER_NET[@]}"
fi
if need engines-podman-first-connect-exits "$podman_ok" podman; then
	first_connect_case engines-podman-first-connect-exits podman "lwe$$e2" moved \
		"${ENG_PODMAN_CMD[@]}" run --rm "${ENG_PODMAN_NET[@]}"
fi

# --- docker exec into a container started before the run ----------------------
# The exec'd process is forked by the shim (through runc) while the run is
# active; the container's own process, older than the run, is not watched.
if need engines-docker-exec-leak "$docker_ok" dockerd; then
	r=$LW_TMP/docker-exec.jsonl
	if cid=$("$ENG_DOCKER" run -d --name "lwe$$x" "${ENG_DOCKER_NET[@]}" "$ENG_IMAGE" \
		/bin/sleep 100000 2>"$LW_TMP/exec-ctr.err"); then
		eng_docker_forget_later "$cid"
		eng_run "$r" --config "$LW_CONF" -- "$ENG_DOCKER" exec "$cid" \
			/leak --hold 1 leak.example.net 80
		lw_begin engines-docker-exec-leak
		lw_expect "$r" valid
		lw_expect_rc 3
		lw_expect_out 'tcp 198\.18\.0\.7 port 80: connect: errno 101'
		eng_expect_container_leak "$r" "$cid" 198.18.0.7
		lw_expect "$r" summary --complete true --followed engine=1
		lw_expect "$r" no-verdict --comm sleep
		lw_end
		"$ENG_DOCKER" rm -f "$cid" >/dev/null 2>&1
	else
		lw_fail engines-docker-exec-leak "docker run -d: $(head -c 300 "$LW_TMP/exec-ctr.err")"
	fi
fi

# --- f. a watched process moves itself to another cgroup ----------------------------
# COMMAND makes a cgroup v2 directory outside run's own (under $ENG_CG,
# which the cleanup removes), joins it, then leaks from the test's
# namespace (the cgroup mount is hidden inside `ip netns exec`: move first).
cg_f=$CG2/$ENG_CG/moved
r=$LW_TMP/cgroup-move.jsonl
# shellcheck disable=SC2016 # the inner sh's $$ and arguments
eng_run "$r" --config "$LW_CONF" -- sh -c \
	'mkdir "$1" && echo $$ >"$1/cgroup.procs" && exec ip netns exec "$2" "$3" leak.test 80' \
	sh "$cg_f" "$LW_NS" "$LW_HELPERS/leak"
lw_begin engines-cgroup-move-followed
lw_expect "$r" valid
lw_expect_rc 3
lw_expect_out 'connect: errno 101'
lw_expect "$r" has-verdict --comm leak --kind direct --address 198.18.0.8 --port 80
lw_expect "$r" summary --complete true --followed moved=1
lw_end

# --- g. runc run, straight from COMMAND ---------------------------------------------
# runc moves the container into its cgroupsPath (/lwe<PID>.eng/lwe<PID>g).
bundle=$ENG_DIR/bundle
if eng_runc_bundle "$bundle" "lwe$$g" "$LW_NS" /leak --hold 1 leak.test 80; then
	r=$LW_TMP/runc.jsonl
	eng_run "$r" --config "$LW_CONF" -- "$ENG_RUNC" --root "$(eng_runc_root)" run \
		--bundle "$bundle" "lwe$$g"
	lw_begin engines-runc-run-followed
	lw_expect "$r" valid
	lw_expect_rc 3
	lw_expect_out 'connect: errno 101'
	lw_expect "$r" has-verdict --comm leak --kind direct --address 198.18.0.8 --port 80
	lw_expect "$r" summary --complete true --followed moved=1
	lw_end
else
	lw_fail engines-runc-run-followed "could not make the OCI bundle"
fi

# --- h. the escape run cannot follow ------------------------------------------------
# leakwatch runs in a private cgroup namespace whose root is a child cgroup
# ($ENG_CG/cgns), with that subtree as the only cgroup2 mount it can see (the
# host's is unmounted in a private mount namespace; a fresh cgroup2 mount
# there shows the namespace's root). COMMAND asks the dockerd outside to
# start a container: it lands in /lwe<PID>.eng/docker/<id>, outside
# everything run can attach to. That must be said, never "complete".
escape_run()	# REPORT LEAKWATCH-OPTION...
{
	local report=$1 inner
	shift
	rm -f "$report"
	# shellcheck disable=SC2016 # expanded by the inner shells
	inner='awk '\''$3 == "cgroup2" { print $2 }'\'' /proc/mounts | while read -r m; do
			umount -l "$m" || exit 1; done
		mkdir -p "$0" && mount -t cgroup2 none "$0" || exit 1
		exec "$@"'
	# shellcheck disable=SC2016
	run_plain sh -c 'echo $$ >"$1/cgroup.procs" || exit 1; shift
		exec unshare --cgroup --mount --fork sh -c "$@"' \
		sh "$cg_h" "$inner" "$ENG_DIR/cgns-mnt" \
		"$LW_BIN" run --config "$LW_CONF" --report "$report" "$@" -- \
		"$ENG_DOCKER" run --rm --name "lwe$$h$_lw_runs" "${ENG_DOCKER_NET[@]}" \
		"$ENG_IMAGE" /leak --hold 1 leak.test 80
}

if need engines-escape-private-cgroupns "$docker_ok" dockerd; then
	cg_h=$CG2/$ENG_CG/cgns
	mkdir "$cg_h"
	r=$LW_TMP/escape.jsonl
	escape_run "$r"
	lw_begin engines-escape-private-cgroupns
	lw_expect_rc 4
	lw_expect "$r" valid
	expect_err "leakwatch run: pid [0-9]+ \(.*\) left the watched cgroup tree for /${ENG_CG//./\\.}/docker/[0-9a-f]{64}: not watched"
	lw_expect "$r" summary --complete false --incomplete-has "left the watched cgroup tree for /$ENG_CG/docker/"
	lw_end

	r=$LW_TMP/escape-allowed.jsonl
	escape_run "$r" --allow-incomplete
	lw_begin engines-escape-allow-incomplete
	lw_expect_rc 0
	lw_expect "$r" valid
	expect_err "left the watched cgroup tree for /${ENG_CG//./\\.}/docker/[0-9a-f]{64}: not watched"
	lw_expect "$r" summary --complete false --incomplete-has "left the watched cgroup tree for /$ENG_CG/docker/"
	lw_end
fi

# --- i. the clean controls ----------------------------------------------------------
if need engines-docker-clean "$docker_ok" dockerd; then
	docker_case engines-docker-clean "lwe$$i" - --hold 1 www.ordinary.co 80
	api_case engines-docker-api-clean "lwe$$ia" - --hold 1 www.ordinary.co 80
	# a plain container (no network, no lookup) keeps its own status
	r=$LW_TMP/docker-status.jsonl
	eng_run "$r" --config "$LW_CONF" -- "$ENG_DOCKER" run --rm --name "lwe$$is" \
		--network none "$ENG_IMAGE" /bin/sh -c 'exit 7'
	lw_begin engines-docker-own-status
	lw_expect_rc 7
	lw_expect "$r" valid
	lw_expect "$r" no-leak
	lw_expect "$r" summary --complete true --followed engine=1
	lw_end
fi
if need engines-podman-clean "$podman_ok" podman; then
	podman_case engines-podman-clean "lwe$$ip" - --hold 1 www.ordinary.co 80
fi

# --- j. ip netns exec NS leakwatch run ----------------------------------------------
# `ip netns exec` remounts /sys: no cgroup mount is visible to leakwatch.
r=$LW_TMP/netns-exec.jsonl
rm -f "$r"
run_plain ip netns exec "$LW_NS" "$LW_BIN" run --config "$LW_CONF" --report "$r" -- \
	"$LW_HELPERS/leak" leak.test 80
lw_begin engines-ip-netns-exec-run
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm leak --kind direct --address 198.18.0.8 --port 80
lw_end
