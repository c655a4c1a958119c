// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The payload scanner (payload.bpf.h), as global functions: each is
 * verified once with unknown arguments, takes scalars, finds the segment
 * in payload_scratch[slot] and returns a scalar. Every loop is bounded
 * and every index masked. One helper call per byte blows up the
 * verifier; the byte classes come from a table, the '.'s from word
 * arithmetic, so a loop body is a load and a branch.
 *
 * Privacy: the only bytes copied out of the segment are the token's (a
 * host name under a reserved suffix, with its mail local part unless
 * the suffix withholds it). The line a token is on decides the verb
 * here; tokens on lines that carry secrets (Authorization, Cookie, POP
 * PASS, SMTP AUTH) or in the password position of IMAP LOGIN are not
 * emitted at all.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "payload.bpf.h"

/* The loader sets it when the kernel has tp_btf/sock_send_length (6.3). */
const volatile bool cfg_tls_send_length = false;

/* Called from this file: without noinline clang would inline them, and
 * the verifier would walk each again at every call site. */
#define __noinline __attribute__((noinline))

#define PL_HOST 1  /* a host-name byte: letter, digit, '-', '.' */
#define PL_LOCAL 2 /* a mail local-part byte: those and '_', '+' */
#define PL_MAX_CANDIDATES 32
#define PL_HOST_MAX 253
#define PL_LINE_BACK 256 /* bytes looked back for a line's start */

static const __u8 pl_cls[256] = {
	['-'] = PL_HOST | PL_LOCAL,
	['.'] = PL_HOST | PL_LOCAL,
	['0' ... '9'] = PL_HOST | PL_LOCAL,
	['A' ... 'Z'] = PL_HOST | PL_LOCAL,
	['a' ... 'z'] = PL_HOST | PL_LOCAL,
	['_'] = PL_LOCAL,
	['+'] = PL_LOCAL,
};

static __always_inline struct pl_scratch *pl_get(__u32 slot)
{
	return bpf_map_lookup_elem(&payload_scratch, &slot);
}

/* Eight bytes from off, upper-cased, zero past len; no branch per byte. */
static __always_inline __u64 pl_word(const struct pl_scratch *s, __u32 off, __u32 len)
{
	__u64 w = 0, h, lower;
	__u32 i, n;

	for (i = 0; i < 8; i++)
		w |= (__u64)s->buf[(off + i) & PL_MASK] << (i * 8);
	n = off < len ? len - off : 0;
	if (n < 8)
		w &= (1ull << (n * 8)) - 1;
	/* SWAR: the bytes in 'a'..'z' lose their 0x20 */
	h = w & 0x7f7f7f7f7f7f7f7full;
	lower = ~w & 0x8080808080808080ull &
		((h + 0x1f1f1f1f1f1f1f1full) ^ (h + 0x0505050505050505ull));
	return w & ~(lower >> 2);
}

/* Does w start with the n bytes of lit (upper case)? */
static __always_inline bool pl_is(__u64 w, const char *lit, int n)
{
	__u64 k = 0;

	__builtin_memcpy(&k, lit, n);
	return n >= 8 ? w == k : (w & ((1ull << (n * 8)) - 1)) == k;
}
#define PL_IS(w, lit) pl_is(w, lit, sizeof(lit) - 1)

#define PL_DOTS 0x2e2e2e2e2e2e2e2eull
#define PL_HAS_ZERO(x) (((x)-0x0101010101010101ull) & ~(x)&0x8080808080808080ull)

/* The first '.' at or after from and before len, or -1. */
__noinline int pl_next_dot(__u32 slot, __u32 from, __u32 len)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 i, base = from & ~7u, pos;
	__u64 x, m;

	if (!s || base >= len)
		return -1;
	/* a zero byte of x is a '.'; the bytes before from are made
	 * non-zero (no borrow comes from them into the test below) */
	x = s->w[(base >> 3) & (PL_MASK >> 3)] ^ PL_DOTS;
	x |= (1ull << ((from & 7) * 8)) - 1;
	m = PL_HAS_ZERO(x);
	for (i = 0; i < LW_PAYLOAD_BYTES / 8 && !m; i++) {
		base += 8;
		if (base >= len)
			return -1;
		x = s->w[(base >> 3) & (PL_MASK >> 3)] ^ PL_DOTS;
		m = PL_HAS_ZERO(x);
	}
	if (!m)
		return -1;
	/* the lowest flagged byte is the first '.' (little-endian) */
	pos = base;
	if (!(m & 0xffffffffull)) {
		m >>= 32;
		pos += 4;
	}
	if (!(m & 0xffffull)) {
		m >>= 16;
		pos += 2;
	}
	if (!(m & 0xffull))
		pos += 1;
	return pos < len ? (int)pos : -1;
}

/* The start of the run of class-cls bytes that ends at pos (exclusive),
 * at most max bytes back. */
__noinline int pl_scan_back(__u32 slot, __u32 pos, __u32 max, __u32 cls)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 i;

	if (!s)
		return pos;
	for (i = 0; i < PL_LINE_BACK; i++) {
		if (i >= max || pos == 0)
			break;
		if (!(pl_cls[s->buf[(pos - 1) & PL_MASK]] & cls))
			break;
		pos--;
	}
	return pos;
}

/* The end (exclusive) of the run of host-name bytes from pos. */
__noinline int pl_scan_fwd(__u32 slot, __u32 pos, __u32 len)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 i;

	if (!s)
		return pos;
	for (i = 0; i < PL_HOST_MAX + 2; i++) {
		if (pos >= len)
			break;
		if (!(pl_cls[s->buf[pos & PL_MASK]] & PL_HOST))
			break;
		pos++;
	}
	return pos;
}

/* Where the line holding pos starts (after a '\n', or the segment's
 * start), or -1 when it starts more than PL_LINE_BACK bytes back. */
__noinline int pl_line_start(__u32 slot, __u32 pos)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 i;

	if (!s)
		return -1;
	for (i = 0; i < PL_LINE_BACK; i++) {
		if (pos == 0)
			return 0;
		if (s->buf[(pos - 1) & PL_MASK] == '\n')
			return pos;
		pos--;
	}
	return -1;
}

/* The first byte after the first space of the line at ls (an IMAP tag),
 * within 32 bytes; -1 without one. */
__noinline int pl_after_tag(__u32 slot, __u32 ls, __u32 len)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 i;

	if (!s)
		return -1;
	for (i = 0; i < 32; i++) {
		__u8 c;

		if (ls + i >= len)
			return -1;
		c = s->buf[(ls + i) & PL_MASK];
		if (c == ' ')
			return ls + i + 1;
		if (c == '\r' || c == '\n')
			return -1;
	}
	return -1;
}

/* Is the line at ls an HTTP header ("Name:", a token of letters, digits
 * and '-')? */
__noinline int pl_header_like(__u32 slot, __u32 ls, __u32 len)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 i;

	if (!s)
		return 0;
	for (i = 0; i < 40; i++) {
		__u8 c;

		if (ls + i >= len)
			return 0;
		c = s->buf[(ls + i) & PL_MASK];
		if (c == ':')
			return i > 0;
		if (c == '.' || !(pl_cls[c] & PL_HOST))
			return 0;
	}
	return 0;
}

/* Result of pl_verb(): the verb, and where a LOGIN/USER argument starts. */
#define PL_VERB(v, arg) ((long)(v) | ((long)(arg) << 8))
#define PL_DROP (-1)

static __always_inline long pl_verb_smtp(__u64 w)
{
	if (PL_IS(w, "HELO ") || PL_IS(w, "EHLO "))
		return LW_VERB_SMTP_HELO;
	if (PL_IS(w, "MAIL FRO"))
		return LW_VERB_SMTP_MAIL_FROM;
	if (PL_IS(w, "RCPT TO:"))
		return LW_VERB_SMTP_RCPT_TO;
	if (PL_IS(w, "AUTH "))
		return PL_DROP; /* credentials */
	return LW_VERB_SMTP_DATA;
}

static __always_inline long pl_verb_pop(__u64 w, __u32 ls)
{
	if (PL_IS(w, "USER ") || PL_IS(w, "APOP "))
		return PL_VERB(LW_VERB_POP_USER, ls + 5);
	if (PL_IS(w, "PASS ") || PL_IS(w, "AUTH "))
		return PL_DROP;
	return LW_VERB_POP_OTHER;
}

static __always_inline long pl_verb_http(__u32 slot, __u64 w, __u32 ls, __u32 len)
{
	if (PL_IS(w, "GET ") || PL_IS(w, "POST ") || PL_IS(w, "PUT ") || PL_IS(w, "HEAD ") ||
	    PL_IS(w, "DELETE ") || PL_IS(w, "PATCH ") || PL_IS(w, "OPTIONS "))
		return LW_VERB_HTTP_REQUEST;
	if (PL_IS(w, "HOST:"))
		return LW_VERB_HTTP_HOST;
	if (PL_IS(w, "AUTHORIZ") || PL_IS(w, "COOKIE:") || PL_IS(w, "PROXY-AU") ||
	    PL_IS(w, "SET-COOK"))
		return PL_DROP;
	return pl_header_like(slot, ls, len) ? LW_VERB_HTTP_HEADER : LW_VERB_HTTP_BODY;
}

/* A TLS library's plaintext: the protocol is not known from the port, so
 * from the line itself; what carries secrets is dropped whatever it is. */
static __always_inline long pl_verb_tls(__u32 slot, const struct pl_scratch *s, __u64 w, __u32 ls,
					__u32 len)
{
	long v = pl_verb_http(slot, w, ls, len);
	int cmd;

	if (v < 0 || v == LW_VERB_HTTP_REQUEST || v == LW_VERB_HTTP_HOST)
		return v;
	if (PL_IS(w, "HELO ") || PL_IS(w, "EHLO ") || PL_IS(w, "MAIL FRO") ||
	    PL_IS(w, "RCPT TO:") || PL_IS(w, "AUTH "))
		return pl_verb_smtp(w);
	if (PL_IS(w, "USER ") || PL_IS(w, "APOP ") || PL_IS(w, "PASS "))
		return pl_verb_pop(w, ls);
	cmd = pl_after_tag(slot, ls, len);
	if (cmd >= 0) {
		w = pl_word(s, cmd, len);
		if (PL_IS(w, "LOGIN "))
			return PL_VERB(LW_VERB_IMAP_LOGIN, cmd + 6);
		if (PL_IS(w, "AUTHENTI"))
			return LW_VERB_IMAP_AUTHENTICATE;
	}
	return v == LW_VERB_HTTP_HEADER ? v : LW_VERB_NONE;
}

/* The verb of the line holding the token that starts at tok. */
__noinline long pl_verb(__u32 slot, __u32 tok, __u32 len, __u32 pclass)
{
	struct pl_scratch *s = pl_get(slot);
	int ls = pl_line_start(slot, tok), cmd;
	__u64 w;

	if (!s)
		return PL_DROP;
	if (ls < 0) /* a long line: the message or body, not a command */
		return pclass == PL_SMTP ? LW_VERB_SMTP_DATA :
		       pclass == PL_IMAP ? LW_VERB_IMAP_OTHER :
		       pclass == PL_POP	 ? LW_VERB_POP_OTHER :
		       pclass == PL_TLS	 ? LW_VERB_NONE :
					   LW_VERB_HTTP_BODY;
	w = pl_word(s, ls, len);
	switch (pclass) {
	case PL_SMTP:
		return pl_verb_smtp(w);
	case PL_POP:
		return pl_verb_pop(w, ls);
	case PL_HTTP:
		return pl_verb_http(slot, w, ls, len);
	case PL_IMAP:
		cmd = pl_after_tag(slot, ls, len);
		if (cmd < 0)
			return LW_VERB_IMAP_OTHER;
		w = pl_word(s, cmd, len);
		if (PL_IS(w, "LOGIN "))
			return PL_VERB(LW_VERB_IMAP_LOGIN, cmd + 6);
		if (PL_IS(w, "AUTHENTI"))
			return LW_VERB_IMAP_AUTHENTICATE;
		return LW_VERB_IMAP_OTHER;
	case PL_TLS:
		return pl_verb_tls(slot, s, w, ls, len);
	default:
		return PL_DROP;
	}
}

/* Does the segment start with STARTTLS (SMTP, IMAP after its tag) or
 * STLS (POP)? The rest of the socket is TLS then. */
__noinline int pl_starttls(__u32 slot, __u32 len, __u32 pclass)
{
	struct pl_scratch *s = pl_get(slot);
	int cmd;

	if (!s)
		return 0;
	if (pclass == PL_SMTP)
		return PL_IS(pl_word(s, 0, len), "STARTTLS");
	if (pclass == PL_POP)
		return PL_IS(pl_word(s, 0, len), "STLS");
	if (pclass != PL_IMAP)
		return 0;
	cmd = pl_after_tag(slot, 0, len);
	return cmd >= 0 && PL_IS(pl_word(s, cmd, len), "STARTTLS");
}

/* Copy n bytes of the segment from off to the DNS scratch slot's msg[],
 * for dns_text_to_wire(). */
__noinline int pl_copy_name(__u32 slot, __u32 off, __u32 n, __u32 dslot)
{
	struct pl_scratch *s = pl_get(slot);
	struct lw_scratch *d = bpf_map_lookup_elem(&scratch, &dslot);
	__u32 i;

	if (!s || !d)
		return -1;
	for (i = 0; i < PL_HOST_MAX; i++) {
		if (i >= n)
			break;
		d->msg[i & MSG_MASK] = s->buf[(off + i) & PL_MASK];
	}
	return 0;
}

/*
 * The event: the token's bytes [start, end) lower-cased, nothing else of
 * the segment. start is the local part's when it is sent, else the host
 * name's; verb_flags is the verb | LW_PAYLOAD_* flags << 8 (five
 * arguments at most).
 */
static __always_inline void pl_fill(const struct pl_scratch *s, struct lw_payload_event *e,
				    __u32 start, __u32 end, __u32 verb_flags, __u64 hit)
{
	__u32 i;

	proc_fill_hdr_owner(&e->hdr, LW_EV_PAYLOAD, sizeof(*e), &s->sock.owner);
	__builtin_memcpy(e->addr, s->sock.dst, 16);
	e->port = s->sock.dport;
	e->verb = verb_flags & 0xff;
	e->flags = (verb_flags >> 8) & 0xff;
	e->suffix_id = (__u32)hit;
	e->cookie = s->sock.cookie;
	e->family = (__u8)(hit >> 32);
	e->seg = s->seg;
	e->token_len = 0;
	e->pad = 0;
	__builtin_memset(e->token, 0, sizeof(e->token));
	__builtin_memset(e->dest_name, 0, sizeof(e->dest_name));
	for (i = 0; i < LW_PAYLOAD_TOKEN_MAX; i++) {
		__u8 c;

		if (start + i >= end)
			break;
		c = s->buf[(start + i) & PL_MASK];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		e->token[i] = c;
		e->token_len = i + 1;
	}
}

/* TLS plaintext (no socket yet): the token waits in tls_pending for this
 * thread's next send, which says where it went (tls.bpf.c). */
__noinline int pl_defer(__u32 slot, __u32 start, __u32 end, __u32 verb_flags, __u64 hit)
{
	struct pl_scratch *s = pl_get(slot);
	struct lw_tls_pending *p;
	__u32 zero = 0, n;
	__u64 key;
	void *z;

	/* the thread from the scratch slot: cgroup_skb programs (which
	 * share this function) may not ask for the current task */
	if (!s)
		return 0;
	key = s->thread;
	p = bpf_map_lookup_elem(&tls_pending, &key);
	if (!p) {
		z = bpf_map_lookup_elem(&tls_zero, &zero);
		if (!z || bpf_map_update_elem(&tls_pending, &key, z, BPF_NOEXIST))
			return 0;
		p = bpf_map_lookup_elem(&tls_pending, &key);
		if (!p)
			return 0;
	}
	n = p->n;
	if (n >= LW_TLS_PENDING_TOKENS)
		return 0;
	pl_fill(s, &p->ev[n], start, end, verb_flags, hit);
	p->n = n + 1;
	p->time_ns = bpf_ktime_get_ns();
	return 1;
}

__noinline int pl_emit(__u32 slot, __u32 start, __u32 end, __u32 verb_flags, __u64 hit)
{
	struct pl_scratch *s = pl_get(slot);
	struct lw_payload_name_key key = {};
	struct lw_payload_event *e;
	char *name;

	if (!s)
		return 0;
	if (!s->sock.dport)
		return pl_defer(slot, start, end, verb_flags, hit);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		return 0;
	}
	pl_fill(s, e, start, end, verb_flags, hit);
	key.tgid = s->sock.owner.id.tgid;
	__builtin_memcpy(key.addr, s->sock.dst, 16);
	name = bpf_map_lookup_elem(&payload_names, &key);
	if (name)
		__builtin_memcpy(e->dest_name, name, sizeof(e->dest_name));
	stat_inc(LW_STAT_PAYLOAD_TOKENS);
	bpf_ringbuf_submit(e, ringbuf_wake_flags(true));
	return 1;
}

/* Trim '.' and '-' off both ends of [*hs, *he) (a sentence's full stop). */
static __always_inline void pl_trim(const struct pl_scratch *s, __u32 *hs, __u32 *he)
{
	__u32 i;
	__u8 c;

	for (i = 0; i < 4 && *he > *hs; i++) {
		c = s->buf[(*he - 1) & PL_MASK];
		if (c != '.' && c != '-')
			break;
		(*he)--;
	}
	for (i = 0; i < 4 && *he > *hs; i++) {
		c = s->buf[*hs & PL_MASK];
		if (c != '.' && c != '-')
			break;
		(*hs)++;
	}
}

/*
 * One run of host-name bytes [hs, he) holding a '.': under a reserved
 * suffix? Then its local part (after an '@'), its verb, and the event.
 */
__noinline int pl_candidate(__u32 slot, __u32 hs, __u32 he, __u32 len, __u32 pclass)
{
	struct pl_scratch *s = pl_get(slot);
	__u32 dslot = SCRATCH_PAYLOAD + (slot & 1), lp, flags = 0, arg;
	int wire_len;
	long hit, verb;

	if (!s)
		return 0;
	pl_trim(s, &hs, &he);
	if (he < hs + 3 || he - hs > PL_HOST_MAX)
		return 0;
	if (pl_copy_name(slot, hs, he - hs, dslot))
		return 0;
	wire_len = dns_text_to_wire(dslot, he - hs);
	if (wire_len <= 0)
		return 0;
	hit = dns_match_suffix(dslot, wire_len);
	if (hit < 0)
		return 0;
	lp = hs;
	if (hs > 0 && s->buf[(hs - 1) & PL_MASK] == '@') {
		lp = pl_scan_back(slot, hs - 1, LW_PAYLOAD_LOCAL_MAX, PL_LOCAL);
		if (lp < hs - 1)
			flags |= LW_PAYLOAD_MAIL;
		else
			lp = hs;
	}
	verb = pl_verb(slot, lp, len, pclass);
	if (verb < 0)
		return 0;
	/* LOGIN user password, USER user: only the user is a token */
	arg = (verb >> 8) & 0xffff;
	if (arg && lp != arg && !(lp == arg + 1 && s->buf[arg & PL_MASK] == '"'))
		return 0;
	if ((flags & LW_PAYLOAD_MAIL) && ((hit >> 40) & LW_SUFFIX_PRIVATE_LOCAL)) {
		flags |= LW_PAYLOAD_LOCAL_DROPPED;
		lp = hs;
	}
	return pl_emit(slot, lp, he, (verb & 0xff) | (flags << 8), hit);
}

__noinline int payload_scan(__u32 slot, __u32 len, __u32 pclass)
{
	struct pl_scratch *s = pl_get(slot);
	int dot, hs, he, found = 0, tls;
	__u32 pos = 0, i;

	if (!s || len > LW_PAYLOAD_BYTES)
		return 0;
	/* a TLS record (handshake, 0x16 0x03) on a cleartext port */
	if (s->seg == 0 && len >= 2 && s->buf[0] == 0x16 && s->buf[1] == 0x03)
		return -1;
	tls = pl_starttls(slot, len, pclass);
	for (i = 0; i < PL_MAX_CANDIDATES; i++) {
		dot = pl_next_dot(slot, pos, len);
		if (dot < 0)
			break;
		hs = pl_scan_back(slot, dot, PL_HOST_MAX, PL_HOST);
		he = pl_scan_fwd(slot, dot, len);
		if (he <= dot)
			break;
		found += pl_candidate(slot, hs, he, len, pclass);
		pos = he + 1;
	}
	return tls ? -1 : found;
}
