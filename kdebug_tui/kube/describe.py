"""`describe(session, kind, namespace, name)`: the text `kubectl describe` prints, for every
kind of kube/resources.py, with the related objects kubectl fetches (events, a Deployment's
ReplicaSets, a controller's pods, a Service's EndpointSlices, a node's pods).

The renderers are pure (describe_pod, describe_workloads, describe_more); this module only
reads. Related reads that fail (RBAC, an API the cluster lacks) leave their section empty
rather than failing the whole description, as kubectl does.
"""

from __future__ import annotations

import time
from typing import Any

from kdebug_tui.kube.describe_more import describe_endpoints, describe_node, describe_service
from kdebug_tui.kube.describe_pod import describe_pod
from kdebug_tui.kube.describe_text import (
    Writer,
    annotations_multiline,
    events_section,
    labels_multiline,
)
from kdebug_tui.kube.describe_workloads import (
    describe_cronjob,
    describe_daemonset,
    describe_deployment,
    describe_job,
    describe_replicaset,
    describe_statefulset,
)
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.owners import get_object, list_objects, owned_by, selector_query
from kdebug_tui.kube.podfields import d, s
from kdebug_tui.kube.resources import KINDS, KindDef

Obj = dict[str, Any]
SLICES_PATH = "/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices"
LEASE_PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{node}"


async def events_for(session: Any, obj: Obj) -> list[Obj]:
    """Events about `obj` (by uid, as kubectl's describe selects them); [] when unreadable."""
    meta = d(obj.get("metadata"))
    ns = s(meta.get("namespace")) or None
    selector = f"involvedObject.name={s(meta.get('name'))},involvedObject.uid={s(meta.get('uid'))}"
    if ns:
        selector += f",involvedObject.namespace={ns}"
    kind = s(obj.get("kind"))
    if kind:
        selector += f",involvedObject.kind={kind}"
    try:
        return await list_objects(session, KINDS["events"], ns, field_selector=selector)
    except KubeError:
        return []


async def _owned(session: Any, resource: str, owner: Obj, selector: Any = None) -> list[Obj]:
    ns = s(d(owner.get("metadata")).get("namespace")) or None
    uid = s(d(owner.get("metadata")).get("uid"))
    try:
        items = await list_objects(
            session, KINDS[resource], ns, label_selector=selector_query(selector)
        )
    except KubeError:
        return []
    return [o for o in items if owned_by(o, {uid})]


async def _slices(session: Any, svc: Obj) -> list[Obj]:
    meta = d(svc.get("metadata"))
    path = SLICES_PATH.format(ns=s(meta.get("namespace")))
    query = [("labelSelector", f"kubernetes.io/service-name={s(meta.get('name'))}")]
    try:
        body = await session.request_json("GET", path, query=query, resource="endpointslices")
    except KubeError:
        return []
    return [i for i in d(body).get("items") or [] if isinstance(i, dict)]


def _generic(obj: Obj, events: list[Obj], now: float) -> str:
    """Namespaces, events and anything else: identity, labels, annotations, events."""
    w = Writer()
    meta = d(obj.get("metadata"))
    w.line(0, "Name", s(meta.get("name")))
    if s(meta.get("namespace")):
        w.line(0, "Namespace", s(meta["namespace"]))
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = s(d(obj.get("status")).get("phase"))
    if phase:
        w.line(0, "Status", phase)
    if s(obj.get("kind")) != "Namespace":  # kubectl's namespace describer shows no events
        events_section(w, events, now)
    return w.text()


async def describe(
    session: Any, kind: KindDef, namespace: str | None, name: str, *, now: float | None = None
) -> str:
    """The describe text of one object (raises KubeError when the object cannot be read)."""
    obj = await get_object(session, kind, namespace, name)
    obj.setdefault("kind", kind.kind)
    return await describe_object(session, kind, obj, now=now)


async def describe_object(
    session: Any, kind: KindDef, obj: Obj, *, now: float | None = None
) -> str:
    """`describe` for an object already at hand (e.g. the row under the cursor)."""
    now = time.time() if now is None else now
    events = await events_for(session, obj)
    spec = d(obj.get("spec"))
    selector = spec.get("selector")
    resource = kind.resource
    if resource == "pods":
        return describe_pod(obj, events, now)
    if resource == "deployments":
        return describe_deployment(
            obj, await _owned(session, "replicasets", obj, selector), events, now
        )
    if resource == "replicasets":
        return describe_replicaset(obj, await _owned(session, "pods", obj, selector), events, now)
    if resource == "statefulsets":
        return describe_statefulset(obj, await _owned(session, "pods", obj, selector), events, now)
    if resource == "daemonsets":
        return describe_daemonset(obj, await _owned(session, "pods", obj, selector), events, now)
    if resource == "jobs":
        return describe_job(obj, events, now)
    if resource == "cronjobs":
        return describe_cronjob(obj, events, now)
    if resource == "services":
        return describe_service(obj, await _slices(session, obj), events, now)
    if resource == "endpoints":
        return describe_endpoints(obj, events, now)
    if resource == "nodes":
        node = s(d(obj.get("metadata")).get("name"))
        try:
            pods = await list_objects(
                session, KINDS["pods"], None, field_selector=f"spec.nodeName={node}"
            )
        except KubeError:
            pods = []
        lease: Obj | str
        try:
            lease = await session.request_json(
                "GET", LEASE_PATH.format(node=node), resource="leases"
            )
        except KubeError as exc:
            lease = exc.full_text
        return describe_node(obj, pods, events, now, lease)
    return _generic(obj, events, now)
