"""The rows of one live list, kept by key from watch updates; no widgets here.

The screen folds every WatchUpdate in with `apply()` and asks `visible()` for the keys to
show, in order: events warnings first and newest first (kube/events.sort_events), other
kinds by namespace and name as kubectl lists them. A pod list under a workload keeps every
pod the watch selects and shows those `query.matches` (ownership is re-resolved when a pod
of an unknown owner appears: a rollout adds a ReplicaSet).
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube import events as kube_events
from kdebug_tui.kube import metrics as kube_metrics
from kdebug_tui.kube.owners import PodQuery
from kdebug_tui.kube.podfields import d, ds, s
from kdebug_tui.ui.resources.kinds import ResourceView

Obj = dict[str, Any]


def key_of(obj: Obj) -> str:
    meta = d(obj.get("metadata"))
    return f"{s(meta.get('namespace'))}/{s(meta.get('name'))}"


def ident(obj: Obj) -> tuple[str, str]:
    meta = d(obj.get("metadata"))
    return s(meta.get("namespace")), s(meta.get("name"))


def app_containers(pod: Obj) -> list[str]:
    return [s(c.get("name")) for c in ds(d(pod.get("spec")).get("containers"))]


class ResourceRows:
    """Objects by key, the filter, the pod query and the latest metrics."""

    def __init__(self, view: ResourceView, query: PodQuery | None = None) -> None:
        self.view = view
        self.query = query
        self.objects: dict[str, Obj] = {}
        self.filter = ""
        self.usage: dict[Any, Any] | None = None  # None: no metrics (columns hidden)
        self.unknown_owner = False  # a pod the query does not place: re-resolve it
        self.dirty: set[str] = set()  # keys whose object changed since the screen last read
        self._orders: dict[str, tuple[bool, float]] = {}  # events: key -> sort key, until changed

    def apply(self, update: Any) -> bool:
        """Fold one WatchUpdate in; True when the rows changed."""
        if update.kind == "RELISTED":
            self.objects = {key_of(o): o for o in update.pods}
            self._orders = {}
            self.dirty.update(self.objects)
            self._check_owners(update.pods)
            return True
        if update.kind == "PAGE":
            for obj in update.pods:
                self.objects[key_of(obj)] = obj
                self.dirty.add(key_of(obj))
                self._orders.pop(key_of(obj), None)
            self._check_owners(update.pods)
            return True
        if update.pod is None:
            return False
        key = key_of(update.pod)
        if update.kind == "DELETED":
            self._orders.pop(key, None)
            return self.objects.pop(key, None) is not None
        if update.kind in ("ADDED", "MODIFIED"):
            self.objects[key] = update.pod
            self.dirty.add(key)
            self._orders.pop(key, None)
            self._check_owners([update.pod])
            return True
        return False

    def _check_owners(self, objs: list[Obj]) -> None:
        query = self.query
        if query is None or query.owner_uids is None:
            return
        for obj in objs:
            refs = d(obj.get("metadata")).get("ownerReferences") or []
            if refs and not query.matches(obj):
                self.unknown_owner = True

    def visible(self, now: float) -> list[str]:
        """The keys to show, filtered and in the list's order."""
        objs = [
            (k, o)
            for k, o in self.objects.items()
            if (self.query is None or self.query.matches(o)) and self._passes(k, o)
        ]
        if self.view.resource == "events":
            # kube/events.sort_events' order (warnings first, newest first), with each
            # event's key computed once per version instead of once per repaint
            objs.sort(key=lambda item: self._event_order(item[0], item[1]))
        else:
            objs.sort(key=lambda item: item[0])
        return [k for k, _ in objs]

    def _event_order(self, key: str, obj: Obj) -> tuple[bool, float]:
        order = self._orders.get(key)
        if order is None:
            order = (s(obj.get("type")) != "Warning", -kube_events.last_seen(obj))
            self._orders[key] = order
        return order

    def _passes(self, key: str, obj: Obj) -> bool:
        text = self.filter.strip()
        if not text:
            return True
        if self.view.resource == "events":
            return kube_events.matches(obj, text)
        return text.lower() in key.lower()

    def headers(self, all_namespaces: bool) -> list[str]:
        heads = self.view.kind.headers()
        if all_namespaces and self.view.kind.namespaced:
            heads = ["NAMESPACE", *heads]
        return heads + self.metric_headers()

    def metric_headers(self) -> list[str]:
        if self.usage is None or not self.view.metrics:
            return []
        if self.view.resource == "nodes":
            return ["CPU", "%CPU", "MEM", "%MEM"]
        return ["CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R", "%MEM/L"]

    def cells(self, key: str, now: float, all_namespaces: bool) -> list[str]:
        obj = self.objects[key]
        cells = self.view.kind.row(obj, now)
        if all_namespaces and self.view.kind.namespaced:
            cells = [s(d(obj.get("metadata")).get("namespace")), *cells]
        return cells + self.metric_cells(obj)

    def metric_cells(self, obj: Obj) -> list[str]:
        """k9s's usage columns; "n/a" where the API has no sample or the pod no request/limit."""
        if self.usage is None or not self.view.metrics:
            return []
        meta = d(obj.get("metadata"))
        if self.view.resource == "nodes":
            usage = self.usage.get(s(meta.get("name")))
            if usage is None:
                return ["n/a"] * 4
            cpu_pct, mem_pct = kube_metrics.node_percentages(obj, usage)
            return [
                kube_metrics.format_cpu(usage.cpu_millis),
                f"{cpu_pct}%",
                kube_metrics.format_memory(usage.memory_bytes),
                f"{mem_pct}%",
            ]
        usage = self.usage.get((s(meta.get("namespace")), s(meta.get("name"))))
        if usage is None:
            return ["n/a"] * 6
        pct = kube_metrics.pod_percentages(obj, usage)
        return [
            kube_metrics.format_cpu(usage.cpu_millis),
            kube_metrics.format_memory(usage.memory_bytes),
            *map(
                kube_metrics.percent_text,
                (pct.cpu_requests, pct.cpu_limits, pct.memory_requests, pct.memory_limits),
            ),
        ]
