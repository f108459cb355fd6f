"""`y`: the pod as YAML (read-only, highlighted); managedFields hidden by default.

Any object the API can hold must open at once: a 256 KiB annotation, megabytes of env.
The YAML is written by yaml_text.to_yaml (pyyaml took 7 s for 1.8 MB and 45 s for 10 MB)
and, past a small size, in a thread so the screen opens and keeps answering keys while it
is made; YamlLines (yaml_lines.py) then styles and paints only the visible rows. The text
is shown literally (no markup).
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from kdebug_tui.ui.common.safe_text import clean, plain
from kdebug_tui.ui.common.search_keys import SearchKeys
from kdebug_tui.ui.common.text_search import TextSearch
from kdebug_tui.ui.views.yaml_lines import YamlLines
from kdebug_tui.ui.views.yaml_text import to_yaml

INLINE_LIMIT = 64 * 1024  # characters of text: below this the YAML is made at once, on the loop


def pod_yaml(pod: dict[str, Any], *, managed_fields: bool = False) -> str:
    """kubectl-like YAML of a pod dict; without metadata.managedFields unless asked."""
    data: dict[str, Any] = dict(pod)  # shallow: the caller's dict is never changed
    if not managed_fields and isinstance(data.get("metadata"), dict):
        data["metadata"] = {k: v for k, v in data["metadata"].items() if k != "managedFields"}
    data.setdefault("apiVersion", "v1")
    data.setdefault("kind", "Pod")
    ordered: dict[str, Any] = {
        k: data[k] for k in ("apiVersion", "kind", "metadata", "spec", "status") if k in data
    }
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    text = to_yaml(ordered)
    # Shown literally, but control characters in values would still confuse a terminal.
    return clean(text, multiline=True)


def is_large(data: Any, limit: int = INLINE_LIMIT) -> bool:
    """Whether the object's text reaches `limit` characters; stops counting once it does,
    so the answer costs at most a few thousand nodes whatever the object's size."""
    total = 0
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            total += 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            total += 2 * len(item)
            stack.extend(item)
        else:
            total += len(item) if isinstance(item, str) else 8
        if total >= limit:
            return True
    return False


class YamlScreen(SearchKeys, Screen[None]):
    search_input = "yaml-search"

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("m", "toggle_managed", "managedFields"),
        Binding("G", "last_line", "Last line", show=False),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next", show=False),
        Binding("N", "previous_match", "Previous", show=False),
    ]

    DEFAULT_CSS = """
    YamlScreen #yaml-title { height: 1; background: $panel; padding: 0 1; }
    YamlScreen #yaml-status { height: 1; padding: 0 1; color: $text-muted; display: none; }
    YamlScreen.-busy #yaml-status, YamlScreen.-found #yaml-status { display: block; }
    YamlScreen #yaml-search { display: none; }
    YamlScreen.-searching #yaml-search { display: block; }
    """

    def __init__(self, pod: dict[str, Any]) -> None:
        super().__init__()
        self.pod = pod
        self.managed_fields = False
        self.text = ""
        self.ready = asyncio.Event()  # set each time a rendering is on screen
        self._large = is_large(pod)
        self.search = TextSearch()

    def compose(self) -> ComposeResult:
        meta = self.pod.get("metadata") or {}
        kind = str(self.pod.get("kind") or "pod").lower()
        where = f"{meta['namespace']}/" if meta.get("namespace") else ""
        yield Static(plain(f"{kind} {where}{meta.get('name')} · YAML", "bold"), id="yaml-title")
        yield Static("", id="yaml-status", markup=False)
        yield YamlLines(id="yaml")
        yield Input(placeholder="search (enter: find, n/N: next/previous)", id="yaml-search")
        yield Footer()

    @property
    def view(self) -> YamlLines:
        return self.query_one("#yaml", YamlLines)

    def on_mount(self) -> None:
        self._show()
        self.view.focus()

    def _show(self) -> None:
        self.ready.clear()
        if not self._large:
            self._display(pod_yaml(self.pod, managed_fields=self.managed_fields))
            return
        self.add_class("-busy")
        self.query_one("#yaml-status", Static).update("formatting a large object…")
        # After the first paint: the thread's work would otherwise delay the screen itself.
        self.call_after_refresh(
            self.run_worker,
            self._render_off_loop(),
            group="yaml",
            exclusive=True,
            exit_on_error=False,
        )

    async def _render_off_loop(self) -> None:
        managed = self.managed_fields
        try:
            text = await asyncio.to_thread(pod_yaml, self.pod, managed_fields=managed)
        except Exception as exc:  # a value yaml cannot represent: say so, keep the screen
            self.query_one("#yaml-status", Static).update(
                plain(f"the object could not be shown as YAML: {exc}", limit=300)
            )
            return
        if managed == self.managed_fields:  # not toggled again meanwhile
            self._display(text)

    def _display(self, text: str) -> None:
        self.text = text
        self.view.set_lines(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"))
        self.remove_class("-busy")
        self.ready.set()

    @on(Input.Submitted, "#yaml-search")
    def _searched(self, event: Input.Submitted) -> None:
        self.remove_class("-searching")
        self.view.focus()
        self.search.search(self.view.lines, event.value, start=int(self.view.scroll_y))
        self._show_matches()

    def _go(self, line: int | None) -> None:
        self._show_matches()  # the view scrolls to the current match itself

    def _show_matches(self) -> None:
        self.view.show_matches(frozenset(self.search.matches), self.search.current)
        self.set_class(bool(self.search.needle), "-found")
        self.query_one("#yaml-status", Static).update(self.search.status())

    def action_last_line(self) -> None:
        self.view.scroll_end(animate=False)

    def action_toggle_managed(self) -> None:
        self.managed_fields = not self.managed_fields
        self._show()
        state = "shown" if self.managed_fields else "hidden"
        self.notify(f"managedFields {state}", timeout=1.5)
