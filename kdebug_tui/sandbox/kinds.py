"""The kinds the sandbox serves beyond pods, events, namespaces and nodes, by resource.

Kept free of imports so the store (cluster.py) can name them without pulling the printers;
the columns and renderers live in kube/resources.py, which tests hold to the same names.
"""

from __future__ import annotations

# resource -> (kind, API group, version); every one of them is namespaced.
EXTRA: dict[str, tuple[str, str, str]] = {
    "deployments": ("Deployment", "apps", "v1"),
    "replicasets": ("ReplicaSet", "apps", "v1"),
    "statefulsets": ("StatefulSet", "apps", "v1"),
    "daemonsets": ("DaemonSet", "apps", "v1"),
    "jobs": ("Job", "batch", "v1"),
    "cronjobs": ("CronJob", "batch", "v1"),
    "services": ("Service", "", "v1"),
    "endpoints": ("Endpoints", "", "v1"),
    "endpointslices": ("EndpointSlice", "discovery.k8s.io", "v1"),
}
# API groups served besides the core group and the review groups.
GROUP_VERSIONS = {
    "apps": "v1",
    "batch": "v1",
    "discovery.k8s.io": "v1",
    "metrics.k8s.io": "v1beta1",
}


def api_version(resource: str) -> str:
    """`apps/v1` for deployments, `v1` for the core kinds."""
    _, group, version = EXTRA.get(resource, ("", "", "v1"))
    return f"{group}/{version}" if group else version


def group_of(resource: str) -> str:
    return EXTRA[resource][1] if resource in EXTRA else ""
