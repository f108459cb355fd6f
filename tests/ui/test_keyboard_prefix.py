"""The one escape (issue 12 item 1) on the real app and sandbox: a terminal that has the
keyboard gives every key to its program -- `esc esc :wq` saves a file in busybox vi, and
neither the palette, a binding, quitting nor a broadcast happens -- and only the prefix key
leaves it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions import flows
from kdebug_tui.ui.sessions.actions import show_sessions
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from kdebug_tui.ui.sessions.screen import SessionsScreen
from tests.ui.flow_helpers import run_in_pane, running_app, sessions, wait_for_shell, wait_until

pytestmark = pytest.mark.timeout(90)


async def open_shell(app: Any) -> SessionPane:
    screen = await show_sessions(app)
    target = PaneTarget("sandbox-admin", "default", "multi", "sidecar", kind="exec")
    pane = await screen.open_pane(target)
    screen.run_flow(pane, lambda: flows.exec_flow(app, pane), "shell")
    return pane


async def test_esc_esc_colon_wq_saves_in_vi_and_fires_nothing(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        first, second = [await open_shell(app) for _ in range(2)]
        for pane in (first, second):
            await wait_for_shell(pilot, pane)
        screen = sessions(app)
        assert first.terminal is not None and second.terminal is not None
        await run_in_pane(
            pilot, first, "cd /tmp && rm -f notes.txt && echo ready-$((6*7))", "ready-42"
        )
        first.terminal.send_text("vi notes.txt\r")
        await wait_until(
            pilot, lambda: "~" in first.terminal.screen_lines()[-2], "vi's empty lines"
        )
        first.focus_terminal()
        await pilot.pause()
        # What issue 12 saw: esc esc released the keyboard, `:` opened the palette and
        # `wq` + enter ran "Broadcast: all panes". Here all of it goes to vi.
        await pilot.press("i", *"hello", "escape", "escape", "colon", "w", "q", "enter")
        # ctrl+q (the app's priority quit) goes to the shell too: no quit question.
        await pilot.press("ctrl+q")
        first.terminal.send_text("cat notes.txt; echo end-$((6*7))\r")
        await wait_until(
            pilot, lambda: "end-42" in first.screen_text(), lambda: f"cat:\n{first.screen_text()}"
        )
        lines = [line.strip() for line in first.screen_text().splitlines()]
        assert "hello" in lines[lines.index("end-42") - 1 :: -1][:2], first.screen_text()
        assert isinstance(app.screen, SessionsScreen)  # no palette, no dialog on top
        assert screen.broadcast.members == []
        assert first.terminal.has_focus
        assert "hello" not in second.screen_text()

        # The prefix then `B`: the key acts on the pane's frame; broadcast asks, naming
        # both panes, and stays off when declined.
        await pilot.press("ctrl+backslash", "B")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question: Any = app.screen
        assert sum("multi/sidecar" in line for line in question.lines) == 2
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen), "declined")
        assert screen.broadcast.members == [] and first.has_focus


async def test_broadcast_from_the_palette_asks_first(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        panes = [await open_shell(app) for _ in range(2)]
        for pane in panes:
            await wait_for_shell(pilot, pane)
        screen = sessions(app)
        panes[0].focus()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await wait_until(
            pilot,
            lambda: type(app.screen).__name__ == "CommandPalette",
            lambda: f"palette; focused {app.focused!r} screen {app.screen!r}",
        )
        await pilot.press(*"Broadcast: all")
        await pilot.pause(0.3)  # the palette searches in a worker: let the hits arrive
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert screen.broadcast.members == []
        await pilot.press("y")
        await wait_until(pilot, lambda: len(screen.broadcast.members) == 2, "broadcast on")
        for pane in panes:
            assert pane.has_class("-broadcast")
