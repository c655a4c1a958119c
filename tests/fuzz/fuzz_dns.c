// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for the DNS parser: dns_parse() and dns_parse_tcp() on
 * the input, then every kept name through dns_name_to_text() and the JSON
 * writer, and dns_answer_addrs(). Traps on any broken invariant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "json.h"
#include "json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct json js;
static struct dns_msg msg, msg_tcp;
static uint8_t frame[2 + 65535];

/* A kept name is what the parser promised: root-terminated labels, ≤ 255. */
static void check_name(const struct dns_name *n)
{
	size_t i = 0;

	CHECK(n->len >= 1 && n->len <= 255);
	while (n->wire[i]) {
		CHECK(n->wire[i] <= 63);
		i += 1 + n->wire[i];
		CHECK(i < n->len);
	}
	CHECK(i + 1 == n->len);
}

static void check_json_string(const char *s, size_t len)
{
	const char *out;

	json_reset(&js);
	json_string_n(&js, s, len);
	CHECK(!js.oom);
	out = json_str(&js);
	CHECK(check_json(out, strlen(out)));
}

static void check_text(const struct dns_name *n)
{
	char text[DNS_TEXT_MAX];
	bool escaped = dns_name_to_text(n, text, sizeof(text));
	size_t len = strlen(text), i;

	CHECK(len > 0 && len < sizeof(text));
	if (!escaped)
		for (i = 0; i < len; i++)
			CHECK(text[i] > 0x20 && text[i] < 0x7f);
	check_json_string(text, len);
	check_json_string((const char *)n->wire, n->len);
}

static void check_msg(const struct dns_msg *m, int err)
{
	uint8_t addrs[8][16];
	size_t i;

	CHECK(err == DNS_OK || err == DNS_ERR_TRUNCATED || err == DNS_ERR_MALFORMED);
	CHECK(m->n_q <= DNS_MAX_QUESTIONS && m->n_q <= m->qdcount);
	CHECK(m->n_rr <= DNS_MAX_RRS);
	CHECK(m->n_rr + m->n_rr_dropped <= (size_t)m->ancount + m->nscount + m->arcount);
	for (i = 0; i < m->n_q; i++) {
		check_name(&m->q[i].name);
		check_text(&m->q[i].name);
	}
	for (i = 0; i < m->n_rr; i++) {
		const struct dns_rr *rr = &m->rr[i];

		CHECK(rr->section <= DNS_SEC_ADDITIONAL);
		check_name(&rr->name);
		check_text(&rr->name);
		if (rr->type == DNS_T_CNAME || rr->type == DNS_T_PTR || rr->type == DNS_T_NS ||
		    rr->type == DNS_T_MX || rr->type == DNS_T_SRV) {
			check_name(&rr->target);
			check_text(&rr->target);
		}
		if (rr->type == DNS_T_A)
			CHECK(rr->rdlength == 4 && rr->addr[10] == 0xff && rr->addr[11] == 0xff);
	}
	CHECK(dns_answer_addrs(m, addrs, 8) <= 8);
	CHECK(dns_answer_addrs(m, addrs, 1) <= 1);
	CHECK(dns_type_name(m->n_q ? m->q[0].type : 0)[0]);
	CHECK(dns_rcode_name(m->rcode)[0]);
}

/* The same message framed for TCP must parse the same way. */
static void check_tcp_agrees(const uint8_t *data, size_t size, int err)
{
	int err_tcp;

	if (size > 0xffff)
		return;
	frame[0] = (uint8_t)(size >> 8);
	frame[1] = (uint8_t)size;
	memcpy(frame + 2, data, size);
	err_tcp = dns_parse_tcp(frame, size + 2, &msg_tcp);
	CHECK(err_tcp == err);
	CHECK(msg_tcp.n_q == msg.n_q && msg_tcp.n_rr == msg.n_rr &&
	      msg_tcp.n_rr_dropped == msg.n_rr_dropped);
	if (msg.n_rr) {
		const struct dns_rr *a = &msg.rr[msg.n_rr - 1], *b = &msg_tcp.rr[msg.n_rr - 1];

		CHECK(a->type == b->type && a->rdlength == b->rdlength);
		CHECK(dns_name_equal(&a->name, &b->name) && !memcmp(a->addr, b->addr, 16));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int err;

	static bool ready;

	if (!ready) {
		json_init(&js);
		ready = true;
	}

	err = dns_parse(data, size, &msg);
	check_msg(&msg, err);
	check_tcp_agrees(data, size, err);

	err = dns_parse_tcp(data, size, &msg);
	check_msg(&msg, err);
	if (size < 2)
		CHECK(err == DNS_ERR_TRUNCATED);
	return 0;
}
