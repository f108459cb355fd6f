"""Pods we create (copies, node debuggers) are offered for deletion: on quit, and at the next
start when an earlier run left them behind. Nothing is deleted without a yes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, RadioButton

from kdebug_tui.ui.common.confirm import ConfirmScreen
from tests.ui.flow_helpers import (
    click_when_laid_out,
    open_form,
    running_app,
    sessions,
    settle,
    submitted_pane,
    wait_until,
)

pytestmark = pytest.mark.timeout(90)


async def create_copy(app: Any, pilot: Any, name: str) -> None:
    pod = await app.services.get_pod("default", "web-distroless")
    form = await open_form(app, pilot, pod=pod, container="app")
    form.query_one("#mode-copy", RadioButton).value = True
    form.query_one("#image", Input).value = "busybox:1.36"
    form.query_one("#copy-name", Input).value = name
    await settle(pilot, form)
    form.action_submit()
    await submitted_pane(app, pilot)


async def quit_and_answer_delete(app: Any, pilot: Any, button: str) -> list[str]:
    """Quit; say yes to "Quit?" if asked (open sessions), then `button` on the delete offer."""
    app.action_request_quit()
    screen = await wait_until(
        pilot,
        lambda: app.screen if isinstance(app.screen, ConfirmScreen) else None,
        "a dialog after quit",
    )
    if "Quit" in screen._title:
        await click_when_laid_out(pilot, "#confirm-yes")
    return await answer(app, pilot, "Delete", button)


async def answer(app: Any, pilot: Any, title_part: str, button: str) -> list[str]:
    screen = await wait_until(
        pilot,
        lambda: (
            app.screen
            if isinstance(app.screen, ConfirmScreen) and title_part in app.screen._title
            else None
        ),
        f"the dialog '{title_part}'",
    )
    lines = list(screen.lines)
    await click_when_laid_out(pilot, button)
    return lines


async def gone(sandbox: Any, namespace: str, name: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pod = sandbox.cluster.get_pod(namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_copy_pod_is_offered_on_quit_and_deleted_when_confirmed(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        await create_copy(app, pilot, "web-copy-quit")
        assert sandbox.cluster.get_pod("default", "web-copy-quit") is not None
        lines = await quit_and_answer_delete(app, pilot, "#confirm-yes")
        assert any("default/web-copy-quit" in line and "copy" in line for line in lines)
    assert await gone(sandbox, "default", "web-copy-quit"), "the copy was deleted"
    assert sandbox.cluster.get_pod("default", "web-distroless") is not None, "not the original"


async def test_leftovers_of_an_earlier_run_are_offered_at_start(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        await create_copy(app, pilot, "web-copy-left")
        await quit_and_answer_delete(app, pilot, "#confirm-no")  # keep it
    assert sandbox.cluster.get_pod("default", "web-copy-left") is not None

    async with running_app(kubeconfig) as (app, pilot):
        registry = await wait_until(
            pilot,
            lambda: (
                app.is_screen_installed("sessions")
                and sessions(app).cleanup.pending()
                and sessions(app).cleanup
            ),
            "the orphan scan",
        )
        assert [p.name for p in registry.pending()] == ["web-copy-left"]
        assert any("web-copy-left" in str(n.message) for n in app._notifications)
