"""The `/`, n and N keys of the read-only text screens (logs, describe, YAML), written once.

Each screen still owns what differs: which lines it searches when the Input is submitted,
and how a match is shown (`_go`: repaint, then scroll to the line, or mark it in place).
"""

from __future__ import annotations

from typing import cast

from textual.dom import DOMNode
from textual.widgets import Input

from kdebug_tui.ui.common.text_search import TextSearch


class SearchKeys:
    """Mixin for Screens with a TextSearch in `search` and a search Input whose id is
    `search_input`, shown while the screen has the `-searching` class."""

    search_input = ""
    search: TextSearch

    def _go(self, line: int | None) -> None:
        """Show the search's matches; `line` is the current match's line, if any."""
        raise NotImplementedError

    def action_search(self) -> None:
        node = cast(DOMNode, self)
        node.add_class("-searching")
        field = node.query_one(f"#{self.search_input}", Input)
        field.value = self.search.needle
        field.focus()

    def action_next_match(self) -> None:
        self._go(self.search.next())

    def action_previous_match(self) -> None:
        self._go(self.search.previous())
