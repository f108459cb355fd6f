"""The Deployment, ReplicaSet, StatefulSet and DaemonSet controllers (one pass each).

See controllers.py for what is and is not modelled. Each function reads the stored owner and
its pods, creates or deletes pods through the controllers' helpers, and writes a status
computed from those pods (only when it differs).
"""

from __future__ import annotations

import copy
from typing import Any

from kdebug_tui.sandbox.cluster import now_iso
from kdebug_tui.sandbox.defaults import random_suffix
from kdebug_tui.sandbox.objects import selector_matches
from kdebug_tui.sandbox.ownership import (
    ControllerBase,
    condition,
    is_active,
    is_ready,
    owner_ref,
    template_hash,
)

Obj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"


# -- Deployment -----------------------------------------------------------------------
def deployment(ctl: ControllerBase, d: Obj) -> None:
    spec, meta = d["spec"], d["metadata"]
    desired = int(spec.get("replicas", 1))
    template = copy.deepcopy(spec["template"])
    thash = template_hash(template)
    template["metadata"].setdefault("labels", {})["pod-template-hash"] = thash
    sets = ctl.owned("replicasets", d)
    new_name = f"{meta['name']}-{thash}"
    new = next((r for r in sets if r["metadata"]["name"] == new_name), None)
    revision = 1 + max(
        (
            int(
                (r["metadata"].get("annotations") or {}).get(
                    "deployment.kubernetes.io/revision", "0"
                )
            )
            for r in sets
        ),
        default=0,
    )
    if new is None:
        selector = copy.deepcopy(spec["selector"])
        selector.setdefault("matchLabels", {})["pod-template-hash"] = thash
        body = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": new_name,
                "namespace": meta["namespace"],
                "labels": dict(template["metadata"]["labels"]),
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(desired),
                    "deployment.kubernetes.io/max-replicas": str(desired + 1),
                    "deployment.kubernetes.io/revision": str(revision),
                },
                "ownerReferences": [owner_ref(d)],
                "generation": 1,
            },
            "spec": {
                "replicas": desired,
                "minReadySeconds": spec.get("minReadySeconds", 0),
                "selector": selector,
                "template": template,
            },
            "status": {"replicas": 0},
        }
        new = ctl.cluster.create("replicasets", body)
        sets.append(new)
        ctl.event(
            d,
            "ScalingReplicaSet",
            f"Scaled up replica set {new_name} from 0 to {desired}",
            component="deployment-controller",
        )
    elif int(new["spec"].get("replicas", 0)) != desired:
        was = int(new["spec"].get("replicas", 0))
        scaled = copy.deepcopy(new)
        scaled["spec"]["replicas"] = desired
        scaled["metadata"]["generation"] = int(new["metadata"].get("generation", 1)) + 1
        new = ctl.cluster.replace("replicasets", scaled)
        verb = "up" if desired > was else "down"
        ctl.event(
            d,
            "ScalingReplicaSet",
            f"Scaled {verb} replica set {new_name} from {was} to {desired}",
            component="deployment-controller",
        )
    new_status = new.get("status") or {}
    if int(new_status.get("availableReplicas", 0)) >= desired:
        for old in sets:
            if old is new or int(old["spec"].get("replicas", 0)) == 0:
                continue
            was = int(old["spec"]["replicas"])
            scaled = copy.deepcopy(old)
            scaled["spec"]["replicas"] = 0
            ctl.cluster.replace("replicasets", scaled)
            ctl.event(
                d,
                "ScalingReplicaSet",
                f"Scaled down replica set {old['metadata']['name']} from {was} to 0",
                component="deployment-controller",
            )
    total = lambda key: sum(int((r.get("status") or {}).get(key, 0)) for r in sets)  # noqa: E731
    available = total("availableReplicas")
    stamp = now_iso()
    old_conds = (d.get("status") or {}).get("conditions") or []
    complete = (
        int(new_status.get("availableReplicas", 0)) >= desired and total("replicas") == desired
    )
    status: Obj = {
        "observedGeneration": meta.get("generation", 1),
        "replicas": total("replicas"),
        "updatedReplicas": int(new_status.get("replicas", 0)),
        "readyReplicas": total("readyReplicas"),
        "availableReplicas": available,
    }
    if desired - available > 0:
        status["unavailableReplicas"] = desired - available
    status = {k: v for k, v in status.items() if v or k in ("observedGeneration", "replicas")}
    status["conditions"] = [
        condition(
            old_conds,
            "Available",
            "True" if available >= desired else "False",
            "MinimumReplicasAvailable" if available >= desired else "MinimumReplicasUnavailable",
            "Deployment has minimum availability."
            if available >= desired
            else "Deployment does not have minimum availability.",
            stamp,
        ),
        condition(
            old_conds,
            "Progressing",
            "True",
            "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
            f'ReplicaSet "{new_name}" has successfully progressed.'
            if complete
            else f'ReplicaSet "{new_name}" is progressing.',
            stamp,
        ),
    ]
    revision_now = (new["metadata"].get("annotations") or {}).get(REVISION, "1")
    if (meta.get("annotations") or {}).get(REVISION) != revision_now:
        # the deployment controller records the revision it rolled out on the Deployment
        annotated = copy.deepcopy(d)
        annotated["metadata"].setdefault("annotations", {})[REVISION] = revision_now
        d = ctl.cluster.replace("deployments", annotated)
    ctl.set_status("deployments", d, status)


# -- ReplicaSet -----------------------------------------------------------------------
def replicaset(ctl: ControllerBase, rs: Obj) -> None:
    desired = int(rs["spec"].get("replicas", 1))
    pods = [p for p in ctl.owned("pods", rs) if is_active(p)]
    for _ in range(desired - len(pods)):
        pod = ctl.create_pod(
            rs, rs["spec"]["template"], f"{rs['metadata']['name']}-{random_suffix()}"
        )
        if pod is not None:
            pods.append(pod)
    if len(pods) > desired:
        # not ready first, then the newest, as the ReplicaSet controller ranks them
        ranked = sorted(pods, key=lambda p: (is_ready(p), p["metadata"]["creationTimestamp"]))
        for pod in ranked[: len(pods) - desired]:
            ctl.delete_pod(rs, pod)
            pods.remove(pod)
    ready = sum(1 for p in pods if is_ready(p))
    status = {
        "replicas": len(pods),
        "fullyLabeledReplicas": len(pods),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": rs["metadata"].get("generation", 1),
    }
    status = {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
    ctl.set_status("replicasets", rs, status)


# -- StatefulSet ----------------------------------------------------------------------
def statefulset(ctl: ControllerBase, sts: Obj) -> None:
    meta, spec = sts["metadata"], sts["spec"]
    desired = int(spec.get("replicas", 1))
    revision = f"{meta['name']}-{template_hash(spec['template'])}"
    by_name = {p["metadata"]["name"]: p for p in ctl.owned("pods", sts) if is_active(p)}
    for i in range(desired):
        name = f"{meta['name']}-{i}"
        if name in by_name:
            if not is_ready(by_name[name]) and spec.get("podManagementPolicy") != "Parallel":
                break  # OrderedReady: the next ordinal waits for this one
            continue
        template = copy.deepcopy(spec["template"])
        template["metadata"].setdefault("labels", {}).update(
            {
                "controller-revision-hash": revision,
                "statefulset.kubernetes.io/pod-name": name,
                "apps.kubernetes.io/pod-index": str(i),
            }
        )
        extra: Obj = {"hostname": name}
        if spec.get("serviceName"):
            extra["subdomain"] = spec["serviceName"]
        pod = ctl.create_pod(sts, template, name, **extra)
        if pod is not None:
            by_name[name] = pod
        if spec.get("podManagementPolicy") != "Parallel":
            break
    for name in sorted(by_name, key=lambda n: -int(n.rsplit("-", 1)[-1])):
        if int(name.rsplit("-", 1)[-1]) >= desired:
            ctl.delete_pod(sts, by_name.pop(name))
    ready = sum(1 for p in by_name.values() if is_ready(p))
    status = {
        "observedGeneration": meta.get("generation", 1),
        "replicas": len(by_name),
        "readyReplicas": ready,
        "currentReplicas": len(by_name),
        "updatedReplicas": len(by_name),
        "availableReplicas": ready,
        "currentRevision": revision,
        "updateRevision": revision,
        "collisionCount": 0,
    }
    status = {
        k: v
        for k, v in status.items()
        if v or k in ("replicas", "collisionCount", "availableReplicas")
    }
    ctl.set_status("statefulsets", sts, status)


# -- DaemonSet ------------------------------------------------------------------------
def daemonset(ctl: ControllerBase, ds: Obj) -> None:
    meta, spec = ds["metadata"], ds["spec"]
    node_selector = (spec["template"].get("spec") or {}).get("nodeSelector") or {}
    nodes = [
        n["metadata"]["name"]
        for n in ctl.cluster.list("nodes")
        if selector_matches({"matchLabels": node_selector}, n["metadata"].get("labels") or {})
    ]
    revision = template_hash(spec["template"])
    pods = [p for p in ctl.owned("pods", ds) if is_active(p)]
    on_node = {p["spec"].get("nodeName"): p for p in pods}
    for node in nodes:
        if node in on_node:
            continue
        template = copy.deepcopy(spec["template"])
        template["metadata"].setdefault("labels", {}).update(
            {"controller-revision-hash": revision, "pod-template-generation": "1"}
        )
        affinity = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchFields": [
                                {"key": "metadata.name", "operator": "In", "values": [node]}
                            ]
                        }
                    ]
                }
            }
        }
        # the real controller leaves binding to the scheduler; here it binds directly
        pod = ctl.create_pod(
            ds, template, f"{meta['name']}-{random_suffix()}", nodeName=node, affinity=affinity
        )
        if pod is not None:
            on_node[node] = pod
    for node, pod in list(on_node.items()):
        if node not in nodes:
            ctl.delete_pod(ds, pod)
            on_node.pop(node)
    ready = sum(1 for p in on_node.values() if is_ready(p))
    status = {
        "currentNumberScheduled": len(on_node),
        "numberMisscheduled": 0,
        "desiredNumberScheduled": len(nodes),
        "numberReady": ready,
        "observedGeneration": meta.get("generation", 1),
        "updatedNumberScheduled": len(on_node),
        "numberAvailable": ready,
    }
    if len(nodes) - ready > 0:
        status["numberUnavailable"] = len(nodes) - ready
    ctl.set_status("daemonsets", ds, status)
