"""What the terminal looks like: colours, attributes, wide characters, cursor, title, exit."""

from __future__ import annotations

from time import monotonic
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.sessions.terminal.view import TerminalView

SCRIPT = [
    b"\x1b]0;vim README.md\x07",
    b"$ ls --color\r\n",
    b"\x1b[01;34mbin\x1b[0m  \x1b[01;32mrun.sh\x1b[0m  \x1b[01;36mlink\x1b[0m  plain.txt\r\n",
    b"\x1b[1mbold\x1b[0m \x1b[3mitalic\x1b[0m \x1b[4munder\x1b[0m \x1b[7mreverse\x1b[0m ",
    b"\x1b[9mstrike\x1b[0m\r\n",
    b"\x1b[38;5;208m256-colour\x1b[0m \x1b[38;2;255;105;180;48;2;20;20;60mtrue colour\x1b[0m\r\n",
    "wide: \u4e2d\u6587\u5b57 | emoji-free | [bold]not markup[/]\r\n".encode(),
    b"$ ",
]


class SnapshotApp(App[None]):
    def __init__(self, backend: FakeBackend) -> None:
        super().__init__()
        self.backend = backend

    def compose(self) -> ComposeResult:
        yield TerminalView(self.backend, "sandbox-admin \u203a default/multi \u203a debugger-x1")

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()


async def wait_for_text(pilot: Pilot[Any], text: str) -> None:
    view = pilot.app.query_one(TerminalView)
    deadline = monotonic() + 10
    while not any(text in line for line in view.screen_lines()):
        assert monotonic() < deadline, f"{text!r} never appeared"
        await pilot.pause(0.02)
    await pilot.pause()


def test_terminal_rendering(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_text(pilot, "not markup")
        view = pilot.app.query_one(TerminalView)
        deadline = monotonic() + 10
        while view.emulator.cursor != (2, 5) or view.program_title != "vim README.md":
            assert monotonic() < deadline, "prompt never settled"
            await pilot.pause(0.02)

    app = SnapshotApp(FakeBackend(SCRIPT))
    assert snap_compare(app, terminal_size=(70, 12), run_before=run_before)


def test_terminal_after_exit(snap_compare: Any) -> None:
    backend = FakeBackend([b"last output line\r\n$ exit 3\r\n"])

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_text(pilot, "exit 3")
        backend.finish(3)
        await wait_for_text(pilot, "[exited with code 3]")

    assert snap_compare(SnapshotApp(backend), terminal_size=(70, 8), run_before=run_before)
