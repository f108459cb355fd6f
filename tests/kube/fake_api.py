"""A scripted Kubernetes API on loopback (real HTTP) for edge cases the sandbox cannot force.

It records every request (path, query, Authorization header) so tests can check what the
client sent, serves a pod list, and hands each watch connection to the test, which pushes
the exact lines the server writes.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    client_cn: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WatchConn:
    query: dict[str, str]
    lines: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def send(self, kind: str, obj: dict[str, Any]) -> None:
        self.lines.put_nowait(json.dumps({"type": kind, "object": obj}).encode() + b"\n")

    def raw(self, data: bytes) -> None:
        self.lines.put_nowait(data)

    def end(self) -> None:
        self.lines.put_nowait(None)


def _client_cn(request: web.Request) -> str | None:
    if request.transport is None:
        return None
    cert = request.transport.get_extra_info("peercert")
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


def status_body(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class FakeApi:
    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context
        self.requests: list[Recorded] = []
        self.pods: list[dict[str, Any]] = []
        self.list_version = "10"
        self.watches: asyncio.Queue[WatchConn] = asyncio.Queue()
        self.watch_failures: list[tuple[int, dict[str, Any]]] = []
        self.list_failures: list[tuple[int, dict[str, Any]]] = []
        self.list_pages: list[dict[str, Any]] = []  # served one per list request, if set
        self.answer_401_for: set[str] = set()  # tokens to reject
        self.reject_cns: set[str] = set()  # client certificate names to reject (401)
        # (verb, resource, subresource, namespace) the caller may do, for access reviews
        self.allowed: set[tuple[str, str, str, str]] = set()
        self.reviews: list[dict[str, Any]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeApi:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self._ssl)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"{'https' if self._ssl else 'http'}://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def kubeconfig(self, path: Path, token: str = "tok-A") -> Path:
        path.write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
            f"clusters:\n- name: fake\n  cluster:\n    server: {self.url}\n"
            f"users:\n- name: u\n  user:\n    token: {token}\n"
            "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: u\n"
            "    namespace: default\n"
        )
        return path

    def lists(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "GET" and "watch" not in r.query]

    async def next_watch(self, wait: float = 10.0) -> WatchConn:
        try:
            return await asyncio.wait_for(self.watches.get(), wait)
        except TimeoutError:
            raise AssertionError(f"no watch request within {wait} s") from None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        auth = request.headers.get("Authorization")
        self.requests.append(
            Recorded(
                request.method,
                request.path,
                dict(request.query),
                auth,
                _client_cn(request),
                dict(request.headers),
            )
        )
        rejected_cn = self.requests[-1].client_cn in self.reject_cns
        if rejected_cn or (auth and auth.removeprefix("Bearer ") in self.answer_401_for):
            return web.json_response(status_body(401, "Unauthorized", "Unauthorized"), status=401)
        if request.path.endswith("/selfsubjectaccessreviews"):
            return await self._review(request)
        if request.query.get("watch") in ("true", "1"):
            if self.watch_failures:
                code, body = self.watch_failures.pop(0)
                return web.json_response(body, status=code)
            return await self._watch(request)
        if self.list_failures:
            code, body = self.list_failures.pop(0)
            return web.json_response(body, status=code)
        if self.list_pages:
            return web.json_response({"kind": "PodList", **self.list_pages.pop(0)})
        return web.json_response(
            {
                "kind": "PodList",
                "apiVersion": "v1",
                "metadata": {"resourceVersion": self.list_version},
                "items": self.pods,
            }
        )

    async def _review(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        attrs = body["spec"]["resourceAttributes"]
        self.reviews.append(attrs)
        key = (
            attrs["verb"],
            attrs["resource"],
            attrs.get("subresource", ""),
            attrs.get("namespace", ""),
        )
        body["status"] = {"allowed": key in self.allowed}
        return web.json_response(body, status=201)

    async def _watch(self, request: web.Request) -> web.StreamResponse:
        conn = WatchConn(dict(request.query))
        resp = web.StreamResponse()
        resp.content_type = "application/json"
        await resp.prepare(request)
        self.watches.put_nowait(conn)
        try:
            while True:
                line = await conn.lines.get()
                if line is None:
                    break
                await resp.write(line)
        except (ConnectionError, asyncio.CancelledError):
            conn.closed.set()
            raise
        conn.closed.set()
        return resp
