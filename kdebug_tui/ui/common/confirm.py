"""A typed yes/no dialog for choices that grant more than they look like they do.

Privileged debug choices (sysadmin, netadmin, node pods, host namespaces, --replace) and
deleting pods go through here: the dialog names what the choice grants, and the safe answer
(No) has the focus so a stray Enter never grants anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask once, say exactly what saying yes does; dismisses with True only on the yes button."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-box {
        width: 80%; max-width: 100; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen #confirm-title { text-style: bold; color: $warning; margin-bottom: 1; }
    ConfirmScreen .confirm-line { margin-bottom: 0; }
    ConfirmScreen #confirm-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("n", "answer(False)", "No", show=False),
        Binding("y", "answer(True)", "Yes", show=False),
    ]

    def __init__(
        self,
        title: str,
        lines: Sequence[str],
        *,
        yes_label: str = "Yes, go ahead",
        no_label: str = "Cancel",
    ) -> None:
        super().__init__()
        self._title = title
        self._lines = list(lines)
        self._yes_label = yes_label
        self._no_label = no_label

    @property
    def lines(self) -> list[str]:
        """The explanation shown, for callers and tests that check what was said."""
        return list(self._lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self._title, id="confirm-title", markup=False)
            for line in self._lines:
                yield Static(line, classes="confirm-line", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self._no_label, id="confirm-no", variant="primary")
                yield Button(self._yes_label, id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
