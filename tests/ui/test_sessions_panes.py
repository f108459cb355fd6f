"""The sessions screen with scripted terminals: split panes, focus release, zoom, resize,
drop and reattach in the same pane. (Real attach/exec against the sandbox: test_flows*.py.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from kdebug_tui.ui.sessions.screen import SessionsScreen


class SessionsHost(App[None]):
    def on_mount(self) -> None:
        self.install_screen(SessionsScreen(), name="sessions")
        self.push_screen("sessions")


def target(container: str) -> PaneTarget:
    return PaneTarget("sandbox-admin", "default", "web", container, kind="attach")


async def wait_for(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    for _ in range(100):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def shown(pane: SessionPane, text: str) -> bool:
    return text in pane.screen_text()


async def open_fake(
    screen: SessionsScreen, name: str, **kw: Any
) -> tuple[SessionPane, FakeBackend]:
    backend = FakeBackend([f"{name}$ ".encode()], echo=True)
    pane = await screen.open_pane(target(name), **kw)
    await pane.show_terminal(backend)
    return pane, backend


async def test_four_panes_each_with_its_own_terminal_and_keys_between_them() -> None:
    app = SessionsHost()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        a, fa = await open_fake(screen, "one")
        b, fb = await open_fake(screen, "two", next_to=a, beside=True)
        c, _ = await open_fake(screen, "three", next_to=a, beside=False)
        d, _ = await open_fake(screen, "four", next_to=b, beside=False)
        assert len(screen.panes) == 4
        for pane, prompt in ((a, "one$"), (b, "two$"), (c, "three$"), (d, "four$")):
            await wait_for(pilot, lambda p=pane, t=prompt: shown(p, t), prompt)
        assert a.border_title == "web/one · default · sandbox-admin"  # pod/container first

        # Type into a, prefix then right: the keyboard leaves a and moves to b; type into b.
        a.focus()
        await pilot.press("enter")  # focus a's terminal (screen binding)
        assert a.terminal is not None and a.terminal.has_focus
        await pilot.press("e", "c", "h", "o", "space", "A")
        await wait_for(pilot, lambda: shown(a, "echo A"), "echo in a")
        await pilot.press("ctrl+backslash", "right")
        await wait_for(pilot, lambda: b.has_focus, "prefix right: focus on b's frame")
        assert screen.selected is b
        await pilot.press("enter", "B", "B")
        await wait_for(pilot, lambda: shown(b, "BB"), "echo in b")
        assert b"BB" in bytes(fb.written) and b"BB" not in bytes(fa.written)
        assert "BB" not in a.screen_text() and "echo A" not in b.screen_text()

        # Zoom b, unzoom, close d: the others keep their screens.
        await pilot.press("ctrl+backslash", "escape")
        await wait_for(pilot, lambda: b.has_focus, "focus back on b's frame")
        await pilot.press("z")
        await pilot.pause()
        assert b.region.width == 160 and not a.display
        await pilot.press("z")
        await pilot.pause()
        assert a.display and b.region.width == 80
        await pilot.press("down")
        assert screen.selected is d
        await pilot.press("x")
        await pilot.pause()
        assert d not in screen.panes and len(screen.panes) == 3
        assert shown(a, "echo A") and shown(b, "BB")


async def test_resize_propagates_to_every_backend_and_keeps_content() -> None:
    app = SessionsHost()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        a, fa = await open_fake(screen, "left")
        b, fb = await open_fake(screen, "right", next_to=a, beside=True)
        await wait_for(pilot, lambda: shown(a, "left$") and shown(b, "right$"), "prompts")
        await pilot.resize_terminal(100, 30)
        await wait_for(
            pilot,
            lambda: bool(fa.resizes) and bool(fb.resizes) and fa.resizes[-1][0] < 58,
            "resize sent to both backends",
        )
        assert shown(a, "left$") and shown(b, "right$")
        assert fa.resizes[-1][1] < 30 and fb.resizes[-1][1] < 30


async def test_dropped_stream_keeps_the_screen_and_reattach_reuses_the_pane() -> None:
    app = SessionsHost()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        pane, backend = await open_fake(screen, "web")
        backend.emit(b"important output\r\n")
        await wait_for(pilot, lambda: shown(pane, "important output"), "output")
        backend.finish(None, "dropped", "connection lost")
        await wait_for(pilot, lambda: pane.state == "dropped", "drop noticed")
        assert "connection lost" in pane.screen_text() and "reattach" in pane.screen_text()
        assert shown(pane, "important output"), "the screen survives the drop"
        view = pane.terminal
        fresh = FakeBackend([b"again$ "], echo=True)
        await pane.show_terminal(fresh)
        assert pane.terminal is view, "reattach reuses the same TerminalView"
        await wait_for(pilot, lambda: shown(pane, "again$"), "new prompt")
        assert shown(pane, "important output") or "important output" in (
            view.emulator.scrollback_text() if view else ""
        )
        assert pane.state == "terminal"
