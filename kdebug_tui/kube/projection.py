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

from kdebug_tui.kube.podfields import d, ds
from kdebug_tui.kube.triage import MANAGED_BY, MANAGED_ENV, MANAGED_KEY

Obj = dict[str, Any]
PROJECTED = "kdebug-tui.io/projected"  # marks a projection (never sent to the server)
_META = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
_META_OPTIONAL = ("deletionTimestamp", "deletionGracePeriodSeconds")
_CONTAINER = ("name", "image", "stdin", "tty", "restartPolicy", "targetContainerName")
_STATUS = ("phase", "reason", "message", "podIP", "nominatedNodeName")
_CONDITION = ("type", "status", "reason")
_CONDITIONS_READ = {"Ready", "PodScheduled", "Initialized"}
_CONTAINER_STATUS = ("name", "ready", "restartCount", "started", "state", "lastState")
# Values repeated across pods (namespaces, nodes, images, phases, reasons) are interned;
# names, uids, versions and timestamps are unique, and interning those would only cost.
_SHARED = {"namespace", "image", "phase", "reason", "type", "status", "name", "restartPolicy"}
_LABELS_READ = (MANAGED_KEY, MANAGED_BY[0])  # triage.is_managed reads only these
_MARK = {PROJECTED: "true"}  # one dict for every projection: readers never change it
_intern = sys.intern


def _pick(src: Any, keys: tuple[str, ...], shared: bool = True) -> Obj:
    if not isinstance(src, dict):
        return {}
    out: Obj = {}
    for key in keys:
        value = src.get(key)
        if value is not None:
            if shared and key in _SHARED and isinstance(value, str) and len(value) < 80:
                value = _intern(value)
            out[key] = value
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
    if isinstance(m.get("namespace"), str):
        m["namespace"] = _intern(m["namespace"])
    labels = d(meta.get("labels"))
    kept = {k: str(labels[k]) for k in _LABELS_READ if k in labels}
    if kept:
        m["labels"] = kept
    annotations = d(meta.get("annotations"))
    if MANAGED_KEY in annotations:
        m["annotations"] = {**_MARK, MANAGED_KEY: annotations[MANAGED_KEY]}
    else:
        m["annotations"] = _MARK
    s: Obj = {}
    for key in ("nodeName", "readinessGates", "hostNetwork"):
        if spec.get(key) is not None:
            s[key] = _intern(spec[key]) if key == "nodeName" else spec[key]
    for key in ("containers", "initContainers", "ephemeralContainers"):
        if spec.get(key):
            s[key] = [_container(c, key == "ephemeralContainers") for c in spec[key]]
    st = _pick(status, _STATUS)
    # render.py reads Ready and Initialized, and PodScheduled only when it is not True.
    conditions = [
        _pick(c, _CONDITION)
        for c in ds(status.get("conditions"))
        if c.get("type") in _CONDITIONS_READ
        and (c.get("type") != "PodScheduled" or c.get("status") != "True")
    ]
    if conditions:
        st["conditions"] = conditions
    ips = ds(status.get("podIPs"))
    if ips and ips[0].get("ip") != st.get("podIP"):
        st["podIPs"] = ips
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        if status.get(key):
            st[key] = _statuses(status[key])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": s, "status": st}


def is_projection(pod: Obj) -> bool:
    """True for a store entry: fetch the pod before showing or reusing all of it."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    return isinstance(annotations, dict) and annotations.get(PROJECTED) == "true"
