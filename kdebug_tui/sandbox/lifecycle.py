"""Pod lifecycle: what the scheduler and kubelet do, driven by the runtime's callbacks.

Scheduling and IPs on create; init containers one by one, then the regular ones; restarts
with the kubelet's back-off (CrashLoopBackOff); ephemeral containers started on PATCH and
never restarted; graceful deletion (Terminating, then DELETED). Pod status is recomputed from
the per-container states after every change and written back to the store.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

from kdebug_tui.sandbox.cluster import Cluster, now_iso
from kdebug_tui.sandbox.launch import build_launch, find_container, waiting
from kdebug_tui.sandbox.recorder import EventRecorder
from kdebug_tui.sandbox.status import compute_status

log = logging.getLogger(__name__)
Obj = dict[str, Any]
FIELD_KEYS = {"init": "initContainers", "regular": "containers", "ephemeral": "ephemeralContainers"}
MAX_BACKOFF = 300.0
# Real pods get 30s to stop; here shells that ignore SIGTERM as PID 1 would make every delete
# slow, so the grace actually waited is capped (the object still shows the requested one).
MAX_GRACE = 3.0


@dataclass
class Tracked:
    """What the kubelet knows about one container."""

    kind: str
    state: Obj
    last_state: Obj = field(default_factory=dict)
    ready: bool = False
    started: bool = False
    restart_count: int = 0
    image: str = ""
    image_id: str = ""
    container_id: str = ""
    crashes: int = 0


@dataclass
class PodRun:
    uid: str
    namespace: str
    name: str
    containers: dict[str, Tracked] = field(default_factory=dict)
    init_done: bool = False
    deleting: bool = False


class Lifecycle:
    def __init__(
        self,
        cluster: Cluster,
        recorder: EventRecorder,
        runtime: Any,
        launch_cls: Any,
        nodes: list[str],
        backoff_base: float = 10.0,
        backoff_scale: float = 1.0,
    ) -> None:
        self.cluster = cluster
        self.recorder = recorder
        self.runtime = runtime
        self.launch_cls = launch_cls
        self.nodes = nodes
        self.backoff_base = backoff_base
        self.backoff_scale = backoff_scale
        self.runs: dict[str, PodRun] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ip = itertools.count(10)
        self.closed = False

    # -- helpers --------------------------------------------------------------------------
    def _spawn(self, coro: Any) -> None:
        if self.closed:
            coro.close()
            return
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _pod(self, run: PodRun) -> Obj | None:
        pod = self.cluster.get("pods", run.namespace, run.name)
        if pod is None or pod["metadata"].get("uid") != run.uid:
            return None
        return pod

    def _write(self, run: PodRun) -> None:
        pod = self._pod(run)
        if pod is None:
            return
        new = copy.deepcopy(pod)
        new["status"] = compute_status(new, run)
        if new["status"] != pod.get("status"):
            self.cluster.replace("pods", new)

    def _field_path(self, kind: str, name: str) -> str:
        return f"spec.{FIELD_KEYS[kind]}{{{name}}}"

    # -- admission of a new pod -----------------------------------------------------------
    def admit(self, pod: Obj) -> None:
        """Schedule a freshly created pod and start its containers."""
        meta, spec = pod["metadata"], pod["spec"]
        run = PodRun(meta["uid"], meta["namespace"], meta["name"])
        self.runs[run.uid] = run
        for kind, key in (("init", "initContainers"), ("regular", "containers")):
            for c in spec.get(key) or []:
                # the kubelet's default state before a container exists
                reason = "PodInitializing" if spec.get("initContainers") else "ContainerCreating"
                run.containers[c["name"]] = Tracked(kind, waiting(reason), image=c.get("image", ""))
        if not spec.get("nodeName"):
            counts = {n: 0 for n in self.nodes}
            for other in self.cluster.list("pods"):
                node = other["spec"].get("nodeName")
                if node in counts:
                    counts[node] += 1
            spec["nodeName"] = min(self.nodes, key=lambda n: (counts[n], n))
            self.recorder.pod_event(
                pod,
                "Scheduled",
                f"Successfully assigned {run.namespace}/{run.name} to {spec['nodeName']}",
                component="default-scheduler",
            )
        if spec["nodeName"] not in self.nodes:
            self._write(run)
            return  # like a real kubelet-less node: the pod stays Pending
        node_index = self.nodes.index(spec["nodeName"]) + 1
        host_ip = f"172.18.0.{node_index + 1}"
        status = pod.setdefault("status", {})
        status["hostIP"] = host_ip
        status["hostIPs"] = [{"ip": host_ip}]
        pod_ip = host_ip if spec.get("hostNetwork") else f"10.244.{node_index}.{next(self._ip)}"
        status["podIP"] = pod_ip
        status["podIPs"] = [{"ip": pod_ip}]
        status["startTime"] = now_iso()
        self._write(run)
        self._spawn(self._advance(run))

    async def _advance(self, run: PodRun) -> None:
        """Start the next init container, or every regular container once inits are done."""
        pod = self._pod(run)
        if pod is None or run.deleting:
            return
        spec = pod["spec"]
        for c in spec.get("initContainers") or []:
            t = run.containers[c["name"]]
            term = t.state.get("terminated")
            if term is not None and term.get("exitCode") == 0:
                continue
            if t.state.get("running") or t.crashes or "terminated" in t.state:
                return  # already running or in back-off; its callback advances us
            await self._start(run, pod, "init", c)
            return
        run.init_done = True
        for c in spec.get("containers") or []:
            t = run.containers[c["name"]]
            if t.state.get("waiting", {}).get("reason") in ("ContainerCreating", "PodInitializing"):
                t.state = waiting("ContainerCreating")
                await self._start(run, pod, "regular", c)
        self._write(run)

    async def _start(self, run: PodRun, pod: Obj, kind: str, c: Obj) -> None:
        if self.runtime is None:
            return
        try:
            await self.runtime.start(build_launch(self.launch_cls, pod, kind, c))
        except Exception as exc:  # the runtime's failure becomes the container's state
            log.debug("start of %s failed: %s", c["name"], exc)
            t = run.containers[c["name"]]
            t.state = waiting("RunContainerError", str(exc))
            fp = self._field_path(kind, c["name"])
            self.recorder.pod_event(pod, "Failed", f"Error: {exc}", type_="Warning", field_path=fp)
            self._write(run)

    # -- runtime callbacks ----------------------------------------------------------------
    def on_change(self, pod_uid: str, name: str, state: Any) -> None:
        run = self.runs.get(pod_uid)
        if run is None:
            return
        pod = self._pod(run)
        t = run.containers.get(name)
        if pod is None or t is None:
            return
        before = t.state
        t.state = copy.deepcopy(state.state)
        t.last_state = copy.deepcopy(state.last_state or {})
        t.restart_count = state.restart_count
        t.ready = bool(state.ready) and t.kind != "ephemeral"
        t.started = bool(state.started)
        t.image, t.image_id = state.image or t.image, state.image_id
        t.container_id = state.container_id
        if "terminated" in t.state and "terminated" not in before and not run.deleting:
            self._after_exit(run, pod, name, t)
        self._write(run)

    def _after_exit(self, run: PodRun, pod: Obj, name: str, t: Tracked) -> None:
        if t.kind == "ephemeral":
            return  # ephemeral containers are never restarted
        code = t.state["terminated"].get("exitCode", 0)
        policy = pod["spec"].get("restartPolicy", "Always")
        if t.kind == "init":
            if code == 0:
                self._spawn(self._advance(run))
                return
            if policy == "Never":
                return
        elif policy == "Never" or (policy == "OnFailure" and code == 0):
            return
        self._spawn(self._restart(run, name, t))

    async def _restart(self, run: PodRun, name: str, t: Tracked) -> None:
        """Restart after an exit: at once the first time, then 10s, 20s, ... up to 5m."""
        t.crashes += 1
        delay = (
            0.0 if t.crashes == 1 else min(self.backoff_base * 2 ** (t.crashes - 2), MAX_BACKOFF)
        )
        if self._pod(run) is None or run.deleting or self.runtime is None:
            return
        try:
            await self.runtime.restart(run.uid, name, backoff_seconds=delay)
        except Exception as exc:
            log.warning("restart of %s/%s failed: %s", run.name, name, exc)

    def on_event(self, pod_uid: str, name: str, type_: str, reason: str, message: str) -> None:
        """A kubelet event from the runtime, about one container of a pod."""
        run = self.runs.get(pod_uid)
        pod = self._pod(run) if run is not None else None
        if run is None or pod is None:
            return
        t = run.containers.get(name)
        kind = t.kind if t is not None else "regular"
        self.recorder.pod_event(
            pod, reason, message, type_=type_, field_path=self._field_path(kind, name)
        )

    # -- ephemeral containers and deletion ------------------------------------------------
    def add_ephemeral(self, pod: Obj, names: list[str]) -> None:
        run = self.runs.get(pod["metadata"]["uid"])
        if run is None:
            return
        for name in names:
            found = find_container(pod, name)
            if found is None or name in run.containers:
                continue
            run.containers[name] = Tracked(
                "ephemeral", waiting("ContainerCreating"), image=found[1].get("image", "")
            )
            if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                continue
            self._spawn(self._start(run, pod, "ephemeral", found[1]))
        self._write(run)

    async def delete(self, namespace: str, name: str, grace: float) -> None:
        """Stop the pod's processes (Killing events), then remove it (DELETED)."""
        pod = self.cluster.get("pods", namespace, name)
        if pod is None:
            return
        run = self.runs.get(pod["metadata"]["uid"])
        if run is not None and not run.deleting:
            run.deleting = True
            if self.runtime is not None:
                try:
                    await self.runtime.stop_pod(run.uid, grace_seconds=min(grace, MAX_GRACE))
                except Exception as exc:
                    log.warning("stopping pod %s/%s failed: %s", namespace, name, exc)
        current = self.cluster.get("pods", namespace, name)
        if current is not None and current["metadata"]["uid"] == pod["metadata"]["uid"]:
            self.cluster.delete("pods", namespace, name)
        if run is not None:
            self.runs.pop(run.uid, None)
            if self.runtime is not None:
                self.runtime.forget_pod(run.uid)

    def schedule_delete(self, namespace: str, name: str, grace: float) -> None:
        self._spawn(self.delete(namespace, name, grace))

    async def close(self) -> None:
        """No more starts or restarts (the runtime is about to stop everything)."""
        self.closed = True
        for run in self.runs.values():
            run.deleting = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
