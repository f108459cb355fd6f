"""GET pods/log: container selection and the kubelet's refusals, then the runtime's log file."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kdebug_tui.sandbox import logs
from kdebug_tui.sandbox.errors import ApiError, bad_request, invalid
from kdebug_tui.sandbox.podcontainer import container_for, container_status

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

Obj = dict[str, Any]
PULL_FAILURES = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull")


def _flag(request: web.Request, key: str) -> bool:
    return request.query.get(key, "").lower() in ("true", "1")


def _int(request: web.Request, key: str) -> int | None:
    raw = request.query.get(key)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"invalid {key}: {raw}") from None


def invalid_log_option(pod: str, key: str, value: int, least: int) -> ApiError:
    """422 as the API server validates PodLogOptions."""
    bound = "greater than or equal to 0" if least == 0 else "greater than 0"
    message = f"Invalid value: {value}: must be {bound}"
    return invalid(
        "PodLogOptions", pod, [{"reason": "FieldValueInvalid", "message": message, "field": key}]
    )


def _which_log(pod: Obj, cname: str, previous: bool) -> bool:
    """Whether the log to read is the previous instance's; raises the kubelet's 400s."""
    name = pod["metadata"]["name"]
    cs = container_status(pod, cname) or {}
    state = cs.get("state") or {"waiting": {"reason": "ContainerCreating"}}
    last = (cs.get("lastState") or {}).get("terminated")
    if previous:
        if last is None:
            raise bad_request(f'previous terminated container "{cname}" in pod "{name}" not found')
        return True
    if "waiting" in state:
        if last is not None:
            return True
        reason = state["waiting"].get("reason", "ContainerCreating")
        if reason in PULL_FAILURES:
            raise bad_request(
                f'container "{cname}" in pod "{name}" is waiting to start: image can\'t be pulled'
            )
        raise bad_request(f'container "{cname}" in pod "{name}" is waiting to start: {reason}')
    return False


async def serve_log(sb: ApiState, request: web.Request, ns: str, name: str) -> web.StreamResponse:
    pod = sb.cluster.require("pods", ns, name)
    cname, _ = container_for(pod, request.query.get("container"))
    use_previous = _which_log(pod, cname, _flag(request, "previous"))
    uid = pod["metadata"]["uid"]
    path: Path | None = (
        sb.runtime.log_path(uid, cname, previous=use_previous) if sb.runtime else None
    )
    timestamps = _flag(request, "timestamps")
    tail = _int(request, "tailLines")
    limit = _int(request, "limitBytes")
    since_seconds = _int(request, "sinceSeconds")
    since: float | None = time.time() - since_seconds if since_seconds is not None else None
    if request.query.get("sinceTime"):
        try:
            since = logs.parse_timestamp(request.query["sinceTime"])
        except ValueError:
            raise bad_request(f"invalid sinceTime: {request.query['sinceTime']}") from None
    for key, value, least in (
        ("tailLines", tail, 0),
        ("limitBytes", limit, 1),
        ("sinceSeconds", since_seconds, 1),
    ):
        if value is not None and value < least:
            raise invalid_log_option(name, key, value, least)
    follow = _flag(request, "follow") and not use_previous
    if path is None or not follow:
        data = (
            logs.read_log(
                path, timestamps=timestamps, tail_lines=tail, since=since, limit_bytes=limit
            )
            if path
            else b""
        )
        return web.Response(body=data, content_type="text/plain", charset="utf-8")
    response = web.StreamResponse(
        status=200, headers={"Content-Type": "text/plain", "Audit-Id": str(uuid.uuid4())}
    )
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        async for chunk in _follow(sb, uid, cname, path, timestamps, tail, since, limit):
            await response.write(chunk)
        await response.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass
    return response


async def _follow(
    sb: ApiState,
    uid: str,
    cname: str,
    path: Path,
    timestamps: bool,
    tail: int | None,
    since: float | None,
    limit: int | None,
) -> AsyncIterator[bytes]:
    writer = getattr(sb.runtime, "log_writer", None)
    live = writer(uid, cname) if callable(writer) else None
    if live is not None:
        async for chunk in logs.follow_log(
            live, timestamps=timestamps, tail_lines=tail, since=since, limit_bytes=limit
        ):
            yield chunk
        return
    # No live writer (the container never started here): what the file holds, then end.
    data = logs.read_log(
        path, timestamps=timestamps, tail_lines=tail, since=since, limit_bytes=limit
    )
    if data:
        yield data
