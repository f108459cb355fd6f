"""metrics.k8s.io/v1beta1 from the sandbox's real processes, as metrics-server serves it.

A container's usage is its process tree's: CPU from the utime+stime ticks of
/proc/<pid>/stat (the rate between two reads at least a second apart, or the average
since the process started for a first read), memory as resident set size. A pod lists its
running containers; a node's usage is the sum of its pods' (sandbox nodes have no machine
of their own). Pods with no running container are left out, as metrics-server leaves out
pods it has no samples for.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kdebug_tui.sandbox.cluster import Change
from kdebug_tui.sandbox.errors import ApiError, not_found
from kdebug_tui.sandbox.namespaces import descendants
from kdebug_tui.sandbox.request import RequestInfo
from kdebug_tui.sandbox.selectors import parse_label_selector
from kdebug_tui.sandbox.watchio import json_response

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

Obj = dict[str, Any]
API_VERSION = "metrics.k8s.io/v1beta1"
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
WINDOW = "10s"
MIN_INTERVAL = 1.0


def _boot_time() -> float:
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return time.time()


_BOOT = _boot_time()


def process_sample(pid: int) -> tuple[int, float, int] | None:
    """(cpu ticks used, start time as epoch, resident bytes) of one process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        with open(f"/proc/{pid}/statm") as f:
            resident = int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        started = _BOOT + int(fields[19]) / TICKS
    except (ValueError, IndexError):
        return None
    return ticks, started, resident


class Sampler:
    """Per container: the last (ticks, time) read and the rate it gave, so a CPU rate is
    measured over at least a second and repeated reads in between agree."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], tuple[int, float, float]] = {}

    def forget(self, uid: str) -> None:
        """Drop a deleted pod's samples: uids are never reused, and kept they would grow
        with every pod ever read."""
        for key in [key for key in self._last if key[0] == uid]:
            del self._last[key]

    def usage(self, key: tuple[str, str], pids: list[int]) -> tuple[int, int] | None:
        """(nanocores, bytes) of a process tree, None when none of its processes is left."""
        samples = [s for s in (process_sample(pid) for pid in pids) if s is not None]
        if not samples:
            return None
        now = time.time()
        ticks = sum(s[0] for s in samples)
        memory = sum(s[2] for s in samples)
        last = self._last.get(key)
        if last is None or ticks < last[0]:
            lifetime = max(now - min(s[1] for s in samples), 1e-3)
            cores = ticks / TICKS / lifetime  # a first read: the average since the start
            self._last[key] = (ticks, now, cores)
        elif now - last[1] >= MIN_INTERVAL:
            cores = (ticks - last[0]) / TICKS / (now - last[1])
            self._last[key] = (ticks, now, cores)
        else:
            cores = last[2]
        return int(cores * 1e9), memory


def _sampler(sb: ApiState) -> Sampler:
    sampler = getattr(sb, "_metrics_sampler", None)
    if sampler is None:
        sampler = Sampler()
        sb._metrics_sampler = sampler  # type: ignore[attr-defined]

        def on_change(change: Change) -> None:
            if change.resource == "pods" and change.type == "DELETED":
                sampler.forget(change.new["metadata"].get("uid", ""))

        sb.cluster.listeners.append(on_change)
    return sampler


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod_metrics(sb: ApiState, pod: Obj) -> Obj | None:
    uid = pod["metadata"]["uid"]
    containers = []
    for c in pod["spec"].get("containers") or []:
        pid = sb.runtime.pid_of(uid, c["name"]) if sb.runtime is not None else None
        if pid is None:
            continue
        found = _sampler(sb).usage((uid, c["name"]), [pid, *descendants(pid)])
        if found is None:
            continue
        nanocores, memory = found
        containers.append(
            {"name": c["name"], "usage": {"cpu": f"{nanocores}n", "memory": f"{memory // 1024}Ki"}}
        )
    if not containers:
        return None
    meta = pod["metadata"]
    return {
        "kind": "PodMetrics",
        "apiVersion": API_VERSION,
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "creationTimestamp": _stamp(),
            "labels": dict(meta.get("labels") or {}),
        },
        "timestamp": _stamp(),
        "window": WINDOW,
        "containers": containers,
    }


def node_metrics(sb: ApiState, node: Obj, pods: list[Obj]) -> Obj:
    """A node's usage: the sum of the usage of the pods that run on it."""
    cpu = memory = 0
    name = node["metadata"]["name"]
    for pod in pods:
        if pod["spec"].get("nodeName") != name:
            continue
        found = pod_metrics(sb, pod)
        for c in (found or {}).get("containers") or []:
            cpu += int(c["usage"]["cpu"][:-1])
            memory += int(c["usage"]["memory"][:-2]) * 1024
    return {
        "kind": "NodeMetrics",
        "apiVersion": API_VERSION,
        "metadata": {
            "name": name,
            "creationTimestamp": _stamp(),
            "labels": dict(node["metadata"].get("labels") or {}),
        },
        "timestamp": _stamp(),
        "window": WINDOW,
        "usage": {"cpu": f"{cpu}n", "memory": f"{memory // 1024}Ki"},
    }


async def route(sb: ApiState, request: web.Request, info: RequestInfo) -> web.StreamResponse:
    if info.resource not in ("pods", "nodes") or info.subresource:
        raise ApiError(404, "the server could not find the requested resource", details={})
    if info.verb not in ("get", "list"):
        raise ApiError(405, "the server does not allow this method on the requested resource")
    match = parse_label_selector(request.query.get("labelSelector"))
    running = [
        p for p in sb.cluster.list("pods") if (p.get("status") or {}).get("phase") == "Running"
    ]
    if info.resource == "nodes":
        nodes = sb.cluster.list("nodes")
        if info.name:
            node = sb.cluster.get("nodes", "", info.name)
            if node is None:
                raise not_found("nodes", info.name, "metrics.k8s.io")
            return json_response(node_metrics(sb, node, running))
        items = [node_metrics(sb, n, running) for n in nodes if match(n)]
        return json_response(_list("NodeMetricsList", items))
    if info.name:
        pod = sb.cluster.get("pods", info.namespace or "", info.name)
        found = pod_metrics(sb, pod) if pod is not None else None
        if found is None:
            raise not_found("pods", info.name, "metrics.k8s.io")
        return json_response(found)
    pods = [
        p for p in running
        if (info.namespace is None or p["metadata"]["namespace"] == info.namespace) and match(p)
    ]  # fmt: skip
    items = [m for m in (pod_metrics(sb, p) for p in pods) if m is not None]
    return json_response(_list("PodMetricsList", items))


def _list(kind: str, items: list[Obj]) -> Obj:
    return {"kind": kind, "apiVersion": API_VERSION, "metadata": {}, "items": items}
