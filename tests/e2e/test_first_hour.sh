#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# What a new user meets in the first hour, each a defect once: a bad option
# or value is one line naming the option (and where to look), with one
# prefix per command; `help COMMAND`; `version --help`; a config that is a
# directory or starts with a UTF-8 byte order mark; a --metrics-file whose
# directory is missing fails at start; SIGHUP without --config says so.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
_lw_init

# one_line NAME STATUS REGEX CMD...: exit STATUS, exactly one stderr line matching.
one_line()
{
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$@" >"$LW_TMP/$name.out" 2>"$LW_TMP/$name.err" </dev/null
	rc=$?
	lw_begin "$name"
	[ "$rc" = "$want" ] || _lw_because "exit status $rc, expected $want"
	[ "$(grep -c . "$LW_TMP/$name.err")" = 1 ] ||
		_lw_because "stderr is not one line: $(head -c 300 "$LW_TMP/$name.err")"
	grep -Eq -- "$re" "$LW_TMP/$name.err" ||
		_lw_because "stderr lacks /$re/: $(head -c 200 "$LW_TMP/$name.err")"
	lw_end
}

one_line first-hour-run-bad-option 2 \
	"^leakwatch run: unknown option '--bogus' \\(see leakwatch run --help\\)$" \
	"$LW_BIN" run --bogus -- true
one_line first-hour-run-missing-value 2 \
	"^leakwatch run: option '--report' needs a value \\(see leakwatch run --help\\)$" \
	"$LW_BIN" run --report
one_line first-hour-run-no-command 2 "^leakwatch run: no COMMAND given" "$LW_BIN" run
one_line first-hour-run-bad-window 2 "^leakwatch run: --window: 'x' is not a number of seconds" \
	"$LW_BIN" run --window x -- true
one_line first-hour-daemon-bad-option 2 "^leakwatch daemon: unknown option '-x'" \
	"$LW_BIN" daemon -x
one_line first-hour-rotate-keep-0 2 \
	"^leakwatch daemon: --rotate-keep: '0' is not a number from 1 to 1000$" \
	"$LW_BIN" daemon --rotate-keep 0
one_line first-hour-rotate-size-0 2 "^leakwatch daemon: --rotate-size: '0' is not a size of at least 4K" \
	"$LW_BIN" daemon --rotate-size 0
one_line first-hour-metrics-dir-missing 1 \
	"^leakwatch daemon: --metrics-file /nonexistent/m.prom: cannot write in /nonexistent: No such file or directory$" \
	"$LW_BIN" daemon --metrics-file /nonexistent/m.prom
one_line first-hour-config-is-a-directory 2 "^leakwatch policy: $LW_TMP: is a directory, not a config file$" \
	"$LW_BIN" policy --config "$LW_TMP"
one_line first-hour-unknown-command 2 "^leakwatch: unknown command 'bogus' \\(see leakwatch --help\\)$" \
	"$LW_BIN" bogus

lw_begin first-hour-config-with-bom
printf '\xef\xbb\xbfwindow = 30\n' >"$LW_TMP/bom.conf"
out=$("$LW_BIN" policy --config "$LW_TMP/bom.conf" 2>&1) || _lw_because "refused: $out"
grep -qx 'window = 30' <<<"$out" || _lw_because "window not read: $(grep window <<<"$out")"
lw_end

lw_begin first-hour-help-command
"$LW_BIN" help run >"$LW_TMP/help.out" 2>&1 || _lw_because "help run: status $?"
grep -q '^Usage: leakwatch run ' "$LW_TMP/help.out" || _lw_because "help run is not run's help"
"$LW_BIN" version --help >"$LW_TMP/vhelp.out" 2>&1 || _lw_because "version --help: status $?"
grep -q '^Usage: leakwatch version' "$LW_TMP/vhelp.out" || _lw_because "version --help: no usage"
"$LW_BIN" help daemon | grep -q -- '--metrics-interval S ' || _lw_because "no --metrics-interval line"
lw_end

# SIGHUP with no --config: the daemon says there is nothing to reload.
lw_begin first-hour-sighup-without-config
"$LW_BIN" daemon --output "$LW_TMP/hup.jsonl" 2>"$LW_TMP/hup.err" &
d=$!
_lw_track "$d"
for _ in $(seq 200); do grep -q 'watching the host' "$LW_TMP/hup.err" && break; sleep 0.05; done
kill -HUP "$d"
for _ in $(seq 100); do grep -q 'SIGHUP' "$LW_TMP/hup.err" && break; sleep 0.05; done
kill -TERM "$d"
wait "$d"
grep -q 'SIGHUP: no --config file to reload, policy unchanged' "$LW_TMP/hup.err" ||
	_lw_because "no such line: $(tail -c 300 "$LW_TMP/hup.err")"
grep -q 'config reloaded' "$LW_TMP/hup.err" && _lw_because "claims a reload"
lw_end
