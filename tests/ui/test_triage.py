"""The ephemeral-container triage view on the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kdebug_tui.ui.triage.screen import COLUMNS, TriageScreen
from kdebug_tui.ui.views.logs import LogsScreen
from tests.ui.app_support import SIZE, make_app, pod_names, wait_for


async def test_triage_lists_finished_debugger_and_opens_its_log(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig, all_namespaces=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "already-debugged" in pod_names(app), "the demo pods")
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        key = "default/already-debugged/debugger-old12"
        await wait_for(pilot, lambda: key in screen.rows, "debugger-old12")
        row = screen.rows[key]
        assert (row.state, row.exit_code, row.image.startswith("busybox")) == (
            "Terminated",
            0,
            True,
        )
        assert not row.attachable
        summary = str(screen.query_one("#triage-summary").render())
        assert summary.startswith("1 ephemeral container in 1 pod (all namespaces)")

        # Marked as started by us this session: the OURS column says so.
        app.services.mark_ours("default", "already-debugged", "debugger-old12")
        ours = COLUMNS.index("ours")
        await wait_for(pilot, lambda: screen._texts[key][ours] == "yes", "ours = yes")

        # enter on a finished one shows its log (attach is impossible).
        screen.table.move_cursor(row=screen.table.get_row_index(key))
        await pilot.press("enter")
        assert isinstance(app.screen, LogsScreen)
        assert (app.screen.pod, app.screen.container) == ("already-debugged", "debugger-old12")
        await pilot.press("escape", "o")
        assert screen.only_running and key not in screen.rows


async def test_triage_filter_and_escape_on_a_fixed_store() -> None:
    from kdebug_tui.kube.watch import WatchState, WatchUpdate
    from kdebug_tui.ui.app import KdebugApp
    from tests.ui.app_support import NOW, synthetic_pods

    app = KdebugApp(connect=False, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.services.use_offline(context="x", namespace=None)
        app.services.apply(WatchUpdate("RELISTED", None, WatchState("live"), pods=synthetic_pods()))
        await pilot.pause()
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        assert len(screen.rows) == 10
        await pilot.press("slash", *"restr")
        assert list(screen.rows) == ["default/demo/dbg-restricted"]
        await pilot.press("enter")
        assert "ErrImagePull" not in str(screen.query_one("#triage-detail").render())
        detail = str(screen.query_one("#triage-detail").render())
        assert "CreateContainerConfigError: container has runAsNonRoot" in detail
        await pilot.press("escape")  # clears the filter
        assert len(screen.rows) == 10 and isinstance(app.screen, TriageScreen)
        await pilot.press("escape")  # back to the pods
        assert not isinstance(app.screen, TriageScreen)


async def test_readonly_triage_offers_no_attach_or_debug() -> None:
    from kdebug_tui.kube.watch import WatchState, WatchUpdate
    from kdebug_tui.ui.app import KdebugApp
    from kdebug_tui.ui.launch.options import LaunchOptions
    from tests.ui.app_support import NOW, synthetic_pods

    app = KdebugApp(LaunchOptions(readonly=True), connect=False, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.services.use_offline(context="x", namespace=None)
        app.services.apply(WatchUpdate("RELISTED", None, WatchState("live"), pods=synthetic_pods()))
        await pilot.press("t")
        assert isinstance(app.screen, TriageScreen)
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"attach", "debug"}.isdisjoint(actions)
        assert {"logs", "yaml", "describe"} <= actions
