"""Scrolling and erasing for :class:`~.screen.TermScreen`, with bounded costs.

pyte marks or rewrites every cell for these; here whole rows are replaced or re-keyed (one
object per row, never one per cell), so a stream of ``ESC[2J``, ``ESC#8`` or line feeds at the
bottom costs the same on a 200x60 screen as on 80x24, and rows that scroll off the top of the
main screen go to scrollback.
"""

from __future__ import annotations

from itertools import repeat

from pyte import modes as mo
from pyte.screens import Char, Screen, StaticDefaultDict

from .scrollback import Scrollback, scroll_row
from .sgr import DEFAULT_ATTRS

Line = StaticDefaultDict[int, Char]

_ERASE: dict[Char, Char] = {}


def erase_attrs(attrs: Char) -> Char:
    """What erased cells look like: xterm keeps only the background colour of the cursor's
    attributes (bold, underline, reverse and the foreground are not copied into blanks)."""
    hit = _ERASE.get(attrs)
    if hit is None:
        hit = DEFAULT_ATTRS if attrs.bg == "default" else DEFAULT_ATTRS._replace(bg=attrs.bg)
        if len(_ERASE) >= 1024:
            _ERASE.clear()
        _ERASE[attrs] = hit
    return hit


class EditingScreen(Screen):
    """The scrolling/erasing half of TermScreen (kept apart to keep modules small)."""

    scrollback: Scrollback
    in_alt: bool

    def blank_line(self, attrs: Char | None = None) -> Line:
        return StaticDefaultDict[int, Char](attrs or DEFAULT_ATTRS)

    # ----------------------------------------------------------- scrolling
    def next_line(self) -> None:
        """NEL: carriage return + index."""
        self.carriage_return()
        self.index()

    def index(self) -> None:
        top, bottom = self.margins or (0, self.lines - 1)
        cursor = self.cursor
        if cursor.y == bottom:
            buf = self.buffer
            if top == 0 and not self.in_alt and self.scrollback.limit:
                self.scrollback.push(scroll_row(buf.get(0), self.columns))
            if top == 0 and bottom == self.lines - 1:  # whole screen: one comprehension
                kept = {y - 1: line for y, line in buf.items() if y > 0}
                buf.clear()
                buf.update(kept)
                if len(self.dirty) < self.lines:  # (after one scroll, every row is dirty)
                    self.dirty.update(range(self.lines))
                return
            for y in range(top, bottom):
                line = buf.get(y + 1)
                if line is None:
                    buf.pop(y, None)
                else:
                    buf[y] = line
            buf.pop(bottom, None)
            self.dirty.update(range(top, bottom + 1))
        elif cursor.y < self.lines - 1:
            cursor.y += 1

    def reverse_index(self) -> None:
        top, bottom = self.margins or (0, self.lines - 1)
        if self.cursor.y == top:
            buf = self.buffer
            if top == 0 and bottom == self.lines - 1:
                kept = {y + 1: line for y, line in buf.items() if y < bottom}
                buf.clear()
                buf.update(kept)
                self.dirty.update(range(self.lines))
                return
            for y in range(bottom, top, -1):
                line = buf.get(y - 1)
                if line is None:
                    buf.pop(y, None)
                else:
                    buf[y] = line
            buf.pop(top, None)
            self.dirty.update(range(top, bottom + 1))
        elif self.cursor.y > 0:
            self.cursor.y -= 1

    def scroll_up(self, count: int) -> None:
        """SU: move the scrolling region's contents up (no scrollback, as xterm for SU)."""
        top, bottom = self.margins or (0, self.lines - 1)
        self._scroll_region(top, bottom, min(max(count, 1), bottom - top + 1))

    def scroll_down(self, count: int) -> None:
        top, bottom = self.margins or (0, self.lines - 1)
        self._scroll_region(top, bottom, -min(max(count, 1), bottom - top + 1))

    def _scroll_region(self, top: int, bottom: int, n: int) -> None:
        buf = self.buffer
        rows = {y: buf[y] for y in range(top, bottom + 1) if y in buf}
        for y in range(top, bottom + 1):
            src = rows.get(y + n)
            if src is not None and top <= y + n <= bottom:
                buf[y] = src
            else:
                buf.pop(y, None)
        self.dirty.update(range(top, bottom + 1))

    # ------------------------------------------------- line insert/delete
    def insert_lines(self, count: int | None = None) -> None:
        """IL. pyte's version leaves a row in place when the row moving into it was absent
        (never written, or dropped by an erase or a scroll): every row is moved or cleared."""
        self._shift_rows(-(count or 1))

    def delete_lines(self, count: int | None = None) -> None:
        """DL (see :meth:`insert_lines`: a deleted row must never stay on screen)."""
        self._shift_rows(count or 1)

    def _shift_rows(self, n: int) -> None:
        top, bottom = self.margins or (0, self.lines - 1)
        y = self.cursor.y
        if not top <= y <= bottom:
            return
        buf = self.buffer
        rows = {r: buf[r] for r in range(y, bottom + 1) if r in buf}
        for r in range(y, bottom + 1):
            src = rows.get(r + n)
            if src is not None and y <= r + n <= bottom:
                buf[r] = src
            else:
                buf.pop(r, None)
        self.dirty.update(range(y, self.lines))
        self.carriage_return()

    # ------------------------------------------------------------- erasing
    def erase_in_display(self, how: int = 0, *args: object, **kwargs: object) -> None:
        attrs = erase_attrs(self.cursor.attrs)
        y = self.cursor.y
        if how == 0:
            rows = range(y + 1, self.lines)
        elif how == 1:
            rows = range(y)
        elif how in (2, 3):
            rows = range(self.lines)
            if how == 3:
                self.scrollback.clear()
        else:
            return
        buf = self.buffer
        for row in rows:
            if attrs == DEFAULT_ATTRS:
                buf.pop(row, None)
            else:
                buf[row] = self.blank_line(attrs)
        self.dirty.update(rows)
        if how in (0, 1):
            self.erase_in_line(how)

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        c = self.cursor
        attrs = erase_attrs(c.attrs)
        if how == 0:
            cols = range(min(c.x, self.columns), self.columns)
        elif how == 1:
            cols = range(min(c.x + 1, self.columns))
        elif how == 2:
            self.buffer[c.y] = self.blank_line(attrs)
            self.dirty.add(c.y)
            return
        else:
            return
        self.buffer[c.y].update(zip(cols, repeat(attrs)))
        self.dirty.add(c.y)

    def erase_characters(self, count: int | None = None) -> None:
        c = self.cursor
        end = min(c.x + max(count or 1, 1), self.columns)
        self.buffer[c.y].update(zip(range(c.x, end), repeat(erase_attrs(c.attrs))))
        self.dirty.add(c.y)

    def alignment_display(self) -> None:
        """DECALN: every cell an "E" -- one row object each, not one dict write per cell."""
        e = DEFAULT_ATTRS._replace(data="E")
        self.margins = None
        for y in range(self.lines):
            self.buffer[y] = self.blank_line(e)
        self.cursor_position()
        self.dirty.update(range(self.lines))

    def cursor_to_line(self, line: int | None = None) -> None:
        """VPA; pyte asserts when origin mode is on without margins."""
        self.cursor.y = (line or 1) - 1
        if mo.DECOM in self.mode and self.margins is not None:
            self.cursor.y += self.margins.top
        self.ensure_vbounds()
