"""The log view's slicing through the real app on the sandbox: all containers prefixed,
timestamps, since/tail from the form (a bad duration said in it), `/` search with n/N, and
saving to a 0600 file."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

from textual.widgets import Input

from kdebug_tui.ui.views.log_options import LogOptionsForm, SaveLogForm
from kdebug_tui.ui.views.logs import LogsScreen
from tests.ui.app_support import SIZE, make_app, wait_for

STAMP = re.compile(r"^\[pod/multi/(app|sidecar)\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


async def test_all_containers_timestamps_since_tail_search_and_save(
    sandbox: Any, kubeconfig: Path, tmp_path: Path
) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.services.connected.is_set(), "the connection")
        logs = LogsScreen("default", "multi", "sidecar", containers=["app", "sidecar"])
        await app.push_screen(logs)
        await wait_for(pilot, lambda: any("shipping logs" in ln for ln in logs.lines), "a line")
        assert not any(ln.startswith("[pod/") for ln in logs.lines)

        await pilot.press("a")  # every container, each line prefixed as kubectl does
        await wait_for(
            pilot,
            lambda: (
                {ln.split("]")[0] for ln in logs.lines if ln.startswith("[pod/")}
                >= {"[pod/multi/app", "[pod/multi/sidecar"}
            ),
            "both containers' lines, prefixed",
        )
        await pilot.press("t")
        await wait_for(
            pilot, lambda: logs.lines and all(STAMP.match(ln) for ln in logs.lines), "timestamps"
        )

        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, LogOptionsForm), "the form")
        form = app.screen
        form.query_one("#logopt-since", Input).value = "5x"
        form.query_one("#logopt-tail", Input).value = "1"
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: "invalid duration" in str(form.query_one("#logopt-error").render()),
            "the form's message",
        )
        assert app.screen is form
        form.query_one("#logopt-since", Input).value = "1h"
        form.query_one("#logopt-since", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is logs, "the log again")
        assert logs.options.since_seconds == 3600 and logs.options.tail_lines == 1
        assert logs.options.timestamps and logs.options.all_containers
        await wait_for(pilot, lambda: len(logs.lines) >= 1, "the tail")

        await pilot.press("slash", *"sidecar", "enter")
        await wait_for(pilot, lambda: logs.search.matches, "a match")
        first = logs.search.current
        assert first is not None and "sidecar" in logs.lines[first]
        assert "of" in logs.search.status()

        target = tmp_path / "multi.log"
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveLogForm), "the save form")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists() and target.stat().st_size, "the file")
        await wait_for(pilot, lambda: getattr(logs, "saved_to", None) == target, "saved")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        saved = target.read_text().splitlines()
        assert saved and all(STAMP.match(line) for line in saved)
        assert len([ln for ln in saved if ln.startswith("[pod/multi/sidecar]")]) == 1  # tail 1
