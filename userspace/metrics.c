// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "leakwatch.h"
#include "leakwatch.skel.h"
#include "metrics.h"
#include "session.h"

static void metric_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static unsigned long map_count(struct bpf_map *map, size_t key_size)
{
	char key[64], next[64];
	unsigned long n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return 0;
	while (!bpf_map_get_next_key(bpf_map__fd(map), prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

static void write_verdicts(FILE *f, const struct session *s)
{
	int k, sev;

	metric_head(f, "leakwatch_verdicts_total", "counter",
		    "Verdicts made, by kind and severity.");
	for (k = VERDICT_DIRECT; k <= VERDICT_KIND_MAX; k++)
		for (sev = SEV_LOW; sev <= SEV_HIGH; sev++)
			fprintf(f, "leakwatch_verdicts_total{kind=\"%s\",severity=\"%s\"} %llu\n",
				verdict_kind_name(k), severity_name(sev),
				(unsigned long long)s->verdicts[k][sev]);
}

static void write_kernel(FILE *f, const struct summary *sum)
{
	unsigned int i;

	metric_head(f, "leakwatch_events_lost_total", "counter",
		    "Evidence the kernel side could not deliver, by reason.");
	for (i = 0; i < LW_STAT_MAX; i++)
		if (LW_STAT_LOST_MASK & (1u << i))
			fprintf(f, "leakwatch_events_lost_total{reason=\"%s\"} %llu\n",
				stat_name(i), (unsigned long long)sum->lost[i]);
	metric_head(f, "leakwatch_kernel_events_total", "counter",
		    "Other kernel-side counters, by name.");
	for (i = 0; i < LW_STAT_MAX; i++)
		if (!(LW_STAT_LOST_MASK & (1u << i)))
			fprintf(f, "leakwatch_kernel_events_total{counter=\"%s\"} %llu\n",
				stat_name(i), (unsigned long long)sum->lost[i]);
}

static void write_maps(FILE *f, struct session *s)
{
	struct leakwatch_bpf *k = s->sensor.skel;
	struct {
		const char *name;
		struct bpf_map *map;
		size_t key_size;
	} maps[] = {
		{ "taint", k->maps.taint, sizeof(__u32) },
		{ "answers", k->maps.answers, 16 },
		{ "pending", k->maps.pending, sizeof(struct lw_pending_key) },
	};
	size_t i;

	metric_head(f, "leakwatch_map_entries", "gauge", "Entries in the kernel's state maps.");
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		fprintf(f, "leakwatch_map_entries{map=\"%s\"} %lu\n", maps[i].name,
			map_count(maps[i].map, maps[i].key_size));
	metric_head(f, "leakwatch_map_fill_ratio", "gauge",
		    "Entries over capacity of the kernel's state maps.");
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		fprintf(f, "leakwatch_map_fill_ratio{map=\"%s\"} %.4f\n", maps[i].name,
			(double)map_count(maps[i].map, maps[i].key_size) /
				bpf_map__max_entries(maps[i].map));
}

/* Is kernel.bpf_stats_enabled on? Without it every run count reads 0. */
static bool bpf_stats_enabled(void)
{
	char c = '0';
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");

	if (f) {
		if (fread(&c, 1, 1, f) != 1)
			c = '0';
		fclose(f);
	}
	return c == '1';
}

/* Run counts only when the kernel counts them: a counter stuck at 0 would
 * say the hooks never ran. leakwatch_hook_stats_enabled says which. */
static void write_programs(FILE *f, const struct session *s)
{
	struct bpf_program *prog;
	bool on = bpf_stats_enabled();

	metric_head(f, "leakwatch_hook_stats_enabled", "gauge",
		    "1 when kernel.bpf_stats_enabled=1, so leakwatch_hook_runs_total is there.");
	fprintf(f, "leakwatch_hook_stats_enabled %d\n", on);
	if (!on)
		return;
	metric_head(f, "leakwatch_hook_runs_total", "counter", "Runs of each BPF program.");
	bpf_object__for_each_program (prog, s->sensor.skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		fprintf(f, "leakwatch_hook_runs_total{program=\"%s\"} %llu\n",
			bpf_program__name(prog), (unsigned long long)info.run_cnt);
	}
}

static unsigned long processes_tracked(struct verdict_engine *eng)
{
	unsigned long n = 0;
	struct watched_proc *p;

	for (p = verdict_engine_first(eng); p; p = verdict_engine_next(eng, p))
		n++;
	return n;
}

int metrics_write(const char *path, struct session *s)
{
	const struct verdict_stats *ts = verdict_engine_stats(s->engine);
	char tmp[PATH_MAX];
	struct summary sum;
	FILE *f;
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* 0644 whatever the umask (the unit's is 0077): node_exporter reads
	 * it as another user. It holds counters, nothing about processes. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	session_summary(s, &sum);
	metric_head(f, "leakwatch_up", "gauge", "1 while the sensor is attached.");
	fprintf(f, "leakwatch_up 1\n");
	metric_head(f, "leakwatch_last_update_timestamp_seconds", "gauge",
		    "When this file was written.");
	fprintf(f, "leakwatch_last_update_timestamp_seconds %lld\n", (long long)time(NULL));
	metric_head(f, "leakwatch_events_total", "counter", "Events read from the kernel.");
	fprintf(f, "leakwatch_events_total %llu\n", (unsigned long long)ts->events);
	metric_head(f, "leakwatch_events_unusable_total", "counter",
		    "Events userspace could not use, by reason.");
	fprintf(f, "leakwatch_events_unusable_total{reason=\"bad_event\"} %llu\n",
		(unsigned long long)ts->bad_events);
	fprintf(f, "leakwatch_events_unusable_total{reason=\"dns_unparsed\"} %llu\n",
		(unsigned long long)ts->dns_unparsed);
	fprintf(f, "leakwatch_events_unusable_total{reason=\"process_table_full\"} %llu\n",
		(unsigned long long)ts->procs.table_full);
	fprintf(f, "leakwatch_events_unusable_total{reason=\"out_of_memory\"} %llu\n",
		(unsigned long long)verdict_stats_oom(ts));
	write_verdicts(f, s);
	metric_head(f, "leakwatch_reports_total", "counter", "Process reports written.");
	fprintf(f, "leakwatch_reports_total %lu\n", s->reports);
	metric_head(f, "leakwatch_processes_tracked", "gauge",
		    "Processes with state in userspace.");
	fprintf(f, "leakwatch_processes_tracked %lu\n", processes_tracked(s->engine));
	write_kernel(f, &sum);
	write_maps(f, s);
	write_programs(f, s);
	if (fflush(f) || ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
