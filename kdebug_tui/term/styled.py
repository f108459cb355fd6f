"""Bulk layout of coloured lines: CRLF-terminated rows with SGR, a whole block at a time.

``ls --color``, coloured logs and prompts are text interleaved with SGR sequences. Going
through the screen run by run costs a cursor update, a glyph lookup and a dirty mark per
coloured word, and a scroll of the whole buffer per line. For a block made only of SGR
sequences, printable single-width text and CRLF line ends, every line after the first starts
at column 0 of a new row, so the outcome only depends on each line's text and the attributes
of its pieces. :func:`write_lines` computes those rows without touching cells:

- each line becomes a ``TextRow`` (no SGR in it) or a ``StyledRow`` (its pieces' attributes
  and where they end; SGR results are cached), cut at the screen width as pyte's wrapping
  would (the rows of one wrapped line share its piece tables: no per-piece work);
- rows that scroll off during the block go straight to scrollback as they are, or are
  dropped when even scrollback would evict them;
- fresh rows that stay visible are kept as text in ``screen.lazy`` (turned into cells only
  when something reads or changes them); rows that land on existing screen rows are drawn.

The caller (the parser) handles the first line (it continues at the cursor) and checks the
screen state with :func:`lines_ok`; anything else goes through the per-event path, which
gives the same screen (property tests compare both on any input).
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import cast

from pyte import charsets as cs
from pyte import modes as mo
from pyte.screens import Char

from .screen import TermScreen
from .scrollback import AnyRow, PlainAttrs, StyledRow, TextRow, plain_attrs, scroll_row
from .sgr import apply_sgr_sequence
from .wide import STUB, row_bounds, split_rows

#: One SGR sequence, or ``ESC ( B`` (ncurses' sgr0 interleaves it; G0 back to ASCII).
SGR_ONE = r"\x1b\[[0-9;:]{0,128}+m|\x1b\(B"
#: Splits a line into [text, sequences, text, sequences, ..., text]. At most 16 sequences per
#: group, so the SGR cache's keys stay short whatever the input.
SPLIT = re.compile(rf"((?:{SGR_ONE}){{1,16}})")


Rows = list[AnyRow]

_STEPS_MAX = 4096
_STEPS: dict[tuple[int, str], tuple[Char, Char, PlainAttrs]] = {}


def lines_ok(screen: TermScreen) -> bool:
    """Whether :func:`write_lines` reproduces pyte for this screen state (no tabs in text)."""
    margins = screen.margins
    if margins is not None and (margins.top != 0 or margins.bottom != screen.lines - 1):
        return False
    mode = screen.mode
    if mo.IRM in mode or mo.LNM in mode or mo.DECAWM not in mode:
        return False
    return (screen.g1_charset if screen.charset else screen.g0_charset) is cs.LAT1_MAP


def layout(lines: list[str], attrs: Char, columns: int) -> tuple[Rows, int, Char, str]:
    """Rows for `lines` (each starting at column 0 of a new row), the cursor x after the last
    one, the attributes after the block, and the last non-empty line's text (for REP)."""
    rows: Rows = []
    append = rows.append
    extend = rows.extend
    x = 0
    last = ""
    split = SPLIT.split
    shapes = _SHAPES
    plain = plain_attrs(attrs)
    for line in lines:
        if "\x1b" in line:
            parts = split(line)
            texts = parts[0::2]
            seqs = tuple(parts[1::2])
            hit = shapes.get((id(attrs), seqs))
            if hit is None or hit[0] is not attrs:
                hit = _shape(attrs, seqs)
            table, attrs, plain = hit[1], hit[2], hit[3]
            text = "".join(texts)
            n = len(text)
            if n <= columns:
                if n:
                    append((text, table, tuple(accumulate(map(len, texts))), 0))
                else:
                    append(())
                x = n
            else:  # wrapped rows share the line's piece tables
                ends = tuple(accumulate(map(len, texts)))
                if STUB in text:
                    bounds = row_bounds(text, columns)
                    extend([(text[a:b], table, ends, a) for a, b in bounds])
                    x = bounds[-1][1] - bounds[-1][0]
                elif n <= 2 * columns:  # (the usual wrap: no comprehension for two rows)
                    append((text[:columns], table, ends, 0))
                    append((text[columns:], table, ends, columns))
                    x = n - columns
                else:
                    extend([(text[i : i + columns], table, ends, i) for i in range(0, n, columns)])
                    x = n - columns * ((n - 1) // columns)
        else:
            text = line
            n = len(line)
            if n <= columns:
                append((line, plain) if n else ())
                x = n
            elif STUB in line:
                cut = split_rows(line, columns)
                extend([(r, plain) for r in cut])
                x = len(cut[-1])
            elif n <= 2 * columns:
                append((line[:columns], plain))
                append((line[columns:], plain))
                x = n - columns
            else:
                extend([(line[i : i + columns], plain) for i in range(0, n, columns)])
                x = n - columns * ((n - 1) // columns)
        if n:
            last = text
    return rows, x, attrs, last


_SHAPES_MAX = 4096
_SHAPES: dict[
    tuple[int, tuple[str, ...]], tuple[Char, tuple[PlainAttrs, ...], Char, PlainAttrs]
] = {}


def _shape(
    attrs: Char, seqs: tuple[str, ...]
) -> tuple[Char, tuple[PlainAttrs, ...], Char, PlainAttrs]:
    """The attributes of each piece of a line whose SGR groups are `seqs`, starting from
    `attrs`, and the attributes after it. Lines of a coloured log or listing share a few such
    shapes (the same colours in the same order), so a line costs one lookup, not one per SGR.
    Cached by identity of `attrs` (kept alive by the entry, so ids are not reused)."""
    pieces = [plain_attrs(attrs)]
    result = attrs
    for seq in seqs:
        hit = _STEPS.get((id(result), seq))
        if hit is None or hit[0] is not result:
            hit = _step(result, seq)
        result = hit[1]
        pieces.append(hit[2])
    entry = (attrs, tuple(pieces), result, pieces[-1])
    if len(_SHAPES) >= _SHAPES_MAX:
        _SHAPES.clear()
    _SHAPES[(id(attrs), seqs)] = entry
    return entry


def _step(attrs: Char, seq: str) -> tuple[Char, Char, PlainAttrs]:
    """`attrs` after the SGR group `seq`, also as PlainAttrs; cached by identity of `attrs`
    (SGR results are cached objects; an entry keeps its attrs alive, so ids are not reused)."""
    result = apply_sgr_sequence(attrs, seq)
    entry = (attrs, result, plain_attrs(result))
    if len(_STEPS) >= _STEPS_MAX:
        _STEPS.clear()
    _STEPS[(id(attrs), seq)] = entry
    return entry


def write_lines(screen: TermScreen, lines: list[str]) -> None:
    """Apply CRLF then each of `lines` (the first at the cursor row + 1); see the module doc.

    The caller checked :func:`lines_ok` and that no line holds CR, LF or TAB.
    """
    columns, height = screen.columns, screen.lines
    cursor = screen.cursor
    rows, x, attrs, last = layout(lines, cursor.attrs, columns)
    y0 = cursor.y
    vy = y0 + len(rows)  # the cursor's row, counting on past the bottom
    buf = screen.buffer
    lazy = screen.lazy
    # Rows that land on rows of the screen as it is: drawn over what is there (CRLF erases
    # nothing). At most one screen's worth, and only when the cursor was not at the bottom.
    for a in range(y0 + 1, min(vy + 1, height)):
        row = rows[a - y0 - 1]
        if row:
            if a in lazy:
                screen.materialize_row(a)
            screen.put_row(buf[a], cast(TextRow | StyledRow, row))
    scrolls = vy - (height - 1) if vy > height - 1 else 0
    if scrolls:
        sb = screen.scrollback
        if not screen.in_alt and sb.limit:
            pushed: Rows = []
            first = max(0, scrolls - sb.limit)
            sb.total += first  # rows that would be evicted at once: skipped
            for a in range(first, min(scrolls, height)):
                lazy_row = lazy.get(a)
                if lazy_row is None:
                    pushed.append(scroll_row(buf.get(a), columns))
                else:
                    pushed.append(lazy_row)
            lo = max(first, height) - y0 - 1
            hi = scrolls - y0 - 1
            if hi > lo:
                pushed.extend(rows[lo:hi])
            sb.extend(pushed)
        kept = {a - scrolls: line for a, line in buf.items() if a >= scrolls}
        buf.clear()
        buf.update(kept)
        if lazy:
            kept_lazy = {a - scrolls: row for a, row in lazy.items() if a >= scrolls}
            lazy.clear()
            lazy.update(kept_lazy)
        if len(screen.dirty) < height:
            screen.dirty.update(range(height))
    else:
        screen.dirty.update(range(y0, vy + 1))
    # Fresh rows (below the old bottom) that stay visible: kept as text until read.
    for a in range(max(height, scrolls, y0 + 1), vy + 1):
        row = rows[a - y0 - 1]
        if row:
            lazy[a - scrolls] = cast(TextRow | StyledRow, row)
    cursor.attrs = attrs
    cursor.x = x
    cursor.y = vy - scrolls
    if last:
        screen.last_char = last[-1]


__all__ = ["SGR_ONE", "SPLIT", "StyledRow", "TextRow", "layout", "lines_ok", "write_lines"]
