"""Ctrl-C in a coloured flood: the prompt after it must show (issue 10, the "never painted").

On Ctrl-C the kernel flushes the pty's output queue, so the flood can end anywhere, also
right after an ESC; the line discipline then echoes ``^C`` (ECHOCTL). ESC followed by ``^``
is PM, a string that swallows all text up to the next ESC: the shell's prompt, the echo of
what was typed next and its output. Measured over the sandbox's exec websocket (about one
Ctrl-C in ten during ``bench.terminal_latency``'s coloured flood), the bytes here are the
ones recorded there.
"""

from __future__ import annotations

import pytest

from kdebug_tui.term import Emulator

FLOOD = (
    b"\x1b[32mINFO\x1b[0m request \x1b[1;34mGET\x1b[0m /api/v1/x \x1b[33m200\x1b[0m in 12 ms\r\n"
)
# What arrived: the flood cut after an ESC, the echoed ^C and the typed line, then busybox
# sh's new prompt, the echo of the line, its output, the prompt and its cursor query.
CUT = FLOOD * 30 + FLOOD[:44] + b"\x1b"
AFTER = b"^Cecho M$((1))ARK\r\n\r\n/ # echo M$((1))ARK\r\nM1ARK\r\n/ # \x1b[6n"


def _screen(chunks: list[bytes]) -> list[str]:
    emu = Emulator(80, 24)
    for chunk in chunks:
        emu.feed(chunk)
    return [line.rstrip() for line in emu.display]


def test_prompt_after_ctrl_c_cut_after_an_esc_is_shown() -> None:
    rows = _screen([CUT, AFTER])
    assert rows[-3:] == ["/ # echo M$((1))ARK", "M1ARK", "/ #"]


@pytest.mark.parametrize("split", range(len(CUT) - 4, len(CUT) + len(AFTER)))
def test_same_screen_wherever_the_stream_is_split(split: int) -> None:
    data = CUT + AFTER
    assert _screen([data[:split], data[split:]]) == _screen([data])


@pytest.mark.parametrize("intro", [b"\x1b^", b"\x1bX", b"\x1b_"])
def test_sos_pm_apc_end_at_a_line_end(intro: bytes) -> None:
    rows = _screen([b"a" + intro + b"hidden\r\nshown"])
    assert rows[:2] == ["a", "shown"]
    # terminated ones still hide their whole payload
    assert _screen([intro + b"hidden\x1b\\shown"])[0] == "shown"


def test_osc_and_dcs_keep_their_payload_across_a_line_end() -> None:
    # (an OSC title or a DCS payload may hold a newline; they end only at BEL/ST/CAN/SUB)
    assert _screen([b"\x1b]2;a\nb\x07shown"])[0] == "shown"
    assert _screen([b"\x1bPq\r\n#0~\x1b\\shown"])[0] == "shown"
