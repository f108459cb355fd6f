"""Canonical forms of pods and containers, to compare what we send with what a server stored.

The API server fills in defaults (imagePullPolicy, terminationMessagePath, resources: {},
dnsPolicy, the service-account token volume and its mounts, default tolerations...) and the
scheduler sets nodeName. Both sides are reduced to the same canonical form (defaults removed,
generated names replaced by placeholders), so a remaining difference is a real one.
"""

from __future__ import annotations

import copy
import re
from typing import Any

_TOKEN_VOLUME = re.compile(r"^kube-api-access-[a-z0-9]+$")
_GENERATED = [
    (re.compile(r"^debugger-[bcdfghjklmnpqrstvwxz2456789]{5}$"), "debugger-XXXXX"),
    (re.compile(r"^(node-debugger-.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$"), r"\1-XXXXX"),
]
_SPEC_DEFAULTS: dict[str, Any] = {
    "dnsPolicy": "ClusterFirst",
    "enableServiceLinks": True,
    "preemptionPolicy": "PreemptLowerPriority",
    "priority": 0,
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "serviceAccount": "default",
    "serviceAccountName": "default",
    "terminationGracePeriodSeconds": 30,
    "restartPolicy": "Always",
}
_DEFAULT_TOLERATIONS = [
    {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "tolerationSeconds": 300,
    },
    {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "tolerationSeconds": 300,
    },
]


def generated(name: str) -> str:
    for pattern, replacement in _GENERATED:
        if pattern.match(name):
            return pattern.sub(replacement, name)
    return name


def default_pull_policy(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return "IfNotPresent"
    tag = last.split(":", 1)[1] if ":" in last else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def canonical_container(container: dict[str, Any]) -> dict[str, Any]:
    c = copy.deepcopy(container)
    c["name"] = generated(c.get("name", ""))
    if c.get("imagePullPolicy") == default_pull_policy(c.get("image", "")):
        del c["imagePullPolicy"]
    if c.get("terminationMessagePath") == "/dev/termination-log":
        del c["terminationMessagePath"]
    if c.get("terminationMessagePolicy") == "File":
        del c["terminationMessagePolicy"]
    for key in ("resources",):
        if c.get(key) == {}:
            del c[key]
    for key in ("stdin", "tty", "stdinOnce"):
        if c.get(key) is False:
            del c[key]
    mounts = [m for m in c.get("volumeMounts") or [] if not _TOKEN_VOLUME.match(m.get("name", ""))]
    if mounts:
        c["volumeMounts"] = mounts
    else:
        c.pop("volumeMounts", None)
    for key in ("command", "args", "env"):
        if c.get(key) == []:
            del c[key]
    return c


def canonical_pod(pod: dict[str, Any], *, ignore_labels: tuple[str, ...] = ()) -> dict[str, Any]:
    meta = pod.get("metadata") or {}
    out_meta: dict[str, Any] = {"name": generated(meta.get("name", ""))}
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k not in ignore_labels}
    if labels:
        out_meta["labels"] = labels
    if meta.get("annotations"):
        out_meta["annotations"] = dict(meta["annotations"])
    spec = copy.deepcopy(pod.get("spec") or {})
    for key, value in _SPEC_DEFAULTS.items():
        if spec.get(key) == value:
            del spec[key]
    if spec.get("tolerations") == _DEFAULT_TOLERATIONS:
        del spec["tolerations"]
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is False:
            del spec[key]
    spec.pop("nodeName", None)  # set by the scheduler when the client left it empty
    volumes = []
    for volume in spec.get("volumes") or []:
        if _TOKEN_VOLUME.match(volume.get("name", "")):
            continue
        volume = copy.deepcopy(volume)
        if (volume.get("hostPath") or {}).get("type") == "":
            del volume["hostPath"]["type"]
        volumes.append(volume)
    if volumes:
        spec["volumes"] = volumes
    else:
        spec.pop("volumes", None)
    for kind in ("containers", "initContainers", "ephemeralContainers"):
        if kind in spec:
            spec[kind] = [canonical_container(c) for c in spec[kind]]
            if not spec[kind]:
                del spec[kind]
    return {"metadata": out_meta, "spec": spec}


def diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Field-by-field differences, as `path: ours != theirs` lines."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            if key not in a:
                out.append(f"{path}.{key}: missing in ours, theirs = {b[key]!r}")
            elif key not in b:
                out.append(f"{path}.{key}: ours = {a[key]!r}, missing in theirs")
            else:
                out.extend(diff(a[key], b[key], f"{path}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            out.extend(diff(x, y, f"{path}[{index}]"))
        return out
    return [] if a == b else [f"{path}: ours = {a!r}, theirs = {b!r}"]
