"""Memory per scrollback row stays bounded whatever the text (issue 15, item 9)."""

from __future__ import annotations

import sys

from kdebug_tui.term import Emulator

MARKS = "".join(chr(c) for c in range(0x300, 0x310))


def deep_size(obj: object, seen: set[int] | None = None) -> int:
    """Bytes held by `obj` and what it references (shared objects counted once)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, tuple | list):
        size += sum(deep_size(item, seen) for item in obj)
    return size


def test_a_cell_keeps_at_most_two_combining_marks_as_xterm() -> None:
    emu = Emulator(10, 3)
    emu.feed(("x" + MARKS).encode())
    cell = emu.line(0)[0]
    assert cell.data == "x" + MARKS[:2]
    assert emu.line(0)[1].data == " "  # the other marks went nowhere


def test_rows_with_combining_marks_stay_small_in_scrollback() -> None:
    emu = Emulator(80, 24, scrollback=100)
    line = "".join(chr(0x61 + i % 26) + MARKS[i % 7 :][:6] for i in range(80))
    emu.feed((line + "\r\n").encode() * 150)
    rows = emu._screen.scrollback._rows
    assert len(rows) == 100
    shared: set[int] = set()
    sizes = [deep_size(row, shared) for row in rows]
    # ~17 KB per row when every cell is its own Char; a compact row is one string.
    assert max(sizes) < 2500, max(sizes)


def test_compacted_rows_show_the_same_cells_when_scrolled_back() -> None:
    emu = Emulator(12, 3, scrollback=10)
    emu.feed("\x1b[1;31ma\u0301b\u0302\u0303\x1b[44mc\u0304漢\x1b[m d".encode())
    before = emu.line(0)
    text = emu.display[0]
    emu.feed(b"\r\n\r\n\r\nnext")
    assert emu.line(0, offset=emu.scrollback_lines) == before
    assert emu.scrollback_text().split("\n")[0] == text.rstrip()
