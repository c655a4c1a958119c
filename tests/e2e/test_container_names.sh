#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The names users know containers by (process.container_name and
# container_image), from the engines' own state, with real engines under
# `leakwatch daemon`: a private dockerd (its own --data-root, found from its
# command line) and podman with its own storage (--root, found from
# conmon's). Each container leaks (a reserved name, 198.18.0.x, no route)
# from the test's namespace; its report must carry the id the engine gave
# (--cidfile), the runtime, the name given with --name and the image. A
# docker container whose only process leaks and exits at once (`--rm`:
# docker deletes its state right after) keeps its names too: they are read
# when its cgroup is made.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=engines.sh
. "$(dirname "$0")/engines.sh"
lw_require_root
lw_require_helpers leak
eng_require docker podman
lw_setup
eng_init

docker_ok='' podman_ok=''
if eng_dockerd_start && eng_docker_image && eng_docker_sandbox; then
	docker_ok=1
fi
eng_podman_args "$LW_NS"
if eng_podman_start; then
	podman_ok=1
fi

DOUT=$LW_TMP/daemon.jsonl
DERR=$LW_TMP/daemon.err
"$LW_BIN" daemon --config "$LW_CONF" --output "$DOUT" </dev/null >/dev/null 2>"$DERR" &
DPID=$!
_lw_track "$DPID"
for _ in $(seq 200); do
	grep -q 'leakwatch: watching the host' "$DERR" && break
	kill -0 "$DPID" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q 'leakwatch: watching the host' "$DERR"; then
	lw_fail "$LW_TEST" "daemon did not start: $(head -c 300 "$DERR")"
	exit 1
fi

declare -A CID WANT
# ctr NAME ENGINE CONTAINER-NAME IMAGE LEAK-ARG...: run one container
ctr()
{
	local name=$1 engine=$2 cname=$3 image=$4 cidf=$ENG_DIR/$1.cid
	shift 4
	rm -f "$cidf"
	if [ "$engine" = docker ]; then
		timeout -k 5 "$LW_RUN_TIMEOUT" "$ENG_DOCKER" run --rm --name "$cname" --cidfile "$cidf" \
			"${ENG_DOCKER_NET[@]}" "$ENG_IMAGE" /leak "$@" >"$LW_TMP/$name.out" 2>&1
	else
		timeout -k 5 "$LW_RUN_TIMEOUT" "${ENG_PODMAN_CMD[@]}" run --rm --name "$cname" \
			--cidfile "$cidf" "${ENG_PODMAN_NET[@]}" "$ENG_IMAGE" /leak "$@" \
			>"$LW_TMP/$name.out" 2>&1
	fi
	CID[$name]=$(cat "$cidf" 2>/dev/null)
	WANT[$name]="$engine $cname $image"
	if [ "$engine" = docker ]; then
		eng_docker_forget_later "${CID[$name]}"
	else
		eng_podman_forget_later "${CID[$name]}"
	fi
}

[ -n "$docker_ok" ] && ctr docker-held docker "lwe$$dn" "$ENG_IMAGE" --hold 1 leak.test 80
[ -n "$podman_ok" ] && ctr podman-held podman "lwe$$pn" "localhost/$ENG_IMAGE" --hold 1 leak.test 80
[ -n "$docker_ok" ] && ctr docker-at-once docker "lwe$$do" "$ENG_IMAGE" leak.example.org 80
sleep 1
kill -TERM "$DPID"
for _ in $(seq 100); do
	kill -0 "$DPID" 2>/dev/null || break
	sleep 0.1
done
wait "$DPID" 2>/dev/null
rc=$?

lw_begin names-daemon
[ "$rc" = 0 ] || _lw_because "daemon exit status $rc"
lw_expect "$DOUT" valid
lw_end

check() # NAME ENGINE-FLAG
{
	local name=$1 out
	lw_begin "names-$name"
	if [ -z "$2" ]; then
		_lw_because "the engine did not start (see the FAIL above)"
	elif [ -z "${CID[$name]}" ]; then
		_lw_because "no container id: $(head -c 300 "$LW_TMP/$name.out")"
	else
		# shellcheck disable=SC2086 # WANT splits into its three fields
		out=$("$LW_PY" - "$DOUT" "${CID[$name]}" ${WANT[$name]} <<-'EOF'
			import json, sys
			path, cid, runtime, cname, image = sys.argv[1:6]
			reps = [json.loads(l) for l in open(path, encoding="utf-8")]
			reps = [o for o in reps if o["type"] == "report"
			        and o["process"].get("container_id") == cid]
			if not reps:
			    print(f"no report with container_id {cid}")
			    sys.exit(1)
			for o in reps:
			    p = o["process"]
			    got = (p.get("container_runtime"), p.get("container_name"),
			           p.get("container_image"))
			    if got != (runtime, cname, image):
			        print(f"{p['comm']} (source {p.get('cgroup_source')}): runtime, name, "
			              f"image {got}, want {(runtime, cname, image)}")
			        sys.exit(1)
			    if not o["verdicts"]:
			        print(f"{p['comm']}: no verdict")
			        sys.exit(1)
			EOF
		) || _lw_because "$out"
	fi
	lw_end
}

check docker-held "$docker_ok"
check podman-held "$podman_ok"
check docker-at-once "$docker_ok"
