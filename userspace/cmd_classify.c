// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `leakwatch classify [--config FILE] NAME|ADDRESS...`: what the policy says
 * of each argument, one JSON object per line (README, Offline: classify and policy). Offline: no
 * privileges, no BPF, so scripts and CI can ask the same policy the sensor
 * uses.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "commands.h"
#include "dns_name.h"
#include "json.h"
#include "policy.h"

static const char usage[] =
	"Usage: leakwatch classify [--config FILE] NAME|ADDRESS...\n"
	"\n"
	"Print, for each argument, one JSON object: for a DNS name whether it is\n"
	"reserved (its suffix, family and RFC), for an IPv4/IPv6 address whether it\n"
	"is globally reachable (its most specific special-purpose block). Needs no\n"
	"privileges. Exit status 1 when an argument is neither.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE   apply this config file on top of the built-in policy\n"
	"  -h, --help          show this help\n"
	"\n"
	"Examples:\n"
	"  leakwatch classify autodiscover.example.com 198.51.100.7\n"
	"  leakwatch classify foo.localhost 2002:c000:204::1 ::ffff:10.0.0.1\n"
	"  leakwatch classify --config /etc/leakwatch.conf db.corp.internal\n";

/* Text that can only have been meant as an address (or a prefix): calling
 * it a DNS name would hide the typo. A top-level label is never all digits. */
static const char *address_typo(const char *s)
{
	size_t n = strlen(s), i;

	if (strchr(s, ':'))
		return "not a valid IPv6 address";
	if (strchr(s, '/'))
		return "not an address (prefixes are not classified; give one address)";
	if (n && s[n - 1] == '.')
		n--;
	for (i = n; i > 0 && s[i - 1] != '.'; i--)
		if (s[i - 1] < '0' || s[i - 1] > '9')
			return NULL;
	return i < n ? "not a valid IPv4 address" : NULL;
}

static void classify_address(const struct policy *p, const uint8_t a[16], struct json *j)
{
	struct addr_class c;

	policy_classify_addr(p, a, &c);
	json_kv_string(j, "kind", "address");
	json_kv_bool(j, "global", c.global);
	json_kv_string(j, "block", c.block);
	json_kv_string(j, "label", c.label);
	json_kv_string(j, "rfc", c.rfc);
}

static void classify_name(const struct policy *p, const char *name, struct json *j)
{
	const struct reserved_suffix *s = policy_match_name(p, name);

	json_kv_string(j, "kind", "name");
	json_kv_bool(j, "reserved", s != NULL);
	json_kv_string(j, "suffix", s ? s->name : NULL);
	json_kv_string(j, "family", s ? family_name(s->family) : NULL);
	json_kv_string(j, "rfc", s ? s->rfc : NULL);
}

/* One line for one argument; false when the argument was invalid. */
static bool classify_one(const struct policy *p, const char *arg, struct json *j)
{
	char why[POLICY_ERR_LEN], msg[POLICY_ERR_LEN + 32];
	const char *typo;
	uint8_t a[16];
	bool ok = true;

	json_object_begin(j);
	json_kv_string(j, "input", arg);
	if (!addr_parse(arg, a)) {
		classify_address(p, a, j);
	} else if ((typo = address_typo(arg))) {
		json_kv_string(j, "kind", "invalid");
		json_kv_string(j, "error", typo);
		ok = false;
	} else if (dns_name_validate(arg, why, sizeof(why))) {
		snprintf(msg, sizeof(msg), "not a DNS name: %s", why);
		json_kv_string(j, "kind", "invalid");
		json_kv_string(j, "error", msg);
		ok = false;
	} else {
		classify_name(p, arg, j);
	}
	json_object_end(j);
	return ok;
}

int cmd_classify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct policy p;
	struct json j;
	int c, i, status = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return command_option_error("leakwatch classify", c, argv);
		}
	}
	if (optind >= argc) {
		fputs("leakwatch classify: no NAME or ADDRESS given (see leakwatch classify --help)\n",
		      stderr);
		return EXIT_USAGE;
	}

	status = command_load_policy(&p, config, "leakwatch classify");
	if (status)
		return status;

	json_init(&j);
	for (i = optind; i < argc; i++) {
		if (!classify_one(&p, argv[i], &j))
			status = 1;
		if (json_write_line(&j, STDOUT_FILENO)) {
			fprintf(stderr, "leakwatch classify: cannot write the output\n");
			status = 1;
			break;
		}
	}
	json_free(&j);
	policy_free(&p);
	return status;
}
