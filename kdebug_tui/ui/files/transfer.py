"""The file browser's transfer line: what is being copied, a progress bar, then the checksum.

Display only; the files screen feeds it from `TargetFiles.download/upload`'s on_progress
callback (called on the event loop, so no thread hop is needed). Updates are throttled
to whole percents so a fast copy does not repaint for every 64 KiB frame.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from kdebug_tui.ui.common.safe_text import clean

IDLE = "g: download the selected file · u: upload into this directory · both checked by sha256"


class TransferBar(Vertical):
    """A fixed-height line (the listing above never jumps); keeps the last result (sha256)."""

    DEFAULT_CSS = """
    TransferBar { height: 5; padding: 0 1; border-top: solid $panel; }
    TransferBar #transfer-label { height: 1; color: $text-muted; }
    TransferBar #transfer-progress { display: none; }
    TransferBar.-active #transfer-label { color: $text; }
    TransferBar.-active #transfer-progress { display: block; }
    TransferBar #transfer-result { height: auto; }
    TransferBar.-failed #transfer-result { color: $error; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.done = 0
        self.total: int | None = None
        self.running = False
        self._shown = -1

    def compose(self) -> ComposeResult:
        yield Static(IDLE, id="transfer-label", markup=False)
        yield ProgressBar(id="transfer-progress", show_eta=False)
        yield Static("", id="transfer-result")

    def start(self, label: str, total: int | None) -> None:
        self.add_class("-active")
        self.remove_class("-failed")
        self.running, self.done, self.total, self._shown = True, 0, total, -1
        self.query_one("#transfer-label", Static).update(clean(label, 300))
        self.query_one("#transfer-result", Static).update("")
        self.query_one("#transfer-progress", ProgressBar).update(total=total, progress=0)

    def advance(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total
        percent = int(done * 100 / total) if total else done // (1024 * 1024)
        if percent == self._shown:
            return
        self._shown = percent
        self.query_one("#transfer-progress", ProgressBar).update(total=total, progress=done)

    def finish(self, text: str, sha256: str) -> None:
        self.running = False
        bar = self.query_one("#transfer-progress", ProgressBar)
        bar.update(total=self.total or self.done or 1, progress=self.total or self.done or 1)
        result = Text()
        result.append("✔ ", style="bold green")
        result.append(clean(f"{text} ({self.done:,} bytes)", 300))
        result.append(f"\nsha256 {sha256}  verified on both sides", style="green")
        self.query_one("#transfer-result", Static).update(result)

    def fail(self, text: str) -> None:
        self.running = False
        self.add_class("-failed")
        self.query_one("#transfer-result", Static).update(Text("✖ " + clean(text, 600)))
