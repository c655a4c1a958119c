/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types and constants shared by the BPF programs (bpf/) and the loader
 * (userspace/): map keys and values, the ring buffer wire format, the loss
 * counters. Fixed-width __u* types only: both vmlinux.h and <linux/types.h>
 * provide them. Every struct is laid out without implicit padding and its
 * size is pinned by a static assertion at the end of this file.
 *
 * Addresses are always 16 bytes: IPv4 is stored v4-mapped (::ffff:a.b.c.d),
 * so one key type serves both families in every map.
 */
#ifndef __LEAKWATCH_H
#define __LEAKWATCH_H

#ifndef __bpf__
#include <linux/types.h> /* BPF code gets the __u* types and bool from vmlinux.h */
#include <stdbool.h>
#endif

#define LW_COMM_LEN 16
#define LW_DNS_NAME_MAX 255   /* wire bytes of a DNS name, RFC 1035 */
#define LW_SUFFIX_MAX 64      /* wire bytes of a reserved suffix key */
#define LW_DNS_CAPTURE 512    /* DNS payload bytes copied per event */
#define LW_DNS_MAX_ANSWERS 16 /* answer RRs the kernel walks */
#define LW_DNS_MAX_LABELS 128 /* labels the kernel walks per name */
#define LW_DNS_PORT 53	      /* DNS, over UDP and TCP, for both halves */

/* Map sizes; the loader may override them from the config. */
#define LW_TAINT_ENTRIES 16384
#define LW_ANSWER_ENTRIES 16384
#define LW_PENDING_ENTRIES 8192
#define LW_LIBC_CALL_ENTRIES 4096 /* libc lookups in progress */
#define LW_SUFFIX_ENTRIES 1024
#define LW_WATCHED_ENTRIES 16384 /* run: processes watched at once */
#define LW_ADDRCLASS_ENTRIES 512
#define LW_RINGBUF_BYTES (4u << 20)

/* What a correct answer for a reserved suffix looks like (README, Configuration: the families). */
enum lw_family {
	LW_FAMILY_NONE = 0,
	LW_FAMILY_NXDOMAIN, /* no DNS answer is ever right */
	LW_FAMILY_LOOPBACK, /* 127/8 and ::1 only */
	LW_FAMILY_LOCAL,    /* site-local answers only */
	LW_FAMILY_IANA,	    /* example.com/net/org: real, IANA-run hosts */
	LW_FAMILY_FIXED,    /* ipv4only.arpa: 192.0.0.170/171 only */
	LW_FAMILY_DDR,	    /* resolver.arpa: global SVCB answers are fine */
	LW_FAMILY_MAX,
};

/* A query for these families opens a follow-on window by itself: the names
 * have no legitimate production use (README, Configuration: the families).
 * One rule for the kernel's taint and userspace's verdict. */
static inline bool lw_family_suspicious(__u8 family)
{
	return family == LW_FAMILY_NXDOMAIN || family == LW_FAMILY_IANA;
}

/* Value of the addr_class LPM trie, filled from the policy. */
enum lw_addr_kind {
	LW_ADDR_LOCAL = 0, /* not globally reachable */
	LW_ADDR_GLOBAL = 1,
	LW_ADDR_ALLOW = 2, /* policy `allow =`: never a leak */
};

/* Loss and anomaly counters, one per-CPU slot each (map `stats`). */
enum lw_stat {
	LW_STAT_RINGBUF_FULL = 0, /* event dropped: ring buffer full */
	LW_STAT_TAINT_FULL,	  /* taint map full: a process not tainted */
	LW_STAT_ANSWER_FULL,	  /* answer set full: an answer not kept */
	LW_STAT_PENDING_FULL,	  /* pending-query map full */
	LW_STAT_SKSTORAGE_FAIL,	  /* socket owner could not be stored */
	LW_STAT_DNS_TRUNCATED,	  /* payload longer than the capture */
	LW_STAT_DNS_MALFORMED,	  /* kernel parser gave up on a message */
	LW_STAT_DNS_UNSOLICITED,  /* response matching no query */
	LW_STAT_DNS_QUERIES,	  /* reserved queries seen */
	LW_STAT_DNS_RESPONSES,	  /* responses to reserved queries seen */
	LW_STAT_BLOCKED,	  /* connects/sends refused (--enforce) */
	LW_STAT_LIBC_LOOKUPS,	  /* reserved libc lookups seen */
	LW_STAT_WATCH_FULL,	  /* run: a process to watch found the map full */
	LW_STAT_PAYLOAD_SOCKETS,  /* --payload: client sockets marked for a scan */
	LW_STAT_PAYLOAD_TOKENS,	  /* --payload: reserved identities found */
	LW_STAT_MAX,
};
/* Counters that mean evidence was lost (summed into events_lost). */
#define LW_STAT_LOST_MASK                                                                          \
	((1u << LW_STAT_RINGBUF_FULL) | (1u << LW_STAT_TAINT_FULL) | (1u << LW_STAT_ANSWER_FULL) | \
	 (1u << LW_STAT_PENDING_FULL) | (1u << LW_STAT_SKSTORAGE_FAIL) |                           \
	 (1u << LW_STAT_WATCH_FULL))

/* Key of the reserved-suffix hash: lowercase wire form, zero padded. */
struct lw_suffix_key {
	__u8 name[LW_SUFFIX_MAX];
};

struct lw_suffix_val {
	__u8 family; /* enum lw_family */
	__u8 flags;  /* LW_SUFFIX_* */
	__u8 pad[2];
	__u32 id; /* index in the loader's policy table */
};

/* Mail addresses under it may be real people's (.internal, .local,
 * home.arpa, a site's own suffix): the payload scanner drops the local
 * part in the kernel (only "@host" leaves it). */
#define LW_SUFFIX_PRIVATE_LOCAL (1u << 0)

/* Key of the addr_class LPM trie (struct bpf_lpm_trie_key layout). */
struct lw_lpm_key {
	__u32 prefixlen; /* 0..128; IPv4 prefixes are 96 + len */
	__u8 addr[16];
};

/*
 * A process is identified by tgid and the leader's start time (ns since
 * boot), so that a reused pid never inherits the state of a dead process.
 */
struct lw_proc_id {
	__u32 tgid;
	__u32 pad;
	__u64 start_ns;
};

/* Value of the taint map, keyed by tgid (__u32). */
struct lw_taint {
	__u64 start_ns;	     /* identity check against pid reuse */
	__u64 first_ns;	     /* first reserved lookup */
	__u64 window_end_ns; /* follow-on window open until this time */
	__u32 lookups;	     /* reserved lookups seen */
	__u32 flags;	     /* LW_TAINT_* */
};
#define LW_TAINT_SUSPICIOUS (1u << 0) /* a window was opened at least once */

/* Value of the answer set, keyed by a 16-byte address. */
struct lw_answer {
	struct lw_proc_id owner; /* the process that asked */
	__u64 time_ns;
	__u32 suffix_id; /* which reserved suffix */
	__u8 family;
	__u8 pad[3];
};

/* Key of the pending-query map: a reserved query awaiting its response. */
struct lw_pending_key {
	__u64 cookie; /* socket cookie */
	__u16 dns_id;
	__u16 pad[3];
};

/*
 * The hot-path filter (bpf/filter.bpf.h), in .bss: one byte per slot, set
 * when a process is tainted or an address is answered, so that connect()
 * and sendmsg() of everybody else cost a byte load instead of two hash
 * lookups. A set byte only means "look in the map" (collisions, entries
 * gone since). Bytes, not bits: a byte store needs no atomic OR (5.12+).
 * Two copies: the kernel sets both and reads copy `active`; the loader
 * rebuilds the other from the maps, then flips `active`, so stale slots
 * of dead processes and aged-out answers do not pile up.
 */
#define LW_FILTER_BITS 16
#define LW_FILTER_SLOTS (1u << LW_FILTER_BITS)

struct lw_filter {
	__u8 taint[2][LW_FILTER_SLOTS];
	__u8 answer[2][LW_FILTER_SLOTS];
	__u32 active; /* 0 or 1 */
	__u32 pad;
};

/* Fibonacci hashing: the top bits of a multiplicative hash. */
static inline __u32 lw_filter_slot_tgid(__u32 tgid)
{
	return (tgid * 2654435761u) >> (32 - LW_FILTER_BITS);
}

static inline __u32 lw_filter_slot_addr(const __u8 addr[16])
{
	__u32 w[4];

	__builtin_memcpy(w, addr, 16);
	return ((w[0] ^ w[1] ^ w[2] ^ w[3]) * 2654435761u) >> (32 - LW_FILTER_BITS);
}

/* Owner of a socket, kept in sk_storage (ingress runs as the sender):
 * what an event header needs that only the owner's context can tell. */
struct lw_sock_owner {
	struct lw_proc_id id;
	__u32 uid;
	__u32 flags; /* LW_SOCK_* */
	char comm[LW_COMM_LEN];
	__u8 udp_dst[16]; /* connected UDP: destination awaiting data */
	__u16 udp_dport;
	__u16 pad;
	__u32 ns_tgid;	    /* as struct lw_event_hdr */
	__u64 cgroup_id;    /* as struct lw_event_hdr */
	__u64 cgroup_v1_id; /* as struct lw_event_hdr */
};
#define LW_SOCK_DNS (1u << 0)	      /* talks to port 53 */
#define LW_SOCK_UDP_PENDING (1u << 1) /* report udp_dst on first data */

/* A resolver call in progress in the C library, keyed by pid_tgid: what the
 * uretprobe needs that only the uprobe sees (the arguments). */
struct lw_libc_call {
	__u64 name;   /* const char *: the name asked */
	__u64 result; /* where the result goes (struct addrinfo **, hostent **) */
	__u64 sp;     /* stack pointer at entry: tells nested calls from stale ones */
	__u32 func;   /* enum lw_libc_func */
	__u32 depth;  /* nested resolver calls of the same thread (glibc and musl
		       * implement gethostbyname with gethostbyname_r) */
};

enum lw_libc_func {
	LW_LIBC_GETADDRINFO = 1,
	LW_LIBC_GETHOSTBYNAME,
	LW_LIBC_GETHOSTBYNAME2,
	LW_LIBC_GETHOSTBYNAME_R,
	LW_LIBC_GETHOSTBYNAME2_R,
	LW_LIBC_FUNC_MAX,
};

/* Ring buffer events. */
enum lw_event_type {
	LW_EV_DNS_QUERY = 1,
	LW_EV_DNS_RESPONSE,
	LW_EV_CONNECT,
	LW_EV_EXIT,
	LW_EV_LIBC_LOOKUP,
	LW_EV_CGROUP_MKDIR, /* struct lw_cgroup_event */
	LW_EV_WATCH,	    /* struct lw_watch_event (run) */
	LW_EV_PAYLOAD,	    /* struct lw_payload_event (--payload) */
};

/* Common header of every event. */
struct lw_event_hdr {
	__u32 type;    /* enum lw_event_type */
	__u32 size;    /* bytes of the whole event */
	__u64 time_ns; /* bpf_ktime_get_ns() */
	struct lw_proc_id proc;
	__u32 ppid;
	__u32 uid;
	__u64 cgroup_id; /* kernfs id of its cgroup v2; 0 if unknown */
	char comm[LW_COMM_LEN];
	__u32 ns_tgid; /* tgid in leakwatch's pid namespace; 0: not visible there */
	__u32 hdr_pad;
	__u64 cgroup_v1_id; /* kernfs id of its cgroup in the v1 hierarchy that has
			     * the memory controller; 0 if none */
};

/* DNS query (egress) or response (ingress) on port 53. */
struct lw_dns_event {
	struct lw_event_hdr hdr;
	__u8 peer[16]; /* resolver address (query dst, response src) */
	__u16 peer_port;
	__u16 dns_id;
	__u16 payload_len; /* bytes captured in payload[] */
	__u16 wire_len;	   /* DNS message bytes on the wire */
	__u32 suffix_id;   /* reserved suffix of the question, or ~0 */
	__u8 family;	   /* enum lw_family of that suffix */
	__u8 proto;	   /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 flags;	   /* LW_DNS_* */
	__u8 pad;
	__u8 payload[LW_DNS_CAPTURE];
};
#define LW_DNS_RESERVED (1u << 0)      /* question under a reserved suffix */
#define LW_DNS_TAINTED_OWNER (1u << 1) /* owner was tainted (any name) */
#define LW_DNS_SUSPICIOUS (1u << 2)    /* this message opened a window */
#define LW_DNS_KERNEL_GAVEUP (1u << 3) /* kernel parser stopped early */

/* A destination: TCP connect or UDP data, of a tainted process or to an
 * address in the answer set. */
struct lw_connect_event {
	struct lw_event_hdr hdr;
	__u8 addr[16];
	__u16 port; /* host order */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 flags; /* LW_CONN_* */
	__u32 pad;
	struct lw_answer answer; /* valid with LW_CONN_IN_ANSWERS */
};
#define LW_CONN_IN_ANSWERS (1u << 0) /* address in the reserved answer set */
#define LW_CONN_IN_WINDOW (1u << 1)  /* process inside a follow-on window */
#define LW_CONN_BLOCKED (1u << 2)    /* refused with EPERM (--enforce) */
#define LW_CONN_GLOBAL (1u << 3)     /* kernel classed the address global */

/* A tainted process ended. */
struct lw_exit_event {
	struct lw_event_hdr hdr;
	struct lw_taint taint;
	__u32 exit_code;
	__u32 pad;
};

/*
 * A name resolved through the C library (uretprobe on getaddrinfo() and the
 * gethostbyname() family): names answered by /etc/hosts, nss-resolve over
 * varlink or a DoT/DoH stub never reach port 53 as the asking process.
 * Sent for reserved names, and for ordinary names of a process inside a
 * follow-on window (to name its destinations).
 */
#define LW_LIBC_NAME_MAX 256 /* dotted text, NUL terminated */
#define LW_LIBC_MAX_ADDRS 16
struct lw_libc_event {
	struct lw_event_hdr hdr;
	char name[LW_LIBC_NAME_MAX];
	__u8 addrs[LW_LIBC_MAX_ADDRS][16]; /* distinct answers, v4-mapped */
	__u32 suffix_id;		   /* reserved suffix of the name, or ~0 */
	__u8 family;			   /* enum lw_family of that suffix */
	__u8 func;			   /* enum lw_libc_func */
	__u8 n_addrs;			   /* valid entries of addrs[] */
	__u8 flags;			   /* LW_DNS_* (RESERVED, SUSPICIOUS, ...) */
	__s32 ret;			   /* the call's return value (0: resolved) */
	__u32 pad;
};

/*
 * A cgroup was created, in the v2 hierarchy or the v1 one holding the
 * memory controller: the loader keeps id -> path, so a process's container
 * and pod outlive the process (its events carry only cgroup ids).
 */
#define LW_CGROUP_PATH_MAX 512
#define LW_CG_V2 1	  /* the default (v2) hierarchy */
#define LW_CG_V1_MEMORY 2 /* the v1 hierarchy holding the memory controller */
struct lw_cgroup_event {
	struct lw_event_hdr hdr; /* of the task that made the directory */
	__u64 id;		 /* kernfs id (== the directory's st_ino on 64-bit) */
	__u32 hierarchy_id;
	__u16 path_len; /* bytes of path[] used, without the NUL */
	__u8 kind;	/* LW_CG_* */
	__u8 pad;
	char path[LW_CGROUP_PATH_MAX]; /* from the hierarchy's root, NUL-terminated */
};

/*
 * run: what `watched` means. COMMAND and everything forked from a watched
 * process are watched wherever they go (LW_WATCH_LINEAGE); so are processes
 * moved into run's own cgroup from outside, and processes a container
 * engine's shim forks while the run lasts (a daemon-started container).
 */
enum lw_watch_kind {
	LW_WATCH_LINEAGE = 1, /* COMMAND or forked from a watched process */
	LW_WATCH_ENGINE,      /* forked by a container engine's shim */
	LW_WATCH_ENTERED,     /* moved into run's cgroup from outside */
	LW_WATCH_MOVED,	      /* a watched process moved to another cgroup: still watched */
	LW_WATCH_ESCAPED,     /* ... to one outside the hierarchy the hooks watch */
};

/* Value of the watched map, keyed by tgid. */
struct lw_watched {
	__u64 start_ns;
	__u32 kind; /* enum lw_watch_kind: how it came to be watched */
	__u32 pad;
};

/* run: a change of the watched set worth telling (not LINEAGE forks). */
struct lw_watch_event {
	struct lw_event_hdr hdr; /* the process concerned */
	__u64 cgroup_id;	 /* MOVED, ESCAPED, ENTERED: where it went */
	__u32 kind;		 /* enum lw_watch_kind */
	__u32 parent_tgid;	 /* ENGINE: the shim that forked it */
	char parent_comm[LW_COMM_LEN];
	char path[LW_CGROUP_PATH_MAX]; /* MOVED, ESCAPED, ENTERED: its new cgroup */
};

/*
 * --payload: reserved identities in what a watched process sends to a
 * global destination. connect4/6 mark a client TCP socket to a scanned
 * port (LW_PAYLOAD_PORTS) in sk_storage; cgroup_skb egress scans its
 * first segments (LW_PAYLOAD_SEGS segments, LW_PAYLOAD_BYTES bytes, until
 * STARTTLS) for host names under a reserved suffix. Only the matched
 * token, its suffix and a verb code chosen in the kernel leave it: never
 * the bytes around it (a password follows IMAP LOGIN's user name).
 */
#define LW_PAYLOAD_SEGS 8
#define LW_PAYLOAD_BYTES 2048
#define LW_PAYLOAD_LOCAL_MAX 64	 /* bytes of a mail address's local part */
#define LW_PAYLOAD_TOKEN_MAX 320 /* local part, '@', host name (<= 253) */
#define LW_PAYLOAD_NAME_MAX 256	 /* = LW_LIBC_NAME_MAX: a destination's name */

/* Key of payload_names: an address a process resolved an ordinary name to
 * (libc), to name a payload's destination. */
struct lw_payload_name_key {
	__u32 tgid;
	__u32 pad;
	__u8 addr[16];
};

enum lw_payload_mode {
	LW_PAYLOAD_OFF = 0,
	LW_PAYLOAD_CLEAR, /* cleartext mail ports and HTTP */
	LW_PAYLOAD_TLS,	  /* clear + the TLS libraries' plaintext */
};

/* Where in the protocol the token was: chosen in the kernel from the
 * line it is on (the line itself never leaves). */
enum lw_payload_verb {
	LW_VERB_NONE = 0,
	LW_VERB_SMTP_HELO,	/* HELO / EHLO */
	LW_VERB_SMTP_MAIL_FROM, /* MAIL FROM:<...> */
	LW_VERB_SMTP_RCPT_TO,	/* RCPT TO:<...> */
	LW_VERB_SMTP_DATA,	/* any other line: the message itself */
	LW_VERB_IMAP_LOGIN,	/* TAG LOGIN user ... */
	LW_VERB_IMAP_AUTHENTICATE,
	LW_VERB_IMAP_OTHER,
	LW_VERB_POP_USER,
	LW_VERB_POP_OTHER,
	LW_VERB_HTTP_REQUEST, /* the request line (URL, query string) */
	LW_VERB_HTTP_HOST,    /* Host: */
	LW_VERB_HTTP_HEADER,  /* another header (never Authorization, Cookie) */
	LW_VERB_HTTP_BODY,
	LW_VERB_MAX,
};

/* A client socket marked for a scan (sk_storage `payload_socks`). */
struct lw_payload_sock {
	struct lw_sock_owner owner; /* who connected */
	__u8 dst[16];
	__u16 dport;
	__u8 segs;	/* data segments scanned */
	__u8 flags;	/* LW_PSOCK_* */
	__u32 bytes;	/* bytes scanned */
	__u32 next_seq; /* TCP sequence after the last byte scanned */
	__u32 pad;
	__u64 cookie; /* socket cookie */
};
#define LW_PSOCK_DONE (1u << 0)	     /* cap reached, STARTTLS, or TLS on the port */
#define LW_PSOCK_SEQ_VALID (1u << 1) /* next_seq holds a value */

struct lw_payload_event {
	struct lw_event_hdr hdr; /* of the socket's owner */
	__u8 addr[16];		 /* the destination */
	__u16 port;
	__u8 verb;  /* enum lw_payload_verb */
	__u8 flags; /* LW_PAYLOAD_* */
	__u32 suffix_id;
	__u64 cookie; /* socket cookie: one socket's tokens are counted together */
	__u8 family;
	__u8 seg;	 /* which data segment of the socket (0-based) */
	__u16 token_len; /* bytes of token[] */
	__u32 pad;
	char token[LW_PAYLOAD_TOKEN_MAX];    /* local@host or host; NUL padded */
	char dest_name[LW_PAYLOAD_NAME_MAX]; /* the ordinary name the process resolved
					      * the destination from (libc), or "" */
};
#define LW_PAYLOAD_TLS_PLAIN (1u << 0)	   /* TLS plaintext (a library probe) */
#define LW_PAYLOAD_LOCAL_DROPPED (1u << 1) /* the local part was withheld */
#define LW_PAYLOAD_MAIL (1u << 2)	   /* a user@host address, not a bare name */
#define LW_PAYLOAD_ATTR_WINDOW                                                                     \
	(1u << 3) /* TLS: tied to the process's last connect
					  * (no sock_send_length: kernels < 6.3) */

/*
 * --payload tls: a TLS library's plaintext (uprobe on SSL_write & co.) is
 * scanned in the writing thread; its tokens wait here (keyed by pid_tgid)
 * for that thread's next send (tp_btf/sock_send_length, 6.3+), which
 * names the socket and its destination.
 */
#define LW_TLS_PENDING_TOKENS 4
struct lw_tls_pending {
	__u32 n; /* valid entries of ev[] */
	__u32 pad;
	__u64 time_ns;
	struct lw_payload_event ev[LW_TLS_PENDING_TOKENS]; /* headers filled at the send */
};

/* Below 6.3: a watched process's last TCP connect to a global address,
 * keyed by tgid (the time-window fallback). */
struct lw_tls_dst {
	__u8 addr[16];
	__u16 port;
	__u16 pad;
	__u32 pad2;
	__u64 time_ns;
	__u64 cookie;
};
#define LW_TLS_WINDOW_NS (10ull * 1000000000ull)

/* The BPF and userspace compilers must agree on these layouts. */
#define LW_ASSERT_SIZE(type, n) _Static_assert(sizeof(type) == (n), #type " layout changed")
LW_ASSERT_SIZE(struct lw_suffix_key, 64);
LW_ASSERT_SIZE(struct lw_suffix_val, 8);
LW_ASSERT_SIZE(struct lw_lpm_key, 20);
LW_ASSERT_SIZE(struct lw_proc_id, 16);
LW_ASSERT_SIZE(struct lw_taint, 32);
LW_ASSERT_SIZE(struct lw_answer, 32);
LW_ASSERT_SIZE(struct lw_pending_key, 16);
LW_ASSERT_SIZE(struct lw_sock_owner, 80);
LW_ASSERT_SIZE(struct lw_event_hdr, 80);
LW_ASSERT_SIZE(struct lw_dns_event, 80 + 32 + LW_DNS_CAPTURE);
LW_ASSERT_SIZE(struct lw_connect_event, 80 + 24 + 32);
LW_ASSERT_SIZE(struct lw_exit_event, 80 + 32 + 8);
LW_ASSERT_SIZE(struct lw_libc_call, 32);
LW_ASSERT_SIZE(struct lw_filter, 4 * LW_FILTER_SLOTS + 8);
LW_ASSERT_SIZE(struct lw_libc_event, 80 + 256 + 256 + 16);
LW_ASSERT_SIZE(struct lw_cgroup_event, 80 + 16 + LW_CGROUP_PATH_MAX);
LW_ASSERT_SIZE(struct lw_watched, 16);
LW_ASSERT_SIZE(struct lw_watch_event, 80 + 32 + LW_CGROUP_PATH_MAX);
LW_ASSERT_SIZE(struct lw_payload_sock, 80 + 40);
LW_ASSERT_SIZE(struct lw_payload_event, 80 + 40 + LW_PAYLOAD_TOKEN_MAX + LW_PAYLOAD_NAME_MAX);
LW_ASSERT_SIZE(struct lw_tls_pending, 16 + LW_TLS_PENDING_TOKENS * sizeof(struct lw_payload_event));
LW_ASSERT_SIZE(struct lw_payload_name_key, 24);
LW_ASSERT_SIZE(struct lw_tls_dst, 40);

#endif /* __LEAKWATCH_H */
