"""PID and mount namespaces: what `ps` and /proc show inside sandbox containers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kdebug_tui.sandbox.logs import read_log
from kdebug_tui.sandbox.processes import probe_capabilities
from kdebug_tui.sandbox.runtime import ContainerRuntime
from tests.sandbox.runtime_support import (
    is_running,
    is_terminated,
    launch,
    read_until,
    recorder,
    runtime,
)

__all__ = ["recorder", "runtime"]

CAPS = probe_capabilities()
needs_pid_ns = pytest.mark.skipif(
    not CAPS.pid_namespaces, reason=f"no PID namespaces here: {CAPS.reason}"
)
needs_host_mount = pytest.mark.skipif(
    not CAPS.host_mount, reason=f"no /host bind mounts here: {CAPS.reason}"
)

APP = ["sleep", "4242.5"]


async def output_of(runtime: ContainerRuntime, name: str) -> str:
    await runtime.wait_for("uid-1", name, is_terminated)
    path = runtime.log_path("uid-1", name)
    assert path is not None
    return read_log(path).decode()


@needs_pid_ns
async def test_each_container_has_its_own_pid_namespace(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", command=APP))
    await runtime.wait_for("uid-1", "app", is_running)
    await runtime.start(launch("other", command=["ps", "-eo", "pid,args"]))
    out = await output_of(runtime, "other")
    assert "sleep 4242.5" not in out
    assert out.splitlines()[1].split()[0] == "1"  # ps itself is PID 1 of its namespace


@needs_pid_ns
async def test_ephemeral_with_target_sees_the_targets_processes(
    runtime: ContainerRuntime,
) -> None:
    await runtime.start(launch("app", command=APP))
    await runtime.wait_for("uid-1", "app", is_running)
    target_pid = runtime.pid_of("uid-1", "app")
    assert target_pid is not None and target_pid > 1
    script = "ps -eo pid,args; ls /proc/1/root/ >/dev/null && echo root-ok"
    await runtime.start(
        launch("debugger", kind="ephemeral", target_container="app", command=["sh", "-c", script])
    )
    out = await output_of(runtime, "debugger")
    lines = out.splitlines()
    assert any(line.split()[:1] == ["1"] and "sleep 4242.5" in line for line in lines), out
    assert "root-ok" in out
    # without --target the debugger sees only itself
    await runtime.start(launch("lonely", kind="ephemeral", command=["ps", "-eo", "args"]))
    assert "sleep 4242.5" not in await output_of(runtime, "lonely")


@needs_pid_ns
async def test_interactive_debug_shell_with_target(runtime: ContainerRuntime) -> None:
    """What `kubectl debug -it --target=app` gives: a live shell that sees the target."""
    await runtime.start(launch("app", command=APP))
    await runtime.wait_for("uid-1", "app", is_running)
    await runtime.start(
        launch("dbg", kind="ephemeral", target_container="app", stdin=True, tty=True)
    )
    await runtime.wait_for("uid-1", "dbg", is_running)
    shell = await runtime.attach("uid-1", "dbg")
    await shell.write(b"echo count=$(ps -eo pid,args | grep -c 'sleep 4242[.]5')\n")
    await read_until(shell, b"count=1")
    await shell.write(b"exit 0\n")
    state = await runtime.wait_for("uid-1", "dbg", is_terminated)
    assert state.state["terminated"]["exitCode"] == 0  # a clean exit, not a tty error


@needs_pid_ns
async def test_share_process_namespace_pod(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", command=APP, share_process_namespace=True))
    await runtime.wait_for("uid-1", "app", is_running)
    await runtime.start(
        launch("side", command=["ps", "-eo", "pid,args"], share_process_namespace=True)
    )
    out = await output_of(runtime, "side")
    assert "sleep 4242.5" in out
    assert "pause.py" in out.splitlines()[1]  # PID 1 is the pod's pause process


@needs_pid_ns
async def test_exec_runs_inside_the_containers_namespace(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", command=APP))
    await runtime.wait_for("uid-1", "app", is_running)
    handle = await runtime.exec("uid-1", "app", ["ps", "-eo", "pid,args"], tty=False, stdin=False)
    out = b""
    while (item := await handle.read()) is not None:
        out += item[1]
    assert await handle.wait() == 0
    first = out.decode().splitlines()[1]
    assert first.split()[0] == "1" and "sleep 4242.5" in first


@needs_host_mount
async def test_node_pod_sees_the_host_filesystem_at_host(
    runtime: ContainerRuntime, tmp_path: Path
) -> None:
    marker = tmp_path / "host-marker.txt"
    marker.write_text("on the host\n")
    await runtime.start(
        launch(
            "debugger",
            host_pid=True,
            host_root_mount="/host",
            command=["cat", f"/host{marker}"],
        )
    )
    assert await output_of(runtime, "debugger") == "on the host\n"
    # the bind mount is private to the container: the host's /host stays empty
    assert not _exists(f"/host{marker}")


def _exists(path: str) -> bool:
    return Path(path).exists()


@needs_pid_ns
async def test_host_pid_sees_host_processes(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("node", host_pid=True, command=["cat", "/proc/1/cmdline"]))
    out = await output_of(runtime, "node")
    assert "pause" not in out and out  # the machine's own PID 1, not a container's


@needs_pid_ns
async def test_hostname_is_the_pod_name(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", command=APP, pod_name="web-7f9c"))
    await runtime.wait_for("uid-1", "app", is_running)
    await runtime.start(
        launch("dbg", kind="ephemeral", target_container="app", command=["hostname"],
               pod_name="web-7f9c")
    )  # fmt: skip
    assert await output_of(runtime, "dbg") == "web-7f9c\n"
    handle = await runtime.exec("uid-1", "app", ["hostname"], tty=False, stdin=False)
    assert await handle.read() == (1, b"web-7f9c\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="a UTS namespace without a PID one needs root")
@needs_pid_ns
async def test_host_network_pods_are_named_after_the_node(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("node", host_pid=True, host_network=True, command=["sleep", "30"]))
    await runtime.wait_for("uid-1", "node", is_running)
    pid = runtime.pid_of("uid-1", "node")
    assert pid is not None
    # the command line as the pod spec wrote it (busybox's sleep, found on the image's PATH)
    assert _read(f"/proc/{pid}/cmdline") == b"sleep\x0030\x00"
    handle = await runtime.exec("uid-1", "node", ["hostname"], tty=False, stdin=False)
    out = b""
    while (item := await handle.read()) is not None:
        out += item[1]
    assert out == b"sandbox-node-1\n"


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


@needs_host_mount
async def test_exec_into_a_node_pod_sees_host(runtime: ContainerRuntime, tmp_path: Path) -> None:
    marker = tmp_path / "exec-marker.txt"
    marker.write_text("seen through exec\n")
    await runtime.start(
        launch("node", host_pid=True, host_root_mount="/host", command=["sleep", "30"])
    )
    await runtime.wait_for("uid-1", "node", is_running)
    handle = await runtime.exec("uid-1", "node", ["cat", f"/host{marker}"], tty=False, stdin=False)
    out = b""
    while (item := await handle.read()) is not None:
        out += item[1]
    assert out == b"seen through exec\n"
    assert await handle.wait() == 0
