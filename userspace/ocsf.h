/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * OCSF-shaped verdicts for SIEMs (`--format ocsf`): one OCSF 1.1 event per
 * verdict, Network Activity (4001, Open) for direct and follow-on, DNS
 * Activity (4003, Query) for resolver and answer. What OCSF has no field
 * for (the verdict kind, the reserved name behind it, blocked) is under
 * `unmapped`. Strings go through the JSON writer's escaping.
 */
#ifndef __LW_OCSF_H
#define __LW_OCSF_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "verdict.h"

#define OCSF_SCHEMA_VERSION "1.1.0"

#define OCSF_CLASS_NETWORK_ACTIVITY 4001
#define OCSF_CLASS_DNS_ACTIVITY 4003
#define OCSF_CATEGORY_NETWORK 4

/* OCSF severity_id of a verdict severity: low 2, medium 3, high 4. */
int ocsf_severity_id(uint8_t sev);

/* Build the event for verdict v of process p in j (after json_reset);
 * time_ms is the event time, milliseconds since the epoch. */
void ocsf_event(struct json *j, const struct watched_proc *p, const struct verdict *v,
		bool complete, uint64_t time_ms);
/* Build it with the current time and write it as one line to fd. */
int ocsf_event_json(struct json *j, int fd, const struct watched_proc *p, const struct verdict *v,
		    bool complete);

#endif /* __LW_OCSF_H */
