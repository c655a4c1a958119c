// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `--format ocsf`: verdicts as OCSF 1.1 events (userspace/ocsf.c), and
 * --format's parse (userspace/output.c). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "addr.h"
#include "json.h"
#include "ocsf.h"
#include "output.h"
#include "verdict.h"

static char cmdline[] = "/usr/bin/curl\0-sS\0http://leak.test/";
static char exe[] = "/usr/bin/curl";

static void make_proc(struct watched_proc *p, struct destination *d, struct lookup *n)
{
	memset(p, 0, sizeof(*p));
	p->tgid = 4242;
	p->ppid = 4200;
	p->uid = 1000;
	memcpy(p->comm, "curl", 5);
	p->info_read = true;
	p->info.uid = 1000;
	memcpy(p->info.comm, "curl", 5);
	p->info.exe = exe;
	p->info.cmdline = cmdline;
	p->info.cmdline_len = sizeof(cmdline);
	memset(d, 0, sizeof(*d));
	addr_parse("198.18.0.8", d->addr);
	d->port = 80;
	d->proto = IPPROTO_TCP;
	snprintf(d->name, sizeof(d->name), "%s", "www.ordinary.co");
	p->dests = d;
	p->n_dests = 1;
	memset(n, 0, sizeof(*n));
	n->text = (char *)"leak.test";
	n->qtype = 28;
	p->names = n;
	p->n_names = 1;
}

static bool has(const char *text, const char *want)
{
	if (strstr(text, want))
		return true;
	fprintf(stderr, "    missing %s in %s\n", want, text);
	return false;
}

static void test_network_activity(void)
{
	struct verdict v = { .kind = VERDICT_DIRECT,
			     .severity = SEV_HIGH,
			     .has_addr = true,
			     .port = 80,
			     .proto = IPPROTO_TCP };
	struct watched_proc p;
	struct destination d;
	struct lookup n;
	struct json j;
	const char *s;

	make_proc(&p, &d, &n);
	snprintf(v.name, sizeof(v.name), "%s", "leak.test");
	addr_parse("198.18.0.8", v.addr);
	json_init(&j);
	ocsf_event(&j, &p, &v, true, 1764376867512ull);
	s = json_str(&j);
	ASSERT_TRUE(has(s, "{\"class_uid\":4001,\"class_name\":\"Network Activity\","
			   "\"category_uid\":4,"),
		    "class");
	ASSERT_TRUE(has(s, "\"activity_id\":1,\"activity_name\":\"Open\",\"type_uid\":400101,"),
		    "activity");
	ASSERT_TRUE(has(s, "\"time\":1764376867512,\"severity_id\":4,\"severity\":\"High\","),
		    "time, severity");
	ASSERT_TRUE(has(s, "\"metadata\":{\"version\":\"1.1.0\",\"product\":{\"name\":"
			   "\"leakwatch\",\"vendor_name\":\"leakwatch\",\"version\":"),
		    "metadata");
	ASSERT_TRUE(has(s, "\"actor\":{\"process\":{\"pid\":4242,\"name\":\"curl\","
			   "\"cmd_line\":\"/usr/bin/curl -sS http://leak.test/\","
			   "\"file\":{\"path\":\"/usr/bin/curl\",\"name\":\"curl\"},"
			   "\"user\":{\"uid\":\"1000\"}"),
		    "actor");
	ASSERT_TRUE(has(s, "\"dst_endpoint\":{\"ip\":\"198.18.0.8\",\"port\":80,"
			   "\"hostname\":\"www.ordinary.co\"}"),
		    "dst_endpoint");
	ASSERT_TRUE(has(s, "\"connection_info\":{\"protocol_name\":\"tcp\""), "connection_info");
	ASSERT_TRUE(has(s, "\"unmapped\":{\"kind\":\"direct\",\"via\":\"leak.test\","
			   "\"blocked\":false,\"complete\":true}"),
		    "unmapped");
	ASSERT_TRUE(has(s, "\"message\":\"direct leak (high): tcp 198.18.0.8:80 after "
			   "leak.test\""),
		    "message");
	ASSERT_FALSE(strstr(s, "\"query\"") != NULL, "no query in network activity");
	json_free(&j);
}

static void test_dns_activity(void)
{
	struct verdict v = { .kind = VERDICT_ANSWER, .severity = SEV_LOW, .has_addr = true };
	struct watched_proc p;
	struct destination d;
	struct lookup n;
	struct json j;
	const char *s;

	make_proc(&p, &d, &n);
	snprintf(v.name, sizeof(v.name), "%s", "leak.test");
	addr_parse("198.18.0.8", v.addr);
	json_init(&j);
	ocsf_event(&j, &p, &v, false, 1);
	s = json_str(&j);
	ASSERT_TRUE(has(s, "\"class_uid\":4003,\"class_name\":\"DNS Activity\""), "class");
	ASSERT_TRUE(has(s, "\"activity_id\":1,\"activity_name\":\"Query\",\"type_uid\":400301,"),
		    "activity");
	ASSERT_TRUE(has(s, "\"severity_id\":2,\"severity\":\"Low\""), "severity");
	ASSERT_TRUE(has(s, "\"query\":{\"hostname\":\"leak.test\",\"type\":\"AAAA\"}"), "query");
	ASSERT_TRUE(has(s, "\"answers\":[{\"rdata\":\"198.18.0.8\",\"type\":\"A\"}]"), "answers");
	ASSERT_FALSE(strstr(s, "\"dst_endpoint\"") != NULL, "an answer has no destination");
	ASSERT_TRUE(has(s, "\"complete\":false"), "complete");
	json_free(&j);

	/* resolver: the resolver asked is the destination */
	v.kind = VERDICT_RESOLVER;
	v.severity = SEV_MEDIUM;
	v.port = 53;
	v.proto = IPPROTO_UDP;
	v.n_clients = 1;
	v.clients[0].pid = 77;
	memcpy(v.clients[0].comm, "getent", 7);
	json_init(&j);
	ocsf_event(&j, &p, &v, true, 1);
	s = json_str(&j);
	ASSERT_TRUE(has(s, "\"severity_id\":3,\"severity\":\"Medium\""), "severity");
	ASSERT_TRUE(has(s, "\"dst_endpoint\":{\"ip\":\"198.18.0.8\",\"port\":53}"), "resolver");
	ASSERT_TRUE(has(s, "\"protocol_name\":\"udp\""), "udp");
	ASSERT_TRUE(has(s, "\"clients\":[{\"pid\":77,\"comm\":\"getent\"}]"), "clients");
	json_free(&j);
}

/* Hostile bytes in names and arguments stay valid JSON. */
static void test_escaping(void)
{
	struct verdict v = { .kind = VERDICT_FOLLOW_ON,
			     .severity = SEV_MEDIUM,
			     .has_addr = true,
			     .port = 443,
			     .proto = IPPROTO_TCP };
	static char evil[] = "a\"b\\c\x01\xff";
	struct watched_proc p;
	struct destination d;
	struct lookup n;
	struct json j;
	const char *s;

	make_proc(&p, &d, &n);
	p.info.cmdline = evil;
	p.info.cmdline_len = sizeof(evil);
	snprintf(v.name, sizeof(v.name), "%s", "x\"y.example");
	json_init(&j);
	ocsf_event(&j, &p, &v, true, 1);
	s = json_str(&j);
	ASSERT_TRUE(has(s, "\"cmd_line\":\"a\\\"b\\\\c\\u0001\xef\xbf\xbd\""), "cmd_line");
	ASSERT_TRUE(has(s, "\"via\":\"x\\\"y.example\""), "via");
	json_free(&j);
}

static void test_format_parse(void)
{
	ASSERT_EQ(output_format_parse("json"), FORMAT_JSON, "json");
	ASSERT_EQ(output_format_parse("ocsf"), FORMAT_OCSF, "ocsf");
	ASSERT_EQ(output_format_parse("OCSF"), -EINVAL, "case");
	ASSERT_EQ(output_format_parse(""), -EINVAL, "empty");
	ASSERT_EQ(ocsf_severity_id(SEV_LOW), 2, "low");
	ASSERT_EQ(ocsf_severity_id(SEV_MEDIUM), 3, "medium");
	ASSERT_EQ(ocsf_severity_id(SEV_HIGH), 4, "high");
}

int main(void)
{
	RUN_TEST(test_network_activity);
	RUN_TEST(test_dns_activity);
	RUN_TEST(test_escaping);
	RUN_TEST(test_format_parse);
	return test_summary();
}
