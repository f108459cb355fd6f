"""One container (its current process, state, logs and attached clients) and one exec."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from kdebug_tui.sandbox import kubelet_text as kt
from kdebug_tui.sandbox.handles import OutputFan, StreamHandle
from kdebug_tui.sandbox.images import ImageSpec
from kdebug_tui.sandbox.logs import LogWriter
from kdebug_tui.sandbox.names import contained
from kdebug_tui.sandbox.namespaces import pid_namespace, private_namespaces
from kdebug_tui.sandbox.processes import Process, SpawnSpec
from kdebug_tui.sandbox.runtime_types import ContainerLaunch, ContainerState


class Container:
    """Owns the processes of one container name across its restarts."""

    def __init__(
        self,
        launch: ContainerLaunch,
        image: ImageSpec,
        logs_dir: Path,
        notify: Callable[[Container], None],
    ) -> None:
        self.launch = launch
        self.image = image
        self._notify = notify
        self._dir = contained(  # /var/log/pods' layout; a name never leaves logs_dir
            logs_dir, f"{launch.namespace}_{launch.pod_name}_{launch.pod_uid}", launch.name
        )
        self.restart_count = 0
        self.last_state: dict = {}
        self.container_id = ""
        self.state = ContainerState(
            state={}, last_state={}, ready=False, started=False, restart_count=0,
            image=launch.image, image_id="", container_id="",
        )  # fmt: skip
        self.task: asyncio.Task[None] | None = None
        self.process: Process | None = None
        self.inner_pid: int | None = None
        self.log: LogWriter | None = None
        self.fan = OutputFan()
        self.execs: set[ExecSession] = set()
        self.stdin_open = False
        self._logs: dict[str, Path] = {}  # container ID -> that instance's log file
        self._changed = asyncio.Event()

    # -- state ------------------------------------------------------------------------
    def set_state(self, state: dict) -> None:
        running = "running" in state
        terminated = state.get("terminated")
        kind = self.launch.kind
        self.state.state = state
        self.state.last_state = self.last_state
        self.state.restart_count = self.restart_count
        self.state.started = running and kind != "init"
        if kind == "regular":
            self.state.ready = running
        elif kind == "init":
            self.state.ready = bool(terminated and terminated.get("exitCode") == 0)
        else:
            self.state.ready = False
        self.state.container_id = self.container_id
        # the spec's string until a container exists, then what the runtime resolved
        created = bool(self.state.container_id)
        self.state.image = self.image.resolved if created else self.launch.image
        self.state.image_id = self.image.image_id if created else ""
        self._changed.set()
        self._notify(self)

    async def changed(self) -> None:
        self._changed.clear()
        await self._changed.wait()

    @property
    def running(self) -> bool:
        return "running" in self.state.state and self.process is not None

    @property
    def has_namespace(self) -> bool:
        """Runs in a PID namespace of its own (or its pod's, or its target's)."""
        return self.process is not None and pid_namespace(self.process.spec)

    @property
    def has_private_namespaces(self) -> bool:
        """Any namespace an exec must enter (PID, or mount/UTS of a hostPID pod)."""
        return self.process is not None and private_namespaces(self.process.spec)

    @property
    def cri_state(self) -> str:
        if "running" in self.state.state:
            return "CONTAINER_RUNNING"
        if "terminated" in self.state.state:
            return "CONTAINER_EXITED"
        return "CONTAINER_CREATED" if self.container_id else "CONTAINER_UNKNOWN"

    # -- logs -------------------------------------------------------------------------
    def current_log_path(self) -> Path | None:
        """The kubelet's choice for `logs`: the live or last-ended instance; while waiting
        to restart (CrashLoopBackOff), the instance that ended last."""
        state = self.state.state
        if "running" in state or "terminated" in state:
            return self._logs.get(self.container_id)
        return self._logs.get(self.last_state.get("terminated", {}).get("containerID", ""))

    def previous_log_path(self) -> Path | None:
        """`logs --previous`: the instance in lastState (the one before the current)."""
        return self._logs.get(self.last_state.get("terminated", {}).get("containerID", ""))

    def open_log(self) -> None:
        """A new file per instance (`<restart>.log`, as the kubelet keeps them)."""
        if self.log is not None:
            self.log.close()
        path = self._dir / f"{self.restart_count}.log"
        self.log = LogWriter(path)
        self._logs[self.container_id] = path

    def _tap(self, channel: int, data: bytes) -> None:
        if self.log is not None:
            self.log.write("stderr" if channel == 2 else "stdout", data)

    # -- running ----------------------------------------------------------------------
    async def launch_process(self, spec: SpawnSpec, started: Callable[[int], None]) -> None:
        process = Process(spec)
        self.fan.bind(process, self._tap)
        process.start()  # raises OSError when even the wrapper cannot start
        started(process.pid)
        self.process = process
        self.stdin_open = spec.stdin
        self.inner_pid = await process.inner_pid()
        self.set_state({"running": {"startedAt": kt.now_rfc3339()}})

    async def wait_exit(self) -> None:
        process = self.process
        assert process is not None
        started = self.state.state.get("running", {}).get("startedAt", kt.now_rfc3339())
        code = await process.wait()
        await process.wait_output_done()
        if self.log is not None:
            self.log.close()
        for session in list(self.execs):
            await session.stop(0.0)
        self.stdin_open = False
        self.set_state({"terminated": {
            "exitCode": code, "reason": "Completed" if code == 0 else "Error",
            "startedAt": started, "finishedAt": kt.now_rfc3339(),
            "containerID": self.container_id}})  # fmt: skip

    async def stop(self, grace: float) -> None:
        if self.task is not None and not self.task.done() and not self.running:
            self.task.cancel()  # still pulling or backing off: nothing to kill
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await asyncio.gather(*(s.stop(0.0) for s in list(self.execs)))
        if self.process is not None:
            await self.process.stop(grace)
        if self.task is not None and not self.task.done():
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(self.task, 5.0)

    # -- attach (StreamTarget) --------------------------------------------------------
    def attach(self) -> StreamHandle:
        handle = StreamHandle("attach", self, tty=self.launch.tty, stdin=self.launch.stdin)
        self.fan.subscribe(handle)
        return handle

    async def handle_write(self, handle: StreamHandle, data: bytes) -> None:
        if self.stdin_open and self.process is not None:
            await self.process.write(data)

    def handle_close_stdin(self, handle: StreamHandle) -> None:
        if self.launch.stdin_once:
            self._close_stdin()

    def handle_resize(self, columns: int, lines: int) -> None:
        if self.process is not None:
            self.process.resize(columns, lines)

    async def handle_wait(self) -> int | None:
        # never blocks: by the time an attach's output has ended its process has exited,
        # and the container may already run a new instance that this client never saw
        return None if self.process is None else self.process.exit_code

    async def handle_detach(self, handle: StreamHandle) -> None:
        # stdinOnce: the container's stdin closes when the first attached client leaves
        if self.launch.stdin_once and handle.stdin:
            self._close_stdin()

    def _close_stdin(self) -> None:
        if self.stdin_open and self.process is not None:
            self.stdin_open = False
            self.process.close_stdin()


class ExecSession:
    """A process started inside a running container's namespaces, with one client."""

    def __init__(self, spec: SpawnSpec) -> None:
        self.spec = spec
        self.process = Process(spec)
        self.fan = OutputFan()
        self.handle: StreamHandle | None = None

    def open(self) -> StreamHandle:
        self.fan.bind(self.process)
        self.process.start()
        self.handle = StreamHandle("exec", self, tty=self.spec.tty, stdin=self.spec.stdin)
        self.fan.subscribe(self.handle)
        return self.handle

    async def handle_write(self, handle: StreamHandle, data: bytes) -> None:
        await self.process.write(data)

    def handle_close_stdin(self, handle: StreamHandle) -> None:
        self.process.close_stdin()

    def handle_resize(self, columns: int, lines: int) -> None:
        self.process.resize(columns, lines)

    async def handle_wait(self) -> int | None:
        return await self.process.wait()

    async def handle_detach(self, handle: StreamHandle) -> None:
        await self.stop(0.2)

    async def stop(self, grace: float) -> None:
        await self.process.stop(grace)
