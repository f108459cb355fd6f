"""The soak's verdict: bounds, checks against them, and the printed table."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.soak_probe import Snapshot, type_growth
from bench.soak_work import PodCheck, Result

# Object types whose instances must not accumulate: the client side (counted while its
# session is open) and both ends of every HTTP/websocket connection (counted at rest).
# The sandbox's own records are judged separately.
SESSION_TYPES = ("kdebug_tui.kube.", "kdebug_tui.term.", "kubernetes_asyncio.")
HTTP_TYPES = ("aiohttp.",)
SANDBOX_TYPES = ("kdebug_tui.sandbox.",)
# The API server's watch history: kept on purpose (bounded by count), measured as API state.
BY_DESIGN = ("kdebug_tui.sandbox.cluster.Change",)


@dataclass(frozen=True)
class Bounds:
    """What counts as no leak.

    Memory: the sandbox keeps API state on purpose (Events, as a real server does for an
    hour, and a watch history of the last 10,000 changes so watches can resume), measured
    separately as `api_state`. Everything else may grow by a fixed allowance (pools, first
    use of code paths) plus 2 KiB per cycle or session: one retained container record, one
    stream's buffers, would exceed it."""

    min_success_rate: float = 0.999
    max_fd_growth: int = 4  # pooled keep-alive connections may differ by a few
    max_task_growth: int = 0
    max_process_growth: int = 0
    max_client_object_growth: int = 0
    max_sandbox_object_growth: int = 0
    other_fixed_kib: float = 1024.0
    other_per_unit_kib: float = 2.0
    max_closed_growth_kib: float = 1024.0  # after closing everything, vs a warm start

    def other_limit_kib(self, units: int) -> float:
        return self.other_fixed_kib + self.other_per_unit_kib * units


@dataclass
class Check:
    name: str
    value: str
    bound: str
    ok: bool


@dataclass
class SoakReport:
    cycles: list[Result]
    concurrent: list[Result]
    start: Snapshot  # warm start: before this run's sandbox and session existed
    before: Snapshot  # after the warm-up, no target pod
    after: Snapshot  # after the workload, no target pod
    closed: Snapshot  # after closing the session and the sandbox
    pod_checks: list[PodCheck]
    bounds: Bounds
    growth: list[str] = field(default_factory=list)
    workdir_before: tuple[int, int] = (0, 0)  # files, bytes under the sandbox's workdir
    workdir_after: tuple[int, int] = (0, 0)
    closed_sandbox_held_kib: float | None = None  # None: the closed Sandbox was freed

    @property
    def results(self) -> list[Result]:
        return self.cycles + self.concurrent

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok]

    def grown(self, prefixes: tuple[str, ...]) -> dict[str, int]:
        return {
            k: v
            for k, v in type_growth(self.before, self.after).items()
            if k.startswith(prefixes) and k not in BY_DESIGN
        }

    def checks(self) -> list[Check]:
        b, before, after = self.bounds, self.before, self.after
        total = len(self.results)
        ok = total - len(self.failures)
        rate = ok / total if total else 1.0
        traced_kib = (after.traced_bytes - before.traced_bytes) / 1024
        state_kib = (after.api_state_bytes - before.api_state_bytes) / 1024
        other_kib = traced_kib - state_kib
        limit = b.other_limit_kib(total)
        closed_kib = (self.closed.traced_bytes - self.start.traced_bytes) / 1024
        leftovers = sum(len(c.leftovers) for c in self.pod_checks)
        client = self.grown(HTTP_TYPES)
        for name in self.after.session_types:
            extra = self.after.session_types[name] - self.before.session_types[name]
            if extra > 0:
                client[name] = extra
        sandbox = self.grown(SANDBOX_TYPES)
        return [
            Check(
                "success rate",
                f"{ok}/{total} = {rate:.2%}",
                f">= {b.min_success_rate:.1%}",
                rate >= b.min_success_rate,
            ),
            Check(
                "open fds",
                _delta(before.fds, after.fds),
                f"<= +{b.max_fd_growth}",
                after.fds - before.fds <= b.max_fd_growth,
            ),
            Check(
                "pending asyncio tasks",
                _delta(before.tasks, after.tasks),
                f"<= +{b.max_task_growth}",
                after.tasks - before.tasks <= b.max_task_growth,
            ),
            Check(
                "sandbox processes",
                _delta(before.processes, after.processes),
                f"<= +{b.max_process_growth}",
                after.processes - before.processes <= b.max_process_growth,
            ),
            Check(
                "processes left by deleted pods",
                f"{leftovers} in {len(self.pod_checks)} pods",
                "0",
                leftovers == 0,
            ),
            Check(
                "client/HTTP objects retained",
                _types(client),
                f"<= +{b.max_client_object_growth}",
                sum(client.values()) <= b.max_client_object_growth,
            ),
            Check(
                "sandbox objects retained",
                _types(sandbox),
                f"<= +{b.max_sandbox_object_growth}",
                sum(sandbox.values()) <= b.max_sandbox_object_growth,
            ),
            Check(
                "memory besides API state",
                f"{other_kib:+.0f} KiB ({other_kib / max(total, 1):+.1f}/unit)",
                f"<= {limit:.0f} KiB",
                other_kib <= limit,
            ),
            Check(
                "fds after close vs start",
                _delta(self.start.fds, self.closed.fds),
                "<= +0",
                self.closed.fds <= self.start.fds,
            ),
            Check(
                "tasks after close vs start",
                _delta(self.start.tasks, self.closed.tasks),
                "<= +0",
                self.closed.tasks <= self.start.tasks,
            ),
            Check(
                "processes after close", str(self.closed.processes), "0", self.closed.processes == 0
            ),
            Check(
                "closed Sandbox freed",
                _held(self.closed_sandbox_held_kib),
                "yes",
                self.closed_sandbox_held_kib is None,
            ),
            Check(
                "memory after close vs start",
                f"{closed_kib:+.0f} KiB",
                f"<= {b.max_closed_growth_kib:.0f} KiB",
                closed_kib <= b.max_closed_growth_kib,
            ),
        ]

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.checks())

    def table(self) -> str:
        snaps = (self.start, self.before, self.after, self.closed)
        lines = [
            f"cycles: {len(self.cycles)}, ok {sum(r.ok for r in self.cycles)}   cycle time "
            f"p50 {_pct(self.cycles, 50)}  p95 {_pct(self.cycles, 95)}"
            f"  max {_pct(self.cycles, 100)}",
            f"concurrent sessions: {len(self.concurrent)}, ok {sum(r.ok for r in self.concurrent)}"
            f"   attach+echo p50 {_pct(self.concurrent, 50)}  p95 {_pct(self.concurrent, 95)}"
            f"  max {_pct(self.concurrent, 100)}",
            "",
            f"{'measure':<34}{'start':>10}{'before':>10}{'after':>10}{'closed':>10}",
        ]
        rows = [
            ("open fds", [s.fds for s in snaps]),
            ("pending asyncio tasks", [s.tasks for s in snaps]),
            ("sandbox processes", [s.processes for s in snaps]),
            ("RSS KiB", [s.rss_kib for s in snaps]),
            ("tracemalloc KiB", [s.traced_bytes // 1024 for s in snaps]),
            ("  of which sandbox API state KiB", [s.api_state_bytes // 1024 for s in snaps]),
        ]
        for label, values in rows:
            lines.append(f"{label:<34}" + "".join(f"{v:>10}" for v in values))
        files = f"{self.workdir_before[0]} -> {self.workdir_after[0]} files"
        size = f"{self.workdir_before[1] // 1024} -> {self.workdir_after[1] // 1024} KiB"
        lines += [f"{'sandbox workdir':<34}{files}, {size}"]
        lines += ["", f"{'check':<32}{'value':<42}{'bound':<16}verdict"]
        for c in self.checks():
            lines.append(f"{c.name:<32}{c.value:<42}{c.bound:<16}{'PASS' if c.ok else 'FAIL'}")
        grown = type_growth(self.before, self.after)
        if grown:
            lines += ["", "object types with more instances after than before:"]
            lines += [f"  {v:+7d} {k}" for k, v in list(grown.items())[:15]]
        if self.growth:
            lines += ["", "largest tracemalloc growth by line (before -> after):", *self.growth]
        if self.after.tasks > self.before.tasks:
            extra = sorted(set(self.after.task_names) - set(self.before.task_names))
            lines += ["", "tasks not there before:", *extra[:20]]
        if self.after.process_lines:
            lines += ["", "sandbox processes after:", *self.after.process_lines[:20]]
        for check in self.pod_checks:
            if check.leftovers:
                lines += [f"left by pod {check.pod}:", *check.leftovers[:10]]
        for failure in self.failures[:10]:
            lines.append(f"FAILED {failure.label} after {failure.seconds:.2f} s: {failure.error}")
        lines += ["", "PASS" if self.passed else "FAIL"]
        return "\n".join(lines)


def _held(kib: float | None) -> str:
    if kib is None:
        return "yes"
    return f"no: aiohttp's cache holds {kib:.0f} KiB"


def _delta(before: int, after: int) -> str:
    return f"{before} -> {after} ({after - before:+d})"


def _types(grown: dict[str, int]) -> str:
    if not grown:
        return "+0"
    top = max(grown, key=lambda k: grown[k])
    return f"+{sum(grown.values())} (e.g. {top.rsplit('.', 1)[-1]} +{grown[top]})"


def _pct(results: list[Result], q: int) -> str:
    times = sorted(r.seconds for r in results if r.ok)
    if not times:
        return "-"
    index = min(len(times) - 1, max(0, round(q / 100 * len(times)) - 1))
    return f"{times[index] * 1000:.0f} ms"
