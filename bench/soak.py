"""Soak: many inject-attach-type-exit cycles and many concurrent attach sessions against the
sandbox, then proof that nothing leaked (fds, asyncio tasks, processes, objects, memory).

    python -m bench.soak [--cycles 500] [--concurrent 50]

Counts are taken at quiet moments (no target pod exists, no request in flight, the client
closed and reopened so that its keep-alive pool starts empty) after a warm-up, so caches
filled by the first cycles are not mistaken for leaks; a second set is
taken after the session and the sandbox are closed, against a warm start (a short run
before, so that lazily imported modules are not counted either). Memory is tracemalloc's
(what Python still holds), split into the sandbox's stored API data and everything else.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import tracemalloc
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.soak_probe import Snapshot, settle, snapshot, top_growth, type_counts
from bench.soak_report import SESSION_TYPES, Bounds, SoakReport
from bench.soak_work import Result, Workload
from kdebug_tui.kube.session import KubeSession

__all__ = ["Bounds", "SoakReport", "main", "run_soak"]


def api_state(sandbox: Any) -> tuple[Any, ...]:
    """The sandbox's stored API data, read only: objects by kind (Events included, kept as a
    real server keeps them for an hour), the watch history, the event recorder's index."""
    cluster = sandbox.cluster
    recorder = getattr(sandbox, "recorder", None)
    return (
        getattr(cluster, "_objects", None),
        getattr(cluster, "_history", None),
        getattr(recorder, "_seen", None),
    )


def disk_usage(path: Path) -> tuple[int, int]:
    files = size = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            try:
                size += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
            files += 1
    return files, size


def release_middleware_cache(sandbox: weakref.ref[Any] | None) -> float | None:
    """None if the closed sandbox was freed; else the KiB freed by clearing aiohttp's
    module-wide middleware cache, which keeps the last 1024 (handler, app) pairs and with
    them every closed Sandbox whose routes close over it (cleared so the following counts
    show what else remains). `None` for `sandbox`: just clear it."""
    gc.collect()
    if sandbox is not None and sandbox() is None:
        return None
    held = tracemalloc.get_traced_memory()[0]
    from aiohttp import web_app

    cache = getattr(web_app, "_cached_build_middleware", None)
    if cache is not None:
        cache.cache_clear()
    gc.collect()
    return (held - tracemalloc.get_traced_memory()[0]) / 1024


# Judged on its own (see release_middleware_cache): clearing it would hide what it keeps.
_KEEP = {("aiohttp.web_app", "_cached_build_middleware")}


def clear_bounded_caches() -> int:
    """Empty every size-bounded LRU cache in loaded modules (yarl's parsed URLs, aiohttp's
    helpers, re's patterns, our own): they fill with each new URL or name up to their
    bound, by design, and would blur a count. Unbounded caches are left alone: growing
    without limit, they are leaks and must show. Returns how many were cleared."""
    import re

    re.purge()
    cleared = 0
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if not callable(value) or (getattr(module, "__name__", ""), name) in _KEEP:
                continue
            try:  # some objects answer every attribute (ctypes libraries load symbols)
                params = value.cache_parameters
                clear = value.cache_clear
                bounded = params().get("maxsize") is not None
            except Exception:
                continue
            if bounded:
                clear()
                cleared += 1
    return cleared


async def _open(workdir: Path) -> tuple[Any, Any]:
    from kdebug_tui.sandbox import Sandbox

    sandbox = Sandbox(port=0, workdir=workdir / "sandbox", demo=False)
    await sandbox.start()
    try:
        path = sandbox.write_kubeconfig(workdir / "kubeconfig")
        session = await KubeSession.open(kubeconfig=str(path))
    except BaseException:
        await sandbox.close()
        raise
    return sandbox, session


async def _warm_start(workdir: Path, cycles: int, grace_seconds: int) -> None:
    """A short run first, so lazily imported modules and one-time caches are in place
    before the start is counted."""
    sandbox, session = await _open(workdir)
    try:
        if cycles:
            await Workload(sandbox, session, grace_seconds=grace_seconds).run_cycles(cycles)
        else:
            await session.request_json("GET", "/api/v1/namespaces/default/pods")
    finally:
        await session.close()
        await sandbox.close()


async def quiet(work: Workload, kubeconfig: Path) -> Snapshot:
    """Counts at rest with the client's pools empty: a keep-alive pool holds up to 100 idle
    connections (2 fds, a server task and 2 x 256 KiB of TLS buffers each), as many as the
    busiest moment needed, which no count should mistake for a leak. What the session itself
    holds is counted just before it closes; the workload goes on with a new one."""
    await settle()
    held = type_counts(SESSION_TYPES)
    await work.session.close()
    await settle()
    clear_bounded_caches()
    snap = snapshot(work.prefix, api_state=api_state(work.sandbox), keep_trace=True)
    snap.session_types = held
    work.session = await KubeSession.open(kubeconfig=str(kubeconfig))
    return snap


async def run_soak(
    cycles: int,
    concurrent: int,
    workdir: Path,
    *,
    warmup: int = 2,
    cycles_per_pod: int = 10,
    debuggers_per_pod: int = 10,
    grace_seconds: int = 1,
    warm_start_cycles: int = 1,
    bounds: Bounds | None = None,
    progress: Callable[[str], None] | None = None,
) -> SoakReport:
    """The whole soak in the running loop; tracemalloc is started if it is not already."""
    say = progress or (lambda _m: None)
    started_tracing = not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start(1)
    try:
        say("warm start: one short run with its own sandbox")
        await _warm_start(workdir / "warm", warm_start_cycles, grace_seconds)
        release_middleware_cache(None)
        clear_bounded_caches()
        start = snapshot()

        sandbox, session = await _open(workdir / "run")
        work = Workload(
            sandbox,
            session,
            cycles_per_pod=cycles_per_pod,
            debuggers_per_pod=debuggers_per_pod,
            grace_seconds=grace_seconds,
        )
        del session  # the workload holds the session: it is replaced at each count
        prefix = work.prefix
        runtime_dir = workdir / "run" / "sandbox"
        kubeconfig = workdir / "run" / "kubeconfig"

        try:
            say(f"warm-up: {warmup} cycles, {min(2, concurrent)} concurrent sessions")
            await work.run_cycles(warmup, start=-warmup)
            await work.run_concurrent(min(2, concurrent))
            work.pod_checks.clear()
            before = await quiet(work, kubeconfig)
            disk_before = disk_usage(runtime_dir)

            def tick(result: Result) -> None:
                n = int(result.label.rsplit("-", 1)[1]) + 1
                if not result.ok or n % 50 == 0:
                    say(f"{result.label}: {'ok' if result.ok else result.error}")

            say(f"{cycles} cycles")
            cycle_results = await work.run_cycles(cycles, on_result=tick)
            say(f"{concurrent} concurrent sessions")
            concurrent_results = await work.run_concurrent(concurrent) if concurrent else []
            after = await quiet(work, kubeconfig)
            disk_after = disk_usage(runtime_dir)
            pod_checks = list(work.pod_checks)
        finally:
            await work.session.close()
            await sandbox.close()
        growth = top_growth(before, after)
        before.traced = after.traced = None  # tracemalloc's snapshots are traced memory too
        released = weakref.ref(sandbox)
        del sandbox, work
        held_kib = release_middleware_cache(released)
        clear_bounded_caches()
        closed = snapshot(prefix)
        return SoakReport(
            cycle_results,
            concurrent_results,
            start,
            before,
            after,
            closed,
            pod_checks,
            bounds or Bounds(),
            growth,
            disk_before,
            disk_after,
            held_kib,
        )
    finally:
        if started_tracing:
            tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--cycles-per-pod", type=int, default=10)
    parser.add_argument("--debuggers-per-pod", type=int, default=10)
    parser.add_argument("--grace-seconds", type=int, default=1, help="pod deletion grace")
    args = parser.parse_args(argv)

    async def go() -> SoakReport:
        with tempfile.TemporaryDirectory(prefix="kdebug-soak-") as tmp:
            return await run_soak(
                args.cycles,
                args.concurrent,
                Path(tmp),
                warmup=args.warmup,
                cycles_per_pod=args.cycles_per_pod,
                debuggers_per_pod=args.debuggers_per_pod,
                grace_seconds=args.grace_seconds,
                progress=lambda m: print(m, file=sys.stderr, flush=True),
            )

    report = asyncio.run(go())
    print(report.table())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
