"""Cluster and container text is shown as plain text in every view.

One pod, created through the sandbox API, whose annotations, events, container states
(waiting and termination messages, an ephemeral container's too) and logs carry terminal
escapes (title, OSC 52 clipboard), Textual markup (`[bold red]`, `[@click=app.quit]`), a
bidi override and a C1 CSI. The pods table, describe, YAML, logs, triage and the debug
form's error must show the markup literally and none of the control characters.
"""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.triage.screen import TriageScreen
from kdebug_tui.ui.views.describe import DescribeScreen
from kdebug_tui.ui.views.logs import LogsScreen
from kdebug_tui.ui.views.yaml_view import YamlScreen
from tests.reliability.hostile import CLICK, FORBIDDEN, HOSTILE, MARKUP, hostile_pod
from tests.ui.app_support import pod_names, pods_screen, row_by_name, wait_for
from tests.ui.flow_helpers import open_form, settle, wait_until

pytestmark = pytest.mark.timeout(90)


def shown(app: KdebugApp) -> str:
    """Everything on the screen as the terminal would show it (text of the SVG export)."""
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(parts)).replace("\xa0", " ")


def assert_literal(app: KdebugApp, where: str, *, markup: bool = True) -> None:
    text = shown(app)
    if markup:
        assert MARKUP in text, f"{where}: the markup is not shown literally:\n{text[:3000]}"
    bad = [c for c in FORBIDDEN if c in text]
    assert not bad, f"{where}: control characters on screen: {bad!r}"


async def test_cluster_text_is_shown_literally_everywhere(sandbox: Any, kubeconfig: Path) -> None:
    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
    async with app.run_test(size=(200, 50)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), 30)
        await hostile_pod(sandbox, app.services.session)
        await wait_for(pilot, lambda: "hostile" in pod_names(app), "the hostile pod")
        pods_screen(app).table.select_uid(row_by_name(app, "hostile").uid)
        await pilot.pause()
        assert_literal(app, "pods screen", markup=False)

        await pilot.press("D")
        assert isinstance(app.screen, DescribeScreen)
        describe = app.screen
        await wait_for(pilot, lambda: "Hostile" in describe.text, "the events in describe")
        assert MARKUP in describe.text and CLICK in describe.text
        assert_literal(app, "describe")
        await pilot.press("escape")

        await pilot.press("y")
        assert isinstance(app.screen, YamlScreen)
        assert_literal(app, "yaml")
        await pilot.press("escape")

        await pilot.press("l")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: logs.lines, "the log line")
        assert_literal(app, "logs")
        await pilot.press("escape")

        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await wait_for(pilot, lambda: triage.table.row_count > 0, "triage rows")
        for _ in range(triage.table.row_count):
            if "dbg-x" in shown(app) and MARKUP in shown(app):
                break
            await pilot.press("down")
        assert_literal(app, "triage")
        await pilot.press("escape")

        # An admission webhook's denial with the same payload, in the form's error.
        sandbox.faults.fail(
            "patch",
            "pods/ephemeralcontainers",
            status=400,
            message=f'admission webhook "policy.example.com" denied the request: {HOSTILE}',
        )
        pod = await app.services.get_pod("default", "hostile")
        form = await open_form(app, pilot, pod=pod, container="app")
        await settle(pilot, form)
        assert form.built is not None and form.request is not None
        form._submit(form.request, form.built)
        error = form.query_one("#submit-error", Static)
        await wait_until(
            pilot,
            lambda: "policy.example.com" in str(error.render()),
            lambda: f"the denial, got {error.render()!s}",
            limit=15,
        )
        assert_literal(app, "debug form error")

        # Notifications carry the same text through notify_error.
        from kdebug_tui.kube.errors import KubeError

        app.notify_error(KubeError("Denied", HOSTILE))
        # ...and any other notification (default markup=True), e.g. a termination message.
        app.screen.notify(f"stopped: {HOSTILE}", title=HOSTILE)
        await pilot.pause()
        for note in app._notifications:
            assert not note.markup, f"notification parsed as markup: {note.message!r}"
            for text in (note.message, note.title):
                assert not [c for c in FORBIDDEN if c in text], f"notification: {text!r}"
        assert_literal(app, "notification")
        assert app.is_running, "no [@click=app.quit] ran"


async def test_pane_border_title_and_status_are_not_markup() -> None:
    """A kubeconfig context like `[prod]` and a termination message in the pane's status."""
    from rich.text import Text
    from textual.app import App, ComposeResult

    from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane

    target = PaneTarget("[prod]", "default", "web", "app", kind="ephemeral")

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield SessionPane(target)

    app = Host()
    async with app.run_test(size=(120, 20)) as pilot:
        pane = app.query_one(SessionPane)
        pane.set_status(f"exited: {HOSTILE}")
        await pilot.pause()
        title = Text.from_markup(pane.border_title or "").plain
        subtitle = Text.from_markup(pane.border_subtitle or "").plain
        assert title.startswith("web/app · default · [prod]"), title
        assert subtitle.startswith("exited: ]0;pwned[bold red]x[/]"), subtitle
        assert not [c for c in FORBIDDEN if c in title + subtitle]
