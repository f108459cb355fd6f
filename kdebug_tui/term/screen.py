"""A hardened pyte ``Screen``: bounded costs, alternate screen, scrollback, cached cells.

Every method that can be reached from the byte stream takes already-validated integers (the
parser in :mod:`.parser` guarantees it) and bounds its own work: counts are clamped to the
screen size and whole-row operations replace rows instead of touching every cell.
"""

from __future__ import annotations

import copy
import unicodedata
from collections import defaultdict

from pyte import charsets as cs
from pyte import modes as mo
from pyte.screens import Char, Savepoint

from .editing import EditingScreen, Line
from .sanitize import MAX_COMBINING, WIDTH_CACHE, char_width
from .scrollback import (
    Scrollback,
    StyledRow,
    TextRow,
    char_attrs,
    scroll_row,
    styled_spans,
)
from .sgr import DEFAULT_ATTRS, apply_sgr
from .wide import STUB

#: DECSCUSR (``CSI n SP q``) parameter -> cursor shape; blinking and steady look alike here.
CURSOR_SHAPES = {
    0: "block", 1: "block", 2: "block", 3: "underline", 4: "underline", 5: "bar", 6: "bar",
}  # fmt: skip

MAX_COLUMNS = 1000
MAX_LINES = 500
_GLYPH_MAPS_MAX = 128
_GLYPHS_PER_MAP = 2048


# The charsets as {code point: replacement} for just the characters they change: str.translate
# is ~2x faster with these than with pyte's 256-character strings.
_SPARSE: dict[int, dict[int, str]] = {
    id(table): {i: c for i, c in enumerate(table) if chr(i) != c} for table in cs.MAPS.values()
}


def sparse_table(table: str) -> dict[int, str] | str:
    return _SPARSE.get(id(table)) or table


class GlyphMap(dict[str, Char]):
    """``char -> Char`` for one attribute set; missing entries are built once and kept."""

    __slots__ = ("attrs",)

    def __init__(self, attrs: Char) -> None:
        super().__init__()
        self.attrs = attrs

    def __missing__(self, ch: str) -> Char:
        cell = self.attrs._replace(data="" if ch == STUB else ch)
        if len(self) < _GLYPHS_PER_MAP:
            self[ch] = cell
        return cell


class TermScreen(EditingScreen):
    """pyte ``Screen`` with the fixes and extensions the emulator needs."""

    def __init__(self, columns: int, lines: int, scrollback: int = 10_000) -> None:
        self.scrollback = Scrollback(scrollback)
        self.lazy: dict[int, TextRow | StyledRow] = {}  # rows held as text by the fast paths
        self.replies: list[str] = []
        self.in_alt = False
        self._main_buffer: dict[int, Line] | None = None
        self._alt_saved: Savepoint | None = None
        self._glyph_maps: dict[Char, GlyphMap] = {}
        self._last_attrs: Char | None = None
        self._glyphs_by_id: dict[int, GlyphMap] = {}
        self._last_glyphs = GlyphMap(DEFAULT_ATTRS)
        self.last_char = ""  # the last graphic character received, for REP
        self.cursor_shape = "block"
        self.app_cursor = False
        self.app_keypad = False
        self.bracketed_paste = False
        self.mouse_modes: set[int] = set()
        self.mouse_sgr = False
        self.focus_events = False
        self.bell_count = 0
        columns = min(max(1, columns), MAX_COLUMNS)
        lines = min(max(1, lines), MAX_LINES)
        super().__init__(columns, lines)

    # ----------------------------------------------------------------- helpers
    @property
    def default_char(self) -> Char:
        return DEFAULT_ATTRS

    def glyphs(self, attrs: Char) -> GlyphMap:
        """The cached ``char -> Char`` map for `attrs`.

        Looked up by identity first: SGR results are cached, so the same attribute object
        comes back again and again, and hashing a 9-field tuple per text run is measurable.
        A map keeps its attrs alive, so an ``id`` cannot be reused while its entry exists.
        """
        if attrs is self._last_attrs:
            return self._last_glyphs
        gm = self._glyphs_by_id.get(id(attrs))
        if gm is None or gm.attrs is not attrs:
            gm = self._glyph_maps.get(attrs)
            if gm is None:
                if len(self._glyph_maps) >= _GLYPH_MAPS_MAX:
                    self._glyph_maps.clear()
                    self._glyphs_by_id.clear()
                gm = self._glyph_maps[attrs] = GlyphMap(attrs)
            if len(self._glyphs_by_id) >= 4 * _GLYPH_MAPS_MAX:
                self._glyphs_by_id.clear()
            self._glyphs_by_id[id(attrs)] = gm
        self._last_attrs, self._last_glyphs = attrs, gm
        return gm

    def materialize(self) -> None:
        """Turn the fast path's text rows into cells; needed before anything else uses rows."""
        for y in list(self.lazy):
            self.materialize_row(y)

    def materialize_row(self, y: int) -> None:
        row = self.lazy.pop(y, None)
        if row is not None:
            self.put_row(self.buffer[y], row)

    def put_row(self, line: Line, row: TextRow | StyledRow) -> None:
        """Draw a text row's cells over `line` from column 0 (cached ``Char`` per attrs)."""
        text = row[0]
        if len(row) == 2:
            getg = self.glyphs(char_attrs(row[1])).__getitem__
            line.update(zip(range(len(text)), map(getg, text), strict=False))
            return
        for attrs, start, end in styled_spans(row):
            getg = self.glyphs(char_attrs(attrs)).__getitem__
            line.update(zip(range(start, end), map(getg, text[start:end]), strict=False))

    def clamp_cursor(self) -> None:
        """x may equal ``columns`` (a pending wrap, as in pyte); y is always on screen."""
        c = self.cursor
        c.x = min(max(0, c.x), self.columns)
        c.y = min(max(0, c.y), self.lines - 1)

    def reply(self, text: str) -> None:
        if len(self.replies) < 64:
            self.replies.append(text)

    # ------------------------------------------------------------------ reset
    def reset(self) -> None:
        if getattr(self, "in_alt", False) and self._main_buffer is not None:
            self.buffer = self._main_buffer
        self.in_alt = False
        self._main_buffer = None
        self._alt_saved = None
        self.lazy.clear()
        super().reset()
        self.savepoints = []
        self.app_cursor = False
        self.app_keypad = False
        self.bracketed_paste = False
        self.mouse_modes = set()
        self.mouse_sgr = False
        self.focus_events = False
        self.last_char = ""
        self.cursor_shape = "block"

    def soft_reset(self) -> None:
        """DECSTR: modes and attributes back to defaults, screen contents kept."""
        self.mode.discard(mo.IRM)
        self.mode.discard(mo.DECOM)
        self.mode.add(mo.DECAWM)
        self.mode.add(mo.DECTCEM)
        self.cursor.hidden = False
        self.margins = None
        self.charset = 0
        self.g0_charset = cs.LAT1_MAP
        self.g1_charset = cs.VT100_MAP
        self.cursor.attrs = DEFAULT_ATTRS
        self.app_cursor = False
        self.app_keypad = False
        self.savepoints = []

    # ----------------------------------------------------------------- resize
    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        lines = min(max(1, lines or self.lines), MAX_LINES)
        columns = min(max(1, columns or self.columns), MAX_COLUMNS)
        if lines == self.lines and columns == self.columns:
            return
        if lines < self.lines:
            shift = max(0, self.cursor.y - (lines - 1))
            self._shrink(self.buffer, lines, shift, to_scrollback=not self.in_alt)
            self.cursor.y -= shift
            if self._main_buffer is not None:
                saved_y = self._alt_saved.cursor.y if self._alt_saved else self.lines - 1
                mshift = max(0, saved_y - (lines - 1))
                self._shrink(self._main_buffer, lines, mshift, to_scrollback=True)
                if self._alt_saved is not None:
                    self._alt_saved.cursor.y -= mshift
        if columns < self.columns:
            for buf in (self.buffer, self._main_buffer):
                for line in (buf or {}).values():
                    for x in [x for x in line if x >= columns]:
                        del line[x]
        old_columns = self.columns
        self.lines, self.columns = lines, columns
        if columns > old_columns:
            self.tabstops.update(range(max(8, (old_columns // 8 + 1) * 8), columns, 8))
        self.tabstops = {t for t in self.tabstops if t < columns}
        self.margins = None
        self.cursor.x = min(self.cursor.x, columns - 1)
        self.clamp_cursor()
        self.dirty.clear()  # (no stale rows beyond the new size: index() relies on it)
        self.dirty.update(range(lines))

    def _shrink(self, buf: dict[int, Line], lines: int, shift: int, to_scrollback: bool) -> None:
        rows = {y: buf[y] for y in list(buf) if y < self.lines}
        buf.clear()
        if to_scrollback:
            for y in range(shift):
                self.scrollback.push(scroll_row(rows.get(y), self.columns))
        for y, line in rows.items():
            if 0 <= y - shift < lines:
                buf[y - shift] = line

    # --------------------------------------------------------- alternate screen
    def enter_alt(self, mode: int) -> None:
        if self.in_alt:
            if mode == 1049:
                self.buffer.clear()
                self.dirty.update(range(self.lines))
            return
        if mode == 1049:
            self._alt_saved = self._savepoint()
        self._main_buffer = self.buffer
        self.buffer = defaultdict(lambda: self.blank_line())
        self.in_alt = True
        self.dirty.update(range(self.lines))

    def leave_alt(self, mode: int) -> None:
        if not self.in_alt or self._main_buffer is None:
            if mode == 1049 and self._alt_saved is not None:
                self._restore(self._alt_saved)
            return
        self.buffer = self._main_buffer
        self._main_buffer = None
        self.in_alt = False
        if mode == 1049 and self._alt_saved is not None:
            self._restore(self._alt_saved)
            self._alt_saved = None
        self.clamp_cursor()
        self.dirty.update(range(self.lines))

    # ------------------------------------------------------- cursor save/load
    def _savepoint(self) -> Savepoint:
        return Savepoint(
            copy.copy(self.cursor),
            self.g0_charset,
            self.g1_charset,
            self.charset,
            mo.DECOM in self.mode,
            mo.DECAWM in self.mode,
        )

    def _restore(self, sp: Savepoint) -> None:
        hidden = self.cursor.hidden
        self.g0_charset, self.g1_charset, self.charset = sp.g0_charset, sp.g1_charset, sp.charset
        for flag, mode in ((sp.origin, mo.DECOM), (sp.wrap, mo.DECAWM)):
            if flag:
                self.mode.add(mode)
            else:
                self.mode.discard(mode)
        self.cursor = copy.copy(sp.cursor)
        self.cursor.hidden = hidden
        self.cursor.x = min(max(0, self.cursor.x), self.columns - 1)
        self.clamp_cursor()

    def save_cursor(self) -> None:
        """One save slot (as xterm), not pyte's unbounded stack."""
        self.savepoints = [self._savepoint()]

    def restore_cursor(self) -> None:
        if self.savepoints:
            self._restore(self.savepoints[-1])
        else:
            self.mode.discard(mo.DECOM)
            self.cursor_position()

    # ------------------------------------------------------------------- draw
    def draw(self, data: str) -> None:
        """Per-character drawing for text the fast paths cannot take (wide, combining, IRM).

        Unlike pyte, characters that cannot be displayed are dropped instead of ending the
        whole run, wide characters wrap before the last column, and combining marks are
        capped per cell.
        """
        if not data:
            return
        if STUB in data:  # (fast-path text that fell back here: widths are looked up below)
            data = data.replace(STUB, "")
            if not data:
                return
        self.last_char = data[-1]  # for REP, before charset translation (as the parser's)
        table = self.g1_charset if self.charset else self.g0_charset
        if table is not cs.LAT1_MAP:
            data = data.translate(sparse_table(table))
        cursor = self.cursor
        columns = self.columns
        autowrap = mo.DECAWM in self.mode
        insert = mo.IRM in self.mode
        glyphs = self.glyphs(cursor.attrs)
        dirty = self.dirty
        line = self.buffer[cursor.y]
        widths = WIDTH_CACHE
        stub = glyphs[""]
        x = cursor.x
        for ch in data:
            w = widths.get(ch)
            if w is None:
                w = char_width(ch)
            if w <= 0:
                if w == 0:
                    cursor.x = x
                    self._combine(ch)
                continue
            if x + w > columns:
                if autowrap:
                    dirty.add(cursor.y)
                    cursor.x = x = 0
                    self.index()
                    line = self.buffer[cursor.y]
                else:
                    x = max(0, columns - w)
            if insert:
                cursor.x = x
                self.insert_characters(w)
            if w > columns:
                continue
            line[x] = glyphs[ch]
            if w == 2:
                line[x + 1] = stub
            x += w
        cursor.x = x
        dirty.add(cursor.y)

    def _combine(self, mark: str) -> None:
        x, y = self.cursor.x - 1, self.cursor.y
        if x < 0:
            if y == 0:
                return
            x, y = self.columns - 1, y - 1
        line = self.buffer[y]
        if line[x].data == "" and x > 0:
            x -= 1
        cell = line[x]
        if cell.data == "" or len(cell.data) > MAX_COMBINING:
            return
        line[x] = cell._replace(data=unicodedata.normalize("NFC", cell.data + mark))
        line.marked = True  # type: ignore[attr-defined]  # (compacted when it scrolls off)
        self.dirty.add(y)

    def draw_ascii_row(self, text: str) -> None:
        """Draw single-width text (already charset-translated) that fits on the cursor row."""
        cursor = self.cursor
        x = cursor.x
        n = len(text)
        line = self.buffer[cursor.y]
        getg = self.glyphs(cursor.attrs).__getitem__
        line.update(zip(range(x, x + n), map(getg, text), strict=False))
        cursor.x = x + n
        self.dirty.add(cursor.y)

    # -------------------------------------------------------------- modes
    def set_ansi_modes(self, params: tuple[int, ...], on: bool) -> None:
        for p in params:
            if p in (4, 20):  # IRM, LNM
                (self.mode.add if on else self.mode.discard)(p)

    def set_private_modes(self, params: tuple[int, ...], on: bool) -> None:
        """DEC private modes we honour; DECCOLM and DECSCNM are ignored (costly, unused)."""
        for p in params:
            if p == 1:
                self.app_cursor = on
            elif p == 6:
                (self.mode.add if on else self.mode.discard)(mo.DECOM)
                self.cursor_position()
            elif p == 7:
                (self.mode.add if on else self.mode.discard)(mo.DECAWM)
            elif p == 25:
                (self.mode.add if on else self.mode.discard)(mo.DECTCEM)
                self.cursor.hidden = not on
            elif p in (47, 1047, 1049):
                if on:
                    self.enter_alt(p)
                else:
                    self.leave_alt(p)
            elif p == 1048:
                if on:
                    self.save_cursor()
                else:
                    self.restore_cursor()
            elif p in (1000, 1002, 1003):
                (self.mouse_modes.add if on else self.mouse_modes.discard)(p)
            elif p == 1006:
                self.mouse_sgr = on
            elif p == 1004:
                self.focus_events = on
            elif p == 2004:
                self.bracketed_paste = on
            else:
                continue
            # Also recorded pyte's way (private modes shifted by 5) for code that reads `mode`.
            (self.mode.add if on else self.mode.discard)(p << 5)

    # ------------------------------------------------------------ the rest
    def select_graphic_rendition(self, *attrs: int, **kwargs: object) -> None:
        self.cursor.attrs = apply_sgr(self.cursor.attrs, ";".join(map(str, attrs)))

    def bell(self, *args: object) -> None:
        self.bell_count += 1

    def report_device_attributes(self, mode: int = 0, **kwargs: object) -> None:
        if mode == 0:
            self.reply("\x1b[?6c")

    def report_device_status(self, mode: int = 0, **kwargs: object) -> None:
        if mode == 5:
            self.reply("\x1b[0n")
        elif mode == 6:
            x = min(self.cursor.x, self.columns - 1) + 1
            y = self.cursor.y + 1
            if mo.DECOM in self.mode and self.margins is not None:
                y -= self.margins.top
            self.reply(f"\x1b[{y};{x}R")

    def write_process_input(self, data: str) -> None:
        """pyte's own reply hook: never used for anything outside the fixed set."""
