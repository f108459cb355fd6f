"""A stand-alone TerminalView, for trying the widget and for end-to-end checks in tmux.

    python -m kdebug_tui.ui.sessions.terminal.demo              # your $SHELL under a PTY
    python -m kdebug_tui.ui.sessions.terminal.demo -- top -d 1  # any argv
    python -m kdebug_tui.ui.sessions.terminal.demo --hostile    # replay hostile output

`--hostile` feeds the escape sequences a malicious container could print (title changes,
OSC 52 clipboard writes, tmux passthrough, bidi overrides, markup-looking text) and then
prints HOSTILE-DONE; the host terminal's title and clipboard must stay untouched. ctrl+q
quits.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
from collections.abc import Sequence

from textual.app import App, ComposeResult

from kdebug_tui.term.backend import TerminalBackend
from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.term.pty_backend import PtyBackend
from kdebug_tui.ui.sessions.terminal.view import TerminalView

DONE_MARKER = "HOSTILE-DONE"


def hostile_script() -> list[bytes]:
    clipboard = base64.b64encode(b"pwned-clipboard").decode()
    return [
        b"\x1b]0;PWNED-OSC0\x07",
        b"\x1b]2;PWNED-OSC2\x1b\\",
        b"\x1b]1;PWNED-ICON\x07",
        f"\x1b]52;c;{clipboard}\x07".encode(),
        f"\x1b]52;p;{clipboard}\x1b\\".encode(),
        b"\x1bkPWNED-SCREEN\x1b\\",
        b"\x1bPtmux;\x1b\x1b]2;PWNED-DCS\x07\x1b\\",
        b"\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07\r\n",
        "[bold red]x[/] \u202eevil\u202c \u200bzero-width\r\n".encode(),
        b"\x1b[6n\x1b[c\x9b31mC1\r\n",
        b"\x1b[?1049h\x1b[2Jalt\x1b[?1049l",
        f"{DONE_MARKER}\r\n".encode(),
    ]


class TerminalDemo(App[None]):
    TITLE = "kdebug terminal demo"

    def __init__(self, backend: TerminalBackend, label: str) -> None:
        super().__init__()
        self._backend = backend
        self._label = label

    def compose(self) -> ComposeResult:
        yield TerminalView(self._backend, self._label)

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="terminal_demo", description=__doc__.split("\n")[0])
    parser.add_argument("--hostile", action="store_true", help="replay hostile output")
    parser.add_argument("command", nargs="*", help="argv to run under a PTY")
    args = parser.parse_args(argv)
    backend: TerminalBackend
    if args.hostile:
        backend = FakeBackend(hostile_script())
        label = "demo \u203a hostile output"
    else:
        command = args.command or [os.environ.get("SHELL", "/bin/sh")]
        backend = PtyBackend(command)
        label = "local \u203a " + " ".join(command)
    TerminalDemo(backend, label).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
