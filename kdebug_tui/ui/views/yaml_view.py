"""`y`: the pod as YAML (read-only, highlighted by Pygments); managedFields hidden by default.

Rich's Syntax renders the text literally (no markup), and pyyaml quotes what needs quoting.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from kdebug_tui.ui.common.safe_text import clean, plain


def pod_yaml(pod: dict[str, Any], *, managed_fields: bool = False) -> str:
    """kubectl-like YAML of a pod dict; without metadata.managedFields unless asked."""
    data: dict[str, Any] = copy.deepcopy(pod)
    if not managed_fields:
        (data.get("metadata") or {}).pop("managedFields", None)
    data.setdefault("apiVersion", "v1")
    data.setdefault("kind", "Pod")
    ordered: dict[str, Any] = {
        k: data[k] for k in ("apiVersion", "kind", "metadata", "spec", "status") if k in data
    }
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    text = yaml.safe_dump(ordered, sort_keys=False, default_flow_style=False, allow_unicode=True)
    # Shown literally, but control characters in values would still confuse a terminal.
    return clean(text, multiline=True)


class YamlScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("m", "toggle_managed", "managedFields"),
    ]

    DEFAULT_CSS = """
    YamlScreen #yaml-title { height: 1; background: $panel; padding: 0 1; }
    YamlScreen #yaml-scroll { height: 1fr; }
    """

    def __init__(self, pod: dict[str, Any]) -> None:
        super().__init__()
        self.pod = pod
        self.managed_fields = False
        self.text = ""

    def compose(self) -> ComposeResult:
        meta = self.pod.get("metadata") or {}
        yield Static(
            plain(f"pod {meta.get('namespace')}/{meta.get('name')} · YAML", "bold"), id="yaml-title"
        )
        with VerticalScroll(id="yaml-scroll"):
            yield Static(id="yaml")
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#yaml-scroll").focus()

    def _show(self) -> None:
        self.text = pod_yaml(self.pod, managed_fields=self.managed_fields)
        syntax = Syntax(self.text, "yaml", theme="ansi_dark", line_numbers=True, word_wrap=False)
        self.query_one("#yaml", Static).update(syntax)

    def action_toggle_managed(self) -> None:
        self.managed_fields = not self.managed_fields
        self._show()
        state = "shown" if self.managed_fields else "hidden"
        self.notify(f"managedFields {state}", timeout=1.5)
