"""List-then-watch of pods, as raw JSON, with the recovery rules of client-go's reflector.

- list in pages of LIST_PAGE, yielding each page as it arrives (PAGE: the first rows paint
  while later pages are still on their way), then RELISTED (the list is complete: what it
  did not contain is gone), then watch from the list's resourceVersion with bookmarks on;
  bookmarks only move the version forward;
- pods are kept as projections (projection.py): only what the views read;
- never more than one full list per session at a time (a second waits for the first);
- 410 Gone (HTTP status or an ERROR event) -> re-list, every time, however often;
- the server ending the watch (timeoutSeconds, EOF) -> re-watch from the last version;
- no event and no bookmark for `inactivity_timeout` seconds -> drop the connection and
  re-watch (a stalled proxy or server never ends the stream on its own);
- any other failure -> exponential backoff with jitter (capped), state "reconnecting" for
  retryable errors and "error" for the rest, then watch again from the same version; after
  three failures in a row, re-list instead.
We read lines from the aiohttp response ourselves instead of using kubernetes_asyncio's
Watch class so that 410 handling is ours and no model objects are ever built.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from kdebug_tui.kube.errors import KubeError, from_status, to_kube_error
from kdebug_tui.kube.projection import project

log = logging.getLogger(__name__)

MAX_LINE = 32 * 1024 * 1024
LIST_PAGE = 500
RELIST_AFTER_FAILURES = 3


@dataclass(frozen=True)
class WatchState:
    """Where the watch is: "connecting" | "live" | "reconnecting" | "error", and why."""

    state: str
    message: str = ""
    error: KubeError | None = None


@dataclass(frozen=True)
class WatchUpdate:
    """One thing that happened: an event on one pod, a full re-list, or a state change."""

    kind: str  # "ADDED" | "MODIFIED" | "DELETED" | "PAGE" | "RELISTED" | "STATE"
    pod: dict[str, Any] | None
    state: WatchState
    pods: list[dict[str, Any]] = field(default_factory=list)
    resource_version: str = ""
    # PAGE: objects listed so far and, when the server says (remainingItemCount), in all.
    # RELISTED after PAGEs: `paged` (the store has them from the PAGEs already; `pods`
    # still lists every one, for consumers that only read RELISTED).
    loaded: int = 0
    total: int | None = None
    paged: bool = False


@dataclass(frozen=True)
class WatchOptions:
    timeout_seconds: int = 300  # asked of the server; it ends the watch after this
    inactivity_timeout: float = 120.0  # no event or bookmark for this long -> reconnect
    request_timeout: float = 30.0  # list requests and connection set-up
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    label_selector: str | None = None
    field_selector: str | None = None


class _Session(Protocol):
    server: str

    async def request(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse: ...

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any: ...


class _Gone(Exception):
    """The version we watch from is too old: re-list."""


def pods_path(namespace: str | None) -> str:
    return f"/api/v1/namespaces/{namespace}/pods" if namespace else "/api/v1/pods"


@dataclass(frozen=True)
class Target:
    """What is listed and watched: pods by default, any kind of kube/resources.py through
    `watch_objects` (the updates then carry those objects in `pod`/`pods`)."""

    resource: str = "pods"
    kind: str = "Pod"
    api_version: str = "v1"
    path: Callable[[str | None], str] = pods_path
    whole: bool = False  # pods as the API sends them (no projection): generic lists need all


PODS = Target()


def _backoff(attempt: int, options: WatchOptions, retry_after: float | None = None) -> float:
    delay = min(options.backoff_cap, options.backoff_base * (2 ** max(0, attempt - 1)))
    delay *= random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, options.backoff_cap))
    return delay


def _selectors(options: WatchOptions) -> list[tuple[str, str]]:
    query = []
    if options.label_selector:
        query.append(("labelSelector", options.label_selector))
    if options.field_selector:
        query.append(("fieldSelector", options.field_selector))
    return query


_LIST_LOCKS: dict[tuple[int, str], asyncio.Lock] = {}


def _list_lock(session: _Session, resource: str) -> asyncio.Lock:
    """One full list of a kind at a time per session (context): a relist never doubles
    the load on the server (keyed by the session object, which lives as long as the app)."""
    return _LIST_LOCKS.setdefault((id(session), resource), asyncio.Lock())


def _shape(target: Target) -> Callable[[dict[str, Any]], dict[str, Any]]:
    if target.resource == "pods" and not target.whole:
        return project

    def stamp(item: dict[str, Any]) -> dict[str, Any]:
        item.setdefault("kind", target.kind)
        item.setdefault("apiVersion", target.api_version)
        return item

    return stamp


async def list_pages(
    session: _Session,
    namespace: str | None,
    options: WatchOptions | None = None,
    target: Target = PODS,
) -> AsyncGenerator[tuple[list[dict[str, Any]], str, bool, int | None], None]:
    """Pages as they arrive: (objects, resourceVersion, last page?, items remaining).

    The next page is asked for before this one is handed out (one request in flight, as
    always): the server prepares it while the caller folds this one in, instead of each
    side waiting for the other."""
    options = options or WatchOptions()
    shape = _shape(target)

    async def fetch(token: str) -> Any:
        query = [("limit", str(LIST_PAGE)), *_selectors(options)]
        if token:
            query.append(("continue", token))
        return await session.request_json(
            "GET",
            target.path(namespace),
            query=query,
            request_timeout=options.request_timeout,
            resource=target.resource,
            namespace=namespace,
        )

    async with _list_lock(session, target.resource):
        pending: asyncio.Task[Any] | None = asyncio.ensure_future(fetch(""))
        try:
            while pending is not None:
                body = await pending
                pending = None
                if not isinstance(body, dict):
                    raise KubeError(
                        "Unexpected answer", f"the {target.resource} list is not a JSON object"
                    )
                meta = body.get("metadata") or {}
                token = meta.get("continue") or ""
                if token:
                    pending = asyncio.ensure_future(fetch(token))
                raw = body.get("items") or []
                items = [shape(item) for item in raw if isinstance(item, dict)]
                remaining = meta.get("remainingItemCount")
                left = remaining if isinstance(remaining, int) else None
                yield items, str(meta.get("resourceVersion") or ""), not token, left
        finally:
            if pending is not None:  # the caller stopped early (a switch): drop the request
                pending.cancel()
                pending.add_done_callback(_retrieve)


def _retrieve(task: asyncio.Task[Any]) -> None:
    """A dropped page request's outcome is nobody's business, but it must be collected."""
    if not task.cancelled():
        task.exception()


async def list_pods(
    session: _Session,
    namespace: str | None,
    options: WatchOptions | None = None,
    target: Target = PODS,
) -> tuple[list[dict[str, Any]], str]:
    """All objects (following `continue` pages; pods projected) and the resourceVersion."""
    items: list[dict[str, Any]] = []
    version = ""
    pages = list_pages(session, namespace, options, target)
    async with contextlib.aclosing(pages):
        async for page, rv, _, _ in pages:
            items.extend(page)
            version = rv
    return items, version


async def _lines(resp: aiohttp.ClientResponse, inactivity: float) -> AsyncGenerator[bytes, None]:
    """Complete lines of a streaming response; TimeoutError after `inactivity` of silence."""
    buffer = b""
    while True:
        try:
            async with asyncio.timeout(inactivity):
                chunk = await resp.content.readany()
        except RuntimeError as exc:
            # aiohttp's reader turns a connection closed under it (the session shutting
            # down, the server going away mid-read) into a bare RuntimeError: a dropped
            # watch like any other, not a crash of the worker that owns it.
            raise aiohttp.ClientConnectionError(str(exc) or "connection closed") from exc
        if not chunk:
            if buffer.strip():
                yield buffer
            return
        buffer += chunk
        if len(buffer) > MAX_LINE:
            raise KubeError("Watch failed", "a watch event is larger than 32 MiB")
        while True:
            cut = buffer.find(b"\n")
            if cut < 0:
                break
            line, buffer = buffer[:cut], buffer[cut + 1 :]
            if line.strip():
                yield line


def _event(line: bytes) -> tuple[str, dict[str, Any]]:
    try:
        event = json.loads(line)
    except ValueError as exc:
        raise KubeError("Watch failed", "the server sent a line that is not JSON") from exc
    if not isinstance(event, dict) or not isinstance(event.get("object"), dict):
        raise KubeError("Watch failed", "the server sent an event without an object")
    return str(event.get("type") or ""), event["object"]


async def watch_pods(
    session: _Session,
    namespace: str | None,
    options: WatchOptions | None = None,
    target: Target = PODS,
) -> AsyncIterator[WatchUpdate]:
    """Pods in `namespace` (None: all namespaces), forever, until the caller stops iterating."""
    options = options or WatchOptions()
    state = WatchState("connecting", f"listing {target.resource}")
    yield WatchUpdate("STATE", None, state)
    version = ""
    failures = 0
    gone_streak = 0
    while True:
        try:
            if not version:
                if gone_streak > 2:
                    # The server keeps saying our fresh version is gone: do not spin.
                    await asyncio.sleep(_backoff(gone_streak - 2, options))
                listed: list[dict[str, Any]] = []
                pages = list_pages(session, namespace, options, target)
                async with contextlib.aclosing(pages):
                    async for page, rv, last, left in pages:
                        version = rv
                        listed.extend(page)
                        loaded = len(listed)
                        total = loaded + left if left is not None else None
                        if not last:
                            of = f" of {total}" if total is not None else ""
                            message = f"listing {target.resource}: {loaded}{of}"
                            state = WatchState("connecting", message)
                        yield WatchUpdate(
                            "PAGE", None, state, pods=page, loaded=loaded, total=total
                        )
                failures = 0
                state = WatchState("live", f"{len(listed)} {target.resource}")
                yield WatchUpdate(
                    "RELISTED",
                    None,
                    state,
                    pods=listed,
                    resource_version=version,
                    loaded=len(listed),
                    paged=True,
                )
            stream = _watch_once(session, namespace, version, options, state, target)
            async with contextlib.aclosing(stream):
                async for update in stream:
                    if update.kind != "STATE":
                        gone_streak = 0
                    if update.resource_version:
                        version = update.resource_version
                    if update.state is not state:
                        state = update.state
                        failures = 0
                    if update.kind != "BOOKMARK":
                        yield update
            # The server closed the watch normally: watch again from `version`.
        except _Gone:
            gone_streak += 1
            version = ""
            log.debug("watch: resourceVersion too old, re-listing")
        except TimeoutError:
            state = WatchState(
                "reconnecting", f"no events for {options.inactivity_timeout:g} s; reconnecting"
            )
            yield WatchUpdate("STATE", None, state)
        except (KubeError, aiohttp.ClientError, OSError, ValueError) as exc:
            try:
                server = session.server
            except KubeError:
                return  # the session was closed under the watch (the app is leaving)
            error = to_kube_error(exc, resource=target.resource, namespace=namespace, server=server)
            if error.status == 410:
                gone_streak += 1
                version = ""
                continue
            failures += 1
            if failures >= RELIST_AFTER_FAILURES:
                # Re-watching from the same version keeps failing: start over with a list,
                # as client-go's reflector does after a failed watch.
                version = ""
            phase = "reconnecting" if error.retryable else "error"
            state = WatchState(phase, str(error), error)
            yield WatchUpdate("STATE", None, state)
            await asyncio.sleep(_backoff(failures, options, error.retry_after))


async def _watch_once(
    session: _Session,
    namespace: str | None,
    version: str,
    options: WatchOptions,
    state: WatchState,
    target: Target = PODS,
) -> AsyncGenerator[WatchUpdate, None]:
    """One watch request; ends when the server ends it. Raises _Gone on 410."""
    shape = _shape(target)
    query = [
        ("watch", "true"),
        ("allowWatchBookmarks", "true"),
        ("timeoutSeconds", str(options.timeout_seconds)),
        *_selectors(options),
    ]
    if version:
        query.append(("resourceVersion", version))
    timeout = aiohttp.ClientTimeout(
        total=None,
        connect=options.request_timeout,
        sock_connect=options.request_timeout,
        sock_read=None,
    )
    try:
        resp = await session.request(
            "GET",
            target.path(namespace),
            query=query,
            request_timeout=timeout,
            resource=target.resource,
            namespace=namespace,
        )
    except KubeError as exc:
        if exc.status == 410:
            raise _Gone() from exc
        raise
    try:
        if state.state != "live":
            state = WatchState("live", "watching")
            yield WatchUpdate("STATE", None, state)
        lines = _lines(resp, options.inactivity_timeout)
        async for line in lines:  # closed with resp below; _lines holds nothing else
            kind, obj = _event(line)
            rv = str((obj.get("metadata") or {}).get("resourceVersion") or "")
            if kind == "BOOKMARK":
                yield WatchUpdate("BOOKMARK", None, state, resource_version=rv)
            elif kind == "ERROR":
                code = obj.get("code")
                if code == 410 or obj.get("reason") in ("Expired", "Gone"):
                    raise _Gone()
                raise from_status(code, obj, resource=target.resource, namespace=namespace)
            elif kind in ("ADDED", "MODIFIED", "DELETED"):
                yield WatchUpdate(kind, shape(obj), state, resource_version=rv)
            else:
                log.debug("watch: ignoring event type %r", kind[:40])
    finally:
        resp.close()


def watch_objects(
    session: _Session, kind: Any, namespace: str | None, options: WatchOptions | None = None
) -> AsyncIterator[WatchUpdate]:
    """`watch_pods` for any kind of kube/resources.py (`kind` is its KindDef): the same
    list-then-watch, re-list on 410 and backoff; the objects arrive in `pod`/`pods`, whole
    (pods too: the way down from a workload reads their ownerReferences)."""
    target = Target(kind.resource, kind.kind, kind.api_version, kind.path, whole=True)
    return watch_pods(session, namespace, options, target)
