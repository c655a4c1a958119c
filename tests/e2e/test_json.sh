#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Every line of the report is valid JSON (UTF-8, one object with "type",
# the summary last) whatever the bytes in comm, cmdline and DNS names
# (README "The report": escape, replace invalid UTF-8).
# shellcheck disable=SC2016 # the sh -c scripts expand their own variables
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup

r=$LW_TMP/hostile.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/hostile.py" \
	leak.example.net 80 $'\xff\xfe"quoted"\\back\x01\x1b[31m' $'caf\xc3\xa9' $'\xed\xa0\x80'
lw_begin json-hostile-comm-cmdline
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --kind direct --address 198.18.0.7 --port 80
lw_end

# DNS names with bytes no name should have (dig's \DDD escapes): a quote,
# a backslash, NUL, 0xff, a dot inside a label.
r=$LW_TMP/hostile-dns.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- sh -c '
	dig +time=1 +tries=1 @127.0.0.1 "we\\034ird\\092\\000\\255x.example.com" A
	dig +time=1 +tries=1 @127.0.0.1 "a\\.b.leak.invalid" A
	dig +time=1 +tries=1 @127.0.0.1 "\\195\\040.example.net" AAAA
	getent ahosts "$(printf "x\\tz.example.org")"
	exit 0'
lw_begin json-hostile-dns-names
lw_expect "$r" valid
lw_end

# Many processes at once: every line still whole.
r=$LW_TMP/many.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- sh -c '
	i=0
	while [ $i -lt 40 ]; do
		getent ahosts leak.example.net >/dev/null &
		getent ahosts www.ordinary.co >/dev/null &
		i=$((i + 1))
	done
	wait'
lw_begin json-many-processes
lw_expect_rc 0
lw_expect "$r" valid
lw_expect "$r" summary --events-lost 0 --processes-min 40
lw_end
