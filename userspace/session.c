// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "commands.h"
#include "metrics.h"
#include "privilege.h"
#include "session.h"
#include "text.h"
#include "tls_probe.h"

double session_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool session_parse_opt(struct session_opts *o, int opt, const char *arg, int *err)
{
	uint64_t size = 0;
	char *end;
	long v;
	int f;

	switch (opt) {
	case OPT_CONFIG:
		o->config = arg;
		return true;
	case OPT_ENFORCE:
		o->enforce = true;
		return true;
	case OPT_VERBOSE:
		o->verbose = true;
		return true;
	case OPT_RINGBUF_SIZE:
		if (output_parse_size(arg, &size) || size < 4096 || size > (1u << 30) ||
		    (size & (size - 1))) {
			fprintf(stderr,
				"%s: --ringbuf-size: '%s' is not a power of 2 "
				"between 4K and 1G\n",
				o->who, arg);
			*err = EXIT_USAGE;
		}
		o->ringbuf_bytes = (uint32_t)size;
		return true;
	case OPT_DNS_CAPTURE:
		if (strcmp(arg, "auto") && strcmp(arg, "fentry") && strcmp(arg, "skb")) {
			fprintf(stderr, "%s: --dns-capture: '%s' is not auto, fentry or skb\n",
				o->who, arg);
			*err = EXIT_USAGE;
		}
		o->dns_capture = arg;
		return true;
	case OPT_BTF:
		o->btf_path = arg;
		return true;
	case OPT_PAYLOAD:
		f = payload_mode_parse(arg);
		if (f < 0) {
			fprintf(stderr, "%s: --payload: '%s' is not off, clear or tls\n", o->who,
				arg);
			*err = EXIT_USAGE;
			return true;
		}
		o->payload = (uint8_t)f;
		return true;
	case OPT_FORMAT:
		f = output_format_parse(arg);
		if (f < 0) {
			fprintf(stderr, "%s: --format: '%s' is not json or ocsf\n", o->who, arg);
			*err = EXIT_USAGE;
			return true;
		}
		o->format = (uint8_t)f;
		return true;
	case OPT_WINDOW:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v < 1 || v > 86400) {
			fprintf(stderr,
				"%s: --window: '%s' is not a number of seconds "
				"(1..86400)\n",
				o->who, arg);
			*err = EXIT_USAGE;
		}
		o->window_s = (int)v;
		return true;
	default:
		return false;
	}
}

int session_load_policy(struct session *s)
{
	int err = command_load_policy(&s->policy, s->opts.config, s->opts.who);

	if (err)
		return err;
	s->policy_loaded = true;
	if (s->opts.window_s > 0)
		s->policy.window_s = s->opts.window_s;
	return 0;
}

static void text_comm(char *out, size_t len, const char comm[LW_COMM_LEN])
{
	text_escape(comm, strnlen(comm, LW_COMM_LEN), out, len);
}

/*
 * run's watched set changed (watch.bpf.c). A process that left the cgroup
 * tree the hooks watch is a blind spot: always said, and it makes the
 * report incomplete; the rest is counted, and told with -v.
 */
static void on_watch(struct session *s, const struct lw_watch_event *e)
{
	struct watch_stats *w = &s->watch;
	char comm[4 * LW_COMM_LEN + 1], pcomm[4 * LW_COMM_LEN + 1];
	char cg[sizeof(w->escapes[0].cgroup)];
	struct watch_escape *x;

	text_comm(comm, sizeof(comm), e->hdr.comm);
	text_comm(pcomm, sizeof(pcomm), e->parent_comm);
	text_escape(e->path, strnlen(e->path, sizeof(e->path)), cg, sizeof(cg));
	switch (e->kind) {
	case LW_WATCH_ENGINE:
		w->engine++;
		if (s->opts.verbose)
			fprintf(stderr,
				"leakwatch run: watching pid %u, forked by %s (pid %u): a "
				"container engine's\n",
				e->hdr.proc.tgid, pcomm, e->parent_tgid);
		break;
	case LW_WATCH_ENTERED:
		w->entered++;
		if (s->opts.verbose)
			fprintf(stderr, "leakwatch run: watching pid %u (%s), moved into %s\n",
				e->hdr.proc.tgid, comm, cg);
		break;
	case LW_WATCH_MOVED:
		w->moved++;
		if (s->opts.verbose)
			fprintf(stderr, "leakwatch run: pid %u (%s) moved to %s: still watched\n",
				e->hdr.proc.tgid, comm, cg);
		break;
	case LW_WATCH_ESCAPED:
		fprintf(stderr,
			"leakwatch run: pid %u (%s) left the watched cgroup tree for %s: "
			"not watched\n",
			e->hdr.proc.tgid, comm, cg);
		if (w->n_escapes < WATCH_MAX_ESCAPES) {
			x = &w->escapes[w->n_escapes++];
			x->pid = e->hdr.proc.tgid;
			memcpy(x->comm, e->hdr.comm, LW_COMM_LEN);
			x->comm[LW_COMM_LEN] = '\0';
			memcpy(x->cgroup, cg, sizeof(x->cgroup));
		}
		w->escaped++;
		break;
	}
}

static int on_sample(void *ctx, void *data, size_t size)
{
	const struct lw_event_hdr *h = data;
	struct session *s = ctx;

	if (s->dump_fd > 0 && write(s->dump_fd, data, size) != (ssize_t)size)
		s->dump_fd = -1;
	if (size >= sizeof(struct lw_watch_event) && h->type == LW_EV_WATCH &&
	    h->size == sizeof(struct lw_watch_event)) {
		on_watch(s, data);
		return 0;
	}
	verdict_engine_handle(s->engine, data, size);
	return 0;
}

static bool nothing_lost(struct session *s);

static void on_verdict(void *ctx, const struct watched_proc *p, const struct verdict *v)
{
	struct session *s = ctx;

	if (v->kind <= VERDICT_KIND_MAX && v->severity <= SEV_HIGH)
		s->verdicts[v->kind][v->severity]++;
	if (s->write_events && s->out.fd >= 0) {
		if (s->opts.format == FORMAT_OCSF)
			ocsf_event_json(&s->json, s->out.fd, p, v, nothing_lost(s));
		else
			report_event_json(&s->json, s->out.fd, p, v);
		output_maybe_rotate(&s->out);
	}
}

int session_check_privileges(struct session *s)
{
	if (!privilege_check(s->sensor.err, sizeof(s->sensor.err)))
		return 0;
	fprintf(stderr, "%s: missing capabilities:%s (run it as root)\n", s->opts.who,
		s->sensor.err);
	return 1;
}

int session_start(struct session *s, int cgroup_fd)
{
	struct sensor_opts so = { .enforce = s->opts.enforce,
				  .verbose = s->opts.verbose,
				  .ringbuf_bytes = s->opts.ringbuf_bytes,
				  .dns_capture = s->opts.dns_capture,
				  .btf_path = s->opts.btf_path,
				  .pin_dir = s->opts.pin_dir,
				  .watch_all = !s->opts.run_scope,
				  .follow_engines = s->opts.follow_engines,
				  .run_cgroup_id = s->opts.run_cgroup_id,
				  .attach_root_id = s->opts.attach_root_id,
				  .payload = s->opts.payload };
	const char *dump;
	int err;

	json_init(&s->json);
	if (session_check_privileges(s))
		return 1;
	err = sensor_probe(&s->sensor, &so);
	err = err ?: sensor_load(&s->sensor, &so);
	err = err ?: sensor_apply_policy(&s->sensor, &s->policy);
	err = err ?: sensor_attach(&s->sensor, cgroup_fd);
	if (err) {
		fprintf(stderr, "%s: %s\n", s->opts.who, s->sensor.err);
		return 1;
	}
	/* The tests' look at what the kernel sent (the payload privacy test
	 * greps it for the password): not an interface. */
	dump = getenv("LW_EVENT_DUMP");
	if (dump)
		s->dump_fd = open(dump, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	s->engine = verdict_engine_new(&s->policy, on_verdict, s);
	s->rb = ring_buffer__new(sensor_events_fd(&s->sensor), on_sample, s, NULL);
	if (!s->engine || !s->rb) {
		fprintf(stderr, "%s: cannot set up the event reader: %s\n", s->opts.who,
			strerror(errno ? errno : ENOMEM));
		return 1;
	}
	return 0;
}

void session_say_payload(const struct session *s)
{
	if (s->sensor.payload == LW_PAYLOAD_OFF)
		return;
	fprintf(stderr,
		"%s: payload scan: %s: cleartext SMTP (25, 587), POP (110), IMAP (143) and "
		"HTTP (80) of watched processes to global addresses, %d segments or %d bytes "
		"per connection\n",
		s->opts.who, payload_mode_name(s->sensor.payload), LW_PAYLOAD_SEGS,
		LW_PAYLOAD_BYTES);
	if (s->sensor.payload != LW_PAYLOAD_TLS)
		return;
	fprintf(stderr,
		"%s: payload scan: tls: first %d bytes of each SSL_write/SSL_write_ex/"
		"gnutls_record_send in %s; tied to the socket by %s\n",
		s->opts.who, LW_PAYLOAD_BYTES, tls_probe_libraries(s->sensor.tls),
		s->sensor.tls_send_length ?
			"sock_send_length (the writing thread's next send)" :
			"time window (the process's last connect: no sock_send_length before "
			"6.3)");
}

static void account(struct session *s, const struct watched_proc *p)
{
	uint8_t sev = watched_proc_max_severity(p);

	s->reports++;
	if (p->n_verdicts)
		s->leaks++;
	if (sev > s->max_severity)
		s->max_severity = sev;
}

/* Has the sensor lost any evidence so far? */
static bool nothing_lost(struct session *s)
{
	struct summary sum;

	session_summary(s, &sum);
	return summary_complete(&sum);
}

/*
 * In OCSF mode a process's report is its verdicts, one OCSF event each:
 * written here by run, which writes no event lines; the daemon already
 * wrote each as it was made, so it writes nothing more.
 */
static void write_ocsf_report(struct session *s, const struct watched_proc *p)
{
	bool complete;
	size_t i;

	if (s->write_events || !p->n_verdicts)
		return;
	complete = nothing_lost(s);
	for (i = 0; i < p->n_verdicts; i++) {
		ocsf_event_json(&s->json, s->out.fd, p, &p->verdicts[i], complete);
		output_maybe_rotate(&s->out);
	}
}

static void write_report(struct session *s, const struct watched_proc *p, FILE *text)
{
	account(s, p);
	if (s->out.fd >= 0 && s->opts.format == FORMAT_OCSF) {
		write_ocsf_report(s, p);
	} else if (s->out.fd >= 0) {
		report_json(&s->json, s->out.fd, p, nothing_lost(s));
		output_maybe_rotate(&s->out);
	}
	if (text)
		report_text(text, p);
}

int session_poll(struct session *s, int timeout_ms)
{
	struct watched_proc *p;
	int n, m;

	/* Bulk events do not wake us (no per-event wakeup: it costs the
	 * watched programs); poll() returns on the timeout, then consume. */
	n = ring_buffer__poll(s->rb, timeout_ms);
	if (n < 0 && n != -EINTR)
		return n;
	m = ring_buffer__consume(s->rb);
	if (m < 0 && m != -EINTR)
		return m;
	if (s->keep_exited)
		return (n > 0 ? n : 0) + (m > 0 ? m : 0);
	while ((p = verdict_engine_next_exited(s->engine))) {
		if (watched_proc_has_findings(p))
			write_report(s, p, NULL);
		verdict_engine_release(s->engine, p);
	}
	return (n > 0 ? n : 0) + (m > 0 ? m : 0);
}

void session_every(struct session *s, enum session_timer t, double every, double first)
{
	s->timers.every[t] = every;
	s->timers.next[t] = session_now() + first;
}

unsigned int session_timers_due(struct session_timers *timers, double now)
{
	unsigned int due = 0;
	int t;

	for (t = 0; t < SESSION_TIMERS; t++) {
		if (!timers->every[t] || now < timers->next[t])
			continue;
		timers->next[t] = now + timers->every[t];
		due |= 1u << t;
	}
	return due;
}

static void rescan(struct session *s)
{
	sensor_rescan_libc(&s->sensor);
	/* run keeps every process for its report at the end. The daemon
	 * releases them as they exit; processes with no exit event
	 * (untainted ones reported for a direct leak) would otherwise be
	 * kept forever. */
	if (s->keep_exited)
		return;
	verdict_engine_sweep(s->engine);
	/* Give back what the processes reported and released left free:
	 * glibc keeps a freed heap otherwise. */
	malloc_trim(0);
}

/* The loss counters by reason, so a SIEM sees losses as they happen, not
 * only at shutdown. */
static void write_stats(struct session *s)
{
	struct summary sum;

	session_summary(s, &sum);
	report_stats_json(&s->json, s->out.fd, &sum);
	output_maybe_rotate(&s->out);
}

static void write_metrics(struct session *s)
{
	int err = metrics_write(s->metrics_file, s);

	if (err)
		fprintf(stderr, "leakwatch: cannot write %s: %s\n", s->metrics_file,
			strerror(-err));
}

void session_tick(struct session *s, double now)
{
	unsigned int due = session_timers_due(&s->timers, now);

	if (due & 1u << SESSION_RESCAN)
		rescan(s);
	if (due & 1u << SESSION_FILTER)
		sensor_rebuild_filter(&s->sensor);
	if (due & 1u << SESSION_STATS)
		write_stats(s);
	if (due & 1u << SESSION_METRICS)
		write_metrics(s);
}

void session_report_all(struct session *s, FILE *text)
{
	struct watched_proc *p;

	for (p = verdict_engine_first(s->engine); p; p = verdict_engine_next(s->engine, p))
		if (watched_proc_has_findings(p))
			write_report(s, p, text);
}

void session_summary(struct session *s, struct summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->processes = s->reports;
	sum->leaks = s->leaks;
	sensor_read_stats(&s->sensor, sum->lost);
	sum->engine_stats = verdict_engine_stats(s->engine);
	sum->dns_capture = s->sensor.dns_capture;
	s->watch.run = s->opts.run_scope;
	sum->watch = &s->watch;
}

void session_stop(struct session *s)
{
	if (s->dump_fd > 0)
		close(s->dump_fd);
	s->dump_fd = 0;
	ring_buffer__free(s->rb);
	s->rb = NULL;
	sensor_destroy(&s->sensor);
	verdict_engine_free(s->engine);
	s->engine = NULL;
	json_free(&s->json);
	if (s->policy_loaded)
		policy_free(&s->policy);
	s->policy_loaded = false;
}
