"""The endpoints controller: a Service's Endpoints follow the pods its selector picks.

Ready pods with an IP become `addresses`, the others (not yet ready, still running)
`notReadyAddresses`, each with a targetRef to the pod; the ports are the Service's, with a
named targetPort resolved against each pod's container ports as kube-proxy would. A Service
without a selector is left alone (its Endpoints are the user's), and the Endpoints of a
deleted Service go with it.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from kdebug_tui.sandbox.cluster import Cluster, now_iso
from kdebug_tui.sandbox.defaults import random_suffix
from kdebug_tui.sandbox.errors import ApiError

Obj = dict[str, Any]
TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time"
SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER = "endpointslice-controller.k8s.io"


def target_port(pod: Obj, port: Obj) -> int | None:
    """The container port a Service port sends to on `pod` (None: the name is not there)."""
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target and p.get("protocol", "TCP") == port.get("protocol", "TCP"):
                return int(p["containerPort"])
    return None


def _address(pod: Obj) -> Obj:
    meta = pod["metadata"]
    return {
        "ip": (pod.get("status") or {}).get("podIP", ""),
        "nodeName": (pod.get("spec") or {}).get("nodeName", ""),
        "targetRef": {
            "kind": "Pod",
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
        },
    }


def endpoints_for(svc: Obj, pods: list[Obj]) -> list[Obj]:
    """The subsets of a Service's Endpoints: one per distinct set of resolved ports."""
    groups: dict[tuple[tuple[str, int, str], ...], Obj] = {}
    for pod in pods:
        status = pod.get("status") or {}
        if not status.get("podIP") or pod["metadata"].get("deletionTimestamp"):
            continue
        if status.get("phase") in ("Succeeded", "Failed"):
            continue
        ports = []
        for p in svc["spec"].get("ports") or []:
            number = target_port(pod, p)
            if number is not None:
                ports.append((p.get("name", ""), number, p.get("protocol", "TCP")))
        key = tuple(ports)
        subset = groups.setdefault(key, {"addresses": [], "notReadyAddresses": []})
        ready = any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or []
        )
        subset["addresses" if ready else "notReadyAddresses"].append(_address(pod))
    subsets = []
    for key, subset in groups.items():
        out: Obj = {k: sorted(v, key=lambda a: a["ip"]) for k, v in subset.items() if v}
        if key:
            out["ports"] = [
                {**({"name": name} if name else {}), "port": number, "protocol": proto}
                for name, number, proto in key
            ]
        subsets.append(out)
    return subsets


def slice_for(svc: Obj, pods: list[Obj]) -> Obj:
    """The EndpointSlice body (discovery.k8s.io/v1) of a Service: one endpoint per pod with
    an IP, ready/serving/terminating conditions, and the Service's resolved ports."""
    endpoints = []
    ports: dict[str, Obj] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        status = pod.get("status") or {}
        if not status.get("podIP") or status.get("phase") in ("Succeeded", "Failed"):
            continue
        ready = any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or []
        )
        terminating = bool(pod["metadata"].get("deletionTimestamp"))
        address = _address(pod)
        endpoints.append(
            {
                "addresses": [address["ip"]],
                "conditions": {
                    "ready": ready and not terminating,
                    "serving": ready,
                    "terminating": terminating,
                },
                "nodeName": address["nodeName"],
                "targetRef": address["targetRef"],
            }
        )
        for p in svc["spec"].get("ports") or []:
            number = target_port(pod, p)
            if number is not None:
                ports.setdefault(
                    p.get("name", ""),
                    {
                        "name": p.get("name", ""),
                        "port": number,
                        "protocol": p.get("protocol", "TCP"),
                    },
                )
    meta = svc["metadata"]
    labels = {**(meta.get("labels") or {}), SERVICE_NAME: meta["name"], MANAGED_BY: CONTROLLER}
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "generateName": meta["name"] + "-",
            "namespace": meta["namespace"],
            "labels": labels,
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "name": meta["name"],
                    "uid": meta["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": list(ports.values()),
    }


def reconcile_slices(
    cluster: Cluster, ns: str, services: dict[str, Obj], selected: dict[str, list[Obj]]
) -> None:
    """One managed EndpointSlice per selecting Service; slices of deleted Services go."""
    existing = {
        (sl["metadata"].get("labels") or {}).get(SERVICE_NAME): sl
        for sl in cluster.list("endpointslices", ns)
        if (sl["metadata"].get("labels") or {}).get(MANAGED_BY) == CONTROLLER
    }
    for name, pods in selected.items():
        body = slice_for(services[name], pods)
        current = existing.pop(name, None)
        if current is None:
            body["metadata"]["name"] = f"{name}-{random_suffix()}"
            cluster.create("endpointslices", body)
        elif (current.get("endpoints"), current.get("ports")) != (body["endpoints"], body["ports"]):
            new = copy.deepcopy(current)
            new["endpoints"], new["ports"] = body["endpoints"], body["ports"]
            cluster.replace("endpointslices", new)
    for stale in existing.values():
        with contextlib.suppress(ApiError):
            cluster.delete("endpointslices", ns, stale["metadata"]["name"])


def reconcile_endpoints(cluster: Cluster, ns: str) -> None:
    services = {s["metadata"]["name"]: s for s in cluster.list("services", ns)}
    selected: dict[str, list[Obj]] = {}
    for name, svc in services.items():
        selector = svc["spec"].get("selector")
        if not selector or svc["spec"].get("type") == "ExternalName":
            continue
        pods = [
            p
            for p in cluster.list("pods", ns)
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
        ]
        selected[name] = pods
        subsets = endpoints_for(svc, pods)
        current = cluster.get("endpoints", ns, name)
        labels = dict(svc["metadata"].get("labels") or {})
        if current is None:
            body: Obj = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {
                    "name": name,
                    "namespace": ns,
                    "labels": labels,
                    "annotations": {TRIGGER: now_iso()},
                },
            }
            if subsets:
                body["subsets"] = subsets
            cluster.create("endpoints", body)
        elif current.get("subsets", []) != subsets:
            new = copy.deepcopy(current)
            new.pop("subsets", None)
            new["metadata"].setdefault("annotations", {})[TRIGGER] = now_iso()
            if subsets:
                new["subsets"] = subsets
            cluster.replace("endpoints", new)
    reconcile_slices(cluster, ns, services, selected)
    for ep in cluster.list("endpoints", ns):
        # the controller's own Endpoints (marked as upstream marks them) outlive no Service
        mine = TRIGGER in (ep["metadata"].get("annotations") or {})
        if mine and ep["metadata"]["name"] not in services:
            with contextlib.suppress(ApiError):
                cluster.delete("endpoints", ns, ep["metadata"]["name"])
