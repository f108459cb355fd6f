"""E on the shell opened beside a debugger (`|`) exports what was sent for that debugger.

A user pressed E with the split shell focused and got a bundle without request.yaml,
sent.yaml or pod-before.yaml (only the debugger's own pane had them)."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kdebug_tui.ui.sessions.pane_actions import open_shell_beside
from tests.ui.flow_helpers import (
    open_form,
    running_app,
    sessions,
    submitted_pane,
    wait_for_shell,
    wait_until,
)

pytestmark = pytest.mark.timeout(120)


async def test_split_shell_export_has_the_request(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#image", Input).value = "busybox:1.36"
        await pilot.pause()
        await wait_until(pilot, lambda: form.built is not None, "the built request")
        form.action_submit()
        debugger = await submitted_pane(app, pilot)
        await wait_until(pilot, lambda: debugger.terminal is not None, "the debugger terminal")
        open_shell_beside(app, debugger, beside=True)
        await wait_until(pilot, lambda: len(sessions(app).panes) == 2, "the split shell")
        shell = sessions(app).panes[-1]
        assert shell is not debugger and shell.target.kind == "exec"
        await wait_for_shell(pilot, shell)
        shell.focus()
        await pilot.pause()
        await pilot.press("E")
        await wait_until(pilot, lambda: getattr(app, "last_incident_path", None), "the export")
        with tarfile.open(app.last_incident_path) as tar:  # type: ignore[attr-defined]
            names = {Path(m.name).name for m in tar.getmembers() if m.isfile()}
        assert {"request.yaml", "sent.yaml", "pod-before.yaml", "session.cast"} <= names, names
