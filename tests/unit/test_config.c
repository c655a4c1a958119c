// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The config file and its printed form (userspace/config.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "addr.h"
#include "config.h"
#include "dns_name.h"
#include "policy.h"

static char path[64];

/* Write n bytes to a fresh temporary file; its name is in path. */
static bool write_file(const char *data, size_t n)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/lw-test-config.XXXXXX");
	fd = mkstemp(path);
	if (!ASSERT_TRUE(fd >= 0, "mkstemp"))
		return false;
	f = fdopen(fd, "w");
	if (!ASSERT_NOT_NULL(f, "fdopen")) {
		close(fd);
		return false;
	}
	fwrite(data, 1, n, f);
	fclose(f);
	return true;
}

/* Load text as a config file into a fresh policy p; returns the result. */
static int load_text(struct policy *p, const char *text, size_t n, char *err, size_t errlen)
{
	int ret;

	err[0] = '\0';
	if (policy_init(p))
		return -ENOMEM;
	if (!write_file(text, n))
		return -EIO;
	ret = config_load_file(p, path, err, errlen);
	unlink(path);
	return ret;
}

/* The file fails at line `line` with a message that contains `what`. */
static void expect_error(const char *text, int line, const char *what)
{
	char err[POLICY_ERR_LEN], want[128];
	struct policy p;
	int ret;

	ret = load_text(&p, text, strlen(text), err, sizeof(err));
	policy_free(&p);
	if (!ASSERT_EQ(ret, -EINVAL, text))
		return;
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (!ASSERT_TRUE(!strncmp(err, want, strlen(want)), "FILE:LINE: prefix"))
		fprintf(stderr, "    got \"%s\", expected prefix \"%s\"\n", err, want);
	if (!ASSERT_TRUE(strstr(err, what) != NULL, what))
		fprintf(stderr, "    got \"%s\"\n", err);
	ASSERT_TRUE(strchr(err, '\n') == NULL, "one line");
}

static void test_good_file(void)
{
	static const char text[] = "# leakwatch test config\n"
				   "\n"
				   "   # indented comment\n"
				   "reserved = corp.example.com local   # trailing comment\n"
				   "reserved=lab.test nxdomain\n"
				   "reserved =\tcorp.internal\r\n"
				   "global = 198.18.0.0/15\n"
				   "local = 203.0.113.0/24\n"
				   "allow = 192.0.2.0/24\n"
				   "allow = 2001:db8::/32\n"
				   "window = 120\n"
				   "mail-ports = 25, 465 587,2525\n"
				   "\t\n"
				   "   ";
	const struct reserved_suffix *s;
	char err[POLICY_ERR_LEN];
	struct addr_class c;
	struct policy p;
	uint8_t a[16];

	if (!ASSERT_OK(load_text(&p, text, sizeof(text) - 1, err, sizeof(err)), err))
		goto out;
	s = policy_match_name(&p, "x.corp.example.com");
	ASSERT_TRUE(s && s->family == LW_FAMILY_LOCAL && s->user, "corp.example.com");
	s = policy_match_name(&p, "x.lab.test");
	ASSERT_TRUE(s && s->family == LW_FAMILY_NXDOMAIN, "lab.test");
	s = policy_match_name(&p, "db.corp.internal");
	ASSERT_TRUE(s && s->family == LW_FAMILY_LOCAL && s->user, "CRLF line");
	addr_parse("198.18.5.5", a);
	policy_classify_addr(&p, a, &c);
	ASSERT_TRUE(c.global, "198.18.5.5 global");
	addr_parse("2001:db8::1", a);
	policy_classify_addr(&p, a, &c);
	ASSERT_TRUE(c.allowed, "2001:db8::1 allowed");
	ASSERT_EQ(p.window_s, 120, "window");
	ASSERT_EQ(p.n_mail_ports, 4, "mail ports");
	ASSERT_TRUE(policy_is_mail_port(&p, 2525), "2525");
	ASSERT_FALSE(policy_is_mail_port(&p, 993), "993 replaced");
out:
	policy_free(&p);
}

static void test_empty_file(void)
{
	char err[POLICY_ERR_LEN];
	struct policy p, d;

	ASSERT_OK(load_text(&p, "", 0, err, sizeof(err)), "empty file");
	ASSERT_OK(policy_init(&d), "init");
	ASSERT_EQ(p.n_suffixes, d.n_suffixes, "same suffixes");
	ASSERT_EQ(p.n_blocks, d.n_blocks, "same blocks");
	policy_free(&p);
	policy_free(&d);
}

static void test_missing_file(void)
{
	char err[POLICY_ERR_LEN];
	struct policy p;

	ASSERT_OK(policy_init(&p), "init");
	ASSERT_EQ(config_load_file(&p, "/nonexistent/leakwatch.conf", err, sizeof(err)), -ENOENT,
		  "ENOENT");
	ASSERT_STREQ(err, "/nonexistent/leakwatch.conf: No such file or directory", "message");
	policy_free(&p);
}

static void test_syntax_errors(void)
{
	expect_error("# ok\nreserved example.test\n", 2, "missing '='");
	expect_error("\n\n\n= 5\n", 4, "missing key");
	expect_error("window =\n", 1, "window: missing value");
	expect_error("window = # comment only\n", 1, "missing value");
	expect_error("foo = bar\n", 1, "unknown key 'foo'");
	expect_error("Window = 5\n", 1, "unknown key 'Window'");
	expect_error("reserved = a\nreserved = b\nreserve = c\n", 3, "unknown key 'reserve'");
	expect_error("x\x01y = 1\n", 1, "unknown key 'x?y'");
}

static void test_reserved_errors(void)
{
	char line[200];

	expect_error("reserved = corp.test bogus\n", 1, "unknown family 'bogus'");
	expect_error("reserved = corp.test LOCAL\n", 1, "unknown family 'LOCAL'");
	expect_error("reserved = corp.test none\n", 1, "unknown family 'none'");
	expect_error("reserved = a.test local extra\n", 1, "expected SUFFIX [FAMILY]");
	expect_error("reserved = a..test\n", 1, "empty label");
	expect_error("reserved = .test\n", 1, "empty label");
	expect_error("reserved = .\n", 1, "root");
	expect_error("reserved = *.corp\n", 1, "bad character '*'");
	expect_error("reserved = a/b\n", 1, "bad character '/'");
	expect_error("reserved = caf\xc3\xa9.test\n", 1, "bad byte");

	memset(line, 0, sizeof(line));
	strcpy(line, "reserved = ");
	memset(line + strlen(line), 'a', 64);
	strcat(line, ".test\n");
	expect_error(line, 1, "label longer than 63 bytes");

	/* 63 + 4 + 2 = 69 wire bytes: over the kernel's 64-byte key */
	memset(line, 0, sizeof(line));
	strcpy(line, "# long\nreserved = ");
	memset(line + strlen(line), 'a', 63);
	strcat(line, ".com\n");
	expect_error(line, 2, "longer than 64 bytes");
}

static void test_reserved_64_bytes_fits(void)
{
	char line[120] = "reserved = ", err[POLICY_ERR_LEN];
	struct policy p;

	/* 1 + 58 + 1 + 3 + 1 = 64 wire bytes: exactly fits */
	memset(line + strlen(line), 'a', 58);
	strcat(line, ".com");
	ASSERT_OK(policy_init(&p), "init");
	ASSERT_OK(config_apply_line(&p, line, err, sizeof(err)), "64 wire bytes");
	ASSERT_EQ(p.suffixes[p.n_suffixes - 1].wire_len, 64, "wire_len");
	policy_free(&p);
}

static void test_prefix_errors(void)
{
	expect_error("global = 198.18.0.0/33\n", 1, "global: bad prefix '198.18.0.0/33'");
	expect_error("local = nonsense\n", 1, "local: bad prefix");
	expect_error("allow = 1.2.3.4 5.6.7.8\n", 1, "allow: expected one");
	expect_error("global = 10.1.2.3/8\n", 1, "host bits set");
	expect_error("global = 10.1.2.3/8\n", 1, "10.0.0.0/8");
	expect_error("allow = 2001:db8::1/32\n", 1, "2001:db8::/32");
	expect_error("global = example.com\n", 1, "bad prefix");
	expect_error("local = ::/200\n", 1, "bad prefix");
}

static void test_window_errors(void)
{
	expect_error("window = 0\n", 1, "window: '0' is not a number of seconds in 1..86400");
	expect_error("window = 86401\n", 1, "1..86400");
	expect_error("window = -1\n", 1, "window: '-1'");
	expect_error("window = 1e3\n", 1, "window: '1e3'");
	expect_error("window = 60s\n", 1, "window: '60s'");
	expect_error("window = 60 60\n", 1, "window: '60 60'");
	expect_error("window = 99999999999999999999999\n", 1, "window");
}

static void test_mail_ports_errors(void)
{
	expect_error("mail-ports = 0\n", 1, "mail-ports: '0' is not a port");
	expect_error("mail-ports = 25 65536\n", 1, "'65536'");
	expect_error("mail-ports = 25 smtp\n", 1, "'smtp'");
	expect_error("mail-ports = ,,,\n", 1, "expected a list of ports");
	expect_error("mail-ports = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 "
		     "23 24 25 26 27 28 29 30 31 32 33\n",
		     1, "more than 32 ports");
}

static void test_nul_byte(void)
{
	static const char text[] = "window = 5\nwindow = 6\0 junk\n";
	char err[POLICY_ERR_LEN], want[96];
	struct policy p;

	ASSERT_EQ(load_text(&p, text, sizeof(text) - 1, err, sizeof(err)), -EINVAL, "NUL");
	snprintf(want, sizeof(want), "%s:2: NUL byte in line", path);
	ASSERT_STREQ(err, want, "message");
	policy_free(&p);
}

static void test_long_line(void)
{
	char err[POLICY_ERR_LEN], want[96], *text;
	struct policy p;
	size_t n = 3000;

	text = malloc(n + 32);
	if (!ASSERT_NOT_NULL(text, "malloc"))
		return;
	strcpy(text, "window = 5\n# ");
	memset(text + strlen(text), 'x', n);
	strcpy(text + n, "\n");
	ASSERT_EQ(load_text(&p, text, strlen(text), err, sizeof(err)), -EINVAL, "long");
	snprintf(want, sizeof(want), "%s:2: line longer than 1024 bytes", path);
	ASSERT_STREQ(err, want, "message");
	policy_free(&p);

	/* the same through config_apply_line */
	ASSERT_OK(policy_init(&p), "init");
	ASSERT_EQ(config_apply_line(&p, text + 11, err, sizeof(err)), -EINVAL, "apply_line");
	ASSERT_STREQ(err, "line longer than 1024 bytes", "apply_line message");
	policy_free(&p);
	free(text);
}

static void test_error_text_is_printable(void)
{
	char err[POLICY_ERR_LEN];
	struct policy p;
	size_t i;

	ASSERT_OK(policy_init(&p), "init");
	config_apply_line(&p, "reserved = a b\x1b[31m", err, sizeof(err));
	config_apply_line(&p, "k\x1b[2J\x7f = v", err, sizeof(err));
	for (i = 0; err[i]; i++)
		ASSERT_TRUE(err[i] >= 0x20 && err[i] < 0x7f, "printable");
	policy_free(&p);
}

/* ---- config_print -------------------------------------------------------- */

static char *print_to_string(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	config_print(p, f);
	fclose(f);
	return buf;
}

static bool same_policy(const struct policy *a, const struct policy *b)
{
	size_t i;
	bool ok = true;

	ok &= ASSERT_EQ(a->n_suffixes, b->n_suffixes, "n_suffixes");
	ok &= ASSERT_EQ(a->n_blocks, b->n_blocks, "n_blocks");
	ok &= ASSERT_EQ(a->window_s, b->window_s, "window");
	ok &= ASSERT_EQ(a->n_mail_ports, b->n_mail_ports, "n_mail_ports");
	ok &= ASSERT_EQ(a->n_allow_names, b->n_allow_names, "n_allow_names");
	ok &= ASSERT_EQ(a->n_allow_dests, b->n_allow_dests, "n_allow_dests");
	if (!ok)
		return false;
	for (i = 0; i < a->n_allow_names; i++)
		ok &= ASSERT_STREQ(a->allow_names[i].name, b->allow_names[i].name, "allow-name");
	for (i = 0; i < a->n_allow_dests; i++)
		ok &= ASSERT_STREQ(a->allow_dests[i].name, b->allow_dests[i].name,
				   "allow-destination");
	for (i = 0; i < a->n_mail_ports; i++)
		ok &= ASSERT_EQ(a->mail_ports[i], b->mail_ports[i], "mail port");
	for (i = 0; i < a->n_suffixes; i++) {
		const struct reserved_suffix *x = &a->suffixes[i], *y = &b->suffixes[i];

		ok &= ASSERT_STREQ(x->name, y->name, "suffix name");
		ok &= ASSERT_EQ(x->family, y->family, x->name);
		ok &= ASSERT_EQ(x->user, y->user, x->name);
		ok &= ASSERT_EQ(x->wire_len, y->wire_len, x->name);
		ok &= ASSERT_TRUE(!memcmp(x->wire, y->wire, LW_SUFFIX_MAX), x->name);
		ok &= ASSERT_TRUE(x->rfc == y->rfc || (x->rfc && y->rfc && !strcmp(x->rfc, y->rfc)),
				  x->name);
	}
	for (i = 0; i < a->n_blocks; i++) {
		const struct addr_block *x = &a->blocks[i], *y = &b->blocks[i];

		ok &= ASSERT_TRUE(!memcmp(x->prefix, y->prefix, 16), "block prefix");
		ok &= ASSERT_EQ(x->plen, y->plen, "block plen");
		ok &= ASSERT_EQ(x->kind, y->kind, "block kind");
		ok &= ASSERT_EQ(x->user, y->user, "block user");
		ok &= ASSERT_STREQ(x->label, y->label, "block label");
	}
	return ok;
}

static void check_round_trip(const char *config)
{
	char err[POLICY_ERR_LEN], *first = NULL, *second = NULL;
	struct policy p, q;

	if (!ASSERT_OK(load_text(&p, config, strlen(config), err, sizeof(err)), err))
		goto out_p;
	first = print_to_string(&p);
	if (!ASSERT_NOT_NULL(first, "print"))
		goto out_p;
	if (!ASSERT_OK(load_text(&q, first, strlen(first), err, sizeof(err)), err)) {
		fprintf(stderr, "%s", first);
		goto out_q;
	}
	same_policy(&p, &q);
	second = print_to_string(&q);
	if (ASSERT_NOT_NULL(second, "print again"))
		ASSERT_STREQ(second, first, "printing is stable");
out_q:
	policy_free(&q);
out_p:
	policy_free(&p);
	free(first);
	free(second);
}

static void test_round_trip_builtin(void)
{
	check_round_trip("");
}

static void test_round_trip_config(void)
{
	check_round_trip("reserved = corp.example.com local\n"
			 "reserved = TEST. nxdomain\n"
			 "reserved = corp.internal\n"
			 "reserved = x.y.z.eap-noob.arpa ddr\n"
			 "global = 198.18.0.0/15\n"
			 "local = 192.0.0.9/32\n"
			 "local = 8.8.8.0/24\n"
			 "global = 8.8.8.0/24\n"
			 "allow = 192.0.2.0/24\n"
			 "allow = 2001:db8:1::/48\n"
			 "global = 0.0.0.0/0\n"
			 "local = ::ffff:10.0.0.0/104\n"
			 "window = 86400\n"
			 "mail-ports = 2525 25 25\n"
			 "allow-name = leak.example.net\n"
			 "allow-name = Legacy.TEST.\n"
			 "allow-name = svc.corp.internal\n"
			 "allow-destination = smtp.sendgrid.net\n"
			 "allow-destination = Mail.Ordinary.CO.\n");
}

/* ---- allow-name ------------------------------------------------------------- */

static void test_allow_name(void)
{
	static const char config[] = "allow-name = leak.example.net\n"
				     "allow-name = LEGACY.test.   # trailing dot, any case\n"
				     "allow-name=leak.example.net\n";
	char err[POLICY_ERR_LEN];
	uint8_t wire[LW_DNS_NAME_MAX];
	struct policy p;
	int len;

	if (!ASSERT_OK(load_text(&p, config, strlen(config), err, sizeof(err)), err))
		goto out;
	ASSERT_EQ(p.n_allow_names, 2, "a repeated name is one exception");
	ASSERT_STREQ(p.allow_names[0].name, "leak.example.net", "stored name");
	ASSERT_STREQ(p.allow_names[1].name, "legacy.test", "lowercase, no trailing dot");
	/* at or under the name, whole labels, any case, one trailing dot */
	ASSERT_TRUE(policy_name_allowed(&p, "leak.example.net"), "the name itself");
	ASSERT_TRUE(policy_name_allowed(&p, "LEAK.Example.NET."), "case and dot");
	ASSERT_TRUE(policy_name_allowed(&p, "a.b.leak.example.net"), "under it");
	ASSERT_TRUE(policy_name_allowed(&p, "x.legacy.test"), "second entry");
	ASSERT_FALSE(policy_name_allowed(&p, "xleak.example.net"), "not a whole label");
	ASSERT_FALSE(policy_name_allowed(&p, "example.net"), "a parent is not allowed");
	ASSERT_FALSE(policy_name_allowed(&p, "leak.example.net.evil.com"), "a prefix is not");
	ASSERT_FALSE(policy_name_allowed(&p, "other.test"), "another name");
	ASSERT_FALSE(policy_name_allowed(&p, "leak..example.net"), "invalid name");
	len = dns_name_from_text("www.Leak.Example.Net", wire, sizeof(wire), NULL);
	if (ASSERT_TRUE(len > 0, "wire"))
		ASSERT_TRUE(policy_wire_allowed(&p, wire, (size_t)len), "wire form");
	/* a truncated wire name (no root label) is refused, not overrun */
	if (len > 2)
		ASSERT_FALSE(policy_wire_allowed(&p, wire, (size_t)len - 1), "truncated wire");
	/* allow-name does not make a name reserved, nor the reverse */
	ASSERT_NOT_NULL(policy_match_name(&p, "leak.example.net"), "still reserved");
out:
	policy_free(&p);
}

static void test_allow_name_none(void)
{
	struct policy p;

	if (!ASSERT_OK(policy_init(&p), "init"))
		return;
	ASSERT_FALSE(policy_name_allowed(&p, "leak.example.net"), "no exceptions by default");
	ASSERT_FALSE(policy_name_allowed(NULL, "leak.example.net"), "no policy");
	policy_free(&p);
}

static void test_allow_name_errors(void)
{
	expect_error("allow-name = .\n", 1, "allow-name: ");
	expect_error("\nallow-name = a..b\n", 2, "allow-name: 'a..b': empty label");
	expect_error("allow-name = a b\n", 1, "allow-name: expected one NAME");
	expect_error("allow-name = a/b.test\n", 1, "allow-name: bad character '/'");
	expect_error("allow-name = a\x01.test\n", 1, "allow-name: bad byte");
	expect_error("allow-name =\n", 1, "allow-name: missing value");
	expect_error("allow-names = a.test\n", 1, "unknown key 'allow-names'");
}

static void test_allow_name_printed(void)
{
	static const char config[] = "allow-name = Leak.Example.Net.\n";
	char err[POLICY_ERR_LEN], *text;
	struct policy p;

	if (!ASSERT_OK(load_text(&p, config, strlen(config), err, sizeof(err)), err))
		goto out;
	text = print_to_string(&p);
	if (ASSERT_NOT_NULL(text, "print"))
		ASSERT_NOT_NULL(strstr(text, "\nallow-name = leak.example.net\n"),
				"allow-name line");
	free(text);
out:
	policy_free(&p);
}

static void test_print_shows_everything(void)
{
	static const char config[] = "reserved = corp.example.com\nglobal = 198.18.0.0/15\n";
	char err[POLICY_ERR_LEN], *text;
	struct policy p;

	if (!ASSERT_OK(load_text(&p, config, strlen(config), err, sizeof(err)), err))
		goto out;
	text = print_to_string(&p);
	if (!ASSERT_NOT_NULL(text, "print"))
		goto out;
	ASSERT_NOT_NULL(strstr(text, "\nwindow = 60\n"), "window");
	ASSERT_NOT_NULL(strstr(text, "\nmail-ports = 25 465 587 110 995 143 993\n"), "ports");
	ASSERT_NOT_NULL(strstr(text, "\n#reserved = example.com iana\t# built-in: RFC 6761\n"),
			"built-in suffix as a comment");
	ASSERT_NOT_NULL(strstr(text, "\nreserved = corp.example.com local\n"), "config suffix");
	ASSERT_NOT_NULL(strstr(text, "\n#global = 192.0.0.9/32\t# built-in: "), "built-in block");
	ASSERT_NOT_NULL(strstr(text, "\nglobal = 198.18.0.0/15\n"), "config block");
	ASSERT_NOT_NULL(strstr(text, "# 2002::/16: 6to4"), "embedded block");
	ASSERT_NOT_NULL(strstr(text, "#reserved = internal local"), ".internal");
	free(text);
out:
	policy_free(&p);
}

/* ---- allow-destination ------------------------------------------------------ */

static void test_allow_destination(void)
{
	static const char config[] = "allow-destination = smtp.sendgrid.net\n"
				     "allow-destination = Ordinary.CO.  # any case, a dot\n"
				     "allow-destination=smtp.sendgrid.net\n"
				     "allow-name = leak.example.net\n";
	char err[POLICY_ERR_LEN];
	struct policy p;

	if (!ASSERT_OK(load_text(&p, config, strlen(config), err, sizeof(err)), err))
		goto out;
	ASSERT_EQ(p.n_allow_dests, 2, "a repeated name is one exception");
	ASSERT_STREQ(p.allow_dests[0].name, "smtp.sendgrid.net", "stored name");
	ASSERT_STREQ(p.allow_dests[1].name, "ordinary.co", "lowercase, no trailing dot");
	ASSERT_TRUE(policy_dest_allowed(&p, "smtp.sendgrid.net"), "the name itself");
	ASSERT_TRUE(policy_dest_allowed(&p, "SMTP.SendGrid.NET."), "case and dot");
	ASSERT_TRUE(policy_dest_allowed(&p, "www.ordinary.co"), "under it");
	ASSERT_FALSE(policy_dest_allowed(&p, "xsmtp.sendgrid.net"), "not a whole label");
	ASSERT_FALSE(policy_dest_allowed(&p, "sendgrid.net"), "a parent is not allowed");
	ASSERT_FALSE(policy_dest_allowed(&p, "smtp.sendgrid.net.evil.com"), "a prefix is not");
	ASSERT_FALSE(policy_dest_allowed(&p, ""), "no name");
	ASSERT_FALSE(policy_dest_allowed(&p, NULL), "NULL");
	/* the two lists are apart: neither key allows the other's names */
	ASSERT_FALSE(policy_dest_allowed(&p, "leak.example.net"),
		     "allow-name is not a destination");
	ASSERT_FALSE(policy_name_allowed(&p, "smtp.sendgrid.net"), "nor the reverse");
	ASSERT_TRUE(policy_name_allowed(&p, "leak.example.net"), "allow-name still works");
out:
	policy_free(&p);
}

static void test_allow_destination_errors(void)
{
	struct policy p;

	expect_error("allow-destination = .\n", 1, "allow-destination: the root");
	expect_error("\nallow-destination = a..b\n", 2, "allow-destination: 'a..b': empty label");
	expect_error("allow-destination = a b\n", 1, "allow-destination: expected one NAME");
	expect_error("allow-destination = a/b.net\n", 1, "allow-destination: bad character '/'");
	expect_error("allow-destination = a\x01.net\n", 1, "allow-destination: bad byte");
	expect_error("allow-destination =\n", 1, "allow-destination: missing value");
	expect_error("allow-destinations = a.net\n", 1, "unknown key 'allow-destinations'");
	if (!ASSERT_OK(policy_init(&p), "init"))
		return;
	ASSERT_FALSE(policy_dest_allowed(&p, "smtp.sendgrid.net"), "no exceptions by default");
	policy_free(&p);
}

static void test_allow_destination_printed(void)
{
	static const char config[] = "allow-destination = SMTP.SendGrid.Net.\n";
	char err[POLICY_ERR_LEN], *text;
	struct policy p;

	if (!ASSERT_OK(load_text(&p, config, strlen(config), err, sizeof(err)), err))
		goto out;
	text = print_to_string(&p);
	if (ASSERT_NOT_NULL(text, "print"))
		ASSERT_NOT_NULL(strstr(text, "\nallow-destination = smtp.sendgrid.net\n"),
				"allow-destination line");
	free(text);
out:
	policy_free(&p);
}

int main(void)
{
	RUN_TEST(test_good_file);
	RUN_TEST(test_empty_file);
	RUN_TEST(test_missing_file);
	RUN_TEST(test_syntax_errors);
	RUN_TEST(test_reserved_errors);
	RUN_TEST(test_reserved_64_bytes_fits);
	RUN_TEST(test_prefix_errors);
	RUN_TEST(test_window_errors);
	RUN_TEST(test_mail_ports_errors);
	RUN_TEST(test_nul_byte);
	RUN_TEST(test_long_line);
	RUN_TEST(test_error_text_is_printable);
	RUN_TEST(test_round_trip_builtin);
	RUN_TEST(test_round_trip_config);
	RUN_TEST(test_print_shows_everything);
	RUN_TEST(test_allow_name);
	RUN_TEST(test_allow_name_none);
	RUN_TEST(test_allow_name_errors);
	RUN_TEST(test_allow_name_printed);
	RUN_TEST(test_allow_destination);
	RUN_TEST(test_allow_destination_errors);
	RUN_TEST(test_allow_destination_printed);
	return test_summary();
}
