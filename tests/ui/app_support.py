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
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.pods.screen import PodsScreen

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


def pods_screen(app: KdebugApp) -> PodsScreen:
    screen = app.screen
    assert isinstance(screen, PodsScreen), f"expected the pods screen, got {screen!r}"
    return screen


def pod_names(app: KdebugApp) -> list[str]:
    table = pods_screen(app).table
    return [table.row_of(uid).name for uid in table.uids()]


def status_of(app: KdebugApp, name: str) -> str | None:
    row = row_by_name(app, name)
    return None if row is None else str(row.status)


def row_by_name(app: KdebugApp, name: str) -> Any:
    table = pods_screen(app).table
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


NOW = 1_795_291_200.0  # 2026-11-21T20:00:00Z: the fixed clock of snapshot tests


def _cs(name: str, state: dict[str, Any], *, ready: bool, restarts: int = 0) -> dict[str, Any]:
    return {"name": name, "state": state, "ready": ready, "restartCount": restarts, "image": "x"}


def synthetic_pods() -> list[dict[str, Any]]:
    """Deterministic pods covering kubectl's STATUS cases, plus the recorded debugged pod."""

    def pod(name: str, ns: str, created: str, statuses: list[dict[str, Any]], **extra: Any) -> Any:
        spec = {
            "nodeName": "node-a",
            "containers": [{"name": s["name"], "image": "busybox:1.36"} for s in statuses],
        }
        spec.update(extra.pop("spec", {}))
        status = {"phase": extra.pop("phase", "Running"), "containerStatuses": statuses}
        status.update(extra.pop("status", {}))
        return {
            "metadata": {
                "name": name,
                "namespace": ns,
                "uid": f"uid-{ns}-{name}",
                "creationTimestamp": created,
            },
            "spec": spec,
            "status": status,
        }

    running = {"running": {"startedAt": "2026-11-21T19:00:00Z"}}
    pods = [
        pod("api-6f7c9", "default", "2026-11-21T10:00:00Z", [_cs("api", running, ready=True)]),
        pod(
            "worker-crash",
            "default",
            "2026-11-21T19:30:00Z",
            [
                _cs(
                    "worker",
                    {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
                    ready=False,
                    restarts=5,
                )
                | {
                    "lastState": {
                        "terminated": {
                            "exitCode": 1,
                            "reason": "Error",
                            "finishedAt": "2026-11-21T19:58:00Z",
                        }
                    }
                }
            ],
        ),
        pod(
            "migrate-job",
            "default",
            "2026-11-20T20:00:00Z",
            [_cs("job", {"terminated": {"exitCode": 0, "reason": "Completed"}}, ready=False)],
            phase="Succeeded",
        ),
        pod(
            "with-init",
            "default",
            "2026-11-21T19:59:30Z",
            [_cs("app", {"waiting": {"reason": "PodInitializing"}}, ready=False)],
            phase="Pending",
            spec={"initContainers": [{"name": "migrate", "image": "busybox:1.36"}]},
            status={"initContainerStatuses": [_cs("migrate", running, ready=False)]},
        ),
        pod(
            "bad-image",
            "shop",
            "2026-11-21T19:55:00Z",
            [
                _cs(
                    "app",
                    {"waiting": {"reason": "ImagePullBackOff", "message": "pull failed"}},
                    ready=False,
                )
            ],
            phase="Pending",
        ),
    ]
    recorded = fixture_pod()
    recorded["metadata"]["creationTimestamp"] = "2026-11-21T19:44:17Z"
    return [recorded, *pods]
