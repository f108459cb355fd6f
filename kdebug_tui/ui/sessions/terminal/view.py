"""The embedded terminal: an Emulator fed from a TerminalBackend, painted with the Line API.

Flow control is the point of this widget. Its TerminalLink (io.py) reads one chunk,
feeds it in ~2 ms slices and reads the next only when the emulator has caught up, so unread
output stays in the transport where its own flow control holds it. Painting is decoupled:
feeding only requests a frame; a frame turns the emulator's dirty rows into region refreshes,
and `render_line` rebuilds only those rows (Strips are cached per row until the emulator
dirties them again). Painting is paced by Textual's own screen updates (<= 60 per second),
not by a second timer of ours: after each slice of output the dirty rows' Strips are
dropped and rows not yet queued for the next paint are queued, so that paint shows
everything fed until then. (A frame timer of our own on top of Textual's made output wait
for up to two frame intervals.)

Keys go to the program encoded as xterm does, every one of them, Escape included (vi users
press it all the time). The prefix key (prefix.py) then another key posts `ReleaseFocus` with
that key, so a program can never trap the user and no app key fires by accident.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from time import monotonic
from typing import ClassVar

from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker

from kdebug_tui.term import Emulator
from kdebug_tui.term.backend import BackendExit, TerminalBackend
from kdebug_tui.term.recorder import CastRecorder
from kdebug_tui.ui.sessions.terminal.frames import FramesMixin
from kdebug_tui.ui.sessions.terminal.input import InputMixin
from kdebug_tui.ui.sessions.terminal.io import TerminalLink
from kdebug_tui.ui.sessions.terminal.prefix import DEFAULT_PREFIX, key_label, prefix_key
from kdebug_tui.ui.sessions.terminal.render import (
    Selection,
    cursor_style,
    overlay,
    row_strip,
    title_strip,
)
from kdebug_tui.ui.sessions.terminal.style import safe_title

# Sent to the emulator before showing a restart separator: leave the alternate screen and
# reset the modes the old program may have left on, so the new session starts clean.
_RESET_FOR_RESTART = (
    b"\x1b[?1049l\x1b[0m\x1b[?1l\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h"
)


class TerminalView(FramesMixin, InputMixin, Widget, can_focus=True):
    """A terminal pane: title line on top, the emulator's screen below."""

    ALLOW_SELECT = False  # the widget selects terminal cells itself
    # Read by the app: while this widget has the focus no binding, priority ones included,
    # may take a key from it (KdebugApp._check_bindings).
    holds_keyboard: ClassVar[bool] = True
    RESIZE_SETTLE_SECONDS: ClassVar[float] = 0.05
    # Typed keys echo within milliseconds on a live tty: no byte back this long after one
    # means the stream is stalled (a dead peer can take TCP a minute or more to notice).
    STALL_SECONDS: ClassVar[float] = 3.0

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "terminal-view--title",
        "terminal-view--selection",
    }
    DEFAULT_CSS = """
    TerminalView {
        width: 1fr;
        height: 1fr;
        min-height: 2;
    }
    TerminalView > .terminal-view--title {
        background: $panel;
        color: $text-muted;
    }
    TerminalView:focus > .terminal-view--title {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    TerminalView.-exited > .terminal-view--title {
        background: $error 50%;
        color: $text;
    }
    TerminalView > .terminal-view--selection {
        background: $accent 60%;
        color: $text;
    }
    """

    @dataclass
    class Exited(Message):
        """The backend's stream ended; the screen and scrollback stay visible."""

        view: TerminalView
        exit: BackendExit

    @dataclass
    class ReleaseFocus(Message):
        """Prefix then `key`: the keyboard leaves the terminal and `key` (None for escape)
        acts where the focus goes."""

        view: TerminalView
        key: str | None = None
        character: str | None = None

    @dataclass
    class TitleChanged(Message):
        """The program set a new (sanitised) window title."""

        view: TerminalView
        title: str

    def __init__(
        self,
        backend: TerminalBackend,
        title: str = "",
        *,
        scrollback: int = 10_000,
        emulator: Emulator | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._backend = backend
        self.label = title
        self._emulator: Emulator = emulator or Emulator(
            columns=80, lines=24, scrollback=scrollback, answer_queries=True
        )
        self._term_size = (80, 24)
        self._width = 0  # the widget's width, kept from Resize (`size` is costly per row)
        self._started = False
        self._exit: BackendExit | None = None
        self._reader: Worker[None] | None = None
        self._writer: Worker[None] | None = None
        self._link = self._make_link(backend)
        self._recorder: CastRecorder | None = None
        self._row_cache: dict[int, Strip] = {}
        self._queued: set[int] = set()  # rows handed to Textual, not painted yet
        self._queued_all = False
        self._queued_at = 0.0
        self._raw_title = ""
        self._resize_timer: Timer | None = None
        self.prefix_key = DEFAULT_PREFIX
        self._offset = 0  # rows scrolled back; 0 = following the live screen
        self._last_scrollback = 0
        self._last_cursor: tuple[int, int, bool, str] = (0, 0, True, "block")
        self._program_title = ""
        self.selection: Selection | None = None
        self.frames = 0  # frames that refreshed something (the benchmark reads it)
        # (when input was sent, bytes received until then) while no answer has come yet
        self._awaiting: tuple[float, int] | None = None
        self._stall_timer: Timer | None = None
        self.stalled_for = 0  # whole seconds without an answer, once past STALL_SECONDS

    # --- public API ----------------------------------------------------------------------
    @property
    def emulator(self) -> Emulator:
        return self._emulator

    @property
    def backend(self) -> TerminalBackend:
        return self._backend

    @property
    def exit(self) -> BackendExit | None:
        return self._exit

    @property
    def recorder(self) -> CastRecorder | None:
        return self._recorder

    @property
    def scrollback_offset(self) -> int:
        return self._offset

    @property
    def program_title(self) -> str:
        return self._program_title

    def attach_recorder(self, recorder: CastRecorder) -> None:
        self._recorder = recorder
        recorder.resize(*self._term_size)

    def detach_recorder(self) -> CastRecorder | None:
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            recorder.flush()
        return recorder

    def send_bytes(self, data: bytes) -> None:
        """Queue input for the program (in order with keys); ignored once it has exited."""
        if not data or self._exit is not None:
            return
        if self._recorder is not None:
            self._recorder.input(data)
        self._link.post(data)
        if self._awaiting is None or self._awaiting[1] != self._link.received:
            self._awaiting = (monotonic(), self._link.received)  # the first unanswered input
        if self._stall_timer is None and self.is_mounted:
            self._stall_timer = self.set_timer(self.STALL_SECONDS, self._check_stall)

    def _check_stall(self) -> None:
        """Say so on the title line while typed input has had no answer for STALL_SECONDS;
        the keys stay queued in order and are sent once, whenever the stream moves again."""
        self._stall_timer = None
        awaiting = self._awaiting
        if awaiting is None or self._exit is not None:
            self._set_stalled(0)
            return
        since, received = awaiting
        if self._link.received != received:  # answered
            self._awaiting = None
            self._set_stalled(0)
            return
        waited = monotonic() - since
        self._set_stalled(int(waited) if waited >= self.STALL_SECONDS else 0)
        self._stall_timer = self.set_timer(1.0 if self.stalled_for else 0.5, self._check_stall)

    def _set_stalled(self, seconds: int) -> None:
        if seconds != self.stalled_for:
            self.stalled_for = seconds
            self.refresh(self._title_region())

    def _make_link(self, backend: TerminalBackend) -> TerminalLink:
        return TerminalLink(
            backend, self._emulator, on_output=self._request_frame, recorder=lambda: self._recorder
        )

    def send_text(self, text: str) -> None:
        self.send_bytes(text.encode("utf-8", "replace"))

    def screen_lines(self) -> list[str]:
        """The terminal rows as painted now (plain text, without the title line)."""
        return [self.render_line(y + 1).text for y in range(self._term_size[1])]

    def title_text(self) -> str:
        return self.render_line(0).text.strip()

    async def restart(self, backend: TerminalBackend) -> None:
        """Attach a new backend in this pane; old output stays above a separator line."""
        await self._stop_io(close_backend=True)
        emu = self._emulator
        cursor_x = emu.cursor[0]
        separator = safe_title(f" reattached: {self.label} ")
        emu.feed(
            _RESET_FOR_RESTART
            + (b"\r\n" if cursor_x else b"")
            + f"\x1b[90m\u2500\u2500{separator}\u2500\u2500\x1b[0m\r\n".encode()
        )
        emu.take_replies()
        self._backend = backend
        self._link = self._make_link(backend)
        self._exit = None
        self.swallowed = 0
        self._awaiting = None
        self._set_stalled(0)
        self._program_title = ""
        self._offset = 0
        self.remove_class("-exited")
        self._row_cache.clear()
        self._start_io()
        self._request_frame()

    # --- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.prefix_key = prefix_key(self.app)
        self.call_after_refresh(self._start_if_sized)

    async def on_unmount(self) -> None:
        await self._stop_io(close_backend=True)
        if self._recorder is not None:
            self._recorder.flush()

    def _wanted_size(self) -> tuple[int, int] | None:
        """The terminal size for the widget's size; None while it is not displayed (0 wide),
        so a hidden pane never squeezes the screen to nothing and loses its content."""
        width, height = self.size
        if width <= 0 or height <= 0:
            return None
        return max(1, width), max(1, height - 1)

    def _start_if_sized(self) -> None:
        # A pane that is not displayed yet still attaches (at 80x24); it resizes when shown.
        if not self._started:
            self._apply_size()
            self._start_io()

    def on_resize(self, event: events.Resize) -> None:
        self._width = self.size.width
        self._apply_size()
        if not self._started:
            self._start_io()
        elif self._exit is None:
            self._schedule_backend_resize()

    def _apply_size(self) -> None:
        size = self._wanted_size()
        if size is not None and size != self._term_size:
            self._term_size = size
            self._emulator.resize(*size)
            self._row_cache.clear()
            self._offset = min(self._offset, self._emulator.scrollback_lines)
            self.refresh()

    def _schedule_backend_resize(self) -> None:
        # Dragging a split sends a burst of sizes: only the one that settles is sent.
        if self._resize_timer is not None:
            self._resize_timer.stop()
        self._resize_timer = self.set_timer(self.RESIZE_SETTLE_SECONDS, self._send_resize)

    def _send_resize(self) -> None:
        self._resize_timer = None
        if self._term_size != self._link.sent_size and self._exit is None:
            self._link.post(self._term_size)

    def _start_io(self) -> None:
        self._started = True
        link = self._link
        self._reader = self.run_worker(
            self._run_link(link),
            name="terminal-reader",
            group="terminal-io",
            description=f"terminal output: {self.label}",
            exit_on_error=False,
        )
        self._writer = self.run_worker(
            link.write_loop(),
            name="terminal-writer",
            group="terminal-io",
            description=f"terminal input: {self.label}",
            exit_on_error=False,
        )

    async def _run_link(self, link: TerminalLink) -> None:
        exit_ = await link.read_loop(*self._term_size)
        if link is self._link:
            self._show_exit(exit_)

    async def _stop_io(self, *, close_backend: bool) -> None:
        for worker in (self._reader, self._writer):
            if worker is not None and not worker.is_finished:
                worker.cancel()
        self._reader = self._writer = None
        self._link.closed = True
        if close_backend:
            with contextlib.suppress(Exception):
                await self._backend.close()

    def _show_exit(self, exit_: BackendExit) -> None:
        self._exit = exit_
        self.add_class("-exited")
        emu = self._emulator
        prefix = b"\x1b[?1049l\x1b[0m" + (b"\r\n" if emu.cursor[0] else b"")
        line = safe_title(f"[{exit_.describe()}]", 500)
        emu.feed(prefix + f"\x1b[90m{line}\x1b[0m\r\n".encode())
        emu.take_replies()
        self._row_cache.clear()
        self._request_frame()
        self.post_message(self.Exited(self, exit_))

    # --- painting ------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        if self._queued:
            self._painted()
        width = self._width or self.size.width
        if y == 0:
            return self._title_line(width)
        row = y - 1
        columns, lines = self._term_size
        if row >= lines:
            return Strip.blank(width)
        strip = self._row_cache.get(row)
        if strip is None or strip.cell_length != width:
            strip = row_strip(self._emulator.line(row, self._offset), width)
            self._row_cache[row] = strip
        if self.selection is not None:
            span = self.selection.span(self._absolute_row(row), columns)
            if span is not None:
                highlight = self.get_component_rich_style("terminal-view--selection")
                strip = overlay(strip, span[0], span[1], lambda base: base + highlight)
        emu = self._emulator
        if self._offset == 0 and self._exit is None and emu.cursor_visible:
            cx, cy = emu.cursor
            if cy == row:
                focused = self.has_focus
                shape = emu.cursor_shape
                strip = overlay(
                    strip, cx, cx + 1, lambda base: cursor_style(base, focused=focused, shape=shape)
                )
        return strip

    def _title_line(self, width: int) -> Strip:
        left = self.label
        if self._program_title:
            left = f"{left} \u2014 {self._program_title}" if left else self._program_title
        prefix = key_label(self.prefix_key)
        if self.prefix_armed:
            right = f"{prefix}: now a pane key (esc: just leave; {prefix}: send it)"
        elif self._exit is not None and self.swallowed:
            lost = self._exit.describe()
            right = f"not sent: {lost} \u00b7 {prefix} r reattach, {prefix} x close"
        elif self._exit is not None:
            right = self._exit.describe()
        elif self.stalled_for:
            right = f"stalled: no answer for {self.stalled_for} s (typing is kept)"
        elif self._offset:
            right = f"[scrolled back {self._offset} lines]"
        elif self.has_focus:
            right = f"{prefix} prefix"
        else:
            right = ""
        style = self.get_component_rich_style("terminal-view--title")
        return title_strip(left, right, width, style)

    def on_focus(self) -> None:
        self._row_cache.pop(self._emulator.cursor[1], None)
        self.refresh()

    def on_blur(self) -> None:
        self.prefix_armed = False  # a prefix never waits in a terminal without the keyboard
        self._row_cache.pop(self._emulator.cursor[1], None)
        self.refresh()

    def _release_focus(self, key: str | None = None, character: str | None = None) -> None:
        self.post_message(self.ReleaseFocus(self, key, character))


__all__ = ["TerminalView"]
