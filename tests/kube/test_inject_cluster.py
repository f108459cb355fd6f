"""The same end-to-end paths against a real cluster (KDEBUG_TEST_KUBECONFIG); skipped without.

Everything runs in a throwaway namespace when we may create one (else `default`), and every
pod created here is deleted afterwards.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.attach import AttachSession
from kdebug_tui.kube.debug import CopyOptions, DebugRequest, build
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shell_round_trip

pytestmark = pytest.mark.cluster
FOREVER = ["sh", "-c", "while true; do sleep 3600; done"]
START_TIMEOUT = 180.0  # a real cluster may have to pull busybox first


class Cluster:
    def __init__(self, session: KubeSession, namespace: str) -> None:
        self.session = session
        self.namespace = namespace
        self.created: list[str] = []

    async def pod(self, name: str) -> dict[str, Any]:
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": self.namespace},
            "spec": {"containers": [{"name": "app", "image": "busybox", "command": FOREVER}]},
        }
        await self.session.request_json(
            "POST", f"/api/v1/namespaces/{self.namespace}/pods", body=body
        )
        self.created.append(name)
        outcome = await wait_for_container(
            self.session, self.namespace, name, "app", timeout=START_TIMEOUT
        )
        assert outcome.state == "running", outcome
        return await self.session.request_json(
            "GET", f"/api/v1/namespaces/{self.namespace}/pods/{name}"
        )


@pytest.fixture
async def cluster(real_cluster_kubeconfig: Path) -> AsyncIterator[Cluster]:
    session = await KubeSession.open(kubeconfig=str(real_cluster_kubeconfig))
    namespace = f"kdebug-test-{secrets.token_hex(3)}"
    own_namespace = True
    try:
        await session.request_json(
            "POST",
            "/api/v1/namespaces",
            body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
        )
    except KubeError:
        namespace, own_namespace = "default", False
    state = Cluster(session, namespace)
    try:
        yield state
    finally:
        try:
            if own_namespace:
                await session.request_json("DELETE", f"/api/v1/namespaces/{namespace}")
            else:
                for name in state.created:
                    with contextlib.suppress(KubeError):
                        await session.request_json(
                            "DELETE",
                            f"/api/v1/namespaces/{namespace}/pods/{name}",
                            query=[("gracePeriodSeconds", "0")],
                        )
        finally:
            await session.close()


async def test_cluster_ephemeral_end_to_end(cluster: Cluster) -> None:
    name = f"kdebug-e2e-{secrets.token_hex(3)}"
    pod = await cluster.pod(name)
    request = DebugRequest(
        mode="ephemeral", namespace=cluster.namespace, pod_name=name, image="busybox",
        target="app", command=["sh"],
    )  # fmt: skip
    built = build(request, pod)
    await inject(cluster.session, built)
    outcome = await wait_for_container(
        cluster.session, cluster.namespace, name, built.container_name, timeout=START_TIMEOUT
    )
    assert outcome.state == "running"
    attach = AttachSession(cluster.session, cluster.namespace, name, built.container_name)
    await attach.start(80, 24)
    await shell_round_trip(attach)


async def test_cluster_copy_end_to_end(cluster: Cluster) -> None:
    name = f"kdebug-src-{secrets.token_hex(3)}"
    pod = await cluster.pod(name)
    copy_name = f"{name}-copy"
    request = DebugRequest(
        mode="copy", namespace=cluster.namespace, pod_name=name, image="busybox",
        command=["sh"], copy_options=CopyOptions(copy_to=copy_name),
    )  # fmt: skip
    built = build(request, pod)
    await inject(cluster.session, built)
    cluster.created.append(copy_name)
    outcome = await wait_for_container(
        cluster.session, cluster.namespace, copy_name, built.container_name,
        timeout=START_TIMEOUT,
    )  # fmt: skip
    assert outcome.state == "running"
    attach = AttachSession(cluster.session, cluster.namespace, copy_name, built.container_name)
    await attach.start(80, 24)
    await shell_round_trip(attach)


async def test_cluster_node_end_to_end(cluster: Cluster) -> None:
    nodes = await cluster.session.request_json("GET", "/api/v1/nodes")
    node = nodes["items"][0]["metadata"]["name"]
    request = DebugRequest(
        mode="node", namespace=cluster.namespace, node_name=node, image="busybox",
        command=["sh"], profile="general",
    )  # fmt: skip
    created = await inject(cluster.session, build(request))
    name = created["metadata"]["name"]
    cluster.created.append(name)
    outcome = await wait_for_container(
        cluster.session, cluster.namespace, name, "debugger", timeout=START_TIMEOUT
    )
    assert outcome.state == "running"
    attach = AttachSession(cluster.session, cluster.namespace, name, "debugger")
    await attach.start(80, 24)
    await shell_round_trip(attach)
