"""What the incident record needs from the cluster: the pod and its events, as dicts."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .errors import KubeError


async def collect_incident(
    session: Any, namespace: str, pod: str
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The pod (None when it is gone: replaced or deleted) and its events, oldest first.

    Events that cannot be read (forbidden) leave the list empty rather than failing the
    export: the record is still worth having."""
    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}"
    try:
        obj: dict[str, Any] | None = await session.request_json(
            "GET", path, resource="pods", namespace=namespace
        )
    except KubeError as exc:
        if exc.status != 404:
            raise
        obj = None
    events: list[dict[str, Any]] = []
    try:
        listed = await session.request_json(
            "GET",
            f"/api/v1/namespaces/{quote(namespace, safe='')}/events",
            query=[("fieldSelector", f"involvedObject.kind=Pod,involvedObject.name={pod}")],
            resource="events",
            namespace=namespace,
        )
        events = list(listed.get("items") or [])
    except KubeError as exc:
        if exc.status not in (401, 403, 404):
            raise
    events.sort(key=_event_time)
    return obj, events


def _event_time(event: dict[str, Any]) -> str:
    return str(
        event.get("lastTimestamp")
        or event.get("eventTime")
        or event.get("firstTimestamp")
        or (event.get("metadata") or {}).get("creationTimestamp")
        or ""
    )
