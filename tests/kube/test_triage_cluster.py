"""The triage features against a real cluster (KDEBUG_TEST_KUBECONFIG); skipped without."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest

from kdebug_tui.kube.attach import run_command
from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.files import TargetFiles
from kdebug_tui.kube.identity import probe_target_identity, resolve_target_identity
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.stopping import STOP_MESSAGE, stop_debugger
from tests.kube.test_inject_cluster import START_TIMEOUT, Cluster, cluster  # noqa: F401

pytestmark = pytest.mark.cluster
FOREVER = ["sh", "-c", "while true; do sleep 3600; done"]


async def _pod_as_1000(cluster: Cluster, name: str) -> dict:  # noqa: F811
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": cluster.namespace},
        "spec": {
            "containers": [
                {"name": "app", "image": "busybox", "command": FOREVER,
                 "securityContext": {"runAsUser": 1000}},
            ]
        },
    }  # fmt: skip
    await cluster.session.request_json(
        "POST", f"/api/v1/namespaces/{cluster.namespace}/pods", body=body
    )
    cluster.created.append(name)
    await wait_for_container(cluster.session, cluster.namespace, name, "app", timeout=START_TIMEOUT)
    return await cluster.session.request_json(
        "GET", f"/api/v1/namespaces/{cluster.namespace}/pods/{name}"
    )


async def _debugger(cluster: Cluster, pod: dict, **options: object) -> str:  # noqa: F811
    request = DebugRequest(
        mode="ephemeral", namespace=cluster.namespace, pod_name=pod["metadata"]["name"],
        image="busybox", target="app", command=FOREVER, stdin=False, tty=False,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip
    built = build(request, pod)
    await inject(cluster.session, built)
    outcome = await wait_for_container(
        cluster.session, cluster.namespace, built.pod_name, built.container_name,
        timeout=START_TIMEOUT,
    )  # fmt: skip
    assert outcome.state == "running", outcome
    return built.container_name


async def test_cluster_identity_files_and_stop(cluster: Cluster, tmp_path: Path) -> None:  # noqa: F811
    name = f"kdebug-triage-{secrets.token_hex(3)}"
    pod = await _pod_as_1000(cluster, name)
    ns = cluster.namespace
    identity = await resolve_target_identity(cluster.session, pod, "app")
    assert identity.uid == 1000
    probed = await probe_target_identity(cluster.session, ns, name, "app", "busybox")
    assert probed.uid == 1000, probed.explanation

    same_user = await _debugger(cluster, pod, run_as_target_user=True)
    out, _ = await run_command(cluster.session, ns, name, same_user, ["id", "-u"])
    assert out.strip() == b"1000"

    general = await _debugger(cluster, pod, wrap_for_stop=True)
    files = await TargetFiles.open(cluster.session, ns, name, general)
    payload = tmp_path / "payload.bin"
    payload.write_bytes(secrets.token_bytes(100_000))
    digest = await files.upload(payload, "/tmp/kdebug-payload.bin")
    assert "kdebug-payload.bin" in {e.name for e in await files.list_dir("/tmp")}
    back = await files.download("/tmp/kdebug-payload.bin", tmp_path / "back.bin")
    assert back == digest == hashlib.sha256(payload.read_bytes()).hexdigest()

    outcome = await stop_debugger(cluster.session, ns, name, general, timeout=60)
    assert outcome.state == "terminated"
    after = await cluster.session.request_json("GET", f"/api/v1/namespaces/{ns}/pods/{name}")
    [status] = [s for s in after["status"]["ephemeralContainerStatuses"] if s["name"] == general]
    assert status["state"]["terminated"].get("message", "").strip() == STOP_MESSAGE
