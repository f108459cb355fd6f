"""Type-safe reads from pod dicts, timestamps, and kubectl's duration format.

Pods come from the network: a broken or hostile server can put any JSON anywhere. Every
read here returns the expected type (or an empty one), so the renderers never raise.
"""

from __future__ import annotations

import math
from datetime import datetime
from functools import lru_cache
from typing import Any

from kdebug_tui.kube.errors import sanitize


def d(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def ds(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (anything else dropped)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def s(value: Any) -> str:
    """A string for display: strings as they are, numbers printed, anything else empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def n(value: Any) -> int:
    """An integer count or code; 0 when absent or not a number."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return 0


def opt_n(value: Any) -> int | None:
    return None if value is None else n(value)


def epoch(value: datetime | float | int) -> float:
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
    except (ValueError, OverflowError):
        return None


def format_age(seconds: float | None) -> str:
    """kubectl's HumanDuration: 45s, 5m10s, 15m, 3h20m, 10h, 2d5h, 30d, 2y45d, 9y."""
    if seconds is None or not math.isfinite(seconds):
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


def since(timestamp: Any, now: float) -> str:
    when = parse_time(timestamp)
    return format_age(None if when is None else now - when)


def state_fields(cs: dict[str, Any] | None) -> tuple[str, str, int | None, str | None, str]:
    """(state, reason, exit code, started at, message) of one container status."""
    if cs is None:
        return "Pending", "", None, None, ""
    state = d(cs.get("state"))
    if "running" in state:
        return "Running", "", None, s(d(state["running"]).get("startedAt")) or None, ""
    if "terminated" in state:
        term = d(state["terminated"])
        return (
            "Terminated",
            sanitize(s(term.get("reason")), 60),
            opt_n(term.get("exitCode")),
            s(term.get("startedAt")) or None,
            sanitize(s(term.get("message"))),
        )
    waiting = d(state.get("waiting"))
    return (
        "Waiting",
        sanitize(s(waiting.get("reason")), 60),
        None,
        None,
        sanitize(s(waiting.get("message"))),
    )
