"""What a soak measures about this process: open fds, asyncio tasks, memory, and the
processes the sandbox started (found again in /proc, however they were reparented).

The sandbox runs in the same process as the client, so one count covers both sides of
every connection. Processes are matched three ways, because each alone misses some:
descendants of this process (the normal case), processes whose HOSTNAME (set by the
runtime to the pod's name, inherited by children) names one of our pods, and processes in
a pod's UTS namespace: an orphan reparented to init keeps both.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import os
import sys
import tracemalloc
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgrp: int
    sid: int
    state: str
    comm: str

    def describe(self) -> str:
        return f"pid {self.pid} ({self.comm}, state {self.state}, ppid {self.ppid}, sid {self.sid})"


def _read_stat(pid: int) -> ProcInfo | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode(errors="replace")
    except OSError:
        return None
    # comm is in parentheses and may itself contain spaces or ")": split at the last one.
    head, _, tail = raw.rpartition(")")
    comm = head.partition("(")[2]
    fields = tail.split()
    try:
        return ProcInfo(pid, int(fields[1]), int(fields[2]), int(fields[3]), fields[0], comm)
    except (IndexError, ValueError):
        return None


def scan_proc() -> dict[int, ProcInfo]:
    procs: dict[int, ProcInfo] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (info := _read_stat(int(name))) is not None:
            procs[info.pid] = info
    return procs


def descendants(procs: dict[int, ProcInfo], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for info in procs.values():
        children.setdefault(info.ppid, []).append(info.pid)
    found: set[int] = set()
    todo = list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return found


def uts_namespace(pid: int) -> str | None:
    """The UTS namespace's identity ("uts:[4026532...]"), None if the process is gone."""
    with contextlib.suppress(OSError):
        return os.readlink(f"/proc/{pid}/ns/uts")
    return None


def hostname_env(pid: int) -> str | None:
    """HOSTNAME from the process's environment: the runtime sets it to the pod's name for
    every process it starts (namespace wrappers included), and children inherit it."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = f.read()
    except OSError:
        return None
    for entry in env.split(b"\0"):
        if entry.startswith(b"HOSTNAME="):
            return entry[9:].decode(errors="replace")
    return None


def sandbox_processes(
    hostname_prefix: str | None = None, uts: Iterable[str] = (), *, descendants_too: bool = True
) -> dict[int, ProcInfo]:
    """Every live or zombie process of the sandbox in this process: its descendants (but
    not the pods of other sandboxes in it), and, however they were reparented, processes
    of pods whose names start with `hostname_prefix` or that live in one of `uts`.

    Session ids are not used: with pid_max at 32768 and other programs busy, a recorded
    session leader's pid is soon reused by an unrelated process.
    """
    procs = scan_proc()
    me = os.getpid()
    own_uts = uts_namespace(me)
    spaces = {u for u in uts if u and u != own_uts}
    mine: set[int] = set()
    if descendants_too:
        # Another sandbox in this process (a test suite's) has its own pods: not ours.
        for pid in descendants(procs, me):
            host = hostname_env(pid)
            if host is None or (hostname_prefix and host.startswith(hostname_prefix)):
                mine.add(pid)
    for info in procs.values():
        if info.pid == me or info.pid in mine:
            continue
        named = bool(hostname_prefix) and (hostname_env(info.pid) or "").startswith(
            hostname_prefix or ""
        )
        if named or (spaces and uts_namespace(info.pid) in spaces):
            mine.add(info.pid)
    return {pid: procs[pid] for pid in mine if pid in procs}


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def other_tasks() -> set[asyncio.Task[Any]]:
    """Tasks of this loop that are not done, except the caller's own."""
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


def json_size(*roots: Any) -> int:
    """Bytes held by plain API data (dicts, lists, strings, numbers; dataclass records of
    them), each object counted once. Used to tell the sandbox's stored API state (objects,
    events, its watch history) from everything else in tracemalloc's total."""
    seen: set[int] = set()
    total = 0
    todo = list(roots)
    while todo:
        obj = todo.pop()
        if obj is None or isinstance(obj, bool) or id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            todo.extend(obj.keys())
            todo.extend(obj.values())
        elif isinstance(obj, list | tuple | deque | set):
            todo.extend(obj)
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            if hasattr(obj, "__dict__"):
                total += sys.getsizeof(obj.__dict__)
            todo.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
    return total


def type_counts(prefixes: tuple[str, ...]) -> Counter[str]:
    """Live objects per type, for types whose module starts with one of `prefixes`."""
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        cls = type(obj)
        module = cls.__module__
        if isinstance(module, str) and module.startswith(prefixes):
            counts[f"{module}.{cls.__qualname__}"] += 1
    return counts


WATCHED_MODULES = (
    "kdebug_tui.",
    "aiohttp.",
    "kubernetes_asyncio.",
    "_asyncio",
    "asyncio.",
    "subprocess",
)


async def settle(limit: float = 10.0, interval: float = 0.25) -> bool:
    """Wait until no HTTP request is being served and fds and tasks hold still.

    An abandoned watch (its client went away) is only noticed by the server at its next
    write, a bookmark at most two seconds later; a count taken before that would show a
    transient task and connection as a leak. There is no event for "idle", so this polls.
    Returns False if it never settled within `limit` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    last: tuple[int, int] | None = None
    while loop.time() < deadline:
        gc.collect()
        tasks = other_tasks()
        serving = any("_handle_request" in _task_label(t) for t in tasks)
        now = (open_fds(), len(tasks))
        if not serving and now == last:
            return True
        last = None if serving else now
        await asyncio.sleep(interval)
    return False


@dataclass
class Snapshot:
    fds: int
    tasks: int
    processes: int
    rss_kib: int
    traced_bytes: int  # tracemalloc's current size (0 when not tracing)
    api_state_bytes: int = 0  # the sandbox's stored API data (see json_size)
    task_names: list[str] = field(default_factory=list)
    process_lines: list[str] = field(default_factory=list)
    types: Counter[str] = field(default_factory=Counter)
    session_types: Counter[str] = field(default_factory=Counter)  # just before it closed
    traced: tracemalloc.Snapshot | None = None


def snapshot(
    hostname_prefix: str | None = None,
    *,
    api_state: tuple[Any, ...] = (),
    keep_trace: bool = False,
) -> Snapshot:
    """Counts after a full garbage collection, so only what is still referenced counts."""
    gc.collect()
    tasks = other_tasks()
    procs = sandbox_processes(hostname_prefix)
    tracing = tracemalloc.is_tracing()
    return Snapshot(
        fds=open_fds(),
        tasks=len(tasks),
        processes=len(procs),
        rss_kib=rss_kib(),
        traced_bytes=tracemalloc.get_traced_memory()[0] if tracing else 0,
        api_state_bytes=json_size(*api_state) if api_state else 0,
        task_names=sorted(_task_label(t) for t in tasks),
        process_lines=[p.describe() for p in procs.values()],
        types=type_counts(WATCHED_MODULES),
        traced=tracemalloc.take_snapshot() if tracing and keep_trace else None,
    )


def type_growth(before: Snapshot, after: Snapshot) -> dict[str, int]:
    """Types with more live instances after than before, most first."""
    grown = {k: after.types[k] - before.types[k] for k in after.types}
    return dict(sorted(((k, v) for k, v in grown.items() if v > 0), key=lambda kv: -kv[1]))


def _task_label(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    name = getattr(coro, "__qualname__", None) or type(coro).__name__
    return f"{task.get_name()}:{name}"


def top_growth(before: Snapshot, after: Snapshot, limit: int = 6) -> list[str]:
    """Where traced memory grew most between two snapshots (file:line, size, count)."""
    if before.traced is None or after.traced is None:
        return []
    stats = after.traced.compare_to(before.traced, "lineno")
    lines = []
    for stat in stats[:limit]:
        frame = stat.traceback[0]
        lines.append(
            f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  "
            f"{_short(frame.filename)}:{frame.lineno}"
        )
    return lines


def _short(path: str) -> str:
    for marker in ("/kdebug_tui/", "/site-packages/", "/lib/python"):
        if marker in path:
            return marker.strip("/") + "/" + path.split(marker, 1)[1]
    return path
