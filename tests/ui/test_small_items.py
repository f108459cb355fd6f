"""The smaller items of issue 12 item 9, each through the real app on the sandbox.

Header labels apart, the empty sessions screen without a raw widget id, help naming `|`,
status sort with failing pods first and a reverse key, an invalid filter regex said, j/k in
the containers table. (G/End in the file list and YAML view, Go to path with a file and
the download folder are in test_files_browser.py and test_yaml_large.py; `its logs:` once
in test_flows_progress.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kdebug_tui.ui.common.help import HelpScreen
from kdebug_tui.ui.common.status_bar import StatusBar
from tests.ui.app_support import SIZE, make_app, pod_names, pods_screen, row_by_name, wait_for
from tests.ui.test_hostile_views import shown


async def test_header_help_and_the_empty_sessions_screen(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, namespace="default")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: pod_names(app), "the demo pods")
        assert "context: sandbox-admin  namespace: default" in shown(app)

        await pilot.press("2")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SessionsScreen", "sessions")
        await wait_for(pilot, lambda: "No sessions yet" in shown(app), "the empty hint")
        assert "PaneGrid" not in shown(app)

        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {entry[0]: entry[1] for entry in help_screen.entries}
        assert "|" in keys and "Split" in keys["|"], keys
        assert not [k for k in keys if "vertical_line" in k or "minus" in k], keys
        assert "| " in shown(app) or "|  " in shown(app)


async def test_status_sort_puts_failing_pods_first_and_reverses(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig, namespace="default")
    async with app.run_test(size=SIZE) as pilot:
        screen = pods_screen(app)

        def ready() -> bool:
            crash = row_by_name(app, "crashloop")
            done = row_by_name(app, "completed")
            return bool(
                crash and done and crash.status_class == "error" and done.status == "Completed"
            )

        await wait_for(pilot, ready, "crashloop failing and completed done", within=30)
        while screen.table.sort_by != "status":
            await pilot.press("o")
        names = pod_names(app)
        assert names.index("crashloop") < names.index("completed"), names
        classes = [screen.table.row_of(uid).status_class for uid in screen.table.uids()]
        assert classes[0] == "error" and classes[-1] == "done", classes

        await pilot.press("O")
        names = pod_names(app)
        assert names.index("completed") < names.index("crashloop"), names
        assert "sort: status (reversed)" in app.query_one(StatusBar).counts
        # a pod changing state lands where the reversed order puts it (bisect on the keys)
        uids = screen.table.uids()
        keys = [screen.table._sort_keys[u] for u in uids]
        assert keys == sorted(keys)
        await pilot.press("O")
        assert pod_names(app).index("crashloop") < pod_names(app).index("completed")


async def test_invalid_filter_regex_is_said_and_j_k_move_in_the_containers(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig, namespace="default")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "multi" in pod_names(app), "the demo pods")
        screen = pods_screen(app)
        await pilot.press("slash", "m", "u", "l", "t", "i", "[")
        bar = app.query_one(StatusBar)
        await wait_for(pilot, lambda: "not a valid regex" in bar.counts, "the regex error")
        assert "not a valid regex" in shown(app)
        await pilot.press("backspace")
        await wait_for(pilot, lambda: "not a valid regex" not in bar.counts, "the error gone")
        await pilot.press("enter")  # back to the table, the filter kept: only multi
        screen.table.select_uid(row_by_name(app, "multi").uid)
        await pilot.press("enter")  # focus the containers
        containers = screen.containers
        assert app.focused is containers and containers.row_count >= 2
        start = containers.cursor_row
        await pilot.press("j")
        assert containers.cursor_row == start + 1
        await pilot.press("k")
        assert containers.cursor_row == start
