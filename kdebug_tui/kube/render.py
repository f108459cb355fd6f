"""Pure functions from pod dicts (API JSON shape) to table rows, matching kubectl's output.

STATUS, READY and RESTARTS follow kubectl's pod printer (`printPod` in
pkg/printers/internalversion/printers.go); AGE follows apimachinery's `HumanDuration`.
Nothing here does I/O, so the UI can call it for thousands of rows and tests can feed it
recorded JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from kdebug_tui.kube.errors import sanitize

MANAGED_KEY = "kdebug-tui.io/session"
MANAGED_ENV = "KDEBUG_TUI_SESSION"
MANAGED_BY = ("app.kubernetes.io/managed-by", "kdebug-tui")  # what debug.py puts on pods

_PENDING = {"Pending", "ContainerCreating", "PodInitializing", "SchedulingGated"}
_WARN = {"NotReady", "Terminating", "Unschedulable"}


@dataclass(frozen=True)
class PodRow:
    namespace: str
    name: str
    ready: str
    status: str
    restarts: str
    age: str
    ip: str
    node: str
    uid: str
    status_class: str


@dataclass(frozen=True)
class ContainerRow:
    kind: str  # "init" | "regular" | "ephemeral"
    name: str
    image: str
    state: str  # "Running" | "Waiting" | "Terminated" | "Pending" (no status yet)
    reason: str
    exit_code: int | None
    restarts: int
    ready: bool
    target: str
    stdin: bool
    tty: bool
    started_at: str | None
    age: str
    message: str = ""


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


def _epoch(value: datetime | float | int) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def parse_time(value: Any) -> float | None:
    """RFC 3339 timestamp from the API -> epoch seconds (None if absent or unparseable)."""
    if not value or not isinstance(value, str):
        return None
    return _parse_time(value)


@lru_cache(maxsize=8192)
def _parse_time(value: str) -> float | None:
    # Pods share few distinct timestamps and every redraw asks again: cache the parse.
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def format_age(seconds: float | None) -> str:
    """kubectl's HumanDuration: 45s, 5m10s, 15m, 3h20m, 10h, 2d5h, 30d, 2y45d, 9y."""
    if seconds is None:
        return "<unknown>"
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 120:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 10:
        sec = whole % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = whole // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if days == 0 else f"{years}y{days}d"
    return f"{hours // 24 // 365}y"


def _since(timestamp: Any, now: float) -> str:
    when = parse_time(timestamp)
    return format_age(None if when is None else now - when)


def _restartable_init(container: dict[str, Any] | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _condition_true(status: dict[str, Any], kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in status.get("conditions") or []
    )


def _terminated_text(term: dict[str, Any], prefix: str = "") -> str:
    if term.get("reason"):
        return prefix + str(term["reason"])
    if term.get("signal"):
        return f"{prefix}Signal:{term['signal']}"
    return f"{prefix}ExitCode:{term.get('exitCode', 0)}"


def _last_finished(cs: dict[str, Any]) -> float | None:
    last = (cs.get("lastState") or {}).get("terminated")
    return parse_time(last.get("finishedAt")) if last else None


def pod_status(pod: dict[str, Any]) -> tuple[str, int, int, int, float | None]:
    """(STATUS, ready, total, restarts, last restart epoch) exactly as kubectl computes them."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(
        1 for c in init_specs.values() if _restartable_init(c)
    )
    ready = 0
    restarts = 0
    sidecar_restarts = 0
    last_restart: float | None = None
    last_sidecar_restart: float | None = None
    n_init = len(spec.get("initContainers") or [])

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        finished = _last_finished(cs)
        if finished is not None and (last_restart is None or finished > last_restart):
            last_restart = finished
        sidecar = _restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            if finished is not None and (
                last_sidecar_restart is None or finished > last_sidecar_restart
            ):
                last_sidecar_restart = finished
        state = cs.get("state") or {}
        term = state.get("terminated")
        waiting = state.get("waiting")
        if term is not None and int(term.get("exitCode") or 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term is not None:
            reason = _terminated_text(term, "Init:")
        elif (
            waiting is not None
            and waiting.get("reason")
            and (waiting["reason"] != "PodInitializing")
        ):
            reason = "Init:" + str(waiting["reason"])
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _condition_true(status, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            finished = _last_finished(cs)
            if finished is not None and (last_restart is None or finished > last_restart):
                last_restart = finished
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            term = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = str(waiting["reason"])
            elif term is not None:
                reason = _terminated_text(term)
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status, "Ready") else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason, ready, total, restarts, last_restart


def status_class(status: str, ready: int = 0, total: int = 0) -> str:
    """Colour class for a STATUS: ok, warn, error, done or pending."""
    if status in ("Completed", "Succeeded"):
        return "done"
    if status == "Running":
        return "ok" if ready >= total else "warn"
    if status in _PENDING or (status.startswith("Init:") and status[5:6].isdigit()):
        return "pending"
    if status in _WARN:
        return "warn"
    return "error"


def pod_row(pod: dict[str, Any], now: datetime | float) -> PodRow:
    t_now = _epoch(now)
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    reason, ready, total, restarts, last_restart = pod_status(pod)
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({format_age(t_now - last_restart)} ago)"
    ips = status.get("podIPs") or []
    ip = (ips[0].get("ip") if ips else None) or status.get("podIP") or "<none>"
    return PodRow(
        namespace=str(meta.get("namespace") or ""),
        name=str(meta.get("name") or ""),
        ready=f"{ready}/{total}",
        status=sanitize(reason, 60),
        restarts=restarts_text,
        age=_since(meta.get("creationTimestamp"), t_now),
        ip=str(ip),
        node=str((pod.get("spec") or {}).get("nodeName") or "<none>"),
        uid=str(meta.get("uid") or ""),
        status_class=status_class(reason, ready, total),
    )


def _state_fields(cs: dict[str, Any] | None) -> tuple[str, str, int | None, str | None, str]:
    """(state, reason, exit code, started at, message) of one container status."""
    if cs is None:
        return "Pending", "", None, None, ""
    state = cs.get("state") or {}
    if "running" in state:
        return "Running", "", None, (state["running"] or {}).get("startedAt"), ""
    if "terminated" in state:
        term = state["terminated"] or {}
        code = term.get("exitCode")
        return (
            "Terminated",
            str(term.get("reason") or ""),
            int(code) if code is not None else None,
            term.get("startedAt"),
            sanitize(term.get("message") or ""),
        )
    waiting = state.get("waiting") or {}
    return (
        "Waiting",
        str(waiting.get("reason") or ""),
        None,
        None,
        sanitize(waiting.get("message") or ""),
    )


def container_rows(pod: dict[str, Any], now: datetime | float) -> list[ContainerRow]:
    """Init, regular and ephemeral containers in spec order, joined with their statuses."""
    t_now = _epoch(now)
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    rows = []
    for kind, spec_key, status_key in (
        ("init", "initContainers", "initContainerStatuses"),
        ("regular", "containers", "containerStatuses"),
        ("ephemeral", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        statuses = {cs.get("name"): cs for cs in status.get(status_key) or []}
        for c in spec.get(spec_key) or []:
            cs = statuses.get(c.get("name"))
            state, reason, code, started, message = _state_fields(cs)
            rows.append(
                ContainerRow(
                    kind=kind,
                    name=str(c.get("name") or ""),
                    image=str(c.get("image") or ""),
                    state=state,
                    reason=sanitize(reason, 60),
                    exit_code=code,
                    restarts=int((cs or {}).get("restartCount") or 0),
                    ready=bool((cs or {}).get("ready")),
                    target=str(c.get("targetContainerName") or ""),
                    stdin=bool(c.get("stdin")),
                    tty=bool(c.get("tty")),
                    started_at=started,
                    age=_since(started, t_now) if started else "",
                    message=message,
                )
            )
    return rows


def security_summary(container: dict[str, Any]) -> str:
    """A few words for a container's securityContext, e.g. "caps +SYS_PTRACE"."""
    sc = container.get("securityContext") or {}
    parts = []
    if sc.get("privileged"):
        parts.append("privileged")
    if sc.get("runAsNonRoot"):
        parts.append("runAsNonRoot")
    if sc.get("runAsUser") is not None:
        parts.append(f"uid {sc['runAsUser']}")
    caps = sc.get("capabilities") or {}
    if caps.get("add"):
        parts.append("caps " + " ".join(f"+{c}" for c in caps["add"]))
    if caps.get("drop"):
        parts.append("drop " + " ".join(str(c) for c in caps["drop"]))
    return sanitize(", ".join(parts) or "default", 80)


def guess_profile(container: dict[str, Any]) -> str:
    """Which kubectl debug --profile most likely produced this ephemeral container."""
    sc = container.get("securityContext") or {}
    caps = sc.get("capabilities") or {}
    added = set(caps.get("add") or [])
    dropped = set(caps.get("drop") or [])
    if sc.get("privileged"):
        return "sysadmin"
    if sc.get("runAsNonRoot") and "ALL" in dropped and not added:
        return "restricted"
    if added == {"NET_ADMIN", "NET_RAW"}:
        return "netadmin"
    if added == {"SYS_PTRACE"}:
        return "general"
    if not sc or not any(sc.values()):
        return "legacy/baseline"
    return "custom"


def is_managed(pod: dict[str, Any], container: dict[str, Any]) -> bool:
    """Was this container created by kdebug-tui? (pod label/annotation or container env)."""
    for env in container.get("env") or []:
        if env.get("name") == MANAGED_ENV:
            return True
    meta = pod.get("metadata") or {}
    labels = meta.get("labels") or {}
    if MANAGED_KEY in labels or labels.get(MANAGED_BY[0]) == MANAGED_BY[1]:
        return True
    value = (meta.get("annotations") or {}).get(MANAGED_KEY)
    if value is None:
        return False
    try:
        names = json.loads(value)
    except ValueError:
        names = None
    if isinstance(names, list):
        return container.get("name") in names
    if isinstance(names, dict):
        return container.get("name") in names.get("containers", [container.get("name")])
    return True


def ephemeral_rows(pods: Any, now: datetime | float) -> list[EphemeralRow]:
    """Every ephemeral container of the given pods, in pod order then spec order."""
    t_now = _epoch(now)
    rows = []
    for pod in pods:
        meta = pod.get("metadata") or {}
        statuses = {
            cs.get("name"): cs
            for cs in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []
        }
        for c in (pod.get("spec") or {}).get("ephemeralContainers") or []:
            state, reason, code, started, _ = _state_fields(statuses.get(c.get("name")))
            rows.append(
                EphemeralRow(
                    namespace=str(meta.get("namespace") or ""),
                    pod=str(meta.get("name") or ""),
                    name=str(c.get("name") or ""),
                    target=str(c.get("targetContainerName") or ""),
                    image=str(c.get("image") or ""),
                    security=security_summary(c),
                    profile=guess_profile(c),
                    state=state,
                    reason=sanitize(reason, 60),
                    exit_code=code,
                    age=_since(started, t_now) if started else "",
                    attachable=state == "Running" and bool(c.get("stdin")) and bool(c.get("tty")),
                    managed=is_managed(pod, c),
                    pod_uid=str(meta.get("uid") or ""),
                )
            )
    return rows
