"""The real kubectl 1.32 against the sandbox: debug -it, attach -it, exec, logs -f.

Interactive kubectl needs a terminal, so it runs under a real PTY (the runtime's own
`Process`) and the test types into it like a user would.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.sandbox.processes import Process, SpawnSpec, probe_capabilities

pytestmark = pytest.mark.kubectl

CAPS = probe_capabilities()


class Terminal:
    """kubectl under a PTY: what it prints, and a way to type."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = Process(SpawnSpec(argv=argv, env=env, tty=True, stdin=True, columns=120))
        self.screen = b""
        self._more = asyncio.Event()
        self.proc.on_output = self._output
        self.proc.on_eof = self._more.set

    def _output(self, _channel: int, data: bytes) -> None:
        self.screen += data
        self._more.set()

    async def expect(self, needle: bytes, within: float = 20.0) -> None:
        try:
            async with asyncio.timeout(within):
                while needle not in self.screen:
                    if self.proc.returncode is not None and not self._more.is_set():
                        break
                    self._more.clear()
                    await self._more.wait()
        except TimeoutError:
            pass
        assert needle in self.screen, f"{needle!r} not shown; the terminal shows {self.screen!r}"

    async def type(self, text: str) -> None:
        await self.proc.write(text.encode())

    async def exit_code(self, within: float = 20.0) -> int:
        async with asyncio.timeout(within):
            return await self.proc.wait()


@pytest.fixture
async def run_tty(kubectl_path: str, kubeconfig: Path, tmp_path: Path) -> AsyncIterator[Any]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "KUBECONFIG": str(kubeconfig),
        "TERM": "xterm",
    }
    started: list[Terminal] = []

    def run(*args: str) -> Terminal:
        term = Terminal([kubectl_path, *args], env)
        term.proc.start()
        started.append(term)
        return term

    yield run
    for term in started:
        await term.proc.stop(0.5)


async def kubectl(
    kubectl_path: str, kubeconfig: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    proc = await asyncio.create_subprocess_exec(
        kubectl_path,
        "--kubeconfig",
        str(kubeconfig),
        *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin), 30)
    assert proc.returncode is not None
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), err.decode())


async def running(sandbox: Any, pod: str, container: str) -> None:
    uid = sandbox.cluster.get_pod("default", pod)["metadata"]["uid"]
    await sandbox.runtime.wait_for(uid, container, lambda s: "waiting" not in s.state, 20)


@pytest.mark.skipif(not CAPS.pid_namespaces, reason=f"no PID namespaces: {CAPS.reason}")
async def test_kubectl_debug_it_with_target_reaches_a_live_shell(
    run_tty: Any, sandbox: Any
) -> None:
    term = run_tty("debug", "web-distroless", "-it", "--image=busybox:1.36", "--target=app",
                   "-c", "dbg1")  # fmt: skip
    await term.expect(b"If you don't see a command prompt")
    await term.type("echo count=$(ps -eo pid,args | grep -c '[w]eb[.]py') $((6*7))-done\r")
    await term.expect(b"count=1 42-done")
    await term.type("exit\r")
    assert await term.exit_code() == 0
    pod = sandbox.cluster.get_pod("default", "web-distroless")
    statuses = {s["name"]: s for s in pod["status"]["ephemeralContainerStatuses"]}
    assert "terminated" in statuses["dbg1"]["state"]


async def test_kubectl_attach_it_twice_to_a_running_debug_container(
    run_tty: Any, sandbox: Any, kubectl_path: str, kubeconfig: Path
) -> None:
    made = await kubectl(kubectl_path, kubeconfig, "debug", "web-distroless", "-it",
                         "--attach=false", "--image=busybox:1.36", "-c", "shell1")  # fmt: skip
    assert made.returncode == 0, made.stderr
    await running(sandbox, "web-distroless", "shell1")
    first = run_tty("attach", "-it", "web-distroless", "-c", "shell1")
    await first.expect(b"If you don't see a command prompt")
    await first.type("echo first-$((1+1))\r")
    await first.expect(b"first-2")
    await first.proc.stop(0.5)  # the user closes the terminal; the shell keeps running
    second = run_tty("attach", "-it", "web-distroless", "-c", "shell1")
    await second.expect(b"If you don't see a command prompt")
    await second.type("stty size; echo second-$((2+2))\r")
    await second.expect(b"second-4")
    assert b"24 120" in second.screen  # kubectl passed its terminal's size through resize
    await second.type("exit 3\r")
    await second.exit_code()
    pod = sandbox.cluster.get_pod("default", "web-distroless")
    statuses = {s["name"]: s for s in pod["status"]["ephemeralContainerStatuses"]}
    assert statuses["shell1"]["state"]["terminated"]["exitCode"] == 3


async def test_kubectl_exec_sh_in_distroless_fails_like_containerd(
    sandbox: Any, kubectl_path: str, kubeconfig: Path
) -> None:
    await running(sandbox, "web-distroless", "app")
    await running(sandbox, "multi", "sidecar")
    done = await kubectl(kubectl_path, kubeconfig, "exec", "web-distroless", "--", "sh")
    assert done.returncode != 0
    assert done.stderr.startswith("error: Internal error occurred: error executing command in")
    assert done.stderr.rstrip().endswith(
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": '
        "executable file not found in $PATH: unknown"
    )
    ok = await kubectl(kubectl_path, kubeconfig, "exec", "multi", "-c", "sidecar", "--",
                       "sh", "-c", "echo out; echo err >&2; exit 3")  # fmt: skip
    assert (ok.stdout, ok.returncode) == ("out\n", 3)
    assert ok.stderr == "err\ncommand terminated with exit code 3\n"


async def test_kubectl_logs_follow_ends_with_the_container(
    sandbox: Any, kubectl_path: str, kubeconfig: Path
) -> None:
    script = "for i in 1 2 3; do echo line $i; sleep 0.2; done"
    made = await kubectl(kubectl_path, kubeconfig, "debug", "web-distroless",
                         "--attach=false", "--image=busybox:1.36", "-c", "logger",
                         "--", "sh", "-c", script)  # fmt: skip
    assert made.returncode == 0, made.stderr
    await running(sandbox, "web-distroless", "logger")
    follow = await kubectl(kubectl_path, kubeconfig, "logs", "-f", "web-distroless", "-c", "logger")
    assert follow.stdout == "line 1\nline 2\nline 3\n"
    assert follow.returncode == 0


@pytest.mark.skipif(not CAPS.pid_namespaces, reason=f"no PID namespaces: {CAPS.reason}")
async def test_kubectl_debug_copy_to_with_shared_processes(run_tty: Any, sandbox: Any) -> None:
    term = run_tty("debug", "web-distroless", "-it", "--copy-to=web-copy", "--image=busybox:1.36",
                   "--share-processes", "-c", "dbg", "--", "sh")  # fmt: skip
    await term.expect(b"If you don't see a command prompt")
    await term.type(
        "echo n=$(ps -eo args | grep -c -e '[w]eb[.]py' -e '[p]ause[.]py') $(hostname)\r"
    )
    await term.expect(b"n=2 web-copy")
    await term.type("exit\r")
    assert await term.exit_code() == 0


@pytest.mark.skipif(not CAPS.host_mount, reason=f"no /host bind mounts: {CAPS.reason}")
async def test_kubectl_debug_node_sees_the_host_at_host(
    run_tty: Any, sandbox: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "node-marker"
    marker.write_text("x")
    term = run_tty("debug", "node/sandbox-node-1", "-it", "--image=busybox:1.36",
                   "--profile=sysadmin")  # fmt: skip
    await term.expect(b"If you don't see a command prompt")
    await term.type(f"test -e /host{marker} && echo found-$((1+1))\r")
    await term.expect(b"found-2")
    await term.type("exit\r")
    assert await term.exit_code() == 0


async def test_kubectl_exec_i_with_piped_stdin_half_closes(
    sandbox: Any, kubectl_path: str, kubeconfig: Path
) -> None:
    """kubectl (v5) sends [255, 0] at the end of its stdin: `cat` sees EOF and exits."""
    # Not before the sidecar runs: kubectl would fall back to SPDY after the websocket's 400,
    # and report the sandbox's "Upgrade request required" instead of the real reason.
    await running(sandbox, "multi", "sidecar")
    data = b"".join(f"line {i}\n".encode() for i in range(2000))
    done = await kubectl(kubectl_path, kubeconfig, "exec", "-i", "multi", "-c", "sidecar",
                         "--", "sh", "-c", "cat; echo eof-seen", stdin=data)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == data.decode() + "eof-seen\n"
