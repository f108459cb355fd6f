"""Container logs as a byte stream, and as a read-only terminal backend.

The body is streamed chunk by chunk from the raw HTTP response (never loaded whole): a
follow stream can run for hours and a previous container's log can be large.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import aiohttp

from ..term.backend import BackendExit
from .errors import KubeError, sanitize, to_kube_error

CHUNK = 64 * 1024


async def stream_logs(
    session: Any,
    namespace: str,
    pod: str,
    container: str,
    *,
    follow: bool = False,
    previous: bool = False,
    tail_lines: int | None = None,
    timestamps: bool = False,
    since_seconds: int | None = None,
    since_time: str | None = None,
    limit_bytes: int | None = None,
) -> AsyncIterator[bytes]:
    """Yield the container's log as it arrives. A 400 (e.g. "is waiting to start") becomes a
    KubeError carrying the server's sentence. `since_seconds` / `since_time` (RFC 3339) and
    `limit_bytes` are the API's sinceSeconds, sinceTime and limitBytes."""
    query: list[tuple[str, str]] = [("container", container)]
    if follow:
        query.append(("follow", "true"))
    if previous:
        query.append(("previous", "true"))
    if tail_lines is not None:
        query.append(("tailLines", str(int(tail_lines))))
    if timestamps:
        query.append(("timestamps", "true"))
    if since_seconds is not None:
        query.append(("sinceSeconds", str(int(since_seconds))))
    elif since_time:
        query.append(("sinceTime", since_time))
    if limit_bytes is not None:
        query.append(("limitBytes", str(int(limit_bytes))))
    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/log"
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=None if follow else 60)
    try:
        resp = await session.request(
            "GET",
            path,
            query=query,
            request_timeout=timeout,
            resource="pods/log",
            namespace=namespace,
        )
    except KubeError as exc:
        if exc.status == 400:
            raise KubeError(
                "Logs unavailable",
                exc.full_text or exc.message,
                status=400,
                reason=exc.reason or "BadRequest",
                hint="the container has not started yet" if "waiting" in exc.message else None,
            ) from None
        raise
    try:
        while True:
            try:
                chunk = await resp.content.readany()
            except Exception as exc:
                raise to_kube_error(exc, resource="pods/log", namespace=namespace) from exc
            if not chunk:
                return
            for start in range(0, len(chunk), CHUNK):
                yield chunk[start : start + CHUNK]
    finally:
        resp.release()


class LineEndings:
    """Bare LF -> CRLF, as a terminal's output processing (onlcr) does for a program without
    a tty; an LF already preceded by CR is left alone, across chunk boundaries too."""

    def __init__(self) -> None:
        self._last_cr = False

    def translate(self, chunk: bytes) -> bytes:
        if b"\n" not in chunk:
            if chunk:
                self._last_cr = chunk.endswith(b"\r")
            return chunk
        out = bytearray()
        previous_cr = self._last_cr
        for byte in chunk:
            if byte == 0x0A and not previous_cr:
                out += b"\r\n"
            else:
                out.append(byte)
            previous_cr = byte == 0x0D
        self._last_cr = previous_cr
        return bytes(out)


class LogsBackend:
    """A read-only TerminalBackend showing a container's log (bare LF become CRLF, as a real
    terminal's output processing would do); `ending` is the exit reported afterwards."""

    def __init__(
        self,
        session: Any,
        namespace: str,
        pod: str,
        container: str,
        *,
        ending: BackendExit | None = None,
        follow: bool = False,
        previous: bool = False,
        tail_lines: int | None = None,
        **options: Any,
    ) -> None:
        """`options`: the other keywords of stream_logs (timestamps, since_seconds...)."""
        self._args = (session, namespace, pod, container)
        self._kwargs: dict[str, Any] = {
            "follow": follow,
            "previous": previous,
            "tail_lines": tail_lines,
            **options,
        }
        self._ending = ending
        self._iter: AsyncIterator[bytes] | None = None
        self._exit: BackendExit | None = None
        self._endings = LineEndings()

    async def start(self, columns: int, lines: int) -> None:
        self._iter = stream_logs(*self._args, **self._kwargs)

    async def read(self) -> bytes:
        if self._exit is not None or self._iter is None:
            return b""
        try:
            chunk = await anext(self._iter)
        except StopAsyncIteration:
            self._exit = self._ending or BackendExit(None, "closed", "end of log")
            return b""
        except KubeError as exc:
            self._exit = BackendExit(None, "error", sanitize(str(exc)))
            return b""
        return self._crlf(chunk)

    def _crlf(self, chunk: bytes) -> bytes:
        return self._endings.translate(chunk)

    async def write(self, data: bytes) -> None:
        return None  # logs take no input

    async def resize(self, columns: int, lines: int) -> None:
        return None

    async def close(self) -> None:
        if self._exit is None:
            self._exit = BackendExit(None, "closed", "closed by the user")
        if self._iter is not None:
            with contextlib.suppress(Exception):
                await self._iter.aclose()  # type: ignore[attr-defined]

    @property
    def exit(self) -> BackendExit | None:
        return self._exit
