// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "ci_report.h"
#include "libc_probe.h"
#include "report.h"
#include "sensor.h"
#include "text.h"

static void iso_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(ts.tv_nsec / 1000000) % 1000);
}

static void kv_addr(struct json *j, const char *key, const uint8_t addr[16])
{
	char buf[ADDR_STRLEN];

	addr_format(addr, buf, sizeof(buf));
	json_kv_string(j, key, buf);
}

static void kv_string_or_null(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s && *s)
		json_string(j, s);
	else
		json_null(j);
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static void json_process(struct json *j, const struct watched_proc *p)
{
	const struct proc_identity *info = &p->info;
	/* the cgroup and identity also survive a process gone before /proc
	 * was read, from the kernel's cgroup ids */
	bool ident = p->info_read || info->cgroup_source[0];
	size_t off;

	json_key(j, "process");
	json_object_begin(j);
	json_kv_uint(j, "pid", watched_proc_pid(p));
	json_kv_uint(j, "ppid", p->ppid);
	json_kv_uint(j, "uid", p->info_read ? info->uid : p->uid);
	json_kv_string(j, "comm", p->info_read ? info->comm : p->comm);
	kv_string_or_null(j, "exe", p->info_read ? info->exe : NULL);
	json_key(j, "cmdline");
	if (p->info_read && info->cmdline_len) {
		json_array_begin(j);
		for (off = 0; off < info->cmdline_len;) {
			size_t n = strnlen(info->cmdline + off, info->cmdline_len - off);

			json_string_n(j, info->cmdline + off, n);
			off += n + 1;
		}
		json_array_end(j);
	} else {
		json_null(j);
	}
	kv_string_or_null(j, "cgroup", ident ? info->cgroup : NULL);
	kv_string_or_null(j, "container_id", ident ? info->container_id : NULL);
	kv_string_or_null(j, "pod_uid", ident ? info->pod_uid : NULL);
	/* additive (README, The report): what the cgroup path also says, where it
	 * was read, the engine's names, the pid namespace */
	kv_string_or_null(j, "container_runtime", ident ? info->runtime : NULL);
	kv_string_or_null(j, "pod_qos", ident ? info->qos : NULL);
	kv_string_or_null(j, "cgroup_source", ident ? info->cgroup_source : NULL);
	kv_string_or_null(j, "container_name", info->container_name);
	kv_string_or_null(j, "container_image", info->container_image);
	json_kv_bool(j, "exited_before_read", !p->info_read && !p->outside_pidns);
	json_kv_uint(j, "host_pid", p->tgid);
	json_kv_bool(j, "outside_pid_namespace", p->outside_pidns);
	json_object_end(j);
}

static void json_names(struct json *j, const struct watched_proc *p)
{
	size_t i, k;

	json_key(j, "names");
	json_array_begin(j);
	for (i = 0; i < p->n_names; i++) {
		const struct lookup *n = &p->names[i];

		json_object_begin(j);
		json_kv_string(j, "name", n->text);
		json_kv_string(j, "suffix", n->suffix);
		json_kv_string(j, "family", family_name(n->family));
		/* libc lookups have no query type and no resolver; "function"
		 * (additive) names the C library call */
		kv_string_or_null(j, "qtype", n->libc ? NULL : dns_type_name(n->qtype));
		json_kv_string(j, "source", n->libc ? "libc" : "dns");
		kv_string_or_null(j, "resolver", n->resolver);
		if (n->libc)
			kv_string_or_null(j, "function", libc_func_name(n->func));
		json_key(j, "answers");
		json_array_begin(j);
		for (k = 0; k < n->n_answers; k++) {
			char buf[ADDR_STRLEN];

			addr_format(n->answers[k], buf, sizeof(buf));
			json_string(j, buf);
		}
		json_array_end(j);
		kv_string_or_null(j, "rcode", n->rcode >= 0 ? dns_rcode_name(n->rcode) : NULL);
		json_kv_uint(j, "count", n->count);
		json_kv_bool(j, "malformed", n->malformed);
		/* additive: under an `allow-name`, so it gave no verdict; only
		 * present when true (reports without exceptions are unchanged) */
		if (n->allowed)
			json_kv_bool(j, "allowed", true);
		/* additive: MX exchanges and SRV targets, when the answers had any */
		if (n->n_targets) {
			json_key(j, "targets");
			json_array_begin(j);
			for (k = 0; k < n->n_targets; k++)
				json_string(j, n->targets[k]);
			json_array_end(j);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_dests(struct json *j, const struct watched_proc *p)
{
	size_t i;

	json_key(j, "destinations");
	json_array_begin(j);
	for (i = 0; i < p->n_dests; i++) {
		const struct destination *d = &p->dests[i];

		json_object_begin(j);
		kv_addr(j, "address", d->addr);
		json_kv_uint(j, "port", d->port);
		json_kv_string(j, "proto", proto_name(d->proto));
		json_kv_uint(j, "count", d->count);
		json_kv_bool(j, "global", d->global);
		kv_string_or_null(j, "name", d->name);
		kv_string_or_null(j, "verdict", verdict_kind_name(d->verdict));
		kv_string_or_null(j, "severity", d->verdict ? severity_name(d->severity) : NULL);
		kv_string_or_null(j, "via", d->via);
		json_kv_bool(j, "blocked", d->blocked);
		json_key(j, "asked_by");
		if (d->asked_by_pid) {
			json_object_begin(j);
			json_kv_uint(j, "pid", d->asked_by_pid);
			kv_string_or_null(j, "comm", d->asked_by_comm);
			json_object_end(j);
		} else {
			json_null(j);
		}
		/* additive (--payload): a reserved identity it received */
		if (d->payload[0]) {
			json_kv_string(j, "payload", d->payload);
			json_kv_string(j, "payload_verb", payload_verb_name(d->payload_verb));
		}
		json_object_end(j);
	}
	json_array_end(j);
}

/* How a payload token was tied to its socket: the cleartext scan reads the
 * socket's own segments; TLS plaintext is tied by the writing thread's next
 * send (sock_send_length), or below 6.3 to the process's last connect. */
static const char *payload_attribution(uint8_t flags)
{
	if (!(flags & LW_PAYLOAD_TLS_PLAIN))
		return "socket";
	return (flags & LW_PAYLOAD_ATTR_WINDOW) ? "time-window" : "sock_send_length";
}

/* The fields a payload verdict or payloads[] entry adds. */
static void payload_fields(struct json *j, uint8_t verb, uint8_t flags)
{
	json_kv_string(j, "verb", payload_verb_name(verb));
	json_kv_bool(j, "tls", flags & LW_PAYLOAD_TLS_PLAIN);
	json_kv_string(j, "attribution", payload_attribution(flags));
	json_kv_bool(j, "local_part_withheld", flags & LW_PAYLOAD_LOCAL_DROPPED);
}

/* payloads[] (additive, --payload): per socket and token. */
static void json_payloads(struct json *j, const struct watched_proc *p)
{
	size_t i;

	json_key(j, "payloads");
	json_array_begin(j);
	for (i = 0; i < p->n_payloads; i++) {
		const struct payload_seen *x = &p->payloads[i];

		json_object_begin(j);
		json_kv_string(j, "token", x->token);
		json_kv_string(j, "suffix", x->suffix);
		json_kv_string(j, "family", family_name(x->family));
		kv_addr(j, "address", x->addr);
		json_kv_uint(j, "port", x->port);
		json_kv_uint(j, "socket", x->cookie);
		payload_fields(j, x->verb, x->flags);
		json_kv_string(j, "severity", severity_name(x->severity));
		json_kv_uint(j, "count", x->count);
		json_object_end(j);
	}
	json_array_end(j);
}

/* "clients": the processes whose lookup a local stub sent upstream (a
 * resolver verdict's), as pid and comm. Also used by the OCSF writer. */
void report_clients_json(struct json *j, const struct verdict *v)
{
	size_t i;

	json_key(j, "clients");
	json_array_begin(j);
	for (i = 0; i < v->n_clients; i++) {
		json_object_begin(j);
		json_kv_uint(j, "pid", v->clients[i].pid);
		json_kv_string(j, "comm", v->clients[i].comm);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_verdict(struct json *j, const struct verdict *v)
{
	json_object_begin(j);
	json_kv_string(j, "kind", verdict_kind_name(v->kind));
	json_kv_string(j, "severity", severity_name(v->severity));
	kv_string_or_null(j, "name", v->name);
	json_key(j, "address");
	if (v->has_addr) {
		char buf[ADDR_STRLEN];

		addr_format(v->addr, buf, sizeof(buf));
		json_string(j, buf);
	} else {
		json_null(j);
	}
	json_key(j, "port");
	if (v->port)
		json_uint(j, v->port);
	else
		json_null(j);
	if (v->kind != VERDICT_ANSWER)
		json_kv_string(j, "proto", proto_name(v->proto));
	json_kv_bool(j, "blocked", v->blocked);
	if (v->kind == VERDICT_RESOLVER)
		report_clients_json(j, v); /* additive */
	if (v->target[0])
		json_kv_string(j, "target", v->target); /* additive: an MX/SRV answer */
	if (v->kind == VERDICT_PAYLOAD)			/* name is the token */
		payload_fields(j, v->verb, v->pflags);
	json_object_end(j);
}

int report_json(struct json *j, int fd, const struct watched_proc *p, bool complete)
{
	char now[64];
	size_t i;

	iso_time(now, sizeof(now));
	json_reset(j);
	json_object_begin(j);
	json_kv_string(j, "type", "report");
	json_kv_string(j, "time", now);
	json_process(j, p);
	json_names(j, p);
	json_dests(j, p);
	if (p->n_payloads)
		json_payloads(j, p);
	json_key(j, "verdicts");
	json_array_begin(j);
	for (i = 0; i < p->n_verdicts; i++)
		json_verdict(j, &p->verdicts[i]);
	json_array_end(j);
	json_kv_bool(j, "leak", p->n_verdicts > 0);
	json_kv_bool(j, "exited", p->exited);
	json_kv_bool(j, "complete", complete);
	json_object_end(j);
	return json_write_line(j, fd);
}

int report_event_json(struct json *j, int fd, const struct watched_proc *p, const struct verdict *v)
{
	char now[64];

	iso_time(now, sizeof(now));
	json_reset(j);
	json_object_begin(j);
	json_kv_string(j, "type", "event");
	json_kv_string(j, "time", now);
	json_process(j, p);
	json_key(j, "verdict");
	json_verdict(j, v);
	json_object_end(j);
	return json_write_line(j, fd);
}

uint64_t summary_events_lost(const struct summary *s)
{
	uint64_t lost = 0;
	unsigned int i;

	for (i = 0; i < LW_STAT_MAX; i++)
		if (LW_STAT_LOST_MASK & (1u << i))
			lost += s->lost[i];
	if (s->engine_stats)
		lost += s->engine_stats->bad_events + verdict_stats_oom(s->engine_stats) +
			s->engine_stats->procs.table_full;
	return lost;
}

bool summary_complete(const struct summary *s)
{
	return summary_events_lost(s) == 0 && (!s->watch || !s->watch->escaped);
}

/* Why a summary is not complete, one string each. */
static void incomplete_json(struct json *j, const struct summary *s)
{
	uint64_t lost = summary_events_lost(s);
	char why[512];
	size_t i;

	json_key(j, "incomplete");
	json_array_begin(j);
	if (lost) {
		snprintf(why, sizeof(why), "%llu event%s lost", (unsigned long long)lost,
			 lost == 1 ? "" : "s");
		json_string(j, why);
	}
	for (i = 0; s->watch && i < s->watch->n_escapes; i++) {
		const struct watch_escape *e = &s->watch->escapes[i];

		snprintf(why, sizeof(why), "pid %u (%s) left the watched cgroup tree for %s",
			 e->pid, e->comm, e->cgroup);
		json_string(j, why);
	}
	if (s->watch && s->watch->escaped > s->watch->n_escapes) {
		snprintf(why, sizeof(why), "%llu more processes left the watched cgroup tree",
			 (unsigned long long)(s->watch->escaped - s->watch->n_escapes));
		json_string(j, why);
	}
	json_array_end(j);
}

static void watch_json(struct json *j, const struct watch_stats *w)
{
	json_key(j, "followed");
	json_object_begin(j);
	json_kv_uint(j, "engine", w->engine);
	json_kv_uint(j, "entered", w->entered);
	json_kv_uint(j, "moved", w->moved);
	json_object_end(j);
	json_kv_uint(j, "escaped", w->escaped);
}

static int counters_json(struct json *j, int fd, const char *type, const struct summary *s)
{
	unsigned int i;
	char now[64];

	json_reset(j);
	json_object_begin(j);
	json_kv_string(j, "type", type);
	if (!strcmp(type, "stats")) {
		iso_time(now, sizeof(now));
		json_kv_string(j, "time", now);
	}
	json_kv_uint(j, "processes", s->processes);
	json_kv_uint(j, "leaks", s->leaks);
	json_kv_uint(j, "events_lost", summary_events_lost(s));
	json_kv_bool(j, "complete", summary_complete(s));
	if (!summary_complete(s))
		incomplete_json(j, s);
	if (s->watch && s->watch->run)
		watch_json(j, s->watch);
	json_kv_string(j, "dns_capture", s->dns_capture);
	json_key(j, "kernel");
	json_object_begin(j);
	for (i = 0; i < LW_STAT_MAX; i++)
		json_kv_uint(j, stat_name(i), s->lost[i]);
	json_object_end(j);
	if (s->engine_stats) {
		json_key(j, "userspace");
		json_object_begin(j);
		json_kv_uint(j, "events", s->engine_stats->events);
		json_kv_uint(j, "bad_events", s->engine_stats->bad_events);
		json_kv_uint(j, "dns_unparsed", s->engine_stats->dns_unparsed);
		json_kv_uint(j, "dns_malformed_names", s->engine_stats->dns_malformed_names);
		json_kv_uint(j, "out_of_memory", verdict_stats_oom(s->engine_stats));
		json_kv_uint(j, "process_table_full", s->engine_stats->procs.table_full);
		json_kv_uint(j, "cgroup_unresolved", s->engine_stats->procs.cgroup_unresolved);
		json_object_end(j);
	}
	json_object_end(j);
	return json_write_line(j, fd);
}

int report_summary_json(struct json *j, int fd, const struct summary *s)
{
	return counters_json(j, fd, "summary", s);
}

int report_stats_json(struct json *j, int fd, const struct summary *s)
{
	return counters_json(j, fd, "stats", s);
}

/* --- text ------------------------------------------------------------------ */

static const char *esc(const char *s, char *buf, size_t len)
{
	return text_escape(s, strlen(s), buf, len);
}

static void text_cmdline(FILE *out, const struct watched_proc *p)
{
	char buf[PROC_CMDLINE_MAX * 4 + 1];
	size_t off;

	if (!p->info_read || !p->info.cmdline_len)
		return;
	for (off = 0; off < p->info.cmdline_len;) {
		size_t n = strnlen(p->info.cmdline + off, p->info.cmdline_len - off);

		fprintf(out, " %s", text_escape(p->info.cmdline + off, n, buf, sizeof(buf)));
		off += n + 1;
	}
}

static void text_names(FILE *out, const struct watched_proc *p)
{
	char buf[DNS_TEXT_MAX * 4], a[ADDR_STRLEN];
	size_t i, k;

	for (i = 0; i < p->n_names; i++) {
		const struct lookup *n = &p->names[i];

		if (n->libc)
			fprintf(out, "    looked up %s (%s, through libc %s, %u time%s)",
				esc(n->text ? n->text : "", buf, sizeof(buf)),
				family_name(n->family), libc_func_name(n->func) ?: "?", n->count,
				n->count == 1 ? "" : "s");
		else
			fprintf(out, "    looked up %s %s (%s, asked %s, %u time%s)",
				esc(n->text ? n->text : "", buf, sizeof(buf)),
				dns_type_name(n->qtype), family_name(n->family),
				n->resolver[0] ? n->resolver : "?", n->count,
				n->count == 1 ? "" : "s");
		if (n->n_answers) {
			fputs(" ->", out);
			for (k = 0; k < n->n_answers; k++) {
				addr_format(n->answers[k], a, sizeof(a));
				fprintf(out, " %s", a);
			}
		} else if (n->rcode >= 0 && !n->n_targets) {
			fprintf(out, " -> %s", dns_rcode_name(n->rcode));
		}
		for (k = 0; k < n->n_targets; k++)
			fprintf(out, "%s %s", k ? "," : " ->",
				esc(n->targets[k], buf, sizeof(buf)));
		if (n->allowed)
			fputs(" [allowed]", out);
		fputc('\n', out);
	}
}

static void text_verdicts(FILE *out, const struct watched_proc *p)
{
	char buf[DNS_TEXT_MAX * 4], nb[DNS_TEXT_MAX * 4], a[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < p->n_dests; i++) {
		const struct destination *d = &p->dests[i];

		if (!d->verdict)
			continue;
		addr_format_port(d->addr, d->port, a, sizeof(a));
		fprintf(out, "    LEAK %s (%s): %s %s", verdict_kind_name(d->verdict),
			severity_name(d->severity), proto_name(d->proto), a);
		if (d->name[0])
			fprintf(out, " (%s)", esc(d->name, nb, sizeof(nb)));
		if (d->via[0])
			fprintf(out, " after %s", esc(d->via, buf, sizeof(buf)));
		if (d->asked_by_pid)
			fprintf(out, ", answered to pid %u", d->asked_by_pid);
		if (d->payload[0])
			fprintf(out, "%s %s %s", d->verdict == VERDICT_PAYLOAD ? ":" : ", sent",
				payload_verb_name(d->payload_verb),
				esc(d->payload, buf, sizeof(buf)));
		fprintf(out, "%s, %u time%s\n", d->blocked ? ", BLOCKED" : "", d->count,
			d->count == 1 ? "" : "s");
		ci_text_hint(out, p, d->verdict, d->via, d->name, d->addr, true);
	}
	for (i = 0; i < p->n_verdicts; i++) {
		const struct verdict *v = &p->verdicts[i];

		if (v->kind != VERDICT_RESOLVER && v->kind != VERDICT_ANSWER)
			continue;
		addr_format(v->addr, a, sizeof(a));
		if (v->kind == VERDICT_RESOLVER)
			fprintf(out, "    LEAK resolver (%s): %s asked of global resolver %s\n",
				severity_name(v->severity), esc(v->name, buf, sizeof(buf)), a);
		else if (v->target[0])
			fprintf(out, "    LEAK answer (%s): %s names %s (a null MX is expected)\n",
				severity_name(v->severity), esc(v->name, buf, sizeof(buf)),
				v->target);
		else
			fprintf(out, "    LEAK answer (%s): %s answered with %s\n",
				severity_name(v->severity), esc(v->name, buf, sizeof(buf)), a);
		ci_text_hint(out, p, v->kind, v->name, NULL, v->addr, v->has_addr);
	}
}

void report_text(FILE *out, const struct watched_proc *p)
{
	char comm[LW_COMM_LEN * 4 + 1];
	const char *c = p->info_read ? p->info.comm : p->comm;

	fprintf(out, "  %s (pid %u, uid %u)%s", esc(c, comm, sizeof(comm)), watched_proc_pid(p),
		p->info_read ? p->info.uid : p->uid,
		p->info_read	 ? ":" :
		p->outside_pidns ? " (outside leakwatch's pid namespace)" :
				   " (gone before /proc was read)");
	text_cmdline(out, p);
	fputc('\n', out);
	text_names(out, p);
	text_verdicts(out, p);
}

void report_summary_text(FILE *out, const struct summary *s)
{
	uint64_t lost = summary_events_lost(s);

	fprintf(out, "leakwatch: %lu process%s touched reserved names, %lu with leaks",
		s->processes, s->processes == 1 ? "" : "es", s->leaks);
	if (lost)
		fprintf(out, "; %llu event%s LOST: this report may be incomplete",
			(unsigned long long)lost, lost == 1 ? "" : "s");
	fputc('\n', out);
}
