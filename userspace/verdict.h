/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The verdict engine. Events from the kernel are folded into the record of
 * their process (proctable.h): the reserved names it looked up, where its
 * traffic went, and the verdicts (the kinds README describes). Reporters
 * read these records; nothing here writes output.
 */
#ifndef __LW_VERDICT_H
#define __LW_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"
#include "leakwatch.h"
#include "policy.h"
#include "proc.h"
#include "proctable.h"

#define LOOKUP_MAX_ANSWERS 16
#define LOOKUP_MAX_TARGETS 4 /* MX exchanges and SRV targets kept per name */
#define VERDICT_MAX_CLIENTS 4

enum verdict_kind {
	VERDICT_NONE = 0,
	VERDICT_DIRECT,
	VERDICT_RESOLVER,
	VERDICT_FOLLOW_ON,
	VERDICT_ANSWER,
	VERDICT_PAYLOAD, /* a reserved identity sent to a global destination */
};
#define VERDICT_KIND_MAX VERDICT_PAYLOAD

enum severity {
	SEV_NONE = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
};

/* One entry of a report's names[]: a reserved name and query type. */
struct lookup {
	char *text;	/* presentation form, escaped (heap) */
	bool malformed; /* needed escaping, or did not parse */
	char *suffix;	/* the reserved suffix matched (heap) */
	uint8_t family;
	uint16_t qtype;
	char resolver[ADDR_STRLEN]; /* "127.0.0.1:53" */
	uint8_t (*answers)[16];	    /* heap, at most LOOKUP_MAX_ANSWERS */
	size_t n_answers, cap_answers;
	int rcode;	    /* -1 until a response was seen */
	unsigned int count; /* queries (libc: calls) */
	bool libc;	    /* source: the C library, not DNS on the wire */
	uint8_t func;	    /* libc: enum lw_libc_func of the first call */
	int libc_ret;	    /* libc: the last call's return value */
	bool allowed;	    /* under an `allow-name`: gives no verdict */
	/* MX exchanges / SRV targets the answers named (heap), "host" or
	 * "host:port" for SRV; a process that resolves one and connects to
	 * its address is treated as connecting to an answer of this name */
	char *targets[LOOKUP_MAX_TARGETS];
	size_t n_targets;
};

/* One entry of destinations[]: traffic to address:port/proto. */
struct destination {
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	unsigned int count;
	bool global;
	char name[DNS_TEXT_MAX]; /* the ordinary name it came from, or "" */
	uint8_t verdict;	 /* enum verdict_kind */
	uint8_t severity;
	char via[DNS_TEXT_MAX]; /* the reserved name behind it, or "" */
	bool blocked;
	uint32_t asked_by_pid; /* direct: another process asked, or 0 */
	char asked_by_comm[LW_COMM_LEN + 1];
	char payload[LW_PAYLOAD_TOKEN_MAX + 2]; /* a reserved identity it received, or "" */
	uint8_t payload_verb;			/* enum lw_payload_verb of that one */
};

/* One entry of payloads[]: a reserved identity a socket sent (--payload),
 * once per socket and token. */
struct payload_seen {
	uint8_t addr[16];
	uint16_t port;
	uint64_t cookie;		      /* the socket */
	char token[LW_PAYLOAD_TOKEN_MAX + 2]; /* local@host, @host (withheld) or host */
	char suffix[LW_DNS_NAME_MAX + 1];
	uint8_t family;
	uint8_t verb;  /* enum lw_payload_verb: the most telling seen */
	uint8_t flags; /* LW_PAYLOAD_* */
	uint8_t severity;
	unsigned int count;
};

/* A process whose own lookup of a name a stub then sent upstream. */
struct stub_client {
	uint32_t pid;
	char comm[LW_COMM_LEN + 1];
};

struct verdict {
	uint8_t kind; /* enum verdict_kind */
	uint8_t severity;
	char name[DNS_TEXT_MAX];
	uint8_t addr[16];
	bool has_addr;
	uint16_t port;
	uint8_t proto;
	bool blocked;
	char target[300]; /* answer: the MX exchange or SRV target (host:port) it names */
	uint8_t verb;	  /* payload: enum lw_payload_verb */
	uint8_t pflags;	  /* payload: LW_PAYLOAD_* */
	/* resolver: processes that looked the name up shortly before this one
	 * (a local stub forwarding) sent it upstream */
	struct stub_client clients[VERDICT_MAX_CLIENTS];
	uint8_t n_clients;
};

/* A resolved ordinary name, to name a follow-on destination. */
struct resolved_addr {
	uint8_t addr[16];
	char name[DNS_TEXT_MAX];
};

struct verdict_engine;

/* Called for every new verdict as it is made (daemon `event` lines). */
typedef void (*verdict_fn)(void *ctx, const struct watched_proc *p, const struct verdict *v);

struct verdict_stats {
	uint64_t events;
	uint64_t bad_events;	      /* wrong size or type from the ring buffer */
	uint64_t dns_unparsed;	      /* payloads the full parser refused */
	uint64_t dns_malformed_names; /* names shown escaped */
	uint64_t oom;		      /* findings not kept for lack of memory */
	struct proctable_stats procs; /* the process table's */
};

/* Everything not kept for lack of memory: findings and process records. */
static inline uint64_t verdict_stats_oom(const struct verdict_stats *s)
{
	return s->oom + s->procs.oom;
}

struct verdict_engine *verdict_engine_new(const struct policy *p, verdict_fn fn, void *ctx);
void verdict_engine_free(struct verdict_engine *e);
void verdict_engine_set_policy(struct verdict_engine *e, const struct policy *p);

/* Fold one ring buffer sample in. 0, or -EINVAL for a malformed sample
 * (counted in stats.bad_events). */
int verdict_engine_handle(struct verdict_engine *e, const void *data, size_t size);

/* Processes that ended (and have something to report), oldest first;
 * the caller reports each then calls verdict_engine_release(). */
struct watched_proc *verdict_engine_next_exited(struct verdict_engine *e);
/* Every process still tracked, exited or not (shutdown, SIGUSR1). */
struct watched_proc *verdict_engine_first(struct verdict_engine *e);
struct watched_proc *verdict_engine_next(struct verdict_engine *e, struct watched_proc *p);
void verdict_engine_release(struct verdict_engine *e, struct watched_proc *p);
/* Processes that ended without an exit event (untainted ones have none,
 * or the event was lost): marked exited, so the next
 * verdict_engine_next_exited() reports and releases them. Returns how many. */
size_t verdict_engine_sweep(struct verdict_engine *e);
const struct verdict_stats *verdict_engine_stats(const struct verdict_engine *e);

bool watched_proc_has_findings(const struct watched_proc *p);
/* The highest verdict severity of a process (SEV_NONE when clean). */
uint8_t watched_proc_max_severity(const struct watched_proc *p);

const char *verdict_kind_name(uint8_t kind);
const char *severity_name(uint8_t sev);
/* enum severity from "low"/"medium"/"high"/"none", or -EINVAL. */
int severity_parse(const char *s);

/* "IMAP LOGIN", "SMTP MAIL FROM", ... for enum lw_payload_verb (payload.c). */
const char *payload_verb_name(uint8_t verb);
/* Does the verb carry credentials or mail (severity high)? */
bool payload_verb_is_mail(uint8_t verb);
/* enum lw_payload_mode from "off"/"clear"/"tls", or -EINVAL. */
int payload_mode_parse(const char *s);
const char *payload_mode_name(uint8_t mode);

#endif /* __LW_VERDICT_H */
