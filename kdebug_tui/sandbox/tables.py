"""Server-side printing: meta.k8s.io/v1 Tables with the columns kubectl shows.

The pod STATUS, READY and RESTARTS cells follow kubectl's printPod so that `kubectl get pods`
prints exactly as against a cluster. Ages use apimachinery's HumanDuration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kdebug_tui.kube import podfields, printers
from kdebug_tui.sandbox.tables_extra import extra_printers

Obj = dict[str, Any]
TABLE_MEDIA = "as=Table"

POD_COLUMNS = [
    ("Name", 0, "name", "Name must be unique within a namespace."),
    ("Ready", 0, "", "The aggregate readiness state of this pod for accepting traffic."),
    ("Status", 0, "", "The aggregate status of the containers in this pod."),
    (
        "Restarts",
        0,
        "",
        "The number of times the containers in this pod have been restarted and when the last "
        "container in this pod has restarted.",
    ),
    (
        "Age",
        0,
        "",
        "CreationTimestamp is a timestamp representing the server time when this object was "
        "created.",
    ),
    ("IP", 1, "", "podIP address allocated to the pod. Routable at least within the cluster."),
    ("Node", 1, "", "NodeName indicates in which node this pod is scheduled."),
    (
        "Nominated Node",
        1,
        "",
        "nominatedNodeName is set only when this pod preempts other pods on the node.",
    ),
    (
        "Readiness Gates",
        1,
        "",
        "If specified, all readiness gates will be evaluated for pod readiness.",
    ),
]
NODE_COLUMNS = [
    ("Name", 0, "name", "Name must be unique."),
    ("Status", 0, "", "The status of the node"),
    ("Roles", 0, "", "The roles of the node"),
    ("Age", 0, "", "CreationTimestamp"),
    ("Version", 0, "", "Kubelet Version reported by the node."),
    ("Internal-IP", 1, "", "List of addresses reachable to the node."),
    ("External-IP", 1, "", "List of addresses reachable to the node."),
    ("OS-Image", 1, "", "OS Image reported by the node from /etc/os-release."),
    ("Kernel-Version", 1, "", "Kernel Version reported by the node."),
    ("Container-Runtime", 1, "", "Container Runtime Version reported by the node."),
]
NAMESPACE_COLUMNS = [
    ("Name", 0, "name", "Name must be unique."),
    ("Status", 0, "", "The status of the namespace"),
    ("Age", 0, "", "CreationTimestamp"),
]
EVENT_COLUMNS = [
    ("Last Seen", 0, "", "Time when last event occurred"),
    (
        "Type",
        0,
        "",
        "Type of this event (Normal, Warning), new types could be added in the future.",
    ),
    ("Reason", 0, "", "Reason why the action was taken."),
    ("Object", 0, "", "The object this Event is about."),
    ("Subobject", 1, "", "FieldPath of the object."),
    ("Source", 1, "", "The component reporting this event."),
    ("Message", 0, "", "A human-readable description of the status of this operation."),
    ("First Seen", 1, "", "The time at which the event was first recorded."),
    ("Count", 1, "", "The number of times this event has occurred."),
    ("Name", 1, "name", "Name must be unique within a namespace."),
]


def wants_table(accept: str | None) -> bool:
    return bool(accept) and TABLE_MEDIA in accept.split(",")[0].replace(" ", "")  # type: ignore[union-attr]


def wants_partial(accept: str | None) -> bool:
    """`as=PartialObjectMetadata` (or `...List`): metadata only, as controllers ask for it."""
    first = (accept or "").split(",")[0].replace(" ", "")
    return "as=PartialObjectMetadata" in first


def partial(obj: Obj) -> Obj:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def since(ts: str | None, now: datetime | None = None) -> str:
    return podfields.since(ts, (now or datetime.now(UTC)).timestamp())


def pod_cells(pod: Obj, now: datetime | None = None) -> list[Any]:
    """kubectl's printPod columns, wide ones included: the app's own row renderer
    (kube/printers.py over kube/render.py, checked against kubectl's printers), so the
    sandbox and the UI can never disagree."""
    return printers.pod_cells(pod, (now or datetime.now(UTC)).timestamp())


def _node_cells(node: Obj) -> list[Any]:
    conds = (node.get("status") or {}).get("conditions") or []
    ready = next((c for c in conds if c.get("type") == "Ready"), None)
    state = "Ready" if ready and ready.get("status") == "True" else "NotReady"
    labels = node["metadata"].get("labels") or {}
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
    addresses = (node.get("status") or {}).get("addresses") or []
    internal = next((a["address"] for a in addresses if a.get("type") == "InternalIP"), "<none>")
    external = next((a["address"] for a in addresses if a.get("type") == "ExternalIP"), "<none>")
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [
        node["metadata"]["name"],
        state,
        ",".join(roles) or "<none>",
        since(node["metadata"].get("creationTimestamp")),
        info.get("kubeletVersion", ""),
        internal,
        external,
        info.get("osImage", "<unknown>"),
        info.get("kernelVersion", "<unknown>"),
        info.get("containerRuntimeVersion", "<unknown>"),
    ]


def _namespace_cells(ns: Obj) -> list[Any]:
    return [
        ns["metadata"]["name"],
        (ns.get("status") or {}).get("phase", "Active"),
        since(ns["metadata"].get("creationTimestamp")),
    ]


def _event_cells(ev: Obj) -> list[Any]:
    obj = ev.get("involvedObject") or {}
    source = ev.get("source") or {}
    src = source.get("component", "")
    if source.get("host"):
        src += ", " + source["host"]
    return [
        since(ev.get("lastTimestamp") or ev["metadata"].get("creationTimestamp")),
        ev.get("type", ""),
        ev.get("reason", ""),
        f"{obj.get('kind', '').lower()}/{obj.get('name', '')}",
        obj.get("fieldPath", ""),
        src,
        (ev.get("message") or "").strip(),
        since(ev.get("firstTimestamp")),
        int(ev.get("count", 1)),
        ev["metadata"]["name"],
    ]


PRINTERS = {
    "pods": (POD_COLUMNS, pod_cells),
    "nodes": (NODE_COLUMNS, _node_cells),
    "namespaces": (NAMESPACE_COLUMNS, _namespace_cells),
    "events": (EVENT_COLUMNS, _event_cells),
}
PRINTERS.update(extra_printers())  # deployments, services... (kube/resources.py)


def _row(resource: str, obj: Obj, include: str) -> Obj:
    row: Obj = {"cells": PRINTERS[resource][1](obj)}  # type: ignore[operator]
    phase = (obj.get("status") or {}).get("phase") if resource == "pods" else None
    if phase == "Succeeded":
        row["conditions"] = [
            {
                "type": "Completed",
                "status": "True",
                "reason": "Succeeded",
                "message": "The pod has completed successfully.",
            }
        ]
    elif phase == "Failed":
        row["conditions"] = [
            {
                "type": "Completed",
                "status": "True",
                "reason": "Failed",
                "message": "The pod failed.",
            }
        ]
    if include == "Object":
        row["object"] = obj
    elif include != "None":
        row["object"] = partial(obj)
    return row


def table(
    resource: str,
    items: list[Obj],
    resource_version: str,
    *,
    include: str = "Metadata",
    headers: bool = True,
) -> Obj:
    columns = PRINTERS[resource][0]
    result: Obj = {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
    }
    if headers:
        result["columnDefinitions"] = [
            {
                "name": n,
                "type": "integer" if n == "Count" else "string",
                "format": f,
                "description": d,
                "priority": p,
            }
            for n, p, f, d in columns
        ]
    result["rows"] = [_row(resource, obj, include) for obj in items]
    return result
