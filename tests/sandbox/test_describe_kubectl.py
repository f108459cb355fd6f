"""kube/describe.py against the real `kubectl describe` on the sandbox: the same text, line
for line, once ages (which move between the two reads) are masked."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from kdebug_tui.kube.describe import describe
from kdebug_tui.kube.resources import KINDS
from kdebug_tui.kube.session import KubeSession
from tests.sandbox.kubectl import Kubectl
from tests.sandbox.workload_helpers import demo_apps_settled

pytestmark = [pytest.mark.kubectl, pytest.mark.asyncio(loop_scope="module")]
AGE = re.compile(r"\b\d+(?:[smhdy]\d*[smhd]?)(?: ago)?\b")


@pytest_asyncio.fixture(loop_scope="module")
async def session(shared_sandbox: Any, shared_kubectl: Kubectl) -> AsyncIterator[KubeSession]:
    await demo_apps_settled(shared_sandbox)
    async with await KubeSession.open(shared_kubectl.kubeconfig) as s:
        yield s


def normal(text: str) -> list[str]:
    """Ages masked, then runs of spaces collapsed (a masked age may have changed width)."""
    return [re.sub(r"\s+", " ", AGE.sub("<age>", line)).rstrip() for line in text.splitlines()]


def first_pod(sb: Any, ns: str, prefix: str) -> str:
    return next(
        p["metadata"]["name"]
        for p in sb.cluster.list("pods", ns)
        if p["metadata"]["name"].startswith(prefix)
    )


async def compare(
    session: KubeSession, kubectl: Kubectl, resource: str, ns: str | None, name: str
) -> str:
    """Our describe and kubectl's of the same object, equal once ages are masked. A pod that
    crash-loops can change between the two reads: read both again until they agree (it
    settles in its back-off), for at most 20 s."""
    ours = theirs = ""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while loop.time() < deadline:
        ours = await describe(session, KINDS[resource], ns, name)
        r = await kubectl("describe", resource, name, *(["-n", ns] if ns else []))
        assert r.code == 0, r.err
        theirs = r.out
        if normal(ours) == normal(theirs):
            return ours
        await asyncio.sleep(0.5)
    raise AssertionError(f"{resource}/{name}:\n{ours}\n---- kubectl:\n{theirs}")


async def test_pods_describe_as_kubectl(
    session: KubeSession, shared_kubectl: Kubectl, shared_sandbox: Any
) -> None:
    frontend = first_pod(shared_sandbox, "shop", "frontend-")
    text = await compare(session, shared_kubectl, "pods", "shop", frontend)
    # the sections the issue names are all there, with the pod's values
    assert re.search(r"Controlled By:\s+ReplicaSet/frontend-", text)
    assert re.search(r"Port:\s+8080/TCP", text)
    assert re.search(r"cpu:\s+200m", text) and re.search(r"memory:\s+32Mi", text)
    assert re.search(rf"POD_NAME:\s+{frontend} \(v1:metadata.name\)", text)
    assert "/cache from cache (rw)" in text
    assert "EmptyDir (a temporary directory" in text
    assert re.search(r"QoS Class:\s+Burstable", text)
    assert "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s" in text
    assert re.search(r"Normal\s+Scheduled\s+\S+\s+default-scheduler", text)
    for name in ("already-debugged", "with-init", "crashloop", "multi", "completed"):
        await compare(session, shared_kubectl, "pods", "default", name)


@pytest.mark.parametrize(
    ("resource", "ns", "name"),
    [
        ("deployments", "shop", "frontend"),
        ("statefulsets", "shop", "db"),
        ("daemonsets", "shop", "log-agent"),
        ("jobs", "shop", "nightly-report"),
        ("cronjobs", "shop", "cart-cleanup"),
        ("services", "shop", "frontend"),
        ("services", "shop", "db"),
        ("endpoints", "shop", "frontend"),
        ("nodes", None, "sandbox-node-1"),
        ("namespaces", None, "shop"),
    ],
)
async def test_kinds_describe_as_kubectl(
    session: KubeSession, shared_kubectl: Kubectl, resource: str, ns: str | None, name: str
) -> None:
    await compare(session, shared_kubectl, resource, ns, name)


async def test_replicaset_describe_as_kubectl(
    session: KubeSession, shared_kubectl: Kubectl, shared_sandbox: Any
) -> None:
    [rs] = shared_sandbox.cluster.list("replicasets", "shop")
    text = await compare(session, shared_kubectl, "replicasets", "shop", rs["metadata"]["name"])
    assert re.search(r"Pods Status:\s+2 Running / 0 Waiting / 0 Succeeded / 0 Failed", text)


async def test_service_endpoints_come_from_its_slices(session: KubeSession) -> None:
    text = await describe(session, KINDS["services"], "shop", "frontend")
    line = next(x for x in text.splitlines() if x.startswith("Endpoints:"))
    assert len(re.findall(r"10\.244\.\d+\.\d+:8080", line)) == 2, text
