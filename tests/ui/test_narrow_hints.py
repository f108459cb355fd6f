"""At 80x24 the sessions screen's key line still shows where help is (it used to end with
`esc pods  ? help`, cut off at any width below ~170 columns)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from tests.ui.flow_helpers import WAIT, wait_until

pytestmark = pytest.mark.timeout(60)


async def test_sessions_key_line_shows_help_at_80_columns(sandbox: Any, kubeconfig: Path) -> None:
    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
    async with app.run_test(size=(80, 24)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), WAIT)
        await pilot.press("2")
        await wait_until(
            pilot, lambda: type(app.screen).__name__ == "SessionsScreen", "the sessions screen"
        )
        await pilot.pause()
        line = app.screen.query_one("#sessions-keys")
        shown = "".join(s.text for s in line.render_line(0))
        assert len(shown) <= 80
        assert "? help" in shown and "esc pods" in shown, shown
