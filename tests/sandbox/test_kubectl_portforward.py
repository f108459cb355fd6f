"""The real `kubectl port-forward` through the sandbox (SPDY/3.1 tunnelled in a websocket),
to a pod and to a Service, with real HTTP; and a port nobody listens on."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.sandbox.kubectl import Kubectl
from tests.sandbox.workload_helpers import demo_apps_settled

pytestmark = [pytest.mark.kubectl, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(loop_scope="module")
async def kubectl(shared_kubectl: Kubectl, shared_sandbox: Any) -> Kubectl:
    await demo_apps_settled(shared_sandbox)
    return shared_kubectl


@contextlib.asynccontextmanager
async def port_forward(kubectl: Kubectl, *args: str) -> AsyncIterator[tuple[int, Any]]:
    """`kubectl port-forward ... :<remote>`: yields the local port kubectl chose."""
    proc = await kubectl.start("port-forward", "--address", "127.0.0.1", *args)
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(20):
            while True:
                line = (await proc.stdout.readline()).decode()
                if not line:
                    err = await proc.stderr.read() if proc.stderr else b""
                    raise AssertionError(f"kubectl port-forward ended: {err.decode()}")
                found = re.match(r"Forwarding from 127\.0\.0\.1:(\d+) ->", line)
                if found:
                    yield int(found.group(1)), proc
                    return
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()


async def get(port: int, path: str = "/") -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{port}{path}") as r,
    ):
        return r.status, await r.text()


def frontend_pod(sb: Any) -> str:
    return next(
        p["metadata"]["name"]
        for p in sb.cluster.list("pods", "shop")
        if p["metadata"]["name"].startswith("frontend-")
    )


async def test_kubectl_port_forward_to_a_pod(kubectl: Kubectl, shared_sandbox: Any) -> None:
    pod = frontend_pod(shared_sandbox)
    async with port_forward(kubectl, "-n", "shop", f"pod/{pod}", ":8080") as (port, _):
        assert await get(port) == (200, f"hello from {pod}\n")
        results = await asyncio.gather(*(get(port, "/healthz") for _ in range(3)))
        assert results == [(200, "ok\n")] * 3


async def test_kubectl_port_forward_to_a_service(kubectl: Kubectl) -> None:
    async with port_forward(kubectl, "-n", "shop", "svc/frontend", ":80") as (port, _):
        status, body = await get(port)
        assert status == 200 and body.startswith("hello from frontend-")


async def test_kubectl_port_forward_to_a_closed_port(kubectl: Kubectl) -> None:
    async with port_forward(kubectl, "-n", "shop", "pod/db-0", ":5432") as (port, proc):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await reader.read() == b""
        writer.close()
        assert proc.stderr is not None
        async with asyncio.timeout(20):
            err = b""
            while b"error forwarding port 5432" not in err:
                chunk = await proc.stderr.readline()
                assert chunk, err
                err += chunk
