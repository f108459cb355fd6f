"""Inject, wait and attach end to end against the sandbox (real HTTP, websockets, processes)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.attach import AttachOrLogs, AttachSession, ExecSession, run_command
from kdebug_tui.kube.debug import (
    MANAGED_BY_LABEL,
    SESSION_LABEL,
    CopyOptions,
    DebugRequest,
    build,
)
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import ProgressEvent, inject, wait_for_container
from kdebug_tui.kube.names import seeded_suffixes
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import drain, read_until, shared_sandbox_fixtures, shell_round_trip

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()
FOREVER = ["sh", "-c", "echo started; while true; do sleep 3600; done"]


@pytest.fixture
def kube(shared_kube: KubeSession) -> KubeSession:
    return shared_kube


@pytest.fixture
def sandbox(shared_sandbox: Any) -> Any:
    shared_sandbox.faults.clear()
    return shared_sandbox


@pytest.fixture
def kubeconfig(shared_kube: KubeSession) -> Path:
    return shared_kube.kubeconfig_path  # type: ignore[attr-defined, no-any-return]


async def target_pod(kube: KubeSession, name: str, *, labels: dict | None = None) -> dict:
    """A fresh two-container pod per test, so tests share one sandbox without interfering."""
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels or {"app": name}},
        "spec": {
            "containers": [
                {"name": "app", "image": "busybox:1.36", "command": FOREVER},
                {"name": "sidecar", "image": "busybox:1.36", "command": FOREVER},
            ]
        },
    }
    await kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    outcome = await wait_for_container(kube, "default", name, "sidecar", timeout=20)
    assert outcome.state == "running", outcome
    return await get_pod(kube, "default", name)


async def get_pod(kube: KubeSession, ns: str, name: str) -> dict[str, Any]:
    return await kube.request_json("GET", f"/api/v1/namespaces/{ns}/pods/{name}")  # type: ignore[no-any-return]


async def running_pod(kube: KubeSession, ns: str, name: str, container: str) -> dict[str, Any]:
    outcome = await wait_for_container(kube, ns, name, container, timeout=20)
    assert outcome.state == "running", outcome
    return await get_pod(kube, ns, name)


async def test_ephemeral_end_to_end(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-ephemeral")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-ephemeral",
        image="busybox:1.36",
        target="sidecar",
        command=["sh"],
    )
    built = build(request, pod)
    result = await inject(kube, built)
    names = [c["name"] for c in result["spec"]["ephemeralContainers"]]
    assert names.count(built.container_name) == 1
    events: list[ProgressEvent] = []
    outcome = await wait_for_container(
        kube, "default", "t-ephemeral", built.container_name, timeout=20, on_progress=events.append
    )
    assert outcome.state == "running"
    assert events[-1].state == "running"
    attach = AttachSession(kube, "default", "t-ephemeral", built.container_name)
    await attach.start(80, 24)
    assert attach.protocol in ("v5.channel.k8s.io", "v4.channel.k8s.io")
    await shell_round_trip(attach)
    stored = await get_pod(kube, "default", "t-ephemeral")
    [entry] = [
        c for c in stored["spec"]["ephemeralContainers"] if c["name"] == built.container_name
    ]
    assert entry["targetContainerName"] == "sidecar"
    assert entry["securityContext"] == {"capabilities": {"add": ["SYS_PTRACE"]}}


async def test_copy_end_to_end_with_replace(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-copy-end-to-end-with-replace")
    request = DebugRequest(
        mode="copy",
        namespace="default",
        pod_name="t-copy-end-to-end-with-replace",
        image="busybox",
        command=["sh"],
        copy_options=CopyOptions(copy_to="multi-debug", replace=True, same_node=True),
    )
    built = build(request, pod)
    created = await inject(kube, built)
    assert created["metadata"]["name"] == "multi-debug"
    labels = created["metadata"]["labels"]
    assert labels[MANAGED_BY_LABEL] == "kdebug-tui"
    assert labels[SESSION_LABEL] == request.session_id
    try:
        original = await get_pod(kube, "default", "t-copy-end-to-end-with-replace")
    except KubeError as exc:
        assert exc.status == 404
    else:
        assert original["metadata"].get("deletionTimestamp"), "the original was not deleted"
    outcome = await wait_for_container(
        kube, "default", "multi-debug", built.container_name, timeout=20
    )
    assert outcome.state == "running"
    attach = AttachSession(kube, "default", "multi-debug", built.container_name)
    await attach.start(80, 24)
    await shell_round_trip(attach)


async def test_node_end_to_end_and_name_collision(kube: KubeSession, sandbox: Any) -> None:
    request = DebugRequest(
        mode="node",
        namespace="default",
        node_name="sandbox-node-1",
        image="busybox",
        command=["sh"],
        profile="sysadmin",
    )
    built = build(request, suffix=seeded_suffixes(7))
    # Someone already holds the generated name: the create must retry with a new suffix.
    squatter = build(
        DebugRequest(mode="node", namespace="default", node_name="sandbox-node-1", image="busybox"),
        suffix=seeded_suffixes(7),
    )
    assert squatter.pod_name == built.pod_name
    await kube.request_json("POST", squatter.path, body=squatter.body)
    created = await inject(kube, built)
    name = created["metadata"]["name"]
    assert name != built.pod_name and name.startswith("node-debugger-sandbox-node-1-")
    assert created["metadata"]["labels"][SESSION_LABEL] == request.session_id
    assert created["spec"]["hostPID"] is True
    outcome = await wait_for_container(kube, "default", name, "debugger", timeout=20)
    assert outcome.state == "running"
    attach = AttachSession(kube, "default", name, "debugger")
    await attach.start(80, 24)
    await attach.write(b"ls /host >/dev/null && echo host-ok\r")
    await read_until(attach, b"host-ok")
    await shell_round_trip(attach)


async def test_unknown_image_reports_pull_errors_then_times_out(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await target_pod(kube, "t-unknown-image-reports-pull-errors-then-t")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-unknown-image-reports-pull-errors-then-t",
        image="example.invalid/nothing:1",
    )
    built = build(request, pod)
    await inject(kube, built)
    events: list[ProgressEvent] = []
    saw_backoff = asyncio.Event()

    def progress(event: ProgressEvent) -> None:
        events.append(event)
        if event.reason == "ImagePullBackOff":
            saw_backoff.set()

    with pytest.raises(KubeError) as info:
        await wait_for_container(
            kube,
            "default",
            "t-unknown-image-reports-pull-errors-then-t",
            built.container_name,
            timeout=4,
            on_progress=progress,
        )
    reasons = [e.reason for e in events]
    assert "ErrImagePull" in reasons, reasons
    assert any("failed to pull and unpack image" in e.message for e in events)
    message = str(info.value)
    assert f"container {built.container_name} did not start within 4 s on node sandbox-node-" in (
        message
    )
    assert "ErrImagePull" in message or "ImagePullBackOff" in message


async def test_pod_deleted_while_waiting(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-deleted")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-deleted",
        image="example.invalid/x:1",
    )
    built = build(request, pod)
    await inject(kube, built)
    first = asyncio.Event()
    waiter = asyncio.ensure_future(
        wait_for_container(
            kube, "default", "t-deleted", built.container_name, timeout=20,
            on_progress=lambda e: first.set(),
        )
    )  # fmt: skip
    await asyncio.wait_for(first.wait(), 10)
    await kube.request_json(
        "DELETE",
        "/api/v1/namespaces/default/pods/t-deleted",
        query=[("gracePeriodSeconds", "0")],
    )
    with pytest.raises(KubeError) as info:
        await asyncio.wait_for(waiter, 15)
    assert str(info.value) == (
        f"Pod deleted: pod default/t-deleted was deleted while waiting for container "
        f"{built.container_name}"
    )


async def test_invalid_target_gives_422_with_causes(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-invalid-target-gives-422-with-causes")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-invalid-target-gives-422-with-causes",
        image="busybox",
        target="nope",
    )
    with pytest.raises(KubeError) as info:
        await inject(kube, build(request, pod))
    err = info.value
    assert err.status == 422
    assert [(c.field, c.message) for c in err.causes] == [
        ("spec.ephemeralContainers[0].targetContainerName", 'Not found: "nope"')
    ]
    assert 'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"' in err.message


async def test_viewer_is_forbidden(kube: KubeSession, kubeconfig: Path) -> None:
    session = await KubeSession.open(kubeconfig=str(kubeconfig), context="sandbox-viewer")
    try:
        await target_pod(kube, "t-viewer-is-forbidden")
        pod = await get_pod(session, "default", "t-viewer-is-forbidden")
        request = DebugRequest(
            mode="ephemeral", namespace="default", pod_name="t-viewer-is-forbidden", image="busybox"
        )
        with pytest.raises(KubeError) as info:
            await inject(session, build(request, pod))
        assert info.value.status == 403
        assert info.value.message == (
            "you may not patch pods/ephemeralcontainers in namespace default"
        )
        with pytest.raises(KubeError) as attach_info:
            await AttachSession(session, "default", "t-viewer-is-forbidden", "sidecar").start(
                80, 24
            )
        assert (
            str(attach_info.value) == "Forbidden: you may not get pods/attach in namespace default"
        )
    finally:
        await session.close()


async def test_retries_keep_the_same_container_name(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-retries-keep-the-same-container-name")
    sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=503, times=2)
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-retries-keep-the-same-container-name",
        image="busybox",
    )
    built = build(request, pod)
    retries: list[KubeError] = []
    result = await inject(kube, built, on_retry=retries.append)
    assert [e.status for e in retries] == [503, 503]
    names = [c["name"] for c in result["spec"]["ephemeralContainers"]]
    assert names.count(built.container_name) == 1


async def test_missing_subresource_means_no_ephemeral_containers(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await target_pod(kube, "t-missing-subresource-means-no-ephemeral-c")
    sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=404)
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-missing-subresource-means-no-ephemeral-c",
        image="busybox",
    )
    with pytest.raises(KubeError) as info:
        await inject(kube, build(request, pod))
    # The sandbox's injected 404 names the pod; only an empty details.name means "no subresource".
    assert info.value.status == 404


async def test_dropped_attach_is_reported_as_dropped(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-dropped-attach-is-reported-as-dropped")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="t-dropped-attach-is-reported-as-dropped",
        image="busybox",
    )
    built = build(request, pod)
    await inject(kube, built)
    await wait_for_container(
        kube, "default", "t-dropped-attach-is-reported-as-dropped", built.container_name, timeout=20
    )
    sandbox.faults.drop_attach_after(5)
    attach = AttachSession(
        kube, "default", "t-dropped-attach-is-reported-as-dropped", built.container_name
    )
    await attach.start(80, 24)
    await attach.write(b"echo 0123456789abcdef\r")
    await drain(attach)
    assert attach.exit is not None
    assert attach.exit.reason == "dropped" and attach.exit.code is None
    # Reattach works: a new session to the same running container.
    again = AttachSession(
        kube, "default", "t-dropped-attach-is-reported-as-dropped", built.container_name
    )
    await again.start(80, 24)
    await shell_round_trip(again)


async def test_terminated_container_shows_logs(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-logs")
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="t-logs", image="busybox",
        command=["sh", "-c", "echo line-one; echo line-two; exit 3"], stdin=False, tty=False,
    )  # fmt: skip
    built = build(request, pod)
    await inject(kube, built)
    outcome = await wait_for_container(kube, "default", "t-logs", built.container_name, timeout=20)
    if outcome.state == "running":  # it may still be printing: wait for the end
        for _ in range(100):
            status = await get_pod(kube, "default", "t-logs")
            states = [
                s for s in status["status"].get("ephemeralContainerStatuses", [])
                if s["name"] == built.container_name and "terminated" in s["state"]
            ]  # fmt: skip
            if states:
                break
            await asyncio.sleep(0.1)
    backend = AttachOrLogs(
        kube,
        "default",
        "t-logs",
        built.container_name,
        stdin=False,
        tty=False,
    )
    await backend.start(80, 24)
    assert backend.showing_logs
    output = await drain(backend)
    assert output == b"line-one\r\nline-two\r\n"
    assert backend.exit is not None and backend.exit.code == 3
    assert "terminated: Error (exit code 3)" in backend.exit.message


async def test_exec_of_a_missing_shell_is_explained(kube: KubeSession, sandbox: Any) -> None:
    await wait_for_container(kube, "default", "web-distroless", "app", timeout=20)
    backend = ExecSession(kube, "default", "web-distroless", "app", ["sh"])
    try:
        await backend.start(80, 24)
    except KubeError as exc:  # a server may refuse at the handshake instead
        assert "executable file not found" in str(exc)
        return
    await drain(backend)
    assert backend.exit is not None and backend.exit.reason == "error"
    assert 'exec: "sh": executable file not found in $PATH' in backend.exit.message


async def test_run_command_collects_output_and_exit_code(kube: KubeSession, sandbox: Any) -> None:
    await target_pod(kube, "t-run-command")
    output, ending = await run_command(
        kube, "default", "t-run-command", "app", ["sh", "-c", "echo out; echo err >&2; exit 4"]
    )
    assert sorted(output.splitlines()) == [b"err", b"out"]
    assert (ending.code, ending.reason) == (4, "exited")


async def test_lost_answer_is_retried_without_a_second_container(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await target_pod(kube, "t-lost-answer")
    sandbox.faults.delay("patch", "pods/ephemeralcontainers", 1.0)
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="t-lost-answer", image="busybox"
    )
    built = build(request, pod)
    retries: list[KubeError] = []
    result = await inject(kube, built, request_timeout=0.3, on_retry=retries.append)
    assert [e.reason for e in retries] == ["Timeout"]
    await asyncio.sleep(1.0)  # let the delayed first PATCH land too, if the server applies it
    stored = await get_pod(kube, "default", "t-lost-answer")
    names = [c["name"] for c in stored["spec"]["ephemeralContainers"]]
    assert names == [built.container_name]
    assert result["metadata"]["name"] == "t-lost-answer"


async def test_copy_create_retried_after_a_lost_answer_is_recognised(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await target_pod(kube, "t-lost-create")
    sandbox.faults.delay("create", "pods", 1.0)
    request = DebugRequest(
        mode="copy", namespace="default", pod_name="t-lost-create", image="busybox",
        copy_options=CopyOptions(copy_to="t-lost-create-copy"),
    )  # fmt: skip
    built = build(request, pod)
    created = await inject(kube, built, request_timeout=0.3)
    assert created["metadata"]["name"] == "t-lost-create-copy"
    assert created["metadata"]["labels"][SESSION_LABEL] == request.session_id


async def test_attach_reports_the_shells_exit_code(kube: KubeSession, sandbox: Any) -> None:
    pod = await target_pod(kube, "t-exit-code")
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="t-exit-code", image="busybox"
    )
    built = build(request, pod)
    await inject(kube, built)
    await wait_for_container(kube, "default", "t-exit-code", built.container_name, timeout=20)
    attach = AttachSession(kube, "default", "t-exit-code", built.container_name)
    await attach.start(80, 24)
    await attach.write(b"exit 3\r")
    await drain(attach)
    assert attach.exit is not None
    assert (attach.exit.code, attach.exit.reason) == (3, "exited")
    assert attach.exit.message == f"container {built.container_name} exited with code 3 (Error)"


async def init_then_app(kube: KubeSession, name: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "initContainers": [
                {"name": "init", "image": "busybox", "command": ["sh", "-c", "sleep 1"]}
            ],
            "containers": [{"name": "app", "image": "busybox", "command": FOREVER}],
        },
    }
    await kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)


async def test_wait_survives_expired_watches(kube: KubeSession, sandbox: Any) -> None:
    await init_then_app(kube, "t-expire")
    events: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        if not events:
            sandbox.faults.expire_watches()  # the open watch ends with 410; rv is too old
        events.append(event)

    outcome = await wait_for_container(
        kube, "default", "t-expire", "app", timeout=20, on_progress=progress
    )
    assert outcome.state == "running"
    assert events[0].state in ("pending", "waiting") and events[-1].state == "running"


async def test_wait_survives_stalled_watches(kube: KubeSession, sandbox: Any) -> None:
    await init_then_app(kube, "t-stall")
    sandbox.faults.stall_watches()
    try:
        outcome = await wait_for_container(
            kube, "default", "t-stall", "app", timeout=20, inactivity=0.5
        )
    finally:
        sandbox.faults.clear()
    assert outcome.state == "running"
