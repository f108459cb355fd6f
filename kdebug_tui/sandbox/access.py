"""authorization.k8s.io/v1: SelfSubjectAccessReview and SelfSubjectRulesReview."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kdebug_tui.sandbox.auth import User, allowed
from kdebug_tui.sandbox.errors import ApiError, bad_request
from kdebug_tui.sandbox.request import NOT_FOUND_TEXT, USER_KEY, RequestInfo, read_json

Obj = dict[str, Any]
METHOD_NOT_ALLOWED = "the server does not allow this method on the requested resource"
NEED_ONE = (
    'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: '
    'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must '
    "be specified"
)


def _not_found() -> ApiError:
    return ApiError(404, NOT_FOUND_TEXT, details={})


async def access_review(request: web.Request, info: RequestInfo) -> web.StreamResponse:
    if info.resource == "selfsubjectreviews" and info.verb == "create":
        return _whoami(request[USER_KEY])
    if info.resource not in ("selfsubjectaccessreviews", "selfsubjectrulesreviews"):
        raise _not_found()
    if info.verb != "create":
        raise ApiError(405, METHOD_NOT_ALLOWED)
    kind = (
        "SelfSubjectRulesReview"
        if info.resource == "selfsubjectrulesreviews"
        else "SelfSubjectAccessReview"
    )
    body = await read_json(request, kind)
    if not isinstance(body, dict):
        raise bad_request("the body of the request must be an object")
    user: User = request[USER_KEY]
    spec = body.get("spec") or {}
    attributes = spec.get("resourceAttributes") if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or not isinstance(attributes, dict | None):
        raise bad_request(f'{kind} in version "v1" cannot be handled as a {kind}')
    if info.resource == "selfsubjectrulesreviews":
        return _rules_review(user, spec)
    attrs = spec.get("resourceAttributes")
    if attrs is None and spec.get("nonResourceAttributes") is None:
        raise ApiError(
            422,
            NEED_ONE,
            details={
                "kind": "SelfSubjectAccessReview",
                "group": "authorization.k8s.io",
                "causes": [],
            },
        )
    if attrs is not None:
        ok = allowed(
            user,
            str(attrs.get("verb", "")),
            str(attrs.get("resource", "")),
            str(attrs.get("subresource", "")),
        )
    else:
        ok = True
    status: Obj = {"allowed": ok}
    if ok:
        binding, role = (
            ("sandbox-admin", "cluster-admin") if user.admin else ("sandbox-viewer", "view")
        )
        account = user.name.rsplit(":", 1)[-1]
        status["reason"] = (
            f'RBAC: allowed by ClusterRoleBinding "{binding}" of ClusterRole "{role}" '
            f'to ServiceAccount "default/{account}"'
        )
    result = {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": None},
        "spec": spec,
        "status": status,
    }
    return web.json_response(result, status=201)


def _whoami(user: User) -> web.StreamResponse:
    """authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`); the body is unused."""
    info = {"username": user.name, "groups": list(user.groups)}
    return web.json_response(
        {
            "kind": "SelfSubjectReview",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "status": {"userInfo": info},
        },
        status=201,
    )


# What every authenticated user gets from the default cluster roles, as a real API server
# lists them in a SelfSubjectRulesReview (kubectl auth can-i --list prints duplicates, e.g.
# /healthz twice, because system:discovery and system:public-info-viewer both grant it).
BASIC_USER_RULES: list[Obj] = [
    {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
     "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
    {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"],
     "resources": ["selfsubjectreviews"]},
]  # fmt: skip
DISCOVERY_URLS = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                  "/openapi/*", "/readyz", "/version", "/version/"]  # fmt: skip
PUBLIC_INFO_URLS = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
# system:service-account-issuer-discovery is bound to every service account (the sandbox's
# users are service accounts).
ISSUER_DISCOVERY_URLS = ["/.well-known/openid-configuration", "/openid/v1/jwks"]
# The viewer reads every resource (RBAC's "*" does not cover subresources) and the
# subresources that are not streams into a container (auth.PRIVATE_SUBRESOURCES).
VIEWER_RULES: list[Obj] = [
    {"verbs": ["get", "list", "watch"], "apiGroups": ["*"], "resources": ["*"]},
    {"verbs": ["get", "list", "watch"], "apiGroups": [""],
     "resources": ["pods/log", "pods/status", "pods/ephemeralcontainers"]},
]  # fmt: skip


def _rules_review(user: User, spec: Obj) -> web.StreamResponse:
    """The rules `user` has, shaped as RBAC's default roles grant them (not one summary)."""
    own: list[Obj] = (
        [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}] if user.admin else VIEWER_RULES
    )
    non_resource: list[Obj] = [{"verbs": ["*"], "nonResourceURLs": ["*"]}] if user.admin else []
    non_resource += [
        {"verbs": ["get"], "nonResourceURLs": list(DISCOVERY_URLS)},
        {"verbs": ["get"], "nonResourceURLs": list(PUBLIC_INFO_URLS)},
        {"verbs": ["get"], "nonResourceURLs": list(ISSUER_DISCOVERY_URLS)},
    ]
    status = {
        "resourceRules": [*own, *BASIC_USER_RULES],
        "nonResourceRules": non_resource,
        "incomplete": False,
    }
    return web.json_response(
        {
            "kind": "SelfSubjectRulesReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "spec": spec,
            "status": status,
        },
        status=201,
    )
