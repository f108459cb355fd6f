"""The in-memory object store: namespaces, nodes, pods and events, with watch fan-out.

One global resourceVersion counter (like etcd's revision) orders every change. A bounded
history lets watchers resume from a version; versions older than the history, or issued
before `expire_all()`, are "too old" and answered with 410 as the real server does.
"""

from __future__ import annotations

import asyncio
import bisect
import builtins
import copy
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kdebug_tui.sandbox.errors import already_exists, gone, not_found
from kdebug_tui.sandbox.kinds import EXTRA as EXTRA_KINDS

Obj = dict[str, Any]
NAMESPACED = {"pods": True, "events": True, "namespaces": False, "nodes": False}
KINDS = {"pods": "Pod", "events": "Event", "namespaces": "Namespace", "nodes": "Node"}
NAMESPACED.update({resource: True for resource in EXTRA_KINDS})  # workloads, Services...
KINDS.update({resource: kind for resource, (kind, _, _) in EXTRA_KINDS.items()})


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Change:
    rv: int
    resource: str
    type: str  # ADDED | MODIFIED | DELETED
    old: Obj | None
    new: Obj


@dataclass(eq=False)
class Watcher:
    """One open watch: a queue of (type, object) pairs filtered for its request."""

    resource: str
    namespace: str | None
    match: Callable[[Obj], bool]
    queue: asyncio.Queue[tuple[str, Obj]] = field(default_factory=asyncio.Queue)
    stalled: bool = False

    def offer(self, change: Change) -> None:
        if change.resource != self.resource or self.stalled:
            return
        ns = change.new.get("metadata", {}).get("namespace")
        if self.namespace is not None and ns != self.namespace:
            return
        was = change.old is not None and self.match(change.old)
        now = self.match(change.new)
        if change.type == "ADDED":
            if now:
                self.queue.put_nowait(("ADDED", change.new))
        elif change.type == "DELETED":
            if was or now:
                self.queue.put_nowait(("DELETED", change.new))
        elif was and now:
            self.queue.put_nowait(("MODIFIED", change.new))
        elif now:
            self.queue.put_nowait(("ADDED", change.new))
        elif was:
            self.queue.put_nowait(("DELETED", change.new))


class Cluster:
    """Every object of the sandbox, keyed by resource then (namespace, name)."""

    def __init__(self, history: int = 4_000) -> None:
        self._rv = 100
        self._objects: dict[str, dict[tuple[str, str], Obj]] = {r: {} for r in NAMESPACED}
        # Keys of each resource kept in (namespace, name) order, as etcd's key space is: a
        # list (or one page of it) never sorts the whole store (150,000 pods at --scale).
        self._order: dict[str, list[tuple[str, str]]] = {r: [] for r in NAMESPACED}
        self._history: deque[Change] = deque(maxlen=history)
        self._too_old_below = 0
        self.watchers: set[Watcher] = set()
        self.listeners: list[Callable[[Change], None]] = []
        # The copy last handed to watchers per object: the next change's "old" (no re-copy).
        self._emitted: dict[tuple[str, str, str], Obj] = {}

    # -- versions -------------------------------------------------------------------------
    @property
    def resource_version(self) -> str:
        return str(self._rv)

    @property
    def expired_below(self) -> int:
        """Versions below this were compacted away (`expire_all`): lists cannot continue."""
        return self._too_old_below

    def _bump(self) -> int:
        self._rv += 1
        return self._rv

    def check_version(self, rv: int) -> None:
        """Raise 410 when `rv` can no longer be resumed from."""
        oldest = self._history[0].rv - 1 if self._history else self._rv
        if len(self._history) == self._history.maxlen and rv < oldest:
            raise gone(f"too old resource version: {rv} ({oldest})")
        if rv < self._too_old_below:
            raise gone(f"too old resource version: {rv} ({self._too_old_below})")

    def expire_all(self) -> None:
        """Every version issued so far becomes too old; open watches get 410 and end."""
        self._too_old_below = self._bump()
        for w in list(self.watchers):
            w.queue.put_nowait(("ERROR", gone(f"too old resource version: 0 ({self._rv})").body()))

    # -- reads ----------------------------------------------------------------------------
    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        return self._objects[resource].get((namespace, name))

    def get_pod(self, namespace: str, name: str) -> Obj | None:
        pod = self.get("pods", namespace, name)
        return copy.deepcopy(pod) if pod is not None else None

    def require(self, resource: str, namespace: str, name: str) -> Obj:
        obj = self.get(resource, namespace, name)
        if obj is None:
            raise not_found(resource, name)
        return obj

    def list(self, resource: str, namespace: str | None = None) -> list[Obj]:
        objects = self._objects[resource]
        return [objects[key] for key in self.keys(resource, namespace)]

    def keys(self, resource: str, namespace: str | None = None) -> builtins.list[tuple[str, str]]:
        """(namespace, name) keys in order; a namespace is one contiguous slice of them."""
        order = self._order[resource]
        if namespace is None:
            return list(order)
        lo = bisect.bisect_left(order, (namespace, ""))
        hi = bisect.bisect_left(order, (namespace + "\0", ""))
        return order[lo:hi]

    def objects(self, resource: str) -> dict[tuple[str, str], Obj]:
        """The live mapping of one resource (read-only for callers; snapshot with dict())."""
        return self._objects[resource]

    def pod_by_uid(self, uid: str) -> Obj | None:
        for pod in self._objects["pods"].values():
            if pod["metadata"].get("uid") == uid:
                return pod
        return None

    # -- writes ---------------------------------------------------------------------------
    def _emit(self, change: Change) -> None:
        self._history.append(change)
        for w in list(self.watchers):
            w.offer(change)
        for listener in list(self.listeners):
            listener(change)

    def create(self, resource: str, obj: Obj) -> Obj:
        meta = obj.setdefault("metadata", {})
        ns = meta.get("namespace", "") if NAMESPACED[resource] else ""
        key = (ns, meta["name"])
        if key in self._objects[resource]:
            raise already_exists(resource, meta["name"])
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", now_iso())
        rv = self._bump()
        meta["resourceVersion"] = str(rv)
        self._objects[resource][key] = obj
        bisect.insort(self._order[resource], key)
        emitted = copy.deepcopy(obj)
        self._emitted[(resource, *key)] = emitted
        self._emit(Change(rv, resource, "ADDED", None, emitted))
        return obj

    def load(self, resource: str, objs: builtins.list[Obj]) -> None:
        """Store many new objects at once, without events: the `--scale` start-up, before any
        watch exists. Each still gets its own resourceVersion and uid."""
        store = self._objects[resource]
        for obj in objs:
            meta = obj["metadata"]
            key = (meta.get("namespace", "") if NAMESPACED[resource] else "", meta["name"])
            if key in store:
                raise already_exists(resource, meta["name"])
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", now_iso())
            meta["resourceVersion"] = str(self._bump())
            store[key] = obj
        self._order[resource] = sorted(store)

    def replace(self, resource: str, obj: Obj) -> Obj:
        """Store a new version of an existing object (MODIFIED)."""
        meta = obj["metadata"]
        key = (meta.get("namespace", "") if NAMESPACED[resource] else "", meta["name"])
        old = self._objects[resource].get(key)
        if old is None:
            raise not_found(resource, meta["name"])
        rv = self._bump()
        meta["resourceVersion"] = str(rv)
        self._objects[resource][key] = obj
        before = self._emitted.get((resource, *key)) or copy.deepcopy(old)
        emitted = copy.deepcopy(obj)
        self._emitted[(resource, *key)] = emitted
        self._emit(Change(rv, resource, "MODIFIED", before, emitted))
        return obj

    def delete(self, resource: str, namespace: str, name: str) -> Obj:
        key = (namespace if NAMESPACED[resource] else "", name)
        obj = self._objects[resource].pop(key, None)
        if obj is None:
            raise not_found(resource, name)
        order = self._order[resource]
        at = bisect.bisect_left(order, key)
        if at < len(order) and order[at] == key:
            del order[at]
        rv = self._bump()
        # A new dict, not an edit: list snapshots (paging.py) may still hold the old one.
        obj = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(rv)}}
        self._emitted.pop((resource, *key), None)
        emitted = copy.deepcopy(obj)
        self._emit(Change(rv, resource, "DELETED", emitted, emitted))
        return obj

    # -- watch ----------------------------------------------------------------------------
    def open_watch(
        self,
        resource: str,
        namespace: str | None,
        match: Callable[[Obj], bool],
        since: str | None,
    ) -> Watcher:
        """Register a watcher; replay history after `since` or synthesise ADDED for all."""
        w = Watcher(resource, namespace, match)
        if since in (None, "", "0"):
            for obj in self.list(resource, namespace):
                if match(obj):
                    w.queue.put_nowait(("ADDED", copy.deepcopy(obj)))
        else:
            try:
                rv = int(since or 0)
            except ValueError:
                raise gone(f"too old resource version: {since} ({self._rv})") from None
            self.check_version(rv)
            for change in self._history:
                if change.rv > rv:
                    w.offer(change)
        self.watchers.add(w)
        return w

    def close_watch(self, w: Watcher) -> None:
        self.watchers.discard(w)
