"""Port-forward over the websocket protocol: real HTTP through a forward to the sandbox's web
container, several connections, an unreachable port, stop, and a Service's target."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.owners import get_object
from kdebug_tui.kube.portforward import Forwards, PortForward, service_target
from kdebug_tui.kube.resources import KINDS
from kdebug_tui.kube.session import KubeSession
from tests.sandbox.workload_helpers import demo_apps_settled


@pytest.fixture
async def session(sandbox: Any, kubeconfig: Path) -> AsyncIterator[KubeSession]:
    await demo_apps_settled(sandbox)
    async with await KubeSession.open(kubeconfig) as s:
        yield s


def frontend_pod(sb: Any) -> str:
    return next(
        p["metadata"]["name"]
        for p in sb.cluster.list("pods", "shop")
        if p["metadata"]["name"].startswith("frontend-")
    )


async def http_get(port: int, path: str = "/") -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{port}{path}") as r,
    ):
        return r.status, await r.text()


async def test_http_through_a_forward(session: KubeSession, sandbox: Any) -> None:
    pod = frontend_pod(sandbox)
    forwards = Forwards()
    pf = await forwards.start(session, "shop", pod, 8080)
    try:
        assert pf.local_port > 0 and pf.running
        assert forwards.list() == [pf]
        status, body = await http_get(pf.local_port)
        assert status == 200 and body == f"hello from {pod}\n"
        results = await asyncio.gather(*(http_get(pf.local_port, "/healthz") for _ in range(3)))
        assert results == [(200, "ok\n")] * 3
        assert pf.connections == 4
        assert pf.label == f"127.0.0.1:{pf.local_port} -> shop/{pod}:8080"
    finally:
        await forwards.stop(pf)
    assert forwards.list() == [] and not pf.running
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", pf.local_port)


async def test_a_port_nobody_listens_on(session: KubeSession) -> None:
    pf = PortForward(session, "shop", "db-0", 5432)
    await pf.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", pf.local_port)
        assert await reader.read() == b""  # the stream ends at once
        writer.close()
        assert "error forwarding port 5432" in pf.last_error
    finally:
        await pf.stop()


async def test_a_taken_local_port_is_a_clear_error(session: KubeSession, sandbox: Any) -> None:
    first = PortForward(session, "shop", frontend_pod(sandbox), 8080)
    await first.start()
    try:
        with pytest.raises(KubeError, match=r"cannot listen on 127\.0\.0\.1"):
            await PortForward(session, "shop", "db-0", 8080, first.local_port).start()
    finally:
        await first.stop()


async def test_service_target_resolves_a_named_port(session: KubeSession, sandbox: Any) -> None:
    svc = await get_object(session, KINDS["services"], "shop", "frontend")
    pod, port = await service_target(session, svc, 80)
    assert pod.startswith("frontend-") and port == 8080
    with pytest.raises(KubeError, match="no port 81"):
        await service_target(session, svc, 81)
