"""The triage table's columns and the pure helpers its rows and detail line are made of."""

from __future__ import annotations

from typing import Any

from kdebug_tui.ui.common.safe_text import clean

COLUMNS = (
    "namespace",
    "pod",
    "name",
    "state",
    "exit",
    "age",
    "ours",
    "target",
    "image",
    "profile",
    "security",
)
WIDTHS = {"image": 36, "security": 30, "state": 30, "pod": 32, "name": 28, "namespace": 20}
STATE_STYLES = {"Running": "green", "Waiting": "yellow", "Terminated": "dim", "Pending": "yellow"}


def state_message(pod: dict[str, Any] | None, name: str) -> str:
    """The kubelet's reason and message for an ephemeral container (e.g. ErrImagePull)."""
    for status in ((pod or {}).get("status") or {}).get("ephemeralContainerStatuses") or []:
        if status.get("name") != name:
            continue
        for detail in (status.get("state") or {}).values():
            reason, message = detail.get("reason", ""), detail.get("message", "")
            if message:
                return clean(f"{reason}: {message}" if reason else message, 300)
    return ""


def target_state(pod: dict[str, Any] | None, target: str) -> str:
    """How the target container is doing (its restarts matter when triaging a crash)."""
    if not target:
        return ""
    for status in ((pod or {}).get("status") or {}).get("containerStatuses") or []:
        if status.get("name") == target:
            state = next(iter(status.get("state") or {"unknown": {}}))
            return f"{state}, {status.get('restartCount', 0)} restarts"
    return ""


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def row_key(row: Any) -> str:
    return f"{row.namespace}/{row.pod}/{row.name}"
