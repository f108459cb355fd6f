"""Raw pyte as an independent oracle, with the one rule where we differ from it on purpose.

pyte copies every attribute of the cursor into erased cells (``ESC[4m ESC[2J`` gives an
underlined blank screen); xterm keeps only the background colour, and so do we. Everything
else is pyte's own code.
"""

from __future__ import annotations

from typing import Any

import pyte


class XtermErasePyteScreen(pyte.Screen):
    """``pyte.Screen`` whose erase operations fill with the background colour only."""

    def _bg_only(self, method: Any, *args: Any, **kwargs: Any) -> None:
        attrs = self.cursor.attrs
        self.cursor.attrs = self.default_char._replace(bg=attrs.bg)
        try:
            method(self, *args, **kwargs)
        finally:
            self.cursor.attrs = attrs

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        self._bg_only(pyte.Screen.erase_in_display, how, *args, **kwargs)

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        self._bg_only(pyte.Screen.erase_in_line, how, private)

    def erase_characters(self, count: int | None = None) -> None:
        self._bg_only(pyte.Screen.erase_characters, count)
