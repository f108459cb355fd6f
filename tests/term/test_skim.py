"""Fast-forward through a backlog (issue 10): the screen equals feeding the bytes in pieces."""

from __future__ import annotations

import random

import pytest

from kdebug_tui.term import Emulator
from kdebug_tui.term.skim import SKIM_MIN

from .test_differential import snapshot

_WORDS = [
    "request", "served", "漢字", "日本語", "테스트", "🙂", "✅", "👩\u200d🔬", "é", "x" * 30,
    "\x1b[32m", "\x1b[0m", "\x1b[1;34m", "\x1b[m", "\x1b[7m", "\x1b[38;5;200m", "\x1b(B",
]  # fmt: skip


def flood(seed: int, lines: int, *, words: list[str] = _WORDS, width: int = 40) -> bytes:
    rng = random.Random(seed)
    out = []
    for _ in range(lines):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(0, width // 4)))
        if rng.random() < 0.05:
            line = "y" * rng.choice([9, 10, 11, 20, 21, 33])
        out.append(line)
    return ("\r\n".join(out) + "\r\n").encode()


def fed_in_pieces(data: bytes, size: tuple[int, int], scrollback: int) -> Emulator:
    emu = Emulator(*size, scrollback=scrollback)
    for i in range(0, len(data), 4096):
        emu.feed(data[i : i + 4096])
    return emu


def fed_as_backlog(data: bytes, size: tuple[int, int], scrollback: int) -> tuple[Emulator, int]:
    """Like TerminalLink: feed_some over the remaining backlog until it is consumed."""
    emu = Emulator(*size, scrollback=scrollback)
    view = memoryview(data)
    pos = calls = 0
    while pos < len(data):
        pos += emu.feed_some(view[pos:], 0.002)
        calls += 1
    return emu, calls


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("size", [(10, 4), (80, 24)])
def test_skimmed_backlog_gives_the_same_screen(seed: int, size: tuple[int, int]) -> None:
    tail = b"\x1b[1m^C\r\n/ # echo M$((1))ARK\r\nM1ARK\r\n/ # \x1b[?2004h"
    data = b"\x1b[31mstart" + flood(seed, 40_000) + tail
    assert len(data) > 2 * SKIM_MIN
    skimmed, calls = fed_as_backlog(data, size, 200)
    assert snapshot(skimmed) == snapshot(fed_in_pieces(data, size, 200))
    assert "M1ARK" in skimmed.display[-2]
    # Far fewer slices than feeding it all: most of the backlog was skipped.
    assert calls < len(data) // (64 * 1024)


def test_a_control_in_the_backlog_is_never_skipped_over() -> None:
    lines = flood(7, 20_000, width=10)
    middle = len(lines) // 2
    middle = lines.index(b"\r\n", middle) + 2
    # A cursor move and a title in the middle: the skim must stop before them.
    data = lines[:middle] + b"\x1b[2;3HXY\x1b]0;title\x07\x1b[9;1H" + lines[middle:]
    skimmed, _ = fed_as_backlog(data, (10, 4), 50)
    assert snapshot(skimmed) == snapshot(fed_in_pieces(data, (10, 4), 50))
    assert skimmed.title == "title"


def test_lone_cr_tabs_and_combining_marks_are_fed_normally() -> None:
    base = flood(3, 12_000, width=12)
    for odd in (b"ab\rcd\r\n", b"a\tb\r\n", "e\u0301\u0302\r\n".encode()):
        data = base + odd + base
        skimmed, _ = fed_as_backlog(data, (12, 5), 30)
        assert snapshot(skimmed) == snapshot(fed_in_pieces(data, (12, 5), 30)), odd


def test_safe_run_tracks_the_skippable_end_of_a_stream() -> None:
    from kdebug_tui.term.skim import safe_run

    assert safe_run(b"abc\r\n\x1b[1;31mred\x1b[m\r\n", 5) == 5 + 20
    assert safe_run(b"ab\tcd", 100) == 2
    assert safe_run(b"x\x1b[2Jyz", 100) == 5  # (only the ESC is unsafe)
    assert safe_run("a\u0085b".encode(), 100) == 1
    assert safe_run(b"", 7) == 7
