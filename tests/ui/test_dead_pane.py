"""Issue 15 item 4: keys typed after a dropped connection or during a stall.

After a drop (the sandbox cuts the stream after N bytes) the keyboard stays on the dead
terminal: `ls -x /tmp` + enter neither opens logs (`l`) nor closes the pane (`x`); the keys
are swallowed with a hint, and only the prefix reaches the pane keys. Closing a pane that
holds a screen asks first. During a stall the title line says so after a few seconds, and the
keys typed meanwhile are sent once, in order, when the stream moves again."""

from __future__ import annotations

from pathlib import Path
from time import monotonic
from typing import Any

import pytest
from textual.app import App, ComposeResult

from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions import flows
from kdebug_tui.ui.sessions.actions import show_sessions
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from kdebug_tui.ui.sessions.screen import SessionsScreen
from kdebug_tui.ui.sessions.terminal.view import TerminalView
from tests.ui.flow_helpers import running_app, sessions, wait_for_shell, wait_until

pytestmark = pytest.mark.timeout(90)


async def open_shell(app: Any) -> SessionPane:
    screen = await show_sessions(app)
    target = PaneTarget("sandbox-admin", "default", "multi", "sidecar", kind="exec")
    pane = await screen.open_pane(target)
    screen.run_flow(pane, lambda: flows.exec_flow(app, pane), "shell")
    return pane


async def test_typing_after_a_drop_fires_no_binding_and_closing_asks(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        sandbox.faults.drop_attach_after(3000)
        pane = await open_shell(app)
        await wait_for_shell(pilot, pane)
        screen = sessions(app)
        view = pane.terminal
        assert view is not None
        pane.focus_terminal()
        await pilot.pause()
        await pilot.press(*"seq 1 2000", "enter")  # more than 3000 bytes: the stream drops
        await wait_until(pilot, lambda: pane.state == "dropped", lambda: pane.screen_text())
        assert view.has_focus
        shown = view.screen_lines()

        await pilot.press(*"ls -x /tmp", "enter", "minus", "l", "x")
        await wait_until(pilot, lambda: view.swallowed == 14, "the keys swallowed")
        assert screen.panes == [pane] and pane.is_attached and not pane.query("#pane-logs")
        assert isinstance(app.screen, SessionsScreen) and view.has_focus
        assert "not sent" in view.title_text() and "r reattach" in view.title_text()
        assert view.screen_lines()[:-3] == shown[:-3]  # the dead screen is kept

        await pilot.press("ctrl+backslash", "x")  # the prefix: x closes -- after a question
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen), "kept")
        assert screen.panes == [pane] and pane.has_focus

        await pilot.press("r")  # the frame has the keyboard now: r reattaches
        await wait_until(pilot, lambda: pane.state == "terminal", "reattached")
        await wait_for_shell(pilot, pane)


class StallApp(App[None]):
    def __init__(self, backend: FakeBackend) -> None:
        super().__init__()
        self.backend = backend

    def compose(self) -> ComposeResult:
        yield TerminalView(self.backend, "stall")

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()


async def test_a_stall_is_shown_within_seconds_and_keys_go_once_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(TerminalView, "STALL_SECONDS", 0.5)
    backend = FakeBackend([b"$ "])  # no echo: the peer has stopped answering
    app = StallApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TerminalView)
        await wait_until(pilot, lambda: "$" in view.screen_lines()[0], "the prompt")
        typed_at = monotonic()
        await pilot.press(*"date", "enter")
        await wait_until(pilot, lambda: "stalled" in view.title_text(), "the stall hint")
        assert monotonic() - typed_at < 5  # seconds, not the minute TCP takes
        await pilot.press(*"id", "enter")
        backend.emit(b"date\r\nid\r\n$ ")  # the stream moves again
        await wait_until(pilot, lambda: "stalled" not in view.title_text(), "the hint gone")
        assert bytes(backend.written) == b"date\rid\r"  # each key once, in order


async def test_scrollback_pages_with_the_keyboard_on_the_frame_zoomed_or_not() -> None:
    """Issue 12 item 3: shift+pgup/pgdn on a released pane page through its scrollback."""
    from tests.ui.test_sessions_panes import SessionsHost, target

    app = SessionsHost()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        lines = b"".join(b"line-%d\r\n" % n for n in range(200))
        backend = FakeBackend([lines + b"$ "])
        pane = await screen.open_pane(target("scroll"))
        await pane.show_terminal(backend)
        view = pane.terminal
        assert view is not None
        await wait_until(pilot, lambda: "line-199" in pane.screen_text(), "the output")
        pane.focus()
        await pilot.pause()
        await pilot.press("shift+pageup")
        await wait_until(pilot, lambda: view.scrollback_offset > 0, "scrolled back")
        assert "line-199" not in "\n".join(view.screen_lines())
        await pilot.press("z", "shift+pageup")  # zoomed too
        await wait_until(pilot, lambda: screen.grid.zoomed is pane, "zoomed")
        offset = view.scrollback_offset
        await pilot.press("shift+pagedown", "shift+pagedown", "shift+pagedown")
        await wait_until(pilot, lambda: view.scrollback_offset < offset, "scrolled forward")
