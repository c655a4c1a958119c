// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * run's CI outputs (ci_report.h): GitHub workflow commands, a Markdown step
 * summary and JUnit XML, all from the process table's records once COMMAND has
 * exited, and the "to allow" line every finding carries.
 *
 * Every string from a watched process (comm, cmdline, DNS names) is first
 * made terminal-safe text by text_escape() (controls and invalid UTF-8
 * become \xNN), then escaped once more by the format's own escaper, which
 * is also safe on raw bytes by itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ci_report.h"
#include "dns_name.h"
#include "text.h"

#define CMDLINE_HEAD 120 /* bytes of cmdline shown in names and titles */
#define NAME_TEXT (DNS_TEXT_MAX * 4)

/* ---- escapers ---------------------------------------------------------------- */

void ci_gh_escape(FILE *out, const char *s, size_t n, bool property)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '%':
			fputs("%25", out);
			break;
		case '\r':
			fputs("%0D", out);
			break;
		case '\n':
			fputs("%0A", out);
			break;
		case ':':
			fputs(property ? "%3A" : ":", out);
			break;
		case ',':
			fputs(property ? "%2C" : ",", out);
			break;
		default:
			fputc(s[i], out);
		}
	}
}

void ci_md_escape(FILE *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (strchr("\\`*_[]|~", c) && c)
			fprintf(out, "\\%c", c);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', out); /* a newline would end the table row */
		else
			fputc(c, out);
	}
}

static bool xml_allowed(uint32_t cp)
{
	/* XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD]
	 * | [#x10000-#x10FFFF]; utf8_next() never yields surrogates. */
	if (cp == UTF8_BAD)
		return false;
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp != 0xfffe && cp != 0xffff;
}

void ci_xml_escape(FILE *out, const char *s, size_t n, bool attribute)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);

		if (!xml_allowed(cp))
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
		else if (cp == '&')
			fputs("&amp;", out);
		else if (cp == '<')
			fputs("&lt;", out);
		else if (cp == '>')
			fputs("&gt;", out);
		else if (cp == '"')
			fputs("&quot;", out);
		else if (cp == '\'')
			fputs("&apos;", out);
		else if (cp == '\r' || (attribute && (cp == '\t' || cp == '\n')))
			fprintf(out, "&#%u;", cp); /* kept through normalization */
		else
			fwrite(s + i, 1, k, out);
		i += k;
	}
}

static void md_str(FILE *out, const char *s)
{
	ci_md_escape(out, s, strlen(s));
}

static void xml_str(FILE *out, const char *s, bool attribute)
{
	ci_xml_escape(out, s, strlen(s), attribute);
}

/* ---- what a finding says -------------------------------------------------------- */

static const char *esc(const char *s, char *buf, size_t len)
{
	return text_escape(s, strlen(s), buf, len);
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

void ci_iso_time(char *buf, size_t len, bool zone)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone ? "Z" : "");
}

const char *ci_comm(const struct watched_proc *p)
{
	return p->info_read ? p->info.comm : p->comm;
}

const char *ci_cmdline_head(const struct watched_proc *p, char *buf, size_t len)
{
	char raw[CMDLINE_HEAD] = "";
	size_t i, n, total;

	buf[0] = '\0';
	if (!p->info_read || !p->info.cmdline_len || len < 8)
		return buf;
	total = p->info.cmdline_len;
	while (total && !p->info.cmdline[total - 1])
		total--; /* the last argument's NUL */
	n = total < sizeof(raw) ? total : sizeof(raw);
	memcpy(raw, p->info.cmdline, n);
	for (i = 0; i < n; i++)
		if (!raw[i])
			raw[i] = ' '; /* arguments joined as the text report shows them */
	text_escape(raw, n, buf, len - 3);
	if (total > n)
		strcat(buf, "...");
	return buf;
}

/* A name a config line can carry: what the parser takes back. */
static bool allowable_name(const char *s)
{
	const char *c;

	if (!s || !*s || !strcmp(s, "."))
		return false;
	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return false;
	return dns_name_validate(s, NULL, 0) == 0;
}

/* A numeric getaddrinfo() names a destination by its address: no name. */
static bool is_address(const char *s)
{
	uint8_t a[16];

	return addr_parse(s, a) == 0;
}

const char *ci_allow_line(uint8_t kind, const char *reserved, const char *dest_name,
			  const uint8_t addr[16], bool has_addr, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	buf[0] = '\0';
	/* A follow-on is about where the traffic went: the narrowest
	 * exception is that destination, not every window the name opens. */
	if (kind == VERDICT_FOLLOW_ON && allowable_name(dest_name) && !is_address(dest_name))
		snprintf(buf, len, "allow-destination = %s", dest_name);
	else if (kind != VERDICT_FOLLOW_ON && allowable_name(reserved))
		snprintf(buf, len, "allow-name = %s", reserved);
	else if ((kind == VERDICT_DIRECT || kind == VERDICT_FOLLOW_ON) && has_addr) {
		addr_format(addr, a, sizeof(a));
		snprintf(buf, len, "allow = %s/%d", a, addr_is_v4(addr) ? 32 : 128);
	}
	return buf;
}

void ci_text_hint(FILE *out, const struct watched_proc *p, uint8_t kind, const char *reserved,
		  const char *dest_name, const uint8_t addr[16], bool has_addr)
{
	char line[NAME_TEXT], comm[LW_COMM_LEN * 4 + 1];

	esc(ci_comm(p), comm, sizeof(comm));
	if (*ci_allow_line(kind, reserved, dest_name, addr, has_addr, line, sizeof(line)))
		fprintf(out,
			"      to allow: add `%s` to your --config file; or fix pid %u (%s), "
			"which sent it\n",
			line, p->tgid, comm);
	else
		fprintf(out,
			"      no config line can allow it (not a plain host name): fix pid %u "
			"(%s), which sent it\n",
			p->tgid, comm);
}

const struct destination *ci_verdict_dest(const struct watched_proc *p, const struct verdict *v)
{
	size_t i;

	if (v->kind != VERDICT_DIRECT && v->kind != VERDICT_FOLLOW_ON)
		return NULL;
	for (i = 0; i < p->n_dests; i++) {
		const struct destination *d = &p->dests[i];

		if (d->verdict == v->kind && d->port == v->port && !memcmp(d->addr, v->addr, 16))
			return d;
	}
	return NULL;
}

static void finding_init(struct ci_finding *f, const struct watched_proc *p,
			 const struct verdict *v)
{
	f->p = p;
	f->v = v;
	f->d = ci_verdict_dest(p, v);
}

static bool fails(const struct ci_run *r, const struct verdict *v)
{
	return r->fail_on != SEV_NONE && v->severity >= r->fail_on;
}

/* "198.18.0.7:80/tcp" (or the resolver, or the answer). */
static void dest_text(const struct ci_finding *f, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	if (!f->v->has_addr) {
		snprintf(buf, len, "-");
		return;
	}
	if (f->v->port)
		addr_format_port(f->v->addr, f->v->port, a, sizeof(a));
	else
		addr_format(f->v->addr, a, sizeof(a));
	if (f->v->kind == VERDICT_ANSWER)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%s", a, proto_name(f->v->proto));
}

static void allow_text(const struct ci_finding *f, char *buf, size_t len)
{
	ci_allow_line(f->v->kind, f->v->name, f->d ? f->d->name : NULL, f->v->addr, f->v->has_addr,
		      buf, len);
}

/* The reserved name behind a verdict, escaped; a direct verdict whose
 * answer the kernel matched but userspace no longer holds has none. */
static const char *reserved_text(const struct ci_finding *f, char *buf, size_t len)
{
	if (!f->v->name[0])
		return "(name not recorded)";
	return esc(f->v->name, buf, len);
}

/* One line: "direct leak (high) of leak.example.net". */
static void title_text(FILE *out, const struct ci_finding *f)
{
	char name[NAME_TEXT];

	fprintf(out, "leakwatch: %s leak (%s) of %s", verdict_kind_name(f->v->kind),
		severity_name(f->v->severity), reserved_text(f, name, sizeof(name)));
}

/* What happened, where it went, who sent it, how to allow it: lines. */
static void finding_text(FILE *out, const struct ci_finding *f)
{
	char name[NAME_TEXT], dname[NAME_TEXT], dest[ADDR_STRLEN + 8], line[NAME_TEXT];
	char comm[LW_COMM_LEN * 4 + 1], cmd[CMDLINE_HEAD * 4 + 8];
	const struct destination *d = f->d;
	const struct watched_proc *p = f->p;
	const char *rn;

	rn = reserved_text(f, name, sizeof(name));
	dest_text(f, dest, sizeof(dest));
	dname[0] = '\0';
	if (d && d->name[0])
		esc(d->name, dname, sizeof(dname));
	switch (f->v->kind) {
	case VERDICT_DIRECT:
		fprintf(out, "traffic to %s%s%s%s, an answer to the reserved name %s", dest,
			dname[0] ? " (" : "", dname, dname[0] ? ")" : "", rn);
		if (d && d->asked_by_pid) {
			esc(d->asked_by_comm, comm, sizeof(comm));
			fprintf(out, " asked by pid %u%s%s%s", d->asked_by_pid, comm[0] ? " (" : "",
				comm, comm[0] ? ")" : "");
		}
		break;
	case VERDICT_FOLLOW_ON:
		fprintf(out, "traffic to %s (%s) right after a lookup of the reserved name %s",
			dest, dname[0] ? dname : "no name seen", rn);
		break;
	case VERDICT_RESOLVER:
		fprintf(out, "the reserved name %s was sent to the global DNS resolver %s", rn,
			dest);
		break;
	default:
		fprintf(out, "the reserved name %s was answered with %s, which its kind forbids",
			rn, dest);
	}
	fprintf(out, "%s\n", f->v->blocked ? " (blocked by --enforce)" : "");
	fprintf(out, "process: %s, pid %u, cmdline: %s\n", esc(ci_comm(p), comm, sizeof(comm)),
		p->tgid, ci_cmdline_head(p, cmd, sizeof(cmd))[0] ? cmd : "(unknown)");
	allow_text(f, line, sizeof(line));
	if (line[0])
		fprintf(out, "to allow: add `%s` to your --config file", line);
	else
		fprintf(out, "no config line can allow it (not a plain host name)");
}

/* Run fn(out, f) into a string; NULL when out of memory. */
static char *format_finding(void (*fn)(FILE *, const struct ci_finding *),
			    const struct ci_finding *f, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	if (!m)
		return NULL;
	fn(m, f);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- GitHub workflow commands ---------------------------------------------------- */

static void gh_annotation(FILE *out, const struct ci_finding *f, const struct ci_run *r)
{
	size_t tlen = 0, mlen = 0;
	char *title = format_finding(title_text, f, &tlen);
	char *msg = format_finding(finding_text, f, &mlen);

	if (title && msg) {
		fputs(fails(r, f->v) ? "::error title=" : "::warning title=", out);
		ci_gh_escape(out, title, tlen, true);
		fputs("::", out);
		ci_gh_escape(out, msg, mlen, false);
		fputc('\n', out);
	}
	free(title);
	free(msg);
}

static void gh_annotations(FILE *out, struct verdict_engine *t, const struct ci_run *r)
{
	struct ci_finding f;
	struct watched_proc *p;
	size_t i;

	for (p = verdict_engine_first(t); p; p = verdict_engine_next(t, p)) {
		for (i = 0; i < p->n_verdicts; i++) {
			finding_init(&f, p, &p->verdicts[i]);
			gh_annotation(out, &f, r);
		}
	}
	fflush(out);
}

/* ---- files --------------------------------------------------------------------- */

static FILE *open_out(const char *what, const char *path, bool append)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
	FILE *f;

	if (fd < 0) {
		fprintf(stderr, "leakwatch run: %s %s: %s\n", what, path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, append ? "a" : "w");
	if (!f) {
		fprintf(stderr, "leakwatch run: %s %s: %s\n", what, path, strerror(errno));
		close(fd);
	}
	return f;
}

static int close_out(const char *what, const char *path, FILE *f)
{
	bool bad = ferror(f);

	if (fclose(f) || bad) {
		fprintf(stderr, "leakwatch run: %s %s: %s\n", what, path,
			strerror(errno ? errno : EIO));
		return 1;
	}
	return 0;
}

struct counts {
	unsigned long processes, leaking, failing;
};

static void count(struct verdict_engine *t, const struct ci_run *r, struct counts *c)
{
	struct watched_proc *p;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (p = verdict_engine_first(t); p; p = verdict_engine_next(t, p)) {
		bool fail = false;

		if (!watched_proc_has_findings(p))
			continue;
		c->processes++;
		c->leaking += p->n_verdicts > 0;
		for (i = 0; i < p->n_verdicts; i++)
			fail |= fails(r, &p->verdicts[i]);
		c->failing += fail;
	}
}

/* Why the watch was incomplete, one line each (the summary's reasons). */
static void incomplete_lines(FILE *out, const struct summary *sum, const char *prefix,
			     void (*str)(FILE *, const char *))
{
	uint64_t lost = summary_events_lost(sum);
	char line[512];
	size_t i;

	if (lost) {
		snprintf(line, sizeof(line), "%llu event%s lost", (unsigned long long)lost,
			 lost == 1 ? "" : "s");
		fputs(prefix, out);
		str(out, line);
		fputc('\n', out);
	}
	for (i = 0; sum->watch && i < sum->watch->n_escapes; i++) {
		const struct watch_escape *e = &sum->watch->escapes[i];
		char comm[LW_COMM_LEN * 4 + 1];

		snprintf(line, sizeof(line), "pid %u (%s) left the watched cgroup tree for %s",
			 e->pid, esc(e->comm, comm, sizeof(comm)), e->cgroup);
		fputs(prefix, out);
		str(out, line);
		fputc('\n', out);
	}
}

/* ---- Markdown step summary ------------------------------------------------------- */

static void md_row(FILE *out, const struct ci_finding *f, const struct ci_run *r)
{
	char name[NAME_TEXT], dname[NAME_TEXT], dest[ADDR_STRLEN + 8], line[NAME_TEXT];

	dest_text(f, dest, sizeof(dest));
	fprintf(out, "| %s | %s%s | ", verdict_kind_name(f->v->kind), severity_name(f->v->severity),
		fails(r, f->v) ? ", **fails the run**" : "");
	md_str(out, esc(f->v->name, name, sizeof(name)));
	fputs(" | ", out);
	md_str(out, dest);
	if (f->d && f->d->name[0]) {
		fputs(" (", out);
		md_str(out, esc(f->d->name, dname, sizeof(dname)));
		fputc(')', out);
	}
	allow_text(f, line, sizeof(line));
	/* The line holds host-name characters and an address only: no
	 * backtick can end the code span early. */
	if (line[0])
		fprintf(out, " | `%s` |\n", line);
	else
		fputs(" | no config line (not a plain host name) |\n", out);
}

static void md_process(FILE *out, const struct watched_proc *p, const struct ci_run *r)
{
	char comm[LW_COMM_LEN * 4 + 1], cmd[CMDLINE_HEAD * 4 + 8];
	struct ci_finding f;
	size_t i;

	fputs("#### ", out);
	md_str(out, esc(ci_comm(p), comm, sizeof(comm)));
	fprintf(out, " (pid %u): ", p->tgid);
	md_str(out, ci_cmdline_head(p, cmd, sizeof(cmd))[0] ? cmd : "(cmdline unknown)");
	fputs("\n\n| verdict | severity | reserved name | destination | how to allow |\n"
	      "| --- | --- | --- | --- | --- |\n",
	      out);
	for (i = 0; i < p->n_verdicts; i++) {
		finding_init(&f, p, &p->verdicts[i]);
		md_row(out, &f, r);
	}
	fputc('\n', out);
}

static int write_step_summary(const char *path, struct verdict_engine *t, const struct summary *sum,
			      const struct ci_run *r)
{
	FILE *out = open_out("--step-summary", path, true);
	struct counts c;
	struct watched_proc *p;

	if (!out)
		return 1;
	count(t, r, &c);
	if (c.leaking)
		fprintf(out,
			"### leakwatch: %lu of %lu process%s that touched reserved names leaked\n\n",
			c.leaking, c.processes, c.processes == 1 ? "" : "es");
	else
		fprintf(out, "### leakwatch: no leak (%lu process%s touched reserved names)\n\n",
			c.processes, c.processes == 1 ? "" : "es");
	if (r->fail_on != SEV_NONE)
		fprintf(out, "Verdicts at or above `--fail-on %s` fail the run: %lu process%s.\n\n",
			severity_name(r->fail_on), c.failing, c.failing == 1 ? "" : "es");
	else
		fputs("`--fail-on none`: no verdict fails the run.\n\n", out);
	if (!summary_complete(sum)) {
		fputs("**The watch was incomplete**: a leak may have been missed.\n\n", out);
		incomplete_lines(out, sum, "- ", md_str);
		fputc('\n', out);
	}
	for (p = verdict_engine_first(t); p; p = verdict_engine_next(t, p))
		if (p->n_verdicts)
			md_process(out, p, r);
	return close_out("--step-summary", path, out);
}

/* ---- JUnit XML ------------------------------------------------------------------- */

static void xml_property(FILE *out, const char *name, const char *value)
{
	fprintf(out, "      <property name=\"%s\" value=\"", name);
	xml_str(out, value, true);
	fputs("\"/>\n", out);
}

static void xml_properties(FILE *out, const struct summary *sum, const struct counts *c,
			   const struct ci_run *r)
{
	char v[64];

	fputs("    <properties>\n", out);
	xml_property(out, "complete", summary_complete(sum) ? "true" : "false");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)summary_events_lost(sum));
	xml_property(out, "events_lost", v);
	snprintf(v, sizeof(v), "%lu", c->processes);
	xml_property(out, "processes", v);
	snprintf(v, sizeof(v), "%lu", c->leaking);
	xml_property(out, "leaks", v);
	xml_property(out, "fail_on", r->fail_on == SEV_NONE ? "none" : severity_name(r->fail_on));
	xml_property(out, "dns_capture", sum->dns_capture ? sum->dns_capture : "");
	fputs("    </properties>\n", out);
}

static void xml_text(FILE *out, const char *s)
{
	xml_str(out, s, false);
}

static void xml_finding(FILE *out, const struct ci_finding *f)
{
	size_t len = 0;
	char *text = format_finding(finding_text, f, &len);

	if (text)
		ci_xml_escape(out, text, len, false);
	free(text);
}

static void xml_findings(FILE *out, const struct watched_proc *p, const struct ci_run *r,
			 bool failing)
{
	struct ci_finding f;
	bool first = true;
	size_t i;

	for (i = 0; i < p->n_verdicts; i++) {
		finding_init(&f, p, &p->verdicts[i]);
		if (fails(r, f.v) != failing)
			continue;
		if (!first)
			fputs("\n\n", out);
		first = false;
		fputs(failing ? "" : "below --fail-on: ", out);
		xml_finding(out, &f);
	}
}

static void xml_testcase(FILE *out, const struct watched_proc *p, const struct ci_run *r)
{
	char comm[LW_COMM_LEN * 4 + 1], cmd[CMDLINE_HEAD * 4 + 8], name[NAME_TEXT * 2];
	const struct verdict *first = NULL;
	struct ci_finding f;
	bool below = false;
	size_t i, n_fail = 0;

	for (i = 0; i < p->n_verdicts; i++) {
		if (fails(r, &p->verdicts[i])) {
			first = first ?: &p->verdicts[i];
			n_fail++;
		} else {
			below = true;
		}
	}
	snprintf(name, sizeof(name), "%s (pid %u): %s", esc(ci_comm(p), comm, sizeof(comm)),
		 p->tgid, ci_cmdline_head(p, cmd, sizeof(cmd))[0] ? cmd : "(cmdline unknown)");
	fputs("    <testcase classname=\"leakwatch.process\" name=\"", out);
	xml_str(out, name, true);
	fputs("\" time=\"0\">\n", out);
	if (first) {
		size_t tlen = 0;
		char *title;

		finding_init(&f, p, first);
		title = format_finding(title_text, &f, &tlen);
		fprintf(out, "      <failure type=\"leakwatch.%s\" message=\"",
			verdict_kind_name(first->kind));
		if (title)
			ci_xml_escape(out, title, tlen, true);
		if (n_fail > 1)
			fprintf(out, " and %zu more", n_fail - 1);
		fputs("\">", out);
		xml_findings(out, p, r, true);
		fputs("</failure>\n", out);
		free(title);
	}
	if (below) {
		fputs("      <system-out>", out);
		xml_findings(out, p, r, false);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

/* The watch itself is a testcase: it fails when evidence may be missing
 * (run exits 4 then), unless --allow-incomplete. */
static void xml_watch_case(FILE *out, const struct summary *sum, const struct ci_run *r)
{
	fputs("    <testcase classname=\"leakwatch.watch\" name=\"every watched process was "
	      "seen (complete)\" time=\"0\">\n",
	      out);
	if (!summary_complete(sum)) {
		fputs(r->allow_incomplete ? "      <system-out>--allow-incomplete: " :
					    "      <failure type=\"leakwatch.incomplete\" "
					    "message=\"the watch was incomplete\">",
		      out);
		incomplete_lines(out, sum, "", xml_text);
		fputs(r->allow_incomplete ? "</system-out>\n" : "</failure>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void suite_name(FILE *out, const struct ci_run *r)
{
	char arg[CMDLINE_HEAD * 4 + 1];
	size_t i, shown = 0;

	fputs("leakwatch run:", out);
	for (i = 0; r->command && r->command[i] && shown < CMDLINE_HEAD; i++) {
		size_t n = strlen(r->command[i]);

		n = n < CMDLINE_HEAD ? n : CMDLINE_HEAD;
		text_escape(r->command[i], n, arg, sizeof(arg));
		fputc(' ', out);
		xml_str(out, arg, true);
		shown += n + 1;
	}
}

static int write_junit(const char *path, struct verdict_engine *t, const struct summary *sum,
		       const struct ci_run *r)
{
	FILE *out = open_out("--junit", path, false);
	char now[32], host[HOST_NAME_MAX + 1] = "";
	unsigned long tests, failures;
	struct counts c;
	struct watched_proc *p;

	if (!out)
		return 1;
	count(t, r, &c);
	tests = c.processes + 1; /* and the watch itself */
	failures = c.failing + (!summary_complete(sum) && !r->allow_incomplete);
	ci_iso_time(now, sizeof(now), false);
	gethostname(host, sizeof(host) - 1);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<testsuites name=\"leakwatch\" tests=\"%lu\" failures=\"%lu\" errors=\"0\" "
		"time=\"0\">\n",
		tests, failures);
	fputs("  <testsuite name=\"", out);
	suite_name(out, r);
	fprintf(out,
		"\" tests=\"%lu\" failures=\"%lu\" errors=\"0\" skipped=\"0\" time=\"0\" "
		"timestamp=\"%s\" hostname=\"",
		tests, failures, now);
	xml_str(out, host, true);
	fputs("\">\n", out);
	xml_properties(out, sum, &c, r);
	for (p = verdict_engine_first(t); p; p = verdict_engine_next(t, p))
		if (watched_proc_has_findings(p))
			xml_testcase(out, p, r);
	xml_watch_case(out, sum, r);
	fputs("    <system-out/>\n    <system-err/>\n  </testsuite>\n</testsuites>\n", out);
	return close_out("--junit", path, out);
}

/* ---- options and the entry points ------------------------------------------------- */

/* A file we will write at the end: its directory must be there now, so
 * that a typo fails before COMMAND runs, not after. */
static int check_path(const char *opt, const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (!*path || strlen(path) >= sizeof(dir)) {
		fprintf(stderr, "leakwatch run: %s: bad file name\n", opt);
		return -EINVAL;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "leakwatch run: %s %s: is a directory\n", opt, path);
		return -EISDIR;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK)) {
		fprintf(stderr, "leakwatch run: %s %s: directory %s: %s\n", opt, path, dir,
			strerror(errno));
		return -errno;
	}
	return 0;
}

bool ci_parse_opt(struct ci_opts *o, int opt, const char *arg, int *err)
{
	const char *name = NULL;
	const char **dst = NULL;

	switch (opt) {
	case OPT_CI_ANNOTATIONS:
		if (!strcmp(arg, "github"))
			o->annotations = CI_ANNOTATIONS_GITHUB;
		else if (!strcmp(arg, "none"))
			o->annotations = CI_ANNOTATIONS_NONE;
		else if (!strcmp(arg, "auto"))
			o->annotations = CI_ANNOTATIONS_AUTO;
		else {
			fprintf(stderr,
				"leakwatch run: --annotations: '%s' is not github, none or auto\n",
				arg);
			*err = 2;
		}
		return true;
	case OPT_CI_STEP_SUMMARY:
		name = "--step-summary";
		dst = &o->step_summary;
		break;
	case OPT_CI_JUNIT:
		name = "--junit";
		dst = &o->junit;
		break;
	case OPT_CI_BASELINE:
		name = "--write-baseline";
		dst = &o->baseline;
		break;
	default:
		return false;
	}
	if (check_path(name, arg))
		*err = 2;
	*dst = arg;
	return true;
}

/* Remove a verdict at index i, keeping the order. */
static void verdict_remove(struct watched_proc *p, size_t i)
{
	memmove(&p->verdicts[i], &p->verdicts[i + 1],
		(p->n_verdicts - i - 1) * sizeof(p->verdicts[0]));
	p->n_verdicts--;
}

static bool dest_has(const struct watched_proc *p, const struct verdict *v)
{
	return ci_verdict_dest(p, v) != NULL;
}

void ci_allow_destinations_of(struct watched_proc *p, const struct policy *pol)
{
	struct verdict dropped;
	size_t i, k;

	for (i = 0; i < p->n_dests; i++) {
		struct destination *d = &p->dests[i];

		if (!d->verdict || !d->name[0] || !policy_dest_allowed(pol, d->name))
			continue;
		memset(&dropped, 0, sizeof(dropped));
		dropped.kind = d->verdict;
		dropped.port = d->port;
		memcpy(dropped.addr, d->addr, 16);
		d->verdict = VERDICT_NONE;
		d->severity = SEV_NONE;
		d->via[0] = '\0';
		/* The verdict goes with its last destination (tcp and udp to
		 * the same address and port are one verdict). */
		if (dest_has(p, &dropped))
			continue;
		for (k = p->n_verdicts; k-- > 0;) {
			const struct verdict *v = &p->verdicts[k];

			if (v->kind == dropped.kind && v->has_addr && v->port == dropped.port &&
			    !memcmp(v->addr, dropped.addr, 16))
				verdict_remove(p, k);
		}
	}
}

void ci_apply_allow_destinations(struct verdict_engine *t, const struct policy *pol)
{
	struct watched_proc *p;

	if (!t || !pol || !pol->n_allow_dests)
		return;
	for (p = verdict_engine_first(t); p; p = verdict_engine_next(t, p))
		ci_allow_destinations_of(p, pol);
}

static bool env_true(const char *name)
{
	const char *v = getenv(name);

	return v && !strcmp(v, "true");
}

int ci_report(struct verdict_engine *t, const struct summary *sum, const struct ci_run *r)
{
	const struct ci_opts *o = r->opts;
	const char *summary_path = o->step_summary, *env;
	bool github = o->annotations == CI_ANNOTATIONS_GITHUB ||
		      (o->annotations == CI_ANNOTATIONS_AUTO && env_true("GITHUB_ACTIONS"));
	int ret = 0;

	if (!t)
		return 0;
	env = getenv("GITHUB_STEP_SUMMARY");
	if (!summary_path && github && env && *env)
		summary_path = env;
	/* GitHub reads workflow commands from stdout. COMMAND has exited:
	 * its output is all there, and these lines come after it. */
	if (github)
		gh_annotations(stdout, t, r);
	if (summary_path)
		ret |= write_step_summary(summary_path, t, sum, r);
	if (o->junit)
		ret |= write_junit(o->junit, t, sum, r);
	if (o->baseline)
		ret |= baseline_write(t, r);
	return ret;
}
