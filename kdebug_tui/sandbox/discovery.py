"""Discovery documents: /version, /api, /api/v1, /apis and authorization.k8s.io/v1."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
GIT_VERSION = "v1.32.0-sandbox"


def version() -> Obj:
    return {
        "major": "1",
        "minor": "32",
        "gitVersion": GIT_VERSION,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.23.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions(server: str) -> Obj:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server}],
    }


def _res(
    name: str,
    kind: str,
    verbs: list[str],
    *,
    namespaced: bool = True,
    short: list[str] | None = None,
    singular: str = "",
    categories: list[str] | None = None,
) -> Obj:
    res: Obj = {
        "name": name,
        "singularName": singular,
        "namespaced": namespaced,
        "kind": kind,
        "verbs": verbs,
    }
    if short:
        res["shortNames"] = short
    if categories:
        res["categories"] = categories
    return res


ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def core_v1() -> Obj:
    return {
        "kind": "APIResourceList",
        "groupVersion": "v1",
        "resources": [
            _res("endpoints", "Endpoints", ALL_VERBS, short=["ep"], singular="endpoints"),
            _res("events", "Event", ALL_VERBS, short=["ev"], singular="event"),
            _res(
                "namespaces",
                "Namespace",
                ["get", "list", "watch"],
                namespaced=False,
                short=["ns"],
                singular="namespace",
            ),
            _res(
                "nodes",
                "Node",
                ["get", "list", "watch"],
                namespaced=False,
                short=["no"],
                singular="node",
            ),
            _res("pods", "Pod", ALL_VERBS, short=["po"], singular="pod", categories=["all"]),
            _res("pods/attach", "PodAttachOptions", ["create", "get"]),
            _res("pods/portforward", "PodPortForwardOptions", ["create", "get"]),
            _res("pods/ephemeralcontainers", "Pod", ["get", "patch", "update"]),
            _res("pods/exec", "PodExecOptions", ["create", "get"]),
            _res("pods/log", "Pod", ["get"]),
            _res("pods/status", "Pod", ["get", "patch", "update"]),
            _res(
                "services",
                "Service",
                ALL_VERBS,
                short=["svc"],
                singular="service",
                categories=["all"],
            ),
            _res("services/status", "Service", ["get"]),
        ],
    }


def _group(name: str, version: str) -> Obj:
    gv = {"groupVersion": f"{name}/{version}", "version": version}
    return {"name": name, "versions": [gv], "preferredVersion": gv}


def api_groups() -> Obj:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            _group("apps", "v1"),
            _group("authorization.k8s.io", "v1"),
            _group("authentication.k8s.io", "v1"),
            _group("batch", "v1"),
            _group("discovery.k8s.io", "v1"),
            _group("metrics.k8s.io", "v1beta1"),
        ],
    }


def authorization_v1() -> Obj:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "authorization.k8s.io/v1",
        "resources": [
            _res(
                "selfsubjectaccessreviews",
                "SelfSubjectAccessReview",
                ["create"],
                namespaced=False,
                singular="selfsubjectaccessreview",
            ),
            _res(
                "selfsubjectrulesreviews",
                "SelfSubjectRulesReview",
                ["create"],
                namespaced=False,
                singular="selfsubjectrulesreview",
            ),
        ],
    }


def authentication_v1() -> Obj:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "authentication.k8s.io/v1",
        "resources": [
            _res(
                "selfsubjectreviews",
                "SelfSubjectReview",
                ["create"],
                namespaced=False,
                singular="selfsubjectreview",
            ),
        ],
    }


def _operation(kind: str, action: str, group: str = "", version: str = "v1") -> Obj:
    return {
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": kind},
        "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "OK"}},
    }


def openapi_v3_root() -> Obj:
    """Just enough OpenAPI v3 for kubectl to see that the server validates fields itself
    (`fieldValidation`), so `kubectl create/apply -f` need no client-side schema."""
    paths = {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=sandbox"}}
    for group in ("apps", "batch"):
        paths[f"apis/{group}/v1"] = {
            "serverRelativeURL": f"/openapi/v3/apis/{group}/v1?hash=sandbox"
        }
    return {"paths": paths}


def openapi_v3_core() -> Obj:
    kinds = [("pods", "Pod"), ("services", "Service"), ("endpoints", "Endpoints")]
    return _openapi_document("/api/v1", "", kinds)


def openapi_v3_group(group: str) -> Obj | None:
    """The same for apps/v1 and batch/v1 (None for other groups)."""
    if group not in ("apps", "batch"):
        return None
    return _openapi_document(f"/apis/{group}/v1", group, [(r, k) for r, k, _ in WORKLOADS[group]])


def _openapi_document(base: str, group: str, kinds: list[tuple[str, str]]) -> Obj:
    paths: Obj = {}
    for resource, kind in kinds:
        collection = f"{base}/namespaces/{{namespace}}/{resource}"
        paths[collection] = {"post": _operation(kind, "post", group)}
        paths[collection + "/{name}"] = {
            "put": _operation(kind, "put", group),
            "patch": _operation(kind, "patch", group),
        }
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (kdebug-tui sandbox subset)", "version": GIT_VERSION},
        "paths": paths,
        "components": {"schemas": {}},
    }


# group -> [(resource, kind, short names)] of the groups beyond the core one
WORKLOADS: dict[str, list[tuple[str, str, list[str]]]] = {
    "apps": [
        ("daemonsets", "DaemonSet", ["ds"]),
        ("deployments", "Deployment", ["deploy"]),
        ("replicasets", "ReplicaSet", ["rs"]),
        ("statefulsets", "StatefulSet", ["sts"]),
    ],
    "batch": [("cronjobs", "CronJob", ["cj"]), ("jobs", "Job", [])],
    "discovery.k8s.io": [("endpointslices", "EndpointSlice", [])],
}


def group_resources(group: str) -> Obj | None:
    """The APIResourceList of apps/v1, batch/v1 or metrics.k8s.io/v1beta1 (None otherwise)."""
    if group == "metrics.k8s.io":
        resources = [
            _res("nodes", "NodeMetrics", ["get", "list"], namespaced=False, singular=""),
            _res("pods", "PodMetrics", ["get", "list"], singular=""),
        ]
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": "metrics.k8s.io/v1beta1",
            "resources": resources,
        }
    if group not in WORKLOADS:
        return None
    resources = []
    for name, kind, short in WORKLOADS[group]:
        every = ["all"] if group != "discovery.k8s.io" else None
        resources.append(
            _res(name, kind, ALL_VERBS, short=short, singular=kind.lower(), categories=every)
        )
        if every:
            resources.append(_res(f"{name}/status", kind, ["get"]))
        if name in ("deployments", "replicasets", "statefulsets"):
            resources.append(_res(f"{name}/scale", "Scale", ["get", "patch", "update"]))
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/v1",
        "resources": resources,
    }
