"""The way down from an object to its pods, and generic reads of any registered kind.

`pod_query()` says how to find the pods below an object: by owner references (Deployment
-> its ReplicaSets -> pods, CronJob -> its Jobs -> pods, the others directly), by a
Service's selector, or by `spec.nodeName` for a node. The query carries selectors a list or
a watch (kube/watch.py's WatchOptions) can send, plus the ownership test to apply to what
comes back, so a live pod list can follow it:

    query = await pod_query(session, KINDS["deployments"], deployment)
    pods = await list_pods_for(session, query)          # one list
    # or: watch_pods(session, query.namespace, WatchOptions(label_selector=...,
    #     field_selector=...)) and keep the pods for which query.matches(pod)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kdebug_tui.kube import printers
from kdebug_tui.kube.podfields import d, ds, s
from kdebug_tui.kube.resources import KINDS, KindDef

Obj = dict[str, Any]


@dataclass(frozen=True)
class PodQuery:
    """Which pods belong to an object: list (or watch) `namespace` with the selectors, then
    keep the pods `matches` accepts. `owner_uids` None means no ownership test (Services,
    nodes); an empty set means no pods (e.g. a Deployment without ReplicaSets yet)."""

    namespace: str | None
    label_selector: str | None = None
    field_selector: str | None = None
    owner_uids: frozenset[str] | None = None
    empty: bool = False  # e.g. a Service without a selector selects nothing

    def matches(self, pod: Obj) -> bool:
        if self.empty:
            return False
        if self.owner_uids is None:
            return True
        return any(
            s(ref.get("uid")) in self.owner_uids
            for ref in ds(d(d(pod).get("metadata")).get("ownerReferences"))
        )


def selector_query(selector: Any) -> str | None:
    """A LabelSelector object as a `labelSelector=` query string (None when it selects all)."""
    text = printers.format_label_selector(selector)
    return None if text == "<none>" else text


def owned_by(obj: Obj, uids: frozenset[str] | set[str]) -> bool:
    return any(
        s(ref.get("uid")) in uids for ref in ds(d(d(obj).get("metadata")).get("ownerReferences"))
    )


async def list_objects(
    session: Any,
    kind: KindDef,
    namespace: str | None,
    *,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> list[Obj]:
    """Every object of `kind` (following `continue` pages), each with kind/apiVersion set."""
    items: list[Obj] = []
    token = ""
    while True:
        query: list[tuple[str, str]] = [("limit", "500")]
        if label_selector:
            query.append(("labelSelector", label_selector))
        if field_selector:
            query.append(("fieldSelector", field_selector))
        if token:
            query.append(("continue", token))
        body = await session.request_json(
            "GET", kind.path(namespace), query=query, resource=kind.resource, namespace=namespace
        )
        for item in ds(d(body).get("items")):
            item.setdefault("kind", kind.kind)
            item.setdefault("apiVersion", kind.api_version)
            items.append(item)
        token = s(d(d(body).get("metadata")).get("continue"))
        if not token:
            return items


async def get_object(session: Any, kind: KindDef, namespace: str | None, name: str) -> Obj:
    obj: Obj = await session.request_json(
        "GET", kind.path(namespace, name), resource=kind.resource, namespace=namespace
    )
    return obj


async def pod_query(session: Any, kind: KindDef, obj: Obj) -> PodQuery:
    """How to find the pods of `obj` (a Deployment lists its ReplicaSets; a CronJob its Jobs).

    Ownership is re-resolved per call: a rollout adds a ReplicaSet, so a caller that keeps
    a query alive should ask again when ReplicaSets (or Jobs) change."""
    meta = d(obj.get("metadata"))
    ns, uid = s(meta.get("namespace")) or None, s(meta.get("uid"))
    spec = d(obj.get("spec"))
    if kind.resource == "nodes":
        return PodQuery(None, field_selector=f"spec.nodeName={s(meta.get('name'))}")
    if kind.resource == "services":
        selector = d(spec.get("selector"))
        if not selector:
            return PodQuery(ns, empty=True)
        return PodQuery(ns, label_selector=printers.format_labels(selector))
    if kind.resource == "deployments":
        sets = await list_objects(
            session, KINDS["replicasets"], ns, label_selector=selector_query(spec.get("selector"))
        )
        owners = frozenset(s(d(r.get("metadata")).get("uid")) for r in sets if owned_by(r, {uid}))
        return PodQuery(ns, selector_query(spec.get("selector")), owner_uids=owners)
    if kind.resource == "cronjobs":
        jobs = await list_objects(session, KINDS["jobs"], ns)
        owners = frozenset(s(d(j.get("metadata")).get("uid")) for j in jobs if owned_by(j, {uid}))
        return PodQuery(ns, owner_uids=owners)
    if kind.resource in ("replicasets", "statefulsets", "daemonsets", "jobs"):
        return PodQuery(ns, selector_query(spec.get("selector")), owner_uids=frozenset({uid}))
    if kind.resource == "pods":
        return PodQuery(ns, field_selector=f"metadata.name={s(meta.get('name'))}")
    return PodQuery(ns, empty=True)


async def list_pods_for(session: Any, query: PodQuery) -> list[Obj]:
    """The pods a PodQuery designates, as one list."""
    if query.empty:
        return []
    pods = await list_objects(
        session,
        KINDS["pods"],
        query.namespace,
        label_selector=query.label_selector,
        field_selector=query.field_selector,
    )
    return [p for p in pods if query.matches(p)]


def has_pods(kind: KindDef) -> bool:
    """Whether `enter` on this kind leads to pods."""
    return kind.resource in (
        "deployments",
        "replicasets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
        "services",
        "nodes",
    )
