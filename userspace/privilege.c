// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Raw capget/capset: the handful of calls needed here do not justify a
 * libcap dependency (which the static build would also have to carry).
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privilege.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->data) ? -errno : 0;
}

static int caps_set(struct caps *c)
{
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c->hdr.pid = 0;
	return syscall(SYS_capset, &c->hdr, c->data) ? -errno : 0;
}

static uint64_t effective(const struct caps *c)
{
	return (uint64_t)c->data[1].effective << 32 | c->data[0].effective;
}

static bool has(uint64_t set, int cap)
{
	return set & (1ull << cap);
}

int privilege_check(char *err, size_t len)
{
	uint64_t eff;
	struct caps c;
	size_t n = 0;

	if (caps_get(&c))
		return 0; /* cannot tell: let the load say */
	eff = effective(&c);
	err[0] = '\0';
	/* CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON on any kernel. */
	if (!has(eff, CAP_BPF) && !has(eff, CAP_SYS_ADMIN))
		n += snprintf(err + n, len - n, " CAP_BPF");
	if (n < len && !has(eff, CAP_PERFMON) && !has(eff, CAP_SYS_ADMIN))
		n += snprintf(err + n, len - n, " CAP_PERFMON");
	if (n < len && !has(eff, CAP_NET_ADMIN))
		n += snprintf(err + n, len - n, " CAP_NET_ADMIN");
	if (n < len && geteuid() != 0 && !has(eff, CAP_DAC_OVERRIDE))
		n += snprintf(err + n, len - n, " CAP_DAC_OVERRIDE");
	if (!n)
		return 0;
	return -EPERM;
}

int privilege_drop(bool keep_attach, bool keep_dac_override)
{
	uint64_t keep = 1ull << CAP_SYS_PTRACE | 1ull << CAP_DAC_READ_SEARCH;
	struct caps c;
	int cap, err;

	if (keep_attach)
		/* Uprobe perf events need CAP_SYS_ADMIN on some kernels
		 * (measured on 6.18: CAP_PERFMON alone gets EACCES). */
		keep |= 1ull << CAP_BPF | 1ull << CAP_PERFMON | 1ull << CAP_CHECKPOINT_RESTORE |
			1ull << CAP_SYS_ADMIN;
	if (keep_dac_override)
		keep |= 1ull << CAP_DAC_OVERRIDE;
	err = caps_get(&c);
	if (err)
		return err;
	/* The bounding set first, while we may still have CAP_SETPCAP; a
	 * process started without it (systemd, a pod) keeps the bounding set
	 * it was given, and no_new_privs below stops any regain anyway. */
	for (cap = 0; cap <= 63 && has(effective(&c), CAP_SETPCAP); cap++) {
		if (has(keep, cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	c.data[0].effective &= (uint32_t)keep;
	c.data[1].effective &= (uint32_t)(keep >> 32);
	c.data[0].permitted &= (uint32_t)keep;
	c.data[1].permitted &= (uint32_t)(keep >> 32);
	c.data[0].inheritable = 0;
	c.data[1].inheritable = 0;
	err = caps_set(&c);
	if (err)
		return err;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -errno : 0;
}
