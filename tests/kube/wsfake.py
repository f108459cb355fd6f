"""A minimal API server speaking the attach/exec channel protocol, for protocol edge cases
the sandbox has no reason to produce (text frames, unknown channels, bad status payloads,
servers that stop answering pings). Real aiohttp websockets on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

Handler = Callable[[web.WebSocketResponse, web.Request, "FakeServer"], Awaitable[None]]


@dataclass
class FakeServer:
    handler: Handler | None = None
    protocols: tuple[str, ...] = ("v5.channel.k8s.io", "v4.channel.k8s.io")
    handshake_status: int | None = None
    pods: dict[str, dict[str, Any]] = field(default_factory=dict)
    autoping: bool = True
    requests: list[web.Request] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)
    url: str = ""

    async def stream(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        if self.handshake_status is not None:
            body = {"kind": "Status", "status": "Failure", "code": self.handshake_status}
            return web.json_response(body, status=self.handshake_status)
        ws = web.WebSocketResponse(protocols=self.protocols, autoping=self.autoping)
        await ws.prepare(request)
        for channel in (1, 2, 3):
            await ws.send_bytes(bytes([channel]))
        assert self.handler is not None
        await self.handler(ws, request, self)
        return ws

    async def patch_ephemeral(self, request: web.Request) -> web.Response:
        """Like an API server without the subresource: 404 with an empty details.name."""
        self.requests.append(request)
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "the server could not find the requested resource",
            "reason": "NotFound",
            "details": {},
            "code": 404,
        }
        return web.json_response(body, status=404)

    async def get_pod(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        pod = self.pods.get(name)
        if pod is None:
            body = {
                "kind": "Status",
                "status": "Failure",
                "reason": "NotFound",
                "message": f'pods "{name}" not found',
                "details": {"name": name, "kind": "pods"},
                "code": 404,
            }
            return web.json_response(body, status=404)
        return web.json_response(pod)


def write_kubeconfig(path: Path, url: str) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "fake", "cluster": {"server": url}}],
        "users": [{"name": "fake", "user": {"token": "fake-token"}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
        "current-context": "fake",
    }
    path.write_text(json.dumps(config))
    return path


@asynccontextmanager
async def fake_api(tmp_path: Path, server: FakeServer) -> AsyncIterator[Any]:
    """Serve `server` on loopback; yield an open KubeSession pointing at it."""
    from kdebug_tui.kube.session import KubeSession

    app = web.Application()
    app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}/attach", server.stream)
    app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}/exec", server.stream)
    app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}", server.get_pod)
    app.router.add_patch(
        "/api/v1/namespaces/{ns}/pods/{name}/ephemeralcontainers", server.patch_ephemeral
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}"
    kubeconfig = write_kubeconfig(tmp_path / "fake-kubeconfig", server.url)
    session = await KubeSession.open(kubeconfig=str(kubeconfig))
    try:
        yield session
    finally:
        await session.close()
        await runner.cleanup()


def pod(name: str, container: str = "dbg", *, state: dict | None = None, **spec: Any) -> dict:
    return {
        "metadata": {"name": name, "namespace": "ns"},
        "spec": {"containers": [{"name": container, "image": "busybox", **spec}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": container, "state": state or {"running": {"startedAt": "x"}}}
            ],
        },
    }
