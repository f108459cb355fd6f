"""The scriptable fake backend (the PTY backend's stand-in for tests and benchmarks)."""

from __future__ import annotations

import asyncio

from kdebug_tui.term.backend import BackendExit, TerminalBackend
from kdebug_tui.term.fake_backend import FakeBackend


async def drain(backend: FakeBackend) -> bytes:
    out = b""
    while chunk := await asyncio.wait_for(backend.read(), 5):
        out += chunk
    return out


async def test_script_then_exit() -> None:
    done = BackendExit(2, "exited", "exited with code 2")
    backend = FakeBackend([b"one ", b"", b"two"], exit_after_script=done)
    assert isinstance(backend, TerminalBackend)
    await backend.start(80, 24)
    assert backend.started == (80, 24)
    assert await drain(backend) == b"one two"
    assert backend.exit == done
    assert await backend.read() == b""


async def test_echo_and_controlled_finish() -> None:
    backend = FakeBackend(echo=True)
    await backend.start(80, 24)
    pending = asyncio.ensure_future(backend.read())
    await backend.write(b"ls\r")
    assert await asyncio.wait_for(pending, 5) == b"ls\r\n"
    await backend.resize(100, 30)
    assert backend.resizes == [(100, 30)]
    backend.emit(b"last words")
    backend.finish(1)
    assert await drain(backend) == b"last words"
    assert backend.exit is not None and backend.exit.code == 1
    await backend.write(b"too late")
    assert bytes(backend.written) == b"ls\r"


async def test_flood_echoes_behind_the_bytes_in_flight() -> None:
    backend = FakeBackend(echo=True, flood_bytes=200_000, flood_chunk=4096, inflight=32_768)
    await backend.start(80, 24)
    received = bytearray()
    received += await backend.read()
    await backend.write("\u4e00".encode())
    while "\u4e00".encode() not in received:
        chunk = await asyncio.wait_for(backend.read(), 5)
        assert chunk, "stream ended before the echo"
        received += chunk
    before_echo = received.index("\u4e00".encode())
    assert before_echo >= 4096 + 32_768  # the echo waited behind the flood in flight
    backend.finish(0)
    received += await drain(backend)
    assert len(received) == 200_000 + 3  # the whole flood plus the echo, nothing lost
    assert b"\r\n" in received


async def test_close_wakes_a_pending_read() -> None:
    backend = FakeBackend()
    await backend.start(80, 24)
    pending = asyncio.ensure_future(backend.read())
    await asyncio.sleep(0)
    await backend.close()
    assert await asyncio.wait_for(pending, 5) == b""
    assert backend.exit is not None and backend.exit.reason == "closed"
