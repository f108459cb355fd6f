"""Quitting after a context switch: pods made under the earlier context are named.

A user debugged a node as sandbox-admin, switched to sandbox-viewer and pressed q: the app
quit without a word, leaving the privileged node-debugger pod running (quit's cleanup only
deletes through the current context's clients).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions.actions import install, sessions_screen
from kdebug_tui.ui.sessions.cleanup import OwnedPod
from tests.ui.flow_helpers import running_app, wait_until

pytestmark = pytest.mark.timeout(60)


async def test_quit_names_pods_left_under_another_context(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig, context="sandbox-viewer") as (app, pilot):
        install(app)
        registry = sessions_screen(app).cleanup
        left = OwnedPod("sandbox-admin", "default", "node-debugger-n1-abcde", "node", "n1")
        registry.add(left)
        registry.add(OwnedPod("sandbox-viewer", "default", "here-copy", "copy"))
        lines = app.before_quit()
        text = "\n".join(lines)
        assert "node-debugger-n1-abcde" in text, text
        assert "kubectl --context sandbox-admin -n default delete pod node-debugger-n1-abcde" in (
            text
        )
        assert "here-copy" not in text, "the current context's pods are offered for deletion"
        app.action_request_quit()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the quit question")
        assert "node-debugger-n1-abcde" in "\n".join(app.screen.lines)  # type: ignore[attr-defined]
