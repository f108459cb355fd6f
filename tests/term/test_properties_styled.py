"""Hypothesis properties of the bulk path for coloured text (``ls --color``, coloured logs).

Coloured lines take the styled bulk path (term/styled.py) instead of the per-event path;
these check that both give the same screen, attributes, cursor and scrollback on any
coloured input, in any chunking, from any starting state, and that the result is pyte's.
"""

from __future__ import annotations

import pyte
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdebug_tui.term import Emulator

from .test_properties import chunked, cuts, state

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_SGR = [
    "\x1b[0m", "\x1b[m", "\x1b[1m", "\x1b[01;34m", "\x1b[31m", "\x1b[7m", "\x1b[4;42m",
    "\x1b[38;5;200m", "\x1b[48;2;1;2;3m", "\x1b[22;39m", "\x1b(B\x1b[m", "\x1b[0m\x1b[01;32m",
    "\x1b[38:2::9:8:7m", "\x1b[;1m", "\x1b(B",
]  # fmt: skip
_TEXT = "abcXYZ019 .-_é─д"
_BREAKS = ["\r\n", "\r\n", "\r\n", "\r\n", "\r", "\n", "\t", "\r\n\r\n", ""]
# Starting states the bulk path must notice (or handle): a cursor above the bottom, lines
# already on screen, margins, insert mode, no autowrap, another charset, wide characters.
_PREFIXES = [
    "", "", "\x1b[1;31m", "\x1b[3;4H", "old text\r\nmore old text\x1b[2;1H", "\x1b[2;5r",
    "\x1b[4h", "\x1b[?7l", "\x1b(0", "\x0e", "\x1b)0\x0e", "\x1b[20h", "\x1b[?1049h",
    "\x1b[?6h\x1b[2;4r", "漢字\r\n", "\x1b[3g", "\x1b[5;20H\x1b[44mx",
]  # fmt: skip


# pyte itself gets these right (it lacks colon-form SGR, margins in index, charset choices).
_PYTE_PREFIXES = ["", "\x1b[1;31m", "\x1b[3;4H", "old text\r\nmore old text\x1b[2;1H"]
_PYTE_SGR = [s for s in _SGR if ":" not in s]


@st.composite
def coloured(
    draw: st.DrawFn, prefixes: list[str] = _PREFIXES, sgr: list[str] = _SGR
) -> tuple[bytes, tuple[int, int]]:
    """Lines of SGR-coloured pieces, lengths around the screen width, various line ends."""
    columns = draw(st.integers(1, 30))
    lines = draw(st.integers(1, 10))
    lengths = st.one_of(
        st.sampled_from([0, 1, columns - 1, columns, columns + 1, 2 * columns]),
        st.integers(0, 2 * columns + 2),
    )
    piece = st.tuples(
        st.sampled_from(["", *sgr]),
        lengths.flatmap(lambda n: st.text(st.sampled_from(_TEXT), min_size=n, max_size=n)),
    )
    row = st.lists(piece, max_size=5).map(lambda ps: "".join(s + t for s, t in ps))
    # Mostly CRLF-only blocks (the bulk path takes those whole), sometimes anything.
    breaks = draw(st.sampled_from([["\r\n"], ["\r\n", "\r\n\r\n", ""], _BREAKS]))
    rows = draw(st.lists(st.tuples(row, st.sampled_from(breaks)), max_size=3 * lines + 4))
    text = draw(st.sampled_from(prefixes)) + "".join(r + b for r, b in rows)
    return text.encode(), (columns, lines)


def run(data: bytes, size: tuple[int, int], pieces: list[int] | None, fast: bool) -> Emulator:
    emu = Emulator(*size, scrollback=draw_limit(data))
    emu._parser.fast = fast
    for chunk in chunked(data, pieces) if pieces else [data]:
        emu.feed(chunk)
    return emu


def draw_limit(data: bytes) -> int:
    """Scrollback limits that exercise eviction during one block (small) and none (large)."""
    return (5, 100, 0)[len(data) % 3]


@SETTINGS
@given(coloured(), cuts)
def test_coloured_fast_path_matches_per_event_path(
    case: tuple[bytes, tuple[int, int]], pieces: list[int]
) -> None:
    data, size = case
    slow = state(run(data, size, None, fast=False))
    assert state(run(data, size, None, fast=True)) == slow
    assert state(run(data, size, pieces, fast=True)) == slow


@SETTINGS
@given(coloured(), cuts)
def test_coloured_output_then_more_output_matches(
    case: tuple[bytes, tuple[int, int]], pieces: list[int]
) -> None:
    """Rows the bulk path left as text are then edited, erased and scrolled like cells."""
    data, size = case
    after = b"\x1b[2A\x1b[3Cxy\x1b[K\x1b[1;2H\x1b[2@z\x1bM\r\n\x1b[32mok\x1b[m\r\n\x1b[S"
    slow = state(run(data + after + data, size, None, fast=False))
    assert state(run(data + after + data, size, pieces, fast=True)) == slow


@SETTINGS
@given(coloured(_PYTE_PREFIXES, _PYTE_SGR), cuts)
def test_coloured_screen_matches_raw_pyte(
    case: tuple[bytes, tuple[int, int]], pieces: list[int]
) -> None:
    data, (columns, lines) = case
    screen = pyte.Screen(columns, lines)
    pyte.ByteStream(screen).feed(data)
    emu = run(data, (columns, lines), pieces, fast=True)
    for y in range(lines):
        assert emu.line(y) == [screen.buffer[y][x] for x in range(columns)], y
    assert (emu._screen.cursor.x, emu._screen.cursor.y) == (screen.cursor.x, screen.cursor.y)
    assert emu._screen.cursor.attrs == screen.cursor.attrs


def test_coloured_rows_keep_their_attributes_in_scrollback() -> None:
    emu = Emulator(10, 2, scrollback=50)
    emu.feed(b"\x1b[31mred\x1b[0m \x1b[1;34mblue\x1b[0m\r\n" * 5 + b"end")
    back = emu.line(0, offset=emu.scrollback_lines)
    assert "".join(c.data for c in back) == "red blue  "
    assert [c.fg for c in back[:3]] == ["red"] * 3
    assert back[3].fg == "default" and not back[3].bold
    assert all(c.fg == "blue" and c.bold for c in back[4:8])
    assert emu.scrollback_text().splitlines() == ["red blue"] * 4
