"""A coloured flood whose reads end inside SGR sequences is still held and skimmed (issue 10).

The link holds a big backlog only while the stream's end is skippable. Reads of a coloured
flood often end inside an SGR sequence (``ESC [ 1 ; 3``); judged alone, that tail looked
unsafe, so the run restarted at every read, the link held at most 256 KiB, the emulator
could never skim (it needs more lines than the scrollback keeps) and Ctrl-C waited behind
megabytes replayed in full (the latency bench's coloured row: p50 ~1 s).
"""

from __future__ import annotations

import asyncio

from kdebug_tui.term import Emulator
from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.term.skim import partial_end
from kdebug_tui.ui.sessions.terminal.io import TerminalLink

LINE = b"\x1b[32mINFO\x1b[0m request \x1b[1;34mGET\x1b[0m /api/v1/x \x1b[33m200\x1b[0m in 12 ms\r\n"


def chunks_cut_inside_sgr(data: bytes, size: int) -> list[bytes]:
    """`data` in pieces of about `size` bytes, each ending inside an SGR sequence."""
    out, start = [], 0
    while start < len(data):
        esc = data.find(b"\x1b[1;3", start + size)
        if esc < 0:
            out.append(data[start:])
            break
        out.append(data[start : esc + 5])
        start = esc + 5
    return out


def test_partial_end_finds_only_a_cut_off_escape() -> None:
    assert partial_end(b"ab\x1b[1;3") == 2
    assert partial_end(b"ab\x1b") == 2
    assert partial_end(b"ab\x1b(") == 2
    assert partial_end(b"a\xc2") == 1
    assert partial_end(b"ab\x1b[1;3m") == 8
    assert partial_end(b"ab\x1b[2J") == 6


async def test_flood_read_in_pieces_ending_inside_sgr_is_skimmed() -> None:
    tail = b"^C\r\n/ # echo M$((1))ARK\r\nM1ARK\r\n/ # "
    data = LINE * 40_000 + tail  # ~2.6 MB: far more lines than 10,000 of scrollback
    chunks = chunks_cut_inside_sgr(data, 16 * 1024)
    assert all(c.endswith(b"\x1b[1;3") for c in chunks[:-1])
    backend = FakeBackend(chunks, exit_after_script=None)
    backend.finish(0)
    emu = Emulator(80, 24, scrollback=10_000)
    link = TerminalLink(backend, emu, on_output=lambda: None, recorder=lambda: None)
    exit_ = await asyncio.wait_for(link.read_loop(80, 24), 60)
    assert exit_.code == 0
    assert emu.skimmed_bytes > 1_000_000
    expected = Emulator(80, 24, scrollback=10_000)
    expected.feed(data)
    assert emu.display == expected.display
    assert emu.display[-2].rstrip() == "M1ARK"
    assert emu.scrollback_total == expected.scrollback_total
