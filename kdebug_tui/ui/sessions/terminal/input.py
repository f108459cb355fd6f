"""Input for the terminal widget: keys, paste, scrollback and the mouse.

Keys are encoded as xterm sends them (term/keys.py), every one of them: the only key the
program never sees at once is the prefix (prefix.py). Prefix then a key posts ReleaseFocus
carrying that key, which the pane's frame then handles; the prefix twice sends it through.
shift+pgup/pgdn page through the scrollback and typing jumps back to the bottom. Once the
stream has ended nothing typed can go anywhere: keys are swallowed (with a hint on the title
line) rather than left to bubble up to one-key bindings such as `x` close or `l` logs.

When the program enabled mouse tracking, presses, releases, motion and the wheel are sent
to it (SGR 1006 format when it asked for that); holding shift bypasses tracking, as in
xterm, so text can still be selected. Otherwise the left button selects cells (copied to
the clipboard on release) and the wheel scrolls back through the scrollback -- or, in the
alternate screen where there is no scrollback, sends cursor keys as most terminals do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual import events
from textual.strip import Strip

from kdebug_tui.term.backend import BackendExit
from kdebug_tui.term.keys import encode_key, encode_mouse, encode_paste
from kdebug_tui.ui.sessions.terminal.paste import paste
from kdebug_tui.ui.sessions.terminal.render import Selection, TerminalModel, row_text

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object

WHEEL_LINES = 3
SCROLL_PAGE_KEYS = {"shift+pageup": -1, "shift+pagedown": 1}


class InputMixin(_Base):
    """Key, paste, scroll and mouse handlers; mixed into TerminalView (which owns the state)."""

    _emulator: TerminalModel
    _term_size: tuple[int, int]
    selection: Selection | None
    _selecting: bool = False
    _reporting_button: int = 0

    _offset: int
    _last_scrollback: int
    _row_cache: dict[int, Strip]
    _exit: BackendExit | None
    prefix_key: str
    prefix_armed: bool = False
    swallowed: int = 0  # keys typed into this terminal after its stream ended
    # Called with what the user typed or pasted (already encoded and sent here): broadcast
    # input (ui/sessions/broadcast.py) sends the same bytes to other panes. Never mouse or replies.
    input_tap: Callable[[bytes], None] | None = None

    if TYPE_CHECKING:

        def send_bytes(self, data: bytes) -> None: ...
        def _release_focus(self, key: str | None = None, character: str | None = None) -> None: ...

    # --- helpers -------------------------------------------------------------------------
    def _cell_at(self, event: events.MouseEvent) -> tuple[int, int] | None:
        offset = event.get_content_offset_capture(self)
        columns, lines = self._term_size
        x, y = offset.x, offset.y - 1  # row 0 is the title line
        if y < 0 and not self._selecting and not self._reporting_button:
            return None
        return max(0, min(columns - 1, x)), max(0, min(lines - 1, y))

    def _tracking(self, event: events.MouseEvent) -> int:
        tracking = int(self._mode("mouse_tracking") or 0)
        return 0 if event.shift else tracking

    def _report(
        self, action: str, event: events.MouseEvent, cell: tuple[int, int], button: int
    ) -> None:
        data = encode_mouse(
            action,
            cell[0],
            cell[1],
            button=button,
            shift=event.shift,
            alt=event.meta,
            ctrl=event.ctrl,
            tracking=int(self._mode("mouse_tracking") or 0),
            sgr=bool(self._mode("mouse_sgr")),
        )
        if data:
            self.send_bytes(data)

    def cells_for_absolute_row(self, row: int) -> Sequence[Any]:
        """Cells of an absolute row (numbered from the first row ever scrolled off, so the
        numbers survive the scrollback limit evicting old rows); [] once evicted."""
        emu = self._emulator
        if emu.in_alternate_screen:
            return emu.line(row, 0)
        kept = emu.scrollback_lines
        index = row - (emu.scrollback_total - kept)  # position among the rows still kept
        if index < 0:
            return []
        if index >= kept:
            return emu.line(index - kept, 0)
        return emu.line(0, kept - index)

    def selected_text(self) -> str:
        """The selected cells as text: trailing blanks trimmed, rows joined by newlines."""
        selection = self.selection
        if selection is None or selection.empty:
            return ""
        (top, _), (bottom, _) = selection.ordered()
        columns = self._term_size[0]
        rows = []
        for row in range(top, bottom + 1):
            span = selection.span(row, columns)
            if span is None:
                continue
            rows.append(row_text(self.cells_for_absolute_row(row), span[0], span[1]).rstrip())
        return "\n".join(rows)

    # --- events --------------------------------------------------------------------------
    def on_mouse_down(self, event: events.MouseDown) -> None:
        cell = self._cell_at(event)
        if cell is None:
            return
        event.stop()
        if self._tracking(event):
            self._reporting_button = event.button or 1
            self.capture_mouse()
            self._report("press", event, cell, self._reporting_button)
            return
        if event.button == 1:
            point = (self._absolute_row(cell[1]), cell[0])
            self.selection = Selection(point, point)
            self._selecting = True
            self.capture_mouse()
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._selecting and self.selection is not None:
            cell = self._cell_at(event)
            if cell is not None:
                point = (self._absolute_row(cell[1]), cell[0])
                if point != self.selection.cursor:
                    self.selection.cursor = point
                    self.refresh()
            return
        if self._tracking(event) >= 1002:
            cell = self._cell_at(event)
            if cell is not None:
                self._report("motion", event, cell, self._reporting_button)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._reporting_button:
            cell = self._cell_at(event)
            button, self._reporting_button = self._reporting_button, 0
            self.release_mouse()
            if cell is not None:
                self._report("release", event, cell, button)
            event.stop()
            return
        if self._selecting:
            self._selecting = False
            self.release_mouse()
            event.stop()
            text = self.selected_text()
            if text:
                self.app.copy_to_clipboard(text)
            else:
                self.selection = None
                self.refresh()

    def _wheel(self, event: events.MouseEvent, direction: int) -> None:
        event.stop()
        event.prevent_default()
        cell = self._cell_at(event) or (0, 0)
        if self._tracking(event):
            self._report("wheel_up" if direction < 0 else "wheel_down", event, cell, 0)
        elif self._emulator.in_alternate_screen:
            key = encode_key(
                "up" if direction < 0 else "down", app_cursor=bool(self._mode("app_cursor"))
            )
            self.send_bytes(key * WHEEL_LINES)
        else:
            self.scroll_lines(direction * WHEEL_LINES)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, -1)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 1)

    # --- scrolling -----------------------------------------------------------------------
    def scroll_lines(self, delta: int) -> None:
        """Scroll the view back (delta < 0) or forward through the scrollback."""
        emu = self._emulator
        limit = 0 if emu.in_alternate_screen else emu.scrollback_lines
        offset = max(0, min(limit, self._offset - delta))
        if offset != self._offset:
            self._offset = offset
            self._last_scrollback = emu.scrollback_total
            self._row_cache.clear()
            self.refresh()

    def scroll_to_bottom(self) -> None:
        if self._offset:
            self._offset = 0
            self._row_cache.clear()
            self.refresh()

    def _absolute_row(self, row: int) -> int:
        emu = self._emulator
        base = 0 if emu.in_alternate_screen else emu.scrollback_total
        return base - self._offset + row

    # --- keys ----------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        key = event.key
        event.stop()
        event.prevent_default()
        if self.prefix_armed:
            self.prefix_armed = False
            self.refresh(self._title_region())
            if key == self.prefix_key:  # twice: the program gets it
                self._type_key(key, event.character)
            else:
                self._release_focus(None if key == "escape" else key, event.character)
            return
        if key == self.prefix_key:
            self.prefix_armed = True
            self.refresh(self._title_region())
            return
        if key in SCROLL_PAGE_KEYS and not self._emulator.in_alternate_screen:
            self.scroll_lines(SCROLL_PAGE_KEYS[key] * max(1, self._term_size[1] - 1))
            return
        self._type_key(key, event.character)

    def _type_key(self, key: str, character: str | None) -> None:
        if self._exit is not None:  # nothing to type into: say so, never pass it on
            self.swallowed += 1
            self.refresh(self._title_region())
            return
        data = encode_key(key, character, app_cursor=bool(self._mode("app_cursor")))
        if data:
            self.selection = None
            self.scroll_to_bottom()
            self._typed(data)

    def _title_region(self) -> Any:
        from textual.geometry import Region

        return Region(0, 0, max(1, self.size.width), 1)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self._exit is not None:
            self.swallowed += 1
            self.refresh(self._title_region())
            return
        self.scroll_to_bottom()
        bracketed = bool(self._mode("bracketed_paste"))
        data = encode_paste(event.text, bracketed=bracketed)
        paste(self, self._typed, data, event.text, bracketed)  # (large: asks, then slices)

    def _typed(self, data: bytes) -> None:
        self.send_bytes(data)
        if self.input_tap is not None and self._exit is None:
            self.input_tap(data)

    def _mode(self, name: str) -> Any:
        modes = getattr(self._emulator, "modes", None)
        if modes is not None and hasattr(modes, name):
            return getattr(modes, name)
        return getattr(self._emulator, name, False)


__all__ = ["InputMixin"]
