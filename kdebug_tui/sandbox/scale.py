"""`--scale N`: N synthetic pods across many namespaces and nodes, with no process behind them.

They exist so a large cluster can be listed, watched, filtered and benchmarked on one
machine: each pod is shaped like a Deployment's pod on a real cluster (~4 KB of JSON with
labels, owner reference, service-account volume, tolerations, conditions, container
statuses) in one of a few states (mostly Running; some Pending, CrashLoopBackOff,
ImagePullBackOff, Completed). Pods of one workload share their spec object, which nothing in
the sandbox mutates in place (writes copy first), so 150,000 pods cost what their
differences cost. The demo's pods stay real next to them, so debugging still works.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from kdebug_tui.sandbox import demo
from kdebug_tui.sandbox.cluster import Cluster

Obj = dict[str, Any]
PODS_PER_NAMESPACE = 150
PODS_PER_NODE = 30
WORKLOADS_PER_NAMESPACE = 12
IMAGES = (
    "registry.k8s.io/pause:3.9",
    "docker.io/library/nginx:1.27",
    "docker.io/library/redis:7.2",
    "ghcr.io/example/api:2.14.1",
    "quay.io/prometheus/node-exporter:v1.8.1",
)
# Share of pods per state, out of 100.
STATES = (("running", 88), ("pending", 4), ("crashloop", 4), ("pullbackoff", 2), ("done", 2))


def _hash(text: str, n: int = 10) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:n]


def _suffix(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))


def _ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Synthesizer:
    """Makes synthetic pods deterministically (seeded) for namespaces and nodes of one size."""

    def __init__(self, n: int, seed: int = 1, now: datetime | None = None) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.now = now or datetime.now(UTC)
        self.namespace_count = max(1, n // PODS_PER_NAMESPACE)
        self.node_count = max(2, n // PODS_PER_NODE)
        self.namespaces = [f"team-{i:04d}" for i in range(self.namespace_count)]
        self.nodes = [f"node-{i:04d}" for i in range(self.node_count)]
        self._specs: dict[tuple[str, int], Obj] = {}
        self._serial = 0

    def _spec(self, namespace: str, workload: int) -> Obj:
        key = (namespace, workload)
        spec = self._specs.get(key)
        if spec is None:
            image = IMAGES[workload % len(IMAGES)]
            token = f"kube-api-access-{_hash(namespace + str(workload), 5)}"
            spec = {
                "containers": [
                    {
                        "name": "app",
                        "image": image,
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                        "resources": {
                            "limits": {"memory": "256Mi"},
                            "requests": {"cpu": "50m", "memory": "128Mi"},
                        },
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {
                                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                "name": token,
                                "readOnly": True,
                            }
                        ],
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": True,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": f"node.kubernetes.io/{what}",
                        "operator": "Exists",
                        "tolerationSeconds": 300,
                    }
                    for what in ("not-ready", "unreachable")
                ],
                "volumes": [
                    {
                        "name": token,
                        "projected": {
                            "defaultMode": 420,
                            "sources": [
                                {
                                    "serviceAccountToken": {
                                        "expirationSeconds": 3607,
                                        "path": "token",
                                    }
                                },
                                {
                                    "configMap": {
                                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                        "name": "kube-root-ca.crt",
                                    }
                                },
                                {
                                    "downwardAPI": {
                                        "items": [
                                            {
                                                "fieldRef": {
                                                    "apiVersion": "v1",
                                                    "fieldPath": "metadata.namespace",
                                                },
                                                "path": "namespace",
                                            }
                                        ]
                                    }
                                },
                            ],
                        },
                    }
                ],
            }
            self._specs[key] = spec
        return spec

    def _state(self) -> str:
        roll = self.rng.randrange(100)
        for state, share in STATES:
            if roll < share:
                return state
            roll -= share
        return "running"

    def pod(self, namespace: str | None = None, state: str | None = None) -> Obj:
        """One new synthetic pod (unique name), bound to a node unless Pending."""
        rng = self.rng
        self._serial += 1
        namespace = namespace or self.namespaces[self._serial % self.namespace_count]
        workload = rng.randrange(WORKLOADS_PER_NAMESPACE)
        app = f"svc-{workload:02d}"
        template_hash = _hash(f"{namespace}/{app}")
        name = f"{app}-{template_hash}-{_suffix(rng)}{self._serial % 1000:03d}"
        state = state or self._state()
        created = self.now - timedelta(seconds=rng.randrange(60, 40 * 86400))
        spec = self._spec(namespace, workload)
        if state != "pending":
            spec = {**spec, "nodeName": self.nodes[rng.randrange(self.node_count)]}
        meta: Obj = {
            "name": name,
            "generateName": f"{app}-{template_hash}-",
            "namespace": namespace,
            "creationTimestamp": _ts(created),
            "labels": {"app": app, "pod-template-hash": template_hash},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "blockOwnerDeletion": True,
                    "controller": True,
                    "kind": "ReplicaSet",
                    "name": f"{app}-{template_hash}",
                    "uid": f"00000000-{template_hash[:4]}-4000-8000-{template_hash}00",
                }
            ],
            "annotations": {"kdebug.dev/synthetic": "true"},
        }
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta,
            "spec": spec,
            "status": self.status(spec, state, created),
        }

    def status(self, spec: Obj, state: str, created: datetime, restarts: int = 0) -> Obj:
        image = spec["containers"][0]["image"]
        started = _ts(created + timedelta(seconds=3))
        if state == "pending":
            return {
                "phase": "Pending",
                "qosClass": "Burstable",
                "conditions": [
                    {
                        "lastProbeTime": None,
                        "lastTransitionTime": _ts(created),
                        "message": "0/5000 nodes are available: 5000 Insufficient cpu.",
                        "reason": "Unschedulable",
                        "status": "False",
                        "type": "PodScheduled",
                    }
                ],
            }
        serial = self._serial
        ip = f"10.{(serial >> 16) & 255}.{(serial >> 8) & 255}.{serial & 255}"
        ready = state == "running"
        cs: Obj = {
            "containerID": f"containerd://{_hash(str(serial) + state, 64)}",
            "image": image,
            "imageID": f"{image.split(':')[0]}@sha256:{_hash(image, 64)}",
            "lastState": {},
            "name": "app",
            "ready": ready,
            "restartCount": restarts,
            "started": ready,
            "state": {"running": {"startedAt": started}},
        }
        phase = "Running"
        if state == "crashloop":
            restarts = max(restarts, 3)
            cs["restartCount"] = restarts
            cs["state"] = {
                "waiting": {
                    "message": "back-off 5m0s restarting failed container=app",
                    "reason": "CrashLoopBackOff",
                }
            }
            cs["lastState"] = {
                "terminated": {
                    "containerID": cs["containerID"],
                    "exitCode": 1,
                    "finishedAt": _ts(self.now - timedelta(seconds=40)),
                    "reason": "Error",
                    "startedAt": _ts(self.now - timedelta(seconds=42)),
                }
            }
        elif state == "pullbackoff":
            cs.pop("containerID")
            cs["imageID"] = ""
            cs["state"] = {
                "waiting": {
                    "message": f'Back-off pulling image "{image}"',
                    "reason": "ImagePullBackOff",
                }
            }
            phase = "Pending"
        elif state == "done":
            cs["state"] = {
                "terminated": {
                    "containerID": cs["containerID"],
                    "exitCode": 0,
                    "finishedAt": _ts(created + timedelta(seconds=30)),
                    "reason": "Completed",
                    "startedAt": started,
                }
            }
            phase = "Succeeded"
        truth = "True" if ready else "False"
        return {
            "phase": phase,
            "conditions": [
                {
                    "lastProbeTime": None,
                    "lastTransitionTime": _ts(created),
                    "status": status,
                    "type": kind,
                }
                for kind, status in (
                    ("Initialized", "True"),
                    ("Ready", truth),
                    ("ContainersReady", truth),
                    ("PodScheduled", "True"),
                )
            ],
            "containerStatuses": [cs],
            "hostIP": f"172.20.{(serial >> 8) & 255}.{serial & 255}",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "qosClass": "Burstable",
            "startTime": _ts(created),
        }


def populate(cluster: Cluster, n: int, seed: int = 1) -> Synthesizer:
    """Add `n` synthetic pods, their namespaces and nodes to `cluster` (no events: call it
    before anything watches)."""
    synth = Synthesizer(n, seed)
    cluster.load("namespaces", [demo.namespace(name) for name in synth.namespaces])
    nodes = []
    for i, name in enumerate(synth.nodes):
        node = demo.node(name, i + len(demo.NODES) + 1)
        node["metadata"]["annotations"]["kdebug.dev/synthetic"] = "true"
        nodes.append(node)
    cluster.load("nodes", nodes)
    cluster.load("pods", [synth.pod() for _ in range(n)])
    return synth


def parse_time(text: str | None) -> datetime:
    try:
        return datetime.strptime(text or "", "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def is_synthetic(obj: Obj) -> bool:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return annotations.get("kdebug.dev/synthetic") == "true"
