#!/usr/bin/python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Read deploy/'s Kubernetes manifests for the tests (python3-yaml).

    manifest.py render PATH                 the objects of a manifest file or
                                            of a kustomization directory, as YAML
    manifest.py check-kustomize DIR...      every kustomization renders: known
                                            keys only, resources exist, every
                                            patch op applies to its target
    manifest.py run-args PATH CONTAINER OUTDIR [HOSTPATH=DIR]...
                                            podman run arguments (one a line,
                                            before the image) for CONTAINER
                                            (a container or init container of
                                            the DaemonSet): its securityContext,
                                            hostPID/hostNetwork, volumes and
                                            limits; ConfigMap volumes are
                                            written under OUTDIR; HOSTPATH=DIR
                                            binds DIR where the manifest says
                                            hostPath HOSTPATH
    manifest.py command PATH CONTAINER      its command + args, one a line
    manifest.py probe PATH CONTAINER KIND   the exec command of its KIND probe
                                            (startupProbe, livenessProbe)

`kubectl kustomize` is not installable here: `render` implements the part of
kustomize deploy/ uses (resources, JSON 6902 `patches` with a target) and
refuses anything else, so a kustomization using more fails the check rather
than being half-read.
"""
import os
import sys

import yaml

KNOWN_KEYS = {"apiVersion", "kind", "resources", "patches", "metadata"}


class Bad(Exception):
    pass


def load_objects(path):
    if os.path.isdir(path):
        return kustomize(path)
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def pointer(doc, path):
    """The parent container and last key of JSON pointer PATH in doc."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]
    if not parts:
        raise Bad(f"empty path {path!r}")
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, list):
            if not p.isdigit() or int(p) >= len(cur):
                raise Bad(f"{path}: no index {p}")
            cur = cur[int(p)]
        elif isinstance(cur, dict):
            if p not in cur:
                raise Bad(f"{path}: no key {p}")
            cur = cur[p]
        else:
            raise Bad(f"{path}: {p} is not a container")
    return cur, parts[-1]


def apply_op(doc, op):
    kind, path = op.get("op"), op.get("path", "")
    parent, last = pointer(doc, path)
    if kind == "add":
        if isinstance(parent, list):
            if last == "-":
                parent.append(op["value"])
            elif last.isdigit() and int(last) <= len(parent):
                parent.insert(int(last), op["value"])
            else:
                raise Bad(f"{path}: bad index")
        else:
            parent[last] = op["value"]
    elif kind in ("replace", "remove"):
        if isinstance(parent, list):
            if not last.isdigit() or int(last) >= len(parent):
                raise Bad(f"{path}: no index {last}")
            idx = int(last)
        else:
            if last not in parent:
                raise Bad(f"{path}: nothing to {kind}")
            idx = last
        if kind == "replace":
            parent[idx] = op["value"]
        else:
            del parent[idx]
    elif kind == "test":
        if isinstance(parent, list):
            val = parent[int(last)]
        else:
            val = parent.get(last)
        if val != op["value"]:
            raise Bad(f"{path}: is {val!r}, the patch expects {op['value']!r}")
    else:
        raise Bad(f"op {kind!r} is not supported here")


def kustomize(d):
    f = os.path.join(d, "kustomization.yaml")
    if not os.path.exists(f):
        raise Bad(f"{d}: no kustomization.yaml")
    with open(f) as fh:
        k = yaml.safe_load(fh)
    unknown = set(k) - KNOWN_KEYS
    if unknown:
        raise Bad(f"{f}: keys this check does not implement: {sorted(unknown)}")
    if k.get("kind") != "Kustomization":
        raise Bad(f"{f}: kind is not Kustomization")
    objs = []
    for r in k.get("resources") or []:
        p = os.path.abspath(os.path.join(d, r))
        if not os.path.exists(p):
            raise Bad(f"{f}: resource {r} does not exist")
        if os.path.isfile(p) and os.path.commonpath([p, os.path.abspath(d)]) != os.path.abspath(d):
            raise Bad(f"{f}: file {r} is outside the kustomization (kustomize refuses it)")
        objs += load_objects(p)
    for patch in k.get("patches") or []:
        tgt = patch.get("target") or {}
        if set(patch) - {"target", "patch"} or not tgt:
            raise Bad(f"{f}: only inline JSON 6902 patches with a target")
        ops = yaml.safe_load(patch["patch"])
        hits = [o for o in objs
                if all(o.get("kind") == v if key == "kind" else o["metadata"].get(key) == v
                       for key, v in tgt.items())]
        if len(hits) != 1:
            raise Bad(f"{f}: target {tgt} matches {len(hits)} objects")
        for op in ops:
            try:
                apply_op(hits[0], op)
            except (Bad, KeyError) as e:
                raise Bad(f"{f}: {e}")
    return objs


def daemonset(path):
    (ds,) = [o for o in load_objects(path) if o.get("kind") == "DaemonSet"]
    return ds


def container(path, name):
    spec = daemonset(path)["spec"]["template"]["spec"]
    for c in (spec.get("initContainers") or []) + spec["containers"]:
        if c["name"] == name:
            return spec, c
    raise Bad(f"no container {name}")


def mem_bytes(q):
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}
    for u, m in units.items():
        if str(q).endswith(u):
            return int(str(q)[:-2]) * m
    return int(q)


def run_args(path, name, outdir, subst):
    spec, c = container(path, name)
    objs = {(o["kind"], o["metadata"]["name"]): o for o in load_objects(path)}
    a = []
    sc = c.get("securityContext") or {}
    if "runAsUser" in sc:
        a += ["--user", str(sc["runAsUser"])]
    if sc.get("privileged"):
        a += ["--privileged"]
    caps = sc.get("capabilities") or {}
    for cap in caps.get("drop") or []:
        a += ["--cap-drop", cap]
    for cap in caps.get("add") or []:
        a += ["--cap-add", cap]
    if sc.get("readOnlyRootFilesystem"):
        a += ["--read-only"]
    if sc.get("allowPrivilegeEscalation") is False:
        a += ["--security-opt", "no-new-privileges"]
    sp = (sc.get("seccompProfile") or {}).get("type")
    if sp == "Unconfined":
        a += ["--security-opt", "seccomp=unconfined"]
    elif sp not in (None, "RuntimeDefault"):
        raise Bad(f"seccompProfile {sp} not handled")
    if spec.get("hostPID"):
        a += ["--pid", "host"]
    # no host network: the pod's own namespace, here one with nothing in it
    a += ["--network", "host" if spec.get("hostNetwork") else "none"]
    lim = (c.get("resources") or {}).get("limits") or {}
    if "memory" in lim:
        a += ["--memory", str(mem_bytes(lim["memory"]))]
    vols = {v["name"]: v for v in spec.get("volumes") or []}
    prop = {None: "rprivate", "None": "rprivate", "HostToContainer": "rslave",
            "Bidirectional": "rshared"}
    for m in c.get("volumeMounts") or []:
        v = vols[m["name"]]
        ro = ",ro=true" if m.get("readOnly") else ""
        if "hostPath" in v:
            src = subst.get(v["hostPath"]["path"], v["hostPath"]["path"])
            t = v["hostPath"].get("type", "")
            if t == "Directory" and not os.path.isdir(src):
                raise Bad(f"hostPath {src} (type Directory) does not exist")
            if t == "DirectoryOrCreate":
                os.makedirs(src, exist_ok=True)
            a += ["--mount", f"type=bind,src={src},dst={m['mountPath']}{ro},"
                  f"bind-propagation={prop[m.get('mountPropagation')]}"]
        elif "configMap" in v:
            cm = objs[("ConfigMap", v["configMap"]["name"])]
            d = os.path.join(outdir, "configmap-" + m["name"])
            os.makedirs(d, exist_ok=True)
            for k, val in cm["data"].items():
                with open(os.path.join(d, k), "w") as f:
                    f.write(val)
            a += ["--mount", f"type=bind,src={d},dst={m['mountPath']},ro=true"]
        elif "emptyDir" in v:
            size = v["emptyDir"].get("sizeLimit")
            a += ["--mount", f"type=tmpfs,dst={m['mountPath']}"
                  + (f",tmpfs-size={mem_bytes(size)}" if size else "")]
        else:
            raise Bad(f"volume {m['name']}: kind not handled")
    if c.get("command"):
        a += ["--entrypoint", c["command"][0]]
    return a


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path = argv[1], argv[2]
    try:
        if cmd == "render":
            print(yaml.safe_dump_all(load_objects(path), sort_keys=False))
        elif cmd == "check-kustomize":
            for d in argv[2:]:
                objs = kustomize(d)
                if not any(o.get("kind") == "DaemonSet" for o in objs):
                    raise Bad(f"{d}: renders no DaemonSet")
        elif cmd == "run-args":
            subst = dict(s.split("=", 1) for s in argv[5:])
            print("\n".join(run_args(path, argv[3], argv[4], subst)))
        elif cmd == "command":
            _, c = container(path, argv[3])
            print("\n".join((c.get("command") or [])[1:] + (c.get("args") or [])))
        elif cmd == "probe":
            _, c = container(path, argv[3])
            print("\n".join(c[argv[4]]["exec"]["command"]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Bad as e:
        print(f"manifest.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
