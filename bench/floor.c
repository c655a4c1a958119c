// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach bench/floor.bpf.c (empty cgroup_skb egress + ingress) to a cgroup
 * v2 directory and hold it until SIGINT/SIGTERM. Prints "floor: attached"
 * on stderr once both links exist.
 *
 *	floor CGROUP_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct bpf_link *eg = NULL, *in = NULL;
	struct floor_bpf *skel;
	int cg, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "Usage: floor CGROUP_DIR\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	cg = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		fprintf(stderr, "floor: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	skel = floor_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "floor: cannot load the BPF object\n");
		goto out;
	}
	eg = bpf_program__attach_cgroup(skel->progs.floor_egress, cg);
	in = eg ? bpf_program__attach_cgroup(skel->progs.floor_ingress, cg) : NULL;
	if (!eg || !in) {
		fprintf(stderr, "floor: cannot attach: %s\n", strerror(errno));
		goto out;
	}
	fprintf(stderr, "floor: attached\n");
	while (!stop)
		pause();
	ret = 0;
out:
	bpf_link__destroy(in);
	bpf_link__destroy(eg);
	floor_bpf__destroy(skel);
	close(cg);
	return ret;
}
