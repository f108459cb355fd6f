"""Pod subresources: ephemeralcontainers, log, status, and the attach/exec stream routes."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from kdebug_tui.sandbox import patch as patching
from kdebug_tui.sandbox.errors import ApiError, bad_request
from kdebug_tui.sandbox.request import NOT_FOUND_TEXT, RequestInfo, read_json
from kdebug_tui.sandbox.watchio import object_response, with_kind

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

Obj = dict[str, Any]
METHOD_NOT_ALLOWED = "the server does not allow this method on the requested resource"


async def handle(sb: ApiState, request: web.Request, info: RequestInfo) -> web.StreamResponse:
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
    sb: ApiState, request: web.Request, ns: str, name: str, verb: str
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
