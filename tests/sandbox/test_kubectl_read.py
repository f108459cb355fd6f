"""The real kubectl reads the sandbox as it reads a cluster: get, -w, -o yaml, describe, logs."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sandbox.helpers import Api, running, wait_pod
from tests.sandbox.kubectl import Kubectl

pytestmark = [pytest.mark.kubectl, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


@pytest.fixture
def kubectl(shared_kubectl: Kubectl) -> Kubectl:
    return shared_kubectl


async def test_get_pods_all_namespaces(kubectl: Kubectl, api: Api) -> None:
    await wait_pod(
        api.sb,
        "default",
        "completed",
        lambda p: p["status"]["phase"] == "Succeeded",
        what="Succeeded",
    )
    await wait_pod(
        api.sb,
        "default",
        "multi",
        lambda p: running(p, "sidecar") and running(p, "app"),
        what="running",
    )
    r = await kubectl("get", "pods", "-A")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == [
        "NAMESPACE",
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
    ]
    rows = {tuple(line.split()[:2]): line.split() for line in lines[1:]}
    assert len(rows) >= 9
    assert rows[("default", "multi")][2:4] == ["2/2", "Running"]
    assert rows[("default", "completed")][2:4] == ["0/1", "Completed"]
    assert rows[("secure", "vault-0")][1] == "vault-0"
    assert "memcache" not in r.err and "Unhandled Error" not in r.err, r.err
    wide = await kubectl("get", "pods", "-n", "shop", "-o", "wide")
    assert "NOMINATED NODE" in wide.out and "sandbox-node-" in wide.out


async def test_get_pods_watch_prints_changes(kubectl: Kubectl, api: Api) -> None:
    proc = await kubectl.start("get", "pods", "-A", "-w")
    assert proc.stdout is not None
    try:
        async with asyncio.timeout(20):
            header = (await proc.stdout.readline()).decode()
            assert header.split()[:4] == ["NAMESPACE", "NAME", "READY", "STATUS"]
            status, _ = await api.call(
                "POST",
                "/api/v1/namespaces/default/pods",
                body={
                    "metadata": {"name": "late"},
                    "spec": {
                        "containers": [
                            {"name": "c", "image": "busybox", "command": ["sleep", "60"]}
                        ]
                    },
                },
            )
            assert status == 201
            while True:
                line = (await proc.stdout.readline()).decode()
                assert line, "kubectl get -w ended"
                if line.split()[:2] == ["default", "late"] and "Running" in line:
                    break
    finally:
        proc.terminate()
        await proc.wait()


async def test_get_pod_yaml_and_nodes(kubectl: Kubectl, api: Api) -> None:
    r = await kubectl("get", "pod", "already-debugged", "-o", "yaml")
    assert r.code == 0, r.err
    pod = yaml.safe_load(r.out)
    assert (
        pod["kind"] == "Pod" and pod["spec"]["ephemeralContainers"][0]["name"] == "debugger-old12"
    )
    r = await kubectl("get", "nodes")
    assert r.code == 0 and "sandbox-node-1" in r.out and "Ready" in r.out
    r = await kubectl("get", "pod", "nope")
    assert r.code == 1 and 'Error from server (NotFound): pods "nope" not found' in r.err


async def test_describe_shows_events(kubectl: Kubectl, api: Api) -> None:
    await wait_pod(api.sb, "default", "with-init", lambda p: running(p, "app"), what="app running")
    r = await kubectl("describe", "pod", "with-init")
    assert r.code == 0, r.err
    assert "Init Containers:" in r.out and "migrate:" in r.out
    events = r.out.split("Events:")[1]
    assert "Successfully assigned default/with-init to sandbox-node-" in events
    assert "Started container migrate" in events and "Started container app" in events


async def test_logs_plain_and_follow(kubectl: Kubectl, api: Api) -> None:
    await wait_pod(
        api.sb, "default", "multi", lambda p: running(p, "sidecar"), what="sidecar running"
    )
    r = await kubectl("logs", "multi", "-c", "sidecar")
    assert r.code == 0 and "sidecar: shipping logs" in r.out
    status, _ = await api.call(
        "POST",
        "/api/v1/namespaces/default/pods",
        body={
            "metadata": {"name": "counter"},
            "spec": {
                "restartPolicy": "Never",
                "containers": [
                    {
                        "name": "c",
                        "image": "busybox",
                        "command": [
                            "sh",
                            "-c",
                            "for i in 1 2 3 4 5; do echo tick $i; sleep 0.2; done",
                        ],
                    }
                ],
            },
        },
    )
    assert status == 201
    await wait_pod(
        api.sb,
        "default",
        "counter",
        lambda p: running(p, "c") or p["status"]["phase"] == "Succeeded",
    )
    r = await kubectl("logs", "-f", "counter", within=20)
    assert r.code == 0, r.err
    assert r.out.splitlines() == [f"tick {i}" for i in range(1, 6)]
    r = await kubectl("logs", "multi", "-c", "app", "--previous")
    assert r.code == 1
    assert 'previous terminated container "app" in pod "multi" not found' in r.err


async def test_create_and_apply_from_a_file(kubectl: Kubectl, api: Api, tmp_path: Path) -> None:
    manifest = tmp_path / "pod.yaml"
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "from-file"},
        "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "60"]}]},
    }
    manifest.write_text(yaml.safe_dump(pod))
    r = await kubectl("create", "-f", str(manifest))
    assert r.code == 0, r.err
    assert r.out.strip() == "pod/from-file created"
    pod["metadata"]["labels"] = {"tier": "x"}
    manifest.write_text(yaml.safe_dump(pod))
    r = await kubectl("apply", "-f", str(manifest))
    assert r.code == 0, r.err
    stored = api.sb.cluster.get_pod("default", "from-file")
    assert stored["metadata"]["labels"] == {"tier": "x"}
    assert "kubectl.kubernetes.io/last-applied-configuration" in stored["metadata"]["annotations"]
