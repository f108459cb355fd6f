"""Helpers for the container-runtime tests: a runtime with fast timings that records every
state change, and a check that nothing it started is still alive afterwards."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.sandbox.processes import session_members
from kdebug_tui.sandbox.runtime import (
    ContainerLaunch,
    ContainerRuntime,
    ContainerState,
    RuntimeTimings,
)

FAST = RuntimeTimings(
    create_delay=0.01, pull_fail_delay=0.05, pull_backoff_after=0.1, pull_retry_initial=0.3
)


@dataclass
class Recorder:
    changes: list[tuple[str, str, ContainerState]] = field(default_factory=list)
    hooks: list[Callable[[str, str, ContainerState], None]] = field(default_factory=list)

    def __call__(self, uid: str, name: str, state: ContainerState) -> None:
        self.changes.append((uid, name, state))
        for hook in self.hooks:  # e.g. a restart policy, as the API server has
            hook(uid, name, state)

    def states(self, name: str) -> list[dict[str, Any]]:
        return [s.state for _, n, s in self.changes if n == name]

    def reasons(self, name: str) -> list[str]:
        out = []
        for state in self.states(name):
            kind, body = next(iter(state.items()))
            out.append(body.get("reason", kind))
        return out


def launch(name: str, image: str = "busybox:1.36", **kw: Any) -> ContainerLaunch:
    kw.setdefault("pod_uid", "uid-1")
    kw.setdefault("kind", "regular")
    return ContainerLaunch(
        namespace=kw.pop("namespace", "default"),
        pod_name=kw.pop("pod_name", "demo"),
        node_name="sandbox-node-1",
        name=name,
        image=image,
        **kw,
    )


def is_running(s: ContainerState) -> bool:
    return "running" in s.state


def is_terminated(s: ContainerState) -> bool:
    return "terminated" in s.state


def waiting_reason(reason: str):  # type: ignore[no-untyped-def]
    return lambda s: s.state.get("waiting", {}).get("reason") == reason


def leftovers(runtime: ContainerRuntime) -> list[str]:
    """Descriptions of processes the runtime started that are still alive (or unreaped)."""
    alive = []
    for sid in runtime.started_pids:
        for pid in session_members(sid):
            alive.append(f"{pid} (session {sid}): {_cmdline(pid)}")
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if int(fields[1]) == me and int(entry.name) in runtime.started_pids:
            alive.append(f"{entry.name} child in state {fields[0].decode()}")
    return alive


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"


@pytest.fixture
async def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def runtime(tmp_path: Path, recorder: Recorder) -> AsyncIterator[ContainerRuntime]:
    rt = ContainerRuntime(tmp_path / "rt", recorder, timings=FAST)
    try:
        yield rt
    finally:
        await rt.close()
        assert leftovers(rt) == [], "processes survived ContainerRuntime.close()"


async def read_until(handle: Any, needle: bytes, limit: float = 10.0) -> bytes:
    """Collect a handle's output until `needle` shows up (bounded)."""
    out = b""
    try:
        async with asyncio.timeout(limit):
            while needle not in out:
                item = await handle.read()
                if item is None:
                    raise AssertionError(f"output ended before {needle!r}; got {out!r}")
                out += item[1]
    except TimeoutError:
        raise AssertionError(f"no {needle!r} within {limit}s; got {out!r}") from None
    return out
