"""Describe of any listed kind, as plain text with `/` search and n/N.

The text is kube/describe.describe (kubectl describe, line for line), shown literally (no
markup). YAML goes to the pod YAML view (ui/views/yaml_view.py), which takes any object.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from kdebug_tui.ui.common.base import ForwardWorkerErrors
from kdebug_tui.ui.common.safe_text import clean, plain
from kdebug_tui.ui.common.search_keys import SearchKeys
from kdebug_tui.ui.common.text_search import TextSearch


class DescribeObjectScreen(SearchKeys, ForwardWorkerErrors, Screen[None]):
    """`D` on any listed kind: `kubectl describe` as the kube layer writes it, read-only;
    `/` search, n/N, r reload."""

    app: Any
    search_input = "text-search"

    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next", show=False),
        Binding("N", "previous_match", "Previous", show=False),
        Binding("r", "reload", "Reload"),
    ]

    DEFAULT_CSS = """
    DescribeObjectScreen #text-title { height: 1; background: $panel; padding: 0 1; }
    DescribeObjectScreen #text-status { height: 1; padding: 0 1; color: $text-muted; }
    DescribeObjectScreen #text-scroll { height: 1fr; padding: 0 1; }
    DescribeObjectScreen #text-body { width: auto; }
    DescribeObjectScreen #text-search { display: none; }
    DescribeObjectScreen.-searching #text-search { display: block; }
    """

    def __init__(self, kind: Any, namespace: str | None, name: str) -> None:
        super().__init__()
        where = f"{namespace}/{name}" if namespace else name
        self.title_text = f"describe {kind.kind.lower()} {where}"
        self.kind = kind
        self.namespace = namespace
        self.object_name = name
        self.text = ""
        self.lines: list[str] = []
        self.search = TextSearch()

    def compose(self) -> ComposeResult:
        yield Static(plain(self.title_text, "bold"), id="text-title")
        yield Static("", id="text-status", markup=False)
        with VerticalScroll(id="text-scroll"):
            yield Static("loading…", id="text-body", markup=False)
        yield Input(placeholder="search (enter: find, n/N: next/previous)", id="text-search")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text-scroll").focus()
        self.action_reload()

    @work(group="text-load", exclusive=True, exit_on_error=False, description="load the text")
    async def action_reload(self) -> None:
        try:
            text = await self._describe()
        except Exception as exc:
            from kdebug_tui.ui.common.errors import describe_error

            title, message, hint = describe_error(exc)
            text = f"{title}\n{message}" + (f"\nHint: {hint}" if hint else "")
        self.text = clean(text, multiline=True)
        self.lines = self.text.split("\n")
        if self.search.needle:
            self.search.search(self.lines, self.search.needle)
        self._paint()

    def _paint(self) -> None:
        self.query_one("#text-body", Static).update(self.search.render(self.lines))
        self.query_one("#text-status", Static).update(Text(self.search.status()))

    def _go(self, line: int | None) -> None:
        self._paint()
        if line is not None:
            scroll = self.query_one("#text-scroll", VerticalScroll)
            scroll.scroll_to(y=max(0, line - 3), animate=False)

    @on(Input.Submitted, "#text-search")
    def _searched(self, event: Input.Submitted) -> None:
        scroll = self.query_one("#text-scroll", VerticalScroll)
        self._go(self.search.search(self.lines, event.value, start=int(scroll.scroll_y)))
        self.remove_class("-searching")
        scroll.focus()

    def action_back(self) -> None:
        if self.has_class("-searching"):
            self.remove_class("-searching")
            self.query_one("#text-scroll").focus()
            return
        self.app.pop_screen()

    async def _describe(self) -> str:
        from kdebug_tui.kube.describe import describe

        services = self.app.services
        return await describe(
            services.session, self.kind, self.namespace, self.object_name, now=self.app.clock()
        )
