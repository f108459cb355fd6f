"""The REST verbs of the workload kinds, Services, Endpoints and EndpointSlices: list, watch
and get through the shared list/watch code; create, update, patch and delete through the
defaulting and checks of objects.py; /status read-only."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kdebug_tui.sandbox import kinds
from kdebug_tui.sandbox import patch as patching
from kdebug_tui.sandbox.errors import ApiError, not_found
from kdebug_tui.sandbox.objects import create, update
from kdebug_tui.sandbox.request import NOT_FOUND_TEXT, RequestInfo, read_json
from kdebug_tui.sandbox.watchio import json_response, list_response, object_response, serve_watch

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

METHOD_NOT_ALLOWED = "the server does not allow this method on the requested resource"
SCALABLE = ("deployments", "replicasets", "statefulsets")


def scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    """The autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet."""
    from kdebug_tui.kube.printers import format_label_selector

    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": int(obj["spec"].get("replicas", 1))},
        "status": {
            "replicas": int((obj.get("status") or {}).get("replicas", 0)),
            "selector": format_label_selector(obj["spec"].get("selector")),
        },
    }


async def _scale(sb: ApiState, request: web.Request, info: RequestInfo) -> web.StreamResponse:
    """GET, PUT or PATCH of /scale (what `kubectl scale` uses)."""
    assert info.namespace is not None and info.name is not None
    current = sb.cluster.get(info.resource, info.namespace, info.name)
    if current is None:
        raise not_found(info.resource, info.name, kinds.group_of(info.resource))
    if info.verb == "get":
        return json_response(scale_of(current))
    if info.verb not in ("patch", "update"):
        raise ApiError(405, METHOD_NOT_ALLOWED)
    body = await read_json(request)
    if info.verb == "patch":
        body = patching.apply_patch(
            request.headers.get("Content-Type", ""), scale_of(current), body
        )
    replicas = (body.get("spec") or {}).get("replicas") if isinstance(body, dict) else None
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise ApiError(
            422,
            f'Scale.autoscaling "{info.name}" is invalid: spec.replicas: '
            "Invalid value: must be greater than or equal to 0",
        )
    new = copy.deepcopy(current)
    new["spec"]["replicas"] = replicas
    stored = update(sb.cluster, info.resource, current, new)
    return json_response(scale_of(stored))


async def route(sb: ApiState, request: web.Request, info: RequestInfo) -> web.StreamResponse:
    """REST verbs on the extra kinds; /scale and /status read-only subresources."""
    resource = info.resource
    if kinds.group_of(resource) != info.group:
        raise ApiError(404, NOT_FOUND_TEXT, details={})
    cluster = sb.cluster
    if info.subresource == "scale" and resource in SCALABLE and info.namespace and info.name:
        return await _scale(sb, request, info)
    if info.subresource and (info.subresource != "status" or info.verb != "get" or not info.name):
        raise ApiError(404 if info.subresource != "status" else 405, METHOD_NOT_ALLOWED)
    if info.verb == "list":
        return list_response(cluster, request, resource, info.namespace)
    if info.verb == "watch":
        return await serve_watch(
            cluster, request, resource, info.namespace, sb.watch_settings, sb.faults.watches_stalled
        )
    if info.namespace is None:
        raise ApiError(405, METHOD_NOT_ALLOWED)
    missing_ns = cluster.get("namespaces", "", info.namespace) is None
    dry_run = "All" in request.query.getall("dryRun", [])
    if info.verb == "create":
        if missing_ns:
            raise not_found("namespaces", info.namespace)
        obj = create(cluster, resource, info.namespace, await read_json(request), dry_run=dry_run)
        return object_response(
            request, resource, obj, obj["metadata"].get("resourceVersion", ""), 201
        )
    if info.name is None:
        raise ApiError(405, METHOD_NOT_ALLOWED)
    current = cluster.get(resource, info.namespace, info.name)
    if current is None:
        raise not_found(resource, info.name, kinds.group_of(resource))
    if info.verb == "get":
        obj = copy.deepcopy(current)
        return object_response(request, resource, obj, obj["metadata"]["resourceVersion"])
    if info.verb == "delete":
        if dry_run:
            return object_response(request, resource, copy.deepcopy(current), "")
        gone = cluster.delete(resource, info.namespace, info.name)
        return object_response(
            request, resource, copy.deepcopy(gone), gone["metadata"]["resourceVersion"]
        )
    if info.verb in ("patch", "update"):
        body = await read_json(request)
        if info.verb == "patch":
            body = patching.apply_patch(
                request.headers.get("Content-Type", ""), copy.deepcopy(current), body
            )
        if dry_run:
            return object_response(request, resource, copy.deepcopy(current), "")
        obj = update(cluster, resource, current, body)
        return object_response(request, resource, obj, obj["metadata"]["resourceVersion"])
    raise ApiError(405, METHOD_NOT_ALLOWED)
