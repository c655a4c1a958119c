// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * userspace/container_meta.c: container names and images from docker's
 * and podman's state files, shaped as docker 20.10 and podman 4.3 write
 * them, in a temp dir; the cache; command lines naming the roots.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container_meta.h"
#include "test.h"

#define ID64 "9146b798b953df5c59b4fe29a1fc68b90ec7d656b165147c8c8546d2a155a0fd"
#define ID64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define IMG "32963faaea2e9ce8489a6fb90b9cccdfb5806b21cdacc94e64a6813f204a36d8"
#define IMG2 "0000000000000000000000000000000000000000000000000000000000000abc"

static char tmp[] = "/tmp/lw-cmeta.XXXXXX";

static void write_file(const char *rel, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + strlen(tmp) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!ASSERT_NOT_NULL(f, path))
		return;
	fputs(text, f);
	fclose(f);
}

/* docker 20.10's config.v2.json, trimmed of nothing it parses. */
static const char docker_config[] =
	"{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Paused\":false,\"Restarting\":false,"
	"\"OOMKilled\":false,\"RemovalInProgress\":false,\"Dead\":false,\"Pid\":2957,"
	"\"ExitCode\":0,\"Error\":\"\",\"StartedAt\":\"2026-12-01T22:20:00.1Z\","
	"\"FinishedAt\":\"0001-01-01T00:00:00Z\",\"Health\":null},\"ID\":\"" ID64 "\","
	"\"Created\":\"2026-12-01T22:19:59.9Z\",\"Managed\":false,\"Path\":\"/leak\","
	"\"Args\":[\"leak.example.net\",\"80\"],\"Config\":{\"Hostname\":\"9146b798b953\","
	"\"Domainname\":\"\",\"User\":\"\",\"AttachStdin\":false,\"Tty\":false,"
	"\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
	"\"Cmd\":[\"/leak\",\"leak.example.net\",\"80\"],\"Image\":\"lwe2629img:latest\","
	"\"Volumes\":null,\"WorkingDir\":\"\",\"Entrypoint\":null,\"OnBuild\":null,"
	"\"Labels\":{}},\"Image\":\"sha256:6ca5c6d2f6ddfcb2ffaf7315e1d07a63dab87eb64a39f4324fbf4a5a"
	"004ad24c\",\"NetworkSettings\":{\"Bridge\":\"\",\"Networks\":{\"none\":{}}},"
	"\"LogPath\":\"/var/lib/docker/containers/" ID64 "/" ID64 "-json.log\","
	"\"Name\":\"/lwe2629sb\",\"Driver\":\"overlay2\",\"OS\":\"linux\",\"RestartCount\":0,"
	"\"HasBeenStartedBefore\":false,\"HasBeenManuallyStopped\":false,\"MountPoints\":{},"
	"\"AppArmorProfile\":\"\",\"NoNewPrivileges\":false}";

/* podman 4.3 (containers/storage): the container's own metadata is JSON in
 * a string. The second container has no image-name: images.json names it. */
static const char podman_containers[] =
	"[{\"id\":\"" ID64B "\",\"names\":[\"lwe7593ctr\"],\"image\":\"" IMG "\",\"layer\":"
	"\"c8e998847eace4f477941812937127ec133bbd77867ef20e531db4b6433e4d37\",\"metadata\":"
	"\"{\\\"image-name\\\":\\\"localhost/lwe7593img:latest\\\",\\\"image-id\\\":\\\"" IMG
	"\\\",\\\"name\\\":\\\"lwe7593ctr\\\",\\\"created-at\\\":1764627600,\\\"mountlabel\\\":"
	"\\\"\\\"}\",\"created\":\"2026-12-01T22:20:00.123456789Z\",\"flags\":{\"MountLabel\":"
	"\"\",\"ProcessLabel\":\"\"}},"
	"{\"id\":\"" ID64 "\",\"names\":[\"other\"],\"image\":\"" IMG "\",\"layer\":\"x\","
	"\"metadata\":\"{}\",\"created\":\"2026-12-01T22:21:00Z\",\"flags\":{}}]";

static const char podman_images[] =
	"[{\"id\":\"" IMG "\",\"digest\":\"sha256:db50188913a554f1a8f6ef504e0e072bd2526c828509a029"
	"fa4e51e1227fd1a8\",\"names\":[\"localhost/lwe7593img:latest\"],\"names-history\":"
	"[\"localhost/lwe7593img:latest\"],\"layer\":\"c8e998847eace4f477941812937127ec133bbd778"
	"67ef20e531db4b6433e4d36\",\"metadata\":\"{\\\"signatures-sizes\\\":{}}\","
	"\"big-data-names\":[\"manifest\"],\"created\":\"2026-12-01T22:10:00Z\"}]";

static void test_docker(void)
{
	const char *name, *image;
	char root[PATH_MAX];
	struct cmeta *c = cmeta_new();

	if (!ASSERT_NOT_NULL(c, "cmeta_new"))
		return;
	write_file("docker/containers/" ID64 "/config.v2.json", docker_config);
	/* a config whose ID is not the directory's: not believed */
	write_file("docker/containers/" ID64B "/config.v2.json", docker_config);
	snprintf(root, sizeof(root), "%s/nodocker", tmp);
	ASSERT_OK(cmeta_add_docker_root(c, root), "a root without the container first");
	snprintf(root, sizeof(root), "%s/docker", tmp);
	ASSERT_OK(cmeta_add_docker_root(c, root), "add root");
	ASSERT_TRUE(cmeta_lookup(c, "docker", ID64, &name, &image), "docker lookup");
	ASSERT_STREQ(name, "lwe2629sb", "name without the /");
	ASSERT_STREQ(image, "lwe2629img:latest", "image as the user named it");
	ASSERT_FALSE(cmeta_lookup(c, "docker", ID64B, &name, &image), "ID mismatch");
	ASSERT_NULL(name, "no name");
	/* another runtime's id is not looked up in docker's state */
	ASSERT_FALSE(cmeta_lookup(c, "containerd", ID64, &name, &image), "containerd");
	ASSERT_FALSE(cmeta_lookup(c, "docker", "../../etc", &name, &image), "not an id");
	/* cached: gone from disk, still known */
	snprintf(root, sizeof(root), "%s/docker/containers/" ID64 "/config.v2.json", tmp);
	unlink(root);
	ASSERT_TRUE(cmeta_lookup(c, "docker", ID64, &name, &image), "cached");
	ASSERT_STREQ(name, "lwe2629sb", "cached name");
	cmeta_free(c);
}

static void test_docker_hostile(void)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"{\"ID\":\"" ID64 "\"}",
		"{\"ID\":\"" ID64 "\",\"Name\":7,\"Config\":\"x\"}",
		"{\"ID\":\"" ID64 "\",\"Name\":\"\",\"Config\":{\"Image\":\"\"}}",
		"{\"ID\":\"" ID64 "\",\"Name\":\"/a",
	};
	const char *name, *image;
	char root[PATH_MAX], *big;
	struct cmeta *c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = cmeta_new();
		write_file("bad/containers/" ID64 "/config.v2.json", bad[i]);
		snprintf(root, sizeof(root), "%s/bad", tmp);
		cmeta_add_docker_root(c, root);
		ASSERT_FALSE(cmeta_lookup(c, "docker", ID64, &name, &image), bad[i]);
		ASSERT_TRUE(!name && !image, bad[i]);
		cmeta_free(c);
	}
	/* a state file over the cap is not read */
	big = malloc((2u << 20) + 1);
	if (!ASSERT_NOT_NULL(big, "malloc"))
		return;
	memset(big, ' ', 2u << 20);
	big[2u << 20] = '\0';
	memcpy(big, docker_config, strlen(docker_config));
	write_file("big/containers/" ID64 "/config.v2.json", big);
	free(big);
	c = cmeta_new();
	snprintf(root, sizeof(root), "%s/big", tmp);
	cmeta_add_docker_root(c, root);
	ASSERT_FALSE(cmeta_lookup(c, "docker", ID64, &name, &image), "over the cap");
	cmeta_free(c);
}

static void test_podman(void)
{
	const char *name, *image;
	char root[PATH_MAX];
	struct cmeta *c = cmeta_new();

	if (!ASSERT_NOT_NULL(c, "cmeta_new"))
		return;
	write_file("storage/overlay-containers/containers.json", podman_containers);
	write_file("storage/overlay-images/images.json", podman_images);
	snprintf(root, sizeof(root), "%s/storage", tmp);
	ASSERT_OK(cmeta_add_podman_root(c, root), "add root");
	ASSERT_TRUE(cmeta_lookup(c, "podman", ID64B, &name, &image), "podman lookup");
	ASSERT_STREQ(name, "lwe7593ctr", "name");
	ASSERT_STREQ(image, "localhost/lwe7593img:latest", "image from metadata");
	ASSERT_TRUE(cmeta_lookup(c, "podman", ID64, &name, &image), "second container");
	ASSERT_STREQ(name, "other", "second name");
	ASSERT_STREQ(image, "localhost/lwe7593img:latest", "image from images.json");
	ASSERT_FALSE(cmeta_lookup(c, "podman", IMG2, &name, &image), "unknown id");
	/* a container added later: containers.json changes, is read again
	 * (after the retry interval for an id that missed) */
	ASSERT_FALSE(cmeta_lookup(c, "docker", ID64B, &name, &image), "not docker's");
	cmeta_free(c);
}

static void test_cmdlines(void)
{
	static const char dockerd[] = "/usr/sbin/dockerd\0--config-file\0/nonexistent.json\0"
				      "--data-root\0/tmp/e/docker\0--exec-root\0/tmp/e/dx";
	static const char dockerd_eq[] = "dockerd\0--data-root=/srv/docker\0-H\0unix:///x";
	static const char dockerd_g[] = "dockerd\0-g\0/old/docker";
	static const char dockerd_none[] = "dockerd\0-H\0fd://";
	static const char conmon[] = "/usr/bin/conmon\0--api-version\0001\0-c\0" ID64
				     "\0--exit-command\0/usr/bin/podman\0--exit-command-arg\0"
				     "--root\0--exit-command-arg\0/tmp/p/root\0--exit-command-arg\0"
				     "--runroot\0--exit-command-arg\0/tmp/p/run";
	static const char podman[] = "podman\0--root\0/var/lib/mystorage\0run\0img";
	static const char podman_none[] = "podman\0run\0img";
	char out[PATH_MAX], conf[PATH_MAX], line[PATH_MAX + 64];
	size_t n;

	cmeta_docker_root_of(dockerd, sizeof(dockerd), out, sizeof(out));
	ASSERT_STREQ(out, "/tmp/e/docker", "--data-root X");
	cmeta_docker_root_of(dockerd_eq, sizeof(dockerd_eq), out, sizeof(out));
	ASSERT_STREQ(out, "/srv/docker", "--data-root=X");
	cmeta_docker_root_of(dockerd_g, sizeof(dockerd_g), out, sizeof(out));
	ASSERT_STREQ(out, "/old/docker", "-g X");
	/* only from its --config-file */
	write_file("daemon.json", "{\"data-root\": \"/from/config\", \"bridge\": \"none\"}");
	snprintf(conf, sizeof(conf), "%s/daemon.json", tmp);
	n = (size_t)snprintf(line, sizeof(line), "dockerd%c--config-file%c%s", 0, 0, conf);
	cmeta_docker_root_of(line, n + 1, out, sizeof(out));
	ASSERT_STREQ(out, "/from/config", "--config-file's data-root");
	cmeta_docker_root_of(dockerd_none, sizeof(dockerd_none), out, sizeof(out));
	ASSERT_TRUE(out[0] == '\0' || out[0] == '/', "none: /etc/docker/daemon.json or nothing");
	/* a truncated command line: the option without its value */
	cmeta_docker_root_of("dockerd\0--data-root", 19, out, sizeof(out));
	ASSERT_TRUE(out[0] == '\0' || out[0] == '/', "option without value");

	cmeta_podman_root_of(conmon, sizeof(conmon), out, sizeof(out));
	ASSERT_STREQ(out, "/tmp/p/root", "conmon's --exit-command-arg --root");
	cmeta_podman_root_of(podman, sizeof(podman), out, sizeof(out));
	ASSERT_STREQ(out, "/var/lib/mystorage", "podman --root");
	cmeta_podman_root_of(podman_none, sizeof(podman_none), out, sizeof(out));
	ASSERT_STREQ(out, "", "podman without --root");
	cmeta_podman_root_of("conmon\0--root\0--exit-command-arg", 32, out, sizeof(out));
	ASSERT_STREQ(out, "", "conmon cut short");
}

/* The system cache finds a running dockerd's --data-root by itself: a
 * script named dockerd (the kernel names the process after it) stands in. */
static void test_system_roots(void)
{
	const char *name, *image;
	char root[PATH_MAX], script[PATH_MAX], path[64], comm[32];
	struct cmeta *c;
	pid_t pid;
	int fds[2], i;
	FILE *f;

	write_file("sys/containers/" ID64 "/config.v2.json", docker_config);
	write_file("bin/dockerd", "#!/bin/sh\nread x\n");
	snprintf(root, sizeof(root), "%s/sys", tmp);
	snprintf(script, sizeof(script), "%s/bin/dockerd", tmp);
	chmod(script, 0755);
	if (!ASSERT_OK(pipe(fds), "pipe"))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[1]);
		execl(script, "dockerd", "--data-root", root, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	if (!ASSERT_TRUE(pid > 0, "fork"))
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 400; i++) {
		comm[0] = '\0';
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		if (!strcmp(comm, "dockerd\n"))
			break;
		usleep(5000);
	}
	ASSERT_STREQ(comm, "dockerd\n", "stand-in runs");
	c = cmeta_new_system();
	ASSERT_TRUE(cmeta_lookup(c, "docker", ID64, &name, &image), "found through its cmdline");
	ASSERT_STREQ(name, "lwe2629sb", "name");
	ASSERT_STREQ(image, "lwe2629img:latest", "image");
	cmeta_free(c);
	close(fds[1]); /* read x: EOF, it exits */
	waitpid(pid, NULL, 0);
}

/* A conmon (a script of that name stands in) names podman's storage root
 * on its command line: a hint with its pid is enough. */
static void test_hint_conmon(void)
{
	char root[PATH_MAX], script[PATH_MAX], path[64], comm[32];
	const char *name, *image;
	struct cmeta *c;
	int fds[2], i;
	pid_t pid;
	FILE *f;

	write_file("hinted/overlay-containers/containers.json", podman_containers);
	write_file("bin/conmon", "#!/bin/sh\nread x\n");
	snprintf(root, sizeof(root), "%s/hinted", tmp);
	snprintf(script, sizeof(script), "%s/bin/conmon", tmp);
	chmod(script, 0755);
	if (!ASSERT_OK(pipe(fds), "pipe"))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[1]);
		execl(script, "conmon", "-c", ID64B, "--exit-command-arg", "--root",
		      "--exit-command-arg", root, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	if (!ASSERT_TRUE(pid > 0, "fork"))
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 400; i++) {
		comm[0] = '\0';
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		if (!strcmp(comm, "conmon\n"))
			break;
		usleep(5000);
	}
	c = cmeta_new();
	ASSERT_FALSE(cmeta_lookup(c, "podman", ID64B, &name, &image), "no root yet");
	cmeta_hint_process(c, getpid()); /* not an engine: nothing */
	cmeta_hint_process(c, pid);
	sleep(1); /* past the retry interval of the miss */
	ASSERT_TRUE(cmeta_lookup(c, "podman", ID64B, &name, &image), "found through the hint");
	ASSERT_STREQ(name, "lwe7593ctr", "name");
	cmeta_free(c);
	close(fds[1]);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		printf("FAIL: mkdtemp\n");
		return 1;
	}
	RUN_TEST(test_docker);
	RUN_TEST(test_docker_hostile);
	RUN_TEST(test_podman);
	RUN_TEST(test_cmdlines);
	RUN_TEST(test_system_roots);
	RUN_TEST(test_hint_conmon);
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", tmp);
	}
	return test_summary();
}
