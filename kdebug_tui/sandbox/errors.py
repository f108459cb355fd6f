"""Kubernetes `Status` bodies, the one error shape every API answer uses.

Handlers raise `ApiError`; the server middleware turns it into a JSON Status with the same
code, reason, message and details the real API server sends, so clients (kubectl,
kubernetes_asyncio) show the same text they would against a cluster.
"""

from __future__ import annotations

from typing import Any

REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "AlreadyExists",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


class ApiError(Exception):
    """An API failure that will be answered as a Status body."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason if reason is not None else REASONS.get(code, "")
        self.details = details

    def body(self) -> dict[str, Any]:
        return status_body(self.code, self.message, reason=self.reason, details=self.details)


def status_body(
    code: int, message: str, *, reason: str = "", details: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def success_status(details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
    }
    if details is not None:
        body["details"] = details
    return body


def not_found(resource: str, name: str, group: str = "") -> ApiError:
    """`pods "x" not found` with details {name, kind: "pods"} as the API server writes it."""
    qualified = f"{resource}.{group}" if group else resource
    details: dict[str, Any] = {"name": name, "kind": resource}
    if group:
        details["group"] = group
    return ApiError(404, f'{qualified} "{name}" not found', details=details)


def already_exists(resource: str, name: str) -> ApiError:
    return ApiError(
        409, f'{resource} "{name}" already exists', details={"name": name, "kind": resource}
    )


def conflict(resource: str, name: str, why: str) -> ApiError:
    return ApiError(
        409,
        f'Operation cannot be fulfilled on {resource} "{name}": {why}',
        reason="Conflict",
        details={"name": name, "kind": resource},
    )


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def gone(message: str = "too old resource version") -> ApiError:
    return ApiError(410, message)


def forbidden_user(
    user: str, verb: str, resource: str, subresource: str, namespace: str | None, name: str | None
) -> ApiError:
    """403 in the RBAC authorizer's words, including the subresource form."""
    full = f"{resource}/{subresource}" if subresource else resource
    scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    why = f'User "{user}" cannot {verb} resource "{full}" in API group ""{scope}'
    if name:
        message = f'{resource} "{name}" is forbidden: {why}'
    else:
        message = f"{resource} is forbidden: {why}"
    details: dict[str, Any] = {"kind": resource}
    if name:
        details = {"name": name, "kind": resource}
    return ApiError(403, message, details=details)


def invalid(kind: str, name: str, causes: list[dict[str, str]]) -> ApiError:
    """422 Invalid with the aggregated message (brackets only for several causes)."""
    texts = [f"{c['field']}: {c['message']}" if "field" in c else c["message"] for c in causes]
    joined = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    return ApiError(
        422,
        f'{kind} "{name}" is invalid: {joined}',
        details={"name": name, "kind": kind, "causes": causes},
    )
