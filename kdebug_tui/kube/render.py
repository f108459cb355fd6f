"""Pure functions from pod dicts (API JSON shape) to table rows, matching kubectl's output.

STATUS, READY and RESTARTS follow kubectl's pod printer (`printPod` in
pkg/printers/internalversion/printers.go); AGE follows apimachinery's `HumanDuration`.
Nothing here does I/O, so the UI can call it for thousands of rows and tests can feed it
recorded JSON. Reads go through podfields, so no pod shape makes these raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kdebug_tui.kube.errors import sanitize
from kdebug_tui.kube.podfields import (
    d,
    ds,
    epoch,
    format_age,
    n,
    parse_time,
    s,
    since,
    state_fields,
)
from kdebug_tui.kube.triage import (
    EphemeralRow,
    ephemeral_rows,
    guess_profile,
    is_managed,
    security_summary,
)

__all__ = [
    "ContainerRow",
    "EphemeralRow",
    "PodRow",
    "container_rows",
    "ephemeral_rows",
    "format_age",
    "guess_profile",
    "is_managed",
    "parse_time",
    "pod_row",
    "pod_status",
    "security_summary",
    "status_class",
]

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


def _restartable_init(container: dict[str, Any] | None) -> bool:
    return container is not None and container.get("restartPolicy") == "Always"


def _condition_true(status: dict[str, Any], kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in ds(status.get("conditions"))
    )


def _terminated_text(term: dict[str, Any], prefix: str = "") -> str:
    if s(term.get("reason")):
        return prefix + s(term["reason"])
    if n(term.get("signal")):
        return f"{prefix}Signal:{n(term['signal'])}"
    return f"{prefix}ExitCode:{n(term.get('exitCode'))}"


def _last_finished(cs: dict[str, Any]) -> float | None:
    last = d(d(cs.get("lastState")).get("terminated"))
    return parse_time(last.get("finishedAt")) if last else None


def _later(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    return a if b is None or a > b else b


def pod_status(pod: dict[str, Any]) -> tuple[str, int, int, int, float | None]:
    """(STATUS, ready, total, restarts, last restart epoch) exactly as kubectl computes them."""
    spec = d(pod.get("spec"))
    status = d(pod.get("status"))
    meta = d(pod.get("metadata"))
    phase = s(status.get("phase"))
    reason = s(status.get("reason")) or phase
    for cond in ds(status.get("conditions")):
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_list = ds(spec.get("initContainers"))
    init_specs = {s(c.get("name")): c for c in init_list}
    total = len(ds(spec.get("containers"))) + sum(1 for c in init_list if _restartable_init(c))
    ready = 0
    restarts = 0
    sidecar_restarts = 0
    last_restart: float | None = None
    last_sidecar_restart: float | None = None

    initializing = False
    for i, cs in enumerate(ds(status.get("initContainerStatuses"))):
        count = n(cs.get("restartCount"))
        finished = _last_finished(cs)
        restarts += count
        last_restart = _later(last_restart, finished)
        sidecar = _restartable_init(init_specs.get(s(cs.get("name"))))
        if sidecar:
            sidecar_restarts += count
            last_sidecar_restart = _later(last_sidecar_restart, finished)
        state = d(cs.get("state"))
        term = d(state.get("terminated")) if "terminated" in state else None
        waiting = d(state.get("waiting")) if "waiting" in state else None
        if term is not None and n(term.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started") is True:
            if cs.get("ready") is True:
                ready += 1
            continue
        if term is not None:
            reason = _terminated_text(term, "Init:")
        elif waiting is not None and s(waiting.get("reason")) not in ("", "PodInitializing"):
            reason = "Init:" + s(waiting["reason"])
        else:
            reason = f"Init:{i}/{len(init_list)}"
        initializing = True
        break

    if not initializing or _condition_true(status, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(ds(status.get("containerStatuses"))):
            restarts += n(cs.get("restartCount"))
            last_restart = _later(last_restart, _last_finished(cs))
            state = d(cs.get("state"))
            waiting = d(state.get("waiting"))
            if s(waiting.get("reason")):
                reason = s(waiting["reason"])
            elif "terminated" in state:
                reason = _terminated_text(d(state["terminated"]))
            elif cs.get("ready") is True and "running" in state:
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
    t_now = epoch(now)
    pod = d(pod)
    meta = d(pod.get("metadata"))
    status = d(pod.get("status"))
    reason, ready, total, restarts, last_restart = pod_status(pod)
    reason = sanitize(reason, 60)
    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({format_age(t_now - last_restart)} ago)"
    ips = ds(status.get("podIPs"))
    ip = (s(ips[0].get("ip")) if ips else "") or s(status.get("podIP")) or "<none>"
    return PodRow(
        namespace=s(meta.get("namespace")),
        name=s(meta.get("name")),
        ready=f"{ready}/{total}",
        status=reason,
        restarts=restarts_text,
        age=since(meta.get("creationTimestamp"), t_now),
        ip=sanitize(ip, 45),
        node=sanitize(s(d(pod.get("spec")).get("nodeName")) or "<none>", 253),
        uid=s(meta.get("uid")),
        status_class=status_class(reason, ready, total),
    )


def container_rows(pod: dict[str, Any], now: datetime | float) -> list[ContainerRow]:
    """Init, regular and ephemeral containers in spec order, joined with their statuses."""
    t_now = epoch(now)
    pod = d(pod)
    spec = d(pod.get("spec"))
    status = d(pod.get("status"))
    rows = []
    for kind, spec_key, status_key in (
        ("init", "initContainers", "initContainerStatuses"),
        ("regular", "containers", "containerStatuses"),
        ("ephemeral", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        statuses = {s(cs.get("name")): cs for cs in ds(status.get(status_key))}
        for c in ds(spec.get(spec_key)):
            cs = statuses.get(s(c.get("name")))
            state, reason, code, started, message = state_fields(cs)
            rows.append(
                ContainerRow(
                    kind=kind,
                    name=s(c.get("name")),
                    image=s(c.get("image")),
                    state=state,
                    reason=reason,
                    exit_code=code,
                    restarts=n((cs or {}).get("restartCount")),
                    ready=(cs or {}).get("ready") is True,
                    target=s(c.get("targetContainerName")),
                    stdin=c.get("stdin") is True,
                    tty=c.get("tty") is True,
                    started_at=started,
                    age=since(started, t_now) if started else "",
                    message=message,
                )
            )
    return rows
