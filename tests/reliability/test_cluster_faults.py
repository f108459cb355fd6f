"""Cluster faults on PATCH ephemeralcontainers, each answered with a message naming what failed.

Against the sandbox (real HTTP, real admission) with its fault injection where a real
cluster's answer cannot be provoked on loopback (a missing subresource, a webhook).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import inject
from kdebug_tui.kube.preflight import preflight
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shared_sandbox_fixtures
from tests.reliability.helpers import delete_and_wait, ephemeral_names, get_pod, make_pod

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()


@pytest.fixture
def kube(shared_kube: KubeSession) -> KubeSession:
    return shared_kube


@pytest.fixture
def sandbox(shared_sandbox: Any) -> Any:
    shared_sandbox.faults.clear()
    yield shared_sandbox
    shared_sandbox.faults.clear()


def ephemeral(pod: str, *, namespace: str = "default", **kw: Any) -> DebugRequest:
    return DebugRequest(mode="ephemeral", namespace=namespace, pod_name=pod, image="busybox", **kw)


async def test_404_without_details_name_means_no_ephemeral_containers(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "r-no-subresource")
    sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=404, bare=True)
    with pytest.raises(KubeError) as info:
        await inject(kube, build(ephemeral("r-no-subresource"), pod))
    err = info.value
    assert err.title == "Ephemeral containers unavailable"
    assert err.message == "ephemeral containers are not available on this cluster"
    assert err.hint is not None and "copy mode" in err.hint


async def test_404_for_a_pod_that_is_gone(kube: KubeSession, sandbox: Any) -> None:
    pod = await make_pod(kube, "r-gone")
    built = build(ephemeral("r-gone"), pod)
    await delete_and_wait(kube, "default", "r-gone")
    with pytest.raises(KubeError) as info:
        await inject(kube, built)
    assert str(info.value) == "Not found: Pod default/r-gone no longer exists"
    assert info.value.hint is None  # not the "no ephemeral containers" answer


async def test_403_rbac_names_the_verb_and_gives_a_role(
    kube: KubeSession, sandbox: Any, tmp_path: Path
) -> None:
    pod = await make_pod(kube, "r-rbac")
    path = sandbox.write_kubeconfig(tmp_path / "kc")
    async with await KubeSession.open(path, context="sandbox-viewer") as viewer:
        with pytest.raises(KubeError) as info:
            await inject(viewer, build(ephemeral("r-rbac"), pod))
    err = info.value
    assert (err.status, err.title) == (403, "Forbidden")
    assert err.message == "you may not patch pods/ephemeralcontainers in namespace default"
    assert err.snippet is not None
    role, binding = list(yaml.safe_load_all(err.snippet))
    assert role["kind"] == "Role" and role["metadata"]["namespace"] == "default"
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["patch"]}
    ]
    assert binding["kind"] == "RoleBinding"
    assert binding["roleRef"]["name"] == role["metadata"]["name"]


async def test_403_pod_security_suggests_the_profile_of_the_namespace_level(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await get_pod(kube, "secure", "vault-0")
    request = ephemeral("vault-0", namespace="secure", profile="general")
    with pytest.raises(KubeError) as info:
        await inject(kube, build(request, pod))
    err = info.value
    assert err.title == "Blocked by Pod Security admission"
    assert 'violates PodSecurity "restricted' in err.message
    assert err.hint is not None and "use the restricted profile" in err.hint
    assert "namespace secure" in err.hint


@pytest.mark.parametrize("status", [400, 403])
async def test_admission_webhook_denial_is_named(
    kube: KubeSession, sandbox: Any, status: int
) -> None:
    pod = await make_pod(kube, f"r-webhook-{status}")
    sandbox.faults.fail(
        "patch",
        "pods/ephemeralcontainers",
        status=status,
        message='admission webhook "policy.example.com" denied the request: '
        "debug containers need an incident ticket",
    )
    retries: list[KubeError] = []
    with pytest.raises(KubeError) as info:
        await inject(kube, build(ephemeral(f"r-webhook-{status}"), pod), on_retry=retries.append)
    err = info.value
    assert err.title == "Denied by admission webhook policy.example.com"
    assert err.message == "debug containers need an incident ticket"
    assert err.hint is not None and "policy" in err.hint
    assert retries == []  # a policy answer is final
    assert ephemeral_names(await get_pod(kube, "default", f"r-webhook-{status}")) == []


async def test_422_lists_each_cause(kube: KubeSession, sandbox: Any) -> None:
    pod = await make_pod(kube, "r-422")
    request = ephemeral("r-422", target="nope")
    with pytest.raises(KubeError) as info:
        await inject(kube, build(request, pod))
    err = info.value
    assert err.status == 422 and err.title == "Invalid"
    lines = err.message.splitlines()
    assert lines[1:] == [f"{c.field}: {c.message}" for c in err.causes]
    assert 'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"' in lines


async def test_static_terminating_and_completed_pods_are_refused_before_sending(
    kube: KubeSession, sandbox: Any
) -> None:
    static = await make_pod(kube, "r-static", annotations={"kubernetes.io/config.mirror": "abc123"})
    completed = await get_pod(kube, "default", "completed")
    terminating = dict(
        static, metadata=dict(static["metadata"], deletionTimestamp="2026-01-01T00:00:00Z")
    )
    cases = {"static-pod": static, "pod-completed": completed, "pod-terminating": terminating}
    for code, pod in cases.items():
        name = pod["metadata"]["name"]
        findings = await preflight(kube, ephemeral(name), pod)
        errors = [f for f in findings if f.level == "error"]
        assert code in [f.code for f in errors], (code, findings)
        assert all(f.hint for f in errors if f.code == code)


async def test_throttling_and_server_errors_are_retried_then_verified(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "r-retry")
    sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=429, times=1)
    sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=500, times=1)
    built = build(ephemeral("r-retry"), pod)
    retries: list[KubeError] = []
    result = await inject(kube, built, on_retry=retries.append)
    assert sorted(e.status or 0 for e in retries) == [429, 500]
    assert ephemeral_names(result) == [built.container_name]


async def test_retry_budget_is_bounded(kube: KubeSession, sandbox: Any) -> None:
    pod = await make_pod(kube, "r-budget")
    sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=503, times=100)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(KubeError) as info:
        await inject(kube, build(ephemeral("r-budget"), pod), budget=1.0)
    assert info.value.status == 503
    assert loop.time() - started < 5.0, "the retry budget was not respected"


async def test_two_concurrent_injections_into_one_pod_both_land(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "r-concurrent")
    first = build(ephemeral("r-concurrent", container_name="dbg-one"), pod)
    second = build(ephemeral("r-concurrent", container_name="dbg-two"), pod)
    # The first PATCH is held after its body arrived, so the second is applied in between.
    sandbox.faults.delay("patch", "pods/ephemeralcontainers", 0.5)
    results = await asyncio.gather(inject(kube, first), inject(kube, second))
    stored = await get_pod(kube, "default", "r-concurrent")
    assert sorted(ephemeral_names(stored)) == ["dbg-one", "dbg-two"]
    assert all(r["metadata"]["name"] == "r-concurrent" for r in results)


async def test_when_every_answer_is_lost_a_get_finds_the_container(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "r-verify")
    # Every PATCH is applied 0.5 s after it arrived, but each answer comes too late (0.3 s).
    sandbox.faults.delay("patch", "pods/ephemeralcontainers", 0.5, times=100)
    built = build(ephemeral("r-verify"), pod)
    retries: list[KubeError] = []
    result = await inject(kube, built, request_timeout=0.3, budget=1.0, on_retry=retries.append)
    assert retries and all(e.reason == "Timeout" for e in retries)
    assert ephemeral_names(result) == [built.container_name]
