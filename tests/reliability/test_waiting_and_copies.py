"""Waiting for the debug container, request timeouts, and the pods we create (copies, orphans).

Against the sandbox: its runtime reports ErrImagePull and CreateContainerConfigError like a
kubelet, and `faults.delay` holds requests longer than our timeouts.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from kdebug_tui.kube.attach import AttachSession
from kdebug_tui.kube.debug import (
    MANAGED_BY_LABEL,
    SESSION_LABEL,
    CopyOptions,
    DebugRequest,
    build,
)
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import ProgressEvent, inject, wait_for_container
from kdebug_tui.kube.orphans import find_orphans, session_of
from kdebug_tui.kube.podstate import container_status
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.watch import WatchOptions, WatchState, watch_pods
from tests.kube.e2e import shared_sandbox_fixtures
from tests.reliability.helpers import get_pod, make_pod

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


async def wait_collecting(
    kube: KubeSession, pod: str, container: str, until: str, within: float = 10.0
) -> tuple[list[ProgressEvent], KubeError | None]:
    """Wait; stop as soon as a progress event with reason `until` was reported live."""
    events: list[ProgressEvent] = []
    seen = asyncio.Event()

    def progress(event: ProgressEvent) -> None:
        events.append(event)
        if event.reason == until:
            seen.set()

    waiter = asyncio.ensure_future(
        wait_for_container(kube, "default", pod, container, timeout=within, on_progress=progress)
    )
    try:
        await asyncio.wait_for(seen.wait(), within + 2)
    except TimeoutError:
        raise AssertionError(f"{until} never reported; events: {events}") from None
    waiter.cancel()
    error = None
    try:
        await waiter
    except asyncio.CancelledError:
        pass
    except KubeError as exc:
        error = exc
    return events, error


async def test_image_pull_error_is_reported_live_with_a_hint(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "w-pull")
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="w-pull", image="example.invalid/no:1"
    )
    built = build(request, pod)
    await inject(kube, built)
    events, _ = await wait_collecting(kube, "w-pull", built.container_name, "ErrImagePull")
    pull = next(e for e in events if e.reason == "ErrImagePull")
    assert pull.state == "waiting" and "example.invalid/no:1" in pull.message
    assert "imagePullSecrets" in pull.hint and "name and tag" in pull.hint


async def test_create_container_config_error_is_reported_live_with_a_hint(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "w-config")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="w-config",
        image="busybox",
        profile="legacy",
        custom={"securityContext": {"runAsNonRoot": True}},
    )
    built = build(request, pod)
    await inject(kube, built)
    events, _ = await wait_collecting(
        kube, "w-config", built.container_name, "CreateContainerConfigError"
    )
    event = next(e for e in events if e.reason == "CreateContainerConfigError")
    assert "runAsNonRoot and image will run as root" in event.message
    assert "runAsNonRoot" in event.hint and "non-root user" in event.hint


async def test_container_without_status_times_out_naming_the_node(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "w-nostatus")
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(KubeError) as info:
        # A container nobody will ever start: the kubelet never reports a status for it.
        await wait_for_container(kube, "default", "w-nostatus", "never-there", timeout=1.0)
    assert loop.time() - started < 5
    err = info.value
    node = pod["spec"]["nodeName"]
    assert str(err) == (
        f"Timed out: container never-there did not start within 1 s on node {node}; "
        "no status reported yet"
    )


async def test_container_that_ends_at_once_gives_exit_code_message_and_logs(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "w-quick")
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="w-quick",
        image="busybox",
        command=["sh", "-c", "echo bye-from-debugger; exit 7"],
        stdin=False,
        tty=False,
    )
    built = build(request, pod)
    await inject(kube, built)
    outcome = await wait_for_container(kube, "default", "w-quick", built.container_name, timeout=20)
    assert outcome.state in ("running", "terminated")
    for _ in range(200):  # it ends at once: wait (bounded) for the kubelet to report it
        pod = await get_pod(kube, "default", "w-quick")
        if "terminated" in (container_status(pod, built.container_name) or {}).get("state", {}):
            break
        await asyncio.sleep(0.05)
    from kdebug_tui.kube.attach import attach_or_logs
    from tests.kube.e2e import drain

    backend = attach_or_logs(kube, "default", "w-quick", built.container_name, stdin=False)
    await backend.start(80, 24)
    output = await drain(backend)
    assert b"bye-from-debugger" in output
    assert backend.exit is not None and backend.exit.code == 7
    assert "exit code 7" in backend.exit.message


# -- every request has a timeout -------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "method", "path"),
    [
        ("get", "GET", "/api/v1/namespaces/default/pods/multi"),
        ("list", "GET", "/api/v1/namespaces/default/pods"),
        ("patch", "PATCH", "/api/v1/namespaces/default/pods/multi"),
    ],
)
async def test_slow_requests_time_out_with_a_message(
    kube: KubeSession, sandbox: Any, verb: str, method: str, path: str
) -> None:
    sandbox.faults.delay(verb, "pods", 5.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(KubeError) as info:
        await kube.request_json(
            method,
            path,
            body={"metadata": {"labels": {"x": "y"}}} if method == "PATCH" else None,
            content_type="application/strategic-merge-patch+json",
            request_timeout=0.5,
        )
    elapsed = loop.time() - started
    assert elapsed < 4.0, f"took {elapsed:.1f} s: the 5 s delay was waited for"
    assert info.value.title == "Timed out" and "did not answer in time" in info.value.message


async def test_slow_list_of_the_pod_watch_is_reported_then_recovers(
    kube: KubeSession, sandbox: Any
) -> None:
    sandbox.faults.delay("list", "pods", 5.0)
    options = WatchOptions(request_timeout=0.5, backoff_base=0.05, backoff_cap=0.1)
    states: list[WatchState] = []
    stream = watch_pods(cast(Any, kube), "default", options)
    try:
        async with asyncio.timeout(10):
            async for update in stream:
                states.append(update.state)
                if update.kind == "RELISTED":
                    break
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    failed = [s for s in states if s.state == "reconnecting"]
    assert failed and failed[0].error is not None and failed[0].error.title == "Timed out"
    assert states[-1].state == "live"


async def test_slow_patch_of_ephemeral_containers_gives_up_within_the_budget(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "w-slow-patch")
    sandbox.faults.delay("patch", "pods/ephemeralcontainers", 5.0, times=10)
    built = build(
        DebugRequest(
            mode="ephemeral", namespace="default", pod_name="w-slow-patch", image="busybox"
        ),
        pod,
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(KubeError) as info:
        await inject(kube, built, request_timeout=0.3, budget=0.5)
    assert loop.time() - started < 4.0
    assert info.value.title == "Timed out"


async def test_attach_handshake_times_out(kube: KubeSession, sandbox: Any) -> None:
    sandbox.faults.delay("get", "pods/attach", 5.0)
    sandbox.faults.delay("create", "pods/attach", 5.0)
    attach = AttachSession(kube, "default", "multi", "sidecar", connect_timeout=0.5)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(KubeError) as info:
        await attach.start(80, 24)
    assert loop.time() - started < 4.0
    assert info.value.title == "Timed out"


# -- copies and the pods we create ----------------------------------------------------------


async def test_replace_keeps_the_original_when_the_copy_cannot_be_created(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "c-original")
    request = DebugRequest(
        mode="copy",
        namespace="default",
        pod_name="c-original",
        image="busybox",
        copy_options=CopyOptions(copy_to="c-original-copy", replace=True),
    )
    sandbox.faults.fail("create", "pods", status=403, message="quota exceeded for pods")
    with pytest.raises(KubeError):
        await inject(kube, build(request, pod))
    original = await get_pod(kube, "default", "c-original")
    assert not original["metadata"].get("deletionTimestamp"), "the original was deleted"


async def test_generated_name_collision_gets_a_new_suffix(kube: KubeSession, sandbox: Any) -> None:
    pod = await make_pod(kube, "c-collide")
    request = DebugRequest(mode="copy", namespace="default", pod_name="c-collide", image="busybox")
    built = build(request, pod)
    assert built.name_generated
    sandbox.faults.fail(
        "create", "pods", status=409, reason="AlreadyExists",
        message=f'pods "{built.pod_name}" already exists',
    )  # fmt: skip
    created = await inject(kube, built)
    name = created["metadata"]["name"]
    assert name != built.pod_name and name.startswith("c-collide-debug-")


async def test_created_pods_are_labelled_and_found_as_orphans(
    kube: KubeSession, sandbox: Any
) -> None:
    pod = await make_pod(kube, "c-labelled")
    old = DebugRequest(
        mode="copy", namespace="default", pod_name="c-labelled", image="busybox",
        copy_options=CopyOptions(copy_to="c-labelled-old"),
    )  # fmt: skip
    mine = DebugRequest(
        mode="copy", namespace="default", pod_name="c-labelled", image="busybox",
        copy_options=CopyOptions(copy_to="c-labelled-mine"),
    )  # fmt: skip
    for request in (old, mine):
        created = await inject(kube, build(request, pod))
        labels = created["metadata"]["labels"]
        assert labels[MANAGED_BY_LABEL] == "kdebug-tui"
        assert labels[SESSION_LABEL] == request.session_id
    node = await inject(
        kube, build(DebugRequest(mode="node", namespace="shop", node_name="sandbox-node-2",
                                 image="busybox", session_id=old.session_id))
    )  # fmt: skip
    everywhere = await find_orphans(kube, None, exclude_session=mine.session_id)
    names = {p["metadata"]["name"] for p in everywhere}
    assert {"c-labelled-old", node["metadata"]["name"]} <= names
    assert "c-labelled-mine" not in names and "c-labelled" not in names
    assert mine.session_id not in {session_of(p) for p in everywhere}
    in_default = await find_orphans(kube, "default")
    assert {p["metadata"]["name"] for p in in_default} >= {"c-labelled-old", "c-labelled-mine"}
    assert node["metadata"]["name"] not in {p["metadata"]["name"] for p in in_default}
