"""Bounded scrollback for the main screen, kept outside pyte.

pyte's ``HistoryScreen`` is 3-6x slower than ``Screen`` because every attribute access runs
hooks, so rows that scroll off the top are stored here instead. Two row shapes are kept:

- a tuple of ``Char`` (a row that went through the screen cell by cell), sharing the cached
  ``Char`` objects of the screen, so a row costs one tuple;
- a ``TextRow`` (plain text with one attribute set), produced by the fast path when a
  flood scrolls lines off before they were ever shown: no per-character work at all;
- a ``StyledRow`` (text plus the attributes and lengths of its coloured pieces), the same
  for coloured lines (``ls --color``, coloured logs).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from itertools import repeat
from typing import Any, cast

from pyte.screens import Char, StaticDefaultDict

BLANK = Char(" ")

Row = tuple[Char, ...]


# Attributes as an exact tuple of a Char's fields. Text rows hold attributes in this form:
# CPython untracks an exact tuple of untracked items at its first collection, but never a
# namedtuple, so a scrollback of rows holding Chars (10,000 of them) stays in the garbage
# collector's lists and makes the full collections that a flood triggers cost tens of ms.
PlainAttrs = tuple[Any, ...]
# A row written in one go with one attribute set, cells after the text blank: (text, attrs).
# A plain tuple (not a NamedTuple): floods create one per line and the constructor shows up.
TextRow = tuple[str, PlainAttrs]
# A row written in one go from column 0 in pieces with their own attributes, cells after
# the text blank: (text, attrs of each piece of the line, where each piece ends in the line,
# where the row starts in the line). Rows a long line wraps into share the piece tables.
StyledRow = tuple[str, tuple[PlainAttrs, ...], tuple[int, ...], int]
# A row with combining marks, compacted when it scrolls off: (the cells' texts joined with
# SEP, attrs of each run of cells, where each run ends, MARKED). One string instead of a
# unique Char per cell: ~1 KB per 80-column row instead of ~17 KB.
AnyRow = Row | TextRow | StyledRow
SEP = "\x01"
MARKED = -1

_PLAIN: dict[int, tuple[Char, PlainAttrs]] = {}
_CHARS: dict[PlainAttrs, Char] = {}
_ATTRS_MAX = 4096


def plain_attrs(attrs: Char) -> PlainAttrs:
    """`attrs` as a PlainAttrs, cached by identity (SGR results are cached objects)."""
    hit = _PLAIN.get(id(attrs))
    if hit is not None and hit[0] is attrs:
        return hit[1]
    plain = tuple(attrs)
    if len(_PLAIN) >= _ATTRS_MAX:
        _PLAIN.clear()
    _PLAIN[id(attrs)] = (attrs, plain)  # (keeps attrs alive, so its id is not reused)
    return plain


def char_attrs(plain: PlainAttrs) -> Char:
    """The Char for a PlainAttrs (cached by value)."""
    char = _CHARS.get(plain)
    if char is None:
        char = Char._make(plain)
        if len(_CHARS) >= _ATTRS_MAX:
            _CHARS.clear()
        _CHARS[plain] = char
    return char


def is_text_row(row: AnyRow) -> bool:
    """TextRow or StyledRow (a Row holds ``Char`` cells, never a str first)."""
    return bool(row) and type(row[0]) is str


_GLYPHS: dict[PlainAttrs, dict[str, Char]] = {}


def glyph_cells(text: str, attrs: PlainAttrs) -> list[Char]:
    """Cells of `text` drawn with `attrs` (cells are cached per attribute set, bounded)."""
    cache = _GLYPHS.get(attrs)
    if cache is None:
        if len(_GLYPHS) >= 256:
            _GLYPHS.clear()
        cache = _GLYPHS[attrs] = {}
    char = None
    out = []
    for ch in text:
        cell = cache.get(ch)
        if cell is None:
            char = char or char_attrs(attrs)
            cell = char._replace(data="" if ch == "\x00" else ch)  # (a wide char's stub)
            if len(cache) < 1024:
                cache[ch] = cell
        out.append(cell)
    return out


def text_row_cells(row: TextRow | StyledRow) -> list[Char]:
    """The cells a TextRow or StyledRow stands for (only as many as its text)."""
    if len(row) == 2:
        text, attrs = cast(TextRow, row)
        return glyph_cells(text, attrs)
    if row[3] == MARKED:
        datas = row[0].split(SEP)
        out: list[Char] = []
        begin = 0
        for attrs, end in zip(row[1], row[2], strict=True):
            char = char_attrs(attrs)
            out.extend([char._replace(data=d) for d in datas[begin:end]])
            begin = end
        return out
    cells: list[Char] = []
    for attrs, start, end in styled_spans(cast(StyledRow, row)):
        cells.extend(glyph_cells(row[0][start:end], attrs))
    return cells


def styled_spans(row: StyledRow) -> list[tuple[PlainAttrs, int, int]]:
    """(attrs, start, end) of the non-empty pieces of a StyledRow, in row columns."""
    text, pieces, ends, offset = row
    stop = offset + len(text)
    out = []
    # Start at the row's first piece: a wrapped line's rows share its (maybe long) tables.
    first = bisect_right(ends, offset) if offset else 0
    begin = ends[first - 1] if first else 0
    for i in range(first, len(ends)):
        end = ends[i]
        lo = begin if begin > offset else offset
        hi = end if end < stop else stop
        if hi > lo:
            out.append((pieces[i], lo - offset, hi - offset))
        begin = end
        if begin >= stop:
            break
    return out


_ORDER: dict[int, list[int]] = {}


def row_from_cells(line: StaticDefaultDict[int, Char] | None, columns: int) -> Row:
    """Freeze a screen row (a pyte ``StaticDefaultDict``) into a tuple of cells.

    Done with C-level calls only: no per-cell Python frame (``__missing__``), even when sparse.
    """
    if line is None:
        return ()
    if len(line) == columns:  # a full row: no key is missing, no __missing__ call
        order = _ORDER.get(columns)
        if order is None:
            order = _ORDER[columns] = list(range(columns))
        if list(line) == order:  # written left to right (the usual case): values as they are
            return tuple(line.values())
        return tuple(map(line.__getitem__, range(columns)))
    return tuple(map(line.get, range(columns), repeat(line.default, columns)))


def scroll_row(line: StaticDefaultDict[int, Char] | None, columns: int) -> AnyRow:
    """A screen row as scrollback keeps it: compacted when it holds combining marks."""
    row = row_from_cells(line, columns)
    if line is None or not getattr(line, "marked", False):
        return row
    pieces: list[PlainAttrs] = []
    ends: list[int] = []
    prev = None
    for i, cell in enumerate(row):
        key = cell[1:]
        if key != prev:
            if prev is not None:
                ends.append(i)
            pieces.append((" ", *key))
            prev = key
    ends.append(len(row))
    return (SEP.join([c.data for c in row]), tuple(pieces), tuple(ends), MARKED)


class Scrollback:
    """A bounded FIFO of rows that scrolled off the main screen."""

    def __init__(self, limit: int) -> None:
        self.limit = max(0, int(limit))
        self._rows: deque[AnyRow] = deque(maxlen=self.limit or 1)
        self.total = 0  # rows ever added, including those evicted since

    def __len__(self) -> int:
        return len(self._rows) if self.limit else 0

    def push(self, row: AnyRow) -> None:
        if self.limit:
            self._rows.append(row)
            self.total += 1

    def extend(self, rows: list[AnyRow]) -> None:
        if self.limit:
            self._rows.extend(rows)
            self.total += len(rows)

    def clear(self) -> None:
        self._rows.clear()

    def cells(self, index: int, columns: int) -> list[Char]:
        """Row `index` (0 = oldest) as exactly `columns` cells."""
        row = self._rows[index]
        if is_text_row(row):
            cells = text_row_cells(cast(TextRow | StyledRow, row))[:columns]
        else:
            cells = list(cast(Row, row)[:columns])
        if len(cells) < columns:
            cells.extend([BLANK] * (columns - len(cells)))
        return cells

    def text(self, index: int) -> str:
        row = self._rows[index]
        if is_text_row(row):
            text = cast(TextRow | StyledRow, row)[0]
            if len(row) == 4 and row[3] == MARKED:
                return text.replace(SEP, "").rstrip()
            return text.replace("\x00", "").rstrip()
        return "".join(c.data for c in cast(Row, row)).rstrip()

    def all_text(self) -> str:
        return "\n".join(self.text(i) for i in range(len(self)))
