"""Pod writes as the API server performs them: create, delete, ephemeral container updates.

Shared by the HTTP handlers and the demo loader so both take exactly the same path:
defaults, validation, PodSecurity admission, store, then the lifecycle.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from kdebug_tui.sandbox import podsecurity
from kdebug_tui.sandbox.cluster import Cluster
from kdebug_tui.sandbox.defaults import default_container, default_pod
from kdebug_tui.sandbox.errors import bad_request, invalid, not_found
from kdebug_tui.sandbox.lifecycle import Lifecycle
from kdebug_tui.sandbox.podvalidation import validate_new_pod
from kdebug_tui.sandbox.shape import check_pod
from kdebug_tui.sandbox.validation import validate_ephemeral_update

Obj = dict[str, Any]


class PodOps:
    def __init__(self, cluster: Cluster, lifecycle: Lifecycle) -> None:
        self.cluster = cluster
        self.lifecycle = lifecycle

    def _namespace(self, namespace: str) -> Obj:
        ns = self.cluster.get("namespaces", "", namespace)
        if ns is None:
            raise not_found("namespaces", namespace)
        return ns

    def create(self, namespace: str, body: Any, *, dry_run: bool = False) -> Obj:
        check_pod(body)
        if body.get("kind") not in (None, "Pod"):
            raise bad_request(
                "the API version in the data (v1) does not match the expected kind Pod: "
                f"got {body.get('kind')}"
            )
        body_ns = (body.get("metadata") or {}).get("namespace")
        if body_ns and body_ns != namespace:
            raise bad_request(
                "the namespace of the provided object does not match the namespace sent on the "
                "request"
            )
        ns_obj = self._namespace(namespace)
        pod = copy.deepcopy(body)
        if (pod.get("spec") or {}).get("ephemeralContainers"):
            raise invalid(
                "Pod",
                (pod.get("metadata") or {}).get("name", ""),
                [
                    {
                        "reason": "FieldValueForbidden",
                        "message": "Forbidden: cannot be set on create",
                        "field": "spec.ephemeralContainers",
                    }
                ],
            )
        pod.pop("status", None)
        for key in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink"):
            (pod.get("metadata") or {}).pop(key, None)
        validate_new_pod(pod)
        default_pod(pod, namespace)
        if (
            pod["spec"].get("nodeName")
            and self.cluster.get("nodes", "", pod["spec"]["nodeName"]) is None
        ):
            pass  # like the API server: accepted, the pod just never runs
        podsecurity.enforce(pod, ns_obj)
        if dry_run:
            return pod
        self.cluster.create("pods", pod)
        self.lifecycle.admit(pod)
        return copy.deepcopy(self.cluster.require("pods", namespace, pod["metadata"]["name"]))

    def update_ephemeral(
        self, namespace: str, name: str, new_pod: Any, *, dry_run: bool = False
    ) -> Obj:
        """Replace spec.ephemeralContainers of the stored pod with `new_pod`'s, if allowed."""
        old = self.cluster.require("pods", namespace, name)
        check_pod(new_pod)
        new_list = (new_pod.get("spec") or {}).get("ephemeralContainers") or []
        if not isinstance(new_list, list):
            raise bad_request("spec.ephemeralContainers must be a list")
        new_list = copy.deepcopy(new_list)
        for ec in new_list:
            if isinstance(ec, dict):
                default_container(ec)
                if not ec.get("resources"):
                    ec["resources"] = {}
        candidate = copy.deepcopy(old)
        candidate["spec"]["ephemeralContainers"] = new_list
        if not new_list:
            candidate["spec"].pop("ephemeralContainers", None)
        validate_ephemeral_update(old, candidate)
        podsecurity.enforce(candidate, self.cluster.get("namespaces", "", namespace))
        old_names = {ec["name"] for ec in old["spec"].get("ephemeralContainers") or []}
        added = [ec["name"] for ec in new_list if ec["name"] not in old_names]
        if dry_run or not added:
            return copy.deepcopy(old if not added else candidate)
        self.cluster.replace("pods", candidate)
        self.lifecycle.add_ephemeral(candidate, added)
        return copy.deepcopy(self.cluster.require("pods", namespace, name))

    def delete(self, namespace: str, name: str, grace: int | None, *, dry_run: bool = False) -> Obj:
        pod = self.cluster.require("pods", namespace, name)
        if dry_run:
            return copy.deepcopy(pod)
        if grace is None:
            grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30))
        if grace < 0:
            raise bad_request("gracePeriodSeconds must be non-negative")
        phase = (pod.get("status") or {}).get("phase")
        meta = pod["metadata"]
        if meta.get("deletionTimestamp"):
            return copy.deepcopy(pod)
        if grace == 0 or phase in ("Succeeded", "Failed") or not pod["spec"].get("nodeName"):
            grace = 0
        updated = copy.deepcopy(pod)
        when = datetime.now(UTC) + timedelta(seconds=grace)
        updated["metadata"]["deletionTimestamp"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        updated["metadata"]["deletionGracePeriodSeconds"] = grace
        self.cluster.replace("pods", updated)
        self.lifecycle.schedule_delete(namespace, name, float(grace))
        return copy.deepcopy(updated)
