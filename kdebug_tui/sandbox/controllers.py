"""The workload controllers, simple but honest: a Deployment owns a ReplicaSet owns pods.

What kube-controller-manager does, reduced to its visible contract: owner references with
`controller: true`, the `pod-template-hash` label, pods created through the same path as
`kubectl create` (so they are real sandbox processes), status counts computed from those
pods, events on the owners (ScalingReplicaSet, SuccessfulCreate...), and dependents
deleted after their owner (background cascading deletion). Not modelled: surge and
unavailability budgets of a rolling update (the new ReplicaSet is scaled up at once and the
old ones down once it is available), PVCs of StatefulSets, node taints for DaemonSets.

Every change to a relevant object schedules one coalesced pass over the workloads of the
namespaces involved; a pass writes only what differs, so it settles by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kdebug_tui.sandbox import jobs, services, workloads
from kdebug_tui.sandbox.cluster import Change, Cluster
from kdebug_tui.sandbox.errors import ApiError
from kdebug_tui.sandbox.ownership import ControllerBase

if TYPE_CHECKING:
    from kdebug_tui.sandbox.podops import PodOps

log = logging.getLogger(__name__)
Obj = dict[str, Any]
OWNER_KINDS = ("deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs")
WATCHED = {*OWNER_KINDS, "services", "nodes"}


class Controllers(ControllerBase):
    """Deployment, ReplicaSet, StatefulSet and DaemonSet controllers, the garbage collector,
    and (through jobs.py and services.py) Jobs, CronJobs and Endpoints."""

    def __init__(
        self, cluster: Cluster, pods: PodOps, *, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(cluster, pods, clock=clock)
        self._pending: set[str] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._tick: asyncio.Task[None] | None = None
        self._orphaned: dict[str, set[str]] = {}  # namespace -> uids of deleted owners
        self._namespaces: set[str] = set()  # namespaces holding workloads or Services
        self.passes = 0

    # -- wiring ---------------------------------------------------------------------------
    def start(self) -> None:
        self.cluster.listeners.append(self._on_change)
        self._tick = asyncio.get_running_loop().create_task(self._clock_loop())

    async def close(self) -> None:
        with contextlib.suppress(ValueError):
            self.cluster.listeners.remove(self._on_change)
        if self._handle is not None:
            self._handle.cancel()
        if self._tick is not None:
            self._tick.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick

    async def _clock_loop(self) -> None:
        """CronJobs act on time alone: look every few seconds."""
        while True:
            await asyncio.sleep(5.0)
            if self.cluster.list("cronjobs"):
                self._pending.update(
                    o["metadata"]["namespace"] for o in self.cluster.list("cronjobs")
                )
                self._schedule()

    def _on_change(self, change: Change) -> None:
        ns = change.new.get("metadata", {}).get("namespace", "")
        if change.resource == "nodes":
            self._pending.update(self._namespaces)
        elif change.resource in WATCHED:
            self._namespaces.add(ns)
            if change.type == "DELETED":
                self._orphaned.setdefault(ns, set()).add(change.new["metadata"].get("uid", ""))
        elif change.resource != "pods" or ns not in self._namespaces:
            return
        self._pending.add(ns)
        self._schedule()

    def _schedule(self) -> None:
        if self._handle is None:
            with contextlib.suppress(RuntimeError):  # no loop: a synchronous test store
                self._handle = asyncio.get_running_loop().call_later(0.02, self._run)

    def _run(self) -> None:
        self._handle = None
        pending, self._pending = self._pending, set()
        for ns in sorted(pending):
            try:
                self.reconcile(ns)
            except Exception:  # one broken object must not stop the controllers
                log.exception("sandbox controllers failed in namespace %s", ns)

    # -- one pass -------------------------------------------------------------------------
    def reconcile(self, ns: str) -> None:
        self.passes += 1
        self._collect_garbage(ns)
        for d in self.cluster.list("deployments", ns):
            workloads.deployment(self, d)
        for rs in self.cluster.list("replicasets", ns):
            workloads.replicaset(self, rs)
        for sts in self.cluster.list("statefulsets", ns):
            workloads.statefulset(self, sts)
        for ds in self.cluster.list("daemonsets", ns):
            workloads.daemonset(self, ds)
        for cj in self.cluster.list("cronjobs", ns):
            jobs.cronjob(self, cj)
        for job in self.cluster.list("jobs", ns):
            jobs.job(self, job)
        services.reconcile_endpoints(self.cluster, ns)

    def _collect_garbage(self, ns: str) -> None:
        """Background cascading deletion: dependents of owners deleted since the last pass.
        Only owners seen deleted count: pods pointing at owners that never existed (the
        synthetic pods of --scale) are left alone."""
        gone = self._orphaned.pop(ns, set())
        if not gone:
            return
        for resource in ("replicasets", "jobs", "pods"):
            for obj in self.cluster.list(resource, ns):
                refs = obj["metadata"].get("ownerReferences") or []
                if not any(r.get("uid") in gone for r in refs):
                    continue
                if resource == "pods":
                    self.delete_pod(None, obj)
                else:
                    with contextlib.suppress(ApiError):
                        self.cluster.delete(resource, ns, obj["metadata"]["name"])
