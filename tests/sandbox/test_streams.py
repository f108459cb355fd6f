"""The websocket channel protocol (streams.py) over real loopback websockets, against real
processes started by the runtime. A minimal aiohttp app stands in for the API server's
attach/exec routes, wired the way the API server wires them."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from kdebug_tui.sandbox.runtime import ContainerRuntime
from kdebug_tui.sandbox.streams import StreamHooks, StreamOptions, serve_stream
from tests.sandbox.runtime_support import (
    Recorder,
    is_running,
    is_terminated,
    launch,
    recorder,
    runtime,
)

__all__ = ["recorder", "runtime"]

V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
HOOKS = web.AppKey("hooks", StreamHooks)


@pytest.fixture
async def client(runtime: ContainerRuntime) -> AsyncIterator[TestClient[Any, Any]]:
    hooks = StreamHooks()

    async def attach(request: web.Request) -> web.StreamResponse:
        opts = StreamOptions.from_query(request.query)
        container = request.match_info["c"]
        return await serve_stream(
            request,
            lambda: runtime.attach("uid-1", container),
            opts,
            kind="attach",
            hooks=hooks,
        )

    async def exec_(request: web.Request) -> web.StreamResponse:
        opts = StreamOptions.from_query(request.query)
        command = request.query.getall("command")
        container = request.match_info["c"]
        return await serve_stream(
            request,
            lambda: runtime.exec("uid-1", container, command, tty=opts.tty, stdin=opts.stdin),
            opts,
            kind="exec",
            command=command,
            hooks=hooks,
        )

    app = web.Application()
    app[HOOKS] = hooks
    app.router.add_get("/attach/{c}", attach)
    app.router.add_get("/exec/{c}", exec_)
    async with TestClient(TestServer(app)) as c:
        yield c


class Frames:
    """Collects frames per channel from a client websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.raw: list[bytes] = []
        self.by_channel: dict[int, bytes] = {}

    async def until(self, channel: int, needle: bytes, limit: float = 10.0) -> bytes:
        async with asyncio.timeout(limit):
            while needle not in self.by_channel.get(channel, b""):
                if not await self.next():
                    break
        data = self.by_channel.get(channel, b"")
        assert needle in data, f"{needle!r} not on channel {channel}: {self.by_channel}"
        return data

    async def next(self) -> bool:
        msg = await self.ws.receive()
        if msg.type != aiohttp.WSMsgType.BINARY:
            return False
        self.raw.append(msg.data)
        if msg.data:
            ch = msg.data[0]
            self.by_channel[ch] = self.by_channel.get(ch, b"") + msg.data[1:]
        return True

    async def to_end(self, limit: float = 10.0) -> None:
        async with asyncio.timeout(limit):
            while await self.next():
                pass

    def status(self) -> dict[str, Any]:
        return json.loads(self.by_channel[3])


async def shell(runtime: ContainerRuntime, name: str = "sh", **kw: Any) -> None:
    await runtime.start(launch(name, stdin=True, tty=True, **kw))
    await runtime.wait_for("uid-1", name, is_running)


Q_TTY = "stdin=true&stdout=true&tty=true"


def _command(*argv: str) -> str:
    return urlencode([("command", a) for a in argv])


async def test_attach_v5_tty_echo_resize_and_reattach(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await shell(runtime)
    ws = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5, V4])
    assert ws.protocol == V5
    frames = Frames(ws)
    assert await frames.next() and frames.raw[0] == b"\x01"  # the initial empty frame
    await ws.send_bytes(b"\x04" + json.dumps({"Width": 101, "Height": 33}).encode())
    await ws.send_bytes(b"\x00stty size\n")
    await frames.until(1, b"33 101")
    await ws.send_bytes(b'\x04{"Width":120,"Height":40}')
    await ws.send_bytes(b"\x00stty size\n")
    await frames.until(1, b"40 120")
    await ws.close()

    # a second client attaches to the same, still running, shell
    ws2 = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5])
    frames2 = Frames(ws2)
    await ws2.send_bytes(b"\x00echo $((40+2))\n")
    await frames2.until(1, b"42")
    await ws2.send_bytes(b"\x00exit 7\n")
    await frames2.to_end()
    assert frames2.status() == {"metadata": {}, "status": "Success"}  # attach: kubelet says so
    state = await runtime.wait_for("uid-1", "sh", is_terminated)
    assert state.state["terminated"]["exitCode"] == 7
    log = runtime.log_path("uid-1", "sh")
    assert log is not None and b"echo $((40+2))" in log.read_bytes()  # typed input is logged


async def test_two_clients_see_the_same_output(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await shell(runtime)
    a = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5])
    b = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V4])
    assert b.protocol == V4
    fa, fb = Frames(a), Frames(b)
    await a.send_bytes(b"\x00echo fan-$((1+1))-out\n")
    await fa.until(1, b"fan-2-out")
    await fb.until(1, b"fan-2-out")
    await a.close()
    await b.close()


async def test_exec_separate_channels_and_exit_status(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await runtime.start(launch("app", command=["sleep", "60"]))
    await runtime.wait_for("uid-1", "app", is_running)
    cmd = _command("sh", "-c", "echo out; echo err >&2; exit 3")
    ws = await client.ws_connect(f"/exec/app?stdout=true&stderr=true&{cmd}", protocols=[V5])
    frames = Frames(ws)
    await frames.to_end()
    assert frames.raw[0] == b"\x01"
    assert frames.by_channel[1] == b"out\n" and frames.by_channel[2] == b"err\n"
    assert frames.status() == {
        "metadata": {},
        "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command "
        "[sh -c echo out; echo err >&2; exit 3], exit code 3",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
    }
    ok = await client.ws_connect("/exec/app?stdout=true&command=true", protocols=[V4])
    frames = Frames(ok)
    await frames.to_end()
    assert frames.by_channel[3] == b'{"metadata":{},"status":"Success"}'


async def test_exec_in_distroless_fails_with_the_runtime_message(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await runtime.start(launch("app", "kdebug.local/distroless-web:1.0"))
    await runtime.wait_for("uid-1", "app", is_running)
    ws = await client.ws_connect(
        "/exec/app?stdin=true&stdout=true&tty=true&command=sh", protocols=[V5]
    )
    frames = Frames(ws)
    await frames.to_end()
    status = frames.status()
    assert status["status"] == "Failure" and status["reason"] == "InternalError"
    assert status["code"] == 500
    assert status["message"].startswith(
        "Internal error occurred: error executing command in container: failed to exec in "
        'container: failed to start exec "'
    )
    assert status["message"].endswith(
        ': OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": '
        "executable file not found in $PATH: unknown"
    )


async def test_v5_close_channel_half_closes_stdin(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await runtime.start(launch("app", command=["sleep", "60"]))
    await runtime.wait_for("uid-1", "app", is_running)
    ws = await client.ws_connect("/exec/app?stdin=true&stdout=true&command=cat", protocols=[V5])
    frames = Frames(ws)
    await ws.send_bytes(b"\x00piped through cat\n")
    await frames.until(1, b"piped through cat")
    await ws.send_bytes(b"\xff\x00")  # [255, 0]: no more stdin
    await frames.to_end()
    assert frames.status() == {"metadata": {}, "status": "Success"}


async def test_garbage_frames_are_ignored(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await shell(runtime)
    ws = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5])
    frames = Frames(ws)
    for junk in [b"", b"\x04not json", b'\x04{"Width":-1,"Height":5}', b"\x09\x00\x01", b"\xff"]:
        await ws.send_bytes(junk)
    await ws.send_str("text frames are not ours")
    await ws.send_bytes(b"\x00echo still-$((2*3))\n")
    await frames.until(1, b"still-6")
    await ws.close()


async def test_drop_after_bytes_closes_without_status(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    client.server.app[HOOKS].drop_after_bytes = 10
    await runtime.start(launch("app", command=["sleep", "60"]))
    await runtime.wait_for("uid-1", "app", is_running)
    cmd = _command("sh", "-c", "echo 0123456789abcdefghij; sleep 5")
    ws = await client.ws_connect(f"/exec/app?stdout=true&{cmd}", protocols=[V5])
    frames = Frames(ws)
    await frames.to_end()
    assert frames.by_channel[1] == b"0123456789"
    assert 3 not in frames.by_channel
    assert ws.closed


async def test_attach_to_a_container_that_exits(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await runtime.start(launch("app", command=["sh", "-c", "read x; echo bye $x; exit 4"],
                               stdin=True))  # fmt: skip
    await runtime.wait_for("uid-1", "app", is_running)
    ws = await client.ws_connect("/attach/app?stdin=true&stdout=true&stderr=true", protocols=[V5])
    frames = Frames(ws)
    await ws.send_bytes(b"\x00now\n")
    await frames.to_end()
    assert frames.by_channel[1] == b"bye now\n"
    assert frames.status() == {"metadata": {}, "status": "Success"}
    # attaching again is refused (the container is not running any more)
    ws = await client.ws_connect("/attach/app?stdout=true", protocols=[V5])
    frames = Frames(ws)
    await frames.to_end()
    assert frames.status()["message"] == (
        "Internal error occurred: container is in CONTAINER_EXITED state"
    )


async def test_stdin_once_closes_stdin_when_the_first_client_leaves(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await runtime.start(launch("app", command=["cat"], stdin=True, stdin_once=True))
    await runtime.wait_for("uid-1", "app", is_running)
    ws = await client.ws_connect("/attach/app?stdin=true&stdout=true", protocols=[V5])
    frames = Frames(ws)
    await ws.send_bytes(b"\x00once\n")
    await frames.until(1, b"once")
    await ws.close()
    state = await runtime.wait_for("uid-1", "app", is_terminated)
    assert state.state["terminated"]["reason"] == "Completed"


def test_options_from_query() -> None:
    opts = StreamOptions.from_query({"stdin": "true", "stderr": "true", "tty": "true"})
    assert opts == StreamOptions(stdin=True, stdout=False, stderr=False, tty=True)
    with pytest.raises(ValueError, match="at least 1 of stdin, stdout, stderr"):
        StreamOptions.from_query({"tty": "true"})


async def test_resize_signals_the_program_and_busybox_prompt(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await shell(runtime)
    ws = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5])
    frames = Frames(ws)
    await ws.send_bytes(b"\x00trap 'echo got-winch' WINCH; echo trap-$((1))-set\n")
    await frames.until(1, b"trap-1-set")
    await frames.until(1, b"/ # ")  # busybox's prompt: working directory, then "# "
    await ws.send_bytes(b'\x04{"Width":90,"Height":20}')
    await frames.until(1, b"got-winch")
    await ws.close()


async def test_older_protocols(client: TestClient[Any, Any], runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", command=["sleep", "60"]))
    await runtime.wait_for("uid-1", "app", is_running)
    cmd = _command("sh", "-c", "echo v1; exit 2")
    ws = await client.ws_connect(f"/exec/app?stdout=true&{cmd}", protocols=["channel.k8s.io"])
    assert ws.protocol == "channel.k8s.io"
    frames = Frames(ws)
    await frames.to_end()
    assert frames.by_channel[1] == b"v1\n"
    # v1-v3 carry a failure as plain text, and nothing at all on success
    assert frames.by_channel[3] == (
        b"command terminated with non-zero exit code: error executing command "
        b"[sh -c echo v1; exit 2], exit code 2"
    )
    ok = await client.ws_connect(f"/exec/app?stdout=true&{_command('true')}",
                                 protocols=["v3.channel.k8s.io"])  # fmt: skip
    assert ok.protocol == "v3.channel.k8s.io"
    frames = Frames(ok)
    await frames.to_end()
    assert 3 not in frames.by_channel


async def test_v4_has_no_close_channel(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await runtime.start(launch("app", command=["sleep", "60"]))
    await runtime.wait_for("uid-1", "app", is_running)
    ws = await client.ws_connect("/exec/app?stdin=true&stdout=true&command=cat", protocols=[V4])
    frames = Frames(ws)
    await ws.send_bytes(b"\xff\x00")  # v5's close frame means nothing on v4
    await ws.send_bytes(b"\x00still open\n")
    await frames.until(1, b"still open")
    await ws.close()


async def test_oversized_frame_ends_the_stream_not_the_server(
    client: TestClient[Any, Any], runtime: ContainerRuntime
) -> None:
    await shell(runtime)
    ws = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5])
    with contextlib.suppress(ConnectionError):  # the server may cut us off mid-frame
        await ws.send_bytes(b"\x00" + b"x" * (17 << 20))
        await Frames(ws).to_end()
    # the shell is still there for the next client
    again = await client.ws_connect(f"/attach/sh?{Q_TTY}", protocols=[V5])
    frames = Frames(again)
    await again.send_bytes(b"\x00echo alive-$((3*3))\n")
    await frames.until(1, b"alive-9")
    await again.close()


async def test_attach_ends_with_its_instance_when_the_container_restarts(
    client: TestClient[Any, Any], runtime: ContainerRuntime, recorder: Recorder
) -> None:
    tasks: list[asyncio.Task[None]] = []

    def always_restart(uid: str, name: str, state: Any) -> None:
        if name == "app" and "terminated" in state.state and state.restart_count == 0:
            tasks.append(asyncio.get_running_loop().create_task(runtime.restart(uid, name)))

    recorder.hooks.append(always_restart)
    await runtime.start(launch("app", command=["sh", "-c", "read x; exit 1"], stdin=True))
    await runtime.wait_for("uid-1", "app", is_running)
    ws = await client.ws_connect("/attach/app?stdin=true&stdout=true", protocols=[V5])
    frames = Frames(ws)
    await ws.send_bytes(b"\x00go\n")
    await frames.to_end()
    assert frames.status() == {"metadata": {}, "status": "Success"}
    again = await runtime.wait_for("uid-1", "app", lambda s: is_running(s) and s.restart_count == 1)
    assert again.last_state["terminated"]["exitCode"] == 1


async def test_client_vanishing_mid_flood_ends_the_exec(
    client: TestClient[Any, Any], runtime: ContainerRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    await runtime.start(launch("app", command=["sleep", "60"]))
    await runtime.wait_for("uid-1", "app", is_running)
    cmd = _command("sh", "-c", "yes flood-line-9876")
    ws = await client.ws_connect(f"/exec/app?stdout=true&{cmd}", protocols=[V5])
    frames = Frames(ws)
    await frames.until(1, b"flood-line-9876\n")
    await ws.close()  # gone while the server is writing
    async with asyncio.timeout(10):
        while _alive_with("flood-line-9876"):  # noqa: ASYNC110 - /proc has no event to await
            await asyncio.sleep(0.02)
    assert "Traceback" not in caplog.text


def _alive_with(marker: str) -> bool:
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if marker.encode() in path.read_bytes():
                return True
    return False
