/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The process table and the verdict engine. Events from the kernel are
 * folded into one record per process (tgid + start time): the reserved
 * names it looked up, where its traffic went, and the verdicts (the kinds
 * README describes). Reporters read these records; nothing here writes output.
 */
#ifndef __LW_TRACKER_H
#define __LW_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"
#include "leakwatch.h"
#include "policy.h"
#include "proc.h"

#define TNAME_MAX_ANSWERS 16
#define TNAME_MAX_TARGETS 4 /* MX exchanges and SRV targets kept per name */
/* Processes tracked at once: bounds memory (the kernel's taint map holds
 * 16384 by default; a few more for untainted direct-leak processes). */
#define TRACKER_MAX_PROCS 32768
#define TVERDICT_MAX_CLIENTS 4

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
struct tname {
	char *text;	/* presentation form, escaped (heap) */
	bool malformed; /* needed escaping, or did not parse */
	char *suffix;	/* the reserved suffix matched (heap) */
	uint8_t family;
	uint16_t qtype;
	char resolver[ADDR_STRLEN]; /* "127.0.0.1:53" */
	uint8_t (*answers)[16];	    /* heap, at most TNAME_MAX_ANSWERS */
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
	char *targets[TNAME_MAX_TARGETS];
	size_t n_targets;
};

/* One entry of destinations[]: traffic to address:port/proto. */
struct tdest {
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
struct tpayload {
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
struct tclient {
	uint32_t pid;
	char comm[LW_COMM_LEN + 1];
};

struct tverdict {
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
	struct tclient clients[TVERDICT_MAX_CLIENTS];
	uint8_t n_clients;
};

/* A resolved ordinary name, to name a follow-on destination. */
struct tresolved {
	uint8_t addr[16];
	char name[DNS_TEXT_MAX];
};

/* What /proc said of a process, kept compact (struct proc_info reserves
 * 12 KiB for the longest paths; most processes need a few hundred bytes). */
struct tproc_info {
	uint32_t uid;
	pid_t ppid;
	char comm[LW_COMM_LEN + 1];
	char *exe;
	char *cmdline; /* NUL-separated arguments */
	size_t cmdline_len;
	char *cgroup;
	char cgroup_source[PROC_SOURCE_MAX]; /* "v2", "v1:...", "kernel"; "" unknown */
	char container_id[65];
	char runtime[16];
	char pod_uid[37];
	char qos[16];
	char *container_name;  /* from the engine's state (heap), or NULL */
	char *container_image; /* the image as the user named it (heap), or NULL */
};

struct tproc {
	uint32_t tgid; /* as the kernel reports it (the initial pid namespace) */
	uint64_t start_ns;
	uint32_t ns_pid;    /* the pid in leakwatch's pid namespace; 0: not visible */
	bool outside_pidns; /* not visible there: /proc was not read */
	uint32_t ppid, uid;
	char comm[LW_COMM_LEN + 1];
	struct tproc_info info; /* from /proc, read at the first event */
	bool info_read;		/* info came from /proc; else only the identity
				 * fields may be set, from the kernel's cgroup ids */
	struct tname *names;
	size_t n_names, cap_names;
	struct tdest *dests;
	size_t n_dests, cap_dests;
	struct tverdict *verdicts;
	size_t n_verdicts, cap_verdicts;
	struct tresolved *resolved;
	size_t n_resolved, cap_resolved;
	struct tpayload *payloads;
	size_t n_payloads, cap_payloads;
	char *window_name; /* the reserved name that opened the window (heap) */
	uint8_t window_family;
	uint64_t window_ns;  /* the last suspicious lookup of a name not allowed */
	bool allowed_window; /* an allowed name would have opened a window too */
	bool exited;
	int exit_code;
	struct tproc *next;
};

struct tracker;

/* Called for every new verdict as it is made (daemon `event` lines). */
typedef void (*tracker_verdict_fn)(void *ctx, const struct tproc *p, const struct tverdict *v);

struct tracker_stats {
	uint64_t events;
	uint64_t bad_events;	      /* wrong size or type from the ring buffer */
	uint64_t dns_unparsed;	      /* payloads the full parser refused */
	uint64_t dns_malformed_names; /* names shown escaped */
	uint64_t oom;		      /* records not kept for lack of memory */
	uint64_t table_full;	      /* events of processes over TRACKER_MAX_PROCS */
	uint64_t cgroup_unresolved;   /* processes gone before /proc was read whose
				       * cgroup ids named no known cgroup */
};

struct tracker *tracker_new(const struct policy *p, tracker_verdict_fn fn, void *ctx);
void tracker_free(struct tracker *t);
void tracker_set_policy(struct tracker *t, const struct policy *p);

/* Fold one ring buffer sample in. 0, or -EINVAL for a malformed sample
 * (counted in stats.bad_events). */
int tracker_handle(struct tracker *t, const void *data, size_t size);

/* Processes that ended (and have something to report), oldest first;
 * the caller reports each then calls tracker_release(). */
struct tproc *tracker_next_exited(struct tracker *t);
/* Every process still tracked, exited or not (shutdown, SIGUSR1). */
struct tproc *tracker_first(struct tracker *t);
struct tproc *tracker_next(struct tracker *t, struct tproc *p);
void tracker_release(struct tracker *t, struct tproc *p);
/* Processes that ended without an exit event (untainted ones have none,
 * or the event was lost): marked exited, so the next tracker_next_exited()
 * reports and releases them. Returns how many. */
size_t tracker_sweep(struct tracker *t);

/* The pid to show: in leakwatch's pid namespace when the process is
 * visible there, else the kernel's. */
static inline uint32_t tproc_pid(const struct tproc *p)
{
	return p->ns_pid ? p->ns_pid : p->tgid;
}

bool tproc_has_findings(const struct tproc *p);
/* The highest verdict severity of a process (SEV_NONE when clean). */
uint8_t tproc_max_severity(const struct tproc *p);
const struct tracker_stats *tracker_stats(const struct tracker *t);

const char *verdict_kind_name(uint8_t kind);
/* "IMAP LOGIN", "SMTP MAIL FROM", ... for enum lw_payload_verb (payload.c). */
const char *payload_verb_name(uint8_t verb);
/* Does the verb carry credentials or mail (severity high)? */
bool payload_verb_is_mail(uint8_t verb);
/* enum lw_payload_mode from "off"/"clear"/"tls", or -EINVAL. */
int payload_mode_parse(const char *s);
const char *payload_mode_name(uint8_t mode);
/* "getaddrinfo", "gethostbyname", ... for enum lw_libc_func; NULL else. */
const char *libc_func_name(uint8_t func);
const char *severity_name(uint8_t sev);
/* enum severity from "low"/"medium"/"high"/"none", or -EINVAL. */
int severity_parse(const char *s);

#endif /* __LW_TRACKER_H */
