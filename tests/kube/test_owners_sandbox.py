"""The way down from a workload, Service or node to its pods, over real HTTPS."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.owners import get_object, list_objects, list_pods_for, pod_query
from kdebug_tui.kube.resources import KINDS
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.watch import WatchOptions, watch_objects
from tests.sandbox.workload_helpers import demo_apps_settled


@pytest.fixture
async def session(sandbox: Any, kubeconfig: Path) -> AsyncIterator[KubeSession]:
    await demo_apps_settled(sandbox)
    async with await KubeSession.open(kubeconfig) as s:
        yield s


def names(pods: list[dict[str, Any]]) -> list[str]:
    return sorted(p["metadata"]["name"] for p in pods)


def store_pods(sb: Any, ns: str, prefix: str) -> list[str]:
    return sorted(
        p["metadata"]["name"]
        for p in sb.cluster.list("pods", ns)
        if p["metadata"]["name"].startswith(prefix)
    )


async def pods_of(session: KubeSession, resource: str, ns: str | None, name: str) -> list[str]:
    kind = KINDS[resource]
    obj = await get_object(session, kind, ns, name)
    return names(await list_pods_for(session, await pod_query(session, kind, obj)))


async def test_pods_of_each_workload(session: KubeSession, sandbox: Any) -> None:
    frontend = store_pods(sandbox, "shop", "frontend-")
    assert len(frontend) == 2
    assert await pods_of(session, "deployments", "shop", "frontend") == frontend
    [rs] = await list_objects(session, KINDS["replicasets"], "shop")
    assert await pods_of(session, "replicasets", "shop", rs["metadata"]["name"]) == frontend
    assert await pods_of(session, "services", "shop", "frontend") == frontend
    assert await pods_of(session, "statefulsets", "shop", "db") == ["db-0"]
    assert await pods_of(session, "services", "shop", "redis") == ["redis-0"]
    assert await pods_of(session, "daemonsets", "shop", "log-agent") == store_pods(
        sandbox, "shop", "log-agent-"
    )
    assert await pods_of(session, "jobs", "shop", "nightly-report") == store_pods(
        sandbox, "shop", "nightly-report-"
    )
    assert await pods_of(session, "cronjobs", "shop", "cart-cleanup") == []


async def test_pods_of_a_node(session: KubeSession, sandbox: Any) -> None:
    on_node = sorted(
        p["metadata"]["name"]
        for p in sandbox.cluster.list("pods")
        if p["spec"].get("nodeName") == "sandbox-node-1"
    )
    found = await pods_of(session, "nodes", None, "sandbox-node-1")
    assert found == on_node
    assert any(n.startswith("log-agent-") for n in found)


async def test_listed_objects_render(session: KubeSession) -> None:
    kind = KINDS["deployments"]
    [d] = await list_objects(session, kind, "shop")
    assert d["kind"] == "Deployment" and d["apiVersion"] == "apps/v1"
    assert kind.row(d, time.time())[:4] == ["frontend", "2/2", "2", "2"]
    every = await list_objects(session, KINDS["services"], None)
    assert {s["metadata"]["name"] for s in every} >= {"frontend", "db", "redis"}


async def test_watch_objects_follows_a_deployment(session: KubeSession, sandbox: Any) -> None:
    kind = KINDS["deployments"]
    options = WatchOptions(inactivity_timeout=10.0, timeout_seconds=60)
    stream = watch_objects(session, kind, "shop", options)
    async with contextlib.aclosing(stream):
        async with asyncio.timeout(20):
            async for update in stream:
                if update.kind == "RELISTED":
                    assert [d["metadata"]["name"] for d in update.pods] == ["frontend"]
                    assert update.pods[0]["kind"] == "Deployment"
                    await session.request_json(
                        "PATCH",
                        kind.path("shop", "frontend"),
                        body={"spec": {"replicas": 3}},
                        content_type="application/merge-patch+json",
                    )
                elif update.kind == "MODIFIED" and update.pod is not None:
                    status = update.pod.get("status") or {}
                    if status.get("readyReplicas") == 3:
                        assert kind.row(update.pod, time.time())[1] == "3/3"
                        break
