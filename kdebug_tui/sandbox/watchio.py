"""Lists and watches over HTTP: JSON lines, bookmarks, 410 ERROR events, Table wrapping."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

from aiohttp import web

from kdebug_tui.sandbox import tables
from kdebug_tui.sandbox.cluster import KINDS, Cluster
from kdebug_tui.sandbox.errors import ApiError, bad_request
from kdebug_tui.sandbox.kinds import api_version
from kdebug_tui.sandbox.paging import pager_for, parse_limit
from kdebug_tui.sandbox.selectors import parse_field_selector, parse_label_selector

Obj = dict[str, Any]
LIST_KINDS = {
    "pods": "PodList",
    "events": "EventList",
    "namespaces": "NamespaceList",
    "nodes": "NodeList",
}


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


def _matcher(request: web.Request, resource: str) -> Any:
    label = parse_label_selector(request.query.get("labelSelector"))
    fields = parse_field_selector(request.query.get("fieldSelector"), resource)
    return lambda obj: label(obj) and fields(obj)


def with_kind(resource: str, obj: Obj) -> Obj:
    if "kind" not in obj:
        obj = {"apiVersion": api_version(resource), "kind": KINDS[resource], **obj}
    return obj


def list_response(
    cluster: Cluster, request: web.Request, resource: str, namespace: str | None
) -> web.Response:
    """A list, or one page of it (`limit`/`continue`), as JSON, a Table or metadata only."""
    match = _matcher(request, resource)
    query = request.query
    filtered = bool(query.get("labelSelector") or query.get("fieldSelector"))
    page = pager_for(cluster).page(
        resource,
        namespace,
        match,
        parse_limit(query.get("limit")),
        query.get("continue", ""),
        filtered,
    )
    meta: Obj = {"resourceVersion": page.resource_version}
    if page.continue_token:
        meta["continue"] = page.continue_token
        if page.remaining is not None:
            meta["remainingItemCount"] = page.remaining
    items = [with_kind(resource, o) for o in page.items]
    accept = request.headers.get("Accept")
    if tables.wants_table(accept) and resource in tables.PRINTERS:
        include = query.get("includeObject", "Metadata")
        body = tables.table(resource, items, page.resource_version, include=include)
        body["metadata"] = meta
        return json_response(body)
    if tables.wants_partial(accept):
        return json_response(
            {
                "kind": "PartialObjectMetadataList",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": meta,
                "items": [tables.partial(o) for o in items],
            }
        )
    return json_response(
        {
            "kind": LIST_KINDS.get(resource) or KINDS[resource] + "List",
            "apiVersion": api_version(resource),
            "metadata": meta,
            "items": items,
        }
    )


def object_response(
    request: web.Request, resource: str, obj: Obj, rv: str, status: int = 200
) -> web.Response:
    obj = with_kind(resource, obj)
    if tables.wants_table(request.headers.get("Accept")) and resource in tables.PRINTERS:
        include = request.query.get("includeObject", "Metadata")
        return json_response(tables.table(resource, [obj], rv, include=include), status)
    if tables.wants_partial(request.headers.get("Accept")):
        return json_response(tables.partial(obj), status)
    return json_response(obj, status)


def is_watch(request: web.Request) -> bool:
    return request.query.get("watch", "").lower() in ("true", "1")


class WatchSettings:
    bookmark_interval: float = 2.0
    max_timeout: float = 1800.0


async def serve_watch(
    cluster: Cluster,
    request: web.Request,
    resource: str,
    namespace: str | None,
    settings: WatchSettings,
    stalled: bool,
) -> web.StreamResponse:
    match = _matcher(request, resource)
    try:
        timeout = min(float(int(request.query.get("timeoutSeconds", 0))), settings.max_timeout)
    except ValueError:
        raise bad_request("invalid timeoutSeconds") from None
    if timeout <= 0:
        timeout = settings.max_timeout
    bookmarks = request.query.get("allowWatchBookmarks", "").lower() in ("true", "1")
    table = tables.wants_table(request.headers.get("Accept")) and resource in tables.PRINTERS
    partial = not table and tables.wants_partial(request.headers.get("Accept"))
    include = request.query.get("includeObject", "Metadata")
    since = request.query.get("resourceVersion")
    initial = request.query.get("sendInitialEvents", "").lower() == "true"
    response = web.StreamResponse(
        status=200,
        headers={
            "Content-Type": "application/json",
            "Audit-Id": str(uuid.uuid4()),
            "Cache-Control": "no-cache, private",
        },
    )
    response.enable_chunked_encoding()
    try:
        watcher = cluster.open_watch(resource, namespace, match, None if initial else since)
    except ApiError as err:
        # The real server answers an expired version with 200 and an ERROR event.
        await response.prepare(request)
        await response.write(_line({"type": "ERROR", "object": err.body()}))
        await response.write_eof()
        return response
    watcher.stalled = stalled
    await response.prepare(request)
    headers_sent = False
    deadline = time.monotonic() + timeout
    next_bookmark = time.monotonic() + settings.bookmark_interval
    try:
        initial_left = watcher.queue.qsize() if initial else -1
        while True:
            if initial_left == 0:
                initial_left = -1
                await response.write(_line(_bookmark(resource, cluster.resource_version, True)))
            now = time.monotonic()
            if now >= deadline:
                break
            transport = request.transport
            if transport is None or transport.is_closing():
                break
            wait = min(deadline, next_bookmark, now + 1.0) - now
            try:
                kind, obj = await asyncio.wait_for(watcher.queue.get(), max(wait, 0.01))
            except TimeoutError:
                if bookmarks and not watcher.stalled and time.monotonic() >= next_bookmark:
                    await response.write(_line(_bookmark(resource, cluster.resource_version)))
                if time.monotonic() >= next_bookmark:
                    next_bookmark = time.monotonic() + settings.bookmark_interval
                continue
            if kind == "ERROR":
                await response.write(_line({"type": "ERROR", "object": obj}))
                break
            if watcher.stalled:
                continue
            out: Obj = with_kind(resource, obj)
            if table:
                out = tables.table(
                    resource,
                    [out],
                    obj["metadata"].get("resourceVersion", ""),
                    include=include,
                    headers=not headers_sent,
                )
                headers_sent = True
            elif partial:
                out = tables.partial(out)
            await response.write(_line({"type": kind, "object": out}))
            initial_left -= 1 if initial_left > 0 else 0
        await response.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass
    finally:
        cluster.close_watch(watcher)
    return response


def _bookmark(resource: str, rv: str, initial_end: bool = False) -> Obj:
    meta: Obj = {"resourceVersion": rv, "creationTimestamp": None}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {
        "type": "BOOKMARK",
        "object": {"kind": KINDS[resource], "apiVersion": api_version(resource), "metadata": meta},
    }


def _line(event: Obj) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode() + b"\n"
