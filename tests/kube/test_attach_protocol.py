"""AttachSession/ExecSession against an in-test websocket server: the channel protocol's
edge cases (text frames, unknown channels, status payloads, heartbeats, backpressure)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from kdebug_tui.kube.attach import AttachSession, ExecSession, run_command
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.status_channel import decode_status
from kdebug_tui.term.backend import BackendExit, TerminalBackend
from tests.kube.wsfake import FakeServer, fake_api, pod

SUCCESS = b'\x03{"metadata":{},"status":"Success"}'


def exit_status(code: int) -> bytes:
    body = {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }
    return b"\x03" + json.dumps(body).encode()


async def read_all(backend: TerminalBackend) -> bytes:
    out = bytearray()
    while chunk := await asyncio.wait_for(backend.read(), timeout=10):
        out += chunk
    return bytes(out)


async def shell(ws: web.WebSocketResponse, request: web.Request, server: FakeServer) -> None:
    """Echo a line-oriented 'shell': `exit N` ends with that status."""
    line = b""
    async for msg in ws:
        if msg.type != aiohttp.WSMsgType.BINARY:
            continue
        server.received.append(msg.data)
        channel, payload = msg.data[0], msg.data[1:]
        if channel != 0:
            continue
        line += payload
        while b"\r" in line:
            command, line = line.split(b"\r", 1)
            await ws.send_bytes(b"\x01" + command + b"\r\n")
            if command.startswith(b"exit"):
                code = int(command.split()[1]) if b" " in command else 0
                for entry in (
                    server.pods.get(request.match_info["name"], {})
                    .get("status", {})
                    .get("containerStatuses", [])
                ):  # the process has ended: the kubelet reports it (unless a test already did)
                    if "terminated" not in entry["state"]:
                        entry["state"] = {"terminated": {"exitCode": code, "reason": "Completed"}}
                await ws.send_bytes(SUCCESS if code == 0 else exit_status(code))
                await ws.close()
                return


async def test_attach_negotiates_v5_resizes_and_exits_zero(tmp_path: Path) -> None:
    server = FakeServer(handler=shell, pods={"p": pod("p", stdin=True, tty=True)})
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        assert isinstance(attach, TerminalBackend)
        await attach.start(80, 24)
        assert attach.protocol == "v5.channel.k8s.io"
        request = server.requests[0]
        assert request.headers["Authorization"] == "Bearer fake-token"
        assert request.query["container"] == "dbg"
        assert (request.query["stdin"], request.query["tty"]) == ("true", "true")
        assert request.query["stdout"] == "true" and request.query["stderr"] == "false"
        await attach.write(b"echo hi\r")
        assert await attach.read() == b"echo hi\r\n"
        await attach.write(b"exit\r")
        assert await read_all(attach) == b"exit\r\n"
        # The attach status says Success whatever happened; the pod tells the real ending.
        assert attach.exit == BackendExit(
            0, "exited", "container dbg exited with code 0 (Completed)"
        )
    resizes = [json.loads(m[1:]) for m in server.received if m[0] == 4]
    assert resizes[:2] == [{"Width": 81, "Height": 25}, {"Width": 80, "Height": 24}]


async def test_v4_only_server_and_nonzero_exit(tmp_path: Path) -> None:
    server = FakeServer(handler=shell, protocols=("v4.channel.k8s.io",))
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(100, 30)
        assert attach.protocol == "v4.channel.k8s.io"
        assert await attach.close_stdin() is False  # v4 cannot half-close
        await attach.write(b"exit 3\r")
        await read_all(attach)
        assert attach.exit == BackendExit(3, "exited", "command terminated with exit code 3")
        await attach.write(b"too late\r")  # ignored, never raises


async def test_text_frames_unknown_channels_and_empty_frames(tmp_path: Path) -> None:
    async def noisy(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        await ws.send_bytes(b"\x01")  # empty
        await ws.send_str("\x01from text")
        await ws.send_bytes(b"\x07ignored channel")
        await ws.send_bytes(b"\xffv5 close of some channel")
        await ws.send_bytes(b"")
        await ws.send_bytes(b"\x02stderr too")
        await ws.send_bytes(SUCCESS)
        await ws.close()

    server = FakeServer(handler=noisy)
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg", tty=False)
        await attach.start(80, 24)
        assert await read_all(attach) == b"from textstderr too"
        assert attach.exit is not None and attach.exit.code == 0
    assert server.requests[0].query["stderr"] == "true"
    assert not [m for m in server.received if m and m[0] == 4]  # no resize without tty


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (b"\x03not json", BackendExit(None, "error", "")),
        (
            b'\x03{"status":"Failure","message":"exec: \\"sh\\": executable file not found"}',
            BackendExit(None, "error", 'exec: "sh": executable file not found'),
        ),
        (
            b'\x03{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":'
            b'[{"reason":"ExitCode","message":"x1"}]}}',
            BackendExit(None, "error", "error stream protocol error: invalid exit code value 'x1'"),
        ),
        (
            b'\x03{"status":"Failure","reason":"NonZeroExitCode"}',
            BackendExit(None, "error", "error stream protocol error: details must be set"),
        ),
        (
            b'\x03{"status":"Weird"}',
            BackendExit(None, "error", "error stream protocol error: unknown error"),
        ),
    ],
)
async def test_bad_and_failure_status_payloads(
    tmp_path: Path, status: bytes, expected: BackendExit
) -> None:
    async def ends(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        await ws.send_bytes(b"\x01out")
        await ws.send_bytes(status)
        await ws.close()

    async with fake_api(tmp_path, FakeServer(handler=ends)) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(80, 24)
        assert await read_all(attach) == b"out"
        assert attach.exit is not None
        assert (attach.exit.code, attach.exit.reason) == (expected.code, expected.reason)
        if expected.message:
            assert attach.exit.message == expected.message
        else:
            assert attach.exit.message.startswith("error stream protocol error")


async def test_close_without_status_is_dropped_never_success(tmp_path: Path) -> None:
    async def vanish(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        await ws.send_bytes(b"\x01partial output")
        await ws.close()

    async with fake_api(tmp_path, FakeServer(handler=vanish)) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(80, 24)
        assert await read_all(attach) == b"partial output"
        assert attach.exit is not None
        assert attach.exit.reason == "dropped" and attach.exit.code is None
        assert "without an exit status" in attach.exit.message


async def test_silent_server_that_ignores_pings_is_declared_dead(tmp_path: Path) -> None:
    async def silent(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        async for _msg in ws:  # swallow everything, pings included
            pass

    server = FakeServer(handler=silent, autoping=False)
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg", ping_interval=0.05, dead_after=0.4)
        await attach.start(80, 24)
        assert await read_all(attach) == b""
        assert attach.exit is not None and attach.exit.reason == "dropped"
        assert "no answer to pings" in attach.exit.message


async def test_idle_server_that_answers_pings_stays_alive(tmp_path: Path) -> None:
    late = asyncio.Event()

    async def idle(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        # aiohttp answers pings only while someone reads, like an API server reading stdin.
        async def drain() -> None:
            async for _msg in ws:
                pass

        draining = asyncio.ensure_future(drain())
        await late.wait()
        draining.cancel()
        await ws.send_bytes(b"\x01still here")
        await ws.send_bytes(SUCCESS)
        await ws.close()

    async with fake_api(tmp_path, FakeServer(handler=idle)) as session:
        attach = AttachSession(session, "ns", "p", "dbg", ping_interval=0.05, dead_after=0.3)
        await attach.start(80, 24)
        reader = asyncio.ensure_future(attach.read())
        # Idle for three times the dead-after period; pongs keep the stream alive.
        done, _ = await asyncio.wait({reader}, timeout=0.9)
        late.set()
        assert not done, "an idle but answering server must not be declared dead"
        assert await asyncio.wait_for(reader, 5) == b"still here"
        assert await read_all(attach) == b""
        assert attach.exit is not None and attach.exit.code == 0


async def test_reads_are_pulled_and_bounded(tmp_path: Path) -> None:
    total = 24 * 1024 * 1024
    frame = b"\x01" + b"x" * (256 * 1024)
    progress = {"sent": 0}

    async def flood(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        while progress["sent"] < total:
            await ws.send_bytes(frame)
            progress["sent"] += len(frame) - 1
        await ws.send_bytes(SUCCESS)
        await ws.close()

    async with fake_api(tmp_path, FakeServer(handler=flood)) as session:
        attach = AttachSession(session, "ns", "p", "dbg", max_chunk=16 * 1024)
        await attach.start(80, 24)
        first = await attach.read()
        assert len(first) == 16 * 1024
        await asyncio.sleep(0.3)  # give a server without backpressure time to send it all
        assert progress["sent"] < total, "the client buffered everything instead of pulling"
        received = len(first)
        while chunk := await asyncio.wait_for(attach.read(), 10):
            assert len(chunk) <= 16 * 1024
            received += len(chunk)
        assert received == total
        assert attach.exit is not None and attach.exit.code == 0


async def test_half_close_on_v5(tmp_path: Path) -> None:
    async def cat(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        async for msg in ws:
            if msg.data == b"\xff\x00":
                await ws.send_bytes(b"\x01got EOF")
                await ws.send_bytes(SUCCESS)
                await ws.close()
                return

    async with fake_api(tmp_path, FakeServer(handler=cat)) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(80, 24)
        assert await attach.close_stdin() is True
        assert await read_all(attach) == b"got EOF"


async def test_user_close_is_reported_as_closed(tmp_path: Path) -> None:
    async with fake_api(tmp_path, FakeServer(handler=shell)) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(80, 24)
        reader = asyncio.ensure_future(attach.read())
        await attach.close()
        assert await asyncio.wait_for(reader, 5) == b""
        assert attach.exit is not None and attach.exit.reason == "closed"
        await attach.close()  # idempotent


async def test_exec_sends_argv_as_repeated_command_params(tmp_path: Path) -> None:
    async def run(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        await ws.send_bytes(b"\x01" + json.dumps(request.query.getall("command")).encode())
        await ws.send_bytes(exit_status(2))
        await ws.close()

    server = FakeServer(handler=run)
    async with fake_api(tmp_path, server) as session:
        argv = ["cat", "/proc/1/status", "a b;c"]
        backend = ExecSession(session, "ns", "p", "dbg", argv, stdin=False, tty=False)
        await backend.start(80, 24)
        assert json.loads(await read_all(backend)) == argv
        assert backend.exit == BackendExit(2, "exited", "command terminated with exit code 2")
    assert server.requests[0].path.endswith("/pods/p/exec")


@pytest.mark.parametrize(
    ("status", "pods", "message"),
    [
        (403, {}, "you may not get pods/attach in namespace ns"),
        (404, {}, "pod ns/p was deleted"),
        (
            400,
            {"p": pod("p", state={"terminated": {"exitCode": 0, "reason": "Completed"}})},
            "container dbg is not running (terminated, reason Completed, exit code 0)",
        ),
        (
            400,
            {"p": pod("p", state={"waiting": {"reason": "ImagePullBackOff"}})},
            "container dbg is not running (waiting: ImagePullBackOff)",
        ),
        (400, {"p": pod("p", stdin=False)}, "container dbg has no stdin"),
        (400, {"p": pod("p", stdin=True)}, "container dbg has no tty"),
        (400, {"p": pod("p", "other")}, "container dbg is not valid for pod p"),
    ],
)
async def test_handshake_failures_are_explained(
    tmp_path: Path, status: int, pods: dict, message: str
) -> None:
    server = FakeServer(handshake_status=status, pods=pods)
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        with pytest.raises(KubeError) as info:
            await attach.start(80, 24)
        assert message in str(info.value)


def test_decode_status_v1_text_and_success() -> None:
    assert decode_status(b"oops", protocol="channel.k8s.io").message == "oops"
    assert decode_status(b'{"metadata":{},"status":"Success"}').success
    assert decode_status(exit_status(255)[1:]).code == 255
    assert decode_status(exit_status(256)[1:]).code is None


async def test_missing_ephemeralcontainers_subresource(tmp_path: Path) -> None:
    from kdebug_tui.kube.debug import DebugRequest, build
    from kdebug_tui.kube.inject import inject

    server = FakeServer(handler=shell, pods={"p": pod("p")})
    async with fake_api(tmp_path, server) as session:
        request = DebugRequest(mode="ephemeral", namespace="ns", pod_name="p", image="busybox")
        with pytest.raises(KubeError) as info:
            await inject(session, build(request, server.pods["p"]))
    assert info.value.message == "ephemeral containers are not available on this cluster"
    patch = server.requests[-1]
    assert patch.method == "PATCH"
    assert patch.content_type == "application/strategic-merge-patch+json"


async def test_attach_ending_reads_the_real_exit_code(tmp_path: Path) -> None:
    server = FakeServer(handler=shell, pods={"p": pod("p", stdin=True, tty=True)})
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        await attach.start(80, 24)
        # The fake kubelet marks the container terminated with 7 but the stream says Success.
        server.pods["p"]["status"]["containerStatuses"][0]["state"] = {
            "terminated": {"exitCode": 7, "reason": "Error"}
        }
        await attach.write(b"exit\r")
        await read_all(attach)
        assert attach.exit == BackendExit(7, "exited", "container dbg exited with code 7 (Error)")


async def test_attach_that_ends_while_the_container_runs(tmp_path: Path) -> None:
    async def detach(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        await ws.send_bytes(SUCCESS)
        await ws.close()

    server = FakeServer(handler=detach, pods={"p": pod("p", stdin=True, tty=True)})
    async with fake_api(tmp_path, server) as session:
        attach = AttachSession(session, "ns", "p", "dbg")
        attach.settle_tries = 2
        await attach.start(80, 24)
        await read_all(attach)
        assert attach.exit is not None and attach.exit.reason == "closed"
        assert "is still running" in attach.exit.message


async def test_unreachable_server_and_hung_handshake_are_clear_errors(tmp_path: Path) -> None:
    import socket

    from kdebug_tui.kube.session import KubeSession
    from tests.kube.wsfake import write_kubeconfig

    # Nobody listens on this port: a connection error, not a traceback.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = await KubeSession.open(
        kubeconfig=str(write_kubeconfig(tmp_path / "kc1", f"http://127.0.0.1:{port}"))
    )
    try:
        with pytest.raises(KubeError) as info:
            await AttachSession(session, "ns", "p", "dbg").start(80, 24)
        assert info.value.status is None and f"127.0.0.1:{port}" in str(info.value)
    finally:
        await session.close()

    # A server that accepts the connection but never answers the upgrade: bounded wait.
    release = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    session = await KubeSession.open(
        kubeconfig=str(write_kubeconfig(tmp_path / "kc2", f"http://127.0.0.1:{port}"))
    )
    try:
        attach = AttachSession(session, "ns", "p", "dbg")
        attach._stream._connect_timeout = 0.3
        with pytest.raises(KubeError) as info:
            await attach.start(80, 24)
        assert info.value.title == "Timed out"
    finally:
        release.set()
        await session.close()
        server.close()
        await server.wait_closed()


async def test_expired_token_is_refreshed_once_for_the_websocket(tmp_path: Path) -> None:
    import json as _json

    token_file = tmp_path / "token"
    token_file.write_text("old-token")
    server = FakeServer(handler=shell, pods={"p": pod("p", stdin=True, tty=True)})

    async def picky(request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != "Bearer new-token":
            server.requests.append(request)
            return web.json_response({"kind": "Status", "code": 401}, status=401)
        return await FakeServer.stream(server, request)

    server.stream = picky  # type: ignore[method-assign]
    async with fake_api(tmp_path, server):
        # Point the session at a token file (refreshable), then let the token "expire".
        config = _json.loads((tmp_path / "fake-kubeconfig").read_text())
        config["users"][0]["user"] = {"tokenFile": str(token_file)}
        (tmp_path / "fake-kubeconfig").write_text(_json.dumps(config))
        from kdebug_tui.kube.session import KubeSession

        fresh = await KubeSession.open(kubeconfig=str(tmp_path / "fake-kubeconfig"))
        try:
            await fresh.request_json("GET", "/api/v1/namespaces/ns/pods/p")  # caches old-token
            token_file.write_text("new-token")
            attach = AttachSession(fresh, "ns", "p", "dbg")
            await attach.start(80, 24)
            assert server.requests[-1].headers["Authorization"] == "Bearer new-token"
            await attach.write(b"exit\r")
            await read_all(attach)
            assert attach.exit is not None and attach.exit.code == 0
        finally:
            await fresh.close()
    rejected = [r for r in server.requests if r.headers.get("Authorization") == "Bearer old-token"]
    assert len(rejected) == 1


async def test_output_without_tty_gets_crlf_for_the_terminal(tmp_path: Path) -> None:
    async def lines(ws: web.WebSocketResponse, request: web.Request, s: FakeServer) -> None:
        await ws.send_bytes(b"\x01one\ntwo\r")
        await ws.send_bytes(b"\x02\nthree\n")
        await ws.send_bytes(SUCCESS)
        await ws.close()

    async with fake_api(tmp_path, FakeServer(handler=lines)) as session:
        plain = AttachSession(session, "ns", "p", "dbg", stdin=True, tty=False)
        await plain.start(80, 24)
        assert await read_all(plain) == b"one\r\ntwo\r\nthree\r\n"
        output, ending = await run_command(session, "ns", "p", "dbg", ["cat"])
        assert output == b"one\ntwo\r\nthree\n"  # raw bytes for programs, not terminals
        assert ending.code == 0
