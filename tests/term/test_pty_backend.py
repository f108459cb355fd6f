"""A real program under a real PTY, driven through the TerminalBackend protocol."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from kdebug_tui.term.backend import TerminalBackend
from kdebug_tui.term.pty_backend import PtyBackend

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="PTY tests need Linux")


async def read_until(backend: PtyBackend, needle: bytes, limit: float = 10.0) -> bytes:
    """Collect output until `needle` appears; fail with what was seen on timeout or EOF."""
    seen = b""

    async def collect() -> bytes:
        nonlocal seen
        while needle not in seen:
            chunk = await backend.read()
            if not chunk:
                raise AssertionError(f"stream ended before {needle!r}; saw {seen!r}")
            seen += chunk
        return seen

    try:
        return await asyncio.wait_for(collect(), limit)
    except TimeoutError:
        raise AssertionError(f"no {needle!r} within {limit}s; saw {seen!r}") from None


async def read_to_end(backend: PtyBackend, limit: float = 10.0) -> bytes:
    seen = b""

    async def collect() -> bytes:
        nonlocal seen
        while chunk := await backend.read():
            seen += chunk
        return seen

    try:
        return await asyncio.wait_for(collect(), limit)
    except TimeoutError:
        raise AssertionError(f"stream did not end within {limit}s; saw {seen!r}") from None


async def wait_for_exit(pid: int, limit: float) -> None:
    """Wait until `pid` has terminated (a pidfd turns readable), not by polling."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    ended = loop.create_future()

    def readable() -> None:
        if not ended.done():
            ended.set_result(None)

    loop.add_reader(pidfd, readable)
    try:
        await asyncio.wait_for(ended, limit)
    except TimeoutError:
        raise AssertionError(f"process {pid} still alive {limit}s after close()") from None
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)


def test_pty_backend_satisfies_the_protocol() -> None:
    assert isinstance(PtyBackend(["true"]), TerminalBackend)


def test_shell_strings_are_refused() -> None:
    with pytest.raises(ValueError):
        PtyBackend("echo hi; rm -rf /")


async def test_read_write_and_exit_code() -> None:
    backend = PtyBackend(["sh", "-c", "echo ready; read x; echo got:$x; exit 3"])
    await backend.start(80, 24)
    try:
        await read_until(backend, b"ready")
        await backend.write(b"hello\r")
        rest = await read_to_end(backend)
        assert b"got:hello" in rest
        assert backend.exit is not None
        assert (backend.exit.code, backend.exit.reason) == (3, "exited")
        assert "3" in backend.exit.message
    finally:
        await backend.close()


async def test_ctrl_c_reaches_the_foreground_job_through_the_tty() -> None:
    # The program arms the default SIGINT action before saying "ready", so the ^C cannot race
    # its start-up; only a tty whose line discipline signals the foreground job can kill it.
    script = (
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n"
        "print('not-interrupted')\n"
    )
    backend = PtyBackend([sys.executable, "-c", script])
    await backend.start(80, 24)
    try:
        await read_until(backend, b"ready")
        await backend.write(b"\x03")
        rest = await read_to_end(backend)
        assert b"not-interrupted" not in rest
        assert backend.exit is not None
        assert backend.exit.code == 130  # 128 + SIGINT: the line discipline sent the signal
    finally:
        await backend.close()


async def test_initial_size_and_resize_deliver_sigwinch() -> None:
    # SIGWINCH is blocked and taken with sigwaitinfo: a Python-level handler runs only
    # between bytecodes, so a signal landing just before a blocking read() (the old
    # `sys.stdin.readline()`) waited for that read forever; a pending blocked signal is kept.
    script = (
        "import os, signal\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGWINCH})\n"
        "def show():\n"
        "    size = os.get_terminal_size(0)\n"
        "    print(f'size={size.columns}x{size.lines}', flush=True)\n"
        "show()\n"
        "while True:\n"
        "    signal.sigwaitinfo({signal.SIGWINCH})\n"
        "    show()\n"
    )
    backend = PtyBackend([sys.executable, "-c", script])
    await backend.start(100, 30)
    try:
        await read_until(backend, b"size=100x30")
        await backend.resize(132, 43)
        await read_until(backend, b"size=132x43")
        await backend.resize(0, -5)  # clamped to 1x1, never an error
        await read_until(backend, b"size=1x1")
    finally:
        await backend.close()


async def test_close_kills_the_whole_process_group() -> None:
    backend = PtyBackend(["sh", "-c", "sleep 60 & echo bg=$!; wait"])
    await backend.start(80, 24)
    out = await read_until(backend, b"\n")
    pid = int(out.split(b"bg=")[1].split()[0])
    pending_read = asyncio.ensure_future(backend.read())
    await backend.close()
    assert await asyncio.wait_for(pending_read, 5) == b""  # a pending read ends, no hang
    assert backend.exit is not None and backend.exit.reason == "closed"

    await wait_for_exit(pid, 5)
    await backend.close()  # idempotent
    assert await backend.read() == b""
    await backend.write(b"ignored")  # after close: no error


async def test_missing_program_raises_clearly() -> None:
    backend = PtyBackend(["/nonexistent/program-kdebug"])
    with pytest.raises(FileNotFoundError):
        await backend.start(80, 24)
    await backend.close()
    assert backend.exit is not None


async def test_a_program_that_hangs_up_but_lives_on_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import kdebug_tui.term.pty_backend as pty_backend

    monkeypatch.setattr(pty_backend, "EXIT_WAIT", 0.2)
    # Redirect the shell's own stdio away from the tty, keep sleeping: the tty hangs up
    # while the process is still alive.
    script = "echo bye; exec sleep 30 </dev/null >/dev/null 2>&1"
    backend = PtyBackend(["sh", "-c", script])
    await backend.start(80, 24)
    try:
        rest = await read_to_end(backend)
        assert b"bye" in rest
        assert backend.exit is not None
        assert backend.exit.reason == "closed"
        assert "closed its terminal" in backend.exit.message
    finally:
        await backend.close()
