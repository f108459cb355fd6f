"""Broadcast input on the real app and sandbox: three shells, two in broadcast."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions import flows
from kdebug_tui.ui.sessions.actions import show_sessions
from kdebug_tui.ui.sessions.broadcast import MARK
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from tests.ui.flow_helpers import running_app, sessions, wait_for_shell, wait_until

pytestmark = pytest.mark.timeout(90)


async def open_shell(app: Any, pod: str = "multi", container: str = "sidecar") -> SessionPane:
    screen = await show_sessions(app)
    target = PaneTarget("sandbox-admin", "default", pod, container, kind="exec")
    pane = await screen.open_pane(target)
    screen.run_flow(pane, lambda: flows.exec_flow(app, pane), "shell")
    return pane


def echoed_hi(pane: SessionPane) -> bool:
    assert pane.terminal is not None
    lines = pane.terminal.screen_lines()
    return any("echo hi" in line for line in lines) and any(line.strip() == "hi" for line in lines)


async def test_typing_in_one_member_reaches_every_member_only(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        panes = [await open_shell(app) for _ in range(3)]
        for pane in panes:
            await wait_for_shell(pilot, pane)
        screen = sessions(app)
        first, second, third = panes
        first.focus()  # b on a pane whose terminal released the focus
        await pilot.pause()
        await pilot.press("b")  # one pane: nothing is typed twice yet, no question
        assert screen.broadcast.members == [first]
        second.focus()
        await pilot.pause()
        await pilot.press("b")  # a second pane: asked, naming both
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question: Any = app.screen
        assert screen.broadcast.members == [first]  # nothing on before the answer
        assert sum("multi/sidecar" in line for line in question.lines) == 2
        await pilot.press("y")
        await wait_until(pilot, lambda: len(screen.broadcast.members) == 2, "broadcast on")
        assert screen.broadcast.members == [first, second]
        for pane in (first, second):
            assert MARK in str(pane.border_title) and pane.has_class("-broadcast")
        assert MARK not in str(third.border_title)
        keys_line = str(screen.query_one("#sessions-keys").render())
        assert "broadcast to 2 panes" in keys_line

        first.focus_terminal()
        await pilot.pause()
        await pilot.press(*"echo hi", "enter")
        for pane in (first, second):
            await wait_until(pilot, partial(echoed_hi, pane), f"the output in {pane.id}")
        # The third shell is alive (it answers its own input) but never got the broadcast.
        assert third.terminal is not None
        third.terminal.send_text("echo third-$((40+2))\r")
        await wait_until(pilot, lambda: "third-42" in third.screen_text(), "the third shell")
        assert "echo hi" not in third.screen_text()

        # Off: typing into the first pane reaches only the first.
        first.focus()
        await pilot.pause()
        await pilot.press("ctrl+b")
        assert screen.broadcast.members == []
        assert MARK not in str(first.border_title)
        first.focus_terminal()
        await pilot.pause()
        await pilot.press(*"echo solo", "enter")
        await wait_until(pilot, lambda: "echo solo" in first.screen_text(), "solo echo")
        await pilot.pause(0.3)
        assert "echo solo" not in second.screen_text()
