"""ContainerRuntime: real processes, kubelet-like states, logs, restarts and cleanup."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

import pytest

from kdebug_tui.sandbox.images import pull_error_message, resolve
from kdebug_tui.sandbox.logs import follow_log, read_log
from kdebug_tui.sandbox.runtime import ContainerRuntime, RuntimeFailure
from tests.conftest import load_fixture
from tests.sandbox.runtime_support import (
    FAST,
    Recorder,
    is_running,
    is_terminated,
    launch,
    leftovers,
    read_until,
    recorder,
    runtime,
    waiting_reason,
)

__all__ = ["recorder", "runtime"]  # fixtures


async def test_states_move_like_a_kubelet_and_output_is_logged(
    runtime: ContainerRuntime, recorder: Recorder
) -> None:
    cmd = ["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"]
    await runtime.start(launch("app", command=cmd))
    state = await runtime.wait_for("uid-1", "app", is_terminated)

    assert recorder.reasons("app") == ["ContainerCreating", "running", "Error"]
    term = state.state["terminated"]
    assert term["exitCode"] == 3 and term["reason"] == "Error"
    assert term["containerID"] == state.container_id
    assert state.container_id.startswith("containerd://") and len(state.container_id) == 77
    assert term["startedAt"] <= term["finishedAt"]
    running = recorder.states("app")[1]["running"]
    assert running["startedAt"] == term["startedAt"]
    assert state.image == "docker.io/library/busybox:1.36"
    assert state.image_id.startswith("docker.io/library/busybox@sha256:")
    assert not state.ready and state.restart_count == 0

    path = runtime.log_path("uid-1", "app")
    assert path is not None
    raw = path.read_text().splitlines()
    assert raw[0].endswith(" stdout F to-stdout") and raw[1].endswith(" stderr F to-stderr")
    assert read_log(path) == b"to-stdout\nto-stderr\n"
    stamped = read_log(path, timestamps=True, tail_lines=1).decode()
    assert stamped.endswith("Z to-stderr\n") and stamped.startswith("20")


async def test_success_is_completed_and_ready_while_running(
    runtime: ContainerRuntime, recorder: Recorder
) -> None:
    await runtime.start(launch("app", command=["sh", "-c", "read x; echo got $x"], stdin=True))
    running = await runtime.wait_for("uid-1", "app", is_running)
    assert running.ready and running.started
    handle = await runtime.attach("uid-1", "app")
    await handle.write(b"hello\n")
    assert b"got hello" in await read_until(handle, b"got hello")
    state = await runtime.wait_for("uid-1", "app", is_terminated)
    assert state.state["terminated"]["reason"] == "Completed"
    assert state.state["terminated"]["exitCode"] == 0
    assert not state.ready and not state.started


async def test_missing_executable_is_start_error_128(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", command=["xyz-no-such-tool", "--flag"]))
    state = await runtime.wait_for("uid-1", "app", is_terminated)
    term = state.state["terminated"]
    assert term["exitCode"] == 128 and term["reason"] == "StartError"
    assert term["message"] == (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        "failed: runc create failed: unable to start container process: exec: "
        '"xyz-no-such-tool": executable file not found in $PATH: unknown'
    )
    assert term["startedAt"] == "1970-01-01T00:00:00Z"


async def test_distroless_image_has_no_shell(runtime: ContainerRuntime) -> None:
    await runtime.start(launch("app", "kdebug.local/distroless-web:1.0", command=["sh"]))
    state = await runtime.wait_for("uid-1", "app", is_terminated)
    assert state.state["terminated"]["reason"] == "StartError"
    assert 'exec: "sh": executable file not found in $PATH' in state.state["terminated"]["message"]


async def test_unknown_image_never_runs(runtime: ContainerRuntime, recorder: Recorder) -> None:
    await runtime.start(launch("app", "nope"))
    await runtime.wait_for("uid-1", "app", waiting_reason("ImagePullBackOff"))
    await runtime.wait_for("uid-1", "app", waiting_reason("ErrImagePull"))  # retried
    states = recorder.states("app")
    assert all("waiting" in s for s in states)
    pull = next(s["waiting"] for s in states if s["waiting"]["reason"] == "ErrImagePull")
    assert pull["message"] == (
        'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/'
        'nope:latest": failed to resolve reference "docker.io/library/nope:latest": pull access '
        "denied, repository does not exist or may require authorization: server message: "
        "insufficient_scope: authorization failed"
    )
    back = next(s["waiting"] for s in states if s["waiting"]["reason"] == "ImagePullBackOff")
    assert back["message"] == 'Back-off pulling image "nope"'
    state = runtime.state("uid-1", "app")
    assert state is not None and state.container_id == "" and state.image_id == ""
    with pytest.raises(RuntimeFailure):
        await runtime.attach("uid-1", "app")


def test_pull_error_text_matches_the_recorded_kubelet() -> None:
    pod = load_fixture("pod-with-ephemeral-containers.json")
    bad = next(
        s for s in pod["status"]["ephemeralContainerStatuses"] if s["name"] == "dbg-badimage"
    )
    assert pull_error_message(bad["image"]) == bad["state"]["waiting"]["message"]
    assert resolve("busybox").resolved == "docker.io/library/busybox:latest"
    shells = ["alpine:3.20", "nicolaka/netshoot", "ubuntu", "debian:12", "openjdk:21",
              "eclipse-temurin:21", "mcr.microsoft.com/openjdk/jdk:21-ubuntu"]  # fmt: skip
    for shell in shells:
        assert resolve(shell).kind == "shell", shell
    # only what the catalogue has: another tag or a mirror does not exist
    for absent in ("busybox:nope", "gcr.io/mirror/openjdk:17", "registry.example/team/jdk:1"):
        assert resolve(absent).kind == "missing", absent
    assert resolve("kdebug.local/distroless-web:1.0").kind == "program"
    assert resolve("kdebug.local/nothing").kind == "missing"
    assert resolve("nginx").kind == "missing"


async def test_run_as_non_root_with_a_root_image(runtime: ContainerRuntime) -> None:
    pod = load_fixture("pod-with-ephemeral-containers.json")
    recorded = next(
        s for s in pod["status"]["ephemeralContainerStatuses"] if s["name"] == "dbg-restricted"
    )
    uid = pod["metadata"]["uid"]
    await runtime.start(
        launch("dbg-restricted", kind="ephemeral", run_as_non_root=True, pod_uid=uid)
    )
    state = await runtime.wait_for(
        uid, "dbg-restricted", waiting_reason("CreateContainerConfigError")
    )
    assert state.state == recorded["state"]
    if os.geteuid() != 0:
        return  # runAsUser needs root to switch users
    # with a non-root user the same container runs
    await runtime.start(
        launch("dbg-user", kind="ephemeral", run_as_non_root=True, run_as_user=1000,
               command=["id", "-u"])
    )  # fmt: skip
    await runtime.wait_for("uid-1", "dbg-user", is_terminated)
    path = runtime.log_path("uid-1", "dbg-user")
    assert path is not None and read_log(path) == b"1000\n"


async def test_restart_keeps_last_state_and_previous_log(runtime: ContainerRuntime) -> None:
    cmd = ["sh", "-c", 'echo "run $(cat /proc/sys/kernel/random/uuid)"; exit 1']  # no date %N
    await runtime.start(launch("worker", command=cmd))
    first = await runtime.wait_for("uid-1", "worker", is_terminated)
    first_log = runtime.log_path("uid-1", "worker")
    assert first_log is not None
    await runtime.restart("uid-1", "worker", backoff_seconds=0.2)
    backoff = await runtime.wait_for("uid-1", "worker", waiting_reason("CrashLoopBackOff"))
    assert backoff.restart_count == 1
    assert backoff.last_state == {"terminated": first.state["terminated"]}
    assert backoff.state["waiting"]["message"] == (
        "back-off 200ms restarting failed container=worker pod=demo_default(uid-1)"
    )
    # while backing off, both `logs` and `logs --previous` mean the run that just ended
    assert runtime.log_path("uid-1", "worker") == first_log
    assert runtime.log_path("uid-1", "worker", previous=True) == first_log
    second = await runtime.wait_for(
        "uid-1", "worker", lambda s: is_terminated(s) and s.restart_count == 1
    )
    assert second.container_id != first.container_id
    assert second.last_state["terminated"]["containerID"] == first.container_id
    previous = runtime.log_path("uid-1", "worker", previous=True)
    current = runtime.log_path("uid-1", "worker")
    assert previous == first_log and current is not None and current != previous
    assert read_log(previous) != read_log(current)
    # the API server's way: start() again with the same launch restarts it too
    await runtime.start(launch("worker", command=cmd))
    third = await runtime.wait_for(
        "uid-1", "worker", lambda s: is_terminated(s) and s.restart_count == 2
    )
    assert third.last_state["terminated"]["containerID"] == second.container_id


async def test_follow_log_streams_until_the_container_ends(runtime: ContainerRuntime) -> None:
    script = "read go; echo one; read go; echo two; read go; echo three"
    await runtime.start(launch("app", command=["sh", "-c", script], stdin=True))
    await runtime.wait_for("uid-1", "app", is_running)
    writer = runtime.log_writer("uid-1", "app")
    assert writer is not None
    handle = await runtime.attach("uid-1", "app")
    await handle.write(b"\n")
    await read_until(handle, b"one")
    got: list[bytes] = []

    async def follow() -> None:
        async for chunk in follow_log(writer):
            got.append(chunk)

    task = asyncio.create_task(follow())
    await handle.write(b"\n")
    await read_until(handle, b"two")
    await handle.write(b"\n")
    await asyncio.wait_for(task, 10)
    assert b"".join(got) == b"one\ntwo\nthree\n"


async def test_demo_programs(runtime: ContainerRuntime) -> None:
    await runtime.start(
        launch("web", "kdebug.local/distroless-web:1.0", env={"HEARTBEAT_SECONDS": "0.1"})
    )
    await runtime.start(launch("worker", "kdebug.local/worker:1.0", env={"CRASH_AFTER": "0.1"}))
    await runtime.start(launch("job", "kdebug.local/job:1.0", env={"STEP_SECONDS": "0"}))
    await runtime.wait_for("uid-1", "web", is_running)
    handle = await runtime.attach("uid-1", "web")
    out = await read_until(handle, b"heartbeat 1")
    url = out.split(b"listening on ")[1].split()[0].decode()
    reader, writer = await asyncio.open_connection(*url.removeprefix("http://").split(":"))
    writer.write(b"GET /healthz HTTP/1.0\r\n\r\n")
    assert (await reader.read()).startswith(b"HTTP/1.0 200")
    writer.close()
    assert b'"GET /healthz HTTP/1.0" 200' in await read_until(handle, b"/healthz")
    worker = await runtime.wait_for("uid-1", "worker", is_terminated)
    assert worker.state["terminated"]["exitCode"] == 1
    job = await runtime.wait_for("uid-1", "job", is_terminated)
    assert job.state["terminated"]["reason"] == "Completed"
    path = runtime.log_path("uid-1", "job")
    assert path is not None and read_log(path).endswith(b"report generated\n")
    await runtime.stop_pod("uid-1", grace_seconds=5)
    web = runtime.state("uid-1", "web")
    web_log = runtime.log_path("uid-1", "web")
    assert web is not None and web_log is not None
    assert web.state["terminated"]["exitCode"] == 0, read_log(web_log)  # clean SIGTERM exit


async def test_close_leaves_nothing_running(tmp_path: Path) -> None:
    fds_before = _open_fds()
    rt = ContainerRuntime(tmp_path, Recorder())
    marker = "987654.25"
    # background jobs, a job-control shell on a PTY, a TERM-ignoring loop, and an exec
    await rt.start(launch("bg", command=["sh", "-c", f"sleep {marker} & sleep {marker} & wait"]))
    await rt.start(launch("tty", stdin=True, tty=True))
    await rt.start(launch("stubborn", command=["sh", "-c", f"trap '' TERM; sleep {marker}"]))
    for name in ("bg", "tty", "stubborn"):
        await rt.wait_for("uid-1", name, is_running)
    shell = await rt.attach("uid-1", "tty")
    await shell.write(f"sleep {marker} &\n".encode())
    await read_until(shell, b"\n")
    handle = await rt.exec("uid-1", "bg", ["sleep", marker], tty=False, stdin=False)
    assert handle is not None
    async with asyncio.timeout(10):  # the shells have forked all their children
        while _count(marker) < 5:  # noqa: ASYNC110 - /proc has no event to await
            await asyncio.sleep(0.01)
    await rt.close()
    assert leftovers(rt) == []
    assert _count(marker) == 0
    assert _open_fds() - fds_before == set(), "file descriptors left open"


def _open_fds() -> set[str]:
    """This process's open files (what each fd points at: pipes, PTYs, logs, pidfds)."""
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            out.add(f"{fd} -> {os.readlink(f'/proc/self/fd/{fd}')}")
    return out


def _count(marker: str) -> int:
    """Live processes whose command line holds `marker` (zombies have none)."""
    found = 0
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            found += marker.encode() in path.read_bytes()
    return found


ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import asyncio, sys, tempfile
from pathlib import Path
from kdebug_tui.sandbox.runtime import ContainerRuntime
from tests.sandbox.runtime_support import launch

async def main():
    rt = ContainerRuntime(Path(tempfile.mkdtemp()), lambda *a: None)
    await rt.start(launch("app", command=["sleep", "600"]))
    await rt.start(launch("tty", stdin=True, tty=True))
    for name in ("app", "tty"):
        await rt.wait_for("uid-1", name, lambda s: "running" in s.state)
    print(rt.pid_of("uid-1", "app"), rt.pid_of("uid-1", "tty"), flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


async def test_containers_die_with_a_killed_sandbox(tmp_path: Path) -> None:
    """A sandbox killed without closing (SIGKILL) must not leave its containers behind."""
    root = ROOT
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, cwd=root, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(root), os.environ.get("PYTHONPATH")) if p)},
    )  # fmt: skip
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    pids = [int(p) for p in line.split()]
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    proc.kill()
    await proc.wait()
    async with asyncio.timeout(10):
        while any(_alive(p) for p in pids):  # noqa: ASYNC110 - /proc has no event to await
            await asyncio.sleep(0.01)


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie awaiting its reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :].split()[0] != b"Z"


async def test_kubelet_events(tmp_path: Path) -> None:
    events: list[tuple[str, str, str, str]] = []
    rt = ContainerRuntime(
        tmp_path, Recorder(), on_event=lambda _u, n, t, r, m: events.append((n, t, r, m)),
        timings=FAST,
    )  # fmt: skip
    try:
        await rt.start(launch("a", "busybox:1.36", command=["true"]))
        await rt.wait_for("uid-1", "a", is_terminated)
        await rt.start(launch("b", "busybox:1.36", command=["sleep", "60"]))
        await rt.wait_for("uid-1", "b", is_running)
        await rt.start(launch("bad", "nope"))
        await rt.wait_for("uid-1", "bad", waiting_reason("ImagePullBackOff"))
        await rt.stop_pod("uid-1", grace_seconds=0.1)
    finally:
        await rt.close()

    def of(name: str) -> list[tuple[str, str, str]]:
        return [(t, r, m) for n, t, r, m in events if n == name]

    a = of("a")
    assert [(t, r) for t, r, _ in a] == [
        ("Normal", "Pulling"), ("Normal", "Pulled"), ("Normal", "Created"), ("Normal", "Started")
    ]  # fmt: skip
    assert a[0][2] == 'Pulling image "busybox:1.36"'
    assert a[1][2].startswith('Successfully pulled image "busybox:1.36" in ')
    assert a[1][2].endswith("ms")
    assert a[2][2] == "Created container a" and a[3][2] == "Started container a"
    assert of("b")[0] == (
        "Normal", "Pulled", 'Container image "busybox:1.36" already present on machine'
    )  # fmt: skip
    assert ("Normal", "Killing", "Stopping container b") in of("b")
    bad = of("bad")
    assert bad[:5] == [
        ("Normal", "Pulling", 'Pulling image "nope"'),
        ("Warning", "Failed", f'Failed to pull image "nope": {pull_error_message("nope")}'),
        ("Warning", "Failed", "Error: ErrImagePull"),
        ("Normal", "BackOff", 'Back-off pulling image "nope"'),
        ("Warning", "Failed", "Error: ImagePullBackOff"),
    ]


async def test_long_lines_are_split_and_rejoined(runtime: ContainerRuntime) -> None:
    """Lines longer than 16 KiB become partial (P) entries, as containerd writes them;
    reading and following put them back together."""
    script = "read go; head -c 40000 /dev/zero | tr '\\0' a; echo; echo after"
    await runtime.start(launch("app", command=["sh", "-c", script], stdin=True))
    await runtime.wait_for("uid-1", "app", is_running)
    writer = runtime.log_writer("uid-1", "app")
    assert writer is not None
    handle = await runtime.attach("uid-1", "app")
    got: list[bytes] = []

    async def follow() -> None:
        async for chunk in follow_log(writer):
            got.append(chunk)

    task = asyncio.create_task(follow())
    await handle.write(b"\n")
    await asyncio.wait_for(task, 10)
    assert b"".join(got) == b"a" * 40000 + b"\nafter\n"
    path = runtime.log_path("uid-1", "app")
    assert path is not None
    tags = [line.split(b" ")[2] for line in path.read_bytes().splitlines()]
    assert tags == [b"P", b"P", b"F", b"F"]
    assert read_log(path) == b"a" * 40000 + b"\nafter\n"


async def test_an_internal_failure_is_a_container_state_not_a_hang(
    runtime: ContainerRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(runtime, "_spawn_spec", broken)
    await runtime.start(launch("app", command=["true"]))
    state = await runtime.wait_for("uid-1", "app", waiting_reason("RunContainerError"))
    assert state.state["waiting"]["message"] == (
        "failed to start container 'app': [Errno 24] Too many open files"
    )


async def test_a_killed_container_reports_137_and_its_log_stays_clean(
    runtime: ContainerRuntime,
) -> None:
    await runtime.start(launch("app", command=["sh", "-c", "echo up; while :; do sleep 1; done"]))
    await runtime.wait_for("uid-1", "app", is_running)
    await runtime.start(launch("tty", stdin=True, tty=True))
    await runtime.wait_for("uid-1", "tty", is_running)
    await runtime.stop_pod("uid-1", grace_seconds=0.2)
    for name in ("app", "tty"):
        state = runtime.state("uid-1", name)
        assert state is not None
        assert state.state["terminated"]["exitCode"] == 137, name
        assert state.state["terminated"]["reason"] == "Error"
        path = runtime.log_path("uid-1", name)
        assert path is not None and b"unshare" not in path.read_bytes()
