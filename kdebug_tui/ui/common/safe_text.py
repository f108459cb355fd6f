"""Plain-text rendering of strings we did not write: pod names, images, server messages, logs.

Anything that came from a cluster may contain terminal control sequences, Textual/Rich
markup (`[bold]`, `[@click=...]`), invisible characters (zero-width spaces and joiners, tag
characters, a BOM, bidi overrides that reorder what the user reads), or be megabytes long.
Everything shown in the UI that is not our own literal text goes through `clean()` and is
wrapped in a `rich.text.Text` (never parsed as markup). `clean()` drops control characters
and shows each invisible one as a `<U+XXXX>` marker (kdebug_tui/invisible.py), which
`marked()` (and so `plain`, `plain_block`, `SafeText`) draws in its own style: a look-alike
name shows that it is one.
"""

from __future__ import annotations

import re

from rich.console import OverflowMethod
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from kdebug_tui.invisible import reveal

# C0 (except tab/newline), DEL, C1: dropped. Invisible characters are revealed instead.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ONE_LINE = re.compile(r"[\t\r\n]+")
_MARKER = re.compile(r"<U\+[0-9A-F]{4,6}>")
MARKER_STYLE = "bold black on yellow"
ELLIPSIS = "…"


def clean(value: object, limit: int | None = None, *, multiline: bool = False) -> str:
    """Drop control and C1 characters, show invisible ones as `<U+XXXX>`; fold to one line
    unless `multiline`; cut to `limit`.

    Tabs become spaces: a tab inside a table cell would misalign every column after it.
    """
    text = reveal(_UNSAFE.sub("", str(value)))
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    else:
        text = _ONE_LINE.sub(" ", text)
    return truncate(text, limit)


def truncate(text: str, limit: int | None) -> str:
    """Cut to `limit` characters, marking the cut with an ellipsis."""
    if limit is None or len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    return text[: limit - 1] + ELLIPSIS


def marked(
    text: str,
    style: str = "",
    *,
    no_wrap: bool | None = None,
    overflow: OverflowMethod | None = None,
) -> Text:
    """A Text of already `clean`ed text, its invisible-character markers styled apart."""
    rendered = Text(text, style=style, no_wrap=no_wrap, overflow=overflow)
    if "<U+" in text:
        for match in _MARKER.finditer(text):
            rendered.stylize(MARKER_STYLE, match.start(), match.end())
    return rendered


def plain(value: object, style: str = "", limit: int | None = None) -> Text:
    """A Text that renders `value` literally: markup in it is shown, not interpreted."""
    return marked(clean(value, limit), style, no_wrap=True, overflow="ellipsis")


def plain_block(value: object, style: str = "", limit: int | None = None) -> Text:
    """Like `plain` but keeps newlines (for messages and descriptions)."""
    return marked(clean(value, limit, multiline=True), style)


class SafeText(Static):
    """Untrusted text, shown cut to `limit` characters; `enter`/click shows it all.

    The full (cleaned) text stays available as `full_text` so nothing is lost by the cut.
    """

    BINDINGS = [Binding("enter", "toggle_full", "Full text", show=False)]
    can_focus = True

    DEFAULT_CSS = """
    SafeText { height: auto; }
    """

    def __init__(
        self,
        text: object = "",
        *,
        limit: int = 400,
        style: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", id=id, classes=classes)
        self._limit = limit
        self._style = style
        self._expanded = False
        self.full_text = clean(text, multiline=True)
        self._show()

    @property
    def is_truncated(self) -> bool:
        return len(self.full_text) > self._limit and not self._expanded

    def set_text(self, text: object) -> None:
        self.full_text = clean(text, multiline=True)
        self._show()

    def _show(self) -> None:
        body = self.full_text if self._expanded else truncate(self.full_text, self._limit)
        rendered = marked(body, self._style)
        if len(self.full_text) > self._limit and not self._expanded:
            rendered.append("  [enter or click: full text]", style="dim italic")
        self.update(rendered)

    def action_toggle_full(self) -> None:
        self._expanded = not self._expanded
        self._show()

    def on_click(self) -> None:
        self.action_toggle_full()
