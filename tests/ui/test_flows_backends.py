"""The backend wrappers that get a shell on screen sooner, on a scripted backend."""

from __future__ import annotations

import asyncio
import gc

from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.sessions.flow_backends import GcHold, PreConnected, PromptNudge


async def test_pre_connected_starts_at_once_then_sends_the_real_size() -> None:
    inner = FakeBackend([b"/ # "])
    outputs: list[str] = []
    backend = PreConnected(inner, on_first_output=lambda: outputs.append("first"))
    await asyncio.sleep(0)
    assert inner.started == (80, 24), "connecting began before the terminal asked"
    await backend.start(120, 40)
    assert inner.resizes == [(120, 40)]
    assert await backend.read() == b"/ # "
    assert outputs == ["first"]
    inner.emit(b"more")
    await backend.read()
    assert outputs == ["first"], "only the first output is reported"
    await backend.close()
    assert inner.closed


async def test_prompt_nudge_presses_enter_once_after_attaching() -> None:
    inner = FakeBackend()
    backend = PromptNudge(inner)
    await backend.start(80, 24)
    assert bytes(inner.written) == b"\r"
    await backend.write(b"ls\r")
    assert bytes(inner.written) == b"\rls\r"


async def test_gc_hold_is_always_released() -> None:
    assert gc.isenabled()
    hold = GcHold(limit=0.05)
    assert not gc.isenabled() and hold.held
    await asyncio.sleep(0.1)
    assert gc.isenabled() and not hold.held, "released by its time limit"

    hold = GcHold()
    hold.release_soon(0.01)
    await asyncio.sleep(0.05)
    assert gc.isenabled()

    gc.disable()
    try:
        nested = GcHold()
        assert not nested.held, "a hold never enables a GC someone else disabled"
        nested.release()
        assert not gc.isenabled()
    finally:
        gc.enable()
