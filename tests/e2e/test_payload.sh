#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# payload (--payload clear): a reserved identity in what a process sends,
# with no reserved lookup at all. Real clients (swaks, python's imaplib and
# poplib, curl) talk to real stand-in servers (payload_servers.py) in a
# second namespace across a veth; the servers' addresses are in
# 198.18.0.0/24, which the config declares global, and the connects must
# succeed (no payload is sent otherwise): each scenario also checks the
# server's log. Every reserved scenario has an ordinary-identity control
# that must stay quiet. A real password is sent and must appear nowhere:
# not in the report, leakwatch's stderr (with -v), the raw ring buffer
# events (LW_EVENT_DUMP), the daemon's output or its metrics.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
for t in swaks openssl; do
	command -v "$t" >/dev/null || { lw_fail "$LW_TEST" "missing $t (make deps)"; exit 1; }
done
# mail.ordinary.co 198.18.0.31 and www.ordinary.co 198.18.0.30 (LW_STD_DNS);
# the seed's hosts: an ordinary autodetect service and the IMAP host it names
lw_setup --address=/autodetect.ordinary.co/198.18.0.30 --address=/imap.ordinary.co/198.18.0.32
lw_next_name
srv=$LW_NAME
if ! lw_netns_create "$srv" || ! lw_veth "$LW_NS" 198.18.0.1 "$srv" 198.18.0.31 ||
	! ip -n "$srv" addr add 198.18.0.30/24 dev "${srv}v" ||
	! ip -n "$srv" addr add 198.18.0.32/24 dev "${srv}v"; then
	lw_fail "$LW_TEST" "could not build the server namespace"
	exit 1
fi
# A self-signed certificate for the TLS stand-ins, made here.
cert=$LW_TMP/cert.pem
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=imap.ordinary.co \
	-addext 'subjectAltName=DNS:imap.ordinary.co,DNS:autodetect.ordinary.co' \
	-keyout "$LW_TMP/key.pem" -out "$cert" >/dev/null 2>&1; then
	lw_fail "$LW_TEST" "openssl could not make a certificate"
	exit 1
fi
slog=$LW_TMP/servers.log
lw_spawn_in "$srv" "$LW_TMP/servers.pid" "$LW_TMP/servers.out" "$LW_PY" \
	"$LW_E2E/payload_servers.py" 0.0.0.0 "$slog" "$cert" "$LW_TMP/key.pem"
for _ in $(seq 50); do
	grep -q ready "$slog" 2>/dev/null && break
	sleep 0.1
done
grep -q ready "$slog" 2>/dev/null || { lw_fail "$LW_TEST" "servers did not start"; exit 1; }

# The password: distinctive, so that any trace of it is found.
PW='Zq7-hunter2-Pw9x'
export LW_TEST_PW=$PW
# Only COMMAND's own tree: containers other jobs on this host start meanwhile
# would be followed too.
opts=(--config "$LW_CONF" --engine-containers ignore)
dump=$LW_TMP/events.bin
export LW_EVENT_DUMP=$dump

# no byte of the password in FILE...: WHY
no_password()
{
	local f
	for f in "$@"; do
		[ -e "$f" ] || continue
		if grep -aqF -- "$PW" "$f" || grep -aqF -- "hunter2" "$f"; then
			_lw_because "the password is in $f"
		fi
	done
}

# server_saw PATTERN: the stand-in got it (the connect succeeded)
server_saw()
{
	grep -qF -- "$1" "$slog" || _lw_because "the server never got '$1'"
}

# --- SMTP in cleartext (swaks) ---------------------------------------------------
r=$LW_TMP/smtp.jsonl
: >"$slog.mark"
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- swaks --server mail.ordinary.co --port 25 \
	--helo client.ordinary.co --from test@example.com --to bob@ordinary.co --timeout 5
lw_begin payload-smtp-swaks-mail-from
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm swaks --kind payload --severity high \
	--name test@example.com --verb "SMTP MAIL FROM" --tls false \
	--address 198.18.0.31 --port 25 --dest-name mail.ordinary.co
lw_expect "$r" no-verdict --comm swaks --name bob@ordinary.co
server_saw "smtp MAIL FROM:<test@example.com>"
lw_end

r=$LW_TMP/smtp-rcpt.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- swaks --server mail.ordinary.co --port 587 \
	--helo build.test --from alice@ordinary.co --to qa@staging.test --timeout 5
lw_begin payload-smtp-swaks-rcpt-and-helo
lw_expect_rc 3
lw_expect "$r" has-verdict --comm swaks --kind payload --name qa@staging.test \
	--verb "SMTP RCPT TO" --port 587 --severity high
lw_expect "$r" has-verdict --comm swaks --kind payload --name build.test --verb "SMTP HELO"
server_saw "smtp RCPT TO:<qa@staging.test>"
lw_end

r=$LW_TMP/smtp-quiet.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- swaks --server mail.ordinary.co --port 25 \
	--helo client.ordinary.co --from alice@ordinary.co --to bob@ordinary.co --timeout 5
lw_begin payload-smtp-ordinary-quiet
lw_expect_rc 0
lw_expect "$r" valid
lw_expect "$r" no-leak
server_saw "smtp MAIL FROM:<alice@ordinary.co>"
lw_end

# --- IMAP LOGIN in cleartext (python imaplib), a real password ------------------------
r=$LW_TMP/imap.jsonl
rm -f "$dump"
lw_run_in "$LW_NS" "$r" "${opts[@]}" -v -- "$LW_PY" "$LW_E2E/payload_client.py" \
	imap mail.ordinary.co 143 test@example.com
lw_begin payload-imap-login
lw_expect_rc 3
lw_expect_out 'imap login ok'
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm python3 --kind payload --severity high \
	--name test@example.com --verb "IMAP LOGIN" --address 198.18.0.31 --port 143
lw_expect_true "no 'payload' line in the text report" \
	grep -q 'LEAK payload (high): tcp 198.18.0.31:143 (mail.ordinary.co): IMAP LOGIN test@example.com' "$LW_ERR"
server_saw "imap LOGIN"
lw_end

lw_begin payload-password-nowhere
[ -s "$dump" ] || _lw_because "no ring buffer events were dumped"
grep -aqF test@example.com "$dump" || _lw_because "the token is not in the events"
no_password "$r" "$LW_ERR" "$LW_OUT" "$dump"
lw_end

r=$LW_TMP/imap-quiet.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "$LW_PY" "$LW_E2E/payload_client.py" \
	imap mail.ordinary.co 143 alice@ordinary.co
lw_begin payload-imap-ordinary-quiet
lw_expect_rc 0
lw_expect_out 'imap login ok'
lw_expect "$r" no-leak
lw_end

# A password that looks like a reserved address is not the user: LOGIN's
# second argument is never a token.
r=$LW_TMP/imap-pw-token.jsonl
LW_TEST_PW='secret@pw.test' lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "$LW_PY" \
	"$LW_E2E/payload_client.py" imap mail.ordinary.co 143 alice@ordinary.co
lw_begin payload-imap-password-position-never-a-token
lw_expect_rc 0
lw_expect "$r" no-leak
lw_expect_true "the password-shaped token is in the report" \
	sh -c "! grep -qF 'pw.test' '$r' '$LW_ERR'"
lw_end

# .internal may name real people: the local part never leaves the kernel.
r=$LW_TMP/imap-internal.jsonl
rm -f "$dump"
LW_TEST_USER=jane.doe@corp.internal lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "$LW_PY" \
	"$LW_E2E/payload_client.py" imap mail.ordinary.co 143 -
lw_begin payload-internal-local-part-withheld
lw_expect_rc 3
lw_expect "$r" has-verdict --comm python3 --kind payload --name @corp.internal \
	--verb "IMAP LOGIN"
lw_expect_true "the local part is in the report or the events" \
	sh -c "! grep -aqF 'jane' '$r' '$LW_ERR' '$dump'"
lw_end

# POP USER
r=$LW_TMP/pop.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "$LW_PY" "$LW_E2E/payload_client.py" \
	pop mail.ordinary.co 110 test@example.org
lw_begin payload-pop-user
lw_expect_rc 3
lw_expect_out 'pop login ok'
lw_expect "$r" has-verdict --comm python3 --kind payload --severity high \
	--name test@example.org --verb "POP USER" --port 110
no_password "$r" "$LW_ERR"
lw_end

# --- HTTP POST of JSON on port 80 (curl) -----------------------------------------------------
body=$LW_TMP/signup.json
printf '{"email": "test@example.com", "password": "%s"}\n' "$PW" >"$body"
r=$LW_TMP/http.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- curl -sS -m 5 -X POST \
	-H 'Content-Type: application/json' --data-binary "@$body" http://www.ordinary.co/signup
lw_begin payload-http-post-json
lw_expect_rc 3
lw_expect_out '"ok": true'
lw_expect "$r" has-verdict --comm curl --kind payload --severity medium \
	--name test@example.com --verb "HTTP body" --address 198.18.0.30 --port 80
no_password "$r" "$LW_ERR"
server_saw "http POST /signup"
lw_end

printf '{"email": "alice@ordinary.co", "password": "%s"}\n' "$PW" >"$body"
r=$LW_TMP/http-quiet.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- curl -sS -m 5 -X POST \
	-H 'Content-Type: application/json' --data-binary "@$body" http://www.ordinary.co/signup
lw_begin payload-http-ordinary-quiet
lw_expect_rc 0
lw_expect "$r" no-leak
lw_end

r=$LW_TMP/http-host.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- curl -sS -m 5 -o /dev/null \
	-H 'Host: api.shop.test' 'http://198.18.0.30/lookup?user=qa@example.net'
lw_begin payload-http-host-and-request-line
lw_expect_rc 3
lw_expect "$r" has-verdict --comm curl --kind payload --name api.shop.test --verb "HTTP Host"
lw_expect "$r" has-verdict --comm curl --kind payload --name qa@example.net \
	--verb "HTTP request line"
lw_end

# Cookie and Authorization headers are never read for tokens.
r=$LW_TMP/http-cookie.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- curl -sS -m 5 -o /dev/null \
	-H 'Cookie: session=u@example.com' -H 'Authorization: Basic qa@example.com' \
	http://www.ordinary.co/
lw_begin payload-http-cookie-authorization-skipped
lw_expect_rc 0
lw_expect "$r" no-leak
lw_end

# --- off, and the chain ---------------------------------------------------------------------
r=$LW_TMP/off.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" --payload off -- "$LW_PY" \
	"$LW_E2E/payload_client.py" imap mail.ordinary.co 143 test@example.com
lw_begin payload-off-quiet
lw_expect_rc 0
lw_expect "$r" no-leak
lw_expect_true "run names the payload scan with --payload off" \
	sh -c "! grep -q 'payload scan' '$LW_ERR'"
lw_end

# The seed's shape with a lookup: autodiscover.example.com opens a window,
# the IMAP login follows: the follow-on destination says what it received.
r=$LW_TMP/chain.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "$LW_PY" "$LW_E2E/payload_client.py" \
	imap mail.ordinary.co 143 test@example.com --lookup autodiscover.example.com
lw_begin payload-joins-follow-on
lw_expect_rc 3
lw_expect "$r" has-verdict --comm python3 --kind follow-on --address 198.18.0.31 --port 143 \
	--payload test@example.com
lw_expect "$r" has-verdict --comm python3 --kind payload --name test@example.com \
	--verb "IMAP LOGIN"
lw_end

# --- daemon --payload clear: output and metrics ------------------------------------------------
out=$LW_TMP/daemon.jsonl
derr=$LW_TMP/daemon.err
metrics=$LW_TMP/metrics.prom
rm -f "$dump"
"$LW_BIN" daemon --payload clear --config "$LW_CONF" --output "$out" \
	--metrics-file "$metrics" --metrics-interval 1 2>"$derr" &
dpid=$!
_lw_track "$dpid"
for _ in $(seq 200); do
	grep -q 'watching the host' "$derr" 2>/dev/null && break
	sleep 0.05
done
lw_exec_in "$LW_NS" "$LW_PY" "$LW_E2E/payload_client.py" imap mail.ordinary.co 143 \
	test@example.com
sleep 2.5
cp "$metrics" "$LW_TMP/metrics.copy" 2>/dev/null
kill -TERM "$dpid" 2>/dev/null
wait "$dpid"
lw_begin payload-daemon-clear
grep -q 'payload scan: clear' "$derr" || _lw_because "no payload line at start"
lw_expect "$out" has-verdict --type event --comm python3 --kind payload \
	--name test@example.com --verb "IMAP LOGIN"
grep -q 'leakwatch_verdicts_total{kind="payload",severity="high"} [1-9]' \
	"$LW_TMP/metrics.copy" || _lw_because "metrics lack the payload verdict"
no_password "$out" "$derr" "$LW_TMP/metrics.copy" "$dump"
lw_end

lw_begin payload-usage
"$LW_BIN" run --payload bogus -- true 2>"$LW_TMP/u1"
rc=$?
[ "$rc" = 2 ] || _lw_because "--payload bogus: exit $rc"
grep -q "is not off, clear or tls" "$LW_TMP/u1" || _lw_because "no message for --payload bogus"
lw_end

# --- --payload tls: the TLS libraries' plaintext ------------------------------------------------
# imaplib.IMAP4_SSL(...).login() on 993: OpenSSL's SSL_write_ex.
r=$LW_TMP/imaps.jsonl
rm -f "$dump"
lw_run_in "$LW_NS" "$r" "${opts[@]}" --payload tls -v -- "$LW_PY" "$LW_E2E/payload_client.py" \
	imaps imap.ordinary.co 993 test@example.com --cafile "$cert"
lw_begin payload-tls-imaps-login
lw_expect_rc 3
lw_expect_out 'imap login ok'
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm python3 --kind payload --severity high \
	--name test@example.com --verb "IMAP LOGIN" --tls true --address 198.18.0.32 --port 993
grep -q 'tied to the socket by sock_send_length' "$LW_ERR" ||
	grep -q 'tied to the socket by time window' "$LW_ERR" ||
	_lw_because "the start line does not say how TLS plaintext is tied to a socket"
no_password "$r" "$LW_ERR" "$LW_OUT" "$dump"
lw_end

r=$LW_TMP/imaps-quiet.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" --payload tls -- "$LW_PY" "$LW_E2E/payload_client.py" \
	imaps imap.ordinary.co 993 alice@ordinary.co --cafile "$cert"
lw_begin payload-tls-imaps-ordinary-quiet
lw_expect_rc 0
lw_expect_out 'imap login ok'
lw_expect "$r" no-leak
lw_end

# clear does not read TLS: the same login is not seen
r=$LW_TMP/imaps-clear.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "$LW_PY" "$LW_E2E/payload_client.py" \
	imaps imap.ordinary.co 993 test@example.com --cafile "$cert"
lw_begin payload-clear-does-not-see-tls
lw_expect_rc 0
lw_expect "$r" no-leak
lw_end

# The seed as it happened: an HTTPS autodetect request naming
# test@example.com to an ordinary host, then IMAPS LOGIN to the host it
# returned; no reserved name is resolved anywhere.
r=$LW_TMP/seed.jsonl
rm -f "$dump"
lw_run_in "$LW_NS" "$r" "${opts[@]}" --payload tls -- "$LW_PY" "$LW_E2E/payload_client.py" \
	seed autodetect.ordinary.co 443 test@example.com --cafile "$cert"
lw_begin payload-tls-seed-as-it-happened
lw_expect_rc 3
lw_expect_out 'autodetect: imap.ordinary.co:993'
lw_expect_out 'imap login ok'
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm python3 --kind payload --severity high \
	--name test@example.com --verb "IMAP LOGIN" --tls true --address 198.18.0.32 --port 993 \
	--dest-name imap.ordinary.co
lw_expect_true "the text report does not name the IMAP host, LOGIN and the token" grep -q \
	'LEAK payload (high): tcp 198.18.0.32:993 (imap.ordinary.co): IMAP LOGIN test@example.com' \
	"$LW_ERR"
lw_expect "$r" has-verdict --comm python3 --kind payload --name test@example.com \
	--verb "HTTP request line" --tls true --address 198.18.0.30 --port 443
if lw_report "$r" has-name --comm python3 >/dev/null 2>&1; then
	_lw_because "a reserved name was looked up: not the seed"
fi
no_password "$r" "$LW_ERR" "$LW_OUT" "$dump"
server_saw "http GET /autodetect"
lw_end

# curl posting JSON over HTTPS: OpenSSL's SSL_write
printf '{"email": "test@example.com", "password": "%s"}\n' "$PW" >"$body"
r=$LW_TMP/https.jsonl
lw_run_in "$LW_NS" "$r" "${opts[@]}" --payload tls -- curl -sS -m 5 --cacert "$cert" -X POST \
	-H 'Content-Type: application/json' --data-binary "@$body" https://autodetect.ordinary.co/signup
lw_begin payload-tls-curl-https-post
lw_expect_rc 3
lw_expect "$r" has-verdict --comm curl --kind payload --name test@example.com --tls true \
	--address 198.18.0.30 --port 443
no_password "$r" "$LW_ERR"
lw_end
