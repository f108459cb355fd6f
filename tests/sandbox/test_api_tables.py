"""Server-side printing: kubectl's STATUS/READY/RESTARTS rules and apimachinery's ages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kdebug_tui.kube.podfields import format_age
from kdebug_tui.sandbox.tables import pod_cells
from tests.conftest import load_fixture

NOW = datetime(2026, 11, 21, 20, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (599, "9m59s"),
        (600, "10m"), (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (8 * 3600 - 60, "7h59m"),
        (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"), (8 * 86400 - 3600, "7d23h"),
        (8 * 86400, "8d"), (2 * 365 * 86400, "2y"), (3 * 365 * 86400 + 86400, "3y1d"),
        (9 * 365 * 86400, "9y"),
    ],
)  # fmt: skip
def test_human_duration(seconds: int, text: str) -> None:
    assert format_age(seconds) == text


def _pod(
    statuses: list[dict[str, Any]],
    *,
    init: list[dict[str, Any]] | None = None,
    phase: str = "Running",
    **meta: Any,
) -> dict[str, Any]:
    return {
        "metadata": {"name": "p", "creationTimestamp": "2026-11-21T19:59:00Z", **meta},
        "spec": {
            "containers": [{"name": s["name"]} for s in statuses],
            "initContainers": [{"name": s["name"]} for s in init or []],
            "nodeName": "n1",
        },
        "status": {
            "phase": phase,
            "containerStatuses": statuses,
            "initContainerStatuses": init or [],
            "podIPs": [{"ip": "10.0.0.1"}],
            "conditions": [{"type": "Initialized", "status": "False" if init else "True"}],
        },
    }


def _cs(
    name: str,
    state: dict[str, Any],
    *,
    ready: bool = False,
    restarts: int = 0,
    last: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "state": state,
        "ready": ready,
        "restartCount": restarts,
        "lastState": last or {},
    }


RUNNING = {"running": {"startedAt": "2026-11-21T19:59:01Z"}}


def test_ready_status_restarts_and_wide_cells() -> None:
    last = {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2026-11-21T19:58:00Z"}}
    pod = _pod(
        [
            _cs("a", RUNNING, ready=True),
            _cs("b", {"waiting": {"reason": "CrashLoopBackOff"}}, restarts=3, last=last),
        ]
    )
    assert pod_cells(pod, NOW) == [
        "p",
        "1/2",
        "CrashLoopBackOff",
        "3 (2m ago)",
        "60s",
        "10.0.0.1",
        "n1",
        "<none>",
        "<none>",
    ]


@pytest.mark.parametrize(
    ("init", "expected"),
    [
        ([_cs("i", {"waiting": {"reason": "PodInitializing"}})], "Init:0/1"),
        ([_cs("i", RUNNING)], "Init:0/1"),
        ([_cs("i", {"waiting": {"reason": "CrashLoopBackOff"}})], "Init:CrashLoopBackOff"),
        ([_cs("i", {"terminated": {"exitCode": 2}})], "Init:ExitCode:2"),
        ([_cs("i", {"terminated": {"exitCode": 1, "reason": "Error"}})], "Init:Error"),
    ],
)
def test_init_statuses(init: list[dict[str, Any]], expected: str) -> None:
    pod = _pod([_cs("app", {"waiting": {"reason": "PodInitializing"}})], init=init, phase="Pending")
    assert pod_cells(pod, NOW)[2] == expected


def test_completed_terminating_and_exit_codes() -> None:
    done = _pod(
        [_cs("j", {"terminated": {"exitCode": 0, "reason": "Completed"}})], phase="Succeeded"
    )
    assert pod_cells(done, NOW)[1:3] == ["0/1", "Completed"]
    going = _pod([_cs("a", RUNNING, ready=True)], deletionTimestamp="2026-11-21T20:00:30Z")
    assert pod_cells(going, NOW)[2] == "Terminating"
    signal = _pod([_cs("a", {"terminated": {"exitCode": 137, "signal": 9}})], phase="Failed")
    assert pod_cells(signal, NOW)[2] == "Signal:9"
    mixed = _pod(
        [
            _cs("a", {"terminated": {"exitCode": 0, "reason": "Completed"}}),
            _cs("b", RUNNING, ready=True),
        ]
    )
    # kubectl's hasPodReadyCondition wants Ready *True*: a False one prints NotReady.
    mixed["status"]["conditions"].append({"type": "Ready", "status": "False"})
    assert pod_cells(mixed, NOW)[2] == "NotReady"
    mixed["status"]["conditions"][-1]["status"] = "True"
    assert pod_cells(mixed, NOW)[2] == "Running"


def test_recorded_pod_prints_like_kubectl() -> None:
    pod = load_fixture("pod-with-ephemeral-containers.json")
    cells = pod_cells(pod, NOW)
    assert cells[:4] == ["demo", "1/1", "Running", "0"]
