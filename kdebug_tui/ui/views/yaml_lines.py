"""The YAML text as a Line API widget: only the rows on screen are styled and painted.

A pod can hold 256 KiB of annotations, megabytes of env, a one-line value of 256 KiB.
Highlighting the whole document (Rich's Syntax through Pygments) took 8-40 s on the event
loop. Here the document is a list of lines; each painted row is styled by a per-line
pattern (YAML's block style puts one key or item per line) and cut to the viewport's
columns, so the cost of a paint is the screen's size, not the document's.

The text is shown literally: segments carry styles only, nothing is parsed as markup.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

GUTTER_STYLE = Style(dim=True)
MATCH_STYLE = Style(color="black", bgcolor="yellow")  # the number of a line `/` found
CURRENT_STYLE = Style(reverse=True)  # the match n/N is on
KEY_STYLE = Style(color="cyan", bold=True)
DASH_STYLE = Style(color="yellow")
STRING_STYLE = Style(color="green")
SCALAR_STYLE = Style(color="magenta")
MARKER_STYLE = Style(color="black", bgcolor="yellow", bold=True)  # <U+XXXX> markers

# indent, optional "- " items, then a key ending in ":" (plain or quoted) and the value.
_LINE = re.compile(r"^( *)((?:- )*)((?:[^\s'\"#:][^:]*?|'[^']*'|\"[^\"]*\"):(?= |$))?(.*)$")
_SCALAR = re.compile(r"^ ?(true|false|null|~|-?\d+(\.\d+)?([eE][-+]?\d+)?)$")
_MARKER = re.compile(r"<U\+[0-9A-F]{4,6}>")
_CACHE = 512  # styled lines kept: a few screens' worth while scrolling back and forth


def line_spans(line: str) -> list[tuple[int, int, Style | None]]:
    """(start, end, style) runs covering `line`: key, list dash, string or scalar value."""
    match = _LINE.match(line)
    spans: list[tuple[int, int, Style | None]] = []
    if match is None:  # only for lines the pattern cannot read: shown unstyled
        return [(0, len(line), None)]
    indent, dashes, key, value = match.groups()
    pos = len(indent)
    if indent:
        spans.append((0, pos, None))
    if dashes:
        spans.append((pos, pos + len(dashes), DASH_STYLE))
        pos += len(dashes)
    if key:
        spans.append((pos, pos + len(key), KEY_STYLE))
        pos += len(key)
    if value:
        stripped = value.strip()
        if stripped[:1] in ("'", '"'):
            style: Style | None = STRING_STYLE
        elif _SCALAR.match(value):
            style = SCALAR_STYLE
        else:
            style = None
        spans.append((pos, len(line), style))
    return spans


def _markers(line: str, start: int, end: int) -> list[tuple[int, int]]:
    if "<U+" not in line:
        return []
    return [(m.start(), m.end()) for m in _MARKER.finditer(line, max(0, start - 9), end + 9)]


class YamlLines(ScrollView, can_focus=True):
    """Read-only lines with a line-number gutter; `G`/End to the last line, `g`/Home first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("G", "scroll_end", "Last line", show=False),
        Binding("g", "scroll_home", "First line", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    DEFAULT_CSS = "YamlLines { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []
        self._gutter = 0
        self._styled: OrderedDict[int, list[tuple[int, int, Style | None]]] = OrderedDict()
        self.matches: frozenset[int] = frozenset()  # lines a `/` search found
        self.current: int | None = None  # the match n/N is on

    def show_matches(self, matches: frozenset[int], current: int | None) -> None:
        """Mark the search's lines (their number) and the current one (the whole row)."""
        self.matches, self.current = matches, current
        if current is not None:
            self.scroll_to(y=max(0, current - 3), animate=False)
        self.refresh()

    def set_lines(self, lines: list[str]) -> None:
        """Replace the document (cheap: nothing is styled until painted)."""
        self.lines = lines
        self._styled.clear()
        self._gutter = len(str(len(lines))) + 1
        widest = max(map(len, lines), default=0)
        self.virtual_size = Size(self._gutter + 1 + widest, len(lines))
        self.refresh()

    def action_scroll_end(self) -> None:
        """At once: an animated scroll over 10,000 lines took a second."""
        self.scroll_end(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def _spans(self, index: int) -> list[tuple[int, int, Style | None]]:
        spans = self._styled.get(index)
        if spans is None:
            spans = line_spans(self.lines[index])
            self._styled[index] = spans
            if len(self._styled) > _CACHE:
                self._styled.popitem(last=False)
        else:
            self._styled.move_to_end(index)
        return spans

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        if index == self.current:
            base = base + CURRENT_STYLE
        gutter = MATCH_STYLE if index in self.matches else GUTTER_STYLE
        number = Segment(f"{index + 1:>{self._gutter}} ", base + gutter)
        line = self.lines[index]
        # Columns are characters: a wide character takes two cells, the crop below keeps
        # the row at the viewport's width either way.
        start, end = scroll_x, scroll_x + width
        segments = [number]
        marks = _markers(line, start, end)
        for span_start, span_end, style in self._spans(index):
            lo, hi = max(span_start, start), min(span_end, end)
            if lo >= hi:
                continue
            segments.extend(_cut(line, lo, hi, base + style if style else base, marks))
        strip = Strip(segments)
        return strip.crop(0, width).extend_cell_length(width, base)


def _cut(line: str, lo: int, hi: int, style: Style, marks: list[tuple[int, int]]) -> list[Segment]:
    """line[lo:hi] in `style`, with the invisible-character markers in theirs."""
    out: list[Segment] = []
    pos = lo
    for mark_start, mark_end in marks:
        a, b = max(mark_start, lo), min(mark_end, hi)
        if a >= b:
            continue
        if a > pos:
            out.append(Segment(line[pos:a], style))
        out.append(Segment(line[a:b], style + MARKER_STYLE))
        pos = b
    if pos < hi:
        out.append(Segment(line[pos:hi], style))
    return out
