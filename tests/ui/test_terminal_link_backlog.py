"""TerminalLink drains a flood and feeds it as one batch, so the emulator can skim it."""

from __future__ import annotations

import asyncio

from kdebug_tui.term import Emulator
from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.sessions.terminal.io import TerminalLink


def flood(lines: int) -> bytes:
    line = "\x1b[32mINFO\x1b[0m request \x1b[1mGET\x1b[0m /api/v1/x served in 12 ms"
    return "".join(f"{line} {i}\r\n" for i in range(lines)).encode()


async def test_a_backlog_is_drained_skimmed_and_ends_on_the_same_screen() -> None:
    data = flood(60_000) + b"^C\r\n/ # echo M$((1))ARK\r\nM1ARK\r\n/ # "
    chunks = [data[i : i + 16384] for i in range(0, len(data), 16384)]
    backend = FakeBackend(chunks, exit_after_script=None)
    backend.finish(0)
    emu = Emulator(80, 24, scrollback=1000)
    slices = 0

    def on_output() -> None:
        nonlocal slices
        slices += 1

    link = TerminalLink(backend, emu, on_output=on_output, recorder=lambda: None)
    exit_ = await asyncio.wait_for(link.read_loop(80, 24), 60)
    assert exit_.code == 0

    expected = Emulator(80, 24, scrollback=1000)
    for chunk in chunks:
        expected.feed(chunk)
    assert emu.display == expected.display
    assert emu.scrollback_text() == expected.scrollback_text()
    assert emu.scrollback_total == expected.scrollback_total
    assert emu.display[-2].rstrip() == "M1ARK"
    # Fed one 16 KiB message at a time this takes a slice or more per message.
    assert slices < len(chunks) // 2
