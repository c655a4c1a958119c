// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of run's CI output escapers and "to allow" lines
 * (userspace/ci_report.c): GitHub workflow commands, Markdown, XML 1.0.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "addr.h"
#include "ci_report.h"
#include "config.h"
#include "json.h"
#include "text.h"

enum which { GH_DATA, GH_PROP, MD, XML_TEXT, XML_ATTR };

static char out_buf[8192];

/* The escaped form of n bytes, in a static buffer. */
static const char *escape(enum which w, const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return "";
	switch (w) {
	case GH_DATA:
	case GH_PROP:
		ci_gh_escape(f, s, n, w == GH_PROP);
		break;
	case MD:
		ci_md_escape(f, s, n);
		break;
	default:
		ci_xml_escape(f, s, n, w == XML_ATTR);
	}
	fclose(f);
	snprintf(out_buf, sizeof(out_buf), "%s", buf ? buf : "");
	free(buf);
	return out_buf;
}

#define ESC(w, lit) escape(w, lit, sizeof(lit) - 1)

/* GitHub's runner decodes %0D %0A (%3A %2C in properties), then %25. */
static void gh_unescape(const char *s, bool prop, char *out)
{
	static const struct {
		const char *from;
		char to;
	} seq[] = { { "%0D", '\r' }, { "%0A", '\n' }, { "%3A", ':' }, { "%2C", ',' } };
	char tmp[8192];
	size_t i, k, o = 0;

	for (i = 0; s[i];) {
		for (k = 0; k < 4; k++) {
			if ((prop || k < 2) && !strncmp(s + i, seq[k].from, 3)) {
				tmp[o++] = seq[k].to;
				i += 3;
				break;
			}
		}
		if (k == 4)
			tmp[o++] = s[i++];
	}
	tmp[o] = '\0';
	for (i = 0, o = 0; tmp[i];) {
		if (!strncmp(tmp + i, "%25", 3)) {
			out[o++] = '%';
			i += 3;
		} else {
			out[o++] = tmp[i++];
		}
	}
	out[o] = '\0';
}

static void test_github_data(void)
{
	ASSERT_STREQ(ESC(GH_DATA, "plain text"), "plain text", "plain");
	ASSERT_STREQ(ESC(GH_DATA, "100%"), "100%25", "percent");
	ASSERT_STREQ(ESC(GH_DATA, "a\r\nb"), "a%0D%0Ab", "CR LF");
	ASSERT_STREQ(ESC(GH_DATA, "a:b,c"), "a:b,c", "':' and ',' stay in data");
	ASSERT_STREQ(ESC(GH_DATA, "%0A"), "%250A", "a literal %0A is not a newline");
	ASSERT_STREQ(ESC(GH_DATA, "x\n::error::forged"), "x%0A::error::forged",
		     "a forged command stays on our line");
	ASSERT_STREQ(ESC(GH_DATA, ""), "", "empty");
}

static void test_github_property(void)
{
	ASSERT_STREQ(ESC(GH_PROP, "leakwatch: a, b"), "leakwatch%3A a%2C b", "':' and ','");
	ASSERT_STREQ(ESC(GH_PROP, "%:,\r\n"), "%25%3A%2C%0D%0A", "all five");
	ASSERT_STREQ(ESC(GH_PROP, "::error"), "%3A%3Aerror", "no '::' ends the property");
}

/* Every string of bytes comes back as it was, and an escaped property has
 * no ':' ',' CR LF (which would end it or the command). */
static void test_github_round_trip(void)
{
	char in[512], back[8192];
	size_t i, n = 0;
	const char *e;

	for (i = 1; i < 256; i++)
		in[n++] = (char)i;
	in[n++] = '%';
	in[n++] = '0';
	in[n++] = 'A';
	in[n] = '\0';
	e = escape(GH_PROP, in, n);
	ASSERT_TRUE(!strpbrk(e, ":,\r\n"), "no raw separator in a property");
	gh_unescape(e, true, back);
	ASSERT_TRUE(!strcmp(back, in), "property round trip");
	e = escape(GH_DATA, in, n);
	ASSERT_TRUE(!strpbrk(e, "\r\n"), "no raw CR or LF in data");
	gh_unescape(e, false, back);
	ASSERT_TRUE(!strcmp(back, in), "data round trip");
}

/* '|' characters no backslash escapes: what would split a table cell. */
static int unescaped_pipes(const char *s)
{
	int n = 0;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		n += *s == '|';
	}
	return n;
}

static void test_markdown(void)
{
	char all[256];
	const char *e;
	size_t i;

	ASSERT_STREQ(ESC(MD, "leak.example.net"), "leak.example.net", "a name stays");
	ASSERT_STREQ(ESC(MD, "a|b"), "a\\|b", "pipe");
	ASSERT_STREQ(ESC(MD, "`code`"), "\\`code\\`", "backticks");
	ASSERT_STREQ(ESC(MD, "<script>&"), "&lt;script&gt;&amp;", "HTML");
	ASSERT_STREQ(ESC(MD, "a\nb\rc"), "a b c", "newlines end no row");
	ASSERT_STREQ(ESC(MD, "\\*_[]~"), "\\\\\\*\\_\\[\\]\\~", "emphasis and links");
	ASSERT_STREQ(ESC(MD, "a\x01\x1b"
			     "b"),
		     "a  b", "control bytes");
	for (i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	e = escape(MD, all, 255);
	ASSERT_EQ(unescaped_pipes(e), 0, "no cell separator from any byte");
	ASSERT_TRUE(!strpbrk(e, "<>\n\r"), "no tag, no line break from any byte");
}

static void test_xml_entities(void)
{
	ASSERT_STREQ(ESC(XML_TEXT, "a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f", "five");
	ASSERT_STREQ(ESC(XML_TEXT, "]]>"), "]]&gt;", "no CDATA end");
	ASSERT_STREQ(ESC(XML_TEXT, "l1\nl2\tx"), "l1\nl2\tx", "text keeps LF and TAB");
	ASSERT_STREQ(ESC(XML_TEXT, "a\rb"), "a&#13;b", "CR survives line-end handling");
	ASSERT_STREQ(ESC(XML_ATTR, "a\tb\nc\rd"), "a&#9;b&#10;c&#13;d",
		     "an attribute keeps TAB LF CR through normalization");
	ASSERT_STREQ(ESC(XML_TEXT, "caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80",
		     "valid UTF-8 stays");
}

static void test_xml_forbidden(void)
{
	ASSERT_STREQ(ESC(XML_TEXT, "a\x01"
				   "b"),
		     "a\xef\xbf\xbd"
		     "b",
		     "C0 control");
	ASSERT_STREQ(ESC(XML_TEXT, "a\0b"),
		     "a\xef\xbf\xbd"
		     "b",
		     "NUL");
	ASSERT_STREQ(ESC(XML_TEXT, "\x1b[31m"), "\xef\xbf\xbd[31m", "ESC");
	ASSERT_STREQ(ESC(XML_TEXT, "\xff"), "\xef\xbf\xbd", "invalid byte");
	ASSERT_STREQ(ESC(XML_TEXT, "\xc3("), "\xef\xbf\xbd(", "truncated sequence");
	ASSERT_STREQ(ESC(XML_TEXT, "\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		     "a surrogate (not UTF-8)");
	ASSERT_STREQ(ESC(XML_TEXT, "\xef\xbf\xbe\xef\xbf\xbf"), "\xef\xbf\xbd\xef\xbf\xbd",
		     "U+FFFE U+FFFF");
	ASSERT_STREQ(ESC(XML_TEXT, "\xc2\x85"), "\xc2\x85", "C1 is allowed in XML 1.0");
}

/* Whatever the bytes: valid UTF-8, only XML 1.0 characters, every '&'
 * starts an entity, no '<' at all. */
static void test_xml_any_bytes(void)
{
	static const char *const ents[] = { "&amp;",  "&lt;", "&gt;",  "&quot;",
					    "&apos;", "&#9;", "&#10;", "&#13;" };
	char all[256];
	const char *e;
	size_t i, k, n;
	bool ok = true;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	e = escape(XML_ATTR, all, 256);
	n = strlen(e);
	for (i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_next(e + i, n - i, &cp);

		if (cp == UTF8_BAD || cp < 0x20 || cp == 0xfffe || cp == 0xffff || cp == '<') {
			ok = false;
			break;
		}
		if (cp == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (!strncmp(e + i, ents[k], strlen(ents[k])))
					break;
			if (k == sizeof(ents) / sizeof(ents[0])) {
				ok = false;
				break;
			}
		}
		i += len;
	}
	ASSERT_TRUE(ok, "every byte 0..255 escaped to XML 1.0 text");
}

static void test_allow_lines(void)
{
	uint8_t v4[16], v6[16];
	char buf[256];

	addr_parse("198.18.0.7", v4);
	addr_parse("2001:db8::7", v6);
	ASSERT_STREQ(
		ci_allow_line(VERDICT_DIRECT, "leak.example.net", NULL, v4, true, buf, sizeof(buf)),
		"allow-name = leak.example.net", "direct: the reserved name");
	ASSERT_STREQ(ci_allow_line(VERDICT_DIRECT, "a\\010b.test", "", v4, true, buf, sizeof(buf)),
		     "allow = 198.18.0.7/32", "direct, an escaped name: the address");
	ASSERT_STREQ(ci_allow_line(VERDICT_DIRECT, "", NULL, v6, true, buf, sizeof(buf)),
		     "allow = 2001:db8::7/128", "direct, no name, IPv6");
	ASSERT_STREQ(ci_allow_line(VERDICT_FOLLOW_ON, "autodiscover.example.com",
				   "smtp.sendgrid.net", v4, true, buf, sizeof(buf)),
		     "allow-destination = smtp.sendgrid.net", "follow-on: the destination");
	ASSERT_STREQ(ci_allow_line(VERDICT_FOLLOW_ON, "autodiscover.example.com", "198.18.0.7", v4,
				   true, buf, sizeof(buf)),
		     "allow = 198.18.0.7/32", "follow-on named by an address literal");
	ASSERT_STREQ(ci_allow_line(VERDICT_FOLLOW_ON, "autodiscover.example.com", "", v4, true, buf,
				   sizeof(buf)),
		     "allow = 198.18.0.7/32", "follow-on without a name");
	ASSERT_STREQ(
		ci_allow_line(VERDICT_RESOLVER, "leak.invalid", NULL, v4, true, buf, sizeof(buf)),
		"allow-name = leak.invalid", "resolver");
	ASSERT_STREQ(
		ci_allow_line(VERDICT_ANSWER, "x|y.localhost", NULL, v4, true, buf, sizeof(buf)),
		"", "answer of a name no config line can carry");
	ASSERT_STREQ(
		ci_allow_line(VERDICT_ANSWER, "a..b.localhost", NULL, v4, true, buf, sizeof(buf)),
		"", "an invalid name");
	ASSERT_STREQ(ci_allow_line(VERDICT_RESOLVER, ".", NULL, v4, true, buf, sizeof(buf)), "",
		     "the root");
}

static void add_dest(struct watched_proc *p, const char *addr, uint16_t port, uint8_t proto,
		     const char *name, uint8_t kind)
{
	struct destination *d = &p->dests[p->n_dests++];

	memset(d, 0, sizeof(*d));
	addr_parse(addr, d->addr);
	d->port = port;
	d->proto = proto;
	d->global = true;
	d->verdict = kind;
	d->severity = SEV_HIGH;
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->via, sizeof(d->via), "%s", "autodiscover.example.com");
}

static void add_verdict(struct watched_proc *p, const char *addr, uint16_t port, uint8_t kind)
{
	struct verdict *v = &p->verdicts[p->n_verdicts++];

	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->severity = SEV_HIGH;
	snprintf(v->name, sizeof(v->name), "%s", "autodiscover.example.com");
	addr_parse(addr, v->addr);
	v->has_addr = true;
	v->port = port;
	v->proto = IPPROTO_TCP;
}

/* allow-destination on a process record: the allowed destinations lose
 * their verdict (and verdicts[] its entry, once no destination holds it);
 * the others keep theirs. */
static void test_allow_destinations_of(void)
{
	static const char config[] = "allow-destination = ordinary.co\n";
	struct destination dests[5];
	struct verdict verdicts[5];
	struct watched_proc p = { .dests = dests, .verdicts = verdicts };
	char err[POLICY_ERR_LEN];
	struct policy pol;
	size_t i;

	if (!ASSERT_OK(policy_init(&pol), "init"))
		return;
	if (!ASSERT_OK(config_apply_line(&pol, config, err, sizeof(err)), err))
		goto out;
	add_dest(&p, "198.18.0.30", 443, IPPROTO_TCP, "www.ordinary.co", VERDICT_FOLLOW_ON);
	add_dest(&p, "198.18.0.31", 25, IPPROTO_TCP, "smtp.sendgrid.net", VERDICT_FOLLOW_ON);
	add_dest(&p, "198.18.0.32", 53, IPPROTO_TCP, "ns.ordinary.co", VERDICT_FOLLOW_ON);
	add_dest(&p, "198.18.0.32", 53, IPPROTO_UDP, "other.net", VERDICT_FOLLOW_ON);
	add_dest(&p, "198.18.0.33", 80, IPPROTO_TCP, "", VERDICT_DIRECT);
	add_verdict(&p, "198.18.0.30", 443, VERDICT_FOLLOW_ON);
	add_verdict(&p, "198.18.0.31", 25, VERDICT_FOLLOW_ON);
	add_verdict(&p, "198.18.0.32", 53, VERDICT_FOLLOW_ON);
	add_verdict(&p, "198.18.0.33", 80, VERDICT_DIRECT);
	ci_allow_destinations_of(&p, &pol);
	ASSERT_EQ(dests[0].verdict, VERDICT_NONE, "an allowed destination");
	ASSERT_STREQ(dests[0].via, "", "no via without a verdict");
	ASSERT_STREQ(dests[0].name, "www.ordinary.co", "the name stays");
	ASSERT_EQ(dests[1].verdict, VERDICT_FOLLOW_ON, "another name keeps its verdict");
	ASSERT_EQ(dests[2].verdict, VERDICT_NONE, "allowed over tcp");
	ASSERT_EQ(dests[3].verdict, VERDICT_FOLLOW_ON, "the same address over udp, another name");
	ASSERT_EQ(dests[4].verdict, VERDICT_DIRECT, "no name: not covered");
	if (!ASSERT_EQ(p.n_verdicts, 3, "one verdict dropped"))
		goto out;
	for (i = 0; i < p.n_verdicts; i++)
		ASSERT_FALSE(verdicts[i].port == 443, "the allowed verdict is gone");
	ASSERT_EQ(verdicts[0].port, 25, "order kept");
	ASSERT_EQ(verdicts[1].port, 53, "held by the udp destination still");
	ASSERT_EQ(verdicts[2].kind, VERDICT_DIRECT, "the direct verdict stays");
out:
	policy_free(&pol);
}

int main(void)
{
	RUN_TEST(test_github_data);
	RUN_TEST(test_github_property);
	RUN_TEST(test_github_round_trip);
	RUN_TEST(test_markdown);
	RUN_TEST(test_xml_entities);
	RUN_TEST(test_xml_forbidden);
	RUN_TEST(test_xml_any_bytes);
	RUN_TEST(test_allow_lines);
	RUN_TEST(test_allow_destinations_of);
	return test_summary();
}
