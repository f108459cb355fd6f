"""Without namespaces (not root, no util-linux): containers still run, unisolated, and the
runtime still cleans up after itself. Forced here by turning the capabilities off."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kdebug_tui.sandbox.logs import read_log
from kdebug_tui.sandbox.processes import RuntimeCapabilities
from kdebug_tui.sandbox.runtime import ContainerRuntime
from tests.sandbox.runtime_support import (
    FAST,
    Recorder,
    is_running,
    is_terminated,
    launch,
    leftovers,
    read_until,
)


@pytest.fixture
async def bare(tmp_path: Path) -> AsyncIterator[ContainerRuntime]:
    rt = ContainerRuntime(tmp_path, Recorder(), timings=FAST)
    rt.capabilities = RuntimeCapabilities(False, False, "forced off by the test")
    try:
        yield rt
    finally:
        await rt.close()
        assert leftovers(rt) == []


async def test_containers_run_without_namespaces(bare: ContainerRuntime) -> None:
    await bare.start(launch("app", command=["sleep", "60"]))
    await bare.wait_for("uid-1", "app", is_running)
    pid = bare.pid_of("uid-1", "app")
    assert pid is not None
    cmdline = _read(f"/proc/{pid}/cmdline")
    assert cmdline == b"sleep\x0060\x00", (cmdline, _read(f"/proc/{pid}/status")[:200])
    assert os.readlink(f"/proc/{pid}/ns/pid") == os.readlink("/proc/self/ns/pid")
    await bare.start(launch("dbg", kind="ephemeral", target_container="app",
                            command=["cat", f"/proc/{pid}/cmdline"]))  # fmt: skip
    await bare.wait_for("uid-1", "dbg", is_terminated)
    path = bare.log_path("uid-1", "dbg")
    assert path is not None and read_log(path) == b"sleep\x0060\x00\n"


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


async def test_tty_shell_and_exit_code_without_namespaces(bare: ContainerRuntime) -> None:
    await bare.start(launch("sh", stdin=True, tty=True))
    await bare.wait_for("uid-1", "sh", is_running)
    shell = await bare.attach("uid-1", "sh")
    await shell.write(b"sleep 4321 & echo started-$((1+1))\n")
    await read_until(shell, b"started-2")
    await shell.write(b"exit 5\n")
    state = await bare.wait_for("uid-1", "sh", is_terminated)
    assert state.state["terminated"]["exitCode"] == 5


async def test_stop_kills_background_jobs_without_namespaces(bare: ContainerRuntime) -> None:
    await bare.start(launch("bg", command=["sh", "-c", "sleep 4322.5 & sleep 4322.5 & wait"]))
    await bare.wait_for("uid-1", "bg", is_running)
    handle = await bare.exec("uid-1", "bg", ["sleep", "4322.5"], tty=True, stdin=True)
    assert handle.tty
    await bare.stop_pod("uid-1", grace_seconds=0.2)
    state = bare.state("uid-1", "bg")
    assert state is not None and state.state["terminated"]["exitCode"] == 143
    assert leftovers(bare) == []


async def test_unshare_noise_is_dropped_even_in_pieces() -> None:
    """util-linux 2.38's unshare writes its complaint in several writes; only that line
    goes, and only after the runtime itself sent SIGKILL."""
    from kdebug_tui.sandbox.processes import Process, SpawnSpec

    proc = Process(SpawnSpec(argv=["true"], env={}))
    proc._killed = True
    assert proc._without_noise(5, b"/ # unshare: ") == b"/ # "
    assert proc._without_noise(5, b"sigprocmask unblock failed: Invalid argument\r\n") == b""
    assert proc._without_noise(5, b"unshare: ") == b""
    assert proc._without_noise(5, b"something else\n") == b"unshare: something else\n"
