/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The names users know a container by (its name and image), from the
 * engine's own state on disk: no socket, no network call.
 *
 *   docker: DATA-ROOT/containers/<id>/config.v2.json ("Name",
 *           "Config.Image"); DATA-ROOT from each running dockerd's
 *           --data-root (-g, --graph), else "data-root" of its
 *           --config-file or /etc/docker/daemon.json, else /var/lib/docker.
 *   podman: GRAPHROOT/<driver>-containers/containers.json ("names",
 *           "metadata" image-name), GRAPHROOT/<driver>-images/images.json
 *           (names of the image id); GRAPHROOT from --root of running
 *           podman and conmon processes, else /etc/containers/storage.conf,
 *           else /var/lib/containers/storage.
 *
 * Results are cached per container id (a miss is retried after a second,
 * the engines' roots searched again at most every 5 s; the makers of
 * containers' cgroups are asked at once), files are read
 * with a size cap, and nothing waits on another process. The process table asks
 * as soon as a container's cgroup is made, while the engine's state is
 * surely there (`docker run --rm` removes it when the container ends).
 */
#ifndef __LW_CONTAINER_META_H
#define __LW_CONTAINER_META_H

#include <stdbool.h>
#include <sys/types.h>

struct cmeta;

/* A cache that looks only in the roots added (tests). */
struct cmeta *cmeta_new(void);
/* A cache that finds the engines' roots on this host by itself. */
struct cmeta *cmeta_new_system(void);
void cmeta_free(struct cmeta *c);
int cmeta_add_docker_root(struct cmeta *c, const char *dir);
int cmeta_add_podman_root(struct cmeta *c, const char *dir);

/* The name and image of container id of runtime ("docker", "podman"; other
 * runtimes have none). Strings owned by the cache, valid until the next
 * call; NULL when unknown. Returns whether either is known. */
bool cmeta_lookup(struct cmeta *c, const char *runtime, const char *id, const char **name,
		  const char **image);

/* pid may be an engine's process (the maker of a container's cgroup, or
 * its parent: runc under conmon): take the root its command line names. */
void cmeta_hint_process(struct cmeta *c, pid_t pid);

/* The data root a dockerd command line (NUL-separated arguments) names,
 * directly or through its --config-file; "" when it names none. */
void cmeta_docker_root_of(const char *cmdline, size_t len, char *out, size_t size);
/* The storage root (--root) a podman or conmon command line names. */
void cmeta_podman_root_of(const char *cmdline, size_t len, char *out, size_t size);

#endif /* __LW_CONTAINER_META_H */
