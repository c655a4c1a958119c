// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `run --write-baseline FILE`: today's findings as a config file, so a
 * project that already leaks can switch the gate on and fail only on new
 * leaks. One exception per finding (ci_allow_line(): allow-name for the
 * reserved name behind a verdict, allow-destination for a follow-on's
 * ordinary destination, allow = ADDR/32 when no name can be written), each
 * with a comment naming where it was seen. The lines of --config come first,
 * so the file alone is the whole policy of the next run.
 *
 * Everything written comes from a watched process: names go in only when
 * the config parser takes them back as they are (host-name characters),
 * and comments are text_escape()d, so no byte can start a line of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "ci_report.h"
#include "config.h"
#include "text.h"

#define COMMENT_MAX 240 /* a line stays well under the parser's 1024 bytes */
#define NAME_SHOWN 80	/* bytes of a reserved name in a comment */

struct entry {
	char line[DNS_TEXT_MAX + 32]; /* "allow-name = ..."; "" when none */
	char comment[COMMENT_MAX];
	unsigned long more; /* further findings the same line allows */
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

static struct entry *entry_get(struct entries *es, const char *line)
{
	struct entry *grown;
	size_t i;

	for (i = 0; line[0] && i < es->n; i++)
		if (!strcmp(es->e[i].line, line))
			return &es->e[i];
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 16;

		grown = realloc(es->e, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		es->e = grown;
		es->cap = cap;
	}
	memset(&es->e[es->n], 0, sizeof(es->e[0]));
	snprintf(es->e[es->n].line, sizeof(es->e[0].line), "%s", line);
	return &es->e[es->n++];
}

/* "direct (high) of leak.example.net, seen in tcp-connect pid 123 at ..." */
static void describe(char *buf, size_t len, const struct watched_proc *p, const struct verdict *v,
		     const char *when)
{
	char comm[LW_COMM_LEN * 4 + 1], name[DNS_TEXT_MAX * 4];
	const char *c = ci_comm(p);
	size_t n;

	text_escape(c, strlen(c), comm, sizeof(comm));
	n = strlen(v->name);
	text_escape(v->name, n < NAME_SHOWN ? n : NAME_SHOWN, name, sizeof(name) - 3);
	if (n > NAME_SHOWN)
		strcat(name, "...");
	snprintf(buf, len, "%s (%s) of %s, seen in %s pid %u at %s", verdict_kind_name(v->kind),
		 severity_name(v->severity), name, comm, p->tgid, when);
}

static int collect(struct verdict_engine *t, struct entries *es, const char *when)
{
	char line[DNS_TEXT_MAX + 32];
	struct watched_proc *p;
	size_t i;

	for (p = verdict_engine_first(t); p; p = verdict_engine_next(t, p)) {
		for (i = 0; i < p->n_verdicts; i++) {
			const struct verdict *v = &p->verdicts[i];
			const struct destination *d = ci_verdict_dest(p, v);
			struct entry *e;

			ci_allow_line(v->kind, v->name, d ? d->name : NULL, v->addr, v->has_addr,
				      line, sizeof(line));
			e = entry_get(es, line);
			if (!e)
				return -ENOMEM;
			if (e->comment[0])
				e->more++;
			else
				describe(e->comment, sizeof(e->comment), p, v, when);
		}
	}
	return 0;
}

/* The lines of --config, verbatim: they loaded, so they load again. */
static int copy_config(FILE *out, const char *path)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(path, "re");

	if (!in) {
		fprintf(stderr, "leakwatch run: --write-baseline: cannot read %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	fprintf(out, "# The lines of --config %s:\n", path);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fputc('\n', out);
	return 0;
}

static void write_entries(FILE *out, const struct entries *es)
{
	size_t i;

	fprintf(out, "# Findings of this run, accepted (%zu exception%s):\n", es->n,
		es->n == 1 ? "" : "s");
	for (i = 0; i < es->n; i++) {
		const struct entry *e = &es->e[i];
		char more[64] = "";

		if (e->more)
			snprintf(more, sizeof(more), " (and %lu more)", e->more);
		if (e->line[0])
			fprintf(out, "%s\t# %s%s\n", e->line, e->comment, more);
		else
			fprintf(out,
				"# no config line can allow this (not a plain host name): %s%s\n",
				e->comment, more);
	}
}

/* The file must load back as a config, or it is no baseline. */
static int check_loads(const char *path)
{
	char err[POLICY_ERR_LEN];
	struct policy p;
	int ret;

	if (policy_init(&p))
		return 1;
	ret = config_load_file(&p, path, err, sizeof(err));
	policy_free(&p);
	if (ret) {
		fprintf(stderr,
			"leakwatch run: --write-baseline wrote a file that does not load: %s\n",
			err);
		return 1;
	}
	return 0;
}

static void header(FILE *out, const struct ci_run *r, const char *when)
{
	char arg[256];
	size_t i;

	fprintf(out,
		"# leakwatch baseline, written by `leakwatch run --write-baseline` at %s\n#   for:",
		when);
	for (i = 0; r->command && r->command[i] && i < 16; i++) {
		size_t n = strlen(r->command[i]);

		text_escape(r->command[i], n < 60 ? n : 60, arg, sizeof(arg));
		fprintf(out, " %s", arg);
	}
	fputs("\n# Pass it with --config: these findings then give no verdict, and a new leak\n"
	      "# still fails the run. Every exception accepts a leak: review them.\n\n",
	      out);
}

int baseline_write(struct verdict_engine *t, const struct ci_run *r)
{
	const char *path = r->opts->baseline;
	struct entries es = { 0 };
	char when[32];
	int ret = 1, fd;
	bool bad;
	FILE *out;

	ci_iso_time(when, sizeof(when), true);
	if (collect(t, &es, when)) {
		fprintf(stderr, "leakwatch run: --write-baseline: %s\n", strerror(ENOMEM));
		goto out_free;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		fprintf(stderr, "leakwatch run: --write-baseline %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out_free;
	}
	header(out, r, when);
	if (r->config && copy_config(out, r->config)) {
		fclose(out);
		goto out_free;
	}
	write_entries(out, &es);
	bad = ferror(out);
	if (fclose(out) || bad) {
		fprintf(stderr, "leakwatch run: --write-baseline %s: %s\n", path,
			strerror(errno ? errno : EIO));
		goto out_free;
	}
	ret = check_loads(path);
out_free:
	free(es.e);
	return ret;
}
