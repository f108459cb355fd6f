"""One error type for every user-facing Kubernetes failure, and the mapping into it.

The UI shows `title` and `message` as plain text; anything that came from the server or the
network is sanitised here (control characters and C1 removed, invisible and bidi
characters shown as markers; long text cut) because a hostile or broken API server must not
be able to repaint the user's terminal.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import re
import ssl
from dataclasses import dataclass
from typing import Any

from kdebug_tui.invisible import reveal

from .rbac import rbac_snippet

MAX_TEXT = 300
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Nothing listens at the server's address: still retryable for watches (an API server that
# restarts refuses for a moment), but a one-shot write gives up at once, as kubectl does.
CONNECTION_REFUSED = "ConnectionRefused"

# C0 except tab/newline, DEL, C1: dropped. Invisible characters (bidi controls that can
# reorder text, zero-width ones, BOM, tags, line/paragraph separators) are shown as
# `<U+XXXX>` markers instead (kdebug_tui/invisible.py): dropping them would make a
# look-alike name read exactly like the real one.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\r\n]+")
_RBAC = re.compile(
    r'cannot (?P<verb>[\w-]+) resource "(?P<resource>[^"]+)"'
    r'(?: in API group "(?P<group>[^"]*)")?'
    r'(?: in the namespace "(?P<namespace>[^"]+)"| at the cluster scope)?'
)
_PSA_LEVEL = re.compile(r'violates PodSecurity "(?P<level>[a-z]+)(?::[^"]*)?"')
_WEBHOOK = re.compile(r'admission webhook "(?P<name>[^"]+)" denied the request:?\s*(?P<why>.*)')
# kubectl debug profiles that fit each Pod Security level (general adds SYS_PTRACE, which
# baseline refuses; restricted also needs non-root and no capabilities).
PSA_PROFILES = {"baseline": "baseline", "restricted": "restricted"}


def sanitize(text: object, limit: int | None = MAX_TEXT, *, keep_newlines: bool = False) -> str:
    """Make server- or network-provided text safe to show: printable, one line, bounded."""
    value = reveal(_UNSAFE.sub("", str(text)))
    if keep_newlines:
        value = "\n".join(_SPACES.sub(" ", line).strip() for line in value.split("\n"))
        value = value.strip("\n")
    else:
        value = _SPACES.sub(" ", value).strip()
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


@dataclass(frozen=True)
class Cause:
    """One entry of a Status's details.causes (a field-level validation failure)."""

    reason: str
    message: str
    field: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class KubeError(Exception):
    """A failure the user should read: short `title`, plain `message`, optional `hint`.

    `full_text` keeps the untruncated (sanitised) server message for a details view.
    """

    def __init__(
        self,
        title: str,
        message: str = "",
        *,
        status: int | None = None,
        reason: str = "",
        causes: list[Cause] | None = None,
        hint: str | None = None,
        retryable: bool = False,
        full_text: str | None = None,
        kind: str = "",
        name: str = "",
        retry_after: float | None = None,
        snippet: str | None = None,
    ) -> None:
        self.title = sanitize(title, 120)
        self.message = sanitize(message, None, keep_newlines=True)
        self.status = status
        self.reason = reason
        self.causes = list(causes or [])
        self.hint = hint
        self.retryable = retryable
        self.full_text = full_text if full_text is not None else self.message
        self.kind = kind
        self.name = name
        self.retry_after = retry_after
        self.snippet = snippet  # text to copy (a Role granting a refused verb), or None
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.title}: {self.message}" if self.message else self.title

    def __repr__(self) -> str:
        return f"KubeError(status={self.status!r}, reason={self.reason!r}, text={str(self)!r})"

    def describe(self) -> str:
        """Title, message and hint as plain text lines, for logs and dialogs."""
        lines = [str(self)]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


def _parse_status(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, dict):
        return body
    if isinstance(body, str) and body.strip().startswith("{"):
        try:
            parsed = json.loads(body)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _retry_after(status: dict[str, Any], headers: Any) -> float | None:
    details = status.get("details") or {}
    seconds = details.get("retryAfterSeconds") if isinstance(details, dict) else None
    if seconds is None and headers is not None:
        try:
            seconds = headers.get("Retry-After")
        except AttributeError:
            seconds = None
    try:
        return float(seconds) if seconds is not None else None
    except (TypeError, ValueError):
        return None


def from_status(
    code: int | None,
    body: Any,
    *,
    resource: str | None = None,
    namespace: str | None = None,
    headers: Any = None,
    http_reason: str = "",
) -> KubeError:
    """Build a KubeError from an HTTP status and a (possibly non-JSON) Status body.

    `resource` is what was requested ("pods", "pods/ephemeralcontainers") and `namespace`
    where: the Status body does not carry them, and some messages depend on them.
    """
    status = _parse_status(body)
    code = int(status.get("code") or code or 0) or None
    raw_message = str(status.get("message") or "")
    if not raw_message:
        raw_message = body.decode("utf-8", "replace") if isinstance(body, bytes) else ""
        raw_message = raw_message if not raw_message.lstrip().startswith("<") else ""
        raw_message = raw_message or http_reason or f"HTTP {code}"
    full = sanitize(raw_message, None)
    short = sanitize(raw_message)
    reason = str(status.get("reason") or "")
    raw_details = status.get("details")
    details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
    name = sanitize(details.get("name") or "", 253)
    kind = sanitize(details.get("kind") or "", 63)
    causes = [
        Cause(
            reason=sanitize(c.get("reason", ""), 63),
            message=sanitize(c.get("message", "")),
            field=sanitize(c.get("field", ""), 200),
        )
        for c in details.get("causes") or []
        if isinstance(c, dict)
    ]
    retryable = code in RETRYABLE_STATUSES or status.get("reason") in {"ServerTimeout"}
    common: dict[str, Any] = {
        "status": code,
        "reason": reason,
        "causes": causes,
        "full_text": full,
        "kind": kind,
        "name": name,
        "retryable": retryable,
        "retry_after": _retry_after(status, headers),
    }
    where = f" in namespace {namespace}" if namespace else ""

    if code == 401:
        return KubeError(
            "Unauthorized",
            "the cluster rejected your credentials",
            hint="your token or certificate may have expired: log in again "
            "(e.g. re-run your cloud provider's login) and retry",
            **common,
        )
    webhook = _WEBHOOK.search(raw_message)
    if webhook is not None and (code is None or code < 500):
        why = sanitize(webhook["why"], None) or "no reason given"
        return KubeError(
            f"Denied by admission webhook {sanitize(webhook['name'], 80)}",
            why,
            hint="a policy of this cluster refused the request: change what it names, "
            "or ask the policy's owners for an exception",
            **common,
        )
    if code == 403:
        if "violates PodSecurity" in raw_message:
            detail = raw_message.split("violates PodSecurity", 1)[1]
            level_match = _PSA_LEVEL.search(raw_message)
            level = level_match["level"] if level_match else ""
            profile = PSA_PROFILES.get(level)
            where_ns = f"namespace {namespace}" if namespace else "this namespace"
            hint = (
                f'{where_ns} enforces the "{level}" Pod Security level: use the {profile} '
                f"profile, which fits it, or debug in another namespace"
                if profile
                else "this namespace enforces a Pod Security level: choose a less "
                "privileged profile (e.g. restricted or baseline) or another namespace"
            )
            return KubeError(
                "Blocked by Pod Security admission",
                "violates PodSecurity " + sanitize(detail, None),
                hint=hint,
                **common,
            )
        match = _RBAC.search(raw_message)
        if match:
            verb, res = match["verb"], match["resource"]
            group = match["group"]
            res_text = f"{res}.{group}" if group else res
            ns = match["namespace"]
            scope = f"in namespace {sanitize(ns, 63)}" if ns else "at cluster scope"
            return KubeError(
                "Forbidden",
                f"you may not {verb} {sanitize(res_text, 120)} {scope}",
                hint="ask a cluster admin for this permission (RBAC; a Role granting it is "
                "in the details), or switch context",
                snippet=rbac_snippet(
                    verb, sanitize(res_text, 120), sanitize(ns, 63) if ns else None
                ),
                **common,
            )
        return KubeError("Forbidden", short, **common)
    if code == 404:
        if not name and resource and resource.endswith("ephemeralcontainers"):
            return KubeError(
                "Ephemeral containers unavailable",
                "ephemeral containers are not available on this cluster",
                hint="use copy mode (debug a copy of the pod) instead",
                **common,
            )
        if name and kind in {"pods", "pod", "Pod", ""}:
            ns = f"{namespace}/" if namespace else ""
            return KubeError("Not found", f"Pod {ns}{name} no longer exists", **common)
        if name:
            return KubeError("Not found", f"{kind or 'object'} {name} not found{where}", **common)
        return KubeError("Not found", short, **common)
    if code == 409:
        return KubeError("Conflict", short, **common)
    if code == 422:
        what = f"{kind} {name}" if name else "The request"
        lines = [str(c) for c in causes] or [short]
        return KubeError(
            "Invalid",
            f"{what} was rejected:\n" + "\n".join(lines),
            **common,
        )
    if code == 410:
        return KubeError("Gone", short or "resource version too old", **common)
    if code == 429:
        return KubeError(
            "Too many requests", short, hint="the API server is busy; retrying", **common
        )
    if code is not None and code >= 500:
        return KubeError(f"Server error ({code})", short, **common)
    return KubeError(f"Request failed ({code})" if code else "Request failed", short, **common)


def _server_of(exc: Any, server: str | None) -> str:
    if server:
        return server
    key = getattr(exc, "conn_key", None) or getattr(exc, "_conn_key", None)
    host = getattr(key, "host", None) or getattr(exc, "host", None)
    port = getattr(key, "port", None) or getattr(exc, "port", None)
    is_ssl = getattr(key, "is_ssl", None)
    if host:
        scheme = "https" if is_ssl or is_ssl is None else "http"
        return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"
    return "the API server"


def _refused(exc: BaseException) -> bool:
    err = getattr(exc, "os_error", None)
    return isinstance(err, ConnectionRefusedError) or getattr(err, "errno", None) == (
        errno.ECONNREFUSED
    )


def _os_reason(exc: BaseException) -> str:
    err = getattr(exc, "os_error", None) or exc
    code = getattr(err, "errno", None)
    if isinstance(code, int) and code > 0:
        return os.strerror(code).lower()
    strerror = getattr(err, "strerror", None)
    if strerror:
        return str(strerror).lower()
    return str(err) or type(err).__name__


def to_kube_error(
    exc: BaseException,
    *,
    resource: str | None = None,
    namespace: str | None = None,
    server: str | None = None,
) -> KubeError:
    """Turn any exception from the client stack into a KubeError (KubeErrors pass through)."""
    if isinstance(exc, KubeError):
        return exc
    # Imported here, not at module level: the launcher needs KubeError before the first frame,
    # and the client stack costs ~0.4 s to import (PERFORMANCE.md: import it after).
    import aiohttp
    from kubernetes_asyncio.client.exceptions import ApiException

    if isinstance(exc, ApiException):
        return from_status(
            exc.status,
            exc.body,
            resource=resource,
            namespace=namespace,
            headers=exc.headers,
            http_reason=str(exc.reason or ""),
        )
    where = _server_of(exc, server)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return KubeError(
            "TLS verification failed",
            f"cannot verify the certificate of {where}: {sanitize(exc.certificate_error)}",
            reason="TLSError",
            hint="check certificate-authority(-data) and tls-server-name in your kubeconfig",
        )
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return KubeError(
            "TLS error",
            f"TLS handshake with {where} failed: {sanitize(_os_reason(exc))}",
            reason="TLSError",
            hint="check the server URL (http vs https) and the client certificate",
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return KubeError(
            "Connection failed",
            f"Cannot reach {where}: {sanitize(_os_reason(exc))}",
            reason=CONNECTION_REFUSED if _refused(exc) else "ConnectionError",
            retryable=True,
            hint="is the cluster running and the server address in your kubeconfig right?",
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return KubeError(
            "Connection lost",
            f"{where} closed the connection",
            reason="Disconnected",
            retryable=True,
        )
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return from_status(
            exc.status, b"", resource=resource, namespace=namespace, http_reason=exc.message
        )
    if isinstance(exc, aiohttp.ClientResponseError):
        return from_status(
            exc.status, b"", resource=resource, namespace=namespace, http_reason=exc.message
        )
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return KubeError(
            "Timed out",
            f"{where} did not answer in time",
            reason="Timeout",
            retryable=True,
        )
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientOSError):
        return KubeError(
            "Connection error",
            f"talking to {where}: {sanitize(_os_reason(exc))}",
            reason="ConnectionError",
            retryable=True,
        )
    if isinstance(exc, aiohttp.ClientError):
        return KubeError(
            "Connection error",
            f"{where}: {sanitize(str(exc) or type(exc).__name__)}",
            reason="ConnectionError",
            retryable=True,
        )
    return KubeError(
        "Unexpected error",
        f"{type(exc).__name__}: {sanitize(str(exc))}",
        reason="Unexpected",
    )
