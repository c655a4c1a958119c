// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Verdicts as OCSF 1.1 events (README, "OCSF output"). The §6 JSON lines
 * stay the contract; this is an optional view of the same verdicts.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocsf.h"
#include "report.h"

#ifndef LW_VERSION
#define LW_VERSION "unknown"
#endif

static const char *const ocsf_severity_names[] = {
	"Unknown", "Informational", "Low", "Medium", "High",
};

int ocsf_severity_id(uint8_t sev)
{
	switch (sev) {
	case SEV_LOW:
		return 2;
	case SEV_MEDIUM:
		return 3;
	case SEV_HIGH:
		return 4;
	default:
		return 1;
	}
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static void kv_uint_nonzero(struct json *j, const char *key, uint64_t v)
{
	if (v)
		json_kv_uint(j, key, v);
}

static void kv_string_nonempty(struct json *j, const char *key, const char *s)
{
	if (s && *s)
		json_kv_string(j, key, s);
}

/* The query type the process asked the name with (the first on the wire). */
static const char *query_type(const struct watched_proc *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_names; i++)
		if (!p->names[i].libc && p->names[i].text && !strcasecmp(p->names[i].text, name))
			return dns_type_name(p->names[i].qtype);
	return NULL;
}

/* The destinations[] entry of a direct or follow-on verdict. */
static const struct destination *verdict_dest(const struct watched_proc *p, const struct verdict *v)
{
	size_t i;

	for (i = 0; i < p->n_dests; i++) {
		const struct destination *d = &p->dests[i];

		if (d->port == v->port && d->proto == v->proto && !memcmp(d->addr, v->addr, 16))
			return d;
	}
	return NULL;
}

static void cmd_line(struct json *j, const struct watched_proc *p)
{
	size_t n = p->info.cmdline_len, i;
	char *buf;

	if (!p->info_read || !p->info.cmdline || !n)
		return;
	buf = malloc(n);
	if (!buf)
		return;
	memcpy(buf, p->info.cmdline, n);
	while (n && !buf[n - 1])
		n--;
	for (i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	json_key(j, "cmd_line");
	json_string_n(j, buf, n);
	free(buf);
}

static void actor(struct json *j, const struct watched_proc *p)
{
	const struct proc_identity *info = &p->info;
	char uid[16];

	json_key(j, "actor");
	json_object_begin(j);
	json_key(j, "process");
	json_object_begin(j);
	json_kv_uint(j, "pid", watched_proc_pid(p));
	json_kv_string(j, "name", p->info_read ? info->comm : p->comm);
	cmd_line(j, p);
	if (p->info_read && info->exe && *info->exe) {
		const char *base = strrchr(info->exe, '/');

		json_key(j, "file");
		json_object_begin(j);
		json_kv_string(j, "path", info->exe);
		json_kv_string(j, "name", base ? base + 1 : info->exe);
		json_object_end(j);
	}
	/* OCSF user.uid is a string */
	snprintf(uid, sizeof(uid), "%u", p->info_read ? info->uid : p->uid);
	json_key(j, "user");
	json_object_begin(j);
	json_kv_string(j, "uid", uid);
	json_object_end(j);
	if (p->ppid) {
		json_key(j, "parent_process");
		json_object_begin(j);
		json_kv_uint(j, "pid", p->ppid);
		json_object_end(j);
	}
	json_object_end(j);
	json_object_end(j);
	/* the identity may come from the kernel's cgroup ids, /proc unread */
	if ((p->info_read || info->cgroup_source[0]) && info->container_id[0]) {
		json_key(j, "container");
		json_object_begin(j);
		json_kv_string(j, "uid", info->container_id);
		kv_string_nonempty(j, "runtime", info->runtime);
		kv_string_nonempty(j, "pod_uuid", info->pod_uid);
		json_object_end(j);
	}
}

static void message(struct json *j, const struct verdict *v)
{
	char msg[DNS_TEXT_MAX * 2 + 128], a[ADDR_STRLEN];
	const char *kind = verdict_kind_name(v->kind), *sev = severity_name(v->severity);

	if (v->kind == VERDICT_ANSWER)
		addr_format(v->addr, a, sizeof(a));
	else
		addr_format_port(v->addr, v->port, a, sizeof(a));
	switch (v->kind) {
	case VERDICT_RESOLVER:
		snprintf(msg, sizeof(msg), "resolver leak (%s): %s asked of global resolver %s",
			 sev, v->name, a);
		break;
	case VERDICT_ANSWER:
		snprintf(msg, sizeof(msg), "answer leak (%s): %s answered with %s", sev, v->name,
			 a);
		break;
	case VERDICT_PAYLOAD:
		snprintf(msg, sizeof(msg), "payload leak (%s): %s sent to tcp %s (%s)", sev,
			 v->name, a, payload_verb_name(v->verb));
		break;
	default:
		snprintf(msg, sizeof(msg), "%s leak (%s): %s %s%s%s%s", kind ? kind : "?", sev,
			 proto_name(v->proto), a, v->name[0] ? " after " : "", v->name,
			 v->blocked ? ", blocked" : "");
		break;
	}
	json_kv_string(j, "message", msg);
}

static void endpoint_and_connection(struct json *j, const struct verdict *v,
				    const struct destination *d)
{
	char a[ADDR_STRLEN];

	if (!v->has_addr || v->kind == VERDICT_ANSWER)
		return;
	addr_format(v->addr, a, sizeof(a));
	json_key(j, "dst_endpoint");
	json_object_begin(j);
	json_kv_string(j, "ip", a);
	kv_uint_nonzero(j, "port", v->port);
	if (d)
		kv_string_nonempty(j, "hostname", d->name);
	json_object_end(j);
	json_key(j, "connection_info");
	json_object_begin(j);
	json_kv_string(j, "protocol_name", proto_name(v->proto));
	json_kv_uint(j, "protocol_num", v->proto == IPPROTO_UDP ? IPPROTO_UDP : IPPROTO_TCP);
	json_kv_string(j, "direction", "Outbound");
	json_kv_uint(j, "direction_id", 2);
	json_object_end(j);
}

static void dns_query(struct json *j, const struct watched_proc *p, const struct verdict *v)
{
	const char *type = query_type(p, v->name);
	char a[ADDR_STRLEN];

	json_key(j, "query");
	json_object_begin(j);
	json_kv_string(j, "hostname", v->name);
	if (type)
		json_kv_string(j, "type", type);
	json_object_end(j);
	if (v->kind != VERDICT_ANSWER || (!v->has_addr && !v->target[0]))
		return;
	if (v->has_addr)
		addr_format(v->addr, a, sizeof(a));
	json_key(j, "answers");
	json_array_begin(j);
	json_object_begin(j);
	/* an MX or SRV answer: the host it named */
	json_kv_string(j, "rdata", v->has_addr ? a : v->target);
	json_kv_string(j, "type",
		       !v->has_addr	   ? (type ? type : "MX") :
		       addr_is_v4(v->addr) ? "A" :
					     "AAAA");
	json_object_end(j);
	json_array_end(j);
}

static void unmapped(struct json *j, const struct verdict *v, const struct destination *d,
		     bool complete)
{
	json_key(j, "unmapped");
	json_object_begin(j);
	json_kv_string(j, "kind", verdict_kind_name(v->kind));
	json_key(j, "via");
	if (v->name[0])
		json_string(j, v->name);
	else
		json_null(j);
	json_kv_bool(j, "blocked", v->blocked);
	json_kv_bool(j, "complete", complete);
	if (d && d->asked_by_pid) {
		json_key(j, "asked_by");
		json_object_begin(j);
		json_kv_uint(j, "pid", d->asked_by_pid);
		kv_string_nonempty(j, "comm", d->asked_by_comm);
		json_object_end(j);
	}
	if (v->kind == VERDICT_RESOLVER && v->n_clients)
		report_clients_json(j, v);
	if (v->kind == VERDICT_PAYLOAD) {
		json_kv_string(j, "verb", payload_verb_name(v->verb));
		json_kv_bool(j, "tls", v->pflags & LW_PAYLOAD_TLS_PLAIN);
	}
	json_object_end(j);
}

void ocsf_event(struct json *j, const struct watched_proc *p, const struct verdict *v,
		bool complete, uint64_t time_ms)
{
	bool dns = v->kind == VERDICT_RESOLVER || v->kind == VERDICT_ANSWER;
	int class_uid = dns ? OCSF_CLASS_DNS_ACTIVITY : OCSF_CLASS_NETWORK_ACTIVITY;
	const char *class_name = dns ? "DNS Activity" : "Network Activity";
	const char *activity = dns ? "Query" : "Open";
	const struct destination *d = dns ? NULL : verdict_dest(p, v);
	int sev = ocsf_severity_id(v->severity);
	char type_name[64];

	json_object_begin(j);
	json_kv_uint(j, "class_uid", (uint64_t)class_uid);
	json_kv_string(j, "class_name", class_name);
	json_kv_uint(j, "category_uid", OCSF_CATEGORY_NETWORK);
	json_kv_string(j, "category_name", "Network Activity");
	json_kv_uint(j, "activity_id", 1);
	json_kv_string(j, "activity_name", activity);
	json_kv_uint(j, "type_uid", (uint64_t)class_uid * 100 + 1);
	snprintf(type_name, sizeof(type_name), "%s: %s", class_name, activity);
	json_kv_string(j, "type_name", type_name);
	json_kv_uint(j, "time", time_ms);
	json_kv_uint(j, "severity_id", (uint64_t)sev);
	json_kv_string(j, "severity", ocsf_severity_names[sev]);
	message(j, v);
	json_key(j, "metadata");
	json_object_begin(j);
	json_kv_string(j, "version", OCSF_SCHEMA_VERSION);
	json_key(j, "product");
	json_object_begin(j);
	json_kv_string(j, "name", "leakwatch");
	json_kv_string(j, "vendor_name", "leakwatch");
	json_kv_string(j, "version", LW_VERSION);
	json_object_end(j);
	json_object_end(j);
	actor(j, p);
	endpoint_and_connection(j, v, d);
	if (dns)
		dns_query(j, p, v);
	unmapped(j, v, d, complete);
	json_object_end(j);
}

int ocsf_event_json(struct json *j, int fd, const struct watched_proc *p, const struct verdict *v,
		    bool complete)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_reset(j);
	ocsf_event(j, p, v, complete, (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
	return json_write_line(j, fd);
}
