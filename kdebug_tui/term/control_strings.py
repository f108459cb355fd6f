"""OSC, DCS, SOS, PM and APC strings: their payload is kept in a bounded buffer across
chunks, and only an OSC title ever reaches the screen (sanitized)."""

from __future__ import annotations

from .sanitize import sanitize_title
from .screen import TermScreen
from .tokens import _LINE_ENDED, _LINE_STRING_END, _STRING_END, STRING_MAX


class ControlStrings:
    """The string state of a :class:`~kdebug_tui.term.parser.Parser` (a mixin)."""

    screen: TermScreen
    string_kind: str | None
    string_parts: list[str]
    string_len: int
    string_overflow: bool
    string_esc: bool  # the chunk ended on ESC inside a string (maybe ST)

    def _begin_string(self, kind: str) -> None:
        self.string_kind = kind
        self.string_parts = []
        self.string_len = 0
        self.string_overflow = False
        self.string_esc = False

    def _keep(self, part: str) -> None:
        if self.string_overflow or not part:
            return
        self.string_len += len(part)
        if self.string_len > STRING_MAX:
            self.string_overflow = True
            self.string_parts = []
        else:
            self.string_parts.append(part)

    def _string(self, text: str, pos: int) -> int:
        """Consume string payload from `pos`; return where normal parsing resumes."""
        n = len(text)
        ends = _LINE_STRING_END if self.string_kind in _LINE_ENDED else _STRING_END
        m = ends.search(text, pos)
        if m is None:
            self._keep(text[pos:])
            return n
        self._keep(text[pos : m.start()])
        ch = m.group()
        if ch == "\x1b":
            if m.end() >= n:
                self.string_esc = True
                return n
            if text[m.end()] == "\\":
                self._end_string(True)
                return m.end() + 1
            self._end_string(False)
            return m.start()
        if ch in "\r\n":
            self._end_string(False)
            return m.start()  # (the line end is executed)
        self._end_string(ch in "\x07\x9c")
        return m.end()

    def _end_string(self, complete: bool) -> None:
        kind, payload = self.string_kind, "".join(self.string_parts)
        overflow = self.string_overflow
        self._begin_string("")
        self.string_kind = None
        if not complete or overflow or kind != "osc":
            return
        code, _, value = payload.partition(";")
        if code in ("0", "2"):
            self.screen.title = sanitize_title(value)
        if code in ("0", "1"):
            self.screen.icon_name = sanitize_title(value)
