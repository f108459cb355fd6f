"""Hypothesis properties of the Emulator over hostile and realistic byte streams."""

from __future__ import annotations

import re
import unicodedata

import pyte
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdebug_tui.term import Emulator
from kdebug_tui.term.tokens import CSI_MAX, STRING_MAX

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_VOCAB = [
    b"\x1b", b"\x1b[", b"[", b"]", b";", b"?", b">", b"\x07", b"\x1b\\", b"\x9c", b"\x9b",
    b"\x9d", b"\x90", b"\r", b"\n", b"\r\n", b"\t", b"\x08", b"\x00", b"\x01", b"\x7f", b"\x18",
    b"\x1b[0m", b"\x1b[1;31m", b"\x1b[38;5;200m", b"\x1b[48;2;1;2;3m", b"\x1b[38:2::1:2:3m",
    b"\x1b[H", b"\x1b[5;10H", b"\x1b[2J", b"\x1b[3J", b"\x1b[K", b"\x1b[1K", b"\x1b[4J",
    b"\x1b[?1049h", b"\x1b[?1049l", b"\x1b[?47h", b"\x1b[?47l", b"\x1b[?1047h", b"\x1b[?1047l",
    b"\x1b[?25l", b"\x1b[?25h", b"\x1b[?1h", b"\x1b[?2004h", b"\x1b[?1000h", b"\x1b[?1006h",
    b"\x1b[2;5r", b"\x1b[r", b"\x1b[4h", b"\x1b[4l", b"\x1b[20h", b"\x1b[?7l", b"\x1b[?7h",
    b"\x1b[?6h", b"\x1b[?6l", b"\x1b7", b"\x1b8", b"\x1bD", b"\x1bM", b"\x1bE", b"\x1bc",
    b"\x1b#8", b"\x1b(0", b"\x1b(B", b"\x0e", b"\x0f", b"\x1b[3@", b"\x1b[2P", b"\x1b[3X",
    b"\x1b[2L", b"\x1b[2M", b"\x1b[2S", b"\x1b[2T", b"\x1b[5b", b"\x1b[3g", b"\x1bH",
    b"\x1b[?A", b"\x1b[?1;2H", b"\x1b[1;2M", b"\x1b[c", b"\x1b[>c", b"\x1b[5n", b"\x1b[6n",
    b"\x1b]0;title\x07", b"\x1b]2;t\x1b[31m\x07", b"\x1b]52;c;ZXZpbA==\x07", b"\x1bPq#0\x1b\\",
    b"\x1b_apc\x1b\\", b"\x1b]0;", b"\x1bP", b"\x1b[!p", b"\x1b[ q", b"\x1b[>4;1m",
    "é".encode(), "漢".encode(), "\u0301".encode(), "\u200b".encode(), "\u202e".encode(),
    "€".encode()[:2], b"\xff", b"\xc3", "🙂".encode(), "─".encode(),
]  # fmt: skip

hostile = st.lists(
    st.one_of(
        st.sampled_from(_VOCAB),
        st.binary(max_size=12),
        st.text(alphabet="abc XYZ019", max_size=30).map(str.encode),
    ),
    max_size=60,
).map(b"".join)

plain_alphabet = "abcdefghij XYZ.-_019é─д"
plain = st.one_of(
    st.text(alphabet=plain_alphabet + "\r\n\t", max_size=400),
    st.lists(st.text(alphabet=plain_alphabet, max_size=45), max_size=40).map("\r\n".join),
).map(str.encode)
sizes = st.tuples(st.integers(1, 30), st.integers(1, 10))


@st.composite
def sized_plain(draw: st.DrawFn) -> tuple[bytes, tuple[int, int]]:
    """Plain text with line lengths around the screen width (where wrapping bugs live)."""
    columns, lines = draw(sizes)
    if draw(st.booleans()):
        return draw(plain), (columns, lines)
    lengths = st.one_of(
        st.sampled_from([0, 1, columns - 1, columns, columns + 1, 2 * columns, 2 * columns + 1]),
        st.integers(0, 3 * columns),
    )
    chars = st.sampled_from(plain_alphabet)
    rows = draw(
        st.lists(
            lengths.flatmap(lambda n: st.text(chars, min_size=n, max_size=n)),
            max_size=3 * lines + 3,
        )
    )
    end = draw(st.sampled_from(["", "\r\n", "\r", "\n"]))
    return ("\r\n".join(rows) + end).encode(), (columns, lines)


cuts = st.lists(st.integers(1, 40), min_size=1, max_size=20)

REPLY = re.compile(rb"(?:\x1b\[\?6c|\x1b\[>1;10;0c|\x1b\[0n|\x1b\[\d{1,4};\d{1,4}R)*")
_UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def chunked(data: bytes, pattern: list[int]) -> list[bytes]:
    out, i, k = [], 0, 0
    while i < len(data):
        n = pattern[k % len(pattern)]
        out.append(data[i : i + n])
        i += n
        k += 1
    return out


def state(emu: Emulator) -> tuple[object, ...]:
    """Everything observable except `dirty` (which legitimately depends on read timing)."""
    assert emu._parser.errors == 0  # no handler raised (the catch-all would hide bugs)
    rows = [tuple(emu.line(y)) for y in range(emu.lines)]
    back = [tuple(emu.line(0, offset=o)) for o in range(1, emu.scrollback_lines + 1)]
    return (
        rows, back, emu.cursor, emu._screen.cursor.x, emu.cursor_visible, emu.title,
        emu.in_alternate_screen, emu.modes, emu.scrollback_text(), emu.take_replies(),
        emu.scrollback_total,
    )  # fmt: skip


def run(data: bytes, columns: int, lines: int, pieces: list[int] | None = None, **kw: object):
    emu = Emulator(columns, lines, scrollback=kw.pop("scrollback", 100), **kw)  # type: ignore[arg-type]
    for chunk in chunked(data, pieces) if pieces else [data]:
        emu.feed(chunk)
    return emu


@SETTINGS
@given(hostile, sizes, cuts)
def test_never_raises_and_cursor_in_bounds(data: bytes, size: tuple[int, int], pieces: list[int]):
    columns, lines = size
    emu = Emulator(columns, lines)
    for chunk in chunked(data, pieces):
        emu.feed(chunk)
        x, y = emu.cursor
        assert 0 <= x < emu.columns and 0 <= y < emu.lines
        assert 0 <= emu._screen.cursor.x <= emu.columns
    emu.resize(max(1, columns // 2), max(1, lines - 3))
    x, y = emu.cursor
    assert 0 <= x < emu.columns and 0 <= y < emu.lines
    emu.feed(data)
    x, y = emu.cursor
    assert 0 <= x < emu.columns and 0 <= y < emu.lines
    emu.resize(columns + 5, lines + 2)
    emu.feed(data)
    assert emu._parser.errors == 0


@SETTINGS
@given(hostile, sizes)
def test_no_control_characters_in_cells_or_title(data: bytes, size: tuple[int, int]):
    emu = run(data, *size)
    for y in range(emu.lines):
        for cell in emu.line(y):
            assert all(unicodedata.category(ch) not in _UNSAFE for ch in cell.data), cell
            assert len(cell.data) <= 5
    for text in (emu.title, emu.icon_name, emu.scrollback_text()):
        assert all(unicodedata.category(ch) not in _UNSAFE for ch in text.replace("\n", ""))


@SETTINGS
@given(hostile, sizes, cuts)
def test_chunk_boundaries_do_not_matter(data: bytes, size: tuple[int, int], pieces: list[int]):
    assert state(run(data, *size)) == state(run(data, *size, pieces))


@SETTINGS
@given(hostile, cuts)
def test_memory_stays_bounded(data: bytes, pieces: list[int]):
    emu = Emulator(10, 4, scrollback=20)
    for _ in range(3):
        for chunk in chunked(data + b"\r\n" * 30, pieces):
            emu.feed(chunk)
            p = emu._parser
            assert len(p.pending) <= CSI_MAX + 2
            assert sum(map(len, p.string_parts)) <= STRING_MAX
            assert emu.scrollback_lines <= 20
            assert len(emu._screen.replies) <= 64
            assert len(emu._screen.savepoints) <= 1
    assert len(emu.title) <= 256


@SETTINGS
@given(hostile)
def test_replies_only_from_the_fixed_set(data: bytes):
    emu = run(data, 80, 24)
    assert REPLY.fullmatch(emu.take_replies())
    quiet = run(data, 80, 24, answer_queries=False)
    assert quiet.take_replies() == b""


@SETTINGS
@given(hostile, sizes, cuts)
def test_fast_path_matches_per_event_path_on_any_input(
    data: bytes, size: tuple[int, int], pieces: list[int]
):
    fast = run(data, *size, pieces)
    slow = Emulator(*size, scrollback=100)
    slow._parser.fast = False
    for chunk in chunked(data, pieces):
        slow.feed(chunk)
    assert state(fast) == state(slow)


@SETTINGS
@given(
    st.sampled_from([b"", b"\x1b[1;31m", b"\x1b[7m", b"\x1b[3;4H", b"\x1b[2;3Hab\x1b[44m"]),
    sized_plain(),
    cuts,
)
def test_fast_path_matches_raw_pyte_on_plain_text(
    prefix: bytes, case: tuple[bytes, tuple[int, int]], pieces: list[int]
):
    data, (columns, lines) = case
    screen = pyte.Screen(columns, lines)
    pyte.ByteStream(screen).feed(prefix + data)
    emu = run(prefix + data, columns, lines, pieces)
    for y in range(lines):
        assert emu.line(y) == [screen.buffer[y][x] for x in range(columns)], y
    assert (emu._screen.cursor.x, emu._screen.cursor.y) == (screen.cursor.x, screen.cursor.y)


@settings(max_examples=60, deadline=None)
@given(sized_plain(), st.integers(0, 30), cuts)
def test_scrollback_holds_what_scrolled_off(
    case: tuple[bytes, tuple[int, int]], limit: int, pieces: list[int]
):
    data, (columns, lines) = case
    emu = run(data, columns, lines, pieces, scrollback=limit)
    assert emu.scrollback_lines <= limit
    assert emu.scrollback_text() == run_slow(data, columns, lines, limit).scrollback_text()


def run_slow(data: bytes, columns: int, lines: int, limit: int) -> Emulator:
    emu = Emulator(columns, lines, scrollback=limit)
    emu._parser.fast = False
    emu.feed(data)
    return emu
