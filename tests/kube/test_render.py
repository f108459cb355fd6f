"""Pod and container rows as kubectl would print them.

Expectations come from kubectl's printer rules (printPod / HumanDuration), written out by
hand for each case, not from running our code.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from kdebug_tui.kube.render import (
    container_rows,
    ephemeral_rows,
    format_age,
    pod_row,
    status_class,
)
from tests.conftest import load_fixture

CREATED = "2026-11-21T19:44:17Z"
T0 = datetime(2026, 11, 21, 19, 44, 17, tzinfo=UTC).timestamp()


def recorded_pods() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name in (
        "pod-with-ephemeral-containers.json",
        "copy-pod.json",
        "copy-pod-set-image.json",
        "node-debug-pods.json",
    ):
        data = load_fixture(name)
        for pod in data.get("items", [data]):
            out.append((pod["metadata"]["name"], pod))
    return out


# What `kubectl get pods` printed for the recorded objects: NAME -> (READY, STATUS, RESTARTS).
RECORDED_EXPECTED = {
    "demo": ("1/1", "Running", "0"),  # ephemeral containers never count in READY
    "demo-copy": ("2/2", "Running", "0"),
    "demo-copy2": ("1/1", "Running", "0"),
    "node-debugger-localhost-bmwlr": ("1/1", "Running", "0"),
    "node-debugger-localhost-qb8h8": ("1/1", "Running", "0"),
}


@pytest.mark.parametrize(
    ("name", "pod"), recorded_pods(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_recorded_pods_print_like_kubectl(name: str, pod: dict[str, Any]) -> None:
    row = pod_row(pod, T0 + 3 * 3600 + 20 * 60)
    assert (row.ready, row.status, row.restarts) == RECORDED_EXPECTED[name]
    assert row.namespace == "default"
    assert row.uid == pod["metadata"]["uid"]
    assert row.status_class == "ok"
    assert row.node == "localhost"


def test_every_recorded_pod_has_an_expectation() -> None:
    assert {name for name, _ in recorded_pods()} == set(RECORDED_EXPECTED)


def test_age_of_recorded_pod() -> None:
    pod = load_fixture("pod-with-ephemeral-containers.json")
    assert pod_row(pod, T0 + 3 * 3600 + 20 * 60).age == "3h20m"
    assert pod_row(pod, datetime(2026, 11, 21, 19, 45, 2, tzinfo=UTC)).age == "45s"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (-1, "0s"),
        (-5, "<invalid>"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (310, "5m10s"),
        (600, "10m"),
        (179 * 60 + 59, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 20 * 60 + 5, "3h20m"),
        (8 * 3600 + 59 * 60, "8h"),
        (47 * 3600, "47h"),
        (53 * 3600, "2d5h"),
        (3 * 86400, "3d"),
        (10 * 86400 + 3600, "10d"),
        (400 * 86400, "400d"),
        (2 * 365 * 86400 + 45 * 86400, "2y45d"),
        (3 * 365 * 86400, "3y"),
        (9 * 365 * 86400, "9y"),
    ],
)
def test_format_age_matches_human_duration(seconds: int, text: str) -> None:
    assert format_age(seconds) == text


def test_age_unknown_without_timestamp() -> None:
    assert pod_row({"metadata": {"name": "x"}}, T0).age == "<unknown>"


# ---------------------------------------------------------------------------------------
# Hand-made pods in the API shape, one per branch of printPod.


def _pod(
    containers: list[str],
    statuses: list[dict[str, Any]],
    *,
    phase: str = "Running",
    init: list[dict[str, Any]] | None = None,
    init_statuses: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    reason: str | None = None,
    deleting: bool = False,
) -> dict[str, Any]:
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "p",
            "namespace": "ns",
            "uid": "u-1",
            "creationTimestamp": CREATED,
        },
        "spec": {
            "containers": [{"name": n, "image": "busybox"} for n in containers],
            "nodeName": "node-1",
        },
        "status": {"phase": phase, "containerStatuses": statuses, "podIP": "10.0.0.7"},
    }
    if init is not None:
        pod["spec"]["initContainers"] = init
    if init_statuses is not None:
        pod["status"]["initContainerStatuses"] = init_statuses
    if conditions is not None:
        pod["status"]["conditions"] = conditions
    if reason:
        pod["status"]["reason"] = reason
    if deleting:
        pod["metadata"]["deletionTimestamp"] = "2026-11-21T19:50:00Z"
    return pod


def running(name: str, ready: bool = True, restarts: int = 0) -> dict[str, Any]:
    return {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {"startedAt": CREATED}},
    }


def waiting(name: str, reason: str, restarts: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "state": {"waiting": {"reason": reason}},
        **extra,
    }


def terminated(name: str, code: int, reason: str = "", signal: int = 0) -> dict[str, Any]:
    term: dict[str, Any] = {"exitCode": code, "startedAt": CREATED, "finishedAt": CREATED}
    if reason:
        term["reason"] = reason
    if signal:
        term["signal"] = signal
    return {"name": name, "ready": False, "restartCount": 0, "state": {"terminated": term}}


READY_TRUE = [{"type": "Ready", "status": "True"}]
READY_FALSE = [{"type": "Ready", "status": "False"}]
INITS = [{"name": "a"}, {"name": "b"}, {"name": "c"}]


def _last_restart(seconds_before_now: int) -> dict[str, Any]:
    finished = datetime.fromtimestamp(T0 + 3600 - seconds_before_now, tz=UTC)
    return {"terminated": {"exitCode": 1, "finishedAt": finished.strftime("%Y-%m-%dT%H:%M:%SZ")}}


CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("running", _pod(["app"], [running("app")]), "1/1", "Running", "ok"),
    (
        "crashloop",
        _pod(["w"], [waiting("w", "CrashLoopBackOff", 5, lastState=_last_restart(300))]),
        "0/1",
        "CrashLoopBackOff",
        "error",
    ),
    (
        "image pull",
        _pod(["w"], [waiting("w", "ImagePullBackOff")], phase="Pending"),
        "0/1",
        "ImagePullBackOff",
        "error",
    ),
    (
        "creating",
        _pod(["w"], [waiting("w", "ContainerCreating")], phase="Pending"),
        "0/1",
        "ContainerCreating",
        "pending",
    ),
    ("pending no status", _pod(["w"], [], phase="Pending"), "0/1", "Pending", "pending"),
    (
        "init 1 of 3 running",
        _pod(
            ["app"],
            [waiting("app", "PodInitializing")],
            phase="Pending",
            init=INITS,
            init_statuses=[
                terminated("a", 0, "Completed"),
                running("b", False),
                waiting("c", "PodInitializing"),
            ],
        ),
        "0/1",
        "Init:1/3",
        "pending",
    ),
    (
        "init waiting PodInitializing",
        _pod(
            ["app"],
            [],
            phase="Pending",
            init=INITS[:2],
            init_statuses=[waiting("a", "PodInitializing"), waiting("b", "PodInitializing")],
        ),
        "0/1",
        "Init:0/2",
        "pending",
    ),
    (
        "init crashloop",
        _pod(
            ["app"],
            [],
            phase="Pending",
            init=INITS[:1],
            init_statuses=[waiting("a", "CrashLoopBackOff", 3)],
        ),
        "0/1",
        "Init:CrashLoopBackOff",
        "error",
    ),
    (
        "init error",
        _pod(
            ["app"],
            [],
            phase="Pending",
            init=INITS[:1],
            init_statuses=[terminated("a", 1, "Error")],
        ),
        "0/1",
        "Init:Error",
        "error",
    ),
    (
        "init exit code",
        _pod(["app"], [], phase="Pending", init=INITS[:1], init_statuses=[terminated("a", 3)]),
        "0/1",
        "Init:ExitCode:3",
        "error",
    ),
    (
        "init signal",
        _pod(
            ["app"],
            [],
            phase="Pending",
            init=INITS[:1],
            init_statuses=[terminated("a", 137, signal=9)],
        ),
        "0/1",
        "Init:Signal:9",
        "error",
    ),
    (
        "exit code",
        _pod(["app"], [terminated("app", 2)], phase="Failed"),
        "0/1",
        "ExitCode:2",
        "error",
    ),
    ("signal", _pod(["app"], [terminated("app", 143, signal=15)]), "0/1", "Signal:15", "error"),
    (
        "error",
        _pod(["app"], [terminated("app", 1, "Error")], phase="Failed"),
        "0/1",
        "Error",
        "error",
    ),
    ("oom", _pod(["app"], [terminated("app", 137, "OOMKilled")]), "0/1", "OOMKilled", "error"),
    (
        "completed",
        _pod(["job"], [terminated("job", 0, "Completed")], phase="Succeeded"),
        "0/1",
        "Completed",
        "done",
    ),
    (
        "completed sidecar but app running and ready",
        _pod(
            ["app", "job"],
            [running("app"), terminated("job", 0, "Completed")],
            conditions=READY_TRUE,
        ),
        "1/2",
        "Running",
        "warn",
    ),
    (
        "completed container, running one, pod not ready",
        _pod(
            ["app", "job"],
            [running("app"), terminated("job", 0, "Completed")],
            conditions=READY_FALSE,
        ),
        "1/2",
        "NotReady",
        "warn",
    ),
    (
        "not all ready",
        _pod(["a", "b"], [running("a"), running("b", ready=False)]),
        "1/2",
        "Running",
        "warn",
    ),
    ("terminating", _pod(["app"], [running("app")], deleting=True), "1/1", "Terminating", "warn"),
    (
        "terminated pod being deleted keeps its status",
        _pod(["job"], [terminated("job", 0, "Completed")], phase="Succeeded", deleting=True),
        "0/1",
        "Completed",
        "done",
    ),
    (
        "node lost",
        _pod(["app"], [running("app")], reason="NodeLost", deleting=True),
        "1/1",
        "Unknown",
        "error",
    ),
    ("evicted", _pod(["app"], [], phase="Failed", reason="Evicted"), "0/1", "Evicted", "error"),
    (
        "scheduling gated",
        _pod(
            ["app"],
            [],
            phase="Pending",
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
        ),
        "0/1",
        "SchedulingGated",
        "pending",
    ),
    (
        "sidecar init container counts in READY",
        _pod(
            ["app"],
            [running("app")],
            init=[{"name": "proxy", "restartPolicy": "Always"}],
            init_statuses=[{**running("proxy"), "started": True}],
            conditions=[{"type": "Initialized", "status": "True"}, *READY_TRUE],
        ),
        "2/2",
        "Running",
        "ok",
    ),
]


@pytest.mark.parametrize(
    ("case", "pod", "ready", "status", "klass"), CASES, ids=[c[0] for c in CASES]
)
def test_status_like_kubectl(
    case: str, pod: dict[str, Any], ready: str, status: str, klass: str
) -> None:
    row = pod_row(pod, T0 + 3600)
    assert (row.ready, row.status, row.status_class) == (ready, status, klass)


def test_restarts_show_time_since_last_restart() -> None:
    pod = _pod(["w"], [waiting("w", "CrashLoopBackOff", 5, lastState=_last_restart(300))])
    assert pod_row(pod, T0 + 3600).restarts == "5 (5m ago)"


def test_restarts_of_several_containers_add_up_and_take_latest_restart() -> None:
    pod = _pod(
        ["a", "b"],
        [
            {**running("a", restarts=2), "lastState": _last_restart(3000)},
            {**running("b", restarts=1), "lastState": _last_restart(45)},
        ],
    )
    assert pod_row(pod, T0 + 3600).restarts == "3 (45s ago)"


def test_restarts_without_last_state_have_no_suffix() -> None:
    assert pod_row(_pod(["a"], [running("a", restarts=4)]), T0).restarts == "4"


def test_init_restarts_count_while_initializing_only() -> None:
    initializing = _pod(
        ["app"],
        [],
        phase="Pending",
        init=INITS[:1],
        init_statuses=[waiting("a", "CrashLoopBackOff", 7)],
    )
    assert pod_row(initializing, T0).restarts == "7"
    done = _pod(
        ["app"],
        [running("app", restarts=1)],
        init=INITS[:1],
        init_statuses=[{**terminated("a", 0, "Completed"), "restartCount": 7}],
    )
    assert pod_row(done, T0).restarts == "1"


def test_ip_and_node() -> None:
    row = pod_row(_pod(["a"], [running("a")]), T0)
    assert (row.ip, row.node) == ("10.0.0.7", "node-1")
    bare = _pod(["a"], [], phase="Pending")
    del bare["status"]["podIP"]
    del bare["spec"]["nodeName"]
    assert (pod_row(bare, T0).ip, pod_row(bare, T0).node) == ("<none>", "<none>")


def test_garbage_from_server_is_sanitised_in_status() -> None:
    pod = _pod(["a"], [waiting("a", "Bad\x1b[31mReason\u202e")])
    assert pod_row(pod, T0).status == "Bad[31mReason<U+202E>"  # shown, not hidden


def test_status_class_values() -> None:
    assert status_class("Init:0/2") == "pending"
    assert status_class("Init:Error") == "error"
    assert status_class("Running", 1, 1) == "ok"
    assert status_class("Completed") == "done"


def test_empty_pod_does_not_crash() -> None:
    row = pod_row({}, T0)
    assert (row.ready, row.status, row.restarts) == ("0/0", "", "0")


# ---------------------------------------------------------------------------------------
# Containers and the triage view of ephemeral containers.


def test_container_rows_of_recorded_pod() -> None:
    pod = load_fixture("pod-with-ephemeral-containers.json")
    rows = container_rows(pod, T0 + 600)
    by_name = {r.name: r for r in rows}
    assert [r.kind for r in rows].count("regular") == 1
    assert [r.kind for r in rows].count("ephemeral") == 10
    app = by_name["app"]
    assert (app.kind, app.state, app.ready, app.age) == ("regular", "Running", True, "9m59s")
    bars1 = by_name["bars1"]
    assert (bars1.state, bars1.reason, bars1.exit_code, bars1.target) == (
        "Terminated",
        "Completed",
        0,
        "app",
    )
    assert by_name["bars2"].stdin and not by_name["bars2"].tty
    bad = by_name["dbg-badimage"]
    assert (bad.state, bad.reason, bad.exit_code) == ("Waiting", "ErrImagePull", None)
    assert "example.invalid" in bad.message
    restricted = by_name["dbg-restricted"]
    assert restricted.reason == "CreateContainerConfigError"
    assert "runAsNonRoot" in restricted.message


def test_container_rows_include_init_and_missing_status() -> None:
    pod = _pod(["app"], [], phase="Pending", init=INITS[:1], init_statuses=[running("a", False)])
    rows = container_rows(pod, T0)
    assert [(r.kind, r.name, r.state) for r in rows] == [
        ("init", "a", "Running"),
        ("regular", "app", "Pending"),
    ]


def test_ephemeral_rows_of_recorded_pod() -> None:
    pod = load_fixture("pod-with-ephemeral-containers.json")
    rows = {r.name: r for r in ephemeral_rows([pod], T0 + 600)}
    assert len(rows) == 10
    assert (rows["dbg-general"].security, rows["dbg-general"].profile) == (
        "caps +SYS_PTRACE",
        "general",
    )
    assert (rows["dbg-sysadmin"].security, rows["dbg-sysadmin"].profile) == (
        "privileged",
        "sysadmin",
    )
    assert (rows["dbg-restricted"].security, rows["dbg-restricted"].profile) == (
        "runAsNonRoot, drop ALL",
        "restricted",
    )
    assert (rows["dbg-netadmin"].security, rows["dbg-netadmin"].profile) == (
        "caps +NET_ADMIN +NET_RAW",
        "netadmin",
    )
    assert (rows["dbg-legacy"].security, rows["dbg-legacy"].profile) == (
        "default",
        "legacy/baseline",
    )
    assert rows["dbg-baseline"].profile == "legacy/baseline"
    bars1 = rows["bars1"]
    assert (bars1.namespace, bars1.pod, bars1.target, bars1.state, bars1.exit_code) == (
        "default",
        "demo",
        "app",
        "Terminated",
        0,
    )
    assert bars1.age == "9m26s"  # started 19:44:51, now 19:54:17
    assert not any(r.attachable for r in rows.values())  # none is running
    assert not any(r.managed for r in rows.values())


def test_ephemeral_row_attachable_and_managed() -> None:
    pod = copy.deepcopy(load_fixture("pod-with-ephemeral-containers.json"))
    ec = pod["spec"]["ephemeralContainers"][1]  # bars2: stdin
    ec["tty"] = True
    ec["env"] = [{"name": "KDEBUG_TUI_SESSION", "value": "abc"}]
    status = next(s for s in pod["status"]["ephemeralContainerStatuses"] if s["name"] == "bars2")
    status["state"] = {"running": {"startedAt": CREATED}}
    rows = {r.name: r for r in ephemeral_rows([pod], T0 + 60)}
    assert rows["bars2"].attachable and rows["bars2"].managed
    assert rows["bars2"].state == "Running"
    assert not rows["bars3"].managed

    pod["metadata"]["annotations"]["kdebug-tui.io/session"] = '["bars3"]'
    rows = {r.name: r for r in ephemeral_rows([pod], T0 + 60)}
    assert rows["bars3"].managed and not rows["bars1"].managed


def test_ephemeral_rows_across_pods() -> None:
    pods = [load_fixture("pod-with-ephemeral-containers.json"), load_fixture("copy-pod.json")]
    rows = ephemeral_rows(pods, T0)
    assert {r.pod for r in rows} == {"demo"}  # the copy has no ephemeral containers


def test_pods_labelled_by_our_builders_count_as_managed() -> None:
    pod = copy.deepcopy(load_fixture("pod-with-ephemeral-containers.json"))
    pod["metadata"]["labels"] = {"app.kubernetes.io/managed-by": "kdebug-tui"}
    assert all(r.managed for r in ephemeral_rows([pod], T0))
    pod["metadata"]["labels"] = {"app.kubernetes.io/managed-by": "helm"}
    assert not any(r.managed for r in ephemeral_rows([pod], T0))
