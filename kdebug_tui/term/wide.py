"""Wide characters in the fast paths: a stub marker after each, so one character = one cell.

The fast paths lay text out by counting characters. Two-cell characters (CJK, Hangul, most
emoji) would break that, so before a run of printable text reaches them, :func:`widen`
removes the characters the screen never draws (format characters, variation selectors,
tags: the per-character path drops them too) and puts :data:`STUB` after every wide
character: the stub stands for the right half's cell (a ``Char`` with empty data, as the
per-character path writes). The widths come from regular-expression classes built from the
per-character path's own width function (:mod:`.sanitize`), so the work per run is a couple
of C-level regex passes, never a Python call per character.

The one layout rule stubs add: a wide character never straddles the right edge. When it
would start in the last column, that column is left as it is and the character wraps
(:func:`row_len`, :func:`split_rows`), as the per-character path does.
"""

from __future__ import annotations

import re

from .sanitize import (
    ASTRAL_AHEAD,
    ASTRAL_DROPPED_CLASS,
    ASTRAL_WIDE_CLASS,
    DROPPED_CLASS,
    WIDE_CLASS,
)

#: Marks the right half of a wide character in fast-path text (NUL never reaches the parser:
#: it is removed from the bytes with the other inert controls).
STUB = "\x00"

_WIDE_RUN = re.compile(f"(?:[{WIDE_CLASS}]|{ASTRAL_AHEAD}[{ASTRAL_WIDE_CLASS}])+")
_DROPPED = re.compile(f"(?:[{DROPPED_CLASS}]|{ASTRAL_AHEAD}[{ASTRAL_DROPPED_CLASS}])+")


def _stubbed(m: re.Match[str]) -> str:
    return STUB.join(m.group()) + STUB


def widen(text: str) -> str:
    """`text` without never-drawn characters and with :data:`STUB` after each wide one."""
    if _DROPPED.search(text) is not None:
        text = _DROPPED.sub("", text)
    return _WIDE_RUN.sub(_stubbed, text)


def row_len(text: str, i: int, room: int) -> int:
    """How many characters of ``text[i:]`` go on a row with `room` cells left."""
    k = len(text) - i
    if k > room:
        k = room
        if text[i + k] == STUB:  # the wide character would straddle the edge: it wraps
            k -= 1
    return k


def split_rows(line: str, columns: int) -> list[str]:
    """`line` (starting at column 0) cut into screen rows, as autowrap lays it out."""
    if STUB not in line:
        return [line[i : i + columns] for i in range(0, len(line), columns)]
    return [line[a:b] for a, b in row_bounds(line, columns)]


def row_bounds(line: str, columns: int) -> list[tuple[int, int]]:
    """(start, end) of each screen row of `line` (at least one row, maybe empty)."""
    if STUB not in line:
        n = len(line)
        return [(i, min(i + columns, n)) for i in range(0, n, columns)] or [(0, 0)]
    out = []
    i, n = 0, len(line)
    while True:
        k = row_len(line, i, columns)
        out.append((i, i + k))
        i += k
        if i >= n:
            return out
