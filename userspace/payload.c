// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --payload: the names of its modes and of the verbs the kernel's scanner
 * (bpf/payload.bpf.c) tells apart. The verdict itself is made in
 * verdict.c (on_payload), written in report.c and ocsf.c.
 */
#include <errno.h>
#include <string.h>

#include "verdict.h"

static const char *const verb_names[LW_VERB_MAX] = {
	[LW_VERB_NONE] = "unknown",
	[LW_VERB_SMTP_HELO] = "SMTP HELO",
	[LW_VERB_SMTP_MAIL_FROM] = "SMTP MAIL FROM",
	[LW_VERB_SMTP_RCPT_TO] = "SMTP RCPT TO",
	[LW_VERB_SMTP_DATA] = "SMTP DATA",
	[LW_VERB_IMAP_LOGIN] = "IMAP LOGIN",
	[LW_VERB_IMAP_AUTHENTICATE] = "IMAP AUTHENTICATE",
	[LW_VERB_IMAP_OTHER] = "IMAP",
	[LW_VERB_POP_USER] = "POP USER",
	[LW_VERB_POP_OTHER] = "POP",
	[LW_VERB_HTTP_REQUEST] = "HTTP request line",
	[LW_VERB_HTTP_HOST] = "HTTP Host",
	[LW_VERB_HTTP_HEADER] = "HTTP header",
	[LW_VERB_HTTP_BODY] = "HTTP body",
};

const char *payload_verb_name(uint8_t verb)
{
	return verb < LW_VERB_MAX && verb_names[verb] ? verb_names[verb] : "unknown";
}

/* Everything said to a mail server: the protocols credentials and
 * messages travel in. */
bool payload_verb_is_mail(uint8_t verb)
{
	return verb >= LW_VERB_SMTP_HELO && verb <= LW_VERB_POP_OTHER;
}

static const char *const mode_names[] = {
	[LW_PAYLOAD_OFF] = "off",
	[LW_PAYLOAD_CLEAR] = "clear",
	[LW_PAYLOAD_TLS] = "tls",
};

int payload_mode_parse(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *payload_mode_name(uint8_t mode)
{
	return mode <= LW_PAYLOAD_TLS ? mode_names[mode] : "?";
}
