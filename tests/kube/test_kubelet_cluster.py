"""Stop, the default spec and uploads against a real cluster (KDEBUG_TEST_KUBECONFIG); these
are the paths that passed on the sandbox but failed on a real kubelet (the `$$` expansion
broke every stop). Skipped without a real cluster."""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
from pathlib import Path

import pytest

from kdebug_tui.kube.attach import AttachSession, run_command
from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.files import TargetFiles
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.stopping import STOP_MESSAGE, stop_debugger
from tests.kube.canon import canonical_container, diff
from tests.kube.e2e import drain, read_until
from tests.kube.test_inject_cluster import START_TIMEOUT, Cluster, cluster  # noqa: F401
from tests.kube.test_stop_hygiene import PROC_STATS, _processes

pytestmark = pytest.mark.cluster


async def _debugger(cluster: Cluster, pod: dict, **options: object) -> str:  # noqa: F811
    fields: dict = {
        "mode": "ephemeral", "namespace": cluster.namespace,
        "pod_name": pod["metadata"]["name"], "image": "busybox:1.36", "target": "app",
    }  # fmt: skip
    fields.update(options)
    built = build(DebugRequest(**fields), pod)
    await inject(cluster.session, built)
    outcome = await wait_for_container(
        cluster.session, cluster.namespace, built.pod_name, built.container_name,
        timeout=START_TIMEOUT,
    )  # fmt: skip
    assert outcome.state == "running", outcome
    return built.container_name


async def test_cluster_stop_ends_a_wrapped_shell(cluster: Cluster) -> None:  # noqa: F811
    name = f"kdebug-stop-{secrets.token_hex(3)}"
    pod = await cluster.pod(name)
    debugger = await _debugger(cluster, pod, command=["sh"], wrap_for_stop=True)
    outcome = await stop_debugger(cluster.session, cluster.namespace, name, debugger, timeout=60)
    assert (outcome.state, outcome.exit_code) == ("terminated", 129), outcome
    after = await cluster.session.request_json(
        "GET", f"/api/v1/namespaces/{cluster.namespace}/pods/{name}"
    )
    [status] = [s for s in after["status"]["ephemeralContainerStatuses"] if s["name"] == debugger]
    assert status["state"]["terminated"].get("message", "").strip() == STOP_MESSAGE


async def test_cluster_default_spec_is_what_kubectl_sends(
    cluster: Cluster,  # noqa: F811
    real_cluster_kubeconfig: Path,
    tmp_path: Path,
) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed on this machine")
    name = f"kdebug-spec-{secrets.token_hex(3)}"
    pod = await cluster.pod(name)
    # the form's defaults: busybox, target app, -it, profile general, no extras
    ours = await _debugger(cluster, pod, container_name="ours", profile="general")
    proc = await asyncio.create_subprocess_exec(
        kubectl, "--kubeconfig", str(real_cluster_kubeconfig), "-n", cluster.namespace,
        "debug", name, "--image=busybox:1.36", "--target=app", "--profile=general", "-it",
        "-c", "theirs", "--attach=false",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin")},
    )  # fmt: skip
    _out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    stored = await cluster.session.request_json(
        "GET", f"/api/v1/namespaces/{cluster.namespace}/pods/{name}"
    )
    entries = {c["name"]: c for c in stored["spec"]["ephemeralContainers"]}
    a = canonical_container({**entries[ours], "name": "X"})
    b = canonical_container({**entries["theirs"], "name": "X"})
    assert diff(a, b) == []


async def test_cluster_uploads_and_downloads_keep_every_byte(
    cluster: Cluster,  # noqa: F811
    tmp_path: Path,
) -> None:
    name = f"kdebug-files-{secrets.token_hex(3)}"
    pod = await cluster.pod(name)
    debugger = await _debugger(cluster, pod, command=["sleep", "3600"], stdin=False, tty=False)
    files = await TargetFiles.open(cluster.session, cluster.namespace, name, debugger)
    for n in range(6):  # containerd cut `cat > f` in 2 of 6 runs
        payload = tmp_path / f"payload-{n}.bin"
        payload.write_bytes(secrets.token_bytes(300_000 + 4_097 * n))
        digest = await files.upload(payload, f"/tmp/kdebug-payload-{n}.bin")
        back = await files.download(f"/tmp/kdebug-payload-{n}.bin", tmp_path / f"back-{n}")
        assert back == digest == hashlib.sha256(payload.read_bytes()).hexdigest()


async def test_cluster_sessions_leave_no_zombie_and_no_helper(cluster: Cluster) -> None:  # noqa: F811
    name = f"kdebug-hygiene-{secrets.token_hex(3)}"
    body = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": cluster.namespace},
        # busybox sleep as PID 1: like a distroless program, it never reaps orphans
        "spec": {"containers": [{"name": "app", "image": "busybox:1.36",
                                 "command": ["sleep", "1d"]}]},
    }  # fmt: skip
    await cluster.session.request_json(
        "POST", f"/api/v1/namespaces/{cluster.namespace}/pods", body=body
    )
    cluster.created.append(name)
    await wait_for_container(cluster.session, cluster.namespace, name, "app", timeout=START_TIMEOUT)
    pod = await cluster.session.request_json(
        "GET", f"/api/v1/namespaces/{cluster.namespace}/pods/{name}"
    )
    for _ in range(5):
        debugger = await _debugger(cluster, pod, command=["sh"], wrap_for_stop=True)
        attach = AttachSession(cluster.session, cluster.namespace, name, debugger)
        await attach.start(80, 24)
        try:
            await attach.write(b"echo ready-$((40+2))\r")
            await read_until(attach, b"ready-42", limit=60)
            await attach.write(b"exit\r")
            await drain(attach, limit=60)
        finally:
            await attach.close()
    inspector = await _debugger(cluster, pod, command=["sleep", "3600"], stdin=False, tty=False)
    out, ending = await run_command(cluster.session, cluster.namespace, name, inspector, PROC_STATS)
    assert ending.code == 0, ending
    processes = _processes(out.decode())
    assert [p for p in processes if p[2] == "Z"] == [], processes
    comms = sorted(comm for _pid, comm, _state in processes)
    # the target's sleep, the inspector's sleep, this exec's sh (its cats have ended)
    assert comms == ["sh", "sleep", "sleep"], processes
