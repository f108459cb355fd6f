"""Pod subresources: ephemeralcontainers, log, status, and the attach/exec stream routes."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from kdebug_tui.sandbox import patch as patching
from kdebug_tui.sandbox.errors import ApiError, bad_request
from kdebug_tui.sandbox.launch import find_container
from kdebug_tui.sandbox.server import NOT_FOUND_TEXT, RequestInfo, read_json
from kdebug_tui.sandbox.watchio import object_response, with_kind

if TYPE_CHECKING:
    from kdebug_tui.sandbox.sandbox import Sandbox

Obj = dict[str, Any]
METHOD_NOT_ALLOWED = "the server does not allow this method on the requested resource"


async def handle(sb: Sandbox, request: web.Request, info: RequestInfo) -> web.StreamResponse:
    assert info.namespace is not None and info.name is not None
    sub = info.subresource
    if sub == "ephemeralcontainers":
        return await _ephemeral(sb, request, info.namespace, info.name, info.verb)
    if sub == "status":
        if info.verb != "get":
            raise ApiError(405, METHOD_NOT_ALLOWED)
        pod = sb.cluster.require("pods", info.namespace, info.name)
        return object_response(
            request, "pods", copy.deepcopy(pod), pod["metadata"]["resourceVersion"]
        )
    if sub == "log":
        if info.verb != "get":
            raise ApiError(405, METHOD_NOT_ALLOWED)
        from kdebug_tui.sandbox.podlogs import serve_log

        return await serve_log(sb, request, info.namespace, info.name)
    if sub == "portforward":
        from kdebug_tui.sandbox.portforward import serve_portforward

        return await serve_portforward(sb, request, info.namespace, info.name)
    if sub in ("attach", "exec"):
        from kdebug_tui.sandbox.podstreams import serve_stream

        kind: Literal["attach", "exec"] = "attach" if sub == "attach" else "exec"
        return await serve_stream(sb, request, info.namespace, info.name, kind)
    raise ApiError(404, NOT_FOUND_TEXT, details={})


async def _ephemeral(
    sb: Sandbox, request: web.Request, ns: str, name: str, verb: str
) -> web.StreamResponse:
    current = sb.cluster.require("pods", ns, name)
    dry_run = "All" in request.query.getall("dryRun", [])
    if verb == "get":
        return object_response(
            request, "pods", copy.deepcopy(current), current["metadata"]["resourceVersion"]
        )
    body = await read_json(request, None if verb == "patch" else "Pod")
    if verb == "patch":
        new = patching.apply_patch(
            request.headers.get("Content-Type", ""), with_kind("pods", copy.deepcopy(current)), body
        )
    elif verb == "update":
        if not isinstance(body, dict):
            raise bad_request("the body of the request must be a Pod object")
        new = body
    else:
        raise ApiError(405, METHOD_NOT_ALLOWED)
    pod = sb.pods.update_ephemeral(ns, name, new, dry_run=dry_run)
    return object_response(request, "pods", pod, pod["metadata"]["resourceVersion"])


def container_for(pod: Obj, requested: str | None) -> tuple[str, Obj]:
    """The container a log/attach/exec request means, with the kubelet's error texts."""
    name = pod["metadata"]["name"]
    spec = pod.get("spec") or {}
    if not requested:
        default = (pod["metadata"].get("annotations") or {}).get(
            "kubectl.kubernetes.io/default-container"
        )
        containers = [c["name"] for c in spec.get("containers") or []]
        if default:
            requested = default
        elif len(containers) == 1:
            requested = containers[0]
        else:
            inits = [c["name"] for c in spec.get("initContainers") or []]
            text = (
                f"a container name must be specified for pod {name}, "
                f"choose one of: [{' '.join(containers)}]"
            )
            if inits:
                text += f" or one of the init containers: [{' '.join(inits)}]"
            eph = [c["name"] for c in spec.get("ephemeralContainers") or []]
            if eph:
                text += f" or one of the ephemeral containers: [{' '.join(eph)}]"
            raise bad_request(text)
    found = find_container(pod, requested)
    if found is None:
        raise bad_request(f"container {requested} is not valid for pod {name}")
    return requested, found[1]


def container_status(pod: Obj, cname: str) -> Obj | None:
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(key) or []:
            if cs.get("name") == cname:
                return dict(cs)
    return None
