"""Building Strips for the terminal widget: rows from emulator cells, overlays, title bar.

Rows are converted run by run (cells with equal attributes become one Segment) and cached
by the widget per row until the emulator marks the row dirty; the cursor and the selection
are drawn on top of the cached strip at paint time so moving them never rebuilds a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from kdebug_tui.ui.sessions.terminal.style import cell_style, safe_text, safe_title, style_key

_ATTRS = itemgetter(slice(1, 9))  # (fg, bg, bold, italics, underscore, strike, reverse, blink)
_DATA = attrgetter("data")


class TerminalModel(Protocol):
    """What the widget needs from the emulator (CONTRACTS.md section 3)."""

    def feed(self, data: bytes) -> None: ...
    def feed_some(self, data: bytes | bytearray | memoryview, budget_s: float = 0.002) -> int: ...
    def resize(self, columns: int, lines: int) -> None: ...
    def line(self, y: int, offset: int = 0) -> Sequence[Any]: ...
    def take_replies(self) -> bytes: ...
    def clear_dirty(self) -> None: ...
    def scrollback_text(self) -> str: ...

    @property
    def display(self) -> list[str]: ...
    @property
    def cursor(self) -> tuple[int, int]: ...
    @property
    def cursor_visible(self) -> bool: ...
    @property
    def cursor_shape(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def scrollback_lines(self) -> int: ...
    @property
    def scrollback_total(self) -> int: ...
    @property
    def dirty(self) -> set[int]: ...
    @property
    def in_alternate_screen(self) -> bool: ...
    @property
    def modes(self) -> Any: ...


def _runs(cells: Sequence[Any]) -> Iterable[tuple[tuple[Any, ...], str]]:
    if cells and isinstance(cells[0], tuple):
        for key, group in groupby(cells, _ATTRS):
            yield key, "".join(map(_DATA, group))
        return
    for key, group in groupby(cells, style_key):
        yield key, "".join(map(_DATA, group))


_BLANK_STYLE = Style()


def row_strip(cells: Sequence[Any], width: int) -> Strip:
    """One emulator row as a Strip exactly `width` cells wide.

    Built once per dirty row, so it avoids Strip's own measuring: ASCII runs are as wide as
    they are long, and only non-ASCII runs are measured.
    """
    segments = []
    length = 0
    for key, raw in _runs(cells):
        if not raw:
            continue
        text = safe_text(raw)
        segments.append(Segment(text, cell_style(*key)))
        length += len(text) if text.isascii() else cell_len(text)
    if length < width:
        segments.append(Segment(" " * (width - length), _BLANK_STYLE))
        return Strip(segments, width)
    if length > width:
        return Strip(segments, length).crop(0, width)
    return Strip(segments, width)


def row_text(cells: Sequence[Any], start: int = 0, end: int | None = None) -> str:
    """Plain text of cells [start, end) (wide-character placeholders contribute nothing)."""
    return "".join(cell.data for cell in cells[start:end])


def overlay(strip: Strip, start: int, end: int, restyle: Callable[[Style], Style]) -> Strip:
    """`strip` with cells [start, end) restyled; used for the cursor and the selection."""
    length = strip.cell_length
    start, end = max(0, start), min(end, length)
    if start >= end:
        return strip
    cuts = [cut for cut in (start, end, length) if cut > 0]
    parts = list(strip.divide(cuts))
    index = 1 if start > 0 else 0
    middle = parts[index]
    restyled = Strip(
        [Segment(seg.text, restyle(seg.style or Style.null())) for seg in middle],
        middle.cell_length,
    )
    parts[index] = restyled
    return Strip.join(parts)


def cursor_style(base: Style, *, focused: bool, shape: str = "block") -> Style:
    """How the cursor cell looks, for the shape the program chose (DECSCUSR).

    A cell grid cannot draw a thin bar, so a bar is the reverse-video block with an
    underline (distinct from the block, visible on every terminal); an underline cursor is
    a bold underline. Without focus every shape is a plain underline, so it does not look
    like the focused pane.
    """
    if not focused:
        return base + Style(underline=True)
    if shape == "underline":
        return base + Style(underline=True, bold=True)
    if shape == "bar":
        return base + Style(underline=True, reverse=not base.reverse)
    return base + Style(reverse=not base.reverse)


@dataclass
class Selection:
    """A mouse selection in absolute rows (scrollback row 0 = oldest), columns inclusive."""

    anchor: tuple[int, int]
    cursor: tuple[int, int]

    def ordered(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return (
            (self.anchor, self.cursor)
            if self.anchor <= self.cursor
            else (
                self.cursor,
                self.anchor,
            )
        )

    def span(self, row: int, width: int) -> tuple[int, int] | None:
        """Columns [start, end) selected on absolute `row`, or None."""
        (top_row, top_col), (bottom_row, bottom_col) = self.ordered()
        if row < top_row or row > bottom_row:
            return None
        start = top_col if row == top_row else 0
        end = bottom_col + 1 if row == bottom_row else width
        return (start, end) if end > start else None

    @property
    def empty(self) -> bool:
        return self.anchor == self.cursor


def title_strip(left: str, right: str, width: int, style: Style) -> Strip:
    """The title bar: `left` (truncated first) and `right` (status), inert text only."""
    left = safe_title(left)
    right = safe_title(right)
    if width <= 0:
        return Strip([])
    room = width - cell_len(right) - 3 if right else width - 2
    if room < 4 and right:
        right = ""
        room = width - 2
    if cell_len(left) > room:
        left = set_cell_size(left, max(0, room - 1)) + "\u2026"
    text = f" {left}"
    if right:
        gap = max(1, width - cell_len(text) - cell_len(right) - 1)
        text = f"{text}{' ' * gap}{right} "
    return Strip([Segment(text, style)]).adjust_cell_length(width, style)


__all__ = [
    "Selection",
    "TerminalModel",
    "cursor_style",
    "overlay",
    "row_strip",
    "row_text",
    "title_strip",
]
