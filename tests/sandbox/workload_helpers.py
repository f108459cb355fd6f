"""Waiting on the sandbox's store for workload states (woken by every change, no polling)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def wait_store(
    sb: Any, predicate: Callable[[], Any], within: float = 20.0, what: str = "condition"
) -> Any:
    """Wait until `predicate()` returns something truthy; return it."""
    changed = asyncio.Event()

    def listener(_change: Any) -> None:
        changed.set()

    sb.cluster.listeners.append(listener)
    try:
        async with asyncio.timeout(within):
            while True:
                found = predicate()
                if found:
                    return found
                changed.clear()
                await changed.wait()
    except TimeoutError:
        raise AssertionError(f"timed out after {within}s waiting for {what}") from None
    finally:
        sb.cluster.listeners.remove(listener)


def status_of(sb: Any, resource: str, ns: str, name: str) -> dict[str, Any]:
    obj = sb.cluster.get(resource, ns, name)
    return (obj or {}).get("status") or {}


async def demo_apps_settled(sb: Any) -> None:
    """The demo's Deployment, StatefulSet and DaemonSet available, its Job complete."""

    def settled() -> bool:
        d = status_of(sb, "deployments", "shop", "frontend")
        s = status_of(sb, "statefulsets", "shop", "db")
        ds = status_of(sb, "daemonsets", "shop", "log-agent")
        job = status_of(sb, "jobs", "shop", "nightly-report")
        return (
            d.get("availableReplicas") == 2
            and s.get("readyReplicas") == 1
            and ds.get("numberAvailable") == 2
            and job.get("succeeded") == 1
        )

    await wait_store(sb, settled, what="the demo's workloads to be available")
