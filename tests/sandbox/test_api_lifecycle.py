"""Pod lifecycle driven by the real runtime: phases, init order, restarts, pulls, deletion,
logs refusals, and no process surviving the sandbox."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.sandbox import Sandbox
from tests.sandbox.helpers import Api, container_state, running, wait_pod

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


def _state(pod: Any, name: str) -> dict[str, Any]:
    return container_state(pod, name).get("state") or {}


async def test_create_fills_defaults_like_the_api_server(api: Api) -> None:
    body = {
        "metadata": {"generateName": "gen-"},
        "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "30"]}]},
    }
    status, pod = await api.call("POST", "/api/v1/namespaces/default/pods", body=body)
    assert status == 201
    meta, spec = pod["metadata"], pod["spec"]
    assert meta["name"].startswith("gen-") and len(meta["name"]) == 9
    assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"]
    c = spec["containers"][0]
    assert (
        c["imagePullPolicy"] == "Always" and c["terminationMessagePath"] == "/dev/termination-log"
    )
    assert c["terminationMessagePolicy"] == "File"
    assert spec["restartPolicy"] == "Always" and spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler" and spec["priority"] == 0
    assert spec["enableServiceLinks"] is True and spec["terminationGracePeriodSeconds"] == 30
    status, again = await api.call(
        "POST", "/api/v1/namespaces/default/pods", body={**body, "metadata": {"name": meta["name"]}}
    )
    assert status == 409 and again["reason"] == "AlreadyExists"
    status, bad = await api.call(
        "POST",
        "/api/v1/namespaces/default/pods",
        body={"metadata": {"name": "x"}, "spec": {"containers": [{"name": "c"}]}},
    )
    assert status == 422 and bad["details"]["causes"][0]["field"] == "spec.containers[0].image"
    status, bad = await api.call("POST", "/api/v1/namespaces/nowhere/pods", body=body)
    assert status == 404 and bad["message"] == 'namespaces "nowhere" not found'


async def test_init_container_runs_first(api: Api) -> None:
    pod = await wait_pod(
        api.sb, "default", "with-init", lambda p: running(p, "app"), what="app running"
    )
    init = _state(pod, "migrate")
    assert init["terminated"]["exitCode"] == 0 and init["terminated"]["reason"] == "Completed"
    assert (
        init["terminated"]["finishedAt"]
        <= pod["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    )
    assert pod["status"]["phase"] == "Running"
    conditions = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
    assert conditions["Initialized"] == "True" and conditions["Ready"] == "True"


async def test_crashloop_backs_off(api: Api) -> None:
    pod = await wait_pod(
        api.sb,
        "default",
        "crashloop",
        lambda p: _state(p, "worker").get("waiting", {}).get("reason") == "CrashLoopBackOff",
        what="CrashLoopBackOff",
    )
    cs = container_state(pod, "worker")
    uid = pod["metadata"]["uid"]
    assert cs["state"]["waiting"]["message"] == (
        f"back-off 10s restarting failed container=worker pod=crashloop_default({uid})"
    )
    assert cs["lastState"]["terminated"]["exitCode"] == 1 and cs["restartCount"] >= 1
    assert pod["status"]["phase"] == "Running"
    status, text = await api.get(
        "/api/v1/namespaces/default/pods/crashloop/log", params={"previous": "true"}
    )
    assert status == 200 and "fatal: cannot reach queue" in text
    _, events = await api.get(
        "/api/v1/namespaces/default/events",
        params={"fieldSelector": "involvedObject.name=crashloop,reason=BackOff"},
    )
    assert events["items"][0]["message"].startswith(
        "Back-off restarting failed container worker in pod crashloop_default("
    )


async def test_completed_and_already_debugged(api: Api) -> None:
    pod = await wait_pod(
        api.sb,
        "default",
        "completed",
        lambda p: p["status"]["phase"] == "Succeeded",
        what="Succeeded",
    )
    assert _state(pod, "job")["terminated"]["reason"] == "Completed"
    pod = await wait_pod(
        api.sb,
        "default",
        "already-debugged",
        lambda p: "terminated" in _state(p, "debugger-old12"),
        what="old debugger done",
    )
    assert _state(pod, "debugger-old12")["terminated"]["exitCode"] == 0
    assert pod["status"]["phase"] == "Running"


async def test_unknown_image_fails_to_pull(api: Api) -> None:
    body = {
        "metadata": {"name": "badimage"},
        "spec": {"containers": [{"name": "c", "image": "example.invalid/nothing:1"}]},
    }
    status, _ = await api.call("POST", "/api/v1/namespaces/default/pods", body=body)
    assert status == 201
    pod = await wait_pod(
        api.sb,
        "default",
        "badimage",
        lambda p: _state(p, "c").get("waiting", {}).get("reason") == "ErrImagePull",
        what="ErrImagePull",
    )
    assert pod["status"]["phase"] == "Pending"
    status, err = await api.get("/api/v1/namespaces/default/pods/badimage/log")
    assert (
        status == 400
        and err["message"]
        == 'container "c" in pod "badimage" is waiting to start: image can\'t be pulled'
    )
    _, events = await api.get(
        "/api/v1/namespaces/default/events",
        params={"fieldSelector": "involvedObject.name=badimage,type=Warning"},
    )
    messages = [e["message"] for e in events["items"]]
    assert "Error: ErrImagePull" in messages
    assert any(m.startswith('Failed to pull image "example.invalid/nothing:1"') for m in messages)


async def test_log_refusals_use_the_kubelet_words(api: Api) -> None:
    body = {
        "metadata": {"name": "nowhere"},
        "spec": {"nodeName": "no-such-node", "containers": [{"name": "app", "image": "busybox"}]},
    }
    await api.call("POST", "/api/v1/namespaces/default/pods", body=body)
    status, err = await api.get("/api/v1/namespaces/default/pods/nowhere/log")
    assert (
        status == 400
        and err["message"]
        == 'container "app" in pod "nowhere" is waiting to start: ContainerCreating'
    )
    status, err = await api.get("/api/v1/namespaces/default/pods/multi/log")
    assert status == 400
    assert (
        err["message"]
        == "a container name must be specified for pod multi, choose one of: [app sidecar]"
    )
    status, err = await api.get(
        "/api/v1/namespaces/default/pods/multi/log", params={"container": "nope"}
    )
    assert status == 400 and err["message"] == "container nope is not valid for pod multi"
    await wait_pod(api.sb, "default", "multi", lambda p: running(p, "app"), what="app running")
    status, err = await api.get(
        "/api/v1/namespaces/default/pods/multi/log", params={"container": "app", "previous": "true"}
    )
    assert (
        status == 400
        and err["message"] == 'previous terminated container "app" in pod "multi" not found'
    )
    for params in ({"tailLines": "-5"}, {"limitBytes": "0"}):
        status, err = await api.get(
            "/api/v1/namespaces/default/pods/multi/log", params={"container": "app", **params}
        )
        assert status == 422 and err["reason"] == "Invalid"
    for params in ({"tailLines": "x"}, {"sinceTime": "yesterday"}):
        status, err = await api.get(
            "/api/v1/namespaces/default/pods/multi/log", params={"container": "app", **params}
        )
        assert status == 400 and err["reason"] == "BadRequest"
    status, err = await api.get("/api/v1/namespaces/default/pods/gone/log")
    assert status == 404 and err["message"] == 'pods "gone" not found'


async def test_graceful_delete_goes_through_terminating(api: Api) -> None:
    await wait_pod(api.sb, "shop", "cart-7d9f", lambda p: running(p, "cart"), what="cart running")
    status, pod = await api.call(
        "DELETE", "/api/v1/namespaces/shop/pods/cart-7d9f", params={"gracePeriodSeconds": "2"}
    )
    assert (
        status == 200
        and pod["metadata"]["deletionTimestamp"]
        and pod["metadata"]["deletionGracePeriodSeconds"] == 2
    )
    await wait_pod(api.sb, "shop", "cart-7d9f", lambda p: p is None, what="gone")


async def test_leaving_the_block_stops_every_process(tmp_path: Path) -> None:
    async with Sandbox(port=0, workdir=tmp_path / "sb", demo=True) as sb:
        await wait_pod(
            sb,
            "default",
            "multi",
            lambda p: running(p, "app") and running(p, "sidecar"),
            what="running",
        )
        pids = set(sb.runtime.started_pids)
        assert pids
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        stat = Path(f"/proc/{pid}/stat").read_text()  # noqa: ASYNC240 - procfs, instant
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            alive.append(pid)
    assert alive == []
