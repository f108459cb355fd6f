"""Events ordered for an incident (warnings first, newest first) and narrowed to an object."""

from __future__ import annotations

from kdebug_tui.kube.events import involved, matches, sort_events, warning_count


def ev(
    name: str,
    type_: str,
    when: str,
    kind: str = "Pod",
    obj: str = "web-1",
    reason: str = "Started",
    message: str = "",
    count: int = 1,
) -> dict:
    return {
        "metadata": {"name": name},
        "type": type_,
        "lastTimestamp": when,
        "involvedObject": {"kind": kind, "name": obj},
        "reason": reason,
        "message": message,
        "count": count,
    }


EVENTS = [
    ev("a", "Normal", "2026-01-01T10:00:00Z"),
    ev(
        "b",
        "Warning",
        "2026-01-01T09:00:00Z",
        reason="BackOff",
        message="Back-off restarting",
        count=4,
    ),
    ev(
        "c",
        "Warning",
        "2026-01-01T11:00:00Z",
        kind="Deployment",
        obj="frontend",
        reason="FailedCreate",
    ),
    ev("d", "Normal", "2026-01-01T12:00:00Z", kind="Node", obj="node-1", reason="Rebooted"),
]


def test_warnings_first_then_newest() -> None:
    assert [e["metadata"]["name"] for e in sort_events(EVENTS)] == ["c", "b", "d", "a"]
    assert warning_count(EVENTS) == 5


def test_filter_by_object_or_text() -> None:
    assert [e["metadata"]["name"] for e in EVENTS if matches(e, "deploy/frontend")] == ["c"]
    assert [e["metadata"]["name"] for e in EVENTS if matches(e, "po/web-1")] == ["a", "b"]
    assert [e["metadata"]["name"] for e in EVENTS if matches(e, "back-off")] == ["b"]
    assert [e["metadata"]["name"] for e in EVENTS if matches(e, "node-1")] == ["d"]
    assert all(matches(e, "  ") for e in EVENTS)
    assert involved(EVENTS[2]) == "deployment/frontend"
