"""Bulk layout of plain text: whole lines at a time, jump-scrolling past what scrolls away.

A flood of log lines must not go character by character through pyte (0.4 MB/s). For a run
of single-width printable characters with CR, LF and TAB, the result of pyte's ``draw`` /
``carriage_return`` / ``linefeed`` / ``tab`` only depends on where each line segment lands.
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

from collections.abc import Callable

from pyte import modes as mo
from pyte.screens import Char

from .screen import TermScreen
from .scrollback import Row, TextRow, row_from_cells

Writes = dict[int, list[tuple[int, str]]]


def _put(line: dict[int, Char], x: int, text: str, getg: Callable[[str], Char]) -> None:
    line.update(zip(range(x, x + len(text)), map(getg, text), strict=False))


def block_ok(screen: TermScreen, block: str) -> bool:
    """Whether :func:`write_block` reproduces pyte's semantics for this screen state."""
    if screen.margins is not None and (
        screen.margins.top != 0 or screen.margins.bottom != screen.lines - 1
    ):
        return False
    mode = screen.mode
    if mo.IRM in mode or mo.LNM in mode or mo.DECAWM not in mode:
        return False
    if not screen.ascii_identity():
        return False
    return not ("\t" in block and screen.tabstops != set(range(8, screen.columns, 8)))


def _layout(block: str, x: int, vy: int, columns: int) -> tuple[Writes, int, int]:
    """Place every segment of `block` on virtual rows; return (writes by row, x, vy)."""
    writes: Writes = {}
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
            tabbed = part.split("\t") if "\t" in part else (part,)
            for ti, piece in enumerate(tabbed):
                if ti:
                    x = (x // 8 + 1) * 8
                    if x >= columns:
                        x = columns - 1
                if not piece:
                    continue
                n = len(piece)
                i = 0
                while i < n:
                    if x >= columns:
                        vy += 1
                        x = 0
                    k = n - i
                    if k > columns - x:
                        k = columns - x
                    row = writes.get(vy)
                    if row is None:
                        writes[vy] = [(x, piece[i : i + k] if k != n else piece)]
                    else:
                        row.append((x, piece[i : i + k] if k != n else piece))
                    x += k
                    i += k
    return writes, x, vy


def write_block(screen: TermScreen, block: str) -> None:
    """Apply a run of printable single-width text + CR/LF/TAB; caller checked :func:`block_ok`."""
    columns, lines = screen.columns, screen.lines
    cursor = screen.cursor
    y0 = cursor.y
    writes, x, vy = _layout(block, cursor.x, y0, columns)
    attrs = cursor.attrs
    getg = screen.glyphs(attrs).__getitem__
    buf = screen.buffer
    scrolls = vy - (lines - 1) if vy > lines - 1 else 0

    if scrolls:
        keep_sb = (not screen.in_alt) and screen.scrollback.limit
        if keep_sb:
            pushed: list[Row | TextRow] = []
            first = max(0, scrolls - screen.scrollback.limit)
            for a in range(first, scrolls):
                row_writes = writes.get(a)
                if a < lines:
                    line = buf.get(a)
                    if row_writes:
                        line = buf[a]
                        for wx, text in row_writes:
                            _put(line, wx, text, getg)
                    pushed.append(row_from_cells(line, columns))
                elif not row_writes:
                    pushed.append(())
                elif len(row_writes) == 1 and row_writes[0][0] == 0:
                    pushed.append(TextRow(row_writes[0][1], attrs))
                else:
                    line = screen.blank_line()
                    for wx, text in row_writes:
                        _put(line, wx, text, getg)
                    pushed.append(row_from_cells(line, columns))
            screen.scrollback.extend(pushed)
        old = dict(buf)
        buf.clear()
        for r in range(lines):
            a = r + scrolls
            if a < lines:
                line = old.get(a)
                if line is not None:
                    buf[r] = line
        screen.dirty.update(range(lines))
    else:
        screen.dirty.update(range(y0, vy + 1))

    for a in range(max(scrolls, y0), vy + 1):
        row_writes = writes.get(a)
        if row_writes:
            line = buf[a - scrolls]
            for wx, text in row_writes:
                _put(line, wx, text, getg)

    cursor.x = x
    cursor.y = vy - scrolls
    last = block.rstrip("\r\n\t")
    if last:
        screen.last_char = last[-1]
