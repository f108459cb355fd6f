"""Line insert/delete and erase semantics (bugs found while measuring, issue 10)."""

from __future__ import annotations

import pyte
import pytest

from kdebug_tui.term import Emulator


def feed(data: bytes, columns: int, lines: int) -> Emulator:
    emu = Emulator(columns, lines)
    emu.feed(data)
    return emu


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (b"\x1b[2J\x1b[3;1Habc\x1b[M", (10, 5)),  # the row below was dropped by the erase
        (b"\x1b[24;1H\n\x1b[3;1Habc\x1b[M", (80, 24)),  # ... or by a scroll
        (b"\x1b[2J\x1b[2;1Habc\x1b[3;1Hdef\x1b[2;1H\x1b[2M", (10, 5)),
    ],
)
def test_a_deleted_line_never_stays_on_screen(data: bytes, size: tuple[int, int]) -> None:
    emu = feed(data, *size)
    assert "abc" not in "".join(emu.display)
    assert "def" not in "".join(emu.display)
    screen = pyte.Screen(*size)  # raw pyte agrees here (it rewrites cells on erase)
    pyte.ByteStream(screen).feed(data)
    assert emu.display == screen.display


def test_insert_lines_moves_every_row_and_clears_the_inserted_ones() -> None:
    emu = feed(b"\x1b[2J\x1b[1;1Hone\x1b[3;1Hthree\x1b[1;1H\x1b[2L", 10, 5)
    assert [r.rstrip() for r in emu.display] == ["", "", "one", "", "three"]
    emu = feed(b"\x1b[2J\x1b[2;1Htwo\x1b[4;1Hfour\x1b[1;1H\x1b[L", 10, 5)
    assert [r.rstrip() for r in emu.display] == ["", "", "two", "", "four"]


def test_delete_lines_respects_the_scrolling_region() -> None:
    emu = feed(b"a\r\nb\r\nc\r\nd\r\ne\x1b[2;4r\x1b[2;1H\x1b[M", 10, 5)
    assert [r.rstrip() for r in emu.display] == ["a", "c", "d", "", "e"]


@pytest.mark.parametrize(
    "erase", [b"\x1b[2J", b"\x1b[J", b"\x1b[1J", b"\x1b[K", b"\x1b[1K", b"\x1b[2K", b"\x1b[5X"]
)
def test_erase_keeps_only_the_background_colour(erase: bytes) -> None:
    emu = feed(b"\x1b[3;3H\x1b[1;4;7;31;44m" + erase, 10, 5)
    cell = emu.line(2)[2]
    assert cell.data == " "
    assert cell.bg == "blue"
    assert (cell.bold, cell.underscore, cell.reverse, cell.fg) == (False, False, False, "default")


def test_underlined_erase_gives_a_plain_blank_screen() -> None:
    emu = feed(b"\x1b[4m\x1b[2J", 10, 5)
    assert not any(c.underscore for y in range(5) for c in emu.line(y))


def test_controls_absorbed_into_text_runs_act_as_in_pyte() -> None:
    """BEL, CAN, SUB, VT and FF inside text (binary output is full of them)."""
    data = b"ab\x0bcd\x0cef\x07gh\x18ij\x1akl\r\nmn\x0b\x0b\x0bop"
    emu = feed(data, 10, 4)
    screen = pyte.Screen(10, 4)
    pyte.ByteStream(screen).feed(data)
    assert emu.display == screen.display
    assert emu.cursor == (screen.cursor.x, screen.cursor.y)
    assert emu.bell_count == 1
