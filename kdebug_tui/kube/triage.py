"""Rows for the triage view: every ephemeral container across pods, with what it may do."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kdebug_tui.kube.errors import sanitize
from kdebug_tui.kube.podfields import d, ds, epoch, s, since, state_fields

MANAGED_KEY = "kdebug-tui.io/session"
MANAGED_ENV = "KDEBUG_TUI_SESSION"
MANAGED_BY = ("app.kubernetes.io/managed-by", "kdebug-tui")  # what debug.py puts on pods


@dataclass(frozen=True)
class EphemeralRow:
    namespace: str
    pod: str
    name: str
    target: str
    image: str
    security: str
    profile: str
    state: str
    reason: str
    exit_code: int | None
    age: str
    attachable: bool
    managed: bool
    pod_uid: str = ""


def _strings(value: Any) -> list[str]:
    return [s(v) for v in value if s(v)] if isinstance(value, list) else []


def security_summary(container: dict[str, Any]) -> str:
    """A few words for a container's securityContext, e.g. "caps +SYS_PTRACE"."""
    sc = d(container.get("securityContext"))
    parts = []
    if sc.get("privileged") is True:
        parts.append("privileged")
    if sc.get("runAsNonRoot") is True:
        parts.append("runAsNonRoot")
    if sc.get("runAsUser") is not None:
        parts.append(f"uid {s(sc['runAsUser'])}")
    caps = d(sc.get("capabilities"))
    if _strings(caps.get("add")):
        parts.append("caps " + " ".join(f"+{c}" for c in _strings(caps.get("add"))))
    if _strings(caps.get("drop")):
        parts.append("drop " + " ".join(_strings(caps.get("drop"))))
    return sanitize(", ".join(parts) or "default", 80)


def guess_profile(container: dict[str, Any]) -> str:
    """Which kubectl debug --profile most likely produced this ephemeral container."""
    sc = d(container.get("securityContext"))
    caps = d(sc.get("capabilities"))
    added = set(_strings(caps.get("add")))
    dropped = set(_strings(caps.get("drop")))
    if sc.get("privileged") is True:
        return "sysadmin"
    if sc.get("runAsNonRoot") is True and "ALL" in dropped and not added:
        return "restricted"
    if added == {"NET_ADMIN", "NET_RAW"}:
        return "netadmin"
    if added == {"SYS_PTRACE"}:
        return "general"
    if not any(v for v in sc.values() if v not in ({}, [], None)):
        return "legacy/baseline"
    return "custom"


def is_managed(pod: dict[str, Any], container: dict[str, Any]) -> bool:
    """Was this container created by kdebug-tui? (pod labels/annotation or container env)."""
    if any(env.get("name") == MANAGED_ENV for env in ds(container.get("env"))):
        return True
    meta = d(pod.get("metadata"))
    labels = d(meta.get("labels"))
    if MANAGED_KEY in labels or labels.get(MANAGED_BY[0]) == MANAGED_BY[1]:
        return True
    value = d(meta.get("annotations")).get(MANAGED_KEY)
    if not isinstance(value, str):
        return False
    try:
        names = json.loads(value)
    except ValueError:
        return True  # a plain session id: the whole pod is ours
    if isinstance(names, list):
        return container.get("name") in names
    if isinstance(names, dict) and isinstance(names.get("containers"), list):
        return container.get("name") in names["containers"]
    return True


def ephemeral_rows(pods: Any, now: datetime | float) -> list[EphemeralRow]:
    """Every ephemeral container of the given pods, in pod order then spec order."""
    t_now = epoch(now)
    rows = []
    for pod in pods:
        if not isinstance(pod, dict):
            continue
        meta = d(pod.get("metadata"))
        statuses = {
            s(cs.get("name")): cs
            for cs in ds(d(pod.get("status")).get("ephemeralContainerStatuses"))
        }
        for c in ds(d(pod.get("spec")).get("ephemeralContainers")):
            state, reason, code, started, _ = state_fields(statuses.get(s(c.get("name"))))
            rows.append(
                EphemeralRow(
                    namespace=s(meta.get("namespace")),
                    pod=s(meta.get("name")),
                    name=s(c.get("name")),
                    target=s(c.get("targetContainerName")),
                    image=s(c.get("image")),
                    security=security_summary(c),
                    profile=guess_profile(c),
                    state=state,
                    reason=reason,
                    exit_code=code,
                    age=since(started, t_now) if started else "",
                    attachable=state == "Running"
                    and c.get("stdin") is True
                    and c.get("tty") is True,
                    managed=is_managed(pod, c),
                    pod_uid=s(meta.get("uid")),
                )
            )
    return rows
