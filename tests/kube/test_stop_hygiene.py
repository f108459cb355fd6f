"""Debug sessions leave nothing behind in the target's process namespace.

The target is a distroless program as PID 1 of its namespace: it never reaps orphans, so
any process a debugger leaves behind (a stop watcher, its `sleep`) would stay there as a
zombie for good, as seen on a real node. Five stoppable sessions end normally (the user
types `exit`) and one is stopped with `S`; then the target's process table holds the
target and the inspecting shell only.
"""

from __future__ import annotations

import pytest

from kdebug_tui.kube.attach import AttachSession, run_command
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.stopping import stop_debugger
from kdebug_tui.kube.waiting import wait_for_container
from tests.kube.e2e import drain, read_until, shared_sandbox_fixtures
from tests.kube.triage_helpers import make_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()
DISTROLESS = {"image": "kdebug.local/distroless-web:1.0", "command": ["/app/web"]}
# every process of the namespace as `pid (comm) state ppid ...` (no ps needed)
PROC_STATS = ["sh", "-c", "for f in /proc/[0-9]*/stat; do cat $f 2>/dev/null; echo; done"]


def _processes(text: str) -> list[tuple[int, str, str]]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        pid, rest = line.split(" (", 1)
        comm, fields = rest.rsplit(") ", 1)
        rows.append((int(pid), comm, fields.split()[0]))
    return rows


async def _session_that_exits(kube: KubeSession, pod: dict) -> str:
    built, _ = await start_debugger(
        kube, pod, command=["sh"], stdin=True, tty=True, wrap_for_stop=True
    )
    assert built.stop_file is not None  # the wrapper is in place
    attach = AttachSession(kube, "default", "hygiene", built.container_name)
    await attach.start(80, 24)
    try:
        await attach.write(b"ps; echo listed-$((40+2))\r")
        await read_until(attach, b"listed-42")
        await attach.write(b"exit\r")
        await drain(attach)
    finally:
        await attach.close()
    outcome = await wait_for_container(kube, "default", "hygiene", built.container_name)
    assert (outcome.state, outcome.exit_code) == ("terminated", 0), outcome
    return built.container_name


async def test_five_sessions_and_a_stop_leave_no_zombie_and_no_helper(
    shared_kube: KubeSession,
) -> None:
    pod = await make_pod(shared_kube, "hygiene", DISTROLESS)
    for _ in range(5):
        await _session_that_exits(shared_kube, pod)
    stopped, _ = await start_debugger(
        shared_kube, pod, command=["sh"], stdin=True, tty=True, wrap_for_stop=True
    )
    outcome = await stop_debugger(shared_kube, "default", "hygiene", stopped.container_name)
    assert (outcome.state, outcome.exit_code) == ("terminated", 129), outcome  # SIGHUP

    inspector, _ = await start_debugger(shared_kube, pod)  # sleeps, in the same namespace
    out, ending = await run_command(
        shared_kube, "default", "hygiene", inspector.container_name, PROC_STATS
    )
    assert ending.code == 0, ending
    processes = _processes(out.decode())
    assert [p for p in processes if p[2] == "Z"] == [], processes  # no zombie
    comms = sorted(comm for _pid, comm, _state in processes)
    # the target (python running web.py), the inspector's loop (sh + its sleep 3600), and
    # this exec (sh + cat): nothing left by six sessions
    assert [c for c in comms if c not in ("sh", "cat", "sleep")] != []
    leftovers = [c for c in comms if c in ("sh", "sleep")]
    assert sorted(leftovers) == ["sh", "sh", "sleep"], processes
