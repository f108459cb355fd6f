"""client-go's event spam filter in the sandbox: a busy pod's later events are dropped, and
waiting for a debugger still works because it reads the pod's status, not events."""

from __future__ import annotations

from typing import Any

import pytest

from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.waiting import wait_for_container
from kdebug_tui.sandbox.recorder import SPAM_BURST, SPAM_REFILL_SECONDS, SpamFilter
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.triage_helpers import make_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()


async def test_the_bucket_allows_a_burst_of_25_then_one_per_five_minutes() -> None:
    now = [1000.0]
    spam = SpamFilter(clock=lambda: now[0])
    key = ("kubelet", "node", "uid-1")
    assert [spam.allow(key) for _ in range(SPAM_BURST + 3)].count(True) == SPAM_BURST
    assert spam.allow(("kubelet", "node", "uid-2"))  # another object has its own bucket
    now[0] += SPAM_REFILL_SECONDS - 1
    assert not spam.allow(key)
    now[0] += 1
    assert spam.allow(key) and not spam.allow(key)


async def _events(kube: KubeSession, uid: str) -> list[dict[str, Any]]:
    listed = await kube.request_json(
        "GET",
        "/api/v1/namespaces/default/events",
        query=[("fieldSelector", f"involvedObject.uid={uid}")],
    )
    return list(listed["items"])


async def test_a_debugger_on_a_busy_pod_is_found_running_without_its_events(
    shared_kube: KubeSession, shared_sandbox: Any
) -> None:
    pod = await make_pod(shared_kube, "chatty", {})
    uid = pod["metadata"]["uid"]
    # the pod has been busy: its kubelet has written its burst of events already
    for n in range(SPAM_BURST):
        shared_sandbox.recorder.pod_event(pod, "Unhealthy", f"Readiness probe failed: {n}")
    before = len(await _events(shared_kube, uid))
    assert before <= SPAM_BURST + 4  # scheduling and app's own events took tokens too
    built, _pod = await start_debugger(shared_kube, pod)
    outcome = await wait_for_container(
        shared_kube, "default", "chatty", built.container_name, timeout=20
    )
    assert outcome.state == "running"
    after = await _events(shared_kube, uid)
    mentions = [e for e in after if built.container_name in str(e.get("involvedObject"))]
    assert mentions == [] and len(after) == before  # Pulled/Created/Started were dropped
    assert shared_sandbox.recorder.dropped > 0
