"""Events as an incident view wants them: warnings first, newest first, and narrowed to one
object (`pod/web-1`, `deployment/frontend`) or to a word in the reason or message.

Pure functions over Event JSON (core/v1); the list and its watch come from
`watch_objects(session, KINDS["events"], namespace)` and the cells from KINDS["events"].
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube.podfields import d, n, parse_time, s

Obj = dict[str, Any]


def last_seen(event: Obj) -> float:
    """When the event last happened (series, lastTimestamp, eventTime, first time, created)."""
    for value in (
        d(event.get("series")).get("lastObservedTime"),
        event.get("lastTimestamp"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        d(event.get("metadata")).get("creationTimestamp"),
    ):
        when = parse_time(value)
        if when is not None:
            return when
    return 0.0


def sort_events(events: list[Obj]) -> list[Obj]:
    """Warnings before everything else; within each, the most recent first."""
    return sorted(events, key=lambda e: (s(e.get("type")) != "Warning", -last_seen(e)))


def involved(event: Obj) -> str:
    """`kind/name` of the object the event is about, lower-case kind as kubectl prints it."""
    obj = d(event.get("involvedObject"))
    return f"{s(obj.get('kind')).lower()}/{s(obj.get('name'))}"


def matches(event: Obj, query: str) -> bool:
    """`kind/name` (kubectl's short kinds too: po, deploy, svc...) selects events about that
    object; any other text is looked for in the object, reason and message, ignoring case."""
    from kdebug_tui.kube.resources import lookup

    text = query.strip()
    if not text:
        return True
    kind_text, slash, name = text.partition("/")
    kind = lookup(kind_text) if slash else None
    if kind is not None:
        obj = d(event.get("involvedObject"))
        return s(obj.get("kind")) == kind.kind and s(obj.get("name")) == name
    haystack = " ".join((involved(event), s(event.get("reason")), s(event.get("message"))))
    return text.lower() in haystack.lower()


def warning_count(events: list[Obj]) -> int:
    """How many warnings, counting repeats (an event seen 5 times counts 5)."""
    return sum(max(1, n(e.get("count"))) for e in events if s(e.get("type")) == "Warning")
