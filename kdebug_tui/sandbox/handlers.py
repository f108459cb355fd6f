"""Request handlers: reads, pod writes, ephemeral containers, logs, access reviews."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kdebug_tui.sandbox import patch as patching
from kdebug_tui.sandbox.defaults import default_pod
from kdebug_tui.sandbox.errors import ApiError, bad_request, conflict, invalid, not_found
from kdebug_tui.sandbox.kinds import EXTRA as EXTRA_KINDS
from kdebug_tui.sandbox.podvalidation import validate_metadata_update
from kdebug_tui.sandbox.request import NOT_FOUND_TEXT, RequestInfo, read_json
from kdebug_tui.sandbox.shape import check_pod
from kdebug_tui.sandbox.watchio import list_response, object_response, serve_watch, with_kind

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

Obj = dict[str, Any]
METHOD_NOT_ALLOWED = "the server does not allow this method on the requested resource"
READ_ONLY = {"namespaces", "nodes"}


def _not_found() -> ApiError:
    return ApiError(404, NOT_FOUND_TEXT, details={})


async def route(sb: ApiState, request: web.Request, info: RequestInfo) -> web.StreamResponse:
    if info.group in ("authorization.k8s.io", "authentication.k8s.io"):
        from kdebug_tui.sandbox.access import access_review

        return await access_review(request, info)
    resource = info.resource
    if info.group == "metrics.k8s.io":
        from kdebug_tui.sandbox.metrics import route as metrics_route

        return await metrics_route(sb, request, info)
    if resource in EXTRA_KINDS:
        from kdebug_tui.sandbox.objects_api import route as objects_route

        return await objects_route(sb, request, info)
    if info.group or resource not in ("pods", "events", "namespaces", "nodes"):
        raise _not_found()
    if info.subresource:
        if resource != "pods" or info.namespace is None or info.name is None:
            raise _not_found()
        from kdebug_tui.sandbox import subresources

        return await subresources.handle(sb, request, info)
    if resource in READ_ONLY and info.verb not in ("get", "list", "watch"):
        raise ApiError(405, METHOD_NOT_ALLOWED)
    missing_ns = info.namespace and sb.cluster.get("namespaces", "", info.namespace) is None
    if resource in ("pods", "events") and info.verb == "create" and missing_ns:
        raise not_found("namespaces", info.namespace or "")
    if info.verb == "list":
        return list_response(
            sb.cluster,
            request,
            resource,
            info.namespace if resource in ("pods", "events") else None,
        )
    if info.verb == "watch":
        ns = info.namespace if resource in ("pods", "events") else None
        return await serve_watch(
            sb.cluster, request, resource, ns, sb.watch_settings, sb.faults.watches_stalled
        )
    if info.verb == "get":
        assert info.name is not None
        key_ns = info.namespace or "" if resource in ("pods", "events") else ""
        obj = sb.cluster.get(resource, key_ns, info.name)
        if obj is None:
            raise not_found(resource, info.name)
        return object_response(
            request, resource, copy.deepcopy(obj), obj["metadata"]["resourceVersion"]
        )
    if resource != "pods":
        raise ApiError(405, METHOD_NOT_ALLOWED)
    if info.namespace is None:
        raise ApiError(405, METHOD_NOT_ALLOWED)
    dry_run = "All" in request.query.getall("dryRun", [])
    if info.verb == "create":
        pod = sb.pods.create(info.namespace, await read_json(request, "Pod"), dry_run=dry_run)
        return object_response(
            request, "pods", pod, pod["metadata"].get("resourceVersion", ""), 201
        )
    if info.name is None:
        raise ApiError(405, METHOD_NOT_ALLOWED)
    if info.verb == "delete":
        return await _delete(sb, request, info.namespace, info.name, dry_run)
    if info.verb in ("patch", "update"):
        return await _update_pod(sb, request, info.namespace, info.name, info.verb, dry_run)
    raise ApiError(405, METHOD_NOT_ALLOWED)


async def _delete(
    sb: ApiState, request: web.Request, ns: str, name: str, dry_run: bool
) -> web.StreamResponse:
    grace: int | None = None
    raw = request.query.get("gracePeriodSeconds")
    body = await read_json(request, "DeleteOptions") if request.can_read_body else None
    if body is not None and not isinstance(body, dict):
        raise bad_request('DeleteOptions in version "v1" cannot be handled as a DeleteOptions')
    if isinstance(body, dict):
        value = body.get("gracePeriodSeconds")
        if value is not None:
            if not isinstance(value, int) or isinstance(value, bool):
                raise bad_request(
                    'DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: '
                    "cannot unmarshal into Go struct field DeleteOptions.gracePeriodSeconds of "
                    "type int64"
                )
            grace = value
        runs = body.get("dryRun")
        dry_run = dry_run or (isinstance(runs, list) and "All" in runs)
        preconditions = body.get("preconditions")
        pre = preconditions.get("uid") if isinstance(preconditions, dict) else None
        current = sb.cluster.get("pods", ns, name)
        if pre and current is not None and current["metadata"]["uid"] != pre:
            uid = current["metadata"]["uid"]
            why = f"Precondition failed: UID in precondition: {pre}, UID in object meta: {uid}"
            raise conflict("pods", name, why)
    if raw is not None:
        try:
            grace = int(raw)
        except ValueError:
            raise bad_request(f"invalid gracePeriodSeconds: {raw}") from None
    pod = sb.pods.delete(ns, name, grace, dry_run=dry_run)
    return object_response(request, "pods", pod, pod["metadata"]["resourceVersion"])


# Fields of a pod that may change through PUT/PATCH on the pod itself (the API server
# refuses other spec changes with 422 "Forbidden: pod updates may not change fields ...").
STALE = (
    "the object has been modified; please apply your changes to the latest version and try again"
)
MUTABLE_SPEC = {"activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"}


async def _update_pod(
    sb: ApiState, request: web.Request, ns: str, name: str, verb: str, dry_run: bool
) -> web.StreamResponse:
    current = sb.cluster.require("pods", ns, name)
    body = await read_json(request, None if verb == "patch" else "Pod")
    if verb == "patch":
        new = patching.apply_patch(
            request.headers.get("Content-Type", ""), with_kind("pods", copy.deepcopy(current)), body
        )
    else:
        if not isinstance(body, dict):
            raise bad_request("the body of the request must be a Pod object")
        new = body
        rv = (body.get("metadata") or {}).get("resourceVersion")
        if rv and rv != current["metadata"]["resourceVersion"]:
            raise conflict("pods", name, STALE)
    check_pod(new)
    new_spec = _defaulted_spec(new, ns)
    candidate = copy.deepcopy(current)
    for key in MUTABLE_SPEC:
        if key in new_spec:
            candidate["spec"][key] = copy.deepcopy(new_spec[key])
    if _strip_images(new_spec) != _strip_images(current["spec"]):
        raise invalid(
            "Pod",
            name,
            [{"reason": "FieldValueForbidden", "message": SPEC_FORBIDDEN, "field": "spec"}],
        )
    container_images = {
        c["name"]: c.get("image") for c in new_spec.get("containers") or [] if isinstance(c, dict)
    }
    for c in candidate["spec"].get("containers") or []:
        if container_images.get(c["name"]):
            c["image"] = container_images[c["name"]]
    meta = new.get("metadata") or {}
    for key in ("labels", "annotations"):
        if key in meta:
            candidate["metadata"][key] = copy.deepcopy(meta[key]) if meta[key] else {}
            if not candidate["metadata"][key]:
                candidate["metadata"].pop(key)
    validate_metadata_update(candidate)
    if dry_run or candidate == current:
        return object_response(
            request, "pods", copy.deepcopy(candidate), current["metadata"]["resourceVersion"]
        )
    stored = sb.cluster.replace("pods", candidate)
    return object_response(
        request, "pods", copy.deepcopy(stored), stored["metadata"]["resourceVersion"]
    )


SPEC_FORBIDDEN = (
    "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
    "set to 1 if it was previously negative)"
)


def _defaulted_spec(pod: Obj, ns: str) -> Obj:
    """The spec as the API server would default it, so PUT bodies compare fairly."""
    probe = {"metadata": {"name": "x"}, "spec": copy.deepcopy(pod.get("spec") or {})}
    default_pod(probe, ns)
    spec: Obj = probe["spec"]
    return spec


def _strip_images(spec: Obj) -> Obj:
    spec = {k: copy.deepcopy(v) for k, v in spec.items() if k not in MUTABLE_SPEC}
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                c.pop("image", None)
    spec.pop("ephemeralContainers", None)
    return spec
