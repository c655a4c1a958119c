// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's destination decision (bpf/dest.bpf.h) in the running
 * kernel, with BPF_PROG_TEST_RUN: one case per input it decides on. Is
 * the process tainted, and is its follow-on window open; is the address
 * in the answer set, and does the hot-path filter let the maps be asked;
 * is the address global; is the process watched; is --enforce on. The
 * port and protocol are reported as given, never decided on. Each case
 * checks the verdict (1 lets the traffic go, 0 refuses it) and the event.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "leakwatch.h" /* before the skeleton: its types */
#include "dest_test.skel.h"
#include "policy.h"
#include "sensor.h"
#include "test.h"

#define SUFFIX_ID 7

static struct dest_bpf *skel;
static struct ring_buffer *rb;
static struct policy policy;
static struct lw_connect_event last;
static int n_events;

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(last))
		memcpy(&last, data, sizeof(last));
	n_events++;
	return 0;
}

static void unload(void)
{
	ring_buffer__free(rb);
	rb = NULL;
	dest_bpf__destroy(skel);
	skel = NULL;
}

/* A fresh object with --enforce and `daemon`'s watch-everything set as
 * given (read-only data: fixed at load, as the loader fixes them). */
static int load(bool enforce, bool watch_all)
{
	int err;

	unload();
	skel = dest_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->cfg_enforce = enforce;
	skel->rodata->cfg_watch_all = watch_all;
	err = dest_bpf__load(skel);
	err = err ?: sensor_fill_suffixes(bpf_map__fd(skel->maps.suffixes), &policy);
	err = err ?: sensor_fill_addr_class(bpf_map__fd(skel->maps.addr_class), &policy);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		return err;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	return rb ? 0 : -errno;
}

static int run(struct bpf_program *prog, uint64_t a0, uint64_t a1)
{
	uint64_t args[2] = { a0, a1 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

/* Nothing tainted, no answers, nothing watched, the filter empty. */
static void reset(void)
{
	uint32_t tgid = getpid();
	uint8_t key[16], next[16];
	int fd = bpf_map__fd(skel->maps.answers);

	memset(&skel->bss->lw_filter, 0, sizeof(skel->bss->lw_filter));
	bpf_map_delete_elem(bpf_map__fd(skel->maps.taint), &tgid);
	bpf_map_delete_elem(bpf_map__fd(skel->maps.watched), &tgid);
	while (!bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, 16);
		bpf_map_delete_elem(fd, key);
	}
	ring_buffer__consume(rb);
	n_events = 0;
	memset(&last, 0, sizeof(last));
}

static void set_addr(const char *text)
{
	uint8_t *a = skel->bss->test_addr;

	memset(a, 0, 16);
	if (inet_pton(AF_INET, text, &a[12]) == 1)
		a[10] = a[11] = 0xff;
	else if (inet_pton(AF_INET6, text, a) != 1)
		abort();
}

static void taint_me(bool suspicious)
{
	ASSERT_OK(run(skel->progs.test_taint, suspicious, 0), "taint");
}

static void answer(const char *addr)
{
	set_addr(addr);
	ASSERT_OK(run(skel->progs.test_answer, SUFFIX_ID, LW_FAMILY_IANA), "answer");
}

/* The verdict for traffic of the test process to addr:port: 1 goes, 0
 * refused; the event, if any, in last. */
static int send_to(const char *addr, uint16_t port, uint8_t proto)
{
	set_addr(addr);
	skel->bss->test_port = port;
	skel->bss->test_proto = proto;
	skel->bss->test_ret = -1;
	n_events = 0;
	memset(&last, 0, sizeof(last));
	if (run(skel->progs.test_check, 0, 0))
		return -1;
	ring_buffer__consume(rb);
	return skel->bss->test_ret;
}

/* The same from a socket's stored owner (egress: no current task). */
static int send_as_owner(const char *addr, uint16_t port, uint8_t proto)
{
	set_addr(addr);
	skel->bss->test_port = port;
	skel->bss->test_proto = proto;
	skel->bss->test_ret = -1;
	n_events = 0;
	memset(&last, 0, sizeof(last));
	if (run(skel->progs.test_check_owner, 0, 0))
		return -1;
	ring_buffer__consume(rb);
	return skel->bss->test_ret;
}

static uint64_t stat_value(uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;
	int i;

	v = calloc(ncpu, sizeof(*v));
	if (v && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &idx, v))
		for (i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

static bool addr_is(const uint8_t a[16], const char *text)
{
	uint8_t want[16] = {};

	if (inet_pton(AF_INET, text, &want[12]) == 1)
		want[10] = want[11] = 0xff;
	else if (inet_pton(AF_INET6, text, want) != 1)
		return false;
	return !memcmp(a, want, 16);
}

/* --- enforce off, every process watched (`daemon`) ---------------------- */

static void test_untainted_not_answer(void)
{
	reset();
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 0, "an ordinary connect is not evidence");
	ASSERT_EQ(send_to("10.1.2.3", 53, IPPROTO_UDP), 1, "goes");
	ASSERT_EQ(n_events, 0, "nor an ordinary local datagram");
}

static void test_answer_reported(void)
{
	reset();
	answer("93.184.215.14");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "goes without --enforce");
	ASSERT_EQ(n_events, 1, "one event");
	ASSERT_EQ(last.hdr.type, LW_EV_CONNECT, "a connect event");
	ASSERT_EQ(last.hdr.proc.tgid, getpid(), "of the test process");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL, "in the answer set");
	ASSERT_TRUE(addr_is(last.addr, "93.184.215.14"), "to the answer, v4-mapped");
	ASSERT_EQ(last.port, 443, "port as given");
	ASSERT_EQ(last.proto, IPPROTO_TCP, "protocol as given");
	ASSERT_EQ(last.answer.suffix_id, SUFFIX_ID, "the answer's suffix");
	ASSERT_EQ(last.answer.family, LW_FAMILY_IANA, "the answer's family");
	ASSERT_EQ(last.answer.owner.tgid, getpid(), "the answer's asker");

	ASSERT_EQ(send_to("93.184.215.15", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 0, "a neighbour of the answer is not");
}

static void test_answer_ipv6_udp(void)
{
	reset();
	answer("2606:2800:21f:cb07:6820:80da:af6b:8b2c");
	ASSERT_EQ(send_to("2606:2800:21f:cb07:6820:80da:af6b:8b2c", 8443, IPPROTO_UDP), 1, "goes");
	ASSERT_EQ(n_events, 1, "one event");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL, "in the answer set");
	ASSERT_TRUE(addr_is(last.addr, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"), "to it");
	ASSERT_EQ(last.port, 8443, "port as given");
	ASSERT_EQ(last.proto, IPPROTO_UDP, "protocol as given");
}

/* The answer set decides by itself, whatever the address class (the walks
 * record only global answers: this is the rule, not a real case). */
static void test_answer_whatever_class(void)
{
	reset();
	answer("10.9.8.7");
	ASSERT_EQ(send_to("10.9.8.7", 80, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 1, "an answer is evidence");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL, "flags");
}

/* The filter is trusted when it says no: the maps are not asked. */
static void test_filter_rules_out(void)
{
	struct lw_answer a = { .owner.tgid = getpid(), .suffix_id = SUFFIX_ID };
	uint8_t key[16] = { [10] = 0xff, [11] = 0xff, 93, 184, 215, 14 };

	reset();
	ASSERT_OK(bpf_map_update_elem(bpf_map__fd(skel->maps.answers), key, &a, BPF_ANY),
		  "an answer behind the filter's back");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 0, "not looked up");
}

static void test_window_global(void)
{
	reset();
	taint_me(true);
	ASSERT_EQ(send_to("8.8.4.4", 9999, IPPROTO_UDP), 1, "goes");
	ASSERT_EQ(n_events, 1, "global traffic in a window is evidence");
	ASSERT_EQ(last.flags, LW_CONN_IN_WINDOW | LW_CONN_GLOBAL, "in the window");
	ASSERT_EQ(last.port, 9999, "port");
	ASSERT_EQ(last.proto, IPPROTO_UDP, "protocol");
	ASSERT_TRUE(addr_is(last.addr, "8.8.4.4"), "address");
	ASSERT_EQ(send_to("2001:4860:4860::8844", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(last.flags, LW_CONN_IN_WINDOW | LW_CONN_GLOBAL, "IPv6 alike");
}

static void test_window_local(void)
{
	reset();
	taint_me(true);
	ASSERT_EQ(send_to("10.0.0.1", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(send_to("127.0.0.1", 8080, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(send_to("fd00::1", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 0, "local traffic is judged by address alone");
}

static void test_tainted_window_closed(void)
{
	reset();
	taint_me(false); /* reserved but not suspicious: no window */
	ASSERT_EQ(send_to("8.8.4.4", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 0, "tainted without a window: not evidence");
}

static void test_tainted_and_answer(void)
{
	reset();
	taint_me(true);
	answer("93.184.215.14");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(n_events, 1, "one event");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW | LW_CONN_GLOBAL,
		  "both reasons");

	reset();
	taint_me(false);
	answer("93.184.215.14");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "goes");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL, "no window: the answer only");
}

static void test_owner_path(void)
{
	reset();
	ASSERT_OK(run(skel->progs.test_whoami, 0, 0), "whoami");
	memset(&skel->bss->test_owner, 0, sizeof(skel->bss->test_owner));
	skel->bss->test_owner.id = skel->bss->test_me;
	memcpy(skel->bss->test_owner.comm, "sock-owner", 11);
	answer("93.184.215.14");
	ASSERT_EQ(send_as_owner("93.184.215.14", 5353, IPPROTO_UDP), 1, "goes");
	ASSERT_EQ(n_events, 1, "the owner's datagram to an answer");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL, "flags");
	ASSERT_STREQ(last.hdr.comm, "sock-owner", "the header is the owner's, not current's");
	ASSERT_EQ(last.hdr.proc.start_ns, skel->bss->test_me.start_ns, "its identity");

	/* A taint entry left by a dead process with the same pid is not the
	 * owner's: dropped, and the traffic is not evidence. */
	reset();
	taint_me(true);
	skel->bss->test_owner.id.start_ns++;
	ASSERT_EQ(send_as_owner("8.8.4.4", 443, IPPROTO_UDP), 1, "goes");
	ASSERT_EQ(n_events, 0, "another process's taint");
	{
		uint32_t tgid = getpid();
		struct lw_taint t;

		ASSERT_TRUE(bpf_map_lookup_elem(bpf_map__fd(skel->maps.taint), &tgid, &t) &&
				    errno == ENOENT,
			    "the stale entry is gone");
	}
}

/* --- --enforce, every process watched ------------------------------------- */

static void test_enforce_refuses_answers(void)
{
	uint64_t blocked = stat_value(LW_STAT_BLOCKED);

	reset();
	ASSERT_OK(run(skel->progs.test_whoami, 0, 0), "whoami");
	skel->bss->test_owner.id = skel->bss->test_me;
	answer("93.184.215.14");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 0, "refused");
	ASSERT_EQ(n_events, 1, "and reported");
	ASSERT_EQ(last.flags, LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL | LW_CONN_BLOCKED, "blocked");
	ASSERT_EQ(stat_value(LW_STAT_BLOCKED), blocked + 1, "counted");
	ASSERT_EQ(send_as_owner("93.184.215.14", 443, IPPROTO_UDP), 0, "egress refuses too");
}

static void test_enforce_window_goes(void)
{
	reset();
	taint_me(true);
	ASSERT_EQ(send_to("8.8.4.4", 443, IPPROTO_TCP), 1, "window traffic is not refused");
	ASSERT_EQ(n_events, 1, "but reported");
	ASSERT_EQ(last.flags, LW_CONN_IN_WINDOW | LW_CONN_GLOBAL, "not blocked");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "nor anything else");
}

/* --- --enforce, only the watched map (`run`) ---------------------------- */

static void test_unwatched(void)
{
	struct lw_watched w = {};
	uint32_t tgid = getpid();

	reset();
	answer("93.184.215.14");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 1, "an unwatched process goes");
	ASSERT_EQ(n_events, 0, "and is not reported");
	ASSERT_OK(bpf_map_update_elem(bpf_map__fd(skel->maps.watched), &tgid, &w, BPF_ANY),
		  "watch it");
	ASSERT_EQ(send_to("93.184.215.14", 443, IPPROTO_TCP), 0, "a watched one is refused");
	ASSERT_EQ(n_events, 1, "and reported");
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: test_dest: needs root to load BPF programs\n");
		return 0;
	}
	if (policy_init(&policy) || load(false, true)) {
		printf("FAIL: test_dest: setup failed\n");
		return 1;
	}
	RUN_TEST(test_untainted_not_answer);
	RUN_TEST(test_answer_reported);
	RUN_TEST(test_answer_ipv6_udp);
	RUN_TEST(test_answer_whatever_class);
	RUN_TEST(test_filter_rules_out);
	RUN_TEST(test_window_global);
	RUN_TEST(test_window_local);
	RUN_TEST(test_tainted_window_closed);
	RUN_TEST(test_tainted_and_answer);
	RUN_TEST(test_owner_path);
	if (load(true, true)) {
		printf("FAIL: test_dest: load with --enforce failed\n");
		return 1;
	}
	RUN_TEST(test_enforce_refuses_answers);
	RUN_TEST(test_enforce_window_goes);
	if (load(true, false)) {
		printf("FAIL: test_dest: load for run failed\n");
		return 1;
	}
	RUN_TEST(test_unwatched);
	unload();
	policy_free(&policy);
	return test_summary();
}
