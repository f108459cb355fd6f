"""The demo's workloads in namespace `shop`: the shapes an alert names instead of a pod.

A Deployment `frontend` (its ReplicaSet, two web pods) behind a Service, a StatefulSet `db`
behind a headless Service, a DaemonSet `log-agent` (a pod per node), a finished Job, a
CronJob, and a Service `redis` selecting the demo's bare redis-0 pod. Six processes in all,
started by the controllers through the pod API like any other pod.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.cluster import Cluster
from kdebug_tui.sandbox.demo import BUSYBOX, WEB_IMAGE
from kdebug_tui.sandbox.objects import create

Obj = dict[str, Any]
NAMESPACE = "shop"


def _template(app: str, containers: list[Obj], **spec: Any) -> Obj:
    return {"metadata": {"labels": {"app": app}}, "spec": {"containers": containers, **spec}}


def _sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def _frontend() -> Obj:
    container = {
        "name": "web",
        "image": WEB_IMAGE,
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "env": [
            {"name": "HEARTBEAT_SECONDS", "value": "30"},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ],
        "resources": {
            "requests": {"cpu": "50m", "memory": "32Mi"},
            "limits": {"cpu": "200m", "memory": "64Mi"},
        },
        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "frontend", "labels": {"app": "frontend"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "frontend"}},
            "template": _template(
                "frontend", [container], volumes=[{"name": "cache", "emptyDir": {}}]
            ),
        },
    }


def _service(name: str, selector: dict[str, str], port: int, target: Any, **spec: Any) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "selector": selector,
            "ports": [{"name": "main", "port": port, "targetPort": target, "protocol": "TCP"}],
            **spec,
        },
    }


def demo_objects() -> list[tuple[str, Obj]]:
    """(resource, object) pairs in creation order."""
    forever = "while true; do sleep 3600; done"
    db = {
        "name": "postgres",
        "image": BUSYBOX,
        "command": _sh(f"echo database system is ready to accept connections; {forever}"),
        "ports": [{"name": "pg", "containerPort": 5432}],
    }
    agent = {
        "name": "agent",
        "image": BUSYBOX,
        "command": _sh("while true; do echo shipped node logs; sleep 30; done"),
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
    }
    job_container = {
        "name": "report",
        "image": BUSYBOX,
        "command": _sh("echo building the nightly report; echo report ready"),
    }
    cleanup = {"name": "cleanup", "image": BUSYBOX, "command": _sh("echo removed stale carts")}
    return [
        ("deployments", _frontend()),
        ("services", _service("frontend", {"app": "frontend"}, 80, "http")),
        (
            "statefulsets",
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {"name": "db", "labels": {"app": "db"}},
                "spec": {
                    "replicas": 1,
                    "serviceName": "db",
                    "selector": {"matchLabels": {"app": "db"}},
                    "template": _template("db", [db]),
                },
            },
        ),
        ("services", _service("db", {"app": "db"}, 5432, "pg", clusterIP="None")),
        (
            "daemonsets",
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "metadata": {"name": "log-agent", "labels": {"app": "log-agent"}},
                "spec": {
                    "selector": {"matchLabels": {"app": "log-agent"}},
                    "template": _template("log-agent", [agent]),
                },
            },
        ),
        (
            "jobs",
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "nightly-report"},
                "spec": {
                    "template": {"spec": {"containers": [job_container], "restartPolicy": "Never"}}
                },
            },
        ),
        (
            "cronjobs",
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {"name": "cart-cleanup"},
                "spec": {
                    "schedule": "*/5 * * * *",
                    "jobTemplate": {
                        "spec": {
                            "template": {
                                "spec": {"containers": [cleanup], "restartPolicy": "OnFailure"}
                            }
                        }
                    },
                },
            },
        ),
        ("services", _service("redis", {"app": "redis"}, 6379, 6379)),
    ]


def load_apps(cluster: Cluster) -> None:
    """Create the demo's workloads (the controllers start their pods)."""
    for resource, body in demo_objects():
        create(cluster, resource, NAMESPACE, body, dry_run=False)
