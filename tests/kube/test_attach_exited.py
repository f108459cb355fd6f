"""Attaching to an ephemeral debugger that has exited: the API server answers the upgrade
with 500 `container X not found in pod P_NS` (recorded on a real cluster); the client says
the container is not running and how it ended, instead of an internal error."""

from __future__ import annotations

import asyncio

import pytest

from kdebug_tui.kube.attach import AttachSession
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.waiting import wait_for_container
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.triage_helpers import make_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()


async def test_attach_to_an_exited_debugger_says_how_it_ended(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "exited-dbg", {})
    built, _ = await start_debugger(shared_kube, pod, command=["sh", "-c", "sleep 0.3; exit 3"])
    for _ in range(100):  # start_debugger saw it running; now until it has ended
        outcome = await wait_for_container(
            shared_kube, "default", "exited-dbg", built.container_name
        )
        if outcome.state == "terminated":
            break
        await asyncio.sleep(0.1)
    assert (outcome.state, outcome.exit_code) == ("terminated", 3)
    attach = AttachSession(shared_kube, "default", "exited-dbg", built.container_name)
    with pytest.raises(KubeError) as info:
        await attach.start(80, 24)
    await attach.close()
    assert info.value.status == 500  # as the real API server answers
    text = info.value.describe()
    assert "is not running" in text and "3" in text, text
