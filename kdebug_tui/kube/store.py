"""PodStore: the current pods, keyed by uid, fed by watch updates.

`apply` returns exactly the uids whose row may have changed, so the pod table can update
only those rows. A re-list is diffed against what we hold: unchanged pods keep their dict
(same object), so consumers can skip them by identity. A paged list arrives as PAGE updates
(folded in at once, so the first page shows while the rest loads) and ends with a `paged`
RELISTED, which drops what the list did not contain.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from kdebug_tui.kube.podfields import d, s


class _Update(Protocol):
    kind: str
    pod: dict[str, Any] | None
    pods: list[dict[str, Any]]


def _uid(pod: dict[str, Any]) -> str:
    meta = d(pod.get("metadata"))
    return s(meta.get("uid")) or f"{s(meta.get('namespace'))}/{s(meta.get('name'))}"


def _key(pod: dict[str, Any]) -> tuple[str, str]:
    meta = d(pod.get("metadata"))
    return s(meta.get("namespace")), s(meta.get("name"))


def _rv(pod: dict[str, Any]) -> str:
    return s(d(pod.get("metadata")).get("resourceVersion"))


def is_older(new: str, held: str) -> bool:
    """True if resourceVersion `new` is known to precede `held`.

    Versions are opaque to clients, but every real API server (etcd) issues integers; only
    when both parse as integers do we order them, otherwise we take the newer event.
    """
    if new.isdigit() and held.isdigit():
        return int(new) < int(held)
    return False


class PodStore:
    """Pods by uid with a (namespace, name) index."""

    def __init__(self) -> None:
        self._pods: dict[str, dict[str, Any]] = {}
        self._names: dict[tuple[str, str], str] = {}
        self.resource_version = ""
        self._listed: set[str] | None = None  # uids seen by the list in progress (PAGEs)
        self.loaded = 0  # pods listed so far by the list in progress
        self.total: int | None = None  # how many it will hold, if the server said
        self.listing = False

    def __len__(self) -> int:
        return len(self._pods)

    def __contains__(self, uid: object) -> bool:
        return uid in self._pods

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self._pods.values()))

    def get(self, uid: str) -> dict[str, Any] | None:
        return self._pods.get(uid)

    def pods(self) -> list[dict[str, Any]]:
        return list(self._pods.values())

    def uids(self) -> set[str]:
        return set(self._pods)

    def by_name(self, namespace: str, name: str) -> dict[str, Any] | None:
        uid = self._names.get((namespace, name))
        return self._pods.get(uid) if uid is not None else None

    def apply(self, update: _Update) -> set[str]:
        """Fold one WatchUpdate in; return the uids added, changed or removed."""
        kind = update.kind
        rv = str(getattr(update, "resource_version", "") or "")
        if rv and kind != "STATE":
            self.resource_version = rv
        if kind == "PAGE":
            return self._page(update)
        if kind == "RELISTED":
            if getattr(update, "paged", False) and self._listed is not None:
                return self._end_list()
            return self._replace_all(update.pods)
        pod = update.pod
        if not isinstance(pod, dict):
            return set()
        if kind in ("ADDED", "MODIFIED"):
            return self._put(pod)
        if kind == "DELETED":
            return self._remove(_uid(pod))
        return set()

    def _page(self, update: _Update) -> set[str]:
        if self._listed is None:
            self._listed = set()
            self.listing = True
        changed: set[str] = set()
        for pod in update.pods:
            if isinstance(pod, dict):
                self._listed.add(_uid(pod))
                changed |= self._put(pod, relisting=True)
        self.loaded = int(getattr(update, "loaded", 0) or len(self._listed))
        self.total = getattr(update, "total", None)
        return changed

    def _end_list(self) -> set[str]:
        listed, self._listed = self._listed or set(), None
        self.listing = False
        self.total = None
        gone = set(self._pods) - listed
        for uid in gone:
            self._remove(uid)
        return gone

    def clear(self) -> set[str]:
        gone = set(self._pods)
        self._pods.clear()
        self._names.clear()
        return gone

    def _put(self, pod: dict[str, Any], *, relisting: bool = False) -> set[str]:
        uid = _uid(pod)
        held = self._pods.get(uid)
        if held is not None:
            if is_older(_rv(pod), _rv(held)):
                return set()  # a late event: we already hold something newer
            if _rv(pod) and _rv(pod) == _rv(held) and (relisting or pod == held):
                return set()  # same version: same object (a re-list keeps what we hold)
        self._pods[uid] = pod
        self._names[_key(pod)] = uid
        return {uid}

    def _remove(self, uid: str) -> set[str]:
        pod = self._pods.pop(uid, None)
        if pod is None:
            return set()
        key = _key(pod)
        if self._names.get(key) == uid:
            del self._names[key]
        return {uid}

    def _replace_all(self, pods: list[dict[str, Any]]) -> set[str]:
        fresh: dict[str, dict[str, Any]] = {}
        changed: set[str] = set()
        for pod in pods:
            if not isinstance(pod, dict):
                continue
            uid = _uid(pod)
            held = self._pods.get(uid)
            if held is not None and _rv(held) == _rv(pod) and (_rv(pod) or held == pod):
                fresh[uid] = held  # unchanged: keep the very same object
            else:
                fresh[uid] = pod
                changed.add(uid)
        changed |= set(self._pods) - set(fresh)
        self._pods = fresh
        self._names = {_key(pod): uid for uid, pod in fresh.items()}
        return changed
