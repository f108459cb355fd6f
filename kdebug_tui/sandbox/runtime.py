"""The sandbox's container runtime: containers are real local processes.

It behaves like a kubelet + containerd as far as a client can see: states move waiting
(ContainerCreating) -> running -> terminated with the real reasons and texts; images that do
not exist never run (ErrImagePull / ImagePullBackOff); commands that do not exist end in
StartError 128; attach fans a container's output out to every client; exec runs inside the
container's namespaces. The API server decides restart policy; this module only starts,
restarts and stops what it is told to (see docs/CONTRACTS.md section 1).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kdebug_tui.sandbox import kubelet_text as kt
from kdebug_tui.sandbox.commands import DEFAULT_PATH, environment, resolve_argv, resolve_command
from kdebug_tui.sandbox.containers import Container, ExecSession
from kdebug_tui.sandbox.handles import RuntimeFailure, StreamHandle
from kdebug_tui.sandbox.images import PROGRAMS_DIR, ImageSpec, resolve, split_reference
from kdebug_tui.sandbox.logs import LogWriter
from kdebug_tui.sandbox.processes import (
    Process,
    RuntimeCapabilities,
    SpawnSpec,
    probe_capabilities,
    uts_namespaces,
)
from kdebug_tui.sandbox.runtime_types import (
    ContainerLaunch,
    ContainerState,
    OnChange,
    OnEvent,
    RuntimeTimings,
)

__all__ = [
    "ContainerLaunch",
    "ContainerRuntime",
    "ContainerState",
    "RuntimeCapabilities",
    "RuntimeFailure",
    "RuntimeTimings",
    "StreamHandle",
]

log = logging.getLogger(__name__)


class ContainerRuntime:
    def __init__(
        self,
        workdir: Path,
        on_change: OnChange,
        *,
        on_event: OnEvent | None = None,
        timings: RuntimeTimings | None = None,
        host_root: str = "/host",
    ) -> None:
        self.workdir = Path(workdir)
        self.on_change = on_change
        self.on_event = on_event
        self.timings = timings or RuntimeTimings()
        self.capabilities: RuntimeCapabilities = probe_capabilities(host_root)
        self._containers: dict[tuple[str, str], Container] = {}
        self._pauses: dict[str, Process] = {}  # pod uid -> shared PID namespace holder
        self._pulled: set[str] = set()
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()
        # every session leader ever started, so tests can prove none survived close()
        self.started_pids: set[int] = set()

    # -- queries ----------------------------------------------------------------------
    def state(self, pod_uid: str, container: str) -> ContainerState | None:
        c = self._containers.get((pod_uid, container))
        return None if c is None else replace(c.state)

    def pid_of(self, pod_uid: str, container: str) -> int | None:
        c = self._containers.get((pod_uid, container))
        return None if c is None or not c.running else c.inner_pid

    def log_path(self, pod_uid: str, container: str, *, previous: bool = False) -> Path | None:
        c = self._containers.get((pod_uid, container))
        if c is None:
            return None
        path = c.previous_log_path() if previous else c.current_log_path()
        return path if path is not None and path.exists() else None

    def log_writer(self, pod_uid: str, container: str) -> LogWriter | None:
        """The current instance's LogWriter, for `logs.follow_log` (None if never started)."""
        c = self._containers.get((pod_uid, container))
        return None if c is None else c.log

    async def wait_for(
        self,
        pod_uid: str,
        container: str,
        predicate: Callable[[ContainerState], bool],
        within: float = 10.0,
    ) -> ContainerState:
        """Wait until the container's state satisfies `predicate` (tests, the API server);
        TimeoutError after `within` seconds."""
        async with asyncio.timeout(within):
            while True:
                c = self._containers.get((pod_uid, container))
                if c is not None and predicate(c.state):
                    return replace(c.state)
                if c is None:
                    await asyncio.sleep(0.01)
                else:
                    await c.changed()

    # -- lifecycle --------------------------------------------------------------------
    async def start(self, launch: ContainerLaunch) -> None:
        """Create and start a container; returns once it is waiting in ContainerCreating.

        Starting a name that already exists and has terminated starts it again
        (like `restart` without backoff)."""
        if self._closed:
            raise RuntimeFailure("the container runtime is shut down")
        key = (launch.pod_uid, launch.name)
        existing = self._containers.get(key)
        if existing is not None:
            existing.launch = launch
            await self.restart(launch.pod_uid, launch.name)
            return
        image = resolve(launch.image)
        c = Container(launch, image, self.workdir / "logs", self._notify)
        self._containers[key] = c
        c.set_state({"waiting": {"reason": "ContainerCreating"}})
        c.task = asyncio.get_running_loop().create_task(self._run(c, backoff=0.0))

    async def restart(self, pod_uid: str, name: str, *, backoff_seconds: float = 0.0) -> None:
        """Start a terminated container again: restartCount + 1, lastState = the old state.

        With `backoff_seconds` the container first waits in CrashLoopBackOff with the
        kubelet's message, as the API server's restart policy decides."""
        c = self._containers.get((pod_uid, name))
        if c is None:
            raise RuntimeFailure(f"container {name} not found")
        if self._closed:
            return
        if c.running or (c.task is not None and not c.task.done()):
            return
        c.restart_count += 1
        if "terminated" in c.state.state:
            c.last_state = {"terminated": dict(c.state.state["terminated"])}
        c.task = asyncio.get_running_loop().create_task(self._run(c, backoff=backoff_seconds))

    async def _run(self, c: Container, *, backoff: float) -> None:
        launch, image = c.launch, c.image
        t = self.timings
        try:
            if backoff > 0:
                c.set_state(
                    {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": kt.crash_backoff_message(
                                backoff, launch.name, launch.namespace, launch.pod_name,
                                launch.pod_uid,
                            ),
                        }
                    }
                )  # fmt: skip
                self._event(c, "Warning", "BackOff",
                            f"Back-off restarting failed container {launch.name} in pod "
                            f"{launch.pod_name}_{launch.namespace}({launch.pod_uid})")  # fmt: skip
                await asyncio.sleep(backoff)
                c.set_state({"waiting": {"reason": "ContainerCreating"}})
            await asyncio.sleep(t.create_delay)
            if image.kind == "missing":
                await self._fail_pull(c)
                return
            if not self._pull_events(c):
                return
            if launch.run_as_non_root and process_identity(launch, image)[0] == 0:
                msg = kt.run_as_root_message(
                    launch.namespace, launch.pod_name, launch.pod_uid, launch.name
                )
                c.set_state({"waiting": {"reason": "CreateContainerConfigError", "message": msg}})
                self._event(c, "Warning", "Failed", f"Error: {msg}")
                return
            await self._spawn(c)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never stuck in ContainerCreating, never a dead loop
            log.exception("container %s/%s failed to start", launch.pod_name, launch.name)
            message = f"failed to start container {launch.name!r}: {exc}"
            c.set_state({"waiting": {"reason": "RunContainerError", "message": message}})
            self._event(c, "Warning", "Failed", f"Error: {message}")

    async def _fail_pull(self, c: Container) -> None:
        image, t = c.launch.image, self.timings
        delay = t.pull_retry_initial
        while True:
            self._event(c, "Normal", "Pulling", f'Pulling image "{image}"')
            await asyncio.sleep(t.pull_fail_delay)
            msg = c.image.pull_error or ""
            c.set_state({"waiting": {"reason": "ErrImagePull", "message": msg}})
            self._event(c, "Warning", "Failed", f'Failed to pull image "{image}": {msg}')
            self._event(c, "Warning", "Failed", "Error: ErrImagePull")
            await asyncio.sleep(t.pull_backoff_after)
            back = kt.image_backoff_message(image)
            c.set_state({"waiting": {"reason": "ImagePullBackOff", "message": back}})
            self._event(c, "Normal", "BackOff", back)
            self._event(c, "Warning", "Failed", "Error: ImagePullBackOff")
            await asyncio.sleep(delay)
            delay = min(delay * 2, t.pull_retry_max)

    def _pull_events(self, c: Container) -> bool:
        """Pulling/Pulled as the kubelet reports them: `Always` (the default for an untagged
        or :latest image) pulls every time, `IfNotPresent` only the first time, `Never`
        never (False: the image is not on the machine, ErrImageNeverPull)."""
        image = c.launch.image
        policy = c.launch.image_pull_policy
        if policy is None:
            _registry, _repo, tag = split_reference(image)
            policy = "Always" if tag == "latest" else "IfNotPresent"
        present = image in self._pulled
        if policy == "Never" or (present and policy == "IfNotPresent"):
            if not present and policy == "Never":
                msg = kt.never_pull_message(image)
                c.set_state({"waiting": {"reason": "ErrImageNeverPull", "message": msg}})
                self._event(c, "Warning", "ErrImageNeverPull", msg)
                self._event(c, "Warning", "Failed", "Error: ErrImageNeverPull")
                return False
            text = f'Container image "{image}" already present on machine'
            self._event(c, "Normal", "Pulled", text)
            return True
        self._pulled.add(image)
        self._event(c, "Normal", "Pulling", f'Pulling image "{image}"')
        took = random.uniform(0.03, 0.07)
        self._event(c, "Normal", "Pulled", kt.image_pulled_message(image, took))
        return True

    async def _spawn(self, c: Container) -> None:
        launch = c.launch
        c.container_id = kt.new_container_id()
        c.state.container_id = c.container_id
        argv, missing = resolve_command(
            c.image, launch.command, launch.args, environment(launch, c.image)
        )
        self._event(c, "Normal", "Created", f"Created container {launch.name}")
        if missing is not None:
            msg = kt.start_error(missing)
            c.set_state({"terminated": {
                "exitCode": 128, "reason": "StartError", "message": msg,
                "startedAt": kt.EPOCH, "finishedAt": kt.now_rfc3339(),
                "containerID": c.container_id}})  # fmt: skip
            self._event(c, "Warning", "Failed", f"Error: {msg}")
            return
        spec = await self._spawn_spec(c, argv)
        c.open_log()
        try:
            await c.launch_process(spec, self.started_pids.add)
        except OSError as exc:
            msg = kt.start_error(argv[0]) if exc.errno == 2 else str(exc)
            c.set_state({"terminated": {
                "exitCode": 128, "reason": "StartError", "message": msg,
                "startedAt": kt.EPOCH, "finishedAt": kt.now_rfc3339(),
                "containerID": c.container_id}})  # fmt: skip
            return
        self._event(c, "Normal", "Started", f"Started container {launch.name}")
        await c.wait_exit()

    async def _spawn_spec(self, c: Container, argv: list[str]) -> SpawnSpec:
        launch, caps = c.launch, self.capabilities
        spec = SpawnSpec(
            argv=argv,
            env=environment(c.launch, c.image),
            cwd=_existing_dir(launch.working_dir),
            tty=launch.tty,
            stdin=launch.stdin,
        )  # fmt: skip
        spec.uid, spec.gid = process_identity(launch, c.image)
        if caps.pid_namespaces and not launch.host_pid:
            join = await self._namespace_holder(c)
            if join is not None:
                spec.join_namespaces_of = join
            else:
                spec.new_pid_namespace = True
        if spec.join_namespaces_of is None:
            spec.hostname = self._hostname(launch)
        if launch.host_root_mount and caps.host_mount and spec.join_namespaces_of is None:
            spec.host_root_mount = launch.host_root_mount
        return spec

    @staticmethod
    def _hostname(launch: ContainerLaunch) -> str | None:
        """A pod's containers see the pod's name as hostname; with hostNetwork, the node's
        (so a node debugging pod on sandbox-node-1 says so, not this machine's name)."""
        if not uts_namespaces():
            return None
        return (launch.node_name if launch.host_network else launch.pod_name)[:63] or None

    async def _namespace_holder(self, c: Container) -> int | None:
        """The host pid whose PID namespace `c` joins, or None for a namespace of its own."""
        launch = c.launch
        if launch.kind == "ephemeral" and launch.target_container:
            target = self._containers.get((launch.pod_uid, launch.target_container))
            if target is not None and target.running and target.has_namespace:
                return target.inner_pid
        if not launch.share_process_namespace:
            return None
        pause = self._pauses.get(launch.pod_uid)
        if pause is None or pause.returncode is not None:
            argv = [sys.executable, "-S", str(PROGRAMS_DIR / "pause.py")]
            pause = Process(
                SpawnSpec(
                    argv=argv,
                    env={"PATH": DEFAULT_PATH},
                    new_pid_namespace=True,
                    hostname=self._hostname(launch),
                )
            )
            pause.start()
            self.started_pids.add(pause.pid)
            self._pauses[launch.pod_uid] = pause
        return await pause.inner_pid()

    def image_known(self, image: str) -> bool:
        """True when the image is in the catalogue (it is "present on the machine")."""
        return resolve(image).kind != "missing"

    # -- attach / exec ----------------------------------------------------------------
    async def attach(self, pod_uid: str, container: str) -> StreamHandle:
        c = self._containers.get((pod_uid, container))
        if c is None:
            raise RuntimeFailure(f'container "{container}" not found', reason="NotFound")
        if not c.running:
            raise RuntimeFailure(f"container is in {c.cri_state} state", reason="BadRequest")
        return c.attach()

    async def exec(
        self, pod_uid: str, container: str, command: list[str], *, tty: bool, stdin: bool
    ) -> StreamHandle:
        c = self._containers.get((pod_uid, container))
        if c is None:
            raise RuntimeFailure(f'container "{container}" not found', reason="NotFound")
        if not c.running:
            raise RuntimeFailure(f"container is in {c.cri_state} state", reason="BadRequest")
        env = environment(c.launch, c.image)
        argv, missing = resolve_argv(c.image, list(command), env)
        if missing is not None:
            raise RuntimeFailure(kt.exec_failed_status_message(missing))
        if tty:
            env["TERM"] = "xterm"
        spec = SpawnSpec(argv=argv, env=env, cwd="/", tty=tty, stdin=stdin)
        spec.uid, spec.gid = process_identity(c.launch, c.image)  # exec runs as the container
        if c.has_private_namespaces:
            spec.join_namespaces_of = c.inner_pid
            spec.join_pid = c.has_namespace
        session = ExecSession(spec)
        try:
            handle = session.open()
        except OSError as exc:
            raise RuntimeFailure(kt.exec_failed_status_message(argv[0])) from exc
        c.execs.add(session)
        self.started_pids.add(session.process.pid)

        async def forget() -> None:
            await session.process.wait_output_done()
            c.execs.discard(session)

        self._tasks.add(task := asyncio.get_running_loop().create_task(forget()))
        task.add_done_callback(self._tasks.discard)
        return handle

    # -- stopping ---------------------------------------------------------------------
    async def stop_pod(self, pod_uid: str, grace_seconds: float = 1.0) -> None:
        containers = [c for (uid, _), c in self._containers.items() if uid == pod_uid]
        for c in containers:
            if c.running:
                self._event(c, "Normal", "Killing", f"Stopping container {c.launch.name}")
        await asyncio.gather(*(c.stop(grace_seconds) for c in containers))
        pause = self._pauses.pop(pod_uid, None)
        if pause is not None:
            await pause.stop(0.0)

    def forget_pod(self, pod_uid: str) -> None:
        """Drop a removed pod's (stopped) containers: the node no longer lists them
        (`crictl ps -a`), and keeping them grows memory with every pod ever debugged."""
        for key in [key for key in self._containers if key[0] == pod_uid]:
            del self._containers[key]

    async def close(self) -> None:
        """Kill every process this runtime started and wait for them."""
        self._closed = True
        uids = {uid for uid, _ in self._containers} | set(self._pauses)
        await asyncio.gather(*(self.stop_pod(uid, 0.5) for uid in uids))

    # -- notifications ----------------------------------------------------------------
    def _notify(self, c: Container) -> None:
        try:
            self.on_change(c.launch.pod_uid, c.launch.name, replace(c.state))
        except Exception:
            log.exception("on_change failed for %s/%s", c.launch.pod_name, c.launch.name)

    def _event(self, c: Container, type_: str, reason: str, message: str) -> None:
        if self.on_event is None:
            return
        with contextlib.suppress(Exception):
            self.on_event(c.launch.pod_uid, c.launch.name, type_, reason, message)


def _existing_dir(path: str | None) -> str:
    """The container's working directory if this machine has it, else "/"."""
    return path if path and os.path.isdir(path) else "/"


def process_identity(launch: ContainerLaunch, image: ImageSpec) -> tuple[int, int]:
    """(uid, gid) the container's processes run as: runAsUser, else the image's user;
    runAsGroup, else the image's group for the image's own user.

    One deliberate difference from containerd: where it would give a non-root user group 0
    (a uid the image's /etc/passwd does not list), the sandbox gives the uid as the group.
    These processes share this machine's filesystem, where group 0 opens files a container's
    would not; only an explicit `runAsGroup: 0` gets group 0 for a non-root user here."""
    uid = image.user if launch.run_as_user is None else int(launch.run_as_user)
    if launch.run_as_group is not None:
        return uid, int(launch.run_as_group)
    gid = image.group if uid == image.user else 0
    return uid, uid if uid != 0 and gid == 0 else gid
