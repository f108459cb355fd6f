"""The app shell: errors as plain text, help and palette, --demo, kubectl kdebug prefill."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual import work
from textual.command import CommandPalette

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.common.error_screen import ErrorScreen
from kdebug_tui.ui.common.help import HelpScreen
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.launch.plugin_args import parse_plugin_args
from kdebug_tui.ui.triage.screen import TriageScreen
from tests.ui.app_support import SIZE, make_app, pod_names, wait_for


def errors(app: KdebugApp) -> list[Any]:
    return [n for n in app._notifications if n.severity == "error"]


async def test_notify_error_is_plain_text_with_hint_and_full_text() -> None:
    app = KdebugApp(connect=False)
    async with app.run_test(size=SIZE) as pilot:
        long = "[bold]not markup[/bold] \x1b[31m" + "x" * 1000
        app.notify_error(KubeError("Forbidden", long, status=403, hint="ask an admin"))
        await pilot.pause()
        note = errors(app)[-1]
        assert note.title == "Forbidden"
        assert note.message.startswith("[bold]not markup[/bold] [31m")
        assert "\x1b" not in note.message
        assert len(note.message) < 500 and "ctrl+e" in note.message
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ErrorScreen)
        assert app.screen.error_message.endswith("x" * 1000)
        assert app.screen.error_hint == "ask an admin"


async def test_failed_worker_becomes_a_notification_not_a_crash() -> None:
    class Failing(KdebugApp):
        @work(exit_on_error=False)
        async def explode(self) -> None:
            raise RuntimeError("boom in a worker")

    app = Failing(connect=False)
    async with app.run_test(size=SIZE) as pilot:
        app.explode()
        await wait_for(pilot, lambda: errors(app), "the notification")
        note = errors(app)[-1]
        assert note.title == "Unexpected error"
        assert "RuntimeError: boom in a worker" in note.message
        assert "Traceback" not in note.message
    assert app.return_code in (0, None)


async def test_help_lists_every_pods_binding_and_palette_reaches_them() -> None:
    app = KdebugApp(connect=False)
    async with app.run_test(size=SIZE) as pilot:
        app.services.use_offline(context="x", namespace="default")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {desc for _, desc, _ in app.screen.entries}
        for wanted in (
            "Debug: start an ephemeral container",
            "Pod YAML",
            "Delete pod",
            "Switch context",
            "Triage: every ephemeral container",
            "Sessions",
        ):
            assert wanted in listed, wanted
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"triage")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")


async def test_demo_mode_says_sandbox_and_stops_it_on_quit() -> None:
    app = KdebugApp(LaunchOptions(demo=True))
    pids: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "multi" in pod_names(app), "the demo pods", within=30)
        header = str(app.screen.query_one("#header").render())
        assert "SANDBOX" in header and "not a Kubernetes cluster" in header
        sandbox = app.services.sandbox
        assert sandbox is not None
        multi = app.services.store.by_name("default", "multi")
        uid = multi["metadata"]["uid"]
        await wait_for(pilot, lambda: sandbox.runtime.pid_of(uid, "sidecar"), "the sidecar process")
        pids = [p for p in (sandbox.runtime.pid_of(uid, c) for c in ("app", "sidecar")) if p]
        await pilot.press("q")
    assert app.services.sandbox is None
    assert pids
    for pid in pids:  # every process the demo started is gone
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


async def test_kubectl_kdebug_starts_from_the_flags(sandbox: Any, kubeconfig: Path) -> None:
    """Once connected, the plugin's flags drive the debug session (UI-2 goes straight to the
    shell when the flags make a valid request, else opens the form prefilled)."""
    from kdebug_tui.ui.debug.form import DebugFormScreen
    from kdebug_tui.ui.sessions.screen import SessionsScreen

    options = parse_plugin_args(
        [
            "multi",
            "-n",
            "default",
            "--kubeconfig",
            str(kubeconfig),
            "--image",
            "alpine:3.20",
            "--target",
            "app",
            "--",
            "sh",
        ]
    )
    app = KdebugApp(options)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DebugFormScreen | SessionsScreen),
            "the debug session or the form",
        )
        screen: Any = app.screen
        if isinstance(screen, DebugFormScreen):
            assert screen.pod is not None and screen.pod["metadata"]["name"] == "multi"
            assert screen.prefill.image == "alpine:3.20"
        else:
            await wait_for(pilot, lambda: screen.panes, "a pane")
            target = screen.panes[0].target
            assert (target.namespace, target.pod) == ("default", "multi")


async def test_viewer_context_from_the_start_hides_nothing_but_says_read_only(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig, context="sandbox-viewer")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: "read-only credentials" in app.services.access_summary, "summary"
        )
        status = str(app.screen.query_one("#status").render())
        assert "no patch on pods/ephemeralcontainers" in status


async def test_keymap_from_settings_rebinds_keys() -> None:
    from kdebug_tui.config import Settings

    app = KdebugApp(settings=Settings(keymap={"pods.triage": "f6"}), connect=False)
    async with app.run_test(size=SIZE) as pilot:
        app.services.use_offline(context="x", namespace="default")
        await pilot.press("t")
        assert not isinstance(app.screen, TriageScreen)  # t no longer opens it
        await pilot.press("f6")
        assert isinstance(app.screen, TriageScreen)


def test_first_screen_does_not_import_the_kubernetes_client() -> None:
    """The pods screen paints before kubernetes_asyncio (~0.8 s) is imported."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import kdebug_tui.ui.app, kdebug_tui.ui.launch.options, kdebug_tui.ui.pods.screen\n"
        "heavy = [m for m in ('kubernetes_asyncio', 'aiohttp') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
