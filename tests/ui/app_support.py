"""Helpers for the app/pods/triage/views tests: start KdebugApp on the sandbox, wait for state."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kdebug_tui.config import Settings
from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch import LaunchOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "real-cluster"
SIZE = (140, 40)


def make_app(kubeconfig: Path, **options: Any) -> KdebugApp:
    settings = options.pop("settings", Settings())
    return KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), **options), settings)


async def wait_for(
    pilot: Pilot[Any], predicate: Callable[[], object], what: str, within: float = 15.0
) -> None:
    """Let the app run until `predicate()` is true; fail naming `what` after `within` s."""
    steps = int(within / 0.05)
    for _ in range(steps):
        try:
            if predicate():
                return
        except Exception:
            pass
        await pilot.pause(0.05)
    raise AssertionError(f"timed out after {within}s waiting for {what}")


def pod_names(app: KdebugApp) -> list[str]:
    table = app.screen.table  # type: ignore[attr-defined]
    return [table.row_of(uid).name for uid in table.uids()]


def row_by_name(app: KdebugApp, name: str) -> Any:
    table = app.screen.table  # type: ignore[attr-defined]
    for uid in table.uids():
        row = table.row_of(uid)
        if row.name == name:
            return row
    return None


def fixture_pod() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "pod-with-ephemeral-containers.json").read_text())
    return data


def simple_pod(
    name: str, namespace: str = "default", image: str = "busybox:1.36"
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"containers": [{"name": "main", "image": image, "command": ["sleep", "3600"]}]},
    }


def clone_pod(pod: dict[str, Any], **meta: Any) -> dict[str, Any]:
    out = copy.deepcopy(pod)
    out["metadata"].update(meta)
    return out
