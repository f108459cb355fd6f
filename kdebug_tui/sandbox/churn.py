"""A churn generator: N pod events per second (created, restarting, deleted) on synthetic pods.

For benchmarks and soak tests of the watch path at scale. Events come in small batches on
a fixed tick, a third of each kind, so the pod count stays where `--scale` put it. Objects
are replaced, never edited in place: list snapshots (paging.py) hold references to them.
"""

from __future__ import annotations

import asyncio
import contextlib

from kdebug_tui.sandbox.cluster import Cluster
from kdebug_tui.sandbox.errors import ApiError
from kdebug_tui.sandbox.scale import Synthesizer, is_synthetic, parse_time

TICK = 0.05


class Churn:
    """Runs while started; `rate` events per second, adjustable at any time (0 pauses)."""

    def __init__(self, cluster: Cluster, synth: Synthesizer, rate: float = 0.0) -> None:
        self.cluster = cluster
        self.synth = synth
        self.rate = rate
        self.sent = 0
        self._keys = [key for key, pod in cluster.objects("pods").items() if is_synthetic(pod)]
        self._task: asyncio.Task[None] | None = None
        self._debt = 0.0
        self._turn = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(TICK)
            now = loop.time()
            self._debt += self.rate * (now - last)
            last = now
            while self._debt >= 1.0:
                self._debt -= 1.0
                self.step()

    def step(self) -> str:
        """One event, in turn: create, restart, delete. Returns which it was."""
        kind = ("created", "restarting", "deleted")[self._turn % 3]
        self._turn += 1
        if kind != "created" and not self._keys:
            kind = "created"
        try:
            if kind == "created":
                pod = self.synth.pod()
                self.cluster.create("pods", pod)
                meta = pod["metadata"]
                self._keys.append((meta["namespace"], meta["name"]))
            elif kind == "restarting":
                self._restart()
            else:
                self._delete()
        except ApiError:  # a name taken or a pod gone meanwhile (kubectl delete): skip it
            return kind
        self.sent += 1
        return kind

    def _pick(self) -> int:
        return self.synth.rng.randrange(len(self._keys))

    def _restart(self) -> None:
        at = self._pick()
        ns, name = self._keys[at]
        pod = self.cluster.get("pods", ns, name)
        if pod is None:
            self._forget(at)
            return
        statuses = (pod.get("status") or {}).get("containerStatuses") or [{}]
        restarts = int(statuses[0].get("restartCount") or 0) + 1
        created = parse_time(pod["metadata"].get("creationTimestamp"))
        state = "crashloop" if restarts % 2 else "running"
        spec = pod["spec"]
        if "nodeName" not in spec:
            spec = {**spec, "nodeName": self.synth.nodes[0]}
        status = self.synth.status(spec, state, created, restarts)
        new = {**pod, "metadata": dict(pod["metadata"]), "spec": spec, "status": status}
        self.cluster.replace("pods", new)

    def _delete(self) -> None:
        at = self._pick()
        ns, name = self._keys[at]
        self._forget(at)
        if self.cluster.get("pods", ns, name) is not None:
            self.cluster.delete("pods", ns, name)

    def _forget(self, at: int) -> None:
        self._keys[at] = self._keys[-1]
        self._keys.pop()
