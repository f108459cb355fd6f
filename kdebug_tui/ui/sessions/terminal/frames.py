"""Frame pacing for the terminal widget: the emulator's dirty rows -> Textual repaints.

Painting is paced by Textual's own screen updates (<= 60 per second), not by a timer of
ours on top (which made output wait for up to two frame intervals). After each slice of
output the dirty rows' cached Strips are dropped at once, and rows not already queued for
the next paint are handed to Textual, so that paint shows everything fed until then; the
first `render_line` of a paint empties the queue.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from textual.geometry import Region
from textual.strip import Strip

from kdebug_tui.ui.sessions.terminal.render import TerminalModel
from kdebug_tui.ui.sessions.terminal.style import safe_title

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class FramesMixin(_Base):
    """The painting half of TerminalView (kept apart to keep modules small)."""

    PAINT_WAIT_MAX: ClassVar[float] = 0.1  # rows queued this long without a paint: ask again

    _emulator: TerminalModel
    _term_size: tuple[int, int]
    _width: int
    _offset: int
    _last_scrollback: int
    _last_cursor: tuple[int, int, bool, str]
    _row_cache: dict[int, Strip]
    _program_title: str
    _raw_title: str
    _queued: set[int]
    _queued_all: bool
    _queued_at: float
    frames: int
    TitleChanged: Any

    def _request_frame(self) -> None:
        """Called after each slice of output (never per byte): hand the changes on now.

        Direct, not through a message: this runs hundreds of times a second in a flood."""
        self._on_frame()

    def _painted(self) -> None:
        """A paint started: rows changed from now on need a refresh of their own again."""
        self._queued.clear()
        self._queued_all = False

    def _on_frame(self) -> None:
        """Turn the emulator's dirty rows into repaint requests.

        Cheap enough to run after every slice of output: a row's cached Strip is dropped at
        once, but its region is handed to Textual only if it is not already waiting for the
        next paint. So the paint shows everything fed until then.
        """
        emu = self._emulator
        dirty = set(emu.dirty)
        emu.clear_dirty()
        total = emu.scrollback_total  # keeps counting when the scrollback limit evicts rows
        width = self._width or self.size.width
        if self._offset and emu.in_alternate_screen:
            self._offset = 0  # a full-screen program started: there is no scrollback to show
            dirty = set(range(self._term_size[1]))
            self.refresh(Region(0, 0, width, 1))
        elif self._offset and total != self._last_scrollback:
            # Stay on the same content while new output arrives below.
            grown = self._offset + total - self._last_scrollback
            self._offset = max(0, min(emu.scrollback_lines, grown))
            dirty = set(range(self._term_size[1]))
            self.refresh(Region(0, 0, width, 1))
        self._last_scrollback = total
        x, y = emu.cursor
        cursor = (x, y, bool(emu.cursor_visible), emu.cursor_shape)
        if cursor != self._last_cursor:
            dirty.update({y, self._last_cursor[1]})
            self._last_cursor = cursor
        if emu.title != self._raw_title:
            self._raw_title = emu.title
            title = safe_title(emu.title)
            if title != self._program_title:
                self._program_title = title
                self.refresh(Region(0, 0, width, 1))
                self.post_message(self.TitleChanged(self, title))
        if not dirty:
            return
        for row in dirty:
            self._row_cache.pop(row, None)
        now = monotonic()
        if self._queued and now - self._queued_at > self.PAINT_WAIT_MAX:
            self._painted()  # queued rows were never painted (not displayed?): ask again
        if self._queued_all:
            return
        new = dirty - self._queued
        if not new:
            return
        if not self._queued:
            self._queued_at = now
        self.frames += 1
        self._queued |= new
        lines = self._term_size[1]
        if len(self._queued) > lines // 2:
            self._queued_all = True
            self.refresh(Region(0, 1, width, lines))
        else:
            self.refresh(*(Region(0, row + 1, width, 1) for row in sorted(new)))


__all__ = ["FramesMixin"]
