"""The aiohttp application: authentication, authorisation, faults, routing, Status errors.

Every request is authenticated by bearer token, described as (verb, resource, subresource,
namespace, name) like the API server's RequestInfo, authorised, checked against injected
faults, then dispatched. Every failure is answered with a real Status body.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kdebug_tui.sandbox import discovery, kinds
from kdebug_tui.sandbox.auth import User, allowed
from kdebug_tui.sandbox.errors import ApiError, forbidden_user, status_body
from kdebug_tui.sandbox.request import NOT_FOUND_TEXT, USER_KEY, RequestInfo
from kdebug_tui.sandbox.watchio import is_watch, json_response

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

log = logging.getLogger(__name__)
PUBLIC_PATHS = {"/version", "/healthz", "/livez", "/readyz"}
API_GROUPS = ("authorization.k8s.io", "authentication.k8s.io")
# served group -> its one version (the review groups, apps, batch, metrics.k8s.io)
GROUP_VERSIONS = {**{group: "v1" for group in API_GROUPS}, **kinds.GROUP_VERSIONS}


def _parse(request: web.Request) -> RequestInfo | None:
    parts = [p for p in request.path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
        rest, group = parts[2:], ""
    elif len(parts) >= 3 and parts[0] == "apis" and GROUP_VERSIONS.get(parts[1]) == parts[2]:
        rest, group = parts[3:], parts[1]
    else:
        return None
    if not rest:
        return None
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else ""
    if len(rest) > 3:
        return None
    if resource == "namespaces" and namespace is None and name is not None:
        namespace = name
    method = request.method
    if method in ("GET", "HEAD"):
        verb = "get" if name else ("watch" if is_watch(request) else "list")
    else:
        verb = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(
            method, ""
        )
        if method == "DELETE" and not name:
            verb = "deletecollection"
    return RequestInfo(verb, resource, sub, namespace, name, group)


def error_response(err: ApiError) -> web.Response:
    return json_response(err.body(), err.code)


def build_app(sb: ApiState) -> web.Application:
    from kdebug_tui.sandbox import handlers

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        sb.requests.append((request.method, request.path))
        audit = str(uuid.uuid4())
        try:
            response = await _handle(request, handler)
        except ApiError as err:
            response = error_response(err)
        except web.HTTPException:
            raise
        except ConnectionResetError:  # the client left; nobody reads an answer
            return web.Response(status=499, text="client closed the connection")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never a traceback to the client
            log.exception("sandbox handler failed for %s %s", request.method, request.path)
            response = error_response(
                ApiError(500, f"Internal error occurred: {type(exc).__name__}: {exc}")
            )
        if not response.prepared:
            response.headers["Audit-Id"] = audit
            response.headers.setdefault("Cache-Control", "no-cache, private")
        return response

    async def _handle(request: web.Request, handler: Any) -> web.StreamResponse:
        user = sb.auth.user_for(request.headers.get("Authorization"))
        if request.path in PUBLIC_PATHS:
            return await handler(request)
        if user is None:
            return json_response(status_body(401, "Unauthorized", reason="Unauthorized"), 401)
        request[USER_KEY] = user
        return await handler(request)

    async def dispatch(request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        if path in ("/healthz", "/livez", "/readyz"):
            return web.Response(text="ok", content_type="text/plain")
        static = _static(sb, path)
        if static is not None:
            if request.method not in ("GET", "HEAD"):
                raise ApiError(
                    405, "the server does not allow this method on the requested resource"
                )
            return json_response(static)
        info = _parse(request)
        if info is None:
            raise ApiError(404, NOT_FOUND_TEXT, details={})
        user: User = request[USER_KEY]
        check_resource = info.resource
        if not allowed(user, info.verb, check_resource, info.subresource):
            raise forbidden_user(
                user.name, info.verb, info.resource, info.subresource, info.namespace, info.name
            )
        fault_resource = (
            f"{info.resource}/{info.subresource}" if info.subresource else info.resource
        )
        delay = sb.faults.take_delay(info.verb, fault_resource)
        if delay:
            if request.can_read_body:
                await request.read()  # received in full: a lost answer still takes effect
            await asyncio.sleep(delay)
        failure = sb.faults.take_failure(info.verb, fault_resource, info.namespace, info.name)
        if failure is not None:
            raise failure
        return await handlers.route(sb, request, info)

    app = web.Application(middlewares=[middleware], client_max_size=16 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app


def _static(sb: ApiState, path: str) -> dict[str, Any] | None:
    if path == "/version":
        return discovery.version()
    if path == "/api":
        return discovery.api_versions(sb.url.split("//", 1)[-1])
    if path == "/api/v1":
        return discovery.core_v1()
    if path == "/apis":
        return discovery.api_groups()
    if path == "/apis/authorization.k8s.io/v1":
        return discovery.authorization_v1()
    if path == "/apis/authentication.k8s.io/v1":
        return discovery.authentication_v1()
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "apis" and GROUP_VERSIONS.get(parts[2]) == parts[3]:
        found = discovery.group_resources(parts[2])
        if found is not None:
            return found
    if path == "/openapi/v3":
        return discovery.openapi_v3_root()
    if path == "/openapi/v3/api/v1":
        return discovery.openapi_v3_core()
    if path.startswith("/openapi/v3/apis/") and path.endswith("/v1"):
        return discovery.openapi_v3_group(path.split("/")[4])
    return None
