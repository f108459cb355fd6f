"""What every controller shares: owner references, readiness, conditions, and the base
class with the writes a controller makes (pods through the API's own path, events, status).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kdebug_tui.sandbox.cluster import Cluster, now_iso
from kdebug_tui.sandbox.errors import ApiError

if TYPE_CHECKING:
    from kdebug_tui.sandbox.podops import PodOps

Obj = dict[str, Any]
_SAFE = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet of apimachinery's SafeEncodeString


def template_hash(template: Obj) -> str:
    """A stable, label-safe hash of a pod template (the pod-template-hash label's value)."""
    digest = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).digest()
    return "".join(_SAFE[b % len(_SAFE)] for b in digest[:10])


def owner_ref(obj: Obj) -> Obj:
    return {
        "apiVersion": obj.get("apiVersion", "v1"),
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def controller_uid(obj: Obj) -> str | None:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid"))
    return None


def is_ready(pod: Obj) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def is_active(pod: Obj) -> bool:
    """Counted by its controller: not being deleted, not finished."""
    phase = (pod.get("status") or {}).get("phase")
    return not pod["metadata"].get("deletionTimestamp") and phase not in ("Succeeded", "Failed")


def condition(
    old: list[Obj], type_: str, status: str, reason: str, message: str, stamp: str
) -> Obj:
    """A status condition that keeps its transition time while its status holds."""
    prev = next((c for c in old if c.get("type") == type_), None)
    if prev and prev.get("status") == status and prev.get("reason") == reason:
        return prev
    cond = {
        "type": type_,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": stamp,
    }
    if type_ in ("Available", "Progressing"):
        cond["lastUpdateTime"] = stamp
    return cond


class ControllerBase:
    """The store, the pod API and a clock, with the writes the controllers share."""

    def __init__(
        self, cluster: Cluster, pods: PodOps, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.cluster = cluster
        self.pods = pods
        self.clock = clock

    def owned(self, resource: str, owner: Obj) -> list[Obj]:
        uid = owner["metadata"]["uid"]
        ns = owner["metadata"]["namespace"]
        return [o for o in self.cluster.list(resource, ns) if controller_uid(o) == uid]

    def event(
        self, obj: Obj, reason: str, message: str, *, type_: str = "Normal", component: str = ""
    ) -> None:
        """An event about a workload, as its controller in kube-controller-manager sends."""
        meta = obj["metadata"]
        stamp = now_iso()
        name = f"{meta['name']}.{time.time_ns():x}"
        self.cluster.create(
            "events",
            {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": meta["namespace"]},
                "involvedObject": {
                    "apiVersion": obj.get("apiVersion", "v1"),
                    "kind": obj["kind"],
                    "name": meta["name"],
                    "namespace": meta["namespace"],
                    "uid": meta["uid"],
                    "resourceVersion": meta.get("resourceVersion", ""),
                },
                "reason": reason,
                "message": message,
                "type": type_,
                "source": {"component": component or f"{obj['kind'].lower()}-controller"},
                "firstTimestamp": stamp,
                "lastTimestamp": stamp,
                "count": 1,
                "eventTime": None,
                "reportingComponent": "",
                "reportingInstance": "",
            },
        )

    def set_status(self, resource: str, obj: Obj, status: Obj) -> Obj:
        if obj.get("status") == status:
            return obj
        new = copy.deepcopy(obj)
        new["status"] = status
        return self.cluster.replace(resource, new)

    def create_pod(self, owner: Obj, template: Obj, name: str, **spec_extra: Any) -> Obj | None:
        """A pod from `owner`'s template, through the API's own pod path (admission too)."""
        body = copy.deepcopy(template)
        meta = body.setdefault("metadata", {})
        meta["name"] = name
        meta["ownerReferences"] = [owner_ref(owner)]
        body.setdefault("spec", {}).update(spec_extra)
        ns = owner["metadata"]["namespace"]
        try:
            pod = self.pods.create(ns, body)
        except ApiError as err:
            self.event(owner, "FailedCreate", f"Error creating: {err.message}", type_="Warning")
            return None
        self.event(owner, "SuccessfulCreate", f"Created pod: {name}")
        return pod

    def delete_pod(self, owner: Obj | None, pod: Obj) -> None:
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            return
        with contextlib.suppress(ApiError):
            self.pods.delete(meta["namespace"], meta["name"], None)
            if owner is not None:
                self.event(owner, "SuccessfulDelete", f"Deleted pod: {meta['name']}")
