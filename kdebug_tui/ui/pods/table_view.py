"""How the pod table moves and looks: the cursor (keys, clicks, scrolling it into view)
and painting one line at a time (Textual's Line API).

A mixin of PodTable (its BINDINGS name these actions), which keeps the rows in display
order (`_order`), their texts, column widths and the status classes painted here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kdebug_tui.ui.common.safe_text import clean

# status_class (from kube.render: ok, warn, error, done, pending) -> style.
STATUS_STYLES: dict[str, str] = {
    "ok": "green",
    "warn": "yellow",
    "pending": "yellow",
    "error": "bold red",
    "done": "dim",
}
GAP = 2

if TYPE_CHECKING:
    _Base = ScrollView
else:
    _Base = object


class TableViewMixin(_Base):
    """Cursor and painting over the host's ordered rows."""

    cursor_row: int
    empty_text: str
    _order: list[str]
    _texts: dict[str, tuple[str, ...]]
    _status_of: dict[str, str]
    _columns: tuple[str, ...]
    _widths: list[int]
    _last_highlight: str | None

    if TYPE_CHECKING:
        Highlighted: Any
        Selected: Any

        @property
        def selected_uid(self) -> str | None: ...

    # ---- cursor -------------------------------------------------------------------------

    def _resize(self) -> None:
        width = sum(self._widths) + GAP * len(self._widths) + 1
        self.virtual_size = Size(width, len(self._order) + 1)

    def _move_to(self, row: int, *, announce: bool = True) -> None:
        count = len(self._order)
        row = max(0, min(row, count - 1)) if count else 0
        if row != self.cursor_row:
            self.cursor_row = row
            self.refresh()
        body = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + body:
            self.scroll_to(y=row - body + 1, animate=False)
        if announce:
            self._announce()

    def _announce(self) -> None:
        uid = self.selected_uid
        if uid != self._last_highlight:
            self._last_highlight = uid
            self.post_message(self.Highlighted(self, uid))

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        self._move_to(row)

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        self._move_to(0 if where == 0 else len(self._order) - 1)

    def action_select(self) -> None:
        uid = self.selected_uid
        if uid is not None:
            self.post_message(self.Selected(self, uid))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            row = int(self.scroll_offset.y) + event.y - 1
            if row < len(self._order):
                if row == self.cursor_row and event.chain >= 2:
                    self.action_select()
                self._move_to(row)

    def on_resize(self) -> None:
        self._move_to(self.cursor_row, announce=False)

    # ---- painting -----------------------------------------------------------------------

    def _cells(self, texts: tuple[str, ...], status_class: str, base: Style) -> list[Segment]:
        segments: list[Segment] = [Segment(" ", base)]
        for i, (column, text) in enumerate(zip(self._columns, texts, strict=True)):
            style = base
            if column == "status" and status_class in STATUS_STYLES:
                style = base + Style.parse(STATUS_STYLES[status_class])
            pad = self._widths[i] - cell_len(text) + (GAP if i < len(texts) - 1 else 0)
            segments.append(Segment(text, style))
            segments.append(Segment(" " * max(pad, 0), base))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = int(self.scroll_offset.x)
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("pod-table--header")
            texts = tuple(c.upper() for c in self._columns)
            strip = Strip(self._cells(texts, "", header))
            return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, header)
        else:
            index = int(self.scroll_offset.y) + y - 1
            if not self._order and y == 2:
                text = clean(self.empty_text, max(width - 4, 1))
                dim = base + Style(dim=True, italic=True)
                return Strip([Segment("  " + text, dim)]).extend_cell_length(width, base)
            if index >= len(self._order):
                return Strip.blank(width, base)
            uid = self._order[index]
            style = base
            if index == self.cursor_row:
                style = base + self.get_component_rich_style("pod-table--cursor")
            strip = Strip(self._cells(self._texts[uid], self._status_of.get(uid, ""), style))
            if index == self.cursor_row:
                return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, style)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, base)
