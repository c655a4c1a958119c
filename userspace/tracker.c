// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The verdict engine (the verdict kinds of README) over a table of processes. The kernel
 * has already decided what is evidence (it emits nothing for untainted
 * processes); this side re-parses the DNS payloads in full, classifies
 * addresses with the complete policy, and names every verdict.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_cache.h"
#include "container_meta.h"
#include "tracker.h"

#define PROC_BUCKETS 1024
#define ANSWERSET_MAX 8192
#define RECENT_MAX 256 /* recent reserved lookups and resolver verdicts */
#define CLIENT_WINDOW_NS (5ull * 1000000000ull)
#define CLIENT_SKEW_NS (1ull * 1000000000ull) /* events of two CPUs may cross */

/* Userspace's copy of the reserved answer set, to name `direct` verdicts
 * (which reserved name, which process asked). A bounded ring. */
struct answer_entry {
	uint8_t addr[16];
	uint32_t tgid;
	char comm[LW_COMM_LEN + 1];
	char *name;   /* the reserved name (heap; NULL if out of memory) */
	bool allowed; /* answered to an `allow-name` name */
};

/* A reserved lookup answered locally (a stub on a local address, or the C
 * library), or a resolver verdict: the two ends of a stub forwarding a
 * client's name upstream, joined by name within CLIENT_WINDOW_NS. */
struct recent {
	uint64_t time_ns;
	uint32_t tgid;
	uint64_t start_ns;
	char comm[LW_COMM_LEN + 1];
	char name[LW_DNS_NAME_MAX + 1];
};

struct recent_ring {
	struct recent e[RECENT_MAX];
	size_t n, next;
};

/* A flood of events about one address (a resolver, a destination) is
 * judged and formatted once, not per event. Cleared on a policy change. */
struct peer_cache {
	uint8_t addr[16];
	uint16_t port; /* of text[] */
	bool judged, leak_target;
	bool formatted;
	char text[ADDR_STRLEN];
};

/* Names derived from reserved ones: the MX exchanges and SRV targets their
 * answers named. A process resolving one gets addresses that are, in
 * effect, answers of the reserved name (the seed's shape: a reserved
 * domain's mail host is a third party's). A bounded ring. */
#define DERIVED_MAX 128
struct derived {
	char target[256];		/* the target's presentation form */
	char chain[DNS_TEXT_MAX + 300]; /* "example.com MX mx1.mail-sei.co.jp" */
	uint32_t tgid;			/* the process that asked the reserved name */
	char comm[LW_COMM_LEN + 1];
	bool allowed;
};

struct derived_ring {
	struct derived e[DERIVED_MAX];
	size_t n, next;
};

struct tracker {
	const struct policy *policy;
	tracker_verdict_fn on_verdict;
	void *ctx;
	struct tproc *buckets[PROC_BUCKETS];
	struct answer_entry *answers;
	size_t n_answers, next_answer;
	struct tracker_stats stats;
	struct recent_ring lookups;   /* clients' reserved lookups */
	struct recent_ring verdicts;  /* resolver verdicts */
	struct derived_ring derived;  /* MX / SRV targets of reserved names */
	struct peer_cache peer;	      /* the last address judged */
	struct dns_msg msg;	      /* scratch: too big for the stack */
	struct proc_info pinfo;	      /* scratch for proc_read() */
	size_t n_procs;		      /* records in buckets */
	struct cgroup_cache *cgcache; /* made at its first use */
	struct cmeta *cmeta;	      /* made at its first use */
};

static const char *const kind_names[] = {
	[VERDICT_NONE] = NULL,		 [VERDICT_DIRECT] = "direct",
	[VERDICT_RESOLVER] = "resolver", [VERDICT_FOLLOW_ON] = "follow-on",
	[VERDICT_ANSWER] = "answer",	 [VERDICT_PAYLOAD] = "payload",
};

static const char *const severity_names[] = {
	[SEV_NONE] = "none",
	[SEV_LOW] = "low",
	[SEV_MEDIUM] = "medium",
	[SEV_HIGH] = "high",
};

const char *verdict_kind_name(uint8_t kind)
{
	return kind <= VERDICT_KIND_MAX ? kind_names[kind] : NULL;
}

static const char *const libc_func_names[LW_LIBC_FUNC_MAX] = {
	[LW_LIBC_GETADDRINFO] = "getaddrinfo",
	[LW_LIBC_GETHOSTBYNAME] = "gethostbyname",
	[LW_LIBC_GETHOSTBYNAME2] = "gethostbyname2",
	[LW_LIBC_GETHOSTBYNAME_R] = "gethostbyname_r",
	[LW_LIBC_GETHOSTBYNAME2_R] = "gethostbyname2_r",
};

const char *libc_func_name(uint8_t func)
{
	return func < LW_LIBC_FUNC_MAX ? libc_func_names[func] : NULL;
}

const char *severity_name(uint8_t sev)
{
	return sev <= SEV_HIGH ? severity_names[sev] : "none";
}

int severity_parse(const char *s)
{
	int i;

	for (i = SEV_NONE; i <= SEV_HIGH; i++)
		if (!strcmp(s, severity_names[i]))
			return i;
	return -EINVAL;
}

struct tracker *tracker_new(const struct policy *p, tracker_verdict_fn fn, void *ctx)
{
	struct tracker *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->policy = p;
	t->on_verdict = fn;
	t->ctx = ctx;
	return t;
}

void tracker_set_policy(struct tracker *t, const struct policy *p)
{
	t->policy = p;
	memset(&t->peer, 0, sizeof(t->peer));
}

/* The cache entry for addr (emptied when it held another address). */
static struct peer_cache *peer_cache(struct tracker *t, const uint8_t addr[16])
{
	struct peer_cache *c = &t->peer;

	if (memcmp(c->addr, addr, 16)) {
		memset(c, 0, sizeof(*c));
		memcpy(c->addr, addr, 16);
	}
	return c;
}

/* "addr:port" of a resolver, formatted once per address and port. */
static const char *peer_text(struct tracker *t, const uint8_t addr[16], uint16_t port)
{
	struct peer_cache *c = peer_cache(t, addr);

	if (!c->formatted || c->port != port) {
		addr_format_port(addr, port, c->text, sizeof(c->text));
		c->port = port;
		c->formatted = true;
	}
	return c->text;
}

static void tproc_free(struct tproc *p)
{
	size_t i;

	for (i = 0; i < p->n_names; i++) {
		size_t k;

		free(p->names[i].text);
		free(p->names[i].suffix);
		free(p->names[i].answers);
		for (k = 0; k < p->names[i].n_targets; k++)
			free(p->names[i].targets[k]);
	}
	free(p->window_name);
	free(p->info.exe);
	free(p->info.cmdline);
	free(p->info.cgroup);
	free(p->info.container_name);
	free(p->info.container_image);
	free(p->names);
	free(p->dests);
	free(p->verdicts);
	free(p->resolved);
	free(p->payloads);
	free(p);
}

void tracker_free(struct tracker *t)
{
	struct tproc *p, *next;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < PROC_BUCKETS; i++) {
		for (p = t->buckets[i]; p; p = next) {
			next = p->next;
			tproc_free(p);
		}
	}
	for (i = 0; t->answers && i < ANSWERSET_MAX; i++)
		free(t->answers[i].name);
	free(t->answers);
	cgroup_cache_free(t->cgcache);
	cmeta_free(t->cmeta);
	free(t);
}

const struct tracker_stats *tracker_stats(const struct tracker *t)
{
	return &t->stats;
}

/* Grow a record array by one slot; NULL (and counted) when out of memory. */
static void *grow(struct tracker *t, void **arr, size_t *n, size_t *cap, size_t size)
{
	void *slot;

	if (*n == *cap) {
		/* Most processes have one name, one destination: start at 1. */
		size_t ncap = *cap ? *cap * 2 : 1;
		void *narr = realloc(*arr, ncap * size);

		if (!narr) {
			t->stats.oom++;
			return NULL;
		}
		*arr = narr;
		*cap = ncap;
	}
	slot = (char *)*arr + *n * size;
	memset(slot, 0, size);
	(*n)++;
	return slot;
}

static void copy_comm(char *dst, const char *src)
{
	memcpy(dst, src, LW_COMM_LEN);
	dst[LW_COMM_LEN] = '\0';
}

static char *dup_bytes(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void copy_identity(struct tproc_info *ti, const struct proc_info *pi, const char *source)
{
	memcpy(ti->container_id, pi->container_id, sizeof(ti->container_id));
	memcpy(ti->runtime, pi->runtime, sizeof(ti->runtime));
	memcpy(ti->pod_uid, pi->pod_uid, sizeof(ti->pod_uid));
	memcpy(ti->qos, pi->qos, sizeof(ti->qos));
	snprintf(ti->cgroup_source, sizeof(ti->cgroup_source), "%s", source);
}

/* The engine's name and image of the container, read while it exists. */
static void container_names(struct tracker *t, struct tproc_info *ti)
{
	const char *name = NULL, *image = NULL;

	if (!ti->container_id[0])
		return;
	if (!t->cmeta)
		t->cmeta = cmeta_new_system();
	if (!t->cmeta || !cmeta_lookup(t->cmeta, ti->runtime, ti->container_id, &name, &image))
		return;
	ti->container_name = name ? strdup(name) : NULL;
	ti->container_image = image ? strdup(image) : NULL;
}

/* The pid of the event's process in our pid namespace, 0 when it is not
 * visible there. Until the kernel fills ns_tgid (0), the kernel's pid is
 * ours only in the initial pid namespace: never read /proc/<host pid>
 * elsewhere, it may be another process. */
static uint32_t visible_pid(const struct lw_event_hdr *h)
{
	if (h->ns_tgid)
		return h->ns_tgid;
	return proc_pidns_initial() ? h->proc.tgid : 0;
}

/* A container's cgroup was just made: its engine's state exists now, and
 * may be gone (docker run --rm) by the time its process is first seen. */
static void container_names_early(struct tracker *t, const struct lw_cgroup_event *e)
{
	const char *name, *image;

	cgroup_parse_identity(cgroup_cache_peek(t->cgcache, e->kind, e->id), &t->pinfo);
	if (!t->pinfo.container_id[0])
		return;
	if (!t->cmeta)
		t->cmeta = cmeta_new_system();
	if (!t->cmeta)
		return;
	/* the maker is the runtime (runc), its parent the engine's monitor
	 * (conmon: its command line names podman's storage root) */
	cmeta_hint_process(t->cmeta, (pid_t)visible_pid(&e->hdr));
	if (e->hdr.ns_tgid == e->hdr.proc.tgid || (!e->hdr.ns_tgid && proc_pidns_initial()))
		cmeta_hint_process(t->cmeta, (pid_t)e->hdr.ppid);
	cmeta_lookup(t->cmeta, t->pinfo.runtime, t->pinfo.container_id, &name, &image);
}

/* Read /proc (as pid, the process's pid in our namespace) into the
 * tracker's scratch, keep a compact copy. */
static int info_read(struct tracker *t, struct tproc *p, pid_t pid)
{
	struct proc_info *pi = &t->pinfo;
	struct tproc_info *ti = &p->info;
	int err;

	err = proc_read(pid, p->start_ns, pi);
	if (err)
		return err;
	ti->uid = pi->uid;
	ti->ppid = pi->ppid;
	memcpy(ti->comm, pi->comm, sizeof(ti->comm));
	ti->exe = strdup(pi->exe);
	ti->cmdline = dup_bytes(pi->cmdline, pi->cmdline_len);
	ti->cmdline_len = ti->cmdline ? pi->cmdline_len : 0;
	ti->cgroup = strdup(pi->cgroup);
	copy_identity(ti, pi, pi->cgroup_source);
	if (!ti->exe || !ti->cgroup)
		t->stats.oom++;
	return 0;
}

/* A cgroup id of the header resolved to its path; true when it names a
 * container or pod (pi then holds the identity). */
static bool kernel_path(struct tracker *t, int kind, uint64_t id, const char **path)
{
	struct proc_info *pi = &t->pinfo;

	*path = id ? cgroup_cache_path(t->cgcache, kind, id) : NULL;
	cgroup_parse_identity(*path, pi);
	return proc_has_identity(pi);
}

/*
 * The process was gone before /proc could be read (or is not visible in
 * our pid namespace): its identity from the cgroup ids the kernel put in
 * the event, the v2 one first, then the v1 memory hierarchy's. Counted
 * when neither names a cgroup we know; never guessed.
 */
static void info_from_kernel(struct tracker *t, struct tproc *p, const struct lw_event_hdr *h)
{
	struct tproc_info *ti = &p->info;
	const char *v2 = NULL, *v1 = NULL;
	bool found;

	if (!h->cgroup_id && !h->cgroup_v1_id)
		return;
	if (!t->cgcache)
		t->cgcache = cgroup_cache_new_system();
	if (!t->cgcache) {
		t->stats.oom++;
		return;
	}
	found = kernel_path(t, LW_CG_V2, h->cgroup_id, &v2) ||
		kernel_path(t, LW_CG_V1_MEMORY, h->cgroup_v1_id, &v1);
	if (!v2 && !v1) {
		t->stats.cgroup_unresolved++;
		return;
	}
	ti->cgroup = v2 ? strdup(v2) : NULL;
	if (!found)
		cgroup_parse_identity(NULL, &t->pinfo);
	copy_identity(ti, &t->pinfo, "kernel");
	container_names(t, ti);
}

/* The record of the process an event is about, created at its first
 * event, when /proc is read (as early as possible: it may exit soon). */
static struct tproc *proc_get(struct tracker *t, const struct lw_event_hdr *h)
{
	struct tproc **head = &t->buckets[h->proc.tgid % PROC_BUCKETS], *p;

	for (p = *head; p; p = p->next)
		if (p->tgid == h->proc.tgid && p->start_ns == h->proc.start_ns)
			return p;
	if (t->n_procs >= TRACKER_MAX_PROCS) {
		t->stats.table_full++;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		t->stats.oom++;
		return NULL;
	}
	t->n_procs++;
	p->tgid = h->proc.tgid;
	p->start_ns = h->proc.start_ns;
	p->ns_pid = visible_pid(h);
	p->outside_pidns = !p->ns_pid;
	p->ppid = h->ppid;
	p->uid = h->uid;
	copy_comm(p->comm, h->comm);
	p->info_read = p->ns_pid && info_read(t, p, (pid_t)p->ns_pid) == 0;
	if (p->info_read)
		container_names(t, &p->info);
	else
		info_from_kernel(t, p, h);
	/* In another pid namespace the kernel's ppid is not ours: take
	 * /proc's, or none rather than another process's. */
	if (p->ns_pid != p->tgid)
		p->ppid = p->info_read ? (uint32_t)p->info.ppid : 0;
	else if (p->info_read && !p->ppid)
		p->ppid = p->info.ppid;
	p->next = *head;
	*head = p;
	return p;
}

static struct tproc *proc_find(struct tracker *t, uint32_t tgid, uint64_t start_ns)
{
	struct tproc *p;

	for (p = t->buckets[tgid % PROC_BUCKETS]; p; p = p->next)
		if (p->tgid == tgid && p->start_ns == start_ns)
			return p;
	return NULL;
}

static bool family_suspicious(uint8_t family)
{
	return family == LW_FAMILY_NXDOMAIN || family == LW_FAMILY_IANA;
}

/* Families whose names must stay off public DNS (the `resolver` verdict). */
static bool family_stays_local(uint8_t family)
{
	return family == LW_FAMILY_NXDOMAIN || family == LW_FAMILY_LOOPBACK ||
	       family == LW_FAMILY_LOCAL;
}

static bool addr_is_leak_target(struct tracker *t, const uint8_t addr[16])
{
	struct peer_cache *c = peer_cache(t, addr);
	struct addr_class cls;

	if (!c->judged) {
		policy_classify_addr(t->policy, addr, &cls);
		c->leak_target = cls.global && !cls.allowed && !cls.multicast;
		c->judged = true;
	}
	return c->leak_target;
}

static void add_verdict(struct tracker *t, struct tproc *p, const struct tverdict *nv)
{
	struct tverdict *v;
	size_t i;

	for (i = 0; i < p->n_verdicts; i++) {
		v = &p->verdicts[i];
		if (v->kind == nv->kind && v->port == nv->port && v->has_addr == nv->has_addr &&
		    !memcmp(v->addr, nv->addr, 16) && !strcmp(v->name, nv->name) &&
		    !strcmp(v->target, nv->target)) {
			v->blocked |= nv->blocked;
			return;
		}
	}
	v = grow(t, (void **)&p->verdicts, &p->n_verdicts, &p->cap_verdicts, sizeof(*v));
	if (!v)
		return;
	*v = *nv;
	if (t->on_verdict)
		t->on_verdict(t->ctx, p, v);
}

static void name_text(struct tracker *t, const struct dns_name *n, char *buf, size_t len,
		      bool *malformed)
{
	if (dns_name_to_text(n, buf, len)) {
		*malformed = true;
		t->stats.dns_malformed_names++;
	}
}

/* The names[] entry of (name, query type, source). libc entries have no
 * query type (0). */
static struct tname *name_find(struct tracker *t, struct tproc *p, const char *text, uint16_t qtype,
			       bool libc)
{
	struct tname *n;
	size_t i;

	for (i = 0; i < p->n_names; i++)
		if (p->names[i].qtype == qtype && p->names[i].libc == libc &&
		    !strcasecmp(p->names[i].text, text))
			return &p->names[i];
	n = grow(t, (void **)&p->names, &p->n_names, &p->cap_names, sizeof(*n));
	if (n) {
		n->text = strdup(text);
		if (!n->text) {
			p->n_names--;
			t->stats.oom++;
			return NULL;
		}
		n->qtype = qtype;
		n->rcode = -1;
		n->libc = libc;
	}
	return n;
}

/* --- stub forwarding: who asked the stub what it then sent upstream ------ */

static void recent_add(struct recent_ring *r, const struct tproc *p, const char *name,
		       uint64_t time_ns)
{
	struct recent *e;

	size_t len = strlen(name);

	if (len > LW_DNS_NAME_MAX)
		return;
	e = &r->e[r->next];
	r->next = (r->next + 1) % RECENT_MAX;
	if (r->n < RECENT_MAX)
		r->n++;
	e->time_ns = time_ns;
	e->tgid = p->tgid;
	e->start_ns = p->start_ns;
	memcpy(e->comm, p->comm, sizeof(e->comm));
	memcpy(e->name, name, len + 1);
}

/* Does a recent entry name the same lookup, close enough in time? */
static bool recent_match(const struct recent *e, const char *name, uint64_t time_ns)
{
	if (strcasecmp(e->name, name))
		return false;
	if (e->time_ns > time_ns)
		return e->time_ns - time_ns <= CLIENT_SKEW_NS;
	return time_ns - e->time_ns <= CLIENT_WINDOW_NS;
}

static void verdict_add_client(struct tverdict *v, uint32_t pid, const char *comm)
{
	size_t i;

	for (i = 0; i < v->n_clients; i++)
		if (v->clients[i].pid == pid)
			return;
	if (v->n_clients >= TVERDICT_MAX_CLIENTS)
		return;
	v->clients[v->n_clients].pid = pid;
	memcpy(v->clients[v->n_clients].comm, comm, sizeof(v->clients[0].comm));
	v->n_clients++;
}

/* A resolver verdict about to be made: the processes that looked the same
 * name up locally just before are the stub's clients. */
static void find_clients(struct tracker *t, const struct tproc *p, struct tverdict *v,
			 uint64_t time_ns)
{
	size_t i;

	for (i = 0; i < t->lookups.n; i++) {
		const struct recent *e = &t->lookups.e[i];

		if (e->tgid != p->tgid && recent_match(e, v->name, time_ns))
			verdict_add_client(v, e->tgid, e->comm);
	}
}

/* A local lookup seen after the stub's verdict (the C library reports at
 * return, after the stub forwarded): add the client to that verdict. */
static void join_late_client(struct tracker *t, const struct tproc *client, const char *name,
			     uint64_t time_ns)
{
	size_t i, k;

	for (i = 0; i < t->verdicts.n; i++) {
		const struct recent *e = &t->verdicts.e[i];
		struct tproc *stub;

		if (e->tgid == client->tgid || !recent_match(e, name, time_ns))
			continue;
		stub = proc_find(t, e->tgid, e->start_ns);
		for (k = 0; stub && k < stub->n_verdicts; k++)
			if (stub->verdicts[k].kind == VERDICT_RESOLVER &&
			    !strcasecmp(stub->verdicts[k].name, name))
				verdict_add_client(&stub->verdicts[k], client->tgid, client->comm);
	}
}

/* A reserved name asked of a local resolver or the C library. */
static void local_lookup(struct tracker *t, struct tproc *p, const char *name, uint64_t time_ns)
{
	recent_add(&t->lookups, p, name, time_ns);
	join_late_client(t, p, name, time_ns);
}

/* Parse an event's payload; the question is what the kernel matched. */
static int parse_payload(struct tracker *t, const struct lw_dns_event *e)
{
	size_t len = e->payload_len < LW_DNS_CAPTURE ? e->payload_len : LW_DNS_CAPTURE;
	int err = dns_parse(e->payload, len, &t->msg);

	/* A capture cut short still gives its question and first records. */
	if (err == DNS_ERR_TRUNCATED && e->wire_len > len && t->msg.n_q)
		return 0;
	if (err || !t->msg.n_q) {
		t->stats.dns_unparsed++;
		return -EINVAL;
	}
	return 0;
}

static const struct reserved_suffix *event_suffix(struct tracker *t, const struct dns_msg *m,
						  const struct lw_dns_event *e)
{
	const struct reserved_suffix *s;

	s = policy_match_wire(t->policy, m->q[0].name.wire, m->q[0].name.len);
	if (!s && e->suffix_id < t->policy->n_suffixes)
		s = &t->policy->suffixes[e->suffix_id]; /* policy changed since */
	return s;
}

/* Replace a heap string; on allocation failure keep the old one. */
static void set_str(struct tracker *t, char **dst, const char *src)
{
	char *s;

	if (*dst && !strcmp(*dst, src))
		return;
	s = strdup(src);
	if (!s) {
		t->stats.oom++;
		return;
	}
	free(*dst);
	*dst = s;
}

/*
 * A suspicious lookup opens (or extends) the follow-on window. The kernel
 * keeps the window that --enforce and the connect events use and knows
 * nothing of `allow-name`; here a lookup of an allowed name only notes
 * that it did, so that judge_dest() can tell a window of its own.
 */
static void open_window(struct tracker *t, struct tproc *p, const char *name, uint8_t family,
			uint64_t time_ns, bool allowed)
{
	if (allowed) {
		p->allowed_window = true;
		return;
	}
	set_str(t, &p->window_name, name);
	p->window_family = family;
	p->window_ns = time_ns;
}

/* Is a connect the kernel saw inside a window inside one opened by a name
 * that is not allowed? Without allowed names, the kernel's word stands. */
static bool window_counts(const struct tracker *t, const struct tproc *p, uint64_t time_ns)
{
	if (!p->allowed_window)
		return true;
	if (!p->window_name)
		return false; /* opened by allowed names only: no window */
	return time_ns <= p->window_ns + (uint64_t)t->policy->window_s * 1000000000ull;
}

static void on_query(struct tracker *t, struct tproc *p, const struct lw_dns_event *e)
{
	const struct reserved_suffix *sfx;
	char text[DNS_TEXT_MAX];
	bool malformed = false;
	struct tverdict v;
	struct tname *n;

	if (parse_payload(t, e))
		return;
	sfx = event_suffix(t, &t->msg, e);
	if (!sfx)
		return;
	name_text(t, &t->msg.q[0].name, text, sizeof(text), &malformed);
	n = name_find(t, p, text, t->msg.q[0].type, false);
	if (!n)
		return;
	n->count++;
	n->malformed |= malformed;
	n->allowed = policy_wire_allowed(t->policy, t->msg.q[0].name.wire, t->msg.q[0].name.len);
	set_str(t, &n->suffix, sfx->name);
	n->family = sfx->family;
	memcpy(n->resolver, peer_text(t, e->peer, e->peer_port), sizeof(n->resolver));
	if (family_suspicious(sfx->family))
		open_window(t, p, text, sfx->family, e->hdr.time_ns, n->allowed);

	if (!addr_is_leak_target(t, e->peer)) {
		local_lookup(t, p, text, e->hdr.time_ns);
		return;
	}
	if (n->allowed)
		return; /* an allowed name asked of a global resolver */
	/* The name itself left the site: a global resolver was asked. A local
	 * stub forwarding a client's name is the sender; the clients seen
	 * asking it just before are named in the verdict. */
	if (family_stays_local(sfx->family)) {
		memset(&v, 0, sizeof(v));
		v.kind = VERDICT_RESOLVER;
		v.severity = SEV_MEDIUM;
		snprintf(v.name, sizeof(v.name), "%s", text);
		memcpy(v.addr, e->peer, 16);
		v.has_addr = true;
		v.port = e->peer_port;
		v.proto = e->proto;
		find_clients(t, p, &v, e->hdr.time_ns);
		add_verdict(t, p, &v);
		recent_add(&t->verdicts, p, text, e->hdr.time_ns);
	}
}

static void answerset_add(struct tracker *t, const uint8_t addr[16], const struct tproc *p,
			  const char *name, bool allowed)
{
	struct answer_entry *a;

	if (!t->answers) {
		t->answers = calloc(ANSWERSET_MAX, sizeof(*t->answers));
		if (!t->answers) {
			t->stats.oom++;
			return;
		}
	}
	a = &t->answers[t->next_answer];
	t->next_answer = (t->next_answer + 1) % ANSWERSET_MAX;
	if (t->n_answers < ANSWERSET_MAX)
		t->n_answers++;
	memcpy(a->addr, addr, 16);
	a->tgid = p->tgid;
	memcpy(a->comm, p->comm, sizeof(a->comm));
	set_str(t, &a->name, name);
	a->allowed = allowed;
}

/* The newest answer-set entry for addr from a name that is not allowed;
 * else the newest from an allowed name; else NULL. */
static const struct answer_entry *answerset_find(struct tracker *t, const uint8_t addr[16])
{
	const struct answer_entry *allowed = NULL;
	size_t i, idx;

	for (i = 1; i <= t->n_answers; i++) {
		idx = (t->next_answer + ANSWERSET_MAX - i) % ANSWERSET_MAX;
		if (memcmp(t->answers[idx].addr, addr, 16))
			continue;
		if (!t->answers[idx].allowed)
			return &t->answers[idx];
		if (!allowed)
			allowed = &t->answers[idx];
	}
	return allowed;
}

static uint8_t answer_severity(uint8_t family)
{
	return family == LW_FAMILY_LOOPBACK || family == LW_FAMILY_NXDOMAIN ? SEV_MEDIUM : SEV_LOW;
}

/* The answers to a reserved name, from the wire or the C library: keep
 * them, add the global ones to the answer set, judge the family rule. */
static void fold_answers(struct tracker *t, struct tproc *p, struct tname *n,
			 const struct reserved_suffix *sfx, const char *text,
			 const uint8_t (*addrs)[16], size_t k, uint64_t time_ns)
{
	struct tverdict v;
	size_t i, j;

	for (i = 0; i < k; i++) {
		for (j = 0; j < n->n_answers; j++)
			if (!memcmp(n->answers[j], addrs[i], 16))
				break;
		if (j == n->n_answers && n->n_answers < TNAME_MAX_ANSWERS) {
			uint8_t *slot = grow(t, (void **)&n->answers, &n->n_answers,
					     &n->cap_answers, sizeof(n->answers[0]));

			if (slot)
				memcpy(slot, addrs[i], 16);
		}
		if (addr_is_leak_target(t, addrs[i]))
			answerset_add(t, addrs[i], p, text, n->allowed);
		if (!policy_answer_violates(t->policy, sfx->family, addrs[i]))
			continue;
		open_window(t, p, text, sfx->family, time_ns, n->allowed);
		if (n->allowed)
			continue;
		memset(&v, 0, sizeof(v));
		v.kind = VERDICT_ANSWER;
		v.severity = answer_severity(sfx->family);
		snprintf(v.name, sizeof(v.name), "%s", text);
		memcpy(v.addr, addrs[i], 16);
		v.has_addr = true;
		add_verdict(t, p, &v);
	}
}

/* The derived entry of a target name, or NULL. */
static const struct derived *derived_find(const struct tracker *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->derived.n; i++)
		if (!strcasecmp(t->derived.e[i].target, name))
			return &t->derived.e[i];
	return NULL;
}

static void derived_add(struct tracker *t, const struct tproc *p, const char *target,
			const char *chain, bool allowed)
{
	struct derived *d;

	if (derived_find(t, target))
		return;
	d = &t->derived.e[t->derived.next];
	t->derived.next = (t->derived.next + 1) % DERIVED_MAX;
	if (t->derived.n < DERIVED_MAX)
		t->derived.n++;
	snprintf(d->target, sizeof(d->target), "%s", target);
	snprintf(d->chain, sizeof(d->chain), "%s", chain);
	d->tgid = p->tgid;
	memcpy(d->comm, p->comm, sizeof(d->comm));
	d->allowed = allowed;
}

/* Keep a target in names[].targets once (host, or host:port for SRV). */
static void name_add_target(struct tracker *t, struct tname *n, const char *shown)
{
	size_t i;

	for (i = 0; i < n->n_targets; i++)
		if (!strcasecmp(n->targets[i], shown))
			return;
	if (n->n_targets >= TNAME_MAX_TARGETS)
		return;
	n->targets[n->n_targets] = strdup(shown);
	if (n->targets[n->n_targets])
		n->n_targets++;
	else
		t->stats.oom++;
}

/*
 * MX and SRV answers of a reserved name: keep their targets, remember them
 * as derived names, and judge them: example.com/net/org publish a null MX
 * (RFC 7505: one MX of preference 0 and exchange "."), so any other MX or
 * SRV target for them sends mail or a service to somebody: an `answer`.
 */
static void fold_targets(struct tracker *t, struct tproc *p, struct tname *n, uint8_t family,
			 const char *text)
{
	char target[256], shown[300], chain[DNS_TEXT_MAX + 300];
	struct tverdict v;
	size_t i;

	for (i = 0; i < t->msg.n_rr; i++) {
		const struct dns_rr *rr = &t->msg.rr[i];

		if (rr->section != DNS_SEC_ANSWER ||
		    (rr->type != DNS_T_MX && rr->type != DNS_T_SRV))
			continue;
		if (dns_name_to_text(&rr->target, target, sizeof(target)))
			t->stats.dns_malformed_names++;
		if (!strcmp(target, "."))
			continue; /* a null MX: no mail, as it should be */
		if (rr->type == DNS_T_SRV)
			snprintf(shown, sizeof(shown), "%s:%u", target, rr->port);
		else
			snprintf(shown, sizeof(shown), "%s", target);
		name_add_target(t, n, shown);
		snprintf(chain, sizeof(chain), "%s %s %s", text, dns_type_name(rr->type), target);
		derived_add(t, p, target, chain, n->allowed);
		if (family != LW_FAMILY_IANA || n->allowed)
			continue;
		memset(&v, 0, sizeof(v));
		v.kind = VERDICT_ANSWER;
		v.severity = SEV_MEDIUM;
		snprintf(v.name, sizeof(v.name), "%s", text);
		snprintf(v.target, sizeof(v.target), "%s", shown);
		add_verdict(t, p, &v);
	}
}

static void on_reserved_response(struct tracker *t, struct tproc *p, const struct lw_dns_event *e)
{
	uint8_t addrs[TNAME_MAX_ANSWERS][16];
	const struct reserved_suffix *sfx;
	char text[DNS_TEXT_MAX];
	bool malformed = false;
	struct tname *n;
	size_t k;

	sfx = event_suffix(t, &t->msg, e);
	if (!sfx)
		return;
	name_text(t, &t->msg.q[0].name, text, sizeof(text), &malformed);
	n = name_find(t, p, text, t->msg.q[0].type, false);
	if (!n)
		return;
	if (!n->count) { /* the query went unseen */
		n->count = 1;
		memcpy(n->resolver, peer_text(t, e->peer, e->peer_port), sizeof(n->resolver));
	}
	n->malformed |= malformed;
	n->allowed = policy_wire_allowed(t->policy, t->msg.q[0].name.wire, t->msg.q[0].name.len);
	set_str(t, &n->suffix, sfx->name);
	n->family = sfx->family;
	n->rcode = t->msg.rcode;

	k = dns_answer_addrs(&t->msg, addrs, TNAME_MAX_ANSWERS);
	fold_answers(t, p, n, sfx, text, addrs, k, e->hdr.time_ns);
	fold_targets(t, p, n, sfx->family, text);
}

/*
 * An ordinary name resolved: remember it to name the destination that
 * follows; when it is a derived name (an MX or SRV target of a reserved
 * name), its addresses join the answer set under the chain, so traffic to
 * them is `direct`, as to any answer of the reserved name.
 */
static void resolved_add(struct tracker *t, struct tproc *p, const char *text,
			 const uint8_t (*addrs)[16], size_t k)
{
	const struct derived *d = derived_find(t, text);
	struct tproc asker = { 0 };
	struct tresolved *r;
	size_t i;

	if (d) {
		asker.tgid = d->tgid;
		memcpy(asker.comm, d->comm, sizeof(asker.comm));
	}
	for (i = 0; i < k; i++) {
		if (d && addr_is_leak_target(t, addrs[i]))
			answerset_add(t, addrs[i], &asker, d->chain, d->allowed);
		r = grow(t, (void **)&p->resolved, &p->n_resolved, &p->cap_resolved, sizeof(*r));
		if (!r)
			return;
		memcpy(r->addr, addrs[i], 16);
		snprintf(r->name, sizeof(r->name), "%s", text);
	}
}

/* An ordinary name resolved inside a window: remember it to name the
 * destination that follows. */
static void on_window_response(struct tracker *t, struct tproc *p)
{
	uint8_t addrs[TNAME_MAX_ANSWERS][16];
	char text[DNS_TEXT_MAX];
	bool malformed = false;
	size_t k;

	name_text(t, &t->msg.q[0].name, text, sizeof(text), &malformed);
	k = dns_answer_addrs(&t->msg, addrs, TNAME_MAX_ANSWERS);
	resolved_add(t, p, text, (const uint8_t(*)[16])addrs, k);
}

static void on_response(struct tracker *t, struct tproc *p, const struct lw_dns_event *e)
{
	if (parse_payload(t, e))
		return;
	if (e->flags & LW_DNS_RESERVED)
		on_reserved_response(t, p, e);
	else
		on_window_response(t, p);
}

/*
 * A name resolved through the C library. Reserved: a names[] entry with
 * source libc (no resolver: /etc/hosts, nss, a stub over varlink), its
 * answers judged exactly as a DNS response's. Ordinary (the process is in
 * a follow-on window): remembered to name the destination that follows.
 */
static void on_libc(struct tracker *t, struct tproc *p, const struct lw_libc_event *e)
{
	uint8_t addrs[LW_LIBC_MAX_ADDRS][16];
	const struct reserved_suffix *sfx;
	char text[LW_LIBC_NAME_MAX];
	struct tname *n;
	size_t k, len;

	memcpy(text, e->name, sizeof(text));
	text[sizeof(text) - 1] = '\0';
	len = strlen(text);
	if (len > 1 && text[len - 1] == '.')
		text[len - 1] = '\0';
	if (!text[0])
		return;
	k = e->n_addrs < LW_LIBC_MAX_ADDRS ? e->n_addrs : LW_LIBC_MAX_ADDRS;
	memcpy(addrs, e->addrs, k * 16);

	if (!(e->flags & LW_DNS_RESERVED)) {
		resolved_add(t, p, text, (const uint8_t(*)[16])addrs, k);
		return;
	}
	sfx = policy_match_name(t->policy, text);
	if (!sfx && e->suffix_id < t->policy->n_suffixes)
		sfx = &t->policy->suffixes[e->suffix_id]; /* policy changed since */
	if (!sfx)
		return;
	n = name_find(t, p, text, 0, true);
	if (!n)
		return;
	n->count++;
	if (!n->func)
		n->func = e->func;
	n->libc_ret = e->ret;
	n->allowed = policy_name_allowed(t->policy, text);
	set_str(t, &n->suffix, sfx->name);
	n->family = sfx->family;
	if (family_suspicious(sfx->family))
		open_window(t, p, text, sfx->family, e->hdr.time_ns, n->allowed);
	fold_answers(t, p, n, sfx, text, (const uint8_t(*)[16])addrs, k, e->hdr.time_ns);
	local_lookup(t, p, text, e->hdr.time_ns);
}

static const char *resolved_name(const struct tproc *p, const uint8_t addr[16])
{
	size_t i;

	for (i = p->n_resolved; i-- > 0;)
		if (!memcmp(p->resolved[i].addr, addr, 16))
			return p->resolved[i].name;
	return NULL;
}

static struct tdest *dest_find(struct tracker *t, struct tproc *p, const struct lw_connect_event *e)
{
	struct tdest *d;
	size_t i;

	for (i = 0; i < p->n_dests; i++) {
		d = &p->dests[i];
		if (d->port == e->port && d->proto == e->proto && !memcmp(d->addr, e->addr, 16))
			return d;
	}
	d = grow(t, (void **)&p->dests, &p->n_dests, &p->cap_dests, sizeof(*d));
	if (d) {
		memcpy(d->addr, e->addr, 16);
		d->port = e->port;
		d->proto = e->proto;
	}
	return d;
}

/* direct: the address was answered to a reserved query (by this process
 * or another). follow-on: inside a window, to any other global address.
 * `allow-name`: an address answered only to allowed names is not direct,
 * and a window opened only by allowed names is no window. */
static void judge_dest(struct tracker *t, struct tproc *p, struct tdest *d,
		       const struct lw_connect_event *e)
{
	const struct answer_entry *a = answerset_find(t, e->addr);
	struct tverdict v;

	if (!d->global)
		return;
	/* `allow-destination`: a service accepted by the name it was
	 * resolved from (its addresses rotate) */
	if (d->name[0] && policy_dest_allowed(t->policy, d->name))
		return;
	if ((a && !a->allowed) || (!a && (e->flags & LW_CONN_IN_ANSWERS))) {
		d->verdict = VERDICT_DIRECT;
		d->severity = SEV_HIGH;
		if (a) {
			snprintf(d->via, sizeof(d->via), "%s", a->name ?: "");
			if (a->tgid != p->tgid) {
				d->asked_by_pid = a->tgid;
				memcpy(d->asked_by_comm, a->comm, sizeof(d->asked_by_comm));
			}
		} else if (e->answer.owner.tgid != p->tgid) {
			d->asked_by_pid = e->answer.owner.tgid;
		}
	} else if ((e->flags & LW_CONN_IN_WINDOW) && window_counts(t, p, e->hdr.time_ns)) {
		bool high = policy_is_mail_port(t->policy, e->port) ||
			    p->window_family == LW_FAMILY_IANA;

		d->verdict = VERDICT_FOLLOW_ON;
		d->severity = high ? SEV_HIGH : SEV_MEDIUM;
		snprintf(d->via, sizeof(d->via), "%s", p->window_name ? p->window_name : "");
	} else {
		return;
	}
	memset(&v, 0, sizeof(v));
	v.kind = d->verdict;
	v.severity = d->severity;
	snprintf(v.name, sizeof(v.name), "%s", d->via);
	memcpy(v.addr, e->addr, 16);
	v.has_addr = true;
	v.port = e->port;
	v.proto = e->proto;
	v.blocked = d->blocked;
	add_verdict(t, p, &v);
}

static void on_connect(struct tracker *t, struct tproc *p, const struct lw_connect_event *e)
{
	const char *name;
	struct tdest *d = dest_find(t, p, e);

	if (!d)
		return;
	d->count++;
	d->blocked |= !!(e->flags & LW_CONN_BLOCKED);
	d->global = addr_is_leak_target(t, e->addr);
	name = resolved_name(p, e->addr);
	if (name && !d->name[0])
		snprintf(d->name, sizeof(d->name), "%s", name);
	if (!d->verdict || d->verdict == VERDICT_PAYLOAD)
		judge_dest(t, p, d, e);
}

/*
 * --payload: a reserved identity in what a socket sent (the kernel chose
 * the token and the verb; nothing else of the payload reaches us). Kept
 * once per socket and token with a count; a verdict once per destination
 * and token. The destination joins destinations[]: one that already has
 * a verdict (a follow-on after a reserved lookup) says it received this.
 */
static uint8_t payload_severity(const struct tracker *t, uint8_t verb, uint16_t port)
{
	return payload_verb_is_mail(verb) || policy_is_mail_port(t->policy, port) ? SEV_HIGH :
										    SEV_MEDIUM;
}

static void payload_token(const struct lw_payload_event *e, char *buf, size_t len)
{
	size_t n = e->token_len < LW_PAYLOAD_TOKEN_MAX ? e->token_len : LW_PAYLOAD_TOKEN_MAX;

	snprintf(buf, len, "%s%.*s", (e->flags & LW_PAYLOAD_LOCAL_DROPPED) ? "@" : "", (int)n,
		 e->token);
}

static struct tpayload *payload_find(struct tracker *t, struct tproc *p,
				     const struct lw_payload_event *e, const char *token)
{
	struct tpayload *x;
	size_t i;

	for (i = 0; i < p->n_payloads; i++) {
		x = &p->payloads[i];
		if (x->cookie == e->cookie && !strcmp(x->token, token))
			return x;
	}
	x = grow(t, (void **)&p->payloads, &p->n_payloads, &p->cap_payloads, sizeof(*x));
	if (!x)
		return NULL;
	memcpy(x->addr, e->addr, 16);
	x->port = e->port;
	x->cookie = e->cookie;
	snprintf(x->token, sizeof(x->token), "%s", token);
	x->verb = e->verb;
	return x;
}

/* The destination entry for a payload's address and port. */
static void payload_dest(struct tracker *t, struct tproc *p, const struct tpayload *x,
			 const char *kname)
{
	const char *name = resolved_name(p, x->addr) ?: (kname[0] ? kname : NULL);
	struct tdest *d = NULL;
	size_t i;

	for (i = 0; i < p->n_dests; i++)
		if (p->dests[i].port == x->port && p->dests[i].proto == IPPROTO_TCP &&
		    !memcmp(p->dests[i].addr, x->addr, 16))
			d = &p->dests[i];
	if (!d) {
		d = grow(t, (void **)&p->dests, &p->n_dests, &p->cap_dests, sizeof(*d));
		if (!d)
			return;
		memcpy(d->addr, x->addr, 16);
		d->port = x->port;
		d->proto = IPPROTO_TCP;
		d->global = true;
		d->count = 1;
	}
	if (name && !d->name[0])
		snprintf(d->name, sizeof(d->name), "%s", name);
	if (!d->verdict) {
		d->verdict = VERDICT_PAYLOAD;
		d->severity = x->severity;
	}
	if (!d->payload[0] || x->severity > payload_severity(t, d->payload_verb, d->port)) {
		snprintf(d->payload, sizeof(d->payload), "%s", x->token);
		d->payload_verb = x->verb;
	}
}

static void on_payload(struct tracker *t, struct tproc *p, const struct lw_payload_event *e)
{
	char token[LW_PAYLOAD_TOKEN_MAX + 2], dname[LW_PAYLOAD_NAME_MAX + 1];
	const struct reserved_suffix *sfx;
	struct tpayload *x;
	struct tverdict v;

	payload_token(e, token, sizeof(token));
	/* the kernel's match, checked with the whole policy (and its
	 * exceptions: an allowed name is no verdict) */
	sfx = policy_match_name(t->policy, strchr(token, '@') ? strchr(token, '@') + 1 : token);
	if (!sfx || !addr_is_leak_target(t, e->addr) ||
	    policy_name_allowed(t->policy, strchr(token, '@') ? strchr(token, '@') + 1 : token))
		return;
	x = payload_find(t, p, e, token);
	if (!x)
		return;
	x->count++;
	snprintf(x->suffix, sizeof(x->suffix), "%s", sfx->name);
	x->family = sfx->family;
	x->flags |= e->flags;
	if (payload_severity(t, e->verb, e->port) > payload_severity(t, x->verb, x->port))
		x->verb = e->verb;
	x->severity = payload_severity(t, x->verb, x->port);
	memcpy(dname, e->dest_name, sizeof(e->dest_name));
	dname[sizeof(dname) - 1] = '\0';
	payload_dest(t, p, x, dname);

	memset(&v, 0, sizeof(v));
	v.kind = VERDICT_PAYLOAD;
	v.severity = x->severity;
	snprintf(v.name, sizeof(v.name), "%s", x->token);
	memcpy(v.addr, x->addr, 16);
	v.has_addr = true;
	v.port = x->port;
	v.proto = IPPROTO_TCP;
	v.verb = x->verb;
	v.pflags = x->flags;
	add_verdict(t, p, &v);
}

static size_t event_size(uint32_t type)
{
	switch (type) {
	case LW_EV_DNS_QUERY:
	case LW_EV_DNS_RESPONSE:
		return sizeof(struct lw_dns_event);
	case LW_EV_CONNECT:
		return sizeof(struct lw_connect_event);
	case LW_EV_EXIT:
		return sizeof(struct lw_exit_event);
	case LW_EV_LIBC_LOOKUP:
		return sizeof(struct lw_libc_event);
	case LW_EV_CGROUP_MKDIR:
		return sizeof(struct lw_cgroup_event);
	case LW_EV_PAYLOAD:
		return sizeof(struct lw_payload_event);
	default:
		return 0;
	}
}

int tracker_handle(struct tracker *t, const void *data, size_t size)
{
	const struct lw_event_hdr *h = data;
	struct tproc *p;

	t->stats.events++;
	if (size < sizeof(*h) || !event_size(h->type) || size < event_size(h->type) ||
	    h->size != event_size(h->type)) {
		t->stats.bad_events++;
		return -EINVAL;
	}
	/* About a cgroup, not about its maker: no process record; its path
	 * goes to the cache. */
	if (h->type == LW_EV_CGROUP_MKDIR) {
		if (!t->cgcache)
			t->cgcache = cgroup_cache_new_system();
		if (!t->cgcache || cgroup_cache_event(t->cgcache, data)) {
			t->stats.bad_events++;
			return -EINVAL;
		}
		container_names_early(t, data);
		return 0;
	}
	p = proc_get(t, h);
	if (!p)
		return -ENOMEM;
	switch (h->type) {
	case LW_EV_DNS_QUERY:
		on_query(t, p, data);
		break;
	case LW_EV_DNS_RESPONSE:
		on_response(t, p, data);
		break;
	case LW_EV_CONNECT:
		on_connect(t, p, data);
		break;
	case LW_EV_LIBC_LOOKUP:
		on_libc(t, p, data);
		break;
	case LW_EV_PAYLOAD:
		on_payload(t, p, data);
		break;
	case LW_EV_EXIT:
		p->exited = true;
		p->exit_code = ((const struct lw_exit_event *)data)->exit_code;
		break;
	}
	return 0;
}

bool tproc_has_findings(const struct tproc *p)
{
	return p->n_names || p->n_verdicts || p->n_payloads;
}

uint8_t tproc_max_severity(const struct tproc *p)
{
	uint8_t max = SEV_NONE;
	size_t i;

	for (i = 0; i < p->n_verdicts; i++)
		if (p->verdicts[i].severity > max)
			max = p->verdicts[i].severity;
	return max;
}

struct tproc *tracker_next_exited(struct tracker *t)
{
	struct tproc *p;
	size_t i;

	for (i = 0; i < PROC_BUCKETS; i++)
		for (p = t->buckets[i]; p; p = p->next)
			if (p->exited)
				return p;
	return NULL;
}

struct tproc *tracker_first(struct tracker *t)
{
	size_t i;

	for (i = 0; i < PROC_BUCKETS; i++)
		if (t->buckets[i])
			return t->buckets[i];
	return NULL;
}

struct tproc *tracker_next(struct tracker *t, struct tproc *p)
{
	size_t i;

	if (p->next)
		return p->next;
	for (i = p->tgid % PROC_BUCKETS + 1; i < PROC_BUCKETS; i++)
		if (t->buckets[i])
			return t->buckets[i];
	return NULL;
}

void tracker_release(struct tracker *t, struct tproc *p)
{
	struct tproc **pp;

	for (pp = &t->buckets[p->tgid % PROC_BUCKETS]; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			tproc_free(p);
			t->n_procs--;
			return;
		}
	}
}

size_t tracker_sweep(struct tracker *t)
{
	struct tproc *p;
	size_t i, n = 0;

	for (i = 0; i < PROC_BUCKETS; i++) {
		for (p = t->buckets[i]; p; p = p->next) {
			/* (one not visible in our pid namespace ends with its
			 * exit event only: /proc cannot tell) */
			if (p->exited || !p->ns_pid ||
			    proc_same_start(proc_start_ns((pid_t)p->ns_pid), p->start_ns))
				continue;
			p->exited = true;
			p->exit_code = -1;
			n++;
		}
	}
	return n;
}
