"""The Kubernetes channel protocol over a websocket (attach and exec streams).

One frame is one channel byte plus payload: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize,
and on v5 255 = close a channel. This class is pull-based on purpose: `read()` receives the
next frame only when the consumer asks, so a slow terminal leaves data in aiohttp's buffer and
TCP flow control slows the server down, instead of growing a queue of ours without bound.
Liveness is ours too: we ping every few seconds with autoping off, so the pongs come through
`receive()` and count as life; aiohttp's own heartbeat would declare a connection dead while
reading is merely paused by backpressure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode, urlparse, urlunparse

import aiohttp

from ..term.backend import BackendExit
from .errors import KubeError, sanitize, to_kube_error
from .status_channel import StreamStatus, decode_status

log = logging.getLogger(__name__)

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, STATUS, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
PING_INTERVAL = 5.0
DEAD_AFTER = 60.0
MAX_CHUNK = 64 * 1024
CONNECT_TIMEOUT = 30.0
YIELD_EVERY = 8
MAX_TERMINAL_SIZE = 65535  # client-go's TerminalSize is two uint16

Explainer = Callable[[int], Awaitable[KubeError]]


def websocket_url(host: str, path: str, query: list[tuple[str, str]]) -> str:
    parts = list(urlparse(host.rstrip("/") + path))
    parts[0] = {"http": "ws", "https": "wss"}.get(parts[0], parts[0])
    parts[4] = urlencode(query)
    return urlunparse(parts)


class ChannelStream:
    """A connected attach/exec websocket, read one frame at a time."""

    def __init__(
        self,
        session: Any,
        path: str,
        query: list[tuple[str, str]],
        *,
        tty: bool,
        stdin: bool,
        explain: Explainer,
        ping_interval: float = PING_INTERVAL,
        dead_after: float = DEAD_AFTER,
        max_chunk: int = MAX_CHUNK,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self._session = session
        self._connect_timeout = connect_timeout
        self._path = path
        self._query = query
        self._tty = tty
        self._stdin = stdin
        self._explain = explain
        self._ping_interval = ping_interval
        self._dead_after = dead_after
        self._max_chunk = max_chunk
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._pending = b""
        self._status: StreamStatus | None = None
        self._exit: BackendExit | None = None
        self._closing = False
        self._last_seen = 0.0
        self._send_lock = asyncio.Lock()
        self.protocol = ""
        self.bytes_out = 0
        self._reads = 0
        self._wanted_size: tuple[int, int] | None = None
        self._sent_size: tuple[int, int] | None = None
        self._resizing = False

    @property
    def exit(self) -> BackendExit | None:
        return self._exit

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    async def connect(self) -> None:
        try:
            ws = await self._handshake()
        except aiohttp.WSServerHandshakeError as exc:
            auth: Any = getattr(self._session.ws, "_auth", None)  # the session's token source
            if exc.status != 401 or auth is None or not getattr(auth, "refreshable", False):
                raise await self._explain(exc.status) from None
            auth.invalidate()  # an expired token: fetch a fresh one and try once more
            try:
                ws = await self._handshake()
            except aiohttp.WSServerHandshakeError as again:
                raise await self._explain(again.status) from None
        self._ws = ws
        self.protocol = ws.protocol or "v4.channel.k8s.io"
        loop = asyncio.get_running_loop()
        self._last_seen = loop.time()
        self._heartbeat = asyncio.create_task(self._ping_loop(), name="kdebug-ws-heartbeat")

    async def _handshake(self) -> aiohttp.ClientWebSocketResponse:
        client = self._session.ws
        config = self._session.configuration
        headers: dict[str, str] = {"User-Agent": getattr(client, "user_agent", "kdebug-tui")}
        auth_query: list[tuple[str, str]] = []
        try:
            await client.update_params_for_auth(headers, auth_query, ["BearerToken"])
            url = websocket_url(config.host, self._path, self._query + auth_query)
            ws: aiohttp.ClientWebSocketResponse = await asyncio.wait_for(
                client.rest_client.pool_manager.ws_connect(
                    url,
                    headers=headers,
                    protocols=PROTOCOLS,
                    autoping=False,
                    max_msg_size=0,
                    # The same TLS name and proxy as the REST client (kubeconfig's
                    # tls-server-name and proxy-url): the connector's SSL context is shared.
                    proxy=getattr(config, "proxy", None) or None,
                    proxy_headers=getattr(config, "proxy_headers", None) or None,
                    server_hostname=getattr(config, "tls_server_name", None) or None,
                ),
                self._connect_timeout,
            )
        except (aiohttp.WSServerHandshakeError, KubeError):
            raise
        except Exception as exc:
            raise to_kube_error(exc, server=getattr(self._session, "server", None)) from exc
        return ws

    async def _ping_loop(self) -> None:
        ws = self._ws
        assert ws is not None
        with contextlib.suppress(Exception):
            while not ws.closed:
                await asyncio.sleep(self._ping_interval)
                await ws.ping()

    async def send(self, channel: int, payload: bytes) -> None:
        ws = self._ws
        if ws is None or ws.closed or self._exit is not None:
            return  # the stream has ended; keys typed now have nowhere to go
        async with self._send_lock:
            try:
                await ws.send_bytes(bytes([channel]) + payload)
            except (ConnectionError, aiohttp.ClientError, RuntimeError) as exc:
                log.debug("send on a closing websocket: %s", exc)

    async def resize(self, columns: int, lines: int) -> None:
        """Send the terminal size: clamped to what the kubelet accepts (uint16, at least 1),
        a size equal to the last one sent is skipped, and calls made while a resize is being
        sent collapse into one frame with the latest size (a window drag is one burst)."""
        if not self._tty:
            return
        self._wanted_size = (_clamp_size(columns), _clamp_size(lines))
        if self._resizing:
            return  # the call already sending picks up the latest size when it is done
        self._resizing = True
        try:
            await asyncio.sleep(0)  # let the rest of a burst scheduled with us update the size
            while self._wanted_size != self._sent_size:
                width, height = size = self._wanted_size
                body = json.dumps({"Width": width, "Height": height})
                await self.send(RESIZE, body.encode())
                self._sent_size = size
        finally:
            self._resizing = False

    async def close_stdin(self) -> bool:
        """Half-close stdin (v5 only: `[255, 0]`); False where the protocol cannot."""
        if not self.protocol.startswith("v5."):
            return False
        await self.send(CLOSE, bytes([STDIN]))
        return True

    async def read(self) -> bytes:
        """Next stdout/stderr bytes (at most `max_chunk`), b"" once the stream has ended."""
        if self._pending:
            return self._take_pending()
        while self._exit is None:
            frame = await self._next_frame()
            if frame is None:
                break
            channel, payload = frame
            if not payload:
                continue  # the server opens each channel with an empty frame
            if channel in (STDOUT, STDERR):
                self.bytes_out += len(payload)
                self._pending = payload
                self._reads += 1
                if self._reads % YIELD_EVERY == 0:
                    # receive() does not suspend while frames are buffered: let keys and
                    # paints run during a flood even if the consumer reads in a tight loop.
                    await asyncio.sleep(0)
                return self._take_pending()
            if channel == STATUS and self._status is None:
                await self._on_status(payload)
                break
            # resize echoes, v5 close frames and unknown channels carry nothing for us
        return b""

    async def read_channel(self) -> tuple[int, bytes] | None:
        """The next stdout (1) or stderr (2) payload with its channel, None once ended.

        For transfers, where diagnostics on stderr must never mix into the data."""
        while self._exit is None:
            frame = await self._next_frame()
            if frame is None:
                break
            channel, payload = frame
            if channel in (STDOUT, STDERR) and payload:
                self.bytes_out += len(payload)
                return channel, payload
            if channel == STATUS and self._status is None:
                await self._on_status(payload)
                break
        return None

    async def _on_status(self, payload: bytes) -> None:
        self._status = decode_status(payload, protocol=self.protocol)
        self._finish(self._exit_from_status(self._status))
        await self._shutdown()

    def _take_pending(self) -> bytes:
        chunk, self._pending = self._pending[: self._max_chunk], self._pending[self._max_chunk :]
        return chunk

    async def _next_frame(self) -> tuple[int, bytes] | None:
        ws = self._ws
        if ws is None:
            self._finish(BackendExit(None, "error", "the stream was never started"))
            return None
        loop = asyncio.get_running_loop()
        started = loop.time()
        while True:
            remaining = max(self._last_seen, started) + self._dead_after - loop.time()
            if remaining <= 0:
                self._finish(
                    BackendExit(
                        None,
                        "dropped",
                        f"the connection went silent: no answer to pings for "
                        f"{self._dead_after:.0f} s",
                    )
                )
                await self._shutdown()
                return None
            try:
                msg = await ws.receive(timeout=remaining)
            except TimeoutError:
                continue
            except Exception as exc:  # a broken transport must end the stream, not raise
                self._finish(self._dropped(f"connection error: {sanitize(exc)}"))
                return None
            self._last_seen = loop.time()
            kind = msg.type
            if kind == aiohttp.WSMsgType.BINARY:
                data: bytes = msg.data
            elif kind == aiohttp.WSMsgType.TEXT:
                data = msg.data.encode("utf-8", "replace")
            elif kind == aiohttp.WSMsgType.PING:
                with contextlib.suppress(Exception):
                    await ws.pong(msg.data)
                continue
            elif kind == aiohttp.WSMsgType.PONG:
                continue
            else:  # CLOSE, CLOSING, CLOSED, ERROR
                self._on_closed(msg)
                return None
            if data:
                return data[0], data[1:]

    def _on_closed(self, msg: aiohttp.WSMessage) -> None:
        if self._closing:
            self._finish(BackendExit(None, "closed", "closed by the user"))
            return
        if msg.type == aiohttp.WSMsgType.ERROR:
            self._finish(self._dropped(f"connection error: {sanitize(msg.data)}"))
            return
        code = self._ws.close_code if self._ws is not None else None
        self._finish(
            self._dropped(
                "the connection closed without an exit status"
                + (f" (websocket close code {code})" if code else "")
            )
        )

    def _dropped(self, message: str) -> BackendExit:
        return BackendExit(None, "dropped", message)

    @staticmethod
    def _exit_from_status(status: StreamStatus) -> BackendExit:
        if status.success:
            return BackendExit(0, "exited", "exited with code 0")
        if status.code is not None:
            return BackendExit(status.code, "exited", status.message)
        return BackendExit(None, "error", status.message)

    def _finish(self, exit_: BackendExit) -> None:
        if self._exit is None:
            self._exit = exit_

    async def _shutdown(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await self._heartbeat
            self._heartbeat = None
        ws = self._ws
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), timeout=5)

    async def close(self) -> None:
        """End the stream from our side (idempotent); the exit says "closed"."""
        self._closing = True
        self._finish(BackendExit(None, "closed", "closed by the user"))
        await self._shutdown()


def _clamp_size(value: int) -> int:
    return min(max(1, int(value)), MAX_TERMINAL_SIZE)


def pod_path(namespace: str, pod: str, subresource: str) -> str:
    return (
        f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/{subresource}"
    )
