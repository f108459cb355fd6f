"""CPU and memory from the sandbox's metrics.k8s.io (its real processes), the percentages of
requests and limits, and `kubectl top` reading the same API."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.metrics import (
    PodPercentages,
    Usage,
    container_usage,
    format_cpu,
    format_memory,
    metrics_available,
    node_percentages,
    node_usage,
    percent_text,
    pod_percentages,
    pod_usage,
    usage_of,
)
from kdebug_tui.kube.session import KubeSession
from tests.sandbox.kubectl import Kubectl
from tests.sandbox.workload_helpers import demo_apps_settled

MI = 1024 * 1024


@pytest.fixture
async def session(sandbox: Any, kubeconfig: Path) -> AsyncIterator[KubeSession]:
    await demo_apps_settled(sandbox)
    async with await KubeSession.open(kubeconfig) as s:
        yield s


def test_usage_and_percentages_from_values() -> None:
    assert usage_of({"cpu": "2500001n", "memory": "10240Ki"}) == Usage(3, 10 * MI)
    pod = {
        "spec": {
            "containers": [
                {
                    "resources": {
                        "requests": {"cpu": "50m", "memory": "32Mi"},
                        "limits": {"cpu": "200m", "memory": "64Mi"},
                    }
                },
                {"resources": {"requests": {"cpu": "50m", "memory": "32Mi"}}},
            ]
        }
    }
    pct = pod_percentages(pod, Usage(25, 16 * MI))
    assert pct == PodPercentages(25, None, 25, None)  # a container without limits: n/a
    assert percent_text(pct.cpu_limits) == "n/a" and percent_text(pct.cpu_requests) == "25%"
    node = {"status": {"allocatable": {"cpu": "2", "memory": "8Gi"}}}
    assert node_percentages(node, Usage(500, 2 * 1024 * MI)) == (25, 25)
    assert (format_cpu(12), format_memory(34 * MI + 5)) == ("12m", "34Mi")


async def test_pod_and_node_usage(session: KubeSession, sandbox: Any) -> None:
    assert await metrics_available(session)
    usage = await pod_usage(session, "shop")
    frontend = [k for k in usage if k[1].startswith("frontend-")]
    assert len(frontend) == 2
    # a Python web server holds some megabytes; the numbers are the processes' own
    assert all(usage[k].memory_bytes > 2 * MI for k in frontend)
    assert ("shop", "nightly-report") not in {(k[0], k[1].rsplit("-", 1)[0]) for k in usage}
    pod = sandbox.cluster.get("pods", *frontend[0])
    pct = pod_percentages(pod, usage[frontend[0]])
    assert pct.memory_requests == usage[frontend[0]].memory_bytes * 100 // (32 * MI)
    every = await container_usage(session, "default", label_selector="app=multi")
    assert set(every) == {("default", "multi")} and set(every[("default", "multi")]) == {
        "app",
        "sidecar",
    }
    nodes = await node_usage(session)
    assert set(nodes) == {"sandbox-node-1", "sandbox-node-2"}
    assert all(u.memory_bytes > 0 for u in nodes.values())


async def test_a_busy_container_uses_cpu(session: KubeSession, sandbox: Any) -> None:
    body = {
        "metadata": {"name": "burner"},
        "spec": {
            "containers": [
                {
                    "name": "spin",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", "while :; do :; done"],
                    "resources": {"requests": {"cpu": "100m"}},
                }
            ]
        },
    }
    sandbox.pods.create("default", body)
    try:
        async with asyncio.timeout(30):
            while True:  # a rate needs time to pass: read until the spinning shows
                found = (await pod_usage(session, "default")).get(("default", "burner"))
                if found is not None and found.cpu_millis > 100:
                    break
                await asyncio.sleep(0.3)
        pct = pod_percentages(sandbox.cluster.get("pods", "default", "burner"), found)
        assert pct.cpu_requests is not None and pct.cpu_requests > 100
    finally:
        sandbox.pods.delete("default", "burner", 0)


async def test_kubectl_top_reads_the_same_api(
    session: KubeSession, kubectl_path: str, kubeconfig: Path, tmp_path: Path
) -> None:
    kubectl = Kubectl(kubectl_path, kubeconfig, tmp_path / "home")
    r = await kubectl("top", "pods", "-n", "shop")
    assert r.code == 0, r.err
    rows = {line.split()[0]: line.split()[1:] for line in r.out.splitlines()[1:]}
    ours = await pod_usage(session, "shop")
    assert set(rows) == {name for _, name in ours}
    for (_, name), usage in ours.items():
        assert re.fullmatch(r"\d+m", rows[name][0])
        assert abs(int(rows[name][1][:-2]) - usage.memory_bytes // MI) <= 2
    r = await kubectl("top", "nodes")
    assert r.code == 0, r.err
    assert r.out.split()[:5] == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
