"""The part of a pod the list, the containers pane and triage read; the rest is dropped.

A pod from the API is several KB of JSON and far more as Python dicts (managedFields,
volumes, env, resources, tolerations, affinity...). The pod store holds, per pod, only the
fields render.py (table and container rows) and triage.py read, as a smaller pod-shaped
dict, so every reader keeps working on the same paths. Views that show or reuse the whole
object (YAML, describe, the debug form) fetch it when opened. Strings repeated across pods
(namespaces, nodes, images, states) are interned: one copy for 150,000 pods.
"""

from __future__ import annotations

import sys
from typing import Any

from kdebug_tui.kube.podfields import d
from kdebug_tui.kube.triage import MANAGED_ENV, MANAGED_KEY

Obj = dict[str, Any]
PROJECTED = "kdebug-tui.io/projected"  # marks a projection (never sent to the server)
_META = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
_META_OPTIONAL = ("deletionTimestamp", "deletionGracePeriodSeconds", "generateName")
_CONTAINER = ("name", "image", "stdin", "tty", "restartPolicy", "targetContainerName")
_STATUS = ("phase", "reason", "message", "podIP", "hostIP", "nominatedNodeName", "startTime")
_CONDITION = ("type", "status", "reason")
_CONTAINER_STATUS = ("name", "ready", "restartCount", "started", "image", "state", "lastState")
_intern = sys.intern


def _pick(src: Any, keys: tuple[str, ...]) -> Obj:
    if not isinstance(src, dict):
        return {}
    out: Obj = {}
    for key in keys:
        value = src.get(key)
        if value is not None:
            out[key] = _intern(value) if isinstance(value, str) and len(value) < 80 else value
    return out


def _container(c: Any, full: bool) -> Obj:
    if not isinstance(c, dict):
        return {}
    if full:  # ephemeral containers: triage reads their whole spec (few per pod)
        return c
    out = _pick(c, _CONTAINER)
    security = c.get("securityContext")
    if security:
        out["securityContext"] = security
    env = [e for e in c.get("env") or [] if isinstance(e, dict) and e.get("name") == MANAGED_ENV]
    if env:
        out["env"] = env
    return out


def _statuses(items: Any) -> list[Obj]:
    return [_pick(s, _CONTAINER_STATUS) for s in items or [] if isinstance(s, dict)]


def project(pod: Obj) -> Obj:
    """A pod-shaped dict with only what our list, container rows and triage read."""
    meta: Obj = d(pod.get("metadata"))
    spec: Obj = d(pod.get("spec"))
    status: Obj = d(pod.get("status"))
    m = _pick(meta, _META + _META_OPTIONAL)
    labels = meta.get("labels")
    if labels:
        m["labels"] = {_intern(k): _intern(str(v)) for k, v in labels.items()}
    annotations = meta.get("annotations") or {}
    marks = {PROJECTED: "true"}
    if isinstance(annotations, dict) and MANAGED_KEY in annotations:
        marks[MANAGED_KEY] = annotations[MANAGED_KEY]
    m["annotations"] = marks
    s: Obj = {}
    for key in ("nodeName", "readinessGates", "hostNetwork"):
        if spec.get(key) is not None:
            s[key] = _intern(spec[key]) if key == "nodeName" else spec[key]
    for key in ("containers", "initContainers", "ephemeralContainers"):
        if spec.get(key):
            s[key] = [_container(c, key == "ephemeralContainers") for c in spec[key]]
    st = _pick(status, _STATUS)
    conditions = status.get("conditions")
    if conditions:
        st["conditions"] = [_pick(c, _CONDITION) for c in conditions]
    if status.get("podIPs"):
        st["podIPs"] = status["podIPs"]
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        if status.get(key):
            st[key] = _statuses(status[key])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": s, "status": st}


def is_projection(pod: Obj) -> bool:
    """True for a store entry: fetch the pod before showing or reusing all of it."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    return isinstance(annotations, dict) and annotations.get(PROJECTED) == "true"
