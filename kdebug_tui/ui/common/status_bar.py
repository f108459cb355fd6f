"""The header (where am I connected) and the status bar (watch state, counts, permissions).

In demo mode the header says, in words, that this is the kdebug sandbox and not a
Kubernetes cluster, so a screenshot or a glance can never be mistaken for production.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from kdebug_tui.ui.common.messages import AccessChanged, ClusterChanged, WatchStateChanged
from kdebug_tui.ui.common.safe_text import clean

WATCH_STYLES = {
    "live": ("● live", "green"),
    "connecting": ("◌ connecting…", "yellow"),
    "reconnecting": ("◌ reconnecting…", "yellow"),
    "error": ("✖ error", "bold red"),
}


class _Subscriber(Static):
    """Listens to ClusterServices broadcasts (`LISTENS_TO` only) while mounted."""

    LISTENS_TO: tuple[type, ...] = (ClusterChanged,)

    def on_mount(self) -> None:
        services = getattr(self.app, "services", None)
        if services is not None:
            services.subscribe(self, *self.LISTENS_TO)
        self.render_state()

    def on_unmount(self) -> None:
        services = getattr(self.app, "services", None)
        if services is not None:
            services.unsubscribe(self)

    def render_state(self) -> None:
        raise NotImplementedError


class ClusterHeader(_Subscriber):
    """kdebug-tui · context · namespace · server, and the SANDBOX badge in demo mode."""

    DEFAULT_CSS = """
    ClusterHeader { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_cluster_changed(self, _: ClusterChanged) -> None:
        self.render_state()

    def render_state(self) -> None:
        services: Any = getattr(self.app, "services", None)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("kdebug-tui", style="bold")
        sandbox = services is not None and services.is_sandbox
        if sandbox:
            text.append("  ")
            text.append(" SANDBOX ", style="bold black on yellow")
        if services is None or not services.context:
            text.append("  connecting…", style="dim")
            if sandbox:
                text.append("  kdebug sandbox, not a Kubernetes cluster", style="yellow")
            self.update(text)
            return
        ns = services.namespace or "all namespaces"
        # "label: value" with two spaces between pairs: copied or read by a screen reader,
        # the words must not run together (it read `contextsandbox-adminnamespace`)
        text.append("  context: ", style="dim")
        text.append(clean(services.context, 60), style="bold cyan")
        text.append("  namespace: ", style="dim")
        text.append(clean(ns, 60), style="bold cyan")
        if services.readonly:
            text.append("  READ-ONLY", style="bold magenta")
        if sandbox:  # after context/namespace: on a narrow terminal the badge still shows
            text.append("  kdebug sandbox, not a Kubernetes cluster", style="yellow")
        server = clean(services.server, 60)
        if server:
            text.append(f"  {server}", style="dim")
        self.update(text)


class StatusBar(_Subscriber):
    """watch state │ counts │ what the credentials may do."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $boost; padding: 0 1; }
    """
    LISTENS_TO = (ClusterChanged, WatchStateChanged, AccessChanged)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.counts = ""

    def set_counts(self, counts: str) -> None:
        if counts != self.counts:
            self.counts = counts
            self.render_state()

    def on_watch_state_changed(self, _: WatchStateChanged) -> None:
        self.render_state()

    def on_access_changed(self, _: AccessChanged) -> None:
        self.render_state()

    def on_cluster_changed(self, _: ClusterChanged) -> None:
        self.render_state()

    @property
    def watch_text(self) -> str:
        services: Any = getattr(self.app, "services", None)
        if services is None:
            return ""
        label, _ = WATCH_STYLES.get(services.watch_state, (services.watch_state, ""))
        if services.watch_state == "error" and services.watch_message:
            return f"{label}: {clean(services.watch_message, 100)}"
        return label

    def render_state(self) -> None:
        services: Any = getattr(self.app, "services", None)
        text = Text(no_wrap=True, overflow="ellipsis")
        if services is not None:
            _, style = WATCH_STYLES.get(services.watch_state, ("", ""))
            text.append(self.watch_text, style=style)
            if services.watch_state in ("reconnecting", "connecting") and services.watch_message:
                text.append(f" ({clean(services.watch_message, 80)})", style="dim")
        if self.counts:
            text.append("  │  ", style="dim")
            text.append(self.counts)
        if services is not None and services.access_summary:
            text.append("  │  ", style="dim")
            style = "yellow" if "read-only" in services.access_summary else "dim"
            text.append(services.access_summary, style=style)
        self.update(text)
