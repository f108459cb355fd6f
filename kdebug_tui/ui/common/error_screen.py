"""A plain-text error dialog: title, message, hint; long text cut with the full text on demand.

Never a traceback: the user needs what failed and what to do, and the text may come from a
server we do not trust, so it is rendered literally (SafeText), never as markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kdebug_tui.ui.common.safe_text import SafeText, clean, plain, plain_block


class ErrorScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > #error-box {
        width: 80%; max-width: 110; height: auto; max-height: 80%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ErrorScreen #error-title { text-style: bold; color: $error; }
    ErrorScreen #error-scroll { height: auto; max-height: 30; margin: 1 0; }
    ErrorScreen #error-hint { color: $warning; }
    ErrorScreen #error-snippet {
        height: auto; max-height: 14; margin-top: 1; padding: 0 1;
        border: round $primary; background: $boost;
    }
    ErrorScreen #error-footer { color: $text-muted; margin-top: 1; }
    ErrorScreen #error-copy { margin-top: 1; }
    ErrorScreen.-info > #error-box { border: thick $success; }
    ErrorScreen.-info #error-title { color: $success; }
    """

    BINDINGS = [
        Binding("escape,q,space", "dismiss_error", "Close"),
        Binding("f", "full", "Full text"),
        Binding("c", "copy_snippet", "Copy the fix"),
    ]

    def __init__(
        self,
        title: str,
        message: str,
        hint: str | None = None,
        snippet: str | None = None,
        copy_label: str | None = None,
        tone: str = "error",
    ) -> None:
        """`snippet`: text to copy (c, or the Copy button), which `copy_label` names;
        `tone` "info" for a message that is not an error (an incident record's path)."""
        super().__init__()
        self.copy_label = copy_label or "the RBAC fix"
        self.set_class(tone == "info", "-info")
        self.error_title = title
        self.error_message = message
        self.error_hint = hint
        # Text to copy, e.g. the Role + RoleBinding that grants a refused verb (KubeError.snippet).
        self.snippet = clean(snippet, multiline=True) if snippet else None

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(plain(self.error_title, limit=200), id="error-title")
            with VerticalScroll(id="error-scroll"):
                yield SafeText(self.error_message, limit=1200, id="error-message")
            if self.error_hint:
                yield SafeText(f"Hint: {self.error_hint}", limit=600, id="error-hint")
            if self.snippet:
                with VerticalScroll(id="error-snippet"):
                    yield Static(plain_block(self.snippet), id="error-snippet-text")
            footer = "esc: close · f: full text"
            if self.snippet:
                footer += f" · c: copy {self.copy_label} to the clipboard"
                yield Button(f"Copy {self.copy_label}", id="error-copy")
            yield Static(footer, id="error-footer", markup=False)

    def action_full(self) -> None:
        self.query_one("#error-message", SafeText).action_toggle_full()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.snippet) if action == "copy_snippet" else True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "error-copy":
            event.stop()
            self.action_copy_snippet()

    def action_copy_snippet(self) -> None:
        if self.snippet:
            self.app.copy_to_clipboard(self.snippet)
            if self.copy_label == "the RBAC fix":
                self.app.notify("Copied: paste it for whoever administers the cluster.", timeout=3)
            else:
                self.app.notify(f"Copied {self.copy_label}.", timeout=3, markup=False)

    def action_dismiss_error(self) -> None:
        self.dismiss(None)
