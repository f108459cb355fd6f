"""Helpers for the end-to-end UI tests: the real KdebugApp on the sandbox, driven headless."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.debug.form import DebugFormScreen
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.sessions.pane import SessionPane
from kdebug_tui.ui.sessions.screen import SessionsScreen

WAIT = 30.0


async def wait_until(
    pilot: Any, condition: Callable[[], Any], what: str | Callable[[], str], limit: float = WAIT
) -> Any:
    """Poll `condition` between frames; fail with `what` (or what it returns) after `limit`."""
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"timed out after {limit:.0f} s waiting for {described}")
        await pilot.pause(0.02)


async def click_when_laid_out(pilot: Any, selector: str, limit: float = WAIT) -> None:
    """Click `selector` on the current screen once it is laid out and on top.

    A screen is current as soon as it is pushed, before its first layout: a click then is
    aimed at an empty region and silently lands on something else (seen under load).
    """
    app = pilot.app

    def ready() -> bool:
        found = app.screen.query(selector)
        if not found:
            return False
        widget = found.first()
        region = widget.region
        if region.width <= 0 or region.height <= 0:
            return False
        try:
            under, _ = app.get_widget_at(*region.offset)
        except Exception:  # not in the compositor's map yet
            return False
        return under is widget or widget in under.ancestors

    await wait_until(pilot, ready, f"{selector} laid out on {type(app.screen).__name__}", limit)
    assert await pilot.click(selector), f"the click on {selector} did not land on it"


@asynccontextmanager
async def running_app(
    kubeconfig: Path, *, context: str | None = None, readonly: bool = False
) -> AsyncIterator[tuple[KdebugApp, Any]]:
    options = LaunchOptions(
        kubeconfig=str(kubeconfig), context=context, namespace="default", readonly=readonly
    )
    app = KdebugApp(options)
    async with app.run_test(size=(180, 50)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), WAIT)
        yield app, pilot


async def open_form(app: KdebugApp, pilot: Any, **kwargs: Any) -> DebugFormScreen:
    form = DebugFormScreen(**kwargs)
    await app.push_screen(form)
    await settle(pilot, form)
    return form


async def settle(pilot: Any, form: DebugFormScreen) -> None:
    """The debounced preview is rebuilt and pre-flight has answered."""
    await pilot.pause()  # deliver the Changed events of what the test just set
    await wait_until(pilot, lambda: form._preview_timer is None, "the preview")
    await wait_until(
        pilot,
        lambda: (
            form._preflight_timer is None
            and not any(w.group == "debug-preflight" and w.is_running for w in form.workers)
        ),
        "pre-flight",
    )


def sessions(app: KdebugApp) -> SessionsScreen:
    screen = app.get_screen("sessions")
    assert isinstance(screen, SessionsScreen)
    return screen


async def submitted_pane(app: KdebugApp, pilot: Any, before: int = 0) -> SessionPane:
    """The pane the last submit opened (the sessions screen comes to the front)."""
    await wait_until(
        pilot,
        lambda: app.is_screen_installed("sessions") and len(sessions(app).panes) > before,
        "a new session pane",
    )
    return sessions(app).panes[-1]


async def wait_for_shell(pilot: Any, pane: SessionPane, limit: float = WAIT) -> None:
    def ready() -> bool:
        if pane.state in ("failed",):
            raise AssertionError(f"the session failed: {pane.screen_text()}")
        return pane.state == "terminal" and any(
            line.rstrip().endswith(("#", "$"))
            for line in pane.terminal.screen_lines()  # type: ignore[union-attr]
        )

    try:
        await wait_until(pilot, ready, f"a shell prompt in {pane.target.title}", limit)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{dump(pane)}") from None


async def run_in_pane(pilot: Any, pane: SessionPane, command: str, expect: str) -> str:
    assert pane.terminal is not None
    pane.terminal.send_text(command + "\r")
    await wait_until(pilot, lambda: expect in pane.screen_text(), f"{expect!r} after {command!r}")
    return pane.screen_text()


def dump(pane: SessionPane) -> str:
    return f"state={pane.state}\n{pane.screen_text()}"
