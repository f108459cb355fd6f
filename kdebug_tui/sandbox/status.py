"""Pod status from per-container states, as the kubelet computes phase and conditions."""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.cluster import now_iso

Obj = dict[str, Any]


def _container_status(name: str, c: Obj, t: Any) -> Obj:
    status: Obj = {"name": name, "image": t.image or c.get("image", ""), "imageID": t.image_id}
    if t.container_id:
        status["containerID"] = t.container_id
    status["lastState"] = t.last_state or {}
    status["ready"] = t.ready
    status["restartCount"] = t.restart_count
    if t.kind != "ephemeral":
        status["started"] = t.started
    status["state"] = t.state
    return status


def _phase(pod: Obj, run: Any, old_phase: str) -> str:
    if old_phase in ("Succeeded", "Failed"):
        return old_phase
    spec = pod["spec"]
    policy = spec.get("restartPolicy", "Always")
    for c in spec.get("initContainers") or []:
        t = run.containers.get(c["name"])
        term = t.state.get("terminated") if t else None
        if term is not None and term.get("exitCode") != 0 and policy == "Never":
            return "Failed"
    if not run.init_done:
        return "Pending"
    running = stopped = failed = succeeded = waiting = 0
    for c in spec.get("containers") or []:
        t = run.containers.get(c["name"])
        if t is None:
            waiting += 1
        elif "running" in t.state:
            running += 1
        elif "terminated" in t.state:
            stopped += 1
            if t.state["terminated"].get("exitCode") == 0:
                succeeded += 1
            else:
                failed += 1
        elif t.last_state.get("terminated"):
            stopped += 1  # waiting to restart after an exit
            if t.last_state["terminated"].get("exitCode") == 0:
                succeeded += 1
            else:
                failed += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if policy == "Always":
        return "Running"
    if policy == "OnFailure":
        return "Succeeded" if failed == 0 else "Running"
    return "Failed" if failed else "Succeeded"


def _condition(old: list[Obj], type_: str, value: bool, reason: str | None = None) -> Obj:
    text = "True" if value else "False"
    for cond in old:
        if cond.get("type") == type_ and cond.get("status") == text:
            return cond
    new: Obj = {
        "lastProbeTime": None,
        "lastTransitionTime": now_iso(),
        "status": text,
        "type": type_,
    }
    if reason and not value:
        new["reason"] = reason
    return new


def compute_status(pod: Obj, run: Any) -> Obj:
    old: Obj = dict(pod.get("status") or {})
    spec = pod["spec"]
    status: Obj = {
        k: v for k, v in old.items() if k in ("hostIP", "hostIPs", "podIP", "podIPs", "startTime")
    }
    phase = _phase(pod, run, old.get("phase", "Pending"))
    regular = spec.get("containers") or []
    ready = phase == "Running" and all(
        run.containers.get(c["name"]) is not None and run.containers[c["name"]].ready
        for c in regular
    )
    conditions = old.get("conditions") or []
    scheduled = bool(spec.get("nodeName"))
    done = phase in ("Succeeded", "Failed")
    not_ready_reason = "PodCompleted" if done else "ContainersNotReady"
    new_conditions = []
    if scheduled and "startTime" in status:
        new_conditions.append(_condition(conditions, "PodReadyToStartContainers", True))
        new_conditions.append(
            _condition(
                conditions,
                "Initialized",
                run.init_done or phase != "Pending",
                "ContainersNotInitialized",
            )
        )
        new_conditions.append(_condition(conditions, "Ready", ready, not_ready_reason))
        new_conditions.append(_condition(conditions, "ContainersReady", ready, not_ready_reason))
    new_conditions.append(_condition(conditions, "PodScheduled", scheduled, "Unschedulable"))
    status["conditions"] = new_conditions
    status["phase"] = phase
    status["qosClass"] = old.get("qosClass", "BestEffort")
    for key, field_name in (
        ("initContainers", "initContainerStatuses"),
        ("containers", "containerStatuses"),
        ("ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        statuses = [
            _container_status(c["name"], c, run.containers[c["name"]])
            for c in spec.get(key) or []
            if c["name"] in run.containers
        ]
        if key != "initContainers":  # the kubelet sorts these by name, not spec order
            statuses.sort(key=lambda entry: entry["name"])
        if statuses:
            status[field_name] = statuses
    return status
