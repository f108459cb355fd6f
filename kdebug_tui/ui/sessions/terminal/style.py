"""Emulator cells -> rich Styles and safe text, for the terminal widget.

Colours arrive as pyte spells them: a name ("red", "brightblue", "brown", even pyte's own
typo "bfightmagenta"), "default", or six hex digits without '#'. The 16 base colours stay
ANSI colour numbers so the host terminal's and Textual's theme apply to them (bold
brightens the first 8, as xterm does); 256-colour and true colour become RGB. Styles are
cached: a screen uses a handful of combinations.

Text from the far side is untrusted. Everything that reaches a Strip goes through
`safe_text`: control and format characters (ESC, BEL, bidi overrides, zero-width joiners
used for spoofing) become visible replacement marks, so nothing can act on the host
terminal or reorder what is shown.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from rich.color import Color, ColorType
from rich.style import Style

_ANSI_NAMES = {
    "black": 0,
    "red": 1,
    "green": 2,
    "brown": 3,
    "yellow": 3,
    "blue": 4,
    "magenta": 5,
    "cyan": 6,
    "white": 7,
}

REPLACEMENT = "\ufffd"


def _ansi_index(name: str) -> int | None:
    name = name.lower().replace("bfight", "bright")  # pyte 0.8.2 misspells bright magenta bg
    if name in _ANSI_NAMES:
        return _ANSI_NAMES[name]
    if name.startswith("bright") and name[6:] in _ANSI_NAMES:
        return _ANSI_NAMES[name[6:]] + 8
    return None


def _palette_hex_to_index() -> dict[str, int]:
    """pyte turns 256-colour indexes 0-15 into hex too; map them back to ANSI numbers."""
    try:
        from pyte.graphics import FG_BG_256
    except ImportError:  # pragma: no cover - pyte is a dependency
        return {}
    table: dict[str, int] = {}
    for index, value in enumerate(FG_BG_256[:16]):
        table.setdefault(value.lower(), index)
    return table


_PALETTE_HEX = _palette_hex_to_index()


@lru_cache(maxsize=1024)
def pyte_color(value: str) -> Color | None:
    """A rich Color for a pyte colour value; None for "default" or anything unparseable."""
    if not value or value == "default":
        return None
    index = _ansi_index(value)
    if index is not None:
        return Color.from_ansi(index)
    text = value.lower().lstrip("#")
    if len(text) == 6:
        if text in _PALETTE_HEX:
            return Color.from_ansi(_PALETTE_HEX[text])
        try:
            return Color.from_rgb(int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
        except ValueError:
            return None
    return None


@lru_cache(maxsize=4096)
def cell_style(
    fg: str,
    bg: str,
    bold: bool,
    italics: bool,
    underscore: bool,
    strikethrough: bool,
    reverse: bool,
    blink: bool = False,
) -> Style:
    """The rich Style for one combination of cell attributes.

    Bold text in one of the 8 base colours is shown in its bright variant as well, as xterm
    does by default (``boldColors``): programs such as ``ls`` and ``git`` rely on it.
    """
    color = pyte_color(fg)
    if bold and color is not None and color.type == ColorType.STANDARD:
        number = color.number
        if number is not None and number < 8:
            color = Color.from_ansi(number + 8)
    return Style(
        color=color,
        bgcolor=pyte_color(bg),
        bold=bold or None,
        italic=italics or None,
        underline=underscore or None,
        strike=strikethrough or None,
        reverse=reverse or None,
        blink=blink or None,
    )


def style_key(cell: Any) -> tuple[str, str, bool, bool, bool, bool, bool, bool]:
    """The attribute tuple of a pyte-compatible cell (what `cell_style` is cached on)."""
    return (
        cell.fg,
        cell.bg,
        cell.bold,
        cell.italics,
        cell.underscore,
        cell.strikethrough,
        cell.reverse,
        getattr(cell, "blink", False),
    )


def _safe_char(ch: str) -> str:
    if ch == " " or ch.isprintable():
        return ch
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Mc"):  # combining marks are printable in context
        return ch
    if category == "Cc":
        code = ord(ch)
        if code < 0x20:
            return chr(0x2400 + code)  # "␛" for ESC, "␇" for BEL: visible, inert
        if code == 0x7F:
            return "\u2421"
        return REPLACEMENT
    return REPLACEMENT  # Cf (bidi overrides, zero-width), Zl/Zp, Co, Cs, Cn


def safe_text(text: str) -> str:
    """`text` with every character that could act on a terminal made visible and inert."""
    if text.isprintable():
        return text
    return "".join(_safe_char(ch) for ch in text)


def safe_title(text: str, limit: int = 200) -> str:
    """A single line of inert text for a title bar."""
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    text = safe_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


__all__ = ["cell_style", "pyte_color", "safe_text", "safe_title", "style_key"]
