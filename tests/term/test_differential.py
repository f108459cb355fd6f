"""Differential tests over the recorded real output in bench/corpora/ (issue 10).

Three oracles: the same emulator fed byte by byte and in random splits (chunking must not
matter), our per-character path (``fast = False``: every fast path must give the same
screen), and raw pyte where pyte is right. Where we differ from pyte on purpose:

- erased cells keep only the background colour, as xterm (pyte copies every attribute;
  tests/term/oracle.py applies xterm's rule to pyte);
- format characters (ZWJ, variation selectors, bidi controls, tags) are never drawn: pyte
  glues them to the previous cell as if they were combining marks (a spoofing risk), so the
  emoji corpus is compared with them removed from pyte's input;
- pyte raises on vim's output (``CSI > 4;2m``, DCS) and has no alternate screen: vim is
  compared with our own slow path only.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pyte
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdebug_tui.term import Emulator
from kdebug_tui.term.sanitize import ASTRAL_DROPPED_CLASS, DROPPED_CLASS

from .oracle import XtermErasePyteScreen

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import corpora  # noqa: E402

PREFIX = 48 * 1024  # (the per-character path runs at pyte's speed: keep the tests quick)
SIZES = [(80, 24), (200, 60)]
_DROPPED = re.compile(f"[{DROPPED_CLASS}{ASTRAL_DROPPED_CLASS}]")


def snapshot(emu: Emulator) -> tuple[object, ...]:
    assert emu._parser.errors == 0
    rows = [tuple(emu.line(y)) for y in range(emu.lines)]
    back = [tuple(emu.line(0, offset=o)) for o in range(1, emu.scrollback_lines + 1)]
    return (
        rows, back, emu.cursor, emu._screen.cursor.x, emu.cursor_visible, emu.title,
        emu.in_alternate_screen, emu.modes, emu.scrollback_text(), emu.take_replies(),
        emu.scrollback_total, emu._screen.last_char,
    )  # fmt: skip


def replay(data: bytes, size: tuple[int, int], sizes: list[int] | None = None, fast: bool = True):
    emu = Emulator(*size, scrollback=500)
    emu._parser.fast = fast
    if sizes is None:
        emu.feed(data)
        return emu
    i = k = 0
    while i < len(data):
        n = sizes[k % len(sizes)]
        emu.feed(data[i : i + n])
        i += n
        k += 1
    return emu


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", corpora.RECORDED)
def test_splits_and_slow_path_give_the_same_screen(name: str, size: tuple[int, int]) -> None:
    data = corpora.recorded(name)[:PREFIX]
    whole = snapshot(replay(data, size))
    rng = random.Random(name)
    sizes = [rng.randint(1, 5000) for _ in range(8)]
    assert snapshot(replay(data, size, sizes)) == whole, sizes
    assert snapshot(replay(data[:8192], size, [1])) == snapshot(replay(data[:8192], size))
    assert snapshot(replay(data, size, fast=False)) == whole


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", [n for n in corpora.RECORDED if n != "vim"])
def test_matches_raw_pyte(name: str, size: tuple[int, int]) -> None:
    data = corpora.recorded(name)[:PREFIX]
    while data and data[-1] & 0xC0 == 0x80:  # (the cut may split a character: cut it off)
        data = data[:-1]
    if data and data[-1] >= 0xC0:
        data = data[:-1]
    screen = XtermErasePyteScreen(*size)
    text = data.decode("utf-8", "replace")
    pyte.Stream(screen).feed(_DROPPED.sub("", text))
    emu = replay(data, size)
    columns, lines = size
    for y in range(lines):
        assert emu.line(y) == [screen.buffer[y][x] for x in range(columns)], y
    assert emu.cursor == (min(screen.cursor.x, columns - 1), screen.cursor.y)


_WIDE_WORDS = ["漢字", "日本語", "테스트", "🙂", "✅", "👩\u200d🔬", "☀\ufe0f", "a", "bc", " ", "é"]


@st.composite
def wide_lines(draw: st.DrawFn) -> tuple[bytes, tuple[int, int]]:
    """Wide characters on lines around the screen width (where wrapping bugs live)."""
    columns = draw(st.integers(1, 12))
    lines = draw(st.integers(1, 6))
    words = st.lists(st.sampled_from(_WIDE_WORDS), max_size=2 * columns)
    rows = draw(st.lists(words.map("".join), max_size=3 * lines + 2))
    colour = draw(st.sampled_from(["", "\x1b[1;31m", "\x1b[44m"]))
    sep = draw(st.sampled_from(["\r\n", "\r\n\x1b[m", "\r\n\x1b[32m"]))
    end = draw(st.sampled_from(["", "\r\n", "\r", "\x1b[3b", "\u0301"]))
    return (colour + sep.join(rows) + end).encode(), (columns, lines)


@settings(max_examples=200, deadline=None)
@given(wide_lines(), st.lists(st.integers(1, 30), min_size=1, max_size=8))
def test_wide_text_fast_path_matches_per_character_path(
    case: tuple[bytes, tuple[int, int]], pieces: list[int]
) -> None:
    data, size = case
    fast = replay(data, size, pieces)
    assert snapshot(fast) == snapshot(replay(data, size, fast=False))


RANDOM_SIZES = [(80, 24), (200, 60), (7, 3)]


@pytest.mark.parametrize("size", RANDOM_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_bytes_give_the_same_screen_whatever_the_path(
    seed: int, size: tuple[int, int]
) -> None:
    """Binary output (``cat`` of random bytes): BS, SO/SI, stray HTS and charset switches
    ride along in the fast path's runs; splits, byte-by-byte feeding and the per-character
    path must all give the same screen."""
    data = corpora.random_bytes(24 * 1024, seed=seed)
    whole = snapshot(replay(data, size))
    rng = random.Random(seed)
    sizes = [rng.randint(1, 3000) for _ in range(8)]
    assert snapshot(replay(data, size, sizes)) == whole, sizes
    assert snapshot(replay(data, size, fast=False)) == whole
    head = data[:6144]
    assert snapshot(replay(head, size, [1])) == snapshot(replay(head, size))


_BINARY_WORDS = [
    "ab", "xyz", " ", "\b", "\b\b", "\x0e", "\x0f", "\t", "\x1bH", "\x1b)0", "\x1b(0",
    "\x1b(B", "\r", "\n", "\x0b", "é", "漢", "\u0301", "\ufffd", "\xad", "\x1b[3g", "\x1b[31m",
    "lmnq",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_BINARY_WORDS), max_size=60).map("".join),
    st.integers(1, 12),
    st.integers(1, 5),
    st.lists(st.integers(1, 30), min_size=1, max_size=8),
)
def test_backspace_shift_and_tab_stops_in_runs_match_per_character_path(
    text: str, columns: int, lines: int, pieces: list[int]
) -> None:
    data = text.encode()
    size = (columns, lines)
    expected = snapshot(replay(data, size, fast=False))
    assert snapshot(replay(data, size)) == expected
    assert snapshot(replay(data, size, pieces)) == expected
