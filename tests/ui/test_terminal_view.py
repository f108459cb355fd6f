"""TerminalView in a real Textual app (App.run_test) on the fake and the local PTY backends."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from time import monotonic
from typing import ClassVar

import pytest
from rich.color import ColorType
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Size
from textual.pilot import Pilot
from textual.widgets import Button

from kdebug_tui.term.backend import BackendExit, TerminalBackend
from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.term.pty_backend import PtyBackend
from kdebug_tui.term.recorder import CastRecorder, read_cast
from kdebug_tui.ui.sessions.terminal.view import TerminalView

TITLE = "sandbox-admin \u203a default/multi \u203a debugger-x1"


class TermApp(App[None]):
    """One terminal above a button that takes focus when the terminal releases it."""

    CSS = "Button { dock: bottom; height: 3; }"

    def __init__(self, backend: TerminalBackend, scrollback: int = 10_000) -> None:
        super().__init__()
        self.backend = backend
        self.scrollback = scrollback
        self.released: list[TerminalView] = []
        self.released_keys: list[str | None] = []
        self.exits: list[BackendExit] = []
        self.titles: list[str] = []

    def compose(self) -> ComposeResult:
        yield TerminalView(self.backend, TITLE, id="term", scrollback=self.scrollback)
        yield Button("elsewhere", id="other")

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()

    def on_terminal_view_release_focus(self, message: TerminalView.ReleaseFocus) -> None:
        self.released.append(message.view)
        self.released_keys.append(message.key)
        self.query_one("#other").focus()

    def on_terminal_view_exited(self, message: TerminalView.Exited) -> None:
        self.exits.append(message.exit)

    def on_terminal_view_title_changed(self, message: TerminalView.TitleChanged) -> None:
        self.titles.append(message.title)


async def until(pilot: Pilot[None], predicate: Callable[[], object], what: str) -> None:
    """Let the app run until `predicate()` holds; fail clearly after a bounded wait."""
    deadline = monotonic() + 10.0
    while not predicate():
        if monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


def screen_text(view: TerminalView) -> str:
    return "\n".join(line.rstrip() for line in view.screen_lines())


# --- input -----------------------------------------------------------------------------


async def test_typing_reaches_the_backend_encoded() -> None:
    backend = FakeBackend([b"$ "])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        await pilot.press("l", "s", "space", "enter", "ctrl+c", "tab", "backspace")
        await pilot.press("up", "f5", "shift+tab")
        await until(pilot, lambda: len(backend.written) >= 16, "keys to arrive")
        assert bytes(backend.written) == b"ls \r\x03\t\x7f\x1b[A\x1b[15~\x1b[Z"
        assert view.has_focus  # tab went to the program, not to focus navigation

        backend.written.clear()
        backend.emit(b"\x1b[?1h")  # the program switches to application cursor keys
        await until(pilot, lambda: view.emulator.modes.app_cursor, "DECCKM")
        await pilot.press("up", "left", "ctrl+up")
        await until(pilot, lambda: len(backend.written) >= 12, "keys to arrive")
        assert bytes(backend.written) == b"\x1bOA\x1bOD\x1b[1;5A"


async def test_paste_is_bracketed_when_the_program_asks() -> None:
    backend = FakeBackend()
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        view.post_message(events.Paste("echo a\nb\x1b[201~"))
        await until(pilot, lambda: backend.written, "plain paste")
        assert bytes(backend.written) == b"echo a\rb"
        backend.written.clear()
        backend.emit(b"\x1b[?2004h")
        await until(pilot, lambda: view.emulator.modes.bracketed_paste, "bracketed paste mode")
        view.post_message(events.Paste("echo a\nb\x1b[201~rm -rf /"))
        await until(pilot, lambda: backend.written, "bracketed paste")
        assert bytes(backend.written) == b"\x1b[200~echo a\rbrm -rf /\x1b[201~"


async def test_every_key_reaches_the_program_and_only_the_prefix_leaves() -> None:
    """Escape (twice, as vi users type it), ctrl+] (vim's tag jump, telnet's escape) and
    ctrl+c reach the program; the prefix then a key leaves with that key; the prefix twice
    sends it once."""
    backend = FakeBackend()
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        await pilot.press("escape", "escape", "ctrl+right_square_bracket", "ctrl+c", "colon")
        await until(pilot, lambda: len(backend.written) == 5, "five keys sent")
        assert bytes(backend.written) == b"\x1b\x1b\x1d\x03:"
        assert view.has_focus and not app.released

        await pilot.press("ctrl+backslash")
        await until(pilot, lambda: "pane key" in view.title_text(), "the prefix is shown armed")
        await pilot.press("ctrl+backslash", "a")
        await until(pilot, lambda: bytes(backend.written).endswith(b"\x1ca"), "prefix sent once")
        assert bytes(backend.written) == b"\x1b\x1b\x1d\x03:\x1ca" and not app.released

        await pilot.press("ctrl+backslash", "escape")
        await until(pilot, lambda: app.released, "prefix escape leaves")
        assert app.released_keys == [None] and not view.has_focus
        view.focus()
        await pilot.press("ctrl+backslash", "x")
        await until(pilot, lambda: len(app.released) == 2, "prefix x leaves")
        assert app.released_keys == [None, "x"]
        assert bytes(backend.written) == b"\x1b\x1b\x1d\x03:\x1ca"  # nothing else was sent


async def test_the_prefix_is_configurable() -> None:
    from kdebug_tui.config import Settings

    backend = FakeBackend()
    app = TermApp(backend)
    app.settings = Settings(keymap={"terminal.prefix": "ctrl+g"})  # type: ignore[attr-defined]
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        assert view.prefix_key == "ctrl+g"
        await pilot.press("ctrl+backslash", "ctrl+g", "z")
        await until(pilot, lambda: app.released, "ctrl+g z leaves")
        assert app.released_keys == ["z"] and bytes(backend.written) == b"\x1c"


async def test_sends_text_and_bytes_in_order_with_keys() -> None:
    backend = FakeBackend()
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        view.send_text("uptime\r")
        await pilot.press("x")
        view.send_bytes(b"\x04")
        await until(pilot, lambda: len(backend.written) == 9, "input")
        assert bytes(backend.written) == b"uptime\rx\x04"


# --- output ----------------------------------------------------------------------------


async def test_output_renders_with_colours_attributes_and_wide_characters() -> None:
    script = [
        b"plain \x1b[31mred\x1b[0m \x1b[1;4mbold-under\x1b[0m\r\n",
        b"\x1b[38;5;208morange\x1b[0m \x1b[38;2;10;20;30;48;2;200;100;50mrgb\x1b[0m\r\n",
        "wide \u4e2d\u6587 end \x1b[7mrev\x1b[0m ".encode(),
        b"\x1b[9mstrike\x1b[0m \x1b[3mital\x1b[0m\r\n",
    ]
    backend = FakeBackend(script)
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "ital" in screen_text(view), "output")
        lines = view.screen_lines()
        assert lines[0].rstrip() == "plain red bold-under"
        assert lines[2].rstrip() == "wide \u4e2d\u6587 end rev strike ital"
        assert all(view.render_line(y).cell_length == 80 for y in range(1, 25))

        def style_of(y: int, text: str) -> Style:
            for segment in view.render_line(y + 1):
                if text in segment.text and segment.style is not None:
                    return segment.style
            raise AssertionError(f"{text!r} not rendered on row {y}")

        red = style_of(0, "red")
        assert red.color is not None
        assert red.color.type == ColorType.STANDARD and red.color.number == 1  # themeable
        bold = style_of(0, "bold-under")
        assert bold.bold and bold.underline
        orange = style_of(1, "orange")
        assert orange.color is not None
        assert orange.color.get_truecolor() != red.color.get_truecolor()
        rgb = style_of(1, "rgb")
        assert rgb.color is not None and rgb.bgcolor is not None
        assert tuple(rgb.color.get_truecolor()) == (10, 20, 30)
        assert tuple(rgb.bgcolor.get_truecolor()) == (200, 100, 50)
        assert style_of(2, "rev").reverse
        assert style_of(2, "strike").strike
        assert style_of(2, "ital").italic


async def test_cursor_shape_follows_the_program() -> None:
    backend = FakeBackend([b"ab"])
    app = TermApp(backend)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "ab" in screen_text(view), "output")

        def cursor_cell() -> Style:
            x = 0
            for segment in view.render_line(1):  # row 0 of the terminal (below the title)
                if x <= 2 < x + len(segment.text):
                    return segment.style or Style()
                x += len(segment.text)
            raise AssertionError("no cell at the cursor")

        def shape_is(shape: str) -> Callable[[], bool]:
            return lambda: view.emulator.cursor_shape == shape

        def frames_after(frames: int) -> Callable[[], bool]:
            return lambda: view.frames > frames

        assert view.has_focus and view.emulator.cursor_shape == "block"
        assert cursor_cell().reverse and not cursor_cell().underline
        for sequence, shape in ((b"\x1b[4 q", "underline"), (b"\x1b[6 q", "bar")):
            frames = view.frames
            backend.emit(sequence)
            await until(pilot, shape_is(shape), shape)
            # A shape change alone repaints the cursor's row.
            await until(pilot, frames_after(frames), f"{shape} repainted")
            assert cursor_cell().underline
            assert bool(cursor_cell().reverse) == (shape == "bar")
        backend.emit(b"\x1b[ q")
        await until(pilot, lambda: view.emulator.cursor_shape == "block", "back to block")
        assert cursor_cell().reverse and not cursor_cell().underline


async def test_title_line_shows_target_and_sanitised_program_title() -> None:
    backend = FakeBackend([b"\x1b]0;build \xe2\x80\xae evil \x01\x7f\xc2\x9b31m\x07ok\r\n"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: app.titles, "title change")
        title = view.title_text()
        assert title.startswith(TITLE)
        assert "build" in title
        assert "\x1b" not in title and "\u202e" not in title
        assert all(ch.isprintable() for ch in title)


async def test_hostile_output_is_shown_literally_and_inert() -> None:
    hostile = (
        b"[bold red]x[/] [link=file:///etc/passwd]y[/link] $(echo) \x1b]52;c;cHduZWQ=\x07"
        b"\x1b]8;;http://evil\x07link\x1b]8;;\x07 \xe2\x80\xae\xe2\x80\x8b tail\x07\r\n"
        b"\x1bPtmux;\x1b\x1b]2;PWNED\x07\x1b\\after-dcs\r\n"
        b"\xff\xfe invalid utf8\r\n"
    )
    backend = FakeBackend([hostile])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "invalid utf8" in screen_text(view), "hostile output")
        text = screen_text(view)
        assert "[bold red]x[/] [link=file:///etc/passwd]y[/link] $(echo)" in text
        assert all(ch.isprintable() for ch in view.title_text())
        for y in range(26):
            for segment in view.render_line(y):
                assert segment.text.isprintable() or segment.text == "", repr(segment.text)
                assert segment.style is None or segment.style.link is None
        assert app.clipboard == ""  # OSC 52 from the program never reaches the clipboard


async def test_resize_propagates_to_emulator_and_backend_coalesced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A settle time far above event handling time keeps the count exact on a busy machine.
    monkeypatch.setattr(TerminalView, "RESIZE_SETTLE_SECONDS", 0.4)
    backend = FakeBackend([b"hello\r\n"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        assert backend.started == (80, 24)
        driver = app._driver
        for width in (90, 95, 100):  # a burst, as when a split is dragged
            size = Size(width, 40)
            if isinstance(driver, HeadlessDriver):
                driver._size = size
            app.post_message(events.Resize(size, size))
        await until(pilot, lambda: backend.resizes, "backend resize")
        await until(pilot, lambda: backend.resizes[-1] == (100, 36), "final size")
        assert len(backend.resizes) == 1  # the burst was coalesced
        assert (view.emulator.columns, view.emulator.lines) == (100, 36)
        assert "hello" in screen_text(view)  # content kept
        await pilot.resize_terminal(1, 5)
        await until(pilot, lambda: backend.resizes[-1] == (1, 1), "clamped size")


async def test_backend_exit_shows_code_and_keeps_scrollback() -> None:
    lines = b"".join(f"line {index:03d}\r\n".encode() for index in range(100))
    backend = FakeBackend([lines])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "line 099" in screen_text(view), "output")
        backend.finish(3)
        await until(pilot, lambda: app.exits, "Exited message")
        assert app.exits[0].code == 3
        assert "exited with code 3" in view.title_text()
        await until(pilot, lambda: "[exited with code 3]" in screen_text(view), "exit line")
        assert "line 099" in screen_text(view)
        assert "line 000" in view.emulator.scrollback_text()
        await pilot.press("a")  # typing after the end is ignored, not an error
        assert bytes(backend.written) == b""


async def test_broken_backend_becomes_an_error_exit() -> None:
    class Broken(FakeBackend):
        async def read(self) -> bytes:
            raise ConnectionResetError("websocket reset by peer\x1b]0;x\x07")

    app = TermApp(Broken())
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: app.exits, "Exited message")
        assert app.exits[0].reason == "error"
        assert "websocket reset by peer" in view.title_text()
        assert "\x1b" not in view.title_text()


async def test_scrollback_view_and_typing_jumps_back() -> None:
    lines = b"".join(f"row {index:03d}\r\n".encode() for index in range(200))
    backend = FakeBackend([lines])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "row 199" in screen_text(view), "output")
        await pilot.press("shift+pageup")
        await until(pilot, lambda: view.scrollback_offset == 23, "scrolled back a page")
        assert "[scrolled back 23 lines]" in view.title_text()
        assert "row 178" not in screen_text(view)
        assert "row 154" in screen_text(view)
        await pilot.press("shift+pagedown")
        await until(pilot, lambda: view.scrollback_offset == 0, "back at the bottom")
        await pilot.press("shift+pageup")
        await until(pilot, lambda: view.scrollback_offset == 23, "scrolled back again")
        backend.emit(b"new output\r\n")  # the view stays on the same content
        await until(pilot, lambda: view.scrollback_offset == 24, "anchored offset")
        await pilot.press("x")
        await until(pilot, lambda: view.scrollback_offset == 0, "typing jumps to the bottom")
        assert bytes(backend.written) == b"x"
        assert "[scrolled back" not in view.title_text()
        view.post_message(
            events.MouseScrollUp(None, 5, 5, 0, 0, 0, False, False, False, screen_x=5, screen_y=5)
        )
        await until(pilot, lambda: view.scrollback_offset == 3, "wheel scrolls back")
        backend.emit(b"\x1b[?1049hfull-screen program")  # e.g. top starts while scrolled back
        await until(pilot, lambda: view.scrollback_offset == 0, "alternate screen ends the view")
        assert "full-screen program" in screen_text(view)
        assert "[scrolled back" not in view.title_text()


async def test_mouse_selection_copies_text() -> None:
    backend = FakeBackend([b"first line here\r\nsecond line\r\n"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "second line" in screen_text(view), "output")
        await pilot.mouse_down(view, offset=(6, 1))  # row 0 of the terminal: title is row 0
        await pilot.hover(view, offset=(5, 2))
        await pilot.mouse_up(view, offset=(5, 2))
        await until(pilot, lambda: app.clipboard, "clipboard")
        assert app.clipboard == "line here\nsecond"


async def test_mouse_reports_go_to_the_program_when_it_tracks() -> None:
    backend = FakeBackend([b"\x1b[?1000h\x1b[?1006h"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: view.emulator.modes.mouse_sgr, "mouse modes")
        await pilot.click(view, offset=(4, 3))
        await until(pilot, lambda: b"m" in backend.written, "press and release")
        assert bytes(backend.written) == b"\x1b[<0;5;3M\x1b[<0;5;3m"
        assert app.clipboard == ""


async def test_restart_keeps_old_scrollback_above_a_separator() -> None:
    first = FakeBackend([b"old session output\r\n"])
    app = TermApp(first)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "old session" in screen_text(view), "first output")
        first.finish(None, "dropped", "websocket closed")
        await until(pilot, lambda: app.exits, "drop")
        second = FakeBackend([b"new session prompt $ "])
        await view.restart(second)
        await until(pilot, lambda: "new session prompt" in screen_text(view), "second output")
        text = screen_text(view)
        assert text.index("old session") < text.index("reattached") < text.index("new session")
        assert view.exit is None and "dropped" not in view.title_text()
        await pilot.press("y")
        await until(pilot, lambda: second.written == b"y", "input to the new backend")
        assert bytes(first.written) == b""


# --- a real PTY ------------------------------------------------------------------------

pty_only = pytest.mark.skipif(sys.platform != "linux", reason="PTY tests need Linux")


@pty_only
async def test_pty_read_program_through_the_widget() -> None:
    backend = PtyBackend(["sh", "-c", "echo ready; read x; echo got:$x"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "ready" in screen_text(view), "ready")
        await pilot.press("h", "i", "enter")
        await until(pilot, lambda: "got:hi" in screen_text(view), "echo from sh")
        await until(pilot, lambda: app.exits, "exit")
        assert app.exits[0].code == 0


@pty_only
async def test_pty_interactive_shell_through_the_widget() -> None:
    backend = PtyBackend(["sh", "-i"], env={"PS1": "kdebug$ ", "PATH": "/usr/bin:/bin"})
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "kdebug$" in screen_text(view), "prompt")
        for ch in "echo $((6*7))":
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        await until(pilot, lambda: "\n42" in screen_text(view), "arithmetic result")
        view.send_text("stty size\r")
        await until(pilot, lambda: "24 80" in screen_text(view), "tty size seen by the shell")
        await pilot.resize_terminal(100, 30)
        await until(pilot, lambda: view.emulator.columns == 100, "emulator resize")
        await until(pilot, lambda: backend._size == (100, 26), "pty resize")
        view.send_text("stty size\r")
        await until(pilot, lambda: "26 100" in screen_text(view), "new size seen by the shell")
        view.send_text("exit 5\r")
        await until(pilot, lambda: app.exits, "exit")
        assert app.exits[0].code == 5
        assert "code 5" in view.title_text()


# --- protocol details ------------------------------------------------------------------


async def test_query_replies_go_back_to_the_program() -> None:
    backend = FakeBackend([b"abc\x1b[6n"])  # DSR: where is the cursor?
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        await until(pilot, lambda: backend.written, "cursor position report")
        assert bytes(backend.written) == b"\x1b[1;4R"


async def test_wheel_in_the_alternate_screen_sends_cursor_keys() -> None:
    backend = FakeBackend([b"\x1b[?1049h\x1b[?1hless-like pager"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: view.emulator.in_alternate_screen, "alternate screen")
        await until(pilot, lambda: "pager" in screen_text(view), "output")
        view.post_message(
            events.MouseScrollDown(None, 5, 5, 0, 0, 0, False, False, False, screen_x=5, screen_y=5)
        )
        await until(pilot, lambda: len(backend.written) >= 9, "arrow keys")
        assert bytes(backend.written) == b"\x1bOB" * 3
        assert view.scrollback_offset == 0


async def test_recorder_captures_output_and_resizes(tmp_path: Path) -> None:
    backend = FakeBackend()
    app = TermApp(backend)
    cast = tmp_path / "session.cast"
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        recorder = CastRecorder(cast, width=80, height=24, metadata={"pod": "multi"})
        view.attach_recorder(recorder)
        backend.emit("caf\u00e9 \u4e2d".encode()[:-1])  # a character split across chunks
        backend.emit("caf\u00e9 \u4e2d".encode()[-1:] + b"\r\n")
        await until(pilot, lambda: "caf\u00e9 \u4e2d" in screen_text(view), "output")
        await pilot.press("s")  # input is not recorded by default
        await pilot.resize_terminal(100, 30)
        await until(pilot, lambda: backend.resizes, "resize")
        assert view.detach_recorder() is recorder
        recorder.close()
    header, events_ = read_cast(cast)
    assert header["kdebug"] == {"pod": "multi"}
    assert "".join(e[2] for e in events_ if e[1] == "o") == "caf\u00e9 \u4e2d\r\n"
    assert ["r", "100x26"] in [e[1:] for e in events_]
    assert all(e[1] != "i" for e in events_)


class BindingApp(TermApp):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reattach", "reattach")]

    def __init__(self, backend: TerminalBackend) -> None:
        super().__init__(backend)
        self.reattach_requests = 0

    def action_reattach(self) -> None:
        self.reattach_requests += 1

    def on_terminal_view_release_focus(self, message: TerminalView.ReleaseFocus) -> None:
        super().on_terminal_view_release_focus(message)
        if message.key:  # what SessionPane does: the key acts where the focus went
            self.post_message(events.Key(message.key, message.character))


async def test_keys_after_the_session_ended_are_swallowed_and_the_prefix_still_works() -> None:
    backend = FakeBackend([b"bye\r\n"])
    app = BindingApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        await pilot.press("r")  # while the program runs, "r" is typed into it
        await until(pilot, lambda: backend.written == b"r", "r typed")
        assert app.reattach_requests == 0
        backend.finish(0)
        await until(pilot, lambda: app.exits, "exit")
        await pilot.press("l", "s", "x", "r", "enter")  # typed on: no binding may fire
        await until(pilot, lambda: view.swallowed == 5, "keys swallowed")
        assert app.reattach_requests == 0 and view.has_focus
        assert "not sent" in view.title_text() and "r reattach" in view.title_text()
        assert bytes(backend.written) == b"r"
        await pilot.press("ctrl+backslash", "r")  # the prefix: the key reaches the app
        await until(pilot, lambda: app.reattach_requests == 1, "prefix r after the end")


@pty_only
async def test_removing_the_view_closes_the_backend() -> None:
    backend = PtyBackend(["sh", "-c", "echo ready; sleep 60"])
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "ready" in screen_text(view), "ready")
        pid = backend.pid
        assert pid is not None
        await view.remove()
        await until(pilot, lambda: backend.exit is not None, "backend closed")
        assert backend.exit is not None and backend.exit.reason == "closed"


async def test_clicking_the_terminal_focuses_it_and_failures_read_clearly() -> None:
    class Refused(FakeBackend):
        async def start(self, columns: int, lines: int) -> None:
            raise PermissionError('pods "multi" is forbidden: cannot get pods/attach')

    app = TermApp(Refused())
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        app.query_one("#other").focus()
        await pilot.click(view, offset=(3, 3))
        await until(pilot, lambda: view.has_focus, "focus on click")
        await until(pilot, lambda: app.exits, "Exited")
        assert app.exits[0].reason == "error"
        assert "forbidden: cannot get pods/attach" in view.title_text()
        assert "forbidden" in screen_text(view)


async def test_scrolled_back_view_stays_put_when_the_scrollback_limit_evicts_rows() -> None:
    lines = b"".join(f"row {index:03d}\r\n".encode() for index in range(200))
    backend = FakeBackend([lines])
    app = TermApp(backend, scrollback=50)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: "row 199" in screen_text(view), "output")
        assert view.emulator.scrollback_lines == 50
        await pilot.press("shift+pageup")
        await until(pilot, lambda: view.scrollback_offset == 23, "scrolled back")
        top = view.screen_lines()[0]
        backend.emit(b"".join(f"more {index}\r\n".encode() for index in range(5)))
        await until(pilot, lambda: view.scrollback_offset == 28, "offset follows the growth")
        assert view.screen_lines()[0] == top  # same content although the count stayed 50
        backend.emit(b"".join(f"flood {index}\r\n".encode() for index in range(40)))
        await until(pilot, lambda: view.scrollback_offset == 50, "clamped to what is kept")
