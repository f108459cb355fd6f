"""Pasting into a terminal: a large paste asks first, and every paste goes out in slices.

Pasted text reaches the program as if typed. Sent as one write, 100 KB into a shell that
echoes and redraws its line for each character keeps the program, and the echo flooding
back, busy for a long time with nothing else getting through; and a paste that size is
more often a mistake than not. So a paste over CONFIRM_BYTES asks first (how much, how many
lines, and whether the program asked for bracketed paste, i.e. whether each line will run
as typed), as good terminals do, and a paste over SLICE_BYTES goes out in slices with a
pause between them: keys, paints and the prefix key keep working during it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.widget import Widget

from kdebug_tui.ui.common.confirm import ConfirmScreen

CONFIRM_BYTES = 4096
SLICE_BYTES = 1024
SLICE_PAUSE = 0.01


def slices(data: bytes, size: int = SLICE_BYTES) -> list[bytes]:
    """`data` in pieces of at most `size` bytes, never cutting a UTF-8 character."""
    out = []
    start = 0
    while start < len(data):
        end = min(start + size, len(data))
        while end < len(data) and end > start + 1 and data[end] & 0xC0 == 0x80:
            end -= 1
        out.append(data[start:end])
        start = end
    return out


async def send_in_slices(
    send: Callable[[bytes], None], data: bytes, pause: float | None = None
) -> None:
    wait = SLICE_PAUSE if pause is None else pause
    for index, piece in enumerate(slices(data)):
        if index:
            await asyncio.sleep(wait)
        send(piece)


def paste(
    view: Widget, send: Callable[[bytes], None], data: bytes, text: str, bracketed: bool
) -> None:
    """Send the encoded paste `data` (of `text`) through `send`, asking first when large."""
    if len(data) <= SLICE_BYTES:
        send(data)
        return

    def go() -> None:
        view.run_worker(send_in_slices(send, data), group="paste", exit_on_error=False)

    if len(data) <= CONFIRM_BYTES:
        go()
        return
    lines = text.count("\n") + 1
    how = (
        "The program asked for bracketed paste: it receives the text as one paste."
        if bracketed
        else "The program did not ask for bracketed paste: every line runs as if typed."
    )

    def answered(yes: bool | None) -> None:
        if yes:
            go()

    view.app.push_screen(
        ConfirmScreen(
            f"Paste {len(data) / 1024:.1f} KB ({lines} lines) into this terminal?",
            [how],
            yes_label="Paste",
        ),
        callback=answered,
    )


__all__ = ["CONFIRM_BYTES", "SLICE_BYTES", "paste", "send_in_slices", "slices"]
