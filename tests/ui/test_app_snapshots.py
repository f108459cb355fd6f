"""Snapshots of the pods and triage screens on a deterministic store and a fixed clock.

Not the live sandbox: ages, restarts and process timings would differ run to run.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from kdebug_tui.kube.watch import WatchState, WatchUpdate
from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.debug.form import DebugFormScreen
from tests.ui.app_support import NOW, SIZE, pods_screen, synthetic_pods, wait_for


def offline_app(*, all_namespaces: bool = True) -> KdebugApp:
    return KdebugApp(connect=False, clock=lambda: NOW)


async def feed(pilot: Pilot[Any], *, namespace: str | None = None) -> None:
    app: Any = pilot.app
    app.services.use_offline(context="snapshot-ctx", namespace=namespace, server="https://k8s:6443")
    pods = synthetic_pods()
    app.services.apply(WatchUpdate("RELISTED", None, WatchState("live"), pods=pods))
    app.services.access_summary = "can: debug · attach · create pods"
    # The table repaints at most `refresh_rate` times a second, so the rows can arrive on a
    # timer after the store has them: wait for them, or a key pressed next lands on no row.
    await wait_for(pilot, lambda: len(pods_screen(app).table) == len(pods), "the pod rows")
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_pods_screen(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await feed(pilot)
        await pilot.press("down")  # the cursor on a pod with containers below

    assert snap_compare(offline_app(), terminal_size=SIZE, run_before=run_before)


def test_pods_screen_filtered(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await feed(pilot)
        await pilot.press("slash", *"Back", "enter")

    assert snap_compare(offline_app(), terminal_size=SIZE, run_before=run_before)


def test_triage_screen(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await feed(pilot)
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(offline_app(), terminal_size=SIZE, run_before=run_before)


def test_debug_form(snap_compare: Any, monkeypatch: Any) -> None:
    """The form with its live preview; the generated container name is pinned so the preview
    is the same on every run (offline: the pre-flight review cannot reach a cluster)."""
    import secrets

    monkeypatch.setattr(secrets, "randbits", lambda bits: 7)  # the form's name seed
    monkeypatch.setattr(secrets, "token_hex", lambda n=4: "5e55" * n)  # its session id

    async def run_before(pilot: Pilot[Any]) -> None:
        await feed(pilot)
        await pilot.press("down", "d")
        app: Any = pilot.app

        def form_settled() -> bool:
            form: Any = app.screen
            return (
                isinstance(form, DebugFormScreen)
                and form.built is not None
                and form._preview_timer is None
                and form._preflight_timer is None
                and not any(w.is_running and w.node is form for w in app.workers)
            )

        await wait_for(pilot, form_settled, "the debug form's preview to settle")
        from textual.widgets import Input

        for field in app.screen.query(Input):  # a blinking cursor made the picture flaky
            field.cursor_blink = False
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(offline_app(), terminal_size=SIZE, run_before=run_before)
