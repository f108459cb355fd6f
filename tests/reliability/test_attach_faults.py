"""Attach rows not covered in tests/kube/test_attach_protocol.py: a 500 handshake, the Role
text for a refused attach, resize bursts, reattach after a half-open connection, and a pod
deleted while attached (the last against the sandbox)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

from kdebug_tui.kube.attach import AttachSession
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import read_until
from tests.kube.wsfake import FakeServer, fake_api, pod
from tests.reliability.helpers import delete_and_wait, make_pod

SUCCESS = b'\x03{"metadata":{},"status":"Success"}'


async def test_handshake_500_on_a_running_container_is_a_server_error(tmp_path: Path) -> None:
    server = FakeServer(handshake_status=500, pods={"p": pod("p", stdin=True, tty=True)})
    async with fake_api(tmp_path, server) as session:
        with pytest.raises(KubeError) as info:
            await AttachSession(session, "ns", "p", "dbg").start(80, 24)
    assert info.value.title == "Server error (500)"
    assert info.value.status == 500


async def test_refused_attach_comes_with_a_role(tmp_path: Path) -> None:
    async with fake_api(tmp_path, FakeServer(handshake_status=403)) as session:
        with pytest.raises(KubeError) as info:
            await AttachSession(session, "ns", "p", "dbg").start(80, 24)
    assert info.value.snippet is not None
    role = next(yaml.safe_load_all(info.value.snippet))
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods/attach"], "verbs": ["get"]}]
    assert role["metadata"]["namespace"] == "ns"


async def test_resize_bursts_are_coalesced_and_clamped(tmp_path: Path) -> None:
    async def record(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                s.received.append(msg.data)
                if msg.data[:1] == b"\x00" and msg.data[1:] == b"done":
                    await ws.send_bytes(SUCCESS)
                    await ws.close()
                    return

    server = FakeServer(handler=record, pods={"p": pod("p", stdin=True, tty=True)})
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(80, 24)
        # A window drag: many sizes at once; then absurd ones; then a repeat of the last.
        await asyncio.gather(*(attach.resize(80 + i, 24 + i) for i in range(50)))
        await attach.resize(0, -5)
        await attach.resize(10**6, 10**6)
        await attach.resize(10**6, 10**6)
        await attach.write(b"done")
        while await asyncio.wait_for(attach.read(), 5):
            pass
    sizes = [json.loads(m[1:]) for m in server.received if m[0] == 4]
    assert sizes[:2] == [{"Width": 81, "Height": 25}, {"Width": 80, "Height": 24}]
    burst = sizes[2:-2]
    assert 1 <= len(burst) <= 2, burst  # 50 calls, at most the first and the latest sent
    assert burst[-1] == {"Width": 129, "Height": 73}
    assert sizes[-2:] == [{"Width": 1, "Height": 1}, {"Width": 65535, "Height": 65535}]


async def test_half_open_connection_is_detected_and_reattach_works(tmp_path: Path) -> None:
    connections = 0

    async def first_silent(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            async for _msg in ws:  # a peer that vanished: nothing, not even pongs
                pass
            return
        await ws.send_bytes(b"\x01back again")
        await ws.send_bytes(SUCCESS)
        await ws.close()

    server = FakeServer(
        handler=first_silent, autoping=False, pods={"p": pod("p", stdin=True, tty=True)}
    )
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg", ping_interval=0.05, dead_after=0.3)
        await attach.start(80, 24)
        assert await asyncio.wait_for(attach.read(), 5) == b""
        assert attach.exit is not None and attach.exit.reason == "dropped"
        assert "no answer to pings" in attach.exit.message
        again = AttachSession(session, "ns", "p", "dbg", ping_interval=0.05, dead_after=0.3)
        await again.start(80, 24)
        assert await asyncio.wait_for(again.read(), 5) == b"back again"


@pytest.mark.timeout(60)
async def test_pod_deleted_while_attached_is_not_a_success(
    sandbox: object, kubeconfig: Path
) -> None:
    async with await KubeSession.open(kubeconfig) as kube:
        await make_pod(
            kube, "a-deleted", command=["sh", "-c", "echo ready; while true; do sleep 1; done"]
        )
        attach = AttachSession(kube, "default", "a-deleted", "app", stdin=False, tty=False)
        await attach.start(80, 24)
        reader = asyncio.ensure_future(read_until(attach, b"never-printed", limit=20))
        await asyncio.sleep(0.2)
        await delete_and_wait(kube, "default", "a-deleted")
        with pytest.raises(AssertionError):
            await reader  # the stream ends
        ending = attach.exit
        assert ending is not None
        assert not (ending.reason == "exited" and ending.code == 0), ending
        assert "deleted" in ending.message, ending


async def test_handshake_refused_for_a_completed_pod_says_so(tmp_path: Path) -> None:
    done = pod("p", state={"terminated": {"exitCode": 0, "reason": "Completed"}})
    done["status"]["phase"] = "Succeeded"
    async with fake_api(tmp_path, FakeServer(handshake_status=400, pods={"p": done})) as session:
        with pytest.raises(KubeError) as info:
            await AttachSession(session, "ns", "p", "dbg").start(80, 24)
    assert str(info.value) == (
        "Cannot attach: cannot attach a container in a completed pod; current phase is Succeeded"
    )


@pytest.mark.timeout(60)
async def test_refused_attach_is_explained_by_an_access_review(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with await KubeSession.open(kubeconfig) as admin:
        await make_pod(kube=admin, name="a-refused")
        # RBAC allows the admin everything: a 403 must come from something else.
        sandbox.faults.fail("get", "pods/attach", status=403, message="denied by policy")
        with pytest.raises(KubeError) as info:
            await AttachSession(admin, "default", "a-refused", "app").start(80, 24)
        assert info.value.message == (
            "the API server refused pods/attach in namespace default although your RBAC "
            "permissions allow it"
        )
        assert info.value.snippet is None
    async with await KubeSession.open(kubeconfig, context="sandbox-viewer") as viewer:
        with pytest.raises(KubeError) as refused:
            await AttachSession(viewer, "default", "a-refused", "app").start(80, 24)
        assert refused.value.message == "you may not get pods/attach in namespace default"
        assert refused.value.snippet is not None and '"get"' in refused.value.snippet
