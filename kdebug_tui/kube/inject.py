"""Send a built debug request (waiting for its container is in waiting.py, re-exported).

Sending is retried on throttling, server errors and timeouts within a time budget (never on
a refused connection: that request never arrived, and the user should hear so at once), with
the same container name, so a retry after a lost answer is a no-op instead of a second
debugger (a strategic merge patch with identical fields changes nothing). A generated pod
name that collides is replaced with a new suffix. Waiting watches only the one pod (field
selector) from the resourceVersion of a fresh GET and reports every change of the
container's waiting reason, which is where ErrImagePull and friends show up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from .debug_preview import BuiltDebug
from .debug_request import SESSION_LABEL
from .errors import CONNECTION_REFUSED, KubeError
from .names import copy_pod_name, node_debugger_pod_name
from .podstate import container_spec
from .waiting import ContainerOutcome, ProgressEvent, wait_for_container

__all__ = [
    "ContainerOutcome",
    "PartialInjectError",
    "ProgressEvent",
    "inject",
    "wait_for_container",
]

log = logging.getLogger(__name__)

STRATEGIC_MERGE = "application/strategic-merge-patch+json"
RETRY_BUDGET = 30.0
REQUEST_TIMEOUT = 30.0


class PartialInjectError(KubeError):
    """The copy exists but deleting the original (--replace) failed; `pod` is the copy."""

    pod: dict[str, Any]


def _pod_path(namespace: str, name: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(name, safe='')}"


async def _retrying(
    call: Callable[[], Any], *, budget: float, on_retry: Callable[[KubeError], None] | None
) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    delay = 0.25
    while True:
        try:
            return await call()
        except KubeError as exc:
            if not exc.retryable or exc.reason == CONNECTION_REFUSED:
                raise  # refused: nothing listens there, and waiting only hides that
            wait = exc.retry_after if exc.retry_after is not None else delay
            if loop.time() + wait > deadline:
                raise
            log.info("retrying after %s", exc)
            if on_retry is not None:
                on_retry(exc)
            await asyncio.sleep(wait)
            delay = min(delay * 2, 4.0)


async def inject(
    session: Any,
    built: BuiltDebug,
    *,
    budget: float = RETRY_BUDGET,
    on_retry: Callable[[KubeError], None] | None = None,
    request_timeout: float = REQUEST_TIMEOUT,
) -> dict[str, Any]:
    """Create the debugger; returns the pod that holds it (for copies: the new pod)."""
    if built.mode == "ephemeral":
        return await _patch_ephemeral(
            session, built, budget=budget, on_retry=on_retry, request_timeout=request_timeout
        )
    pod = await _create_pod(
        session, built, budget=budget, on_retry=on_retry, request_timeout=request_timeout
    )
    if built.delete_original:
        try:
            await _retrying(
                lambda: session.request_json(
                    "DELETE",
                    _pod_path(built.namespace, built.delete_original or ""),
                    query=[("gracePeriodSeconds", "0")],
                    resource="pods",
                    namespace=built.namespace,
                ),
                budget=budget,
                on_retry=on_retry,
            )
        except KubeError as exc:
            if exc.status != 404:  # already gone is what we wanted
                error = PartialInjectError(
                    "Original pod not deleted",
                    f"the copy {pod['metadata']['name']} was created, but deleting "
                    f"{built.delete_original} failed: {exc.message}",
                    status=exc.status,
                    reason=exc.reason,
                    hint="delete the original yourself, or keep both",
                )
                error.pod = pod
                raise error from exc
    return pod


async def _patch_ephemeral(
    session: Any,
    built: BuiltDebug,
    *,
    budget: float,
    on_retry: Callable[[KubeError], None] | None,
    request_timeout: float,
) -> dict[str, Any]:
    attempts = 0

    async def send() -> Any:
        nonlocal attempts
        attempts += 1
        return await session.request_json(
            "PATCH",
            built.path,
            body=built.body,
            content_type=STRATEGIC_MERGE,
            request_timeout=request_timeout,
            resource="pods/ephemeralcontainers",
            namespace=built.namespace,
        )

    try:
        pod = await _retrying(send, budget=budget, on_retry=on_retry)
    except KubeError as exc:
        # An answer may have been lost (timeout, 5xx after the write, a retry meeting our own
        # container): ask the pod before calling it a failure.
        sent = exc.retryable and exc.reason != CONNECTION_REFUSED  # refused: never arrived
        if sent or (attempts > 1 and exc.status == 422):
            try:
                pod = await _get_pod(session, built.namespace, built.pod_name)
            except KubeError:
                raise exc from None
            if _has_our_container(pod, built):
                return pod
        raise
    if not _has_our_container(pod, built):
        pod = await _get_pod(session, built.namespace, built.pod_name)
        if not _has_our_container(pod, built):
            raise KubeError(
                "Container not added",
                f"the API server accepted the request but pod {built.pod_name} has no "
                f"container {built.container_name}",
                reason="NotAdded",
            )
    return pod


def _has_our_container(pod: dict[str, Any], built: BuiltDebug) -> bool:
    spec, kind = container_spec(pod, built.container_name)
    return spec is not None and kind == "ephemeral" and spec.get("image") == built.image


async def _create_pod(
    session: Any,
    built: BuiltDebug,
    *,
    budget: float,
    on_retry: Callable[[KubeError], None] | None,
    request_timeout: float,
) -> dict[str, Any]:
    ambiguous = False  # an earlier attempt may have succeeded without us hearing back
    current = built
    for _ in range(5):
        try:

            async def send(target: BuiltDebug = current) -> Any:
                nonlocal ambiguous
                try:
                    return await session.request_json(
                        "POST",
                        target.path,
                        body=target.body,
                        request_timeout=request_timeout,
                        resource="pods",
                        namespace=target.namespace,
                    )
                except KubeError as exc:
                    ambiguous = ambiguous or (exc.retryable and exc.reason != CONNECTION_REFUSED)
                    raise

            pod: dict[str, Any] = await _retrying(send, budget=budget, on_retry=on_retry)
        except KubeError as exc:
            if exc.status != 409 or exc.reason != "AlreadyExists":
                raise
            if ambiguous:
                existing = await _get_pod(session, current.namespace, current.pod_name)
                labels = (existing.get("metadata") or {}).get("labels") or {}
                if labels.get(SESSION_LABEL) == current.session_id:
                    return existing
            if not current.name_generated:
                raise KubeError(
                    "Name taken",
                    f"a pod named {current.pod_name} already exists in {current.namespace}",
                    status=409,
                    reason="AlreadyExists",
                    hint="choose another name for the copy",
                ) from None
            current = current.with_pod_name(_new_name(current))
            continue
        return pod
    raise KubeError("Name taken", "could not find a free pod name", status=409)


def _new_name(built: BuiltDebug) -> str:
    if built.mode == "node" and built.node_name:
        return node_debugger_pod_name(built.node_name)
    base = built.pod_name.rsplit("-debug-", 1)[0]
    return copy_pod_name(base)


async def _get_pod(session: Any, namespace: str, name: str) -> dict[str, Any]:
    return await session.request_json(
        "GET", _pod_path(namespace, name), resource="pods", namespace=namespace
    )
