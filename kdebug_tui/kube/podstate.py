"""Small readers of a pod dict: where a container is declared, its status, and its state in
words. Shared by pre-flight, inject-and-wait and the attach error explanations."""

from __future__ import annotations

from typing import Any

_SPEC_KINDS = (
    ("containers", "regular"),
    ("initContainers", "init"),
    ("ephemeralContainers", "ephemeral"),
)
_STATUS_KINDS = ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")


def container_spec(pod: dict[str, Any], name: str) -> tuple[dict[str, Any] | None, str]:
    """The container's spec and its kind ("regular", "init", "ephemeral"), or (None, "")."""
    spec = pod.get("spec") or {}
    for key, kind in _SPEC_KINDS:
        for container in spec.get(key) or []:
            if container.get("name") == name:
                return container, kind
    return None, ""


def container_status(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    status = pod.get("status") or {}
    for key in _STATUS_KINDS:
        for entry in status.get(key) or []:
            if entry.get("name") == name:
                return entry
    return None


def state_name(status: dict[str, Any] | None) -> str:
    """ "waiting", "running", "terminated", or "pending" when there is no status yet."""
    state = (status or {}).get("state") or {}
    for key in ("running", "terminated", "waiting"):
        if key in state:
            return key
    return "pending"


def describe_state(status: dict[str, Any] | None) -> str:
    """A container state in words: `terminated, reason Completed, exit code 0`."""
    if not status:
        return "no status yet"
    state = status.get("state") or {}
    if "running" in state:
        return "running"
    if "terminated" in state:
        term = state["terminated"] or {}
        parts = ["terminated"]
        if term.get("reason"):
            parts.append(f"reason {term['reason']}")
        if term.get("exitCode") is not None:
            parts.append(f"exit code {term['exitCode']}")
        return ", ".join(parts)
    if "waiting" in state:
        waiting = state["waiting"] or {}
        reason = waiting.get("reason") or "waiting"
        return f"waiting: {reason}"
    return "unknown state"
