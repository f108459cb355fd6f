"""The `:` resource prompt (k9s's command line): `:deploy`, `:no`, `:svc`, `:ev`, `:po`...
A second word filters the list: `:ev deploy/frontend` (that object's events), `:po web`.

Names are kubectl's: plural, singular, Kind and short names (kube/resources.lookup). An
unknown name is said plainly in the prompt itself, which stays open to be corrected.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kdebug_tui.ui.common.safe_text import plain
from kdebug_tui.ui.resources.kinds import known_names, view_for


class ResourcePrompt(ModalScreen[str | None]):
    """Answers the text of a kind the list screen can show, or None (esc)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    DEFAULT_CSS = """
    ResourcePrompt { align: center top; }
    ResourcePrompt > Vertical { width: 72; height: auto; margin-top: 2; border: round $accent; }
    ResourcePrompt #prompt-help { color: $text-muted; padding: 0 1; }
    ResourcePrompt #prompt-error { color: $error; padding: 0 1; height: auto; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder=":deploy", id="prompt-input")
            yield Static(plain("kinds: " + " ".join(known_names())), id="prompt-help")
            yield Static("", id="prompt-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().lstrip(":")
        word = text.split(maxsplit=1)[0] if text else ""
        if view_for(word) is None:
            shown = word[:40] or "(nothing)"
            self.query_one("#prompt-error", Static).update(
                f"{shown}: not a kind this list shows. Try one of the kinds above."
            )
            return
        self.dismiss(text)


def palette_entries() -> list[tuple[str, str]]:
    """("List Deployments", "deploy") for each kind: the command palette reaches them too."""
    from kdebug_tui.ui.resources.kinds import VIEWS

    return [
        (f"List {view.title}", view.kind.short_names[0] if view.kind.short_names else view.resource)
        for view in VIEWS.values()
    ]


def open_resources(app: Any, text: str) -> bool:
    """Push the list of the kind named `text`; False (and a notification) if unknown."""
    from kdebug_tui.ui.resources.screen import ResourcesScreen

    word, _, rest = text.strip().partition(" ")
    view = view_for(word)
    if view is None:
        app.notify(f"Unknown resource: {word[:40]}", severity="warning", timeout=4)
        return False
    screen = ResourcesScreen(view, namespace=app.services.namespace)
    app.push_screen(screen)
    if rest.strip():
        screen.call_after_refresh(screen.set_filter, rest.strip())
    return True


def ask_resource(app: Any) -> None:
    """Open the prompt; on an answer, the list."""

    def chosen(text: str | None) -> None:
        if text:
            open_resources(app, text)

    app.push_screen(ResourcePrompt(), chosen)
