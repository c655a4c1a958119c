// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The DNS name codec. Names from the wire stay raw bytes (the report shows
 * exactly what the kernel matched, escaped); names from text (the config,
 * the command line) are turned into the same lowercase wire form, so that
 * both meet on one comparison.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns_name.h"

bool dns_wire_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dns_lower(a[i]) != dns_lower(b[i]))
			return false;
	return true;
}

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

int dns_name_from_text(const char *text, uint8_t *wire, size_t cap, const char **why)
{
	size_t len, pos = 0, out = 0;

	if (!text)
		return refuse(why, "no name");
	len = strlen(text);
	if (!len)
		return refuse(why, "empty name");
	if (text[len - 1] == '.')
		len--;
	while (len) {
		size_t l = 0, i;

		while (pos + l < len && text[pos + l] != '.')
			l++;
		if (!l)
			return refuse(why, "empty label");
		if (l > DNS_LABEL_MAX)
			return refuse(why, "label longer than 63 bytes");
		if (out + 1 + l + 1 > DNS_NAME_MAX)
			return refuse(why, "name longer than 255 bytes in wire form");
		for (i = 0; i < l; i++) {
			uint8_t c = (uint8_t)text[pos + i];

			if (c < 0x20 || c == 0x7f)
				return refuse(why, "control character in name");
		}
		if (wire) {
			if (out + 1 + l + 1 > cap)
				return refuse(why, "name does not fit");
			wire[out] = (uint8_t)l;
			for (i = 0; i < l; i++)
				wire[out + 1 + i] = dns_lower((uint8_t)text[pos + i]);
		}
		out += 1 + l;
		pos += l;
		if (pos == len)
			break;
		pos++; /* the dot; a label must follow it */
	}
	if (wire) {
		if (out + 1 > cap)
			return refuse(why, "name does not fit");
		wire[out] = 0;
	}
	return (int)(out + 1);
}

int dns_name_validate(const char *text, char *err, size_t errlen)
{
	const char *why;

	if (dns_name_from_text(text, NULL, 0, &why) >= 0)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

size_t dns_name_canon(const char *text, char *out)
{
	size_t i, n = strlen(text);

	if (n && text[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++)
		out[i] = (char)dns_lower((uint8_t)text[i]);
	out[n] = '\0';
	return n;
}

int dns_wire_labels(const uint8_t *wire, size_t len, uint16_t *starts, size_t *total)
{
	size_t pos = 0, n = 0;

	for (;;) {
		if (pos >= len || pos >= DNS_NAME_MAX)
			return -1;
		if (!wire[pos])
			break;
		if (wire[pos] > DNS_LABEL_MAX)
			return -1;
		starts[n++] = (uint16_t)pos;
		pos += 1 + (size_t)wire[pos];
	}
	*total = pos + 1;
	return (int)n;
}

/* Presentation-form output: stops at the first piece that does not fit, so
 * an escape is never cut in half. */
struct text_out {
	char *buf;
	size_t len, pos;
	bool full;
};

static void put_text(struct text_out *t, const char *s, size_t n)
{
	if (t->full || t->pos + n >= t->len) {
		t->full = true;
		return;
	}
	memcpy(t->buf + t->pos, s, n);
	t->pos += n;
}

static void put_label_byte(struct text_out *t, uint8_t b, bool *escaped)
{
	char tmp[5];

	if (b == '.' || b == '\\' || b == '"') {
		tmp[0] = '\\';
		tmp[1] = (char)b;
		*escaped = true;
		put_text(t, tmp, 2);
	} else if (b < 0x21 || b > 0x7e) {
		snprintf(tmp, sizeof(tmp), "\\%03u", b);
		*escaped = true;
		put_text(t, tmp, 4);
	} else {
		tmp[0] = (char)b;
		put_text(t, tmp, 1);
	}
}

/* Defensive about a hand-made n: never reads past n->len or wire[]. */
bool dns_name_to_text(const struct dns_name *n, char *buf, size_t len)
{
	struct text_out t = { .buf = buf, .len = len };
	size_t i = 0, wlen = n->len > sizeof(n->wire) ? sizeof(n->wire) : n->len;
	bool escaped = false;

	if (!len)
		return false;
	while (i < wlen && n->wire[i]) {
		size_t l = n->wire[i++], k;

		if (t.pos)
			put_text(&t, ".", 1);
		for (k = 0; k < l && i < wlen; k++)
			put_label_byte(&t, n->wire[i++], &escaped);
	}
	if (!t.pos)
		put_text(&t, ".", 1);
	buf[t.pos] = '\0';
	return escaped;
}

bool dns_name_equal(const struct dns_name *a, const struct dns_name *b)
{
	if (a->len != b->len || a->len > sizeof(a->wire))
		return false;
	return dns_wire_equal(a->wire, b->wire, a->len);
}
