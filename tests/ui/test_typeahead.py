"""Issue 12 item 4: keys typed right after ctrl+s are queued, in order, for the new session:
none is lost, none lands on the form or the pane's frame, and a prefix and the key after it
stay together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kdebug_tui.ui.sessions.screen import SessionsScreen
from tests.ui.flow_helpers import open_form, running_app, settle, submitted_pane, wait_until

pytestmark = pytest.mark.timeout(90)


async def test_keys_typed_50ms_after_ctrl_s_reach_the_shell_then_the_pane(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#image", Input).value = "busybox:1.36"
        await settle(pilot, form)
        form.query_one("#image", Input).focus()
        await pilot.pause()
        # A send slower than the typing (as over a real network): the keys arrive while the
        # form is still up, then while the screens change.
        sandbox.faults.delay("patch", "pods/ephemeralcontainers", 0.3)
        await pilot.press("ctrl+s")
        await pilot.pause(0.05)  # the scenario: typing on 50 ms after the submit
        assert not app.is_screen_installed("sessions") or not sessions_has_terminal(app)
        await pilot.press(*"echo q-$((6*7))", "enter", "ctrl+backslash", "z")
        pane = await submitted_pane(app, pilot)
        await wait_until(pilot, lambda: "q-42" in pane.screen_text(), lambda: pane.screen_text())
        # The prefix and `z` went together: the keyboard left the shell and z zoomed the pane.
        await wait_until(pilot, lambda: pane.has_focus, "the pane's frame has the keyboard")
        screen = app.screen
        assert isinstance(screen, SessionsScreen) and screen.grid.zoomed is pane
        assert pane.terminal is not None
        typed = [line for line in pane.terminal.screen_lines() if "echo q-" in line]
        assert len(typed) == 1 and "echo q-$((6*7))" in typed[0]  # whole, once, in order


def sessions_has_terminal(app: Any) -> bool:
    screen = app.get_screen("sessions")
    return any(p.terminal is not None for p in screen.panes)
