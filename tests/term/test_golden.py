"""Replays of real programs recorded under a PTY at 80x24 (see golden/record_golden.py).

Every recording must give the same screen (text, attributes, cursor, modes, scrollback) fed
whole, in random chunk sizes, byte by byte, and through the per-event path instead of the
fast path; and the screens must show what the programs drew (checked against reviewed
snapshots in golden/*.screen.txt and a few explicit facts per program).
"""

from __future__ import annotations

import random
from pathlib import Path

import pyte
import pytest

from kdebug_tui.term import Emulator

from .oracle import XtermErasePyteScreen

GOLDEN = Path(__file__).resolve().parent / "golden"
NAMES = sorted(p.stem for p in GOLDEN.glob("*.bin"))


def load(name: str) -> bytes:
    return (GOLDEN / f"{name}.bin").read_bytes()


def replay(data: bytes, chunks: list[int] | None = None, fast: bool = True) -> Emulator:
    emu = Emulator(80, 24, scrollback=1000)
    emu._parser.fast = fast
    if chunks is None:
        emu.feed(data)
        return emu
    i = k = 0
    while i < len(data):
        n = chunks[k % len(chunks)]
        emu.feed(data[i : i + n])
        i += n
        k += 1
    return emu


def snapshot(emu: Emulator) -> tuple[object, ...]:
    rows = [tuple(emu.line(y)) for y in range(emu.lines)]
    back = [tuple(emu.line(0, offset=o)) for o in range(1, emu.scrollback_lines + 1)]
    return (
        rows, back, emu.cursor, emu.cursor_visible, emu.title, emu.in_alternate_screen,
        emu.modes, emu.scrollback_text(), emu.take_replies(),
    )  # fmt: skip


def test_recordings_exist() -> None:
    assert {"shell", "ls_color", "vi", "top", "less"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_chunking_and_paths_give_identical_screens(name: str) -> None:
    data = load(name)
    whole = snapshot(replay(data))
    rng = random.Random(name)
    for _ in range(4):
        sizes = [rng.randint(1, 700) for _ in range(rng.randint(1, 10))]
        assert snapshot(replay(data, sizes)) == whole, sizes
    assert snapshot(replay(data, [1])) == whole
    assert snapshot(replay(data, fast=False)) == whole
    assert snapshot(replay(data, [3, 1, 4096], fast=False)) == whole


@pytest.mark.parametrize("name", NAMES)
def test_final_screen_matches_reviewed_snapshot(name: str) -> None:
    expected = (GOLDEN / f"{name}.screen.txt").read_text(encoding="utf-8").split("\n")
    emu = replay(load(name))
    assert [row.rstrip() for row in emu.display] == expected[:24]
    assert expected[24] == f"cursor {emu.cursor[0]} {emu.cursor[1]}"


@pytest.mark.parametrize(
    "name", ["shell", "shell_regions", "ls_color", "ls_long", "top", "top_batch"]
)
def test_matches_raw_pyte_where_pyte_copes(name: str) -> None:
    """An independent oracle: on these recordings raw pyte neither raises nor drops text.

    (Erased cells keep only the background colour, as in xterm: see tests/term/oracle.py.)
    """
    screen = XtermErasePyteScreen(80, 24)
    pyte.ByteStream(screen).feed(load(name))
    emu = replay(load(name))
    for y in range(24):
        assert emu.line(y) == [screen.buffer[y][x] for x in range(80)], y
    assert emu.cursor == (screen.cursor.x, screen.cursor.y)


def upto(name: str, marker: bytes) -> Emulator:
    data = load(name)
    return replay(data[: data.index(marker)])


def test_shell_session() -> None:
    emu = replay(load("shell"))
    text = emu.text()
    assert "$ echo hello world\nhello world" in text
    assert emu.display[-4].rstrip() == "été 漢字 done"
    back = emu.scrollback_text().splitlines()
    offset = len(back) - next(i for i, row in enumerate(back) if row.startswith("green"))
    cells = emu.line(0, offset=offset)
    assert cells[0].data == "g" and cells[0].fg == "green" and cells[0].bold
    assert "green tab       here" in text  # TAB to column 16
    assert not emu.modes.bracketed_paste  # bash turned it off when running each command


def test_ls_colours_directories() -> None:
    emu = replay(load("ls_color"))
    cells = [c for y in range(24) for c in emu.line(y)]
    assert any(c.fg == "blue" and c.bold for c in cells)  # directories: 01;34
    assert any(c.fg == "cyan" and c.bold for c in cells)  # symlinks: 01;36


def test_vi_uses_the_alternate_screen() -> None:
    emu = upto("vi", b":q!")
    assert emu.in_alternate_screen and emu.modes.app_cursor and emu.modes.focus_events
    assert emu.modes.bracketed_paste and emu.modes.app_keypad
    assert emu.display[0].startswith('PRETTY_NAME="Debian')
    assert emu.display[2].rstrip() == 'VERSION_ID="12hello "'
    assert emu.display[10].rstrip() == "~"
    assert emu.line(10)[0].fg == "brightblue"
    replies = emu.take_replies()
    assert b"\x1b[>1;10;0c" in replies and b"R" in replies  # DA2 and cursor reports
    emu = replay(load("vi"))
    assert not emu.in_alternate_screen and not emu.modes.app_cursor
    assert all(row.strip() == "" for row in emu.display)  # the shell's (empty) screen is back


def test_top_frame() -> None:
    emu = replay(load("top"))
    header = next(y for y in range(24) if "PID USER" in emu.display[y])
    assert emu.line(header)[2].reverse
    assert emu.display[0].startswith("Tasks:")  # the "top -" row scrolled off at exit
    assert emu.scrollback_text().startswith("top - ")
    assert emu.cursor_visible


def test_top_batch_scrolls_into_scrollback() -> None:
    emu = replay(load("top_batch"))
    assert emu.scrollback_lines > 100
    assert emu.scrollback_text().splitlines()[0].startswith("top - ")


def test_less_pages_and_restores() -> None:
    data = load("less")
    screen = pyte.Screen(80, 24)
    pyte.ByteStream(screen).feed(data[: data.index(b"\x1b[?1049l")])
    emu = upto("less", b"\x1b[?1049l")
    assert emu.display == screen.display  # pyte copes with less (it only lacks 1049)
    assert emu.in_alternate_screen
    assert emu.display[0].startswith("# Network services, Internet style")
    emu = replay(load("less"))
    assert not emu.in_alternate_screen and all(row.strip() == "" for row in emu.display)


def test_scroll_region_insert_mode_and_erase_colour() -> None:
    emu = replay(load("shell_regions"))
    rows = [row.rstrip() for row in emu.display]
    assert rows[:7] == [str(n) for n in range(19, 26)]  # scrolled inside rows 4..11 first
    assert "é 漢 wide       tab" in rows
    y = rows.index("INSblue bg")
    cells = emu.line(y)
    assert cells[3].bg == "blue" and cells[3].bold and cells[0].bg == "default"
    assert all(c.bg == "blue" for c in cells[10:])  # EL paints with the current background
