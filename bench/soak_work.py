"""The soak's workload, through the real product path: kube/ over loopback HTTP and
websockets against the sandbox, whose containers are real processes.

A cycle is what a user does in an incident, many times: inject an ephemeral busybox
(stdin + tty) into a pod, wait for Running, attach, type `echo cycle-N`, read it back,
type `exit`, and see exit status 0. The concurrent phase holds many attach sessions open
at once, each to its own running debugger. Target pods are recycled every few cycles and,
once deleted, /proc must hold none of their processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.soak_probe import hostname_env, sandbox_processes, uts_namespace
from kdebug_tui.kube.attach import AttachSession
from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.watch import WatchOptions, watch_pods
from kdebug_tui.term.backend import TerminalBackend

IMAGE = "busybox:1.36"
FOREVER = ["sh", "-c", "while true; do sleep 3600; done"]
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][0-9A-B]|\x1b[=>]")


class SoakFailure(Exception):
    """One cycle or session did not do what a user expects."""


@dataclass
class Result:
    label: str
    ok: bool
    seconds: float
    error: str = ""


@dataclass
class PodCheck:
    """What /proc still held of a pod after its deletion had completed."""

    pod: str
    leftovers: list[str] = field(default_factory=list)


def printed(word: str) -> re.Pattern[bytes]:
    """`word` as the output of `echo word`, not as the typed command the tty echoes back.

    The output may start a line or follow the prompt: a command typed before the shell's
    prompt appears is echoed by the tty first, then the shell prints "/ # " and the output."""
    return re.compile(rb"(?<!echo )" + re.escape(word.encode()) + rb"\r?\n")


async def read_until(
    backend: TerminalBackend, needle: re.Pattern[bytes], limit: float = 15.0
) -> bytes:
    """Output until `needle` matches (escape sequences ignored); SoakFailure otherwise."""
    seen = bytearray()

    async def pump() -> None:
        while not needle.search(_ANSI.sub(b"", bytes(seen))):
            chunk = await backend.read()
            if not chunk:
                raise SoakFailure(
                    f"stream ended before {needle.pattern!r}: {bytes(seen)[-200:]!r}, "
                    f"exit {backend.exit}"
                )
            seen.extend(chunk)

    try:
        await asyncio.wait_for(pump(), limit)
    except TimeoutError:
        raise SoakFailure(
            f"{needle.pattern!r} not seen in {limit} s: {bytes(seen)[-200:]!r}"
        ) from None
    return bytes(seen)


async def drain(backend: TerminalBackend, limit: float = 15.0) -> None:
    async def pump() -> None:
        while await backend.read():
            pass

    try:
        await asyncio.wait_for(pump(), limit)
    except TimeoutError:
        raise SoakFailure(f"the stream did not end within {limit} s of exit") from None


class Workload:
    """Cycles and concurrent sessions against one sandbox through one KubeSession."""

    def __init__(
        self,
        sandbox: Any,
        session: Any,
        namespace: str = "default",
        *,
        cycles_per_pod: int = 10,
        debuggers_per_pod: int = 10,
        grace_seconds: int = 1,
    ) -> None:
        self.sandbox = sandbox
        self.session = session
        self.namespace = namespace
        self.cycles_per_pod = max(1, cycles_per_pod)
        self.debuggers_per_pod = max(1, debuggers_per_pod)
        self.grace_seconds = grace_seconds
        self.pod_checks: list[PodCheck] = []
        self._serial = 0
        # In every pod name, so this run's processes are told from any other sandbox's.
        self.run_id = secrets.token_hex(3)
        self.prefix = f"soak-{self.run_id}-"

    # -- pods ------------------------------------------------------------------------------
    def _path(self, name: str = "") -> str:
        base = f"/api/v1/namespaces/{self.namespace}/pods"
        return f"{base}/{name}" if name else base

    async def create_pod(self, prefix: str) -> str:
        self._serial += 1
        name = f"{self.prefix}{prefix}{self._serial}"
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": self.namespace,
                "labels": {"soak": self.run_id},
            },
            "spec": {"containers": [{"name": "app", "image": IMAGE, "command": FOREVER}]},
        }
        await self.session.request_json("POST", self._path(), body=body)
        outcome = await wait_for_container(self.session, self.namespace, name, "app", timeout=30)
        if outcome.state != "running":
            raise SoakFailure(f"target pod {name} did not start: {outcome}")
        return name

    def _pin_namespaces(self, name: str) -> dict[str, int]:
        """The UTS namespaces of this pod's live containers, each held open by an fd: a
        freed namespace's inode number is soon given to another one (another sandbox's)."""
        pod = self.sandbox.cluster.get_pod(self.namespace, name)
        pinned: dict[str, int] = {}
        if pod is None:
            return pinned
        uid = pod["metadata"]["uid"]
        status = pod.get("status") or {}
        for entry in (status.get("containerStatuses") or []) + (
            status.get("ephemeralContainerStatuses") or []
        ):
            pid = self.sandbox.runtime.pid_of(uid, entry.get("name", ""))
            space = uts_namespace(pid) if pid is not None else None
            if space is None or space in pinned:
                continue
            try:
                fd = os.open(f"/proc/{pid}/ns/uts", os.O_RDONLY)
            except OSError:
                continue
            if uts_namespace(pid) == space:  # still the same process
                pinned[space] = fd
            else:
                os.close(fd)
        return pinned

    async def delete_pod(self, name: str) -> PodCheck:
        """Delete (`grace_seconds`), wait for the DELETED event, then look for its processes."""
        pinned = self._pin_namespaces(name)
        try:
            with contextlib.suppress(KubeError):
                await self.session.request_json(
                    "DELETE",
                    self._path(name),
                    query=[("gracePeriodSeconds", str(self.grace_seconds))],
                )
            problems: list[str] = []
            try:
                await self.wait_gone(name)
            except Exception as exc:  # still counted below, and as a failed deletion
                problems.append(f"deletion did not complete: {type(exc).__name__}: {exc}")
            # Only this pod's (others may still run): its UTS namespace or its HOSTNAME.
            left = sandbox_processes(None, pinned, descendants_too=False)
            left.update(
                (pid, info)
                for pid, info in sandbox_processes(name).items()
                if hostname_env(pid) == name
            )
        finally:
            for fd in pinned.values():
                os.close(fd)
        check = PodCheck(name, problems + [info.describe() for info in left.values()])
        self.pod_checks.append(check)
        return check

    async def wait_gone(self, name: str, limit: float = 30.0) -> None:
        options = WatchOptions(field_selector=f"metadata.name={name}", timeout_seconds=60)
        updates = watch_pods(self.session, self.namespace, options)
        try:
            async with asyncio.timeout(limit):
                async for update in updates:
                    if update.kind == "DELETED":
                        return
                    if update.kind == "RELISTED" and not update.pods:
                        return
        except TimeoutError:
            raise SoakFailure(f"pod {name} was not gone {limit} s after its deletion") from None
        finally:
            await updates.aclose()  # type: ignore[attr-defined]

    # -- one debugger ----------------------------------------------------------------------
    async def inject_debugger(self, pod_name: str, target: str | None) -> str:
        pod = await self.session.request_json("GET", self._path(pod_name))
        request = DebugRequest(
            mode="ephemeral",
            namespace=self.namespace,
            pod_name=pod_name,
            image=IMAGE,
            target=target,
        )
        built = build(request, pod)
        await inject(self.session, built)
        outcome = await wait_for_container(
            self.session, self.namespace, pod_name, built.container_name, timeout=30
        )
        if outcome.state != "running":
            raise SoakFailure(f"debugger {built.container_name} did not run: {outcome}")
        return built.container_name

    async def cycle(self, n: int, pod_name: str) -> None:
        """inject -> Running -> attach -> `echo cycle-N` -> `exit` -> exit status 0."""
        # Every other cycle shares the target's PID namespace (--target), as users often do.
        container = await self.inject_debugger(pod_name, "app" if n % 2 else None)
        attach = AttachSession(self.session, self.namespace, pod_name, container)
        try:
            await attach.start(80, 24)
            await attach.write(f"echo cycle-{n}\r".encode())
            await read_until(attach, printed(f"cycle-{n}"))
            await attach.write(b"exit\r")
            await drain(attach)
        finally:
            await attach.close()
        ending = attach.exit
        if ending is None or (ending.code, ending.reason) != (0, "exited"):
            raise SoakFailure(f"cycle {n}: expected exit status 0, got {ending}")

    # -- phases ----------------------------------------------------------------------------
    async def run_cycles(
        self, count: int, *, start: int = 0, on_result: Callable[[Result], None] | None = None
    ) -> list[Result]:
        results: list[Result] = []
        done = 0
        while done < count:
            batch = min(self.cycles_per_pod, count - done)
            labels = [f"cycle-{n}" for n in range(start + done, start + done + batch)]
            try:
                pod = await self.create_pod("c")
            except Exception as exc:  # counted against every cycle it would have held
                failed = _failed(labels, exc)
                results += failed
                for result in failed:
                    if on_result is not None:
                        on_result(result)
                done += batch
                continue
            try:
                for n in range(start + done, start + done + batch):
                    result = await _timed(f"cycle-{n}", self.cycle(n, pod))
                    results.append(result)
                    if on_result is not None:
                        on_result(result)
            finally:
                await self.delete_pod(pod)
            done += batch
        return results

    async def run_concurrent(self, count: int) -> list[Result]:
        """`count` attach sessions open at once, each echoing its own marker, then closed."""
        pods_needed = -(-count // self.debuggers_per_pod)
        pods: list[str] = []
        try:
            try:
                for _ in range(pods_needed):
                    pods.append(await self.create_pod("k"))
                targets = await asyncio.gather(
                    *(
                        self._debuggers(
                            pod, min(self.debuggers_per_pod, count - i * self.debuggers_per_pod)
                        )
                        for i, pod in enumerate(pods)
                    )
                )
            except Exception as exc:  # no session can start: all of them failed
                return _failed([f"session-{i}" for i in range(count)], exc)
            pairs = [(pod, c) for pod, names in zip(pods, targets, strict=True) for c in names]
            attaches = [AttachSession(self.session, self.namespace, p, c) for p, c in pairs]
            try:
                sessions = (
                    _timed(f"session-{i}", self._session(i, a)) for i, a in enumerate(attaches)
                )
                results = list(await asyncio.gather(*sessions))
            finally:
                # All were open together: only now are they closed.
                await asyncio.gather(*(a.close() for a in attaches), return_exceptions=True)
        finally:
            for pod in pods:
                await self.delete_pod(pod)
        return results

    async def _debuggers(self, pod: str, count: int) -> list[str]:
        # One ephemeral-container patch after another: each build sees the previous ones.
        return [await self.inject_debugger(pod, None) for _ in range(count)]

    async def _session(self, i: int, attach: AttachSession) -> None:
        await attach.start(80, 24)
        await attach.write(f"echo conc-{i}\r".encode())
        await read_until(attach, printed(f"conc-{i}"), limit=30.0)


def _failed(labels: list[str], exc: Exception) -> list[Result]:
    return [Result(label, False, 0.0, f"{type(exc).__name__}: {exc}") for label in labels]


async def _timed(label: str, work: Any) -> Result:
    began = time.perf_counter()
    try:
        async with asyncio.timeout(60):
            await work
    except Exception as exc:  # a soak counts failures instead of stopping at the first
        return Result(label, False, time.perf_counter() - began, f"{type(exc).__name__}: {exc}")
    return Result(label, True, time.perf_counter() - began)
