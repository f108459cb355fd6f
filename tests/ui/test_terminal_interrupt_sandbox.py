"""Ctrl-C after an ESC, over the real exec websocket into a sandbox pod's shell (issue 10).

The kernel flushes the pty's output on Ctrl-C; a coloured flood cut right after an ESC is
followed by the echoed ``^C``, and ESC ``^`` opens a PM string. Here the program prints
READY and an ESC on purpose, so the case happens every time: the prompt and what the typed
command prints must still reach the screen (they used to be swallowed up to the next ESC:
the latency bench's "MARK never painted").
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from kdebug_tui.kube.attach import ExecSession
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.term import Emulator
from kdebug_tui.ui.sessions.terminal.io import TerminalLink


async def _until(changed: asyncio.Event, emu: Emulator, text: str) -> None:
    """Wait until a screen row holds `text` (each output slice wakes this)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not any(text in line for line in emu.display):
        changed.clear()
        remaining = deadline - loop.time()
        assert remaining > 0, f"never on screen: {text!r} in {emu.display}"
        try:
            await asyncio.wait_for(changed.wait(), remaining)
        except TimeoutError:
            continue


async def test_prompt_shows_after_ctrl_c_cut_the_output_after_an_esc(
    sandbox: Any, kubeconfig: Path
) -> None:
    session = await KubeSession.open(kubeconfig=kubeconfig)
    backend = ExecSession(session, "shop", "redis-0", "redis", ["sh"])
    emu = Emulator(80, 24)
    changed = asyncio.Event()
    link = TerminalLink(backend, emu, on_output=changed.set, recorder=lambda: None)
    reader = asyncio.ensure_future(link.read_loop(80, 24))
    writer = asyncio.ensure_future(link.write_loop())

    try:
        # One foreground child prints READY and an ESC, then blocks; (printf is a builtin of
        # the interactive shell: a Ctrl-C between it and `sleep` would reach the shell itself).
        # The echoed command line spells READY differently.
        link.post(b"sh -c 'printf \"RE%sDY\\033\" A; exec sleep 60'\r")
        await _until(changed, emu, "READY")
        link.post(b"\x03")
        link.post(b"echo M$((1))ARK\r")
        await _until(changed, emu, "M1ARK")
        link.post(b"echo M$((2))ARK\r")
        await _until(changed, emu, "M2ARK")
    finally:
        writer.cancel()
        reader.cancel()
        await asyncio.gather(writer, reader, return_exceptions=True)
        await backend.close()
        await session.close()
