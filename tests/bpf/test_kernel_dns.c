// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's DNS logic in the running kernel, with BPF_PROG_TEST_RUN on
 * crafted Ethernet frames: label walk, suffix match, taint, pending join,
 * answer set, family rules, and what it gives up on. Every packet the
 * kernel reports is cross-checked against the userspace parser and policy:
 * both must name the same reserved suffix.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dns.h"
#include "dns_build.h"
#include "leakwatch.h" /* before the skeleton: its types */
#include "kernel_dns_test.skel.h"
#include "policy.h"
#include "proc.h"
#include "sensor.h"
#include "test.h"

#define TEST_COOKIE 0x1eaf

static struct kernel_dns_bpf *skel;
static struct ring_buffer *rb;
static struct policy policy;

/* The last events the ring buffer delivered, for the assertions. */
static struct lw_dns_event last;
static struct lw_libc_event last_libc;
static int n_events;

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(last_libc))
		memcpy(&last_libc, data, sizeof(last_libc));
	else if (size >= sizeof(last))
		memcpy(&last, data, sizeof(last));
	n_events++;
	return 0;
}

/* Wrap a DNS message in Ethernet + IPv4/IPv6 + UDP. to_server: a query to
 * port 53, else a response from it. */
static size_t frame(uint8_t *out, const uint8_t *msg, size_t len, bool v6, bool to_server)
{
	uint16_t sport = htons(to_server ? 40000 : 53), dport = htons(to_server ? 53 : 40000);
	uint16_t ulen = htons(len + 8);
	size_t off = 14, ip;

	memset(out, 0, 14 + 40 + 8);
	out[12] = v6 ? 0x86 : 0x08;
	out[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		uint16_t plen = htons(len + 8);

		out[off] = 0x60;
		memcpy(&out[off + 4], &plen, 2);
		out[off + 6] = 17;
		out[off + 7] = 64;
		out[off + 23] = 1; /* ::1 both ways */
		out[off + 39] = 1;
		ip = 40;
	} else {
		uint16_t tlen = htons(20 + 8 + len);

		out[off] = 0x45;
		memcpy(&out[off + 2], &tlen, 2);
		out[off + 8] = 64;
		out[off + 9] = 17;
		out[off + 12] = 127, out[off + 15] = 1;
		out[off + 16] = 127, out[off + 19] = 1;
		ip = 20;
	}
	memcpy(&out[off + ip], &sport, 2);
	memcpy(&out[off + ip + 2], &dport, 2);
	memcpy(&out[off + ip + 4], &ulen, 2);
	memcpy(&out[off + ip + 8], msg, len);
	return off + ip + 8 + len;
}

/* Wrap a DNS message in Ethernet + IPv4/IPv6 + TCP (no options) with the
 * RFC 7766 length prefix; prefix_len overrides the prefix (0: len). */
static size_t frame_tcp(uint8_t *out, const uint8_t *msg, size_t len, bool v6, bool to_server,
			size_t prefix_len)
{
	uint16_t sport = htons(to_server ? 40000 : 53), dport = htons(to_server ? 53 : 40000);
	uint16_t pfx = htons(prefix_len ? prefix_len : len);
	size_t off = 14, ip, tcp_len = 20 + (len || prefix_len ? 2 + len : 0);

	memset(out, 0, 14 + 40 + 20 + 2);
	out[12] = v6 ? 0x86 : 0x08;
	out[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		uint16_t plen = htons(tcp_len);

		out[off] = 0x60;
		memcpy(&out[off + 4], &plen, 2);
		out[off + 6] = 6;
		out[off + 7] = 64;
		out[off + 23] = 1;
		out[off + 39] = 1;
		ip = 40;
	} else {
		uint16_t tlen = htons(20 + tcp_len);

		out[off] = 0x45;
		memcpy(&out[off + 2], &tlen, 2);
		out[off + 8] = 64;
		out[off + 9] = 6;
		out[off + 12] = 127, out[off + 15] = 1;
		out[off + 16] = 127, out[off + 19] = 1;
		ip = 20;
	}
	memcpy(&out[off + ip], &sport, 2);
	memcpy(&out[off + ip + 2], &dport, 2);
	out[off + ip + 12] = 5 << 4; /* data offset: 20 bytes */
	out[off + ip + 13] = 0x18;   /* PSH ACK */
	if (tcp_len > 20) {
		memcpy(&out[off + ip + 20], &pfx, 2);
		memcpy(&out[off + ip + 22], msg, len);
	}
	return off + ip + tcp_len;
}

static int run_tcp(struct bpf_program *prog, const uint8_t *msg, size_t len, bool v6,
		   size_t prefix_len)
{
	uint8_t pkt[14 + 40 + 22 + 1024];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = 1);
	int err;

	opts.data_size_in =
		frame_tcp(pkt, msg, len, v6, prog == skel->progs.test_tcp_query, prefix_len);
	n_events = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err;
	ring_buffer__consume(rb);
	return opts.retval == 1 ? 0 : -EINVAL;
}

static int run_prog(struct bpf_program *prog, const uint8_t *msg, size_t len, bool v6)
{
	uint8_t pkt[14 + 40 + 8 + 1024];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = 1);
	int err;

	opts.data_size_in = frame(pkt, msg, len, v6, prog == skel->progs.test_query);
	n_events = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err;
	ring_buffer__consume(rb);
	return opts.retval == 1 ? 0 : -EINVAL;
}

static uint64_t stat_get(unsigned int idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu], sum = 0;
	int i;

	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &idx, vals))
		return ~0ull;
	for (i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static size_t build_query(uint8_t *buf, uint16_t id, const char *name, uint16_t type)
{
	struct dnsb b;

	dnsb_init(&b, buf, 512);
	dnsb_header(&b, id, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_question(&b, name, type, DNSB_C_IN);
	return b.len;
}

static size_t build_a_response(uint8_t *buf, uint16_t id, const char *name, const uint8_t a[4])
{
	struct dnsb b;

	dnsb_init(&b, buf, 512);
	dnsb_header(&b, id, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, name, DNSB_T_A, DNSB_C_IN);
	dnsb_a_p(&b, DNSB_QNAME, 60, a);
	return b.len;
}

/* The userspace parser and policy on the same message. */
static long user_suffix_id(const uint8_t *msg, size_t len)
{
	static struct dns_msg m;
	const struct reserved_suffix *s;

	if (dns_parse(msg, len, &m) != DNS_OK || !m.n_q)
		return -1;
	s = policy_match_wire(&policy, m.q[0].name.wire, m.q[0].name.len);
	return s ? s - policy.suffixes : -1;
}

static bool taint_has_me(void)
{
	struct lw_taint t;
	uint32_t tgid = getpid();

	return !bpf_map_lookup_elem(bpf_map__fd(skel->maps.taint), &tgid, &t);
}

static void clear_taint(void)
{
	uint32_t tgid = getpid();

	bpf_map_delete_elem(bpf_map__fd(skel->maps.taint), &tgid);
}

static void test_reserved_query_taints(void)
{
	uint8_t msg[512];
	size_t len = build_query(msg, 0x1001, "autodiscover.example.com", DNSB_T_A);

	clear_taint();
	if (!ASSERT_OK(run_prog(skel->progs.test_query, msg, len, false), "test run"))
		return;
	ASSERT_EQ(n_events, 1, "one query event");
	ASSERT_EQ(last.hdr.type, LW_EV_DNS_QUERY, "event type");
	ASSERT_EQ(last.family, LW_FAMILY_IANA, "family");
	ASSERT_EQ(last.suffix_id, user_suffix_id(msg, len), "kernel and userspace agree");
	ASSERT_STREQ(policy.suffixes[last.suffix_id].name, "example.com", "suffix");
	ASSERT_EQ(last.hdr.proc.tgid, getpid(), "asker is us");
	ASSERT_EQ(last.payload_len, len, "payload length");
	ASSERT_TRUE(!memcmp(last.payload, msg, len), "payload bytes");
	ASSERT_TRUE(taint_has_me(), "tainted");
}

static void test_ordinary_query_quiet(void)
{
	static const char *const names[] = {
		"notexample.com", "example.com.evil.org", "www.google.com",
		"testing",	  "localhostx",		  "example.co",
	};
	uint8_t msg[512];
	size_t i, len;

	clear_taint();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		len = build_query(msg, 0x2000 + i, names[i], DNSB_T_A);
		ASSERT_OK(run_prog(skel->progs.test_query, msg, len, false), names[i]);
		ASSERT_EQ(n_events, 0, names[i]);
		ASSERT_EQ(user_suffix_id(msg, len), -1, "userspace agrees");
	}
	ASSERT_FALSE(taint_has_me(), "not tainted");
}

static void test_case_and_labels(void)
{
	static const char *const names[] = {
		"AutoDiscover.EXAMPLE.Com",
		"x.TEST",
		"a.b.c.d.e.f.g.h.i.j.home.arpa",
		"printer.local",
		"foo.localhost",
		"site.internal",
		"x.onion",
		"v.alt",
		"example",
		"_autodiscover._tcp.example.org",
	};
	uint8_t msg[512];
	size_t i, len;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		len = build_query(msg, 0x3000 + i, names[i], DNSB_T_AAAA);
		ASSERT_OK(run_prog(skel->progs.test_query, msg, len, i % 2), names[i]);
		if (!ASSERT_EQ(n_events, 1, names[i]))
			continue;
		ASSERT_EQ(last.suffix_id, user_suffix_id(msg, len), names[i]);
	}
}

/* 120 one-byte labels before .test: the kernel must still find the
 * suffix (a label cap would let a client evade the taint). */
static void test_many_labels(void)
{
	char name[300];
	uint8_t msg[512];
	size_t i, len;

	for (i = 0; i < 120; i++)
		memcpy(&name[i * 2], "a.", 2);
	strcpy(&name[240], "test");
	len = build_query(msg, 0x4000, name, DNSB_T_A);
	ASSERT_OK(run_prog(skel->progs.test_query, msg, len, false), "run");
	ASSERT_EQ(n_events, 1, "reserved found after 120 labels");
	ASSERT_EQ(last.suffix_id, user_suffix_id(msg, len), "agree");
}

static void test_response_records_answer(void)
{
	static const uint8_t global[4] = { 93, 184, 216, 34 };
	uint8_t msg[512], key[16] = { [10] = 0xff, [11] = 0xff, 93, 184, 216, 34 };
	struct lw_answer a;
	size_t len;

	len = build_query(msg, 0x5000, "www.example.com", DNSB_T_A);
	ASSERT_OK(run_prog(skel->progs.test_query, msg, len, false), "query");
	len = build_a_response(msg, 0x5000, "www.example.com", global);
	if (!ASSERT_OK(run_prog(skel->progs.test_response, msg, len, false), "response"))
		return;
	ASSERT_EQ(n_events, 1, "response event");
	ASSERT_EQ(last.hdr.type, LW_EV_DNS_RESPONSE, "type");
	ASSERT_TRUE(last.flags & LW_DNS_RESERVED, "reserved flag");
	ASSERT_FALSE(last.flags & LW_DNS_KERNEL_GAVEUP, "parsed fully");
	if (ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(skel->maps.answers), key, &a),
		      "in answer set"))
		ASSERT_EQ(a.owner.tgid, getpid(), "owner");
}

static void test_nonglobal_answer_not_kept(void)
{
	static const uint8_t priv[4] = { 10, 1, 2, 3 };
	uint8_t msg[512], key[16] = { [10] = 0xff, [11] = 0xff, 10, 1, 2, 3 };
	struct lw_answer a;
	size_t len;

	len = build_query(msg, 0x5100, "myapp.test", DNSB_T_A);
	run_prog(skel->progs.test_query, msg, len, false);
	len = build_a_response(msg, 0x5100, "myapp.test", priv);
	ASSERT_OK(run_prog(skel->progs.test_response, msg, len, false), "response");
	ASSERT_EQ(n_events, 1, "reported");
	ASSERT_FALSE(last.flags & LW_DNS_SUSPICIOUS, "private answer for .test is fine");
	ASSERT_TRUE(bpf_map_lookup_elem(bpf_map__fd(skel->maps.answers), key, &a) != 0,
		    "not in the answer set");
}

static void test_loopback_rule(void)
{
	static const uint8_t global[4] = { 8, 8, 4, 4 }, lo[4] = { 127, 0, 0, 9 };
	uint8_t msg[512];
	size_t len;

	len = build_query(msg, 0x5200, "foo.localhost", DNSB_T_A);
	run_prog(skel->progs.test_query, msg, len, false);
	len = build_a_response(msg, 0x5200, "foo.localhost", global);
	ASSERT_OK(run_prog(skel->progs.test_response, msg, len, false), "run");
	ASSERT_TRUE(n_events == 1 && (last.flags & LW_DNS_SUSPICIOUS), "global for .localhost");

	len = build_query(msg, 0x5201, "bar.localhost", DNSB_T_A);
	run_prog(skel->progs.test_query, msg, len, false);
	len = build_a_response(msg, 0x5201, "bar.localhost", lo);
	ASSERT_OK(run_prog(skel->progs.test_response, msg, len, false), "run");
	ASSERT_TRUE(n_events == 1 && !(last.flags & LW_DNS_SUSPICIOUS), "loopback is fine");
}

static void test_unsolicited_response(void)
{
	static const uint8_t global[4] = { 93, 184, 216, 99 };
	uint8_t msg[512];
	uint64_t before = stat_get(LW_STAT_DNS_UNSOLICITED);
	size_t len = build_a_response(msg, 0x7777, "evil.example.com", global);

	ASSERT_OK(run_prog(skel->progs.test_response, msg, len, false), "run");
	ASSERT_EQ(n_events, 0, "no event for a response nobody asked");
	ASSERT_EQ(stat_get(LW_STAT_DNS_UNSOLICITED), before + 1, "counted");
}

/* Hostile answers: a compression loop, a pointer past the end, a lying
 * count. The kernel stops safely, flags the event, counts it. */
static void test_hostile_answers(void)
{
	uint8_t msg[512];
	uint64_t before = stat_get(LW_STAT_DNS_MALFORMED);
	struct dnsb b;
	size_t len;

	len = build_query(msg, 0x6000, "loop.example.net", DNSB_T_A);
	run_prog(skel->progs.test_query, msg, len, false);
	dnsb_init(&b, msg, sizeof(msg));
	dnsb_header(&b, 0x6000, DNSB_RESPONSE, 1, 40, 0, 0);
	dnsb_question(&b, "loop.example.net", DNSB_T_A, DNSB_C_IN);
	dnsb_u8(&b, 0x3f); /* a 63-byte label running off the end */
	ASSERT_OK(run_prog(skel->progs.test_response, msg, b.len, false), "run");
	ASSERT_EQ(n_events, 1, "still reported (userspace re-parses)");
	ASSERT_TRUE(last.flags & LW_DNS_KERNEL_GAVEUP, "gave up");
	ASSERT_EQ(stat_get(LW_STAT_DNS_MALFORMED), before + 1, "counted");

	/* A compressed qname: the kernel does not follow it, and says nothing. */
	dnsb_init(&b, msg, sizeof(msg));
	dnsb_header(&b, 0x6001, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_ptr(&b, 12);
	dnsb_u16(&b, 1);
	dnsb_u16(&b, 1);
	ASSERT_OK(run_prog(skel->progs.test_query, msg, b.len, false), "self pointer");
	ASSERT_EQ(n_events, 0, "ignored");
	ASSERT_TRUE(dns_parse(msg, b.len, &(struct dns_msg){}) != DNS_OK,
		    "userspace refuses it too");
}

static void test_truncated_and_short(void)
{
	uint8_t msg[512];
	size_t len = build_query(msg, 0x6100, "cut.example.com", DNSB_T_A);
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		ASSERT_OK(run_prog(skel->progs.test_query, msg, cut, false), "run");
		if (n_events)
			ASSERT_EQ(last.suffix_id, user_suffix_id(msg, cut), "agree when reported");
	}
}

static void test_tcp_query_response(void)
{
	static const uint8_t global[4] = { 93, 184, 216, 77 };
	uint8_t msg[512], key[16] = { [10] = 0xff, [11] = 0xff, 93, 184, 216, 77 };
	struct lw_answer a;
	size_t len;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		clear_taint();
		len = build_query(msg, 0x7100 + v6, "tcp.example.net", DNSB_T_A);
		if (!ASSERT_OK(run_tcp(skel->progs.test_tcp_query, msg, len, v6, 0), "tcp query"))
			return;
		ASSERT_EQ(n_events, 1, "query event over tcp");
		ASSERT_EQ(last.proto, IPPROTO_TCP, "proto tcp");
		ASSERT_EQ(last.peer_port, 53, "peer port");
		ASSERT_EQ(last.wire_len, len, "wire length from the prefix");
		ASSERT_EQ(last.suffix_id, user_suffix_id(msg, len), "kernel and userspace agree");
		ASSERT_TRUE(taint_has_me(), "tainted over tcp");
		len = build_a_response(msg, 0x7100 + v6, "tcp.example.net", global);
		ASSERT_OK(run_tcp(skel->progs.test_tcp_response, msg, len, v6, 0), "tcp response");
		ASSERT_EQ(n_events, 1, "response event over tcp (pending joined)");
		ASSERT_EQ(last.hdr.type, LW_EV_DNS_RESPONSE, "type");
		ASSERT_TRUE(!bpf_map_lookup_elem(bpf_map__fd(skel->maps.answers), key, &a),
			    "tcp answer in the answer set");
		bpf_map_delete_elem(bpf_map__fd(skel->maps.answers), key);
	}
}

/* Segments that do not start a DNS message: no payload (handshake, pure
 * ACK), a length prefix too short for a header, a continuation. */
static void test_tcp_not_dns(void)
{
	uint8_t msg[512] = { 0 };
	size_t len;

	ASSERT_OK(run_tcp(skel->progs.test_tcp_query, msg, 0, false, 0), "no payload");
	ASSERT_EQ(n_events, 0, "nothing for a segment without payload");
	len = build_query(msg, 0x7200, "short.example.net", DNSB_T_A);
	ASSERT_OK(run_tcp(skel->progs.test_tcp_query, msg, len, false, 5), "short prefix");
	ASSERT_EQ(n_events, 0, "nothing for a prefix under a header");
	memset(msg, 0xc0, sizeof(msg));
	ASSERT_OK(run_tcp(skel->progs.test_tcp_query, msg, 100, false, 0), "continuation");
	ASSERT_EQ(n_events, 0, "nothing for bytes that are not a question");
	len = build_a_response(msg, 0x7300, "nobody.example.net", (const uint8_t[4]){ 1, 2, 3, 4 });
	ASSERT_OK(run_tcp(skel->progs.test_tcp_response, msg, len, false, 0), "unsolicited");
	ASSERT_EQ(n_events, 0, "no response event without its query");
}

static int run_libc(uint8_t func, const char *name, const void *result, long ret)
{
	uint64_t args[4] = { func, (uint64_t)(uintptr_t)name, (uint64_t)(uintptr_t)result,
			     (uint64_t)ret };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
	int err;

	n_events = 0;
	memset(&last_libc, 0, sizeof(last_libc));
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.test_libc), &opts);
	if (err)
		return err;
	ring_buffer__consume(rb);
	return 0;
}

/* getaddrinfo's list as glibc builds it: each address once per socket type,
 * consecutively; IPv6 and IPv4; the kernel keeps the distinct ones. */
static void test_libc_getaddrinfo(void)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct addrinfo ai[4] = {}, *res = &ai[0];
	uint8_t key[16] = { [10] = 0xff, [11] = 0xff, 93, 184, 216, 9 };
	struct lw_answer a;
	int i;

	inet_pton(AF_INET, "93.184.216.9", &in4.sin_addr);
	inet_pton(AF_INET6, "2001:db8::9", &in6.sin6_addr);
	for (i = 0; i < 4; i++) {
		ai[i].ai_family = i < 3 ? AF_INET : AF_INET6;
		ai[i].ai_addr = i < 3 ? (struct sockaddr *)&in4 : (struct sockaddr *)&in6;
		ai[i].ai_addrlen = i < 3 ? sizeof(in4) : sizeof(in6);
		ai[i].ai_next = i < 3 ? &ai[i + 1] : NULL;
	}
	clear_taint();
	if (!ASSERT_OK(run_libc(LW_LIBC_GETADDRINFO, "Hosts.EXAMPLE.net.", &res, 0), "run"))
		return;
	ASSERT_EQ(n_events, 1, "one libc event");
	ASSERT_EQ(last_libc.hdr.type, LW_EV_LIBC_LOOKUP, "type");
	ASSERT_STREQ(last_libc.name, "Hosts.EXAMPLE.net.", "name as asked");
	ASSERT_TRUE(last_libc.flags & LW_DNS_RESERVED, "reserved");
	ASSERT_EQ(last_libc.suffix_id,
		  (uint32_t)(policy_match_name(&policy, "hosts.example.net") - policy.suffixes),
		  "kernel and userspace agree on the suffix");
	ASSERT_EQ(last_libc.n_addrs, 2, "distinct addresses");
	ASSERT_TRUE(!memcmp(last_libc.addrs[0], key, 16), "the IPv4 answer, v4-mapped");
	ASSERT_TRUE(taint_has_me(), "tainted by a libc lookup");
	ASSERT_TRUE(!bpf_map_lookup_elem(bpf_map__fd(skel->maps.answers), key, &a),
		    "global libc answer in the answer set");

	/* a failed call: the name still taints, no answers are read */
	clear_taint();
	ASSERT_OK(run_libc(LW_LIBC_GETADDRINFO, "nothing.invalid", &res, -2), "run");
	ASSERT_TRUE(n_events == 1 && last_libc.n_addrs == 0 && last_libc.ret == -2,
		    "reported without answers");
	ASSERT_TRUE(last_libc.flags & LW_DNS_SUSPICIOUS, ".invalid opens a window");
}

static void test_libc_hostent(void)
{
	static uint8_t a1[4] = { 127, 0, 0, 1 }, a2[4] = { 8, 8, 8, 8 };
	char *list[] = { (char *)a1, (char *)a2, NULL };
	struct hostent he = { .h_addrtype = AF_INET, .h_length = 4, .h_addr_list = list };
	struct hostent *hp = &he;

	ASSERT_OK(run_libc(LW_LIBC_GETHOSTBYNAME, "app.localhost", &he, (long)(uintptr_t)&he),
		  "gethostbyname");
	ASSERT_TRUE(n_events == 1 && last_libc.n_addrs == 2, "two answers");
	ASSERT_TRUE(last_libc.flags & LW_DNS_SUSPICIOUS, "8.8.8.8 for .localhost breaks the rule");
	ASSERT_OK(run_libc(LW_LIBC_GETHOSTBYNAME_R, "x.test", &hp, 0), "gethostbyname_r");
	ASSERT_TRUE(n_events == 1 && last_libc.n_addrs == 2 && last_libc.family == LW_FAMILY_LOCAL,
		    "_r form walks *result");
}

static void test_libc_names(void)
{
	static const char *const quiet[] = {
		"www.google.com", "a..example.com",   ".", "", "notexample.com",
		"192.0.2.1",	  "example.com.evil",
	};
	char long_label[80];
	size_t i;

	clear_taint();
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		ASSERT_OK(run_libc(LW_LIBC_GETADDRINFO, quiet[i], NULL, -2), quiet[i]);
		ASSERT_EQ(n_events, 0, quiet[i]);
	}
	memset(long_label, 'a', 64);
	strcpy(&long_label[64], ".test");
	ASSERT_OK(run_libc(LW_LIBC_GETADDRINFO, long_label, NULL, -2), "64-byte label");
	ASSERT_EQ(n_events, 0, "a label over 63 bytes is not a name");
	ASSERT_OK(run_libc(LW_LIBC_GETADDRINFO, "EXAMPLE", NULL, -2), "bare suffix");
	ASSERT_EQ(n_events, 1, "the suffix itself is reserved");
}

/* --- differential fuzzing ------------------------------------------------------ */

/*
 * Random and mutated messages through the kernel's DNS logic and the
 * userspace parser, which must agree on every packet both accept:
 *   - a query the kernel reports names the suffix userspace names;
 *   - a query userspace parses cleanly (uncompressed question, QR=0) under
 *     a reserved suffix is one the kernel reports;
 *   - a response the kernel reports (its query pending) names the same
 *     suffix, and every address it put in the answer set is the rdata of an
 *     A/AAAA record userspace parsed in the answer section.
 * Bounded by LW_DIFF_SECONDS (default 10) so CI runs it every time.
 */
struct diff_stats {
	unsigned long packets, kernel_reported, both, disagreements;
};

static uint32_t rng_state = 0x1eaf5eed;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static size_t diff_seeds(uint8_t seeds[][512], size_t *lens, size_t max)
{
	static const char *const names[] = {
		"autodiscover.example.com",
		"x.test",
		"foo.localhost",
		"a.b.internal",
		"www.example.org",
		"printer.local",
		"q.invalid",
		"ordinary.example.co",
		"ipv4only.arpa",
		"_autodiscover._tcp.example.net",
	};
	static const uint8_t a[4] = { 93, 184, 216, 34 }, lo[4] = { 127, 0, 0, 1 };
	size_t n = 0, i;
	struct dnsb b;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && n + 3 <= max; i++) {
		lens[n] =
			build_query(seeds[n], 0x100 + i, names[i], i % 2 ? DNSB_T_AAAA : DNSB_T_A);
		n++;
		lens[n] = build_a_response(seeds[n], 0x200 + i, names[i], i % 3 ? a : lo);
		n++;
		dnsb_init(&b, seeds[n], 512);
		dnsb_header(&b, 0x300 + i, DNSB_RESPONSE, 1, 2, 0, 0);
		dnsb_question(&b, names[i], DNSB_T_A, DNSB_C_IN);
		dnsb_a_p(&b, dnsb_cname_p(&b, DNSB_QNAME, 60, "alias", DNSB_QNAME), 60, a);
		lens[n++] = b.len;
	}
	return n;
}

static void mutate(uint8_t *m, size_t *len)
{
	uint32_t k, r = rnd() % 8;

	switch (r) {
	case 0: /* flip bytes */
		for (k = rnd() % 4 + 1; k; k--)
			if (*len)
				m[rnd() % *len] ^= 1u << (rnd() % 8);
		break;
	case 1: /* random bytes */
		for (k = rnd() % 4 + 1; k; k--)
			if (*len)
				m[rnd() % *len] = rnd();
		break;
	case 2: /* truncate */
		if (*len)
			*len = rnd() % *len;
		break;
	case 3: /* lie in a count */
		if (*len >= 12)
			m[4 + 2 * (rnd() % 4) + 1] = rnd() % 64;
		break;
	case 4: /* a compression pointer somewhere */
		if (*len >= 14) {
			k = 12 + rnd() % (*len - 13);
			m[k] = 0xc0 | (rnd() % 2);
			m[k + 1] = rnd();
		}
		break;
	case 5: /* extend with garbage */
		while (*len < 512 && rnd() % 8)
			m[(*len)++] = rnd();
		break;
	case 6: /* a random label length byte */
		if (*len > 12)
			m[12 + rnd() % (*len - 12)] = rnd() % 70;
		break;
	default: /* wholly random */
		*len = rnd() % 300;
		for (k = 0; k < *len; k++)
			m[k] = rnd();
		break;
	}
}

static bool userspace_reserved_clean_query(const struct dns_msg *m, long id, const uint8_t *msg)
{
	/* What the kernel needs to see a query: QR clear, the first
	 * question uncompressed right after the header. */
	return !(msg[2] & 0x80) && m->n_q && id >= 0 && m->qdcount;
}

/* Every address in the answer map must be an A/AAAA rdata userspace saw in
 * the answer section. Clears the map. */
static bool answers_subset(const struct dns_msg *m)
{
	int fd = bpf_map__fd(skel->maps.answers);
	uint8_t key[16], next[16];
	bool ok = true, first = true;
	size_t i;

	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		bool seen = false;

		for (i = 0; i < m->n_rr; i++)
			seen |= m->rr[i].section == DNS_SEC_ANSWER &&
				(m->rr[i].type == DNS_T_A || m->rr[i].type == DNS_T_AAAA) &&
				!memcmp(m->rr[i].addr, next, 16);
		ok &= seen;
		memcpy(key, next, 16);
		first = false;
	}
	while (!bpf_map_get_next_key(fd, NULL, next))
		bpf_map_delete_elem(fd, next);
	return ok;
}

static void diff_one(uint8_t *msg, size_t len, struct diff_stats *st)
{
	static struct dns_msg m;
	struct lw_pending_key pk = { .cookie = TEST_COOKIE };
	const struct reserved_suffix *sfx;
	uint64_t now = 1;
	long uid = -1;
	int perr;

	st->packets++;
	perr = dns_parse(msg, len, &m);
	if (perr == DNS_OK && m.n_q) {
		sfx = policy_match_wire(&policy, m.q[0].name.wire, m.q[0].name.len);
		uid = sfx ? sfx - policy.suffixes : -1;
	}
	if (len >= 12 && !(msg[2] & 0x80)) {
		run_prog(skel->progs.test_query, msg, len, false);
		if (n_events)
			st->kernel_reported++;
		if (n_events && perr == DNS_OK) {
			st->both++;
			if (last.suffix_id != (uint32_t)uid) {
				st->disagreements++;
				fprintf(stderr, "  query: kernel suffix %u, userspace %ld\n",
					last.suffix_id, uid);
			}
		} else if (!n_events && perr == DNS_OK &&
			   userspace_reserved_clean_query(&m, uid, msg) &&
			   (size_t)m.q[0].name.len + 16 <= len) {
			/* userspace sees a reserved query the kernel missed:
			 * only acceptable if its name was compressed */
			if (msg[12] < 64 && memmem(msg + 12, len - 12, m.q[0].name.wire,
						   m.q[0].name.len) == msg + 12) {
				st->disagreements++;
				fprintf(stderr, "  query: reserved (suffix %ld), kernel silent\n",
					uid);
			}
		}
		return;
	}
	if (len >= 12) {
		pk.dns_id = (uint16_t)(msg[0] << 8 | msg[1]);
		bpf_map_update_elem(bpf_map__fd(skel->maps.pending), &pk, &now, BPF_ANY);
		run_prog(skel->progs.test_response, msg, len, false);
		if (n_events)
			st->kernel_reported++;
		if (n_events && perr == DNS_OK && (last.flags & LW_DNS_RESERVED)) {
			st->both++;
			if (last.suffix_id != (uint32_t)uid || !answers_subset(&m)) {
				st->disagreements++;
				fprintf(stderr,
					"  response: kernel suffix %u, userspace %ld, or an answer "
					"userspace did not see\n",
					last.suffix_id, uid);
			}
		}
		answers_subset(&m); /* clear */
		bpf_map_delete_elem(bpf_map__fd(skel->maps.pending), &pk);
	}
}

static void test_differential_fuzz(void)
{
	static uint8_t seeds[64][512], msg[1024];
	const char *env = getenv("LW_DIFF_SECONDS");
	double limit = env ? atof(env) : 10;
	struct diff_stats st = { 0 };
	size_t lens[64], n, len;
	struct timespec t0, t;

	n = diff_seeds(seeds, lens, 64);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		size_t i = rnd() % n;

		memcpy(msg, seeds[i], lens[i]);
		len = lens[i];
		mutate(msg, &len);
		if (rnd() % 2)
			mutate(msg, &len);
		diff_one(msg, len, &st);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < limit &&
		 st.disagreements < 10);
	fprintf(stderr,
		"  differential: %lu packets, %lu reported by the kernel, %lu accepted by "
		"both, %lu disagreements\n",
		st.packets, st.kernel_reported, st.both, st.disagreements);
	ASSERT_EQ(st.disagreements, 0, "kernel and userspace disagree");
	ASSERT_TRUE(st.both > 100, "enough packets accepted by both to mean something");
}

static int setup(void)
{
	int err;

	skel = kernel_dns_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "open/load: %s\n", strerror(errno));
		return -1;
	}
	if (policy_init(&policy))
		return -1;
	err = sensor_fill_suffixes(bpf_map__fd(skel->maps.suffixes), &policy);
	err = err ?: sensor_fill_addr_class(bpf_map__fd(skel->maps.addr_class), &policy);
	if (err) {
		fprintf(stderr, "fill maps: %s\n", strerror(-err));
		return -1;
	}
	skel->data->cfg_window_ns = 60ull * 1000000000ull;
	skel->bss->test_tgid = getpid();
	skel->bss->test_start_ns = proc_start_ns(getpid());
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	return rb ? 0 : -1;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: test_kernel_dns: needs root to load BPF programs\n");
		return 0;
	}
	if (setup()) {
		printf("FAIL: test_kernel_dns: setup failed\n");
		return 1;
	}
	RUN_TEST(test_reserved_query_taints);
	RUN_TEST(test_ordinary_query_quiet);
	RUN_TEST(test_case_and_labels);
	RUN_TEST(test_many_labels);
	RUN_TEST(test_response_records_answer);
	RUN_TEST(test_nonglobal_answer_not_kept);
	RUN_TEST(test_loopback_rule);
	RUN_TEST(test_unsolicited_response);
	RUN_TEST(test_hostile_answers);
	RUN_TEST(test_truncated_and_short);
	RUN_TEST(test_tcp_query_response);
	RUN_TEST(test_tcp_not_dns);
	RUN_TEST(test_libc_getaddrinfo);
	RUN_TEST(test_libc_hostent);
	RUN_TEST(test_libc_names);
	RUN_TEST(test_differential_fuzz);
	ring_buffer__free(rb);
	kernel_dns_bpf__destroy(skel);
	policy_free(&policy);
	return test_summary();
}
