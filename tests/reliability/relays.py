"""Tiny loopback relays for TLS and proxy tests: a TLS front and an HTTP CONNECT proxy.

The TLS front terminates TLS with a certificate that names only `kube.test` (never
127.0.0.1) and forwards the bytes over a second TLS connection to the sandbox (which serves
HTTPS only), so a client verifies the front only when it sends tls-server-name. The proxy
answers CONNECT and pipes bytes both ways, recording each target: a request that bypassed it
would not appear there.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Any


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _join(a: tuple[Any, Any], b: tuple[Any, Any]) -> None:
    await asyncio.gather(_pipe(a[0], b[1]), _pipe(b[0], a[1]))


class Relay:
    """A listening relay on 127.0.0.1; `port`, `connects` (CONNECT targets), `close()`."""

    def __init__(self) -> None:
        self.port = 0
        self.connects: list[str] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start_tls_front(
        self,
        ssl_context: ssl.SSLContext,
        upstream_port: int,
        upstream_ssl: ssl.SSLContext | None = None,
    ) -> Relay:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                up = await asyncio.open_connection("127.0.0.1", upstream_port, ssl=upstream_ssl)
            except OSError:
                writer.close()
                return
            await _join((reader, writer), up)

        self._server = await asyncio.start_server(
            self._track(handle), "127.0.0.1", 0, ssl=ssl_context
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def start_connect_proxy(self) -> Relay:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                writer.close()
                return
            self.connects.append(target)
            host, _, port = target.rpartition(":")
            try:
                up = await asyncio.open_connection(host, int(port))
            except OSError:
                writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                writer.close()
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await _join((reader, writer), up)

        self._server = await asyncio.start_server(self._track(handle), "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def _track(self, handle: Any) -> Any:
        async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            try:
                await handle(reader, writer)
            finally:
                self._tasks.discard(task)

        return tracked

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
