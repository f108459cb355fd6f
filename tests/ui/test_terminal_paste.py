"""Pasting (issue 10): a large paste asks first, and pastes go out in slices."""

from __future__ import annotations

import pytest
from textual import events

from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions.terminal import paste as paste_module
from kdebug_tui.ui.sessions.terminal.paste import SLICE_BYTES, slices
from kdebug_tui.ui.sessions.terminal.view import TerminalView

from .test_terminal_view import TermApp, until


async def test_a_small_paste_goes_out_at_once() -> None:
    backend = FakeBackend()
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        view.post_message(events.Paste("echo small\n"))
        await until(pilot, lambda: backend.written, "the paste")
        assert backend.writes == [b"echo small\r"]
        assert not isinstance(app.screen, ConfirmScreen)


async def test_a_large_paste_asks_then_goes_out_in_slices_with_keys_between(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Slow slices (15 of them, 0.25 s apart): a key pressed after the first one lands
    # between two slices even when a loaded machine takes a while to deliver the press.
    monkeypatch.setattr(paste_module, "SLICE_PAUSE", 0.25)
    backend = FakeBackend()
    app = TermApp(backend)
    text = "".join(f"echo line {i} of a long paste 漢字\n" for i in range(400))
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        view.post_message(events.Paste(text))
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "did not ask for bracketed paste" in " ".join(app.screen.lines)
        assert not backend.written
        await pilot.press("y")
        await until(pilot, lambda: len(backend.written) > 0, "the first slice")
        await pilot.press("x")  # typed during the paste: goes out between two slices
        expected = text.replace("\n", "\r").encode()
        await until(pilot, lambda: len(backend.written) >= len(expected) + 1, "the whole paste")
        written = bytes(backend.written)
        assert written.replace(b"x", b"", 1) == expected
        assert 0 < written.index(b"x") < len(expected)
        assert len(backend.writes) > len(expected) // SLICE_BYTES


async def test_a_large_paste_can_be_cancelled() -> None:
    backend = FakeBackend()
    app = TermApp(backend)
    async with app.run_test(size=(80, 28)) as pilot:
        view = app.query_one(TerminalView)
        await until(pilot, lambda: backend.started, "backend start")
        view.post_message(events.Paste("x" * 10_000))
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "the answer")
        await pilot.press("a")
        await until(pilot, lambda: backend.written, "the key")
        assert bytes(backend.written) == b"a"


def test_slices_never_cut_a_character() -> None:
    data = ("é漢" * 1000).encode()
    parts = slices(data, 100)
    assert b"".join(parts) == data
    assert all(len(p) <= 100 for p in parts)
    for part in parts:
        part.decode("utf-8")  # (raises if a character was cut)
