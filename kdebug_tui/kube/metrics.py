"""CPU and memory from metrics.k8s.io, with the percentages k9s shows next to them.

`metrics_available()` says whether the API answers (metrics-server installed); the reads
return plain values keyed by object, and the `*_percentages` functions relate them to what
the pod requests and limits (%CPU/R, %CPU/L, %MEM/R, %MEM/L; None where nothing is set, as
k9s shows n/a) or to a node's allocatable. Display follows `kubectl top`: `12m`, `34Mi`.

    if await metrics_available(session):
        usage = await pod_usage(session, "shop")        # {(ns, name): Usage}
        pct = pod_percentages(pod, usage[("shop", name)])
        cells = [format_cpu(u.cpu_millis), format_memory(u.memory_bytes),
                 percent_text(pct.cpu_requests)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kdebug_tui.kube import quantity
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.podfields import d, ds, s

Obj = dict[str, Any]
GROUP_PATH = "/apis/metrics.k8s.io/v1beta1"


@dataclass(frozen=True)
class Usage:
    cpu_millis: int
    memory_bytes: int

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.cpu_millis + other.cpu_millis, self.memory_bytes + other.memory_bytes)


@dataclass(frozen=True)
class PodPercentages:
    """Usage as a percentage of the pod's requests and limits (None: none set)."""

    cpu_requests: int | None
    cpu_limits: int | None
    memory_requests: int | None
    memory_limits: int | None


def usage_of(values: Any) -> Usage:
    """A metrics `usage` map (`{"cpu": "1234567n", "memory": "10240Ki"}`) as numbers."""
    values = d(values)  # millicores rounded up, as Quantity.MilliValue (kubectl top)
    return Usage(quantity.millis(values.get("cpu")), quantity.value(values.get("memory")))


async def metrics_available(session: Any) -> bool:
    """Whether metrics.k8s.io answers (False without metrics-server, or when forbidden)."""
    try:
        await session.request_json("GET", GROUP_PATH, resource="metrics")
    except KubeError:
        return False
    return True


async def pod_usage(
    session: Any, namespace: str | None, *, label_selector: str | None = None
) -> dict[tuple[str, str], Usage]:
    """(namespace, pod) -> the sum of its containers' usage."""
    return {k: sum(v.values(), Usage(0, 0)) for k, v in (await container_usage(
        session, namespace, label_selector=label_selector)).items()}  # fmt: skip


async def container_usage(
    session: Any, namespace: str | None, *, label_selector: str | None = None
) -> dict[tuple[str, str], dict[str, Usage]]:
    """(namespace, pod) -> container name -> usage."""
    path = GROUP_PATH + (f"/namespaces/{namespace}/pods" if namespace else "/pods")
    query = [("labelSelector", label_selector)] if label_selector else []
    body = await session.request_json(
        "GET", path, query=query, resource="pods.metrics.k8s.io", namespace=namespace
    )
    found: dict[tuple[str, str], dict[str, Usage]] = {}
    for item in ds(d(body).get("items")):
        meta = d(item.get("metadata"))
        key = (s(meta.get("namespace")), s(meta.get("name")))
        found[key] = {
            s(c.get("name")): usage_of(c.get("usage")) for c in ds(item.get("containers"))
        }
    return found


async def node_usage(session: Any) -> dict[str, Usage]:
    body = await session.request_json("GET", GROUP_PATH + "/nodes", resource="nodes.metrics.k8s.io")
    return {
        s(d(item.get("metadata")).get("name")): usage_of(item.get("usage"))
        for item in ds(d(body).get("items"))
    }


def _pod_total(pod: Obj, key: str, resource: str) -> int | None:
    """The sum over the pod's app containers of one request or limit (None if any lacks
    it: k9s shows n/a rather than a percentage of a partial sum)."""
    total = 0
    containers = ds(d(pod.get("spec")).get("containers"))
    if not containers:
        return None
    for c in containers:
        value = d(d(c.get("resources")).get(key)).get(resource)
        if value is None:
            return None
        total += quantity.millis(value) if resource == "cpu" else quantity.value(value)
    return total or None


def pod_percentages(pod: Obj, usage: Usage) -> PodPercentages:
    def pct(part: int, whole: int | None) -> int | None:
        return None if whole is None else quantity.percent(part, whole)

    return PodPercentages(
        pct(usage.cpu_millis, _pod_total(pod, "requests", "cpu")),
        pct(usage.cpu_millis, _pod_total(pod, "limits", "cpu")),
        pct(usage.memory_bytes, _pod_total(pod, "requests", "memory")),
        pct(usage.memory_bytes, _pod_total(pod, "limits", "memory")),
    )


def node_percentages(node: Obj, usage: Usage) -> tuple[int, int]:
    """(CPU%, MEMORY%) of the node's allocatable, as `kubectl top node` prints them."""
    allocatable = d(d(node.get("status")).get("allocatable"))
    return (
        quantity.percent(usage.cpu_millis, quantity.millis(allocatable.get("cpu"))),
        quantity.percent(usage.memory_bytes, quantity.value(allocatable.get("memory"))),
    )


def format_cpu(millis: int) -> str:
    """`kubectl top`'s CPU(cores) column: millicores."""
    return f"{millis}m"


def format_memory(count: int) -> str:
    """`kubectl top`'s MEMORY(bytes) column: mebibytes."""
    return f"{count // (1024 * 1024)}Mi"


def percent_text(value: int | None) -> str:
    return "n/a" if value is None else f"{value}%"
