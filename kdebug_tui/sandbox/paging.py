"""Chunked lists (`limit` / `continue`) as the API server's etcd store serves them.

A first page fixes the list's resourceVersion; every later page continues from a token that
carries that version and the key after the last one returned, so a client paging through
150,000 pods sees one consistent list even while pods churn. We keep the ordered objects
of recent lists that handed out a token (references, not copies) to serve that snapshot; a
token whose list is no longer held is served from the current store (what a list would show
anyway, minus the consistency), and a token older than the compaction window, or issued
before the store's versions were expired, gets 410 Expired with a token for the inconsistent
remainder, as etcd compaction makes the real server answer.
"""

from __future__ import annotations

import base64
import bisect
import json
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kdebug_tui.sandbox.cluster import Cluster
from kdebug_tui.sandbox.errors import ApiError, bad_request

Obj = dict[str, Any]
# etcd's store (k8s.io/apiserver/pkg/storage/etcd3) says this for a compacted continue token.
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. "
    "You can start a new list without the continue parameter, or use the continue token in "
    "this response to retrieve the remainder of the results. Continuing with the provided "
    "token results in an inconsistent list - objects that were created, modified, or "
    "deleted between the time the first chunk was returned and now may show up in the list."
)
COMPACTION_SECONDS = 300.0  # the API server compacts etcd every 5 minutes by default
KEPT_LISTS = 8


class ExpiredContinue(ApiError):
    """410 Expired whose Status carries a continue token for the inconsistent remainder."""

    def __init__(self, token: str) -> None:
        super().__init__(410, CONTINUE_EXPIRED, reason="Expired")
        self.token = token

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["metadata"] = {"continue": self.token}
        return body


def encode_token(rv: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        rv, start = data["rv"], data["start"]
        if data.get("v") != "meta.k8s.io/v1" or not isinstance(rv, int):
            raise ValueError("bad version")
        if not isinstance(start, str):
            raise ValueError("bad start")
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_request(f"continue key is not valid: {exc}") from None
    return rv, start


def _key_text(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1]}" if key[0] else key[1]


def _key_of(text: str) -> tuple[str, str]:
    ns, _, name = text.partition("/")
    return (ns, name) if name else ("", ns)


@dataclass
class _Snapshot:
    keys: list[tuple[str, str]]
    objects: list[Obj]
    made: float


@dataclass
class Page:
    items: list[Obj]
    resource_version: str
    continue_token: str = ""
    remaining: int | None = None


class Pager:
    """Recent list snapshots of one cluster, by (resource, namespace, resourceVersion).

    Only a list that handed out a continue token is kept: nothing can ask for the rest of a
    list that was served whole, and a kept list holds every object it listed (deleted ones
    too). A kept list is dropped after the compaction window, when its tokens expire.
    The cluster is held weakly: the module-wide registry below is keyed by it, and a value
    that held its key strongly would keep every closed sandbox's store alive."""

    def __init__(self, cluster: Cluster, clock: Callable[[], float] = time.monotonic) -> None:
        self._cluster = weakref.ref(cluster)
        self.clock = clock
        self.compaction_seconds = COMPACTION_SECONDS
        self._kept: OrderedDict[tuple[str, str | None, int], _Snapshot] = OrderedDict()
        self._issued: OrderedDict[int, float] = OrderedDict()  # version -> first token
        self._forgotten_upto = 0  # versions whose tokens were issued before the window

    @property
    def cluster(self) -> Cluster:
        cluster = self._cluster()
        if cluster is None:
            raise RuntimeError("the cluster of this pager is gone")
        return cluster

    def _snapshot(self, resource: str, namespace: str | None, rv: int) -> _Snapshot | None:
        """The kept list at `rv`, or the store as it is now if `rv` is its version."""
        snap = self._kept.get((resource, namespace, rv))
        if snap is not None:
            self._kept.move_to_end((resource, namespace, rv))
            return snap
        cluster = self.cluster
        if rv != int(cluster.resource_version):
            return None
        objects = cluster.objects(resource)
        keys = cluster.keys(resource, namespace)
        return _Snapshot(keys, [objects[k] for k in keys], self.clock())

    def _keep(self, key: tuple[str, str | None, int], snap: _Snapshot) -> None:
        """Hold a list whose token was handed out; and forget what the window let expire."""
        now = self.clock()
        self._kept[key] = snap
        self._kept.move_to_end(key)
        self._issued.setdefault(key[2], now)
        while len(self._kept) > KEPT_LISTS:
            self._kept.popitem(last=False)
        for old, kept in list(self._kept.items()):
            if now - kept.made > self.compaction_seconds:
                del self._kept[old]
        # Versions are issued in increasing order: a forgotten prefix stays expired.
        while self._issued:
            rv, issued = next(iter(self._issued.items()))
            if now - issued <= self.compaction_seconds and len(self._issued) <= 10_000:
                break
            self._issued.popitem(last=False)
            self._forgotten_upto = max(self._forgotten_upto, rv)

    def _check(self, rv: int, start: str) -> None:
        issued = self._issued.get(rv)
        too_old = issued is not None and self.clock() - issued > self.compaction_seconds
        forgotten = issued is None and rv <= self._forgotten_upto
        if rv < self.cluster.expired_below or too_old or forgotten:
            raise ExpiredContinue(encode_token(-1, start))

    def page(
        self,
        resource: str,
        namespace: str | None,
        match: Callable[[Obj], bool],
        limit: int,
        token: str,
        filtered: bool,
    ) -> Page:
        """One page of at most `limit` matching objects (limit 0: all), from `token` on."""
        start = ""
        if token:
            rv, start = decode_token(token)
            if rv != -1:  # -1: the inconsistent remainder after a 410, from now
                self._check(rv, start)
        else:
            rv = int(self.cluster.resource_version)
        snap = self._snapshot(resource, namespace, rv) if rv > 0 else None
        if snap is None:  # not held (or -1): what the store holds now
            rv_now = int(self.cluster.resource_version)
            snap = self._snapshot(resource, namespace, rv_now)
            assert snap is not None
            if rv <= 0:
                rv = rv_now
        at = bisect.bisect_left(snap.keys, _key_of(start)) if start else 0
        if start.endswith("\0"):
            at = bisect.bisect_right(snap.keys, _key_of(start[:-1]))
        items: list[Obj] = []
        i = at
        total = len(snap.keys)
        while i < total and (limit <= 0 or len(items) < limit):
            obj = snap.objects[i]
            i += 1
            if match(obj):
                items.append(obj)
        if i >= total or limit <= 0:
            return Page(items, str(rv))
        self._keep((resource, namespace, rv), snap)
        next_token = encode_token(rv, _key_text(snap.keys[i - 1]) + "\0")
        # The API server counts the rest only when no selector makes the count a guess.
        remaining = None if filtered else total - i
        return Page(items, str(rv), next_token, remaining)


_PAGERS: weakref.WeakKeyDictionary[Cluster, Pager] = weakref.WeakKeyDictionary()


def pager_for(cluster: Cluster) -> Pager:
    pager = _PAGERS.get(cluster)
    if pager is None:
        pager = _PAGERS[cluster] = Pager(cluster)
    return pager


def parse_limit(raw: str | None) -> int:
    if not raw:
        return 0
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request(f"invalid limit: {raw}") from None
    return max(limit, 0)
