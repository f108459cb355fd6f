"""Pre-flight findings: pure rules on hand-made pods, and the API-backed checks (RBAC, Pod
Security, nodes, copies) against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from kdebug_tui.kube.access import AccessChecker
from kdebug_tui.kube.debug import CopyOptions, DebugRequest, build
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import ProgressEvent, inject, wait_for_container
from kdebug_tui.kube.preflight import Finding, preflight
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shared_sandbox_fixtures

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()


def codes(findings: list[Finding]) -> dict[str, Finding]:
    return {f.code: f for f in findings}


def make_pod(**overrides: Any) -> dict[str, Any]:
    pod: dict[str, Any] = {
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "nodeName": "n1",
            "initContainers": [{"name": "migrate", "image": "busybox"}],
            "containers": [{"name": "app", "image": "app"}, {"name": "side", "image": "b"}],
            "ephemeralContainers": [{"name": "debugger-old12", "image": "busybox"}],
        },
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": "app", "state": {"running": {}}},
                {"name": "side", "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
            ],
        },
    }
    for key, value in overrides.items():
        section, field = key.split("__")
        pod[section][field] = value
    return pod


def ephemeral(**kwargs: Any) -> DebugRequest:
    fields: dict[str, Any] = {
        "mode": "ephemeral",
        "namespace": "default",
        "pod_name": "web",
        "image": "busybox",
    }
    fields.update(kwargs)
    return DebugRequest(**fields)


async def test_clean_request_has_no_errors(shared_kube: KubeSession) -> None:
    await wait_for_container(shared_kube, "default", "multi", "app", timeout=15)
    pod = await shared_kube.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    findings = await preflight(shared_kube, ephemeral(pod_name="multi", target="app"), pod)
    assert [f for f in findings if f.level != "info"] == [], findings


async def test_custom_spec_errors(shared_kube: KubeSession) -> None:
    pod = await shared_kube.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    request = ephemeral(pod_name="multi", custom={"ports": [{"containerPort": 80}], "image": "x"})
    findings = await preflight(shared_kube, request, pod)
    messages = [f.message for f in findings if f.code == "custom-spec"]
    assert any(m.startswith("image: may not be set in a custom spec") for m in messages)
    assert "ports: cannot be set for an ephemeral container" in messages


async def test_viewer_rbac_findings(shared_sandbox: Any, shared_kube: KubeSession) -> None:
    viewer = await KubeSession.open(
        kubeconfig=str(shared_kube.kubeconfig_path),
        context="sandbox-viewer",  # type: ignore[attr-defined]
    )
    try:
        pod = await viewer.request_json("GET", "/api/v1/namespaces/default/pods/multi")
        access = AccessChecker(viewer)
        findings = await preflight(viewer, ephemeral(pod_name="multi"), pod, access)
        rbac = [f for f in findings if f.code == "rbac"]
        assert [(f.level, f.message) for f in rbac] == [
            (
                "error",
                "you may not patch pods/ephemeralcontainers in namespace default: the debug "
                "container cannot be created",
            ),
            (
                "warning",
                "you may not get pods/attach in namespace default: the container can be "
                "created but you cannot attach to it",
            ),
        ]
        reviews = access.reviews
        await preflight(viewer, ephemeral(pod_name="multi"), pod, access)
        assert access.reviews == reviews, "access reviews must be cached"
        copy = ephemeral(
            mode="copy", pod_name="multi", copy_options=CopyOptions(copy_to="x", replace=True)
        )
        found = await preflight(viewer, copy, pod, access)
        assert {f.message.split(":")[0] for f in found if f.code == "rbac"} >= {
            "you may not create pods in namespace default",
            "you may not delete pods in namespace default",
        }
    finally:
        await viewer.close()


async def test_pod_security_restricted_namespace(shared_kube: KubeSession) -> None:
    pod = await shared_kube.request_json("GET", "/api/v1/namespaces/secure/pods/vault-0")
    request = ephemeral(namespace="secure", pod_name="vault-0", target="vault")
    found = codes(await preflight(shared_kube, request, pod))
    psa = found["pod-security"]
    assert psa.level == "error"
    assert psa.message.startswith(
        'namespace secure enforces Pod Security "restricted" and rejects the general profile: '
    )
    assert 'non-default capabilities (container "debugger-' in psa.message
    assert psa.hint == "use the restricted profile, which fits restricted"
    fixed = ephemeral(namespace="secure", pod_name="vault-0", target="vault", profile="restricted")
    assert "pod-security" not in codes(await preflight(shared_kube, fixed, pod))
    # The API server agrees: the general profile is rejected with 403 PodSecurity.
    with pytest.raises(KubeError) as info:
        await inject(shared_kube, build(request, pod))
    assert info.value.status == 403 and "violates PodSecurity" in info.value.message


async def test_node_mode_findings(shared_kube: KubeSession) -> None:
    missing = DebugRequest(mode="node", namespace="default", node_name="nope", image="busybox")
    assert codes(await preflight(shared_kube, missing))["node-unknown"].level == "error"
    real = DebugRequest(
        mode="node", namespace="default", node_name="sandbox-node-1", image="busybox"
    )
    found = codes(await preflight(shared_kube, real))
    assert found["node-access"].confirm and "node-unknown" not in found


async def test_copy_name_taken(shared_kube: KubeSession) -> None:
    pod = await shared_kube.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    request = ephemeral(
        mode="copy", pod_name="multi", copy_options=CopyOptions(copy_to="with-init")
    )
    found = codes(await preflight(shared_kube, request, pod))
    assert found["copy-exists"].message == "a pod named with-init already exists in default"


async def test_run_as_non_root_warning_and_real_failure(shared_kube: KubeSession) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "nonroot", "namespace": "default"},
        "spec": {
            "securityContext": {"runAsNonRoot": True},
            "containers": [{"name": "app", "image": "kdebug.local/distroless-web:1.0"}],
        },
    }
    pod = await shared_kube.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    request = ephemeral(pod_name="nonroot", profile="restricted", stdin=False, tty=False)
    found = codes(await preflight(shared_kube, request, pod))
    warning = found["run-as-non-root"]
    assert "CreateContainerConfigError" in warning.message
    assert "runAsUser" in (warning.hint or "")
    built = build(request, pod)
    await inject(shared_kube, built)
    events: list[ProgressEvent] = []
    with pytest.raises(KubeError) as timed_out:  # the container never starts
        await wait_for_container(
            shared_kube, "default", "nonroot", built.container_name, timeout=3,
            on_progress=events.append,
        )  # fmt: skip
    assert any(
        e.reason == "CreateContainerConfigError"
        and e.message.startswith("container has runAsNonRoot and image will run as root")
        for e in events
    ), events
    assert "(CreateContainerConfigError): container has runAsNonRoot" in str(timed_out.value)
    # With a non-root user from a custom spec, the warning goes away and it starts.
    fixed = ephemeral(
        pod_name="nonroot", profile="restricted", stdin=False, tty=False,
        command=["sleep", "30"], custom={"securityContext": {"runAsUser": 65534}},
    )  # fmt: skip
    assert "run-as-non-root" not in codes(await preflight(shared_kube, fixed, pod))
    built = build(
        fixed, await shared_kube.request_json("GET", "/api/v1/namespaces/default/pods/nonroot")
    )
    await inject(shared_kube, built)
    outcome = await wait_for_container(
        shared_kube, "default", "nonroot", built.container_name, timeout=15
    )
    assert outcome.state == "running"


async def test_reviews_are_cached_across_preflights(shared_kube: KubeSession) -> None:
    from kdebug_tui.kube import preflight as module

    pod = await shared_kube.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    await preflight(shared_kube, ephemeral(pod_name="multi"), pod)
    checker = module._CHECKERS[shared_kube]
    reviews = checker.reviews
    assert reviews >= 2
    await preflight(shared_kube, ephemeral(pod_name="multi", profile="baseline"), pod)
    assert checker.reviews == reviews
