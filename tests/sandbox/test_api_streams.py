"""The attach/exec routes: checks before the upgrade, authorisation, and the drop fault.
(The channel protocol itself is tested with the runtime, in test_streams*.py.)"""

from __future__ import annotations

import asyncio
import json

import aiohttp

from tests.sandbox.helpers import Api, running, wait_pod

SHELL_POD = {
    "metadata": {"name": "shell"},
    "spec": {
        "containers": [
            {"name": "sh", "image": "busybox", "command": ["sh"], "stdin": True, "tty": True}
        ]
    },
}


async def _ws(api: Api, path: str, token: str, **params: str) -> aiohttp.ClientWebSocketResponse:
    return await api.session.ws_connect(
        api.sb.url + path,
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        protocols=("v5.channel.k8s.io", "v4.channel.k8s.io"),
    )


async def _read_until(ws: aiohttp.ClientWebSocketResponse, needle: bytes) -> bytes:
    got = b""
    async with asyncio.timeout(10):
        while needle not in got:
            msg = await ws.receive()
            assert msg.type == aiohttp.WSMsgType.BINARY, msg
            if msg.data[:1] == b"\x01":
                got += msg.data[1:]
    return got


async def test_attach_websocket_round_trip(api: Api) -> None:
    await api.call("POST", "/api/v1/namespaces/default/pods", body=SHELL_POD)
    await wait_pod(api.sb, "default", "shell", lambda p: running(p, "sh"), what="sh running")
    ws = await _ws(
        api, "/api/v1/namespaces/default/pods/shell/attach", api.sb.admin_token,
        container="sh", stdin="true", stdout="true", tty="true",
    )  # fmt: skip
    try:
        assert ws.protocol == "v5.channel.k8s.io"
        await ws.send_bytes(b"\x00echo round-$((20+3))\r")
        assert b"round-23" in await _read_until(ws, b"round-23")
    finally:
        await ws.close()


async def test_stream_routes_refuse_before_upgrading(api: Api) -> None:
    base = "/api/v1/namespaces/default/pods"
    for sub, params in (
        ("attach", {"container": "app", "stdout": "true"}),
        ("exec", {"container": "app", "command": "ls", "stdout": "true"}),
    ):
        status, body = await api.get(f"{base}/multi/{sub}", token="viewer", params=params)
        assert status == 403 and f'resource "pods/{sub}"' in body["message"]
    await wait_pod(
        api.sb, "default", "completed", lambda p: p["status"]["phase"] == "Succeeded", what="done"
    )
    status, body = await api.get(
        f"{base}/completed/exec", params={"container": "job", "command": "ls", "stdout": "true"}
    )
    assert status == 400 and "container is in CONTAINER_EXITED state" in body["message"]
    await wait_pod(api.sb, "default", "multi", lambda p: running(p, "app"), what="app running")
    status, body = await api.get(
        f"{base}/multi/attach", params={"container": "app", "stdin": "true", "stdout": "true"}
    )
    assert status == 400 and "stdin" in body["message"]
    status, body = await api.get(
        f"{base}/multi/exec", params={"container": "app", "stdout": "true"}
    )
    assert (
        status == 400
        and body["message"] == "you must specify at least one command for the container"
    )
    status, body = await api.get(
        f"{base}/multi/exec", params={"container": "nope", "command": "ls", "stdout": "true"}
    )
    assert status == 400 and body["message"] == "container nope is not valid for pod multi"
    status, body = await api.get(f"{base}/multi/exec", params={"container": "app", "command": "ls"})
    assert (
        status == 400 and body["message"] == "you must specify at least 1 of stdin, stdout, stderr"
    )
    api.sb.faults.fail("create", "pods/attach", status=503, message="kubelet is away")
    params = {"container": "app", "stdout": "true"}
    status, body = await api.get(f"{base}/multi/attach", params=params)
    assert status == 503 and body["message"] == "kubelet is away"


async def test_exec_status_and_drop_fault(api: Api) -> None:
    await wait_pod(
        api.sb, "default", "multi", lambda p: running(p, "sidecar"), what="sidecar running"
    )
    path = "/api/v1/namespaces/default/pods/multi/exec"
    ws = await api.session.ws_connect(
        api.sb.url
        + path
        + "?container=sidecar&command=sh&command=-c&command=echo+out;+exit+7"
        + "&stdout=true&stderr=true",
        headers={"Authorization": f"Bearer {api.sb.admin_token}"},
        protocols=("v5.channel.k8s.io",),
    )
    status = None
    async with asyncio.timeout(10):
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY and msg.data[:1] == b"\x03":
                status = json.loads(msg.data[1:])
    assert status is not None and status["reason"] == "NonZeroExitCode"
    assert status["details"]["causes"][0]["message"] == "7"
    api.sb.faults.drop_attach_after(5)
    ws = await api.session.ws_connect(
        api.sb.url
        + path
        + "?container=sidecar&command=sh&command=-c&command=echo+0123456789abcdef&stdout=true",
        headers={"Authorization": f"Bearer {api.sb.admin_token}"},
        protocols=("v5.channel.k8s.io",),
    )
    got = b""
    saw_status = False
    async with asyncio.timeout(10):
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.BINARY:
                break
            if msg.data[:1] == b"\x01":
                got += msg.data[1:]
            if msg.data[:1] == b"\x03":
                saw_status = True
    assert got == b"01234" and not saw_status
