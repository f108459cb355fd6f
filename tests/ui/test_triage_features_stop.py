"""S in the triage view stops a running stoppable debugger of ours, after a confirmation;
a debugger that is not ours (or not wrapped) is refused with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.debug import DebugRequest
from kdebug_tui.ui.sessions.actions import start_debug
from kdebug_tui.ui.triage.screen import TriageScreen
from tests.ui.flow_helpers import running_app, sessions, wait_until
from tests.ui.test_triage_features_form import confirm, messages

pytestmark = pytest.mark.timeout(90)


def container_state(sandbox: Any, pod: str, name: str) -> str:
    stored = sandbox.cluster.get_pod("default", pod)
    for status in stored["status"].get("ephemeralContainerStatuses") or []:
        if status["name"] == name:
            return next(iter(status["state"]), "")
    return ""


async def test_triage_s_stops_our_wrapped_debugger_and_refuses_others(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        request = DebugRequest(
            mode="ephemeral",
            namespace="default",
            pod_name="multi",
            image="busybox:1.36",
            target="sidecar",
            command=["sh"],  # only a command the user set is wrapped
            wrap_for_stop=True,
        )
        start_debug(app, request)
        await wait_until(
            pilot,
            lambda: app.is_screen_installed("sessions") and sessions(app).panes,
            "the debug pane",
        )
        name = sessions(app).panes[0].target.container
        await wait_until(
            pilot, lambda: container_state(sandbox, "multi", name) == "running", "the debugger"
        )
        app.push_screen(TriageScreen())
        await wait_until(pilot, lambda: isinstance(app.screen, TriageScreen), "the triage view")
        screen = app.screen
        assert isinstance(screen, TriageScreen)

        async def select(key: str) -> None:
            await wait_until(pilot, lambda: key in screen.rows, f"row {key}")
            screen.table.move_cursor(row=screen.table.get_row_index(key))
            await pilot.pause()

        # Not ours: refused, nothing sent.
        await select("default/already-debugged/debugger-old12")
        await pilot.press("S")
        await wait_until(
            pilot,
            lambda: any("not started by kdebug-tui" in m for m in messages(app)),
            "the refusal",
        )
        await select(f"default/multi/{name}")
        await pilot.press("S")
        await confirm(app, pilot, "SIGHUP")
        await wait_until(
            pilot,
            lambda: container_state(sandbox, "multi", name) == "terminated",
            "the debugger to end",
        )
        await wait_until(
            pilot,
            lambda: any("stays in pod multi's spec" in m for m in messages(app)),
            lambda: f"the stop note; notifications: {messages(app)}",
        )
