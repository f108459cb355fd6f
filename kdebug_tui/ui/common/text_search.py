"""`/` search with n/N in read-only text views: which lines match, which one is current,
and the line with its matches highlighted. No widgets: a view keeps a TextSearch and scrolls
to `current` itself."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

MATCH_STYLE = "black on yellow"
CURRENT_STYLE = "black on bright_cyan"


class TextSearch:
    """Case-insensitive plain-text search over lines; `n`/`N` wrap around."""

    def __init__(self) -> None:
        self.needle = ""
        self.matches: list[int] = []  # line indexes, in order
        self.index = -1

    def search(self, lines: Sequence[str], needle: str, *, start: int = 0) -> int | None:
        """Find `needle`; the current match is the first at or after line `start`."""
        self.needle = needle
        low = needle.lower()
        self.matches = [i for i, line in enumerate(lines) if low and low in line.lower()]
        if not self.matches:
            self.index = -1
            return None
        self.index = next((n for n, i in enumerate(self.matches) if i >= start), 0)
        return self.matches[self.index]

    @property
    def current(self) -> int | None:
        return self.matches[self.index] if self.matches else None

    def next(self) -> int | None:
        if not self.matches:
            return None
        self.index = (self.index + 1) % len(self.matches)
        return self.matches[self.index]

    def previous(self) -> int | None:
        if not self.matches:
            return None
        self.index = (self.index - 1) % len(self.matches)
        return self.matches[self.index]

    def status(self) -> str:
        if not self.needle:
            return ""
        if not self.matches:
            return f"/{self.needle}: no match"
        return f"/{self.needle}: {self.index + 1} of {len(self.matches)} lines (n/N)"

    def highlight(self, line_no: int, line: str) -> Text:
        """The line as Text (never markup), its matches styled; the current one stands out."""
        text = Text(line)
        if not self.needle or line_no not in self.matches:
            return text
        style = CURRENT_STYLE if line_no == self.current else MATCH_STYLE
        low, needle = line.lower(), self.needle.lower()
        at = low.find(needle)
        while at >= 0:
            text.stylize(style, at, at + len(needle))
            at = low.find(needle, at + max(1, len(needle)))
        return text

    def render(self, lines: Sequence[str]) -> Text:
        """All lines joined, matches highlighted (for views that show one Static)."""
        out = Text(no_wrap=True, overflow="ignore")
        for i, line in enumerate(lines):
            if i:
                out.append("\n")
            out.append_text(self.highlight(i, line))
        return out
