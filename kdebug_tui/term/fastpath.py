"""Bulk layout of plain text: whole lines at a time, jump-scrolling past what scrolls away.

A flood of log lines must not go character by character through pyte (0.4 MB/s). For a run
of single-width printable characters with CR, LF, TAB and BS, the result of pyte's ``draw`` /
``carriage_return`` / ``linefeed`` / ``tab`` / ``backspace`` only depends on where each line
segment lands.
:func:`write_block` computes those positions on "virtual" rows (row numbers that keep growing
instead of scrolling), then applies the outcome once:

- rows that end up above the screen go to scrollback (plain text rows when they were written
  in one piece, no per-character work), or are dropped when even scrollback would evict them;
- rows that stay visible get their cells with one ``dict.update`` per segment, using cached
  ``Char`` objects for the current attributes;
- the cursor lands where pyte's would (including pyte's pending-wrap ``x == columns``).

It only runs when the screen is in a simple state (see :func:`block_ok`); otherwise the caller
falls back to the per-event path, which gives the same screen (a property test checks it).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from pyte import modes as mo
from pyte.screens import Char

from .screen import Line, TermScreen
from .scrollback import AnyRow, plain_attrs, row_from_cells, scroll_row
from .wide import row_len, split_rows

Writes = dict[int, list[tuple[int, str]]]

_MOVES = re.compile(r"[\t\x08]").search
_PIECES = re.compile(r"[^\t\x08]+|[\t\x08]").findall


def _put(line: dict[int, Char], x: int, text: str, getg: Callable[[str], Char]) -> None:
    line.update(zip(range(x, x + len(text)), map(getg, text), strict=False))


def block_ok(screen: TermScreen, block: str) -> bool:
    """Whether :func:`write_block` reproduces pyte's semantics for this screen state.

    `block` must already be translated through the active charset (the caller does it).
    """
    if screen.margins is not None and (
        screen.margins.top != 0 or screen.margins.bottom != screen.lines - 1
    ):
        return False
    mode = screen.mode
    return not (mo.IRM in mode or mo.LNM in mode or mo.DECAWM not in mode)


def _run(writes: Writes, piece: str, x: int, vy: int, columns: int) -> tuple[int, int]:
    """Place one run of printable characters at (x, vy), wrapping like pyte's ``draw``."""
    n = len(piece)
    i = 0
    while i < n:
        if x >= columns:
            vy += 1
            x = 0
        k = row_len(piece, i, columns - x)
        if k:
            text = piece[i : i + k] if k != n else piece
            row = writes.get(vy)
            if row is None:
                writes[vy] = [(x, text)]
            else:
                row.append((x, text))
        x += k
        i += k
        if i < n:
            x = columns  # (a wide character that did not fit wraps)
    return x, vy


class Layout:
    """Where a block's text lands: small `writes` by virtual row, plus an optional bulk list.

    Rows ``a >= bulk_start`` are fresh rows written in one piece from column 0:
    ``parts[a - base]`` (possibly empty). Rows below ``bulk_start`` are in `writes`.
    """

    __slots__ = ("base", "bulk_start", "parts", "writes", "x", "y")

    def __init__(self) -> None:
        self.writes: Writes = {}
        self.parts: list[str] = []
        self.base = 0
        self.bulk_start = 1 << 62
        self.x = 0
        self.y = 0

    def part(self, a: int) -> str | None:
        """The text of row `a` if it is written in one piece at column 0 on a fresh row."""
        if a >= self.bulk_start:
            return self.parts[a - self.base]
        row = self.writes.get(a)
        if row is not None and len(row) == 1 and row[0][0] == 0:
            return row[0][1]
        return None


def _layout(
    block: str, x: int, vy: int, columns: int, lines: int, stops: list[int] | None = None
) -> Layout:
    """Place every segment of `block` on virtual rows (rows keep counting past the bottom).

    `stops`: the sorted tab stops when they are not every 8 columns (binary output sets
    stray ones with HTS: every tab then used to leave the fast path).
    """
    out = Layout()
    writes = out.writes
    # The common case: CRLF-terminated lines (a tty with onlcr), where a chunk boundary may
    # have split one CRLF (a lone LF first, a lone CR last).
    body = block[1:] if block[:1] == "\n" else block
    trailing_cr = body[-1:] == "\r"
    if trailing_cr:
        body = body[:-1]
    if _MOVES(body) is None and body.count("\r") == body.count("\n") == body.count("\r\n"):
        if len(body) != len(block) - trailing_cr:
            vy += 1
        parts = body.split("\r\n")
        if parts[0]:
            x, vy = _run(writes, parts[0], x, vy, columns)
        tail = parts[1:]
        if tail:
            if max(map(len, tail)) > columns:  # long lines wrap: one entry per screen row
                rows: list[str] = []
                for p in tail:
                    if len(p) <= columns:
                        rows.append(p)
                    else:
                        rows.extend(split_rows(p, columns))
                x = len(rows[-1])
            else:
                rows = tail
                x = len(tail[-1])
            # Rows that did not exist before this block get their text straight from `rows`.
            out.parts, out.base = rows, vy + 1
            out.bulk_start = max(vy + 1, lines)
            for a in range(vy + 1, min(out.bulk_start, vy + 1 + len(rows))):
                if rows[a - vy - 1]:
                    writes[a] = [(0, rows[a - vy - 1])]
            vy += len(rows)
        out.x, out.y = (0 if trailing_cr else x), vy
        return out
    first = True
    for seg in block.split("\n"):
        if first:
            first = False
        else:
            vy += 1
        if not seg:
            continue
        for pi, part in enumerate(seg.split("\r")):
            if pi:
                x = 0
            if not part:
                continue
            if _MOVES(part) is None:
                x, vy = _run(writes, part, x, vy, columns)
                continue
            for piece in _PIECES(part):
                if piece == "\t":
                    if stops is None:
                        x = (x // 8 + 1) * 8
                        if x >= columns:
                            x = columns - 1
                    else:  # (pyte's tab: the first stop right of x, else the last column)
                        i = bisect.bisect_right(stops, x)
                        x = stops[i] if i < len(stops) else columns - 1
                elif piece == "\x08":  # (pyte's cursor_back: out of a pending wrap too)
                    x = max(0, min(x, columns - 1) - 1)
                else:
                    x, vy = _run(writes, piece, x, vy, columns)
    out.x, out.y = x, vy
    return out


def write_block(screen: TermScreen, block: str) -> None:
    """Apply a run of printable text + CR/LF/TAB/BS; the caller checked :func:`block_ok`.

    Rows written in one piece onto a blank row are not turned into cells at all: they are kept
    in ``screen.lazy`` as text (materialised by ``screen.materialize()`` before anything else
    reads or changes the buffer), so a flood that scrolls them away moves plain strings.
    """
    columns, lines = screen.columns, screen.lines
    cursor = screen.cursor
    y0 = cursor.y
    stops = None
    if "\t" in block and screen.tabstops != set(range(8, columns, 8)):
        stops = sorted(screen.tabstops)
    lay = _layout(block, cursor.x, y0, columns, lines, stops)
    writes, vy = lay.writes, lay.y
    attrs = plain_attrs(cursor.attrs)  # (rows hold the GC-untrackable form)
    getg = screen.glyphs(cursor.attrs).__getitem__
    buf = screen.buffer
    lazy = screen.lazy
    if y0 in lazy and y0 in writes:  # a line continued across chunks: make it real cells
        screen.materialize_row(y0)
    scrolls = vy - (lines - 1) if vy > lines - 1 else 0
    bulk_start = lay.bulk_start

    if scrolls:
        if not screen.in_alt and screen.scrollback.limit:
            pushed: list[AnyRow] = []
            first = max(0, scrolls - screen.scrollback.limit)
            screen.scrollback.total += first  # rows that would be evicted at once: skipped
            for a in range(first, min(scrolls, bulk_start)):
                row_writes = writes.get(a)
                if a < lines:
                    lazy_row = lazy.get(a)
                    if lazy_row is not None:
                        pushed.append(lazy_row)
                        continue
                    line = buf.get(a)
                    if row_writes:
                        line = buf[a]
                        for wx, text in row_writes:
                            _put(line, wx, text, getg)
                    pushed.append(scroll_row(line, columns))
                    continue
                whole = lay.part(a)
                if whole is not None:
                    pushed.append((whole, attrs))
                elif not row_writes:
                    pushed.append(())
                else:
                    line = screen.blank_line()
                    for wx, text in row_writes:
                        _put(line, wx, text, getg)
                    pushed.append(row_from_cells(line, columns))
            lo, hi = max(first, bulk_start) - lay.base, scrolls - lay.base
            if hi > lo:
                pushed.extend([(p, attrs) if p else () for p in lay.parts[lo:hi]])
            screen.scrollback.extend(pushed)
        kept: dict[int, Line] = {a - scrolls: ln for a, ln in buf.items() if a >= scrolls}
        buf.clear()
        buf.update(kept)
        if lazy:
            kept_lazy = {a - scrolls: row for a, row in lazy.items() if a >= scrolls}
            lazy.clear()
            lazy.update(kept_lazy)
        if len(screen.dirty) < lines:
            screen.dirty.update(range(lines))
    else:
        screen.dirty.update(writes)

    for a in range(max(scrolls, y0), vy + 1):
        if a >= bulk_start:
            text = lay.parts[a - lay.base]
            if text:
                lazy[a - scrolls] = (text, attrs)
            continue
        # (Only bulk rows are kept lazy: for a few lines, cells now are cheaper than text now
        # and cells at the next escape sequence.)
        row_writes = writes.get(a)
        if row_writes:
            line = buf[a - scrolls]
            for wx, text in row_writes:
                _put(line, wx, text, getg)

    cursor.x = lay.x
    cursor.y = vy - scrolls
