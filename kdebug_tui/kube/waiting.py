"""Waiting for a debug container to run, the way kubectl debug does.

Watches only the one pod (field selector) from the resourceVersion of a fresh GET, reports
every change of the container's state (ErrImagePull, ImagePullBackOff,
CreateContainerConfigError... show up here) and turns the ways it can go wrong (pod deleted,
pod finished, nothing within the timeout) into KubeErrors that say what happened and where.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from .errors import KubeError
from .podstate import container_status, state_name

log = logging.getLogger(__name__)

MAX_WATCH_LINE = 16 * 1024 * 1024


@dataclass(frozen=True)
class ProgressEvent:
    """A change in the container's state while waiting (reason like ErrImagePull)."""

    reason: str
    message: str
    state: str  # "pending" (no status yet) | "waiting" | "running" | "terminated"
    hint: str = ""  # what to do about this reason ("" when it needs nothing)


_PULL_HINT = (
    "the node cannot pull this image: check its name and tag, and registry access "
    "(imagePullSecrets) if it is private; it will not start until the pull works"
)
# Waiting reasons that will not fix themselves, and what the user can do about them.
WAITING_HINTS = {
    "ErrImagePull": _PULL_HINT,
    "ImagePullBackOff": _PULL_HINT,
    "InvalidImageName": "the image reference is malformed: fix the image name",
    "ErrImageNeverPull": "the image is not on the node and imagePullPolicy is Never",
    "CreateContainerConfigError": (
        "the container's configuration cannot be satisfied: a referenced ConfigMap or "
        "Secret (or a key in it) is missing, or runAsNonRoot is set while the image runs as "
        "root (set a non-root user)"
    ),
    "CreateContainerError": "the runtime could not create the container: read the message",
    "RunContainerError": "the command could not start: check that it exists in the image",
}


def waiting_hint(reason: str) -> str:
    return WAITING_HINTS.get(reason, "")


@dataclass(frozen=True)
class ContainerOutcome:
    state: str  # "running" | "terminated"
    exit_code: int | None
    reason: str
    message: str


def _pod_path(namespace: str, name: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(name, safe='')}"


# -- waiting --------------------------------------------------------------------------------


async def wait_for_container(
    session: Any,
    namespace: str,
    pod_name: str,
    container: str,
    *,
    timeout: float = 300.0,  # noqa: ASYNC109 - the contract's name; enforced with a deadline
    on_progress: Callable[[ProgressEvent], None] | None = None,
    inactivity: float = 30.0,
) -> ContainerOutcome:
    """Until the container is Running or Terminated; KubeError if the pod goes away, ends
    without the container starting, or `timeout` passes (naming the node and last reason).

    A watch that stays silent for `inactivity` seconds is replaced by a fresh GET and watch:
    a stalled connection must not hide the moment the container starts."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    tracker = _Tracker(namespace, pod_name, container, on_progress)
    rv: str | None = None
    while True:
        if rv is None:
            pod = await _get_or_deleted(session, tracker)
            rv = (pod.get("metadata") or {}).get("resourceVersion") or ""
            if (outcome := tracker.check(pod)) is not None:
                return outcome
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise tracker.timeout_error(timeout)
        try:
            async with asyncio.timeout(remaining):
                events = _watch_pod(session, namespace, pod_name, rv, remaining, inactivity)
                async for kind, obj in events:
                    if kind == "ERROR":
                        rv = None  # 410 Gone or another watch error: start again from a GET
                        break
                    new_rv = (obj.get("metadata") or {}).get("resourceVersion")
                    rv = new_rv or rv
                    if kind == "BOOKMARK":
                        continue
                    if kind == "DELETED":
                        raise tracker.deleted_error()
                    if (outcome := tracker.check(obj)) is not None:
                        return outcome
        except TimeoutError:
            raise tracker.timeout_error(timeout) from None
        except KubeError as exc:
            if exc.status == 410:
                rv = None
            elif exc.retryable:
                await asyncio.sleep(0.5)
            else:
                raise


async def _get_or_deleted(session: Any, tracker: _Tracker) -> dict[str, Any]:
    try:
        return await session.request_json(
            "GET",
            _pod_path(tracker.namespace, tracker.pod_name),
            resource="pods",
            namespace=tracker.namespace,
        )
    except KubeError as exc:
        if exc.status == 404:
            raise tracker.deleted_error() from None
        raise


async def _watch_pod(
    session: Any, namespace: str, name: str, rv: str, remaining: float, inactivity: float
) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    query = [
        ("fieldSelector", f"metadata.name={name}"),
        ("watch", "true"),
        ("allowWatchBookmarks", "true"),
        ("timeoutSeconds", str(max(1, int(remaining) + 1))),
    ]
    if rv:
        query.append(("resourceVersion", rv))
    resp = await session.request(
        "GET",
        f"/api/v1/namespaces/{quote(namespace, safe='')}/pods",
        query=query,
        request_timeout=aiohttp.ClientTimeout(total=None, sock_connect=30),
        resource="pods",
        namespace=namespace,
    )
    buffer = b""
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(resp.content.readany(), inactivity)
            except RuntimeError as exc:  # aiohttp: the connection closed under the read
                raise aiohttp.ClientConnectionError(str(exc) or "connection closed") from exc
            except TimeoutError:
                log.info("watch of pod %s silent for %.0f s: starting over", name, inactivity)
                yield "ERROR", {"code": 0, "message": "watch inactive"}
                return
            if not chunk:
                return
            buffer += chunk
            if len(buffer) > MAX_WATCH_LINE:
                raise KubeError("Watch failed", "a watch event was larger than 16 MiB")
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    raise KubeError("Watch failed", "the server sent a malformed event") from None
                kind = str(event.get("type", ""))
                obj = event.get("object") or {}
                if kind == "ERROR" and obj.get("code") not in (410, None):
                    log.info("watch error event: %s", obj.get("message"))
                yield kind, obj
    except (aiohttp.ClientError, ConnectionError) as exc:
        log.info("watch stream ended: %s", exc)
    finally:
        resp.release()


class _Tracker:
    """Remembers the last reported state, and reports only changes."""

    def __init__(
        self,
        namespace: str,
        pod_name: str,
        container: str,
        on_progress: Callable[[ProgressEvent], None] | None,
    ) -> None:
        self.namespace = namespace
        self.pod_name = pod_name
        self.container = container
        self.on_progress = on_progress
        self.node = ""
        self.last: ProgressEvent | None = None

    def check(self, pod: dict[str, Any]) -> ContainerOutcome | None:
        self.node = (pod.get("spec") or {}).get("nodeName") or self.node
        status = container_status(pod, self.container)
        state = state_name(status)
        detail = ((status or {}).get("state") or {}).get(state) or {}
        reason = str(detail.get("reason") or "")
        event = ProgressEvent(
            reason=reason,
            message=str(detail.get("message") or ""),
            state=state,
            hint=waiting_hint(reason) if state == "waiting" else "",
        )
        if event != self.last:
            self.last = event
            if self.on_progress is not None:
                self.on_progress(event)
        if state == "running":
            return ContainerOutcome("running", None, event.reason, event.message)
        if state == "terminated":
            code = detail.get("exitCode")
            return ContainerOutcome("terminated", code, event.reason, event.message)
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            raise KubeError(
                "Pod finished",
                f"pod {self.pod_name} has completed (phase {phase}); container "
                f"{self.container} will never start",
                reason="PodCompleted",
                hint="debug a copy of the pod instead",
            )
        if (pod.get("metadata") or {}).get("deletionTimestamp"):
            raise self.deleted_error()  # being deleted: the container will never start
        return None

    def deleted_error(self) -> KubeError:
        return KubeError(
            "Pod deleted",
            f"pod {self.namespace}/{self.pod_name} was deleted while waiting for container "
            f"{self.container}",
            status=404,
            reason="NotFound",
        )

    def timeout_error(self, timeout: float) -> KubeError:
        last = self.last
        if last is None or last.state == "pending":
            where = "no status reported yet"
        else:
            where = f"last state: {last.state}"
            if last.reason:
                where += f" ({last.reason})"
            if last.message:
                where += f": {last.message}"
        node = self.node or "no node (the pod is not scheduled)"
        return KubeError(
            "Timed out",
            f"container {self.container} did not start within {timeout:.0f} s on node {node}; "
            f"{where}",
            reason="Timeout",
            hint=(waiting_hint(last.reason) if last is not None else "") or None,
        )
