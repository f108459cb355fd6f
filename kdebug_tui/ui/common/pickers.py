"""Pick one of a list (context, namespace, node, container): type to narrow, enter to choose."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kdebug_tui.ui.common.safe_text import clean


class PickerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen item, or None on escape."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > #picker-box {
        width: 70; max-width: 95%; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    PickerScreen #picker-title { text-style: bold; padding: 1 0 0 0; }
    PickerScreen #picker-help { color: $text-muted; }
    PickerScreen OptionList { height: auto; max-height: 20; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
    ]

    def __init__(
        self,
        title: str,
        items: Sequence[str],
        *,
        current: str | None = None,
        details: dict[str, str] | None = None,
        help_text: str = "type to filter · enter: choose · esc: cancel",
        allow_custom: bool = False,
    ) -> None:
        super().__init__()
        self.picker_title = title
        self.items = list(items)
        self.current = current
        self.details = details or {}
        self.help_text = help_text
        self.allow_custom = allow_custom  # enter with no match returns the typed text

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(Text(self.picker_title, style="bold"), id="picker-title")
            yield Static(Text(clean(self.help_text, 300)), id="picker-help")
            yield Input(placeholder="filter", id="picker-filter")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, needle: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        needle = needle.lower()
        highlight = 0
        shown = [item for item in self.items if needle in item.lower()]
        for index, item in enumerate(shown):
            label = Text(clean(item, 80), style="bold" if item == self.current else "")
            if item == self.current:
                label.append("  (current)", style="dim")
                highlight = index
            if item in self.details:
                label.append(f"  {clean(self.details[item], 60)}", style="dim")
            options.add_option(Option(label, id=item))
        if shown:
            options.highlighted = highlight

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit(self, event: Input.Submitted) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)
        elif self.allow_custom and event.value.strip():
            self.dismiss(event.value.strip())

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
