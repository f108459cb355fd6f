"""The real kubectl reads the sandbox's workloads as it reads a cluster's."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import pytest_asyncio

from kdebug_tui.kube.resources import KINDS
from tests.sandbox.helpers import Api
from tests.sandbox.kubectl import Kubectl
from tests.sandbox.workload_helpers import demo_apps_settled

pytestmark = [pytest.mark.kubectl, pytest.mark.asyncio(loop_scope="module")]
AGE_COLUMNS = {"AGE", "DURATION", "LAST SCHEDULE", "LAST SEEN", "FIRST SEEN"}


@pytest_asyncio.fixture(loop_scope="module")
async def kubectl(shared_kubectl: Kubectl, shared_sandbox: Any) -> Kubectl:
    await demo_apps_settled(shared_sandbox)
    return shared_kubectl


def _table(out: str) -> tuple[list[str], list[list[str]]]:
    """kubectl's columns: cells are separated by at least two spaces... except that a cell
    may be empty, so split at the header's column starts instead."""
    lines = [line for line in out.splitlines() if line.strip()]
    header = lines[0]
    found = list(re.finditer(r"\S+(?: \S+)*", header))
    starts = [m.start() for m in found]
    names = [m.group() for m in found]
    rows = []
    for line in lines[1:]:
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        rows.append(cells)
    return names, rows


async def test_get_every_workload_kind(kubectl: Kubectl) -> None:
    r = await kubectl("get", "deploy,rs,sts,ds,job,cronjob,svc", "-n", "shop")
    assert r.code == 0, r.err
    assert r.err == ""
    text = r.out
    assert re.search(r"deployment\.apps/frontend\s+2/2\s+2\s+2\s", text), text
    assert re.search(r"replicaset\.apps/frontend-\w+\s+2\s+2\s+2\s", text), text
    assert re.search(r"statefulset\.apps/db\s+1/1\s", text), text
    assert re.search(r"daemonset\.apps/log-agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s", text), text
    assert re.search(r"job\.batch/nightly-report\s+Complete\s+1/1\s", text), text
    assert re.search(
        r"cronjob\.batch/cart-cleanup\s+\*/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>", text
    ), text
    assert re.search(
        r"service/frontend\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80/TCP\s", text
    ), text
    assert re.search(r"service/db\s+ClusterIP\s+None\s+<none>\s+5432/TCP\s", text), text


@pytest.mark.parametrize(
    "resource",
    [
        "deployments",
        "replicasets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
        "services",
        "endpoints",
        "endpointslices",
        "nodes",
        "events",
        "pods",
    ],
)
async def test_our_rows_are_kubectls_rows(kubectl: Kubectl, shared_api: Api, resource: str) -> None:
    """Headers and cells of `kubectl get -o wide` equal the renderer's (ages within a tick)."""
    kind = KINDS[resource]
    scope = ["-n", "shop"] if kind.namespaced else []
    r = await kubectl("get", resource, "-o", "wide", *scope)
    assert r.code == 0, r.err
    names, rows = _table(r.out)
    assert names == kind.headers(wide=True)
    _, body = await shared_api.get(kind.path("shop" if kind.namespaced else None))
    by_name = {o["metadata"]["name"]: o for o in body["items"]}
    assert rows, r.out
    for cells in rows:
        key = cells[names.index("NAME")] if resource != "events" else cells[-1]
        if key not in by_name:
            continue  # created between the two reads (an event)
        ours = kind.row(by_name[key], time.time(), wide=True)
        for name, theirs, mine in zip(names, cells, ours, strict=True):
            if name in AGE_COLUMNS:
                continue
            if resource == "events" and name in ("COUNT", "MESSAGE"):
                continue  # aggregated events move on
            assert theirs == mine, (resource, name, theirs, mine)


async def test_describe_deployment(kubectl: Kubectl) -> None:
    r = await kubectl("describe", "deploy/frontend", "-n", "shop")
    assert r.code == 0, r.err
    out = r.out
    assert re.search(
        r"Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable", out
    ), out
    assert re.search(r"NewReplicaSet:\s+frontend-\w+ \(2/2 replicas created\)", out), out
    assert re.search(r"Selector:\s+app=frontend", out), out
    assert "ScalingReplicaSet" in out


async def test_get_pods_by_label(kubectl: Kubectl) -> None:
    r = await kubectl("get", "pods", "-l", "app=frontend", "-n", "shop", "-o", "name")
    assert r.code == 0, r.err
    pods = r.out.split()
    assert len(pods) == 2 and all(p.startswith("pod/frontend-") for p in pods), r.out


async def test_create_scale_and_rollout_status(kubectl: Kubectl, shared_sandbox: Any) -> None:
    """kubectl's writes on the new kinds: create, scale (the /scale subresource), rollout."""
    manifest = json.dumps(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "scaled", "namespace": "default"},
            "spec": {
                "selector": {"matchLabels": {"app": "scaled"}},
                "template": {
                    "metadata": {"labels": {"app": "scaled"}},
                    "spec": {
                        "containers": [
                            {"name": "main", "image": "busybox:1.36", "command": ["sleep", "3600"]}
                        ]
                    },
                },
            },
        }
    )  # kubectl's typed `create deployment` sends protobuf, which the sandbox reads for Pods only
    r = await kubectl("create", "-f", "-", stdin=manifest.encode())
    assert r.code == 0, r.err
    r = await kubectl("scale", "deployment/scaled", "--replicas=2", "-n", "default")
    assert r.code == 0 and "scaled" in r.out, r.err
    r = await kubectl(
        "rollout", "status", "deployment/scaled", "-n", "default", "--timeout=30s", within=40
    )
    assert r.code == 0, r.err
    assert "successfully rolled out" in r.out
    d = shared_sandbox.cluster.get("deployments", "default", "scaled")
    assert d["status"]["availableReplicas"] == 2
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    r = await kubectl(
        "get", "deployment/scaled", "-n", "default", "-o", "jsonpath={.spec.replicas}"
    )
    assert r.out == "2"
