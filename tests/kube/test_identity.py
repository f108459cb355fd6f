"""Run as the target's user: from the spec, from the process (exec or probe), end to end."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kdebug_tui.kube.attach import run_command
from kdebug_tui.kube.debug import DebugRequest
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.identity import (
    PROBE_PREFIX,
    TargetIdentity,
    identity_from_proc,
    probe_target_identity,
    resolve_target_identity,
)
from kdebug_tui.kube.inject import wait_for_container
from kdebug_tui.kube.preflight import preflight
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.triage_helpers import get_pod, make_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()
# The target's process drops to uid 1234 by itself: the spec does not say so.
# the machine's setpriv (busybox's has no --reuid): the uid is in no spec, only in /proc
SETPRIV = "/usr/bin/setpriv"
AS_1234 = [SETPRIV, "--reuid", "1234", "--regid", "1234", "--clear-groups", "sleep", "100000"]


async def test_sandbox_honours_run_as_target_user(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "id-spec", {"securityContext": {"runAsUser": 1000}})
    identity = await resolve_target_identity(shared_kube, pod, "app")
    assert (identity.uid, identity.source) == (1000, "container-securityContext")
    built, _ = await start_debugger(shared_kube, pod, run_as_target_user=True)
    out, ending = await run_command(
        shared_kube, "default", "id-spec", built.container_name, ["id", "-u"]
    )
    assert (out.strip(), ending.code) == (b"1000", 0)


async def test_identity_read_from_the_process_through_a_running_debugger(
    shared_kube: KubeSession,
) -> None:
    pod = await make_pod(shared_kube, "id-proc", {"command": AS_1234})
    unknown = await resolve_target_identity(shared_kube, pod, "app")
    assert unknown.uid is None and "probe" in unknown.explanation
    built, pod = await start_debugger(shared_kube, pod)
    found = await resolve_target_identity(shared_kube, pod, "app")
    assert (found.uid, found.gid, found.source) == (1234, 1234, "process")
    assert "/proc/1/status" in found.explanation
    direct = await identity_from_proc(shared_kube, "default", pod, built.container_name, "app")
    assert direct.uid == 1234


async def test_probe_then_debugger_runs_as_the_process_user(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "id-probe", {"command": AS_1234})
    identity = await probe_target_identity(shared_kube, "default", "id-probe", "app", "busybox")
    assert (identity.uid, identity.source) == (1234, "process")
    assert "probe container " + PROBE_PREFIX in identity.explanation
    pod = await get_pod(shared_kube, "default", "id-probe")
    built, _ = await start_debugger(
        shared_kube, pod, run_as_target_user=True, target_identity=identity
    )
    out, _ending = await run_command(
        shared_kube, "default", "id-probe", built.container_name, ["id", "-u"]
    )
    assert out.strip() == b"1234"


async def test_sandbox_honours_run_as_group(shared_kube: KubeSession) -> None:
    pod = await make_pod(
        shared_kube, "id-group", {"securityContext": {"runAsUser": 1000, "runAsGroup": 3000}}
    )
    built, _ = await start_debugger(shared_kube, pod, run_as_target_user=True)
    out, _ending = await run_command(
        shared_kube, "default", "id-group", built.container_name, ["id", "-g"]
    )
    assert out.strip() == b"3000"


async def test_distroless_target_runs_as_its_image_user(shared_kube: KubeSession) -> None:
    pod = await get_pod(shared_kube, "default", "web-distroless")
    built, pod = await start_debugger(shared_kube, pod)
    found = await identity_from_proc(shared_kube, "default", pod, built.container_name, "app")
    assert found.uid == 65532


async def test_preflight_explains_the_triage_options(shared_kube: KubeSession) -> None:
    pod = await make_pod(
        shared_kube,
        "id-preflight",
        {"env": [{"name": "DB_PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]},
    )
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="id-preflight", image="corp/tools:1",
        target="app", run_as_target_user=True, share_target_env=True, wrap_for_stop=True,
    )  # fmt: skip
    found = {f.code: f for f in await preflight(shared_kube, request, pod)}
    assert found["identity-unknown"].level == "error" and "probe" in (
        found["identity-unknown"].hint or ""
    )
    assert "invalid-request" not in found  # the rest was still checked
    assert found["shares-secrets"].confirm and "DB_PW" in found["shares-secrets"].message
    assert "stop-needs-shell" in found
    known = TargetIdentity(1234, 1234, "process", "probe")
    again = {
        f.code for f in await preflight(shared_kube, replace(request, target_identity=known), pod)
    }
    assert "identity-unknown" not in again


async def test_probe_failures_are_explained(shared_kube: KubeSession) -> None:
    await make_pod(shared_kube, "id-probe-fail", {"command": AS_1234})
    with pytest.raises(KubeError, match="exit code 128") as info:
        await probe_target_identity(
            shared_kube, "default", "id-probe-fail", "app", "kdebug.local/distroless-web:1.0"
        )
    assert info.value.reason == "ProbeFailed" and "busybox" in (info.value.hint or "")
    with pytest.raises(KubeError, match="is not running"):
        await probe_target_identity(shared_kube, "default", "completed", "job", "busybox")


async def test_probe_passes_restricted_pod_security(shared_kube: KubeSession) -> None:
    await wait_for_container(shared_kube, "secure", "vault-0", "vault", timeout=20)
    identity = await probe_target_identity(shared_kube, "secure", "vault-0", "vault", "busybox")
    assert identity.uid == 1000  # the sandbox runs vault as the pod's runAsUser
