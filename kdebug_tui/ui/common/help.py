"""`?`: every key binding active where the user pressed it, grouped by where it comes from.

Built from Textual's own active bindings (including keymap overrides), so it can never
drift from what the keys actually do.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.keys import key_to_character
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

HelpEntry = tuple[str, str, str]  # (keys, description, where)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box {
        width: 90; max-width: 95%; height: 90%; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; padding: 1 0; }
    HelpScreen DataTable { height: 1fr; }
    """

    BINDINGS = [Binding("escape,q,question_mark", "dismiss_help", "Close")]

    def __init__(self, entries: Sequence[HelpEntry], title: str = "Keys") -> None:
        super().__init__()
        self.entries = list(entries)
        self.help_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(
                Text.assemble(
                    (self.help_title, "bold"), ("   esc closes · ctrl+p: every command", "dim")
                ),
                id="help-title",
            )
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#help-table", DataTable)
        table.add_columns("KEY", "ACTION", "WHERE")
        for keys, description, where in self.entries:
            table.add_row(
                Text(keys, style="bold cyan"), Text(description), Text(where, style="dim")
            )
        table.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


_NAMES = {
    "escape": "esc",
    "delete": "del",
    "minus": "-",
    "plus": "+",
    "slash": "/",
    "colon": ":",
    "space": "space",
}


def format_key(key: str) -> str:
    """The key as printed on the keyboard: `|` for vertical_line, `ctrl+/` for ctrl+slash."""
    *mods, last = key.split("+") if key != "+" else ["+"]
    shown = _NAMES.get(last)
    if shown is None:
        char = key_to_character(last)
        shown = char if char is not None and len(char) == 1 and char.isprintable() else last
    return "+".join([*mods, shown])


def collect_entries(active: dict[str, object]) -> list[HelpEntry]:
    """(keys, description, where) from Screen.active_bindings, one line per action.

    This screen's actions first, then the app's (everywhere), then the focused widget's.
    """
    from textual.app import App
    from textual.screen import Screen

    keys_of: dict[tuple[str, int], list[str]] = {}
    info: dict[tuple[str, int], tuple[str, str, int]] = {}
    for key, active_binding in active.items():
        binding: Binding = active_binding.binding  # type: ignore[attr-defined]
        node = active_binding.node  # type: ignore[attr-defined]
        if not binding.description and not binding.tooltip:
            continue
        if isinstance(node, Screen):
            rank, where = 0, "this screen"
        elif isinstance(node, App):
            rank, where = 1, "everywhere"
        else:
            rank, where = 2, type(node).__name__.lower()
        ident = (binding.action, id(node))
        keys_of.setdefault(ident, []).append(format_key(key))
        info.setdefault(ident, (binding.tooltip or binding.description, where, rank))
    ordered = sorted(info.items(), key=lambda item: item[1][2])
    return [(", ".join(keys_of[ident]), desc, where) for ident, (desc, where, _) in ordered]
