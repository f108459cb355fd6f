"""Server side of the Kubernetes websocket stream protocol for attach and exec.

Channels as the kubelet speaks them (`*.channel.k8s.io`): binary frames whose first byte is
the channel: 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 = close
(`[255, 0]` half-closes stdin). On opening, one empty frame goes to the lowest writable
channel; at the end a Status goes on channel 3 (JSON on v4+, plain text on v1-v3), then the
socket closes. The API server routes call `serve_stream` after authorising the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import WSMsgType, web

from kdebug_tui.sandbox.handles import RuntimeFailure, StreamHandle

log = logging.getLogger(__name__)

STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255

# Preference when a client offers several; the client's own order decides among these.
PROTOCOLS = (
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    "v3.channel.k8s.io",
    "v2.channel.k8s.io",
    "channel.k8s.io",
)
_VERSIONS = {p: 5 - i for i, p in enumerate(PROTOCOLS)}
MAX_FRAME = 16 << 20  # a client frame larger than this closes the stream (1009)


@dataclass(frozen=True)
class StreamOptions:
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> StreamOptions:
        """Parse `?stdin=true&stdout=true&stderr=true&tty=true`; ValueError like the server.

        With tty, stderr is merged into stdout (the server turns stderr off)."""

        def flag(name: str, default: bool = False) -> bool:
            value = query.get(name)
            return default if value is None else value.lower() in ("true", "1", "yes")

        tty = flag("tty")
        opts = cls(flag("stdin"), flag("stdout"), flag("stderr") and not tty, tty)
        if not (opts.stdin or opts.stdout or flag("stderr")):
            raise ValueError("you must specify at least 1 of stdin, stdout, stderr")
        return opts


def success_status() -> dict[str, Any]:
    return {"metadata": {}, "status": "Success"}


def exit_status(code: int, command: list[str] | None = None) -> dict[str, Any]:
    """Status for an exec whose command exited non-zero (reason NonZeroExitCode)."""
    if code == 0:
        return success_status()
    shown = "[" + " ".join(command or []) + "]"
    return {
        "metadata": {},
        "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command "
        f"{shown}, exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def internal_error_status(message: str) -> dict[str, Any]:
    """apierrors.NewInternalError as the kubelet writes it on the status channel."""
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"Internal error occurred: {message}",
        "reason": "InternalError",
        "details": {"causes": [{"message": message}]},
        "code": 500,
    }


Opener = Callable[[], Awaitable[StreamHandle]]


@dataclass
class StreamHooks:
    """Fault injection the API server sets per request: `drop_after_bytes` closes the
    socket abruptly (no status, no close frame) once that much output has been sent."""

    drop_after_bytes: int | None = None
    # kubectl exec can lose the end of stdout without any error (kubernetes issue 124571):
    # output past this many bytes is discarded and the exit status still says Success
    truncate_after_bytes: int | None = None


async def serve_stream(
    request: web.Request,
    open_stream: StreamHandle | Opener,
    options: StreamOptions,
    *,
    kind: Literal["attach", "exec"],
    command: list[str] | None = None,
    hooks: StreamHooks | None = None,
) -> web.WebSocketResponse:
    """Upgrade, pump both directions, finish with the Status; never raises on bad input.

    `open_stream` is an attach/exec handle, or a coroutine factory: runtime failures it
    raises (`RuntimeFailure`, e.g. executable not found) become a Failure status on the
    stream, as the kubelet reports them after the upgrade."""
    ws = web.WebSocketResponse(protocols=PROTOCOLS, autoping=True, max_msg_size=MAX_FRAME)
    await ws.prepare(request)
    version = _VERSIONS.get(ws.ws_protocol or "channel.k8s.io", 1)
    session = _Session(ws, request, version, options, kind, command, hooks or StreamHooks())
    try:
        await session.run(open_stream)
    except asyncio.CancelledError:
        await session.abandon()
        raise
    except ConnectionError:  # the client vanished mid-write: detach (exec: end it)
        await session.abandon()
    except Exception:  # a bug must never become a traceback to a client
        log.exception("%s stream failed", kind)
        await session.abandon()
    return ws


class _Session:
    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        version: int,
        options: StreamOptions,
        kind: str,
        command: list[str] | None,
        hooks: StreamHooks,
    ) -> None:
        self.ws = ws
        self.request = request
        self.version = version
        self.options = options
        self.kind = kind
        self.command = command
        self.hooks = hooks
        self.handle: StreamHandle | None = None
        self.sent = 0
        self.dropped = False

    async def run(self, open_stream: StreamHandle | Opener) -> None:
        opts = self.options
        first = STDOUT if opts.stdout else STDERR if opts.stderr else ERROR
        await self.ws.send_bytes(bytes([first]))
        try:
            handle = open_stream if isinstance(open_stream, StreamHandle) else await open_stream()
        except RuntimeFailure as exc:
            await self.finish(internal_error_status(exc.message))
            return
        except Exception as exc:  # never a traceback to the client: a Status, as the kubelet
            log.exception("opening the %s stream failed", self.kind)
            await self.finish(internal_error_status(f"{self.kind} failed: {exc}"))
            return
        self.handle = handle
        reader = asyncio.create_task(self.pump_input())
        try:
            await self.pump_output()
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        if self.dropped or self.ws.closed:
            await handle.close()
            return
        if handle.closed:  # the client left
            return
        if self.kind == "exec" and (code := await handle.wait()) is not None:
            status = exit_status(code, self.command)
        else:
            status = success_status()  # attach: the kubelet reports Success on exit
        await self.finish(status)
        await handle.close()

    async def pump_output(self) -> None:
        assert self.handle is not None
        limit = self.hooks.drop_after_bytes
        while True:
            item = await self.handle.read()
            if item is None or self.ws.closed:
                return
            channel, data = item
            if channel == STDOUT and not self.options.stdout:
                continue
            if channel == STDERR and not self.options.stderr:
                if not (self.options.tty and self.options.stdout):
                    continue
                channel = STDOUT
            cut = self.hooks.truncate_after_bytes
            if cut is not None and self.sent + len(data) > cut:
                data = data[: max(0, cut - self.sent)]
                if not data:
                    continue  # silently lost: the stream goes on to its normal status
            if limit is not None and self.sent + len(data) >= limit:
                data = data[: max(0, limit - self.sent)]
                if data:
                    await self.ws.send_bytes(bytes([channel]) + data)
                self.sent = limit
                await self.drop()
                return
            self.sent += len(data)
            await self.ws.send_bytes(bytes([channel]) + data)

    async def pump_input(self) -> None:
        assert self.handle is not None
        handle = self.handle
        async for msg in self.ws:
            if msg.type != WSMsgType.BINARY or not msg.data:
                continue  # text frames are the base64 protocols, which we do not offer
            channel, payload = msg.data[0], msg.data[1:]
            if channel == STDIN and self.options.stdin:
                await handle.write(payload)
            elif channel == RESIZE and self.version >= 3 and self.options.tty:
                size = _parse_resize(payload)
                if size is not None:
                    handle.resize(*size)
            elif channel == CLOSE and self.version >= 5 and payload[:1] == bytes([STDIN]):
                handle.close_stdin()
        # the client went away (or closed): detach, which ends pump_output
        await handle.close()

    async def drop(self) -> None:
        """The injected fault: the connection dies mid-stream, like a broken network."""
        self.dropped = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def finish(self, status: dict[str, Any]) -> None:
        if self.ws.closed:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            if self.version >= 4:
                body = json.dumps(status, separators=(",", ":")).encode()
                await self.ws.send_bytes(bytes([ERROR]) + body)
            elif status.get("status") != "Success":
                await self.ws.send_bytes(bytes([ERROR]) + str(status.get("message", "")).encode())
            await self.ws.close()

    async def abandon(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(Exception):
                await self.handle.close()
        with contextlib.suppress(Exception):
            await self.ws.close()


def _parse_resize(payload: bytes) -> tuple[int, int] | None:
    try:
        size = json.loads(payload)
        columns, lines = int(size["Width"]), int(size["Height"])
    except (ValueError, KeyError, TypeError):
        return None
    if not (0 < columns <= 10000 and 0 < lines <= 10000):
        return None
    return columns, lines
