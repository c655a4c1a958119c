// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The verdict engine: the verdict kinds of README over the process table
 * (proctable.c). The kernel has already decided what is evidence (it
 * emits nothing for untainted processes); this side re-parses the DNS
 * payloads in full, classifies addresses with the complete policy, and
 * names every verdict. Beside the rules: userspace's copy of the answer
 * set, the join of a stub's upstream query to the clients that asked it,
 * and the names derived from reserved ones (MX exchanges, SRV targets).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

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

struct verdict_engine {
	const struct policy *policy;
	verdict_fn on_verdict;
	void *ctx;
	struct proctable procs;
	struct answer_entry *answers;
	size_t n_answers, next_answer;
	struct verdict_stats stats;
	struct recent_ring lookups;  /* clients' reserved lookups */
	struct recent_ring verdicts; /* resolver verdicts */
	struct derived_ring derived; /* MX / SRV targets of reserved names */
	struct peer_cache peer;	     /* the last address judged */
	struct dns_msg msg;	     /* scratch: too big for the stack */
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

void verdict_engine_set_policy(struct verdict_engine *eng, const struct policy *p)
{
	eng->policy = p;
	memset(&eng->peer, 0, sizeof(eng->peer));
}

/* The cache entry for addr (emptied when it held another address). */
static struct peer_cache *peer_cache(struct verdict_engine *eng, const uint8_t addr[16])
{
	struct peer_cache *c = &eng->peer;

	if (memcmp(c->addr, addr, 16)) {
		memset(c, 0, sizeof(*c));
		memcpy(c->addr, addr, 16);
	}
	return c;
}

/* "addr:port" of a resolver, formatted once per address and port. */
static const char *peer_text(struct verdict_engine *eng, const uint8_t addr[16], uint16_t port)
{
	struct peer_cache *c = peer_cache(eng, addr);

	if (!c->formatted || c->port != port) {
		addr_format_port(addr, port, c->text, sizeof(c->text));
		c->port = port;
		c->formatted = true;
	}
	return c->text;
}

/* A record's findings (the process table frees the rest). */
static void findings_free(struct watched_proc *p)
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
	free(p->names);
	free(p->dests);
	free(p->verdicts);
	free(p->resolved);
	free(p->payloads);
}

struct verdict_engine *verdict_engine_new(const struct policy *p, verdict_fn fn, void *ctx)
{
	struct verdict_engine *eng = calloc(1, sizeof(*eng));

	if (!eng)
		return NULL;
	eng->policy = p;
	eng->on_verdict = fn;
	eng->ctx = ctx;
	proctable_init(&eng->procs, &eng->stats.procs, findings_free);
	return eng;
}

void verdict_engine_free(struct verdict_engine *eng)
{
	size_t i;

	if (!eng)
		return;
	proctable_fini(&eng->procs);
	for (i = 0; eng->answers && i < ANSWERSET_MAX; i++)
		free(eng->answers[i].name);
	free(eng->answers);
	free(eng);
}

const struct verdict_stats *verdict_engine_stats(const struct verdict_engine *eng)
{
	return &eng->stats;
}

/* Grow a record array by one slot; NULL (and counted) when out of memory. */
static void *grow(struct verdict_engine *eng, void **arr, size_t *n, size_t *cap, size_t size)
{
	void *slot;

	if (*n == *cap) {
		/* Most processes have one name, one destination: start at 1. */
		size_t ncap = *cap ? *cap * 2 : 1;
		void *narr = realloc(*arr, ncap * size);

		if (!narr) {
			eng->stats.oom++;
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

/* Families whose names must stay off public DNS (the `resolver` verdict). */
static bool family_stays_local(uint8_t family)
{
	return family == LW_FAMILY_NXDOMAIN || family == LW_FAMILY_LOOPBACK ||
	       family == LW_FAMILY_LOCAL;
}

static bool addr_is_leak_target(struct verdict_engine *eng, const uint8_t addr[16])
{
	struct peer_cache *c = peer_cache(eng, addr);
	struct addr_class cls;

	if (!c->judged) {
		policy_classify_addr(eng->policy, addr, &cls);
		c->leak_target = cls.global && !cls.allowed && !cls.multicast;
		c->judged = true;
	}
	return c->leak_target;
}

static void add_verdict(struct verdict_engine *eng, struct watched_proc *p,
			const struct verdict *nv)
{
	struct verdict *v;
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
	v = grow(eng, (void **)&p->verdicts, &p->n_verdicts, &p->cap_verdicts, sizeof(*v));
	if (!v)
		return;
	*v = *nv;
	if (eng->on_verdict)
		eng->on_verdict(eng->ctx, p, v);
}

static void name_text(struct verdict_engine *eng, const struct dns_name *n, char *buf, size_t len,
		      bool *malformed)
{
	if (dns_name_to_text(n, buf, len)) {
		*malformed = true;
		eng->stats.dns_malformed_names++;
	}
}

/* The names[] entry of (name, query type, source). libc entries have no
 * query type (0). */
static struct lookup *name_find(struct verdict_engine *eng, struct watched_proc *p,
				const char *text, uint16_t qtype, bool libc)
{
	struct lookup *n;
	size_t i;

	for (i = 0; i < p->n_names; i++)
		if (p->names[i].qtype == qtype && p->names[i].libc == libc &&
		    !strcasecmp(p->names[i].text, text))
			return &p->names[i];
	n = grow(eng, (void **)&p->names, &p->n_names, &p->cap_names, sizeof(*n));
	if (n) {
		n->text = strdup(text);
		if (!n->text) {
			p->n_names--;
			eng->stats.oom++;
			return NULL;
		}
		n->qtype = qtype;
		n->rcode = -1;
		n->libc = libc;
	}
	return n;
}

/* --- stub forwarding: who asked the stub what it then sent upstream ------ */

static void recent_add(struct recent_ring *r, const struct watched_proc *p, const char *name,
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

static void verdict_add_client(struct verdict *v, uint32_t pid, const char *comm)
{
	size_t i;

	for (i = 0; i < v->n_clients; i++)
		if (v->clients[i].pid == pid)
			return;
	if (v->n_clients >= VERDICT_MAX_CLIENTS)
		return;
	v->clients[v->n_clients].pid = pid;
	memcpy(v->clients[v->n_clients].comm, comm, sizeof(v->clients[0].comm));
	v->n_clients++;
}

/* A resolver verdict about to be made: the processes that looked the same
 * name up locally just before are the stub's clients. */
static void find_clients(struct verdict_engine *eng, const struct watched_proc *p,
			 struct verdict *v, uint64_t time_ns)
{
	size_t i;

	for (i = 0; i < eng->lookups.n; i++) {
		const struct recent *e = &eng->lookups.e[i];

		if (e->tgid != p->tgid && recent_match(e, v->name, time_ns))
			verdict_add_client(v, e->tgid, e->comm);
	}
}

/* A local lookup seen after the stub's verdict (the C library reports at
 * return, after the stub forwarded): add the client to that verdict. */
static void join_late_client(struct verdict_engine *eng, const struct watched_proc *client,
			     const char *name, uint64_t time_ns)
{
	size_t i, k;

	for (i = 0; i < eng->verdicts.n; i++) {
		const struct recent *e = &eng->verdicts.e[i];
		struct watched_proc *stub;

		if (e->tgid == client->tgid || !recent_match(e, name, time_ns))
			continue;
		stub = proctable_find(&eng->procs, e->tgid, e->start_ns);
		for (k = 0; stub && k < stub->n_verdicts; k++)
			if (stub->verdicts[k].kind == VERDICT_RESOLVER &&
			    !strcasecmp(stub->verdicts[k].name, name))
				verdict_add_client(&stub->verdicts[k], client->tgid, client->comm);
	}
}

/* A reserved name asked of a local resolver or the C library. */
static void local_lookup(struct verdict_engine *eng, struct watched_proc *p, const char *name,
			 uint64_t time_ns)
{
	recent_add(&eng->lookups, p, name, time_ns);
	join_late_client(eng, p, name, time_ns);
}

/* Parse an event's payload; the question is what the kernel matched. */
static int parse_payload(struct verdict_engine *eng, const struct lw_dns_event *e)
{
	size_t len = e->payload_len < LW_DNS_CAPTURE ? e->payload_len : LW_DNS_CAPTURE;
	int err = dns_parse(e->payload, len, &eng->msg);

	/* A capture cut short still gives its question and first records. */
	if (err == DNS_ERR_TRUNCATED && e->wire_len > len && eng->msg.n_q)
		return 0;
	if (err || !eng->msg.n_q) {
		eng->stats.dns_unparsed++;
		return -EINVAL;
	}
	return 0;
}

static const struct reserved_suffix *
event_suffix(struct verdict_engine *eng, const struct dns_msg *m, const struct lw_dns_event *e)
{
	const struct reserved_suffix *s;

	s = policy_match_wire(eng->policy, m->q[0].name.wire, m->q[0].name.len);
	if (!s && e->suffix_id < eng->policy->n_suffixes)
		s = &eng->policy->suffixes[e->suffix_id]; /* policy changed since */
	return s;
}

/* Replace a heap string; on allocation failure keep the old one. */
static void set_str(struct verdict_engine *eng, char **dst, const char *src)
{
	char *s;

	if (*dst && !strcmp(*dst, src))
		return;
	s = strdup(src);
	if (!s) {
		eng->stats.oom++;
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
static void open_window(struct verdict_engine *eng, struct watched_proc *p, const char *name,
			uint8_t family, uint64_t time_ns, bool allowed)
{
	if (allowed) {
		p->allowed_window = true;
		return;
	}
	set_str(eng, &p->window_name, name);
	p->window_family = family;
	p->window_ns = time_ns;
}

/* Is a connect the kernel saw inside a window inside one opened by a name
 * that is not allowed? Without allowed names, the kernel's word stands. */
static bool window_counts(const struct verdict_engine *eng, const struct watched_proc *p,
			  uint64_t time_ns)
{
	if (!p->allowed_window)
		return true;
	if (!p->window_name)
		return false; /* opened by allowed names only: no window */
	return time_ns <= p->window_ns + (uint64_t)eng->policy->window_s * 1000000000ull;
}

static void on_query(struct verdict_engine *eng, struct watched_proc *p,
		     const struct lw_dns_event *e)
{
	const struct reserved_suffix *sfx;
	char text[DNS_TEXT_MAX];
	bool malformed = false;
	struct verdict v;
	struct lookup *n;

	if (parse_payload(eng, e))
		return;
	sfx = event_suffix(eng, &eng->msg, e);
	if (!sfx)
		return;
	name_text(eng, &eng->msg.q[0].name, text, sizeof(text), &malformed);
	n = name_find(eng, p, text, eng->msg.q[0].type, false);
	if (!n)
		return;
	n->count++;
	n->malformed |= malformed;
	n->allowed =
		policy_wire_allowed(eng->policy, eng->msg.q[0].name.wire, eng->msg.q[0].name.len);
	set_str(eng, &n->suffix, sfx->name);
	n->family = sfx->family;
	memcpy(n->resolver, peer_text(eng, e->peer, e->peer_port), sizeof(n->resolver));
	if (lw_family_suspicious(sfx->family)) /* opens a window, as in the kernel */
		open_window(eng, p, text, sfx->family, e->hdr.time_ns, n->allowed);

	if (!addr_is_leak_target(eng, e->peer)) {
		local_lookup(eng, p, text, e->hdr.time_ns);
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
		find_clients(eng, p, &v, e->hdr.time_ns);
		add_verdict(eng, p, &v);
		recent_add(&eng->verdicts, p, text, e->hdr.time_ns);
	}
}

static void answerset_add(struct verdict_engine *eng, const uint8_t addr[16],
			  const struct watched_proc *p, const char *name, bool allowed)
{
	struct answer_entry *a;

	if (!eng->answers) {
		eng->answers = calloc(ANSWERSET_MAX, sizeof(*eng->answers));
		if (!eng->answers) {
			eng->stats.oom++;
			return;
		}
	}
	a = &eng->answers[eng->next_answer];
	eng->next_answer = (eng->next_answer + 1) % ANSWERSET_MAX;
	if (eng->n_answers < ANSWERSET_MAX)
		eng->n_answers++;
	memcpy(a->addr, addr, 16);
	a->tgid = p->tgid;
	memcpy(a->comm, p->comm, sizeof(a->comm));
	set_str(eng, &a->name, name);
	a->allowed = allowed;
}

/* The newest answer-set entry for addr from a name that is not allowed;
 * else the newest from an allowed name; else NULL. */
static const struct answer_entry *answerset_find(struct verdict_engine *eng, const uint8_t addr[16])
{
	const struct answer_entry *allowed = NULL;
	size_t i, idx;

	for (i = 1; i <= eng->n_answers; i++) {
		idx = (eng->next_answer + ANSWERSET_MAX - i) % ANSWERSET_MAX;
		if (memcmp(eng->answers[idx].addr, addr, 16))
			continue;
		if (!eng->answers[idx].allowed)
			return &eng->answers[idx];
		if (!allowed)
			allowed = &eng->answers[idx];
	}
	return allowed;
}

static uint8_t answer_severity(uint8_t family)
{
	return family == LW_FAMILY_LOOPBACK || family == LW_FAMILY_NXDOMAIN ? SEV_MEDIUM : SEV_LOW;
}

/* The answers to a reserved name, from the wire or the C library: keep
 * them, add the global ones to the answer set, judge the family rule. */
static void fold_answers(struct verdict_engine *eng, struct watched_proc *p, struct lookup *n,
			 const struct reserved_suffix *sfx, const char *text,
			 const uint8_t (*addrs)[16], size_t k, uint64_t time_ns)
{
	struct verdict v;
	size_t i, j;

	for (i = 0; i < k; i++) {
		for (j = 0; j < n->n_answers; j++)
			if (!memcmp(n->answers[j], addrs[i], 16))
				break;
		if (j == n->n_answers && n->n_answers < LOOKUP_MAX_ANSWERS) {
			uint8_t *slot = grow(eng, (void **)&n->answers, &n->n_answers,
					     &n->cap_answers, sizeof(n->answers[0]));

			if (slot)
				memcpy(slot, addrs[i], 16);
		}
		if (addr_is_leak_target(eng, addrs[i]))
			answerset_add(eng, addrs[i], p, text, n->allowed);
		if (!policy_answer_violates(eng->policy, sfx->family, addrs[i]))
			continue;
		open_window(eng, p, text, sfx->family, time_ns, n->allowed);
		if (n->allowed)
			continue;
		memset(&v, 0, sizeof(v));
		v.kind = VERDICT_ANSWER;
		v.severity = answer_severity(sfx->family);
		snprintf(v.name, sizeof(v.name), "%s", text);
		memcpy(v.addr, addrs[i], 16);
		v.has_addr = true;
		add_verdict(eng, p, &v);
	}
}

/* The derived entry of a target name, or NULL. */
static const struct derived *derived_find(const struct verdict_engine *eng, const char *name)
{
	size_t i;

	for (i = 0; i < eng->derived.n; i++)
		if (!strcasecmp(eng->derived.e[i].target, name))
			return &eng->derived.e[i];
	return NULL;
}

static void derived_add(struct verdict_engine *eng, const struct watched_proc *p,
			const char *target, const char *chain, bool allowed)
{
	struct derived *d;

	if (derived_find(eng, target))
		return;
	d = &eng->derived.e[eng->derived.next];
	eng->derived.next = (eng->derived.next + 1) % DERIVED_MAX;
	if (eng->derived.n < DERIVED_MAX)
		eng->derived.n++;
	snprintf(d->target, sizeof(d->target), "%s", target);
	snprintf(d->chain, sizeof(d->chain), "%s", chain);
	d->tgid = p->tgid;
	memcpy(d->comm, p->comm, sizeof(d->comm));
	d->allowed = allowed;
}

/* Keep a target in names[].targets once (host, or host:port for SRV). */
static void name_add_target(struct verdict_engine *eng, struct lookup *n, const char *shown)
{
	size_t i;

	for (i = 0; i < n->n_targets; i++)
		if (!strcasecmp(n->targets[i], shown))
			return;
	if (n->n_targets >= LOOKUP_MAX_TARGETS)
		return;
	n->targets[n->n_targets] = strdup(shown);
	if (n->targets[n->n_targets])
		n->n_targets++;
	else
		eng->stats.oom++;
}

/*
 * MX and SRV answers of a reserved name: keep their targets, remember them
 * as derived names, and judge them: example.com/net/org publish a null MX
 * (RFC 7505: one MX of preference 0 and exchange "."), so any other MX or
 * SRV target for them sends mail or a service to somebody: an `answer`.
 */
static void fold_targets(struct verdict_engine *eng, struct watched_proc *p, struct lookup *n,
			 uint8_t family, const char *text)
{
	char target[256], shown[300], chain[DNS_TEXT_MAX + 300];
	struct verdict v;
	size_t i;

	for (i = 0; i < eng->msg.n_rr; i++) {
		const struct dns_rr *rr = &eng->msg.rr[i];

		if (rr->section != DNS_SEC_ANSWER ||
		    (rr->type != DNS_T_MX && rr->type != DNS_T_SRV))
			continue;
		if (dns_name_to_text(&rr->target, target, sizeof(target)))
			eng->stats.dns_malformed_names++;
		if (!strcmp(target, "."))
			continue; /* a null MX: no mail, as it should be */
		if (rr->type == DNS_T_SRV)
			snprintf(shown, sizeof(shown), "%s:%u", target, rr->port);
		else
			snprintf(shown, sizeof(shown), "%s", target);
		name_add_target(eng, n, shown);
		snprintf(chain, sizeof(chain), "%s %s %s", text, dns_type_name(rr->type), target);
		derived_add(eng, p, target, chain, n->allowed);
		if (family != LW_FAMILY_IANA || n->allowed)
			continue;
		memset(&v, 0, sizeof(v));
		v.kind = VERDICT_ANSWER;
		v.severity = SEV_MEDIUM;
		snprintf(v.name, sizeof(v.name), "%s", text);
		snprintf(v.target, sizeof(v.target), "%s", shown);
		add_verdict(eng, p, &v);
	}
}

static void on_reserved_response(struct verdict_engine *eng, struct watched_proc *p,
				 const struct lw_dns_event *e)
{
	uint8_t addrs[LOOKUP_MAX_ANSWERS][16];
	const struct reserved_suffix *sfx;
	char text[DNS_TEXT_MAX];
	bool malformed = false;
	struct lookup *n;
	size_t k;

	sfx = event_suffix(eng, &eng->msg, e);
	if (!sfx)
		return;
	name_text(eng, &eng->msg.q[0].name, text, sizeof(text), &malformed);
	n = name_find(eng, p, text, eng->msg.q[0].type, false);
	if (!n)
		return;
	if (!n->count) { /* the query went unseen */
		n->count = 1;
		memcpy(n->resolver, peer_text(eng, e->peer, e->peer_port), sizeof(n->resolver));
	}
	n->malformed |= malformed;
	n->allowed =
		policy_wire_allowed(eng->policy, eng->msg.q[0].name.wire, eng->msg.q[0].name.len);
	set_str(eng, &n->suffix, sfx->name);
	n->family = sfx->family;
	n->rcode = eng->msg.rcode;

	k = dns_answer_addrs(&eng->msg, addrs, LOOKUP_MAX_ANSWERS);
	fold_answers(eng, p, n, sfx, text, addrs, k, e->hdr.time_ns);
	fold_targets(eng, p, n, sfx->family, text);
}

/*
 * An ordinary name resolved: remember it to name the destination that
 * follows; when it is a derived name (an MX or SRV target of a reserved
 * name), its addresses join the answer set under the chain, so traffic to
 * them is `direct`, as to any answer of the reserved name.
 */
static void resolved_add(struct verdict_engine *eng, struct watched_proc *p, const char *text,
			 const uint8_t (*addrs)[16], size_t k)
{
	const struct derived *d = derived_find(eng, text);
	struct watched_proc asker = { 0 };
	struct resolved_addr *r;
	size_t i;

	if (d) {
		asker.tgid = d->tgid;
		memcpy(asker.comm, d->comm, sizeof(asker.comm));
	}
	for (i = 0; i < k; i++) {
		if (d && addr_is_leak_target(eng, addrs[i]))
			answerset_add(eng, addrs[i], &asker, d->chain, d->allowed);
		r = grow(eng, (void **)&p->resolved, &p->n_resolved, &p->cap_resolved, sizeof(*r));
		if (!r)
			return;
		memcpy(r->addr, addrs[i], 16);
		snprintf(r->name, sizeof(r->name), "%s", text);
	}
}

/* An ordinary name resolved inside a window: remember it to name the
 * destination that follows. */
static void on_window_response(struct verdict_engine *eng, struct watched_proc *p)
{
	uint8_t addrs[LOOKUP_MAX_ANSWERS][16];
	char text[DNS_TEXT_MAX];
	bool malformed = false;
	size_t k;

	name_text(eng, &eng->msg.q[0].name, text, sizeof(text), &malformed);
	k = dns_answer_addrs(&eng->msg, addrs, LOOKUP_MAX_ANSWERS);
	resolved_add(eng, p, text, (const uint8_t(*)[16])addrs, k);
}

static void on_response(struct verdict_engine *eng, struct watched_proc *p,
			const struct lw_dns_event *e)
{
	if (parse_payload(eng, e))
		return;
	if (e->flags & LW_DNS_RESERVED)
		on_reserved_response(eng, p, e);
	else
		on_window_response(eng, p);
}

/*
 * A name resolved through the C library. Reserved: a names[] entry with
 * source libc (no resolver: /etc/hosts, nss, a stub over varlink), its
 * answers judged exactly as a DNS response's. Ordinary (the process is in
 * a follow-on window): remembered to name the destination that follows.
 */
static void on_libc(struct verdict_engine *eng, struct watched_proc *p,
		    const struct lw_libc_event *e)
{
	uint8_t addrs[LW_LIBC_MAX_ADDRS][16];
	const struct reserved_suffix *sfx;
	char text[LW_LIBC_NAME_MAX];
	struct lookup *n;
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
		resolved_add(eng, p, text, (const uint8_t(*)[16])addrs, k);
		return;
	}
	sfx = policy_match_name(eng->policy, text);
	if (!sfx && e->suffix_id < eng->policy->n_suffixes)
		sfx = &eng->policy->suffixes[e->suffix_id]; /* policy changed since */
	if (!sfx)
		return;
	n = name_find(eng, p, text, 0, true);
	if (!n)
		return;
	n->count++;
	if (!n->func)
		n->func = e->func;
	n->libc_ret = e->ret;
	n->allowed = policy_name_allowed(eng->policy, text);
	set_str(eng, &n->suffix, sfx->name);
	n->family = sfx->family;
	if (lw_family_suspicious(sfx->family)) /* opens a window, as in the kernel */
		open_window(eng, p, text, sfx->family, e->hdr.time_ns, n->allowed);
	fold_answers(eng, p, n, sfx, text, (const uint8_t(*)[16])addrs, k, e->hdr.time_ns);
	local_lookup(eng, p, text, e->hdr.time_ns);
}

static const char *resolved_name(const struct watched_proc *p, const uint8_t addr[16])
{
	size_t i;

	for (i = p->n_resolved; i-- > 0;)
		if (!memcmp(p->resolved[i].addr, addr, 16))
			return p->resolved[i].name;
	return NULL;
}

static struct destination *dest_find(struct verdict_engine *eng, struct watched_proc *p,
				     const struct lw_connect_event *e)
{
	struct destination *d;
	size_t i;

	for (i = 0; i < p->n_dests; i++) {
		d = &p->dests[i];
		if (d->port == e->port && d->proto == e->proto && !memcmp(d->addr, e->addr, 16))
			return d;
	}
	d = grow(eng, (void **)&p->dests, &p->n_dests, &p->cap_dests, sizeof(*d));
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
static void judge_dest(struct verdict_engine *eng, struct watched_proc *p, struct destination *d,
		       const struct lw_connect_event *e)
{
	const struct answer_entry *a = answerset_find(eng, e->addr);
	struct verdict v;

	if (!d->global)
		return;
	/* `allow-destination`: a service accepted by the name it was
	 * resolved from (its addresses rotate) */
	if (d->name[0] && policy_dest_allowed(eng->policy, d->name))
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
	} else if ((e->flags & LW_CONN_IN_WINDOW) && window_counts(eng, p, e->hdr.time_ns)) {
		bool high = policy_is_mail_port(eng->policy, e->port) ||
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
	add_verdict(eng, p, &v);
}

static void on_connect(struct verdict_engine *eng, struct watched_proc *p,
		       const struct lw_connect_event *e)
{
	const char *name;
	struct destination *d = dest_find(eng, p, e);

	if (!d)
		return;
	d->count++;
	d->blocked |= !!(e->flags & LW_CONN_BLOCKED);
	d->global = addr_is_leak_target(eng, e->addr);
	name = resolved_name(p, e->addr);
	if (name && !d->name[0])
		snprintf(d->name, sizeof(d->name), "%s", name);
	if (!d->verdict || d->verdict == VERDICT_PAYLOAD)
		judge_dest(eng, p, d, e);
}

/*
 * --payload: a reserved identity in what a socket sent (the kernel chose
 * the token and the verb; nothing else of the payload reaches us). Kept
 * once per socket and token with a count; a verdict once per destination
 * and token. The destination joins destinations[]: one that already has
 * a verdict (a follow-on after a reserved lookup) says it received this.
 */
static uint8_t payload_severity(const struct verdict_engine *eng, uint8_t verb, uint16_t port)
{
	return payload_verb_is_mail(verb) || policy_is_mail_port(eng->policy, port) ? SEV_HIGH :
										      SEV_MEDIUM;
}

static void payload_token(const struct lw_payload_event *e, char *buf, size_t len)
{
	size_t n = e->token_len < LW_PAYLOAD_TOKEN_MAX ? e->token_len : LW_PAYLOAD_TOKEN_MAX;

	snprintf(buf, len, "%s%.*s", (e->flags & LW_PAYLOAD_LOCAL_DROPPED) ? "@" : "", (int)n,
		 e->token);
}

static struct payload_seen *payload_find(struct verdict_engine *eng, struct watched_proc *p,
					 const struct lw_payload_event *e, const char *token)
{
	struct payload_seen *x;
	size_t i;

	for (i = 0; i < p->n_payloads; i++) {
		x = &p->payloads[i];
		if (x->cookie == e->cookie && !strcmp(x->token, token))
			return x;
	}
	x = grow(eng, (void **)&p->payloads, &p->n_payloads, &p->cap_payloads, sizeof(*x));
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
static void payload_dest(struct verdict_engine *eng, struct watched_proc *p,
			 const struct payload_seen *x, const char *kname)
{
	const char *name = resolved_name(p, x->addr) ?: (kname[0] ? kname : NULL);
	struct destination *d = NULL;
	size_t i;

	for (i = 0; i < p->n_dests; i++)
		if (p->dests[i].port == x->port && p->dests[i].proto == IPPROTO_TCP &&
		    !memcmp(p->dests[i].addr, x->addr, 16))
			d = &p->dests[i];
	if (!d) {
		d = grow(eng, (void **)&p->dests, &p->n_dests, &p->cap_dests, sizeof(*d));
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
	if (!d->payload[0] || x->severity > payload_severity(eng, d->payload_verb, d->port)) {
		snprintf(d->payload, sizeof(d->payload), "%s", x->token);
		d->payload_verb = x->verb;
	}
}

static void on_payload(struct verdict_engine *eng, struct watched_proc *p,
		       const struct lw_payload_event *e)
{
	char token[LW_PAYLOAD_TOKEN_MAX + 2], dname[LW_PAYLOAD_NAME_MAX + 1];
	const struct reserved_suffix *sfx;
	struct payload_seen *x;
	struct verdict v;

	payload_token(e, token, sizeof(token));
	/* the kernel's match, checked with the whole policy (and its
	 * exceptions: an allowed name is no verdict) */
	sfx = policy_match_name(eng->policy, strchr(token, '@') ? strchr(token, '@') + 1 : token);
	if (!sfx || !addr_is_leak_target(eng, e->addr) ||
	    policy_name_allowed(eng->policy, strchr(token, '@') ? strchr(token, '@') + 1 : token))
		return;
	x = payload_find(eng, p, e, token);
	if (!x)
		return;
	x->count++;
	snprintf(x->suffix, sizeof(x->suffix), "%s", sfx->name);
	x->family = sfx->family;
	x->flags |= e->flags;
	if (payload_severity(eng, e->verb, e->port) > payload_severity(eng, x->verb, x->port))
		x->verb = e->verb;
	x->severity = payload_severity(eng, x->verb, x->port);
	memcpy(dname, e->dest_name, sizeof(e->dest_name));
	dname[sizeof(dname) - 1] = '\0';
	payload_dest(eng, p, x, dname);

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
	add_verdict(eng, p, &v);
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

int verdict_engine_handle(struct verdict_engine *eng, const void *data, size_t size)
{
	const struct lw_event_hdr *h = data;
	struct watched_proc *p;

	eng->stats.events++;
	if (size < sizeof(*h) || !event_size(h->type) || size < event_size(h->type) ||
	    h->size != event_size(h->type)) {
		eng->stats.bad_events++;
		return -EINVAL;
	}
	/* About a cgroup, not about its maker: no process record; its path
	 * goes to the cache. */
	if (h->type == LW_EV_CGROUP_MKDIR) {
		if (proctable_cgroup_event(&eng->procs, data)) {
			eng->stats.bad_events++;
			return -EINVAL;
		}
		return 0;
	}
	p = proctable_get(&eng->procs, h);
	if (!p)
		return -ENOMEM;
	switch (h->type) {
	case LW_EV_DNS_QUERY:
		on_query(eng, p, data);
		break;
	case LW_EV_DNS_RESPONSE:
		on_response(eng, p, data);
		break;
	case LW_EV_CONNECT:
		on_connect(eng, p, data);
		break;
	case LW_EV_LIBC_LOOKUP:
		on_libc(eng, p, data);
		break;
	case LW_EV_PAYLOAD:
		on_payload(eng, p, data);
		break;
	case LW_EV_EXIT:
		p->exited = true;
		p->exit_code = ((const struct lw_exit_event *)data)->exit_code;
		break;
	}
	return 0;
}

bool watched_proc_has_findings(const struct watched_proc *p)
{
	return p->n_names || p->n_verdicts || p->n_payloads;
}

uint8_t watched_proc_max_severity(const struct watched_proc *p)
{
	uint8_t max = SEV_NONE;
	size_t i;

	for (i = 0; i < p->n_verdicts; i++)
		if (p->verdicts[i].severity > max)
			max = p->verdicts[i].severity;
	return max;
}

struct watched_proc *verdict_engine_next_exited(struct verdict_engine *eng)
{
	return proctable_next_exited(&eng->procs);
}

struct watched_proc *verdict_engine_first(struct verdict_engine *eng)
{
	return proctable_first(&eng->procs);
}

struct watched_proc *verdict_engine_next(struct verdict_engine *eng, struct watched_proc *p)
{
	return proctable_next(&eng->procs, p);
}

void verdict_engine_release(struct verdict_engine *eng, struct watched_proc *p)
{
	proctable_release(&eng->procs, p);
}

size_t verdict_engine_sweep(struct verdict_engine *eng)
{
	return proctable_sweep(&eng->procs);
}
