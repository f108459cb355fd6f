"""pods/ephemeralcontainers: patch types, validation answers recorded from a real server,
PodSecurity, and the containers actually started by the runtime."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import load_fixture
from tests.sandbox.helpers import Api, container_state, running, wait_pod

SMP = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSONPATCH = "application/json-patch+json"
CASES = {c["case"]: c for c in load_fixture("status-bodies.json")}
DEMO_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "demo"},
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "busybox:1.35",
                "command": ["sh", "-c", "echo app started; while true; do sleep 3600; done"],
            }
        ]
    },
}


async def _create_demo(api: Api, with_bars: bool = False) -> None:
    status, body = await api.call("POST", "/api/v1/namespaces/default/pods", body=DEMO_POD)
    assert status == 201, body
    if with_bars:
        for name in ("bars1", "bars2", "bars3"):
            status, body = await _patch(
                api, [{"name": name, "image": "busybox", "command": ["sh"], "stdin": True}]
            )
            assert status == 200, body


async def _patch(
    api: Api, ecs: Any, content_type: str = SMP, pod: str = "demo", ns: str = "default"
) -> tuple[int, Any]:
    body = ecs if content_type == JSONPATCH else {"spec": {"ephemeralContainers": ecs}}
    return await api.call(
        "PATCH",
        f"/api/v1/namespaces/{ns}/pods/{pod}/ephemeralcontainers",
        body=body,
        content_type=content_type,
    )


@pytest.mark.parametrize(
    "case", ["ports+resources", "target-notfound", "subpath", "probe+lifecycle", "no-image"]
)
async def test_invalid_containers_answer_like_the_real_server(api: Api, case: str) -> None:
    await _create_demo(api)
    status, body = await _patch(api, CASES[case]["body"]["spec"]["ephemeralContainers"])
    assert status == CASES[case]["status"]
    assert body == CASES[case]["response"]
    pod = api.sb.cluster.get_pod("default", "demo")
    assert not pod["spec"].get("ephemeralContainers")


async def test_merge_patch_removing_existing_is_refused(api: Api) -> None:
    await _create_demo(api, with_bars=True)
    status, body = await _patch(api, [{"name": "newone", "image": "busybox"}], MERGE)
    assert status == 422 and body == CASES["merge-remove"]["response"]


async def test_same_container_again_is_a_no_op_but_changes_are_refused(api: Api) -> None:
    await _create_demo(api, with_bars=True)
    before = api.sb.cluster.get_pod("default", "demo")["spec"]["ephemeralContainers"]
    status, body = await _patch(api, [{"name": "bars3", "image": "busybox"}])
    assert status == 200 and body["kind"] == "Pod"
    assert body["spec"]["ephemeralContainers"] == before
    status, body = await _patch(api, [{"name": "bars3", "image": "busybox", "command": ["top"]}])
    assert status == 422
    assert body["details"]["causes"][0]["field"] == "spec.ephemeralContainers[bars3]"
    assert 'existing ephemeral containers "bars3" may not be changed' in body["message"]


async def test_duplicate_of_a_regular_container_name(api: Api) -> None:
    await _create_demo(api)
    status, body = await _patch(api, [{"name": "app", "image": "busybox"}])
    assert status == 422
    assert (
        body["message"]
        == 'Pod "demo" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "app"'
    )


async def test_strategic_patch_appends_and_the_container_runs(api: Api) -> None:
    await wait_pod(api.sb, "default", "multi", lambda p: running(p, "app"), what="app running")
    ec = {
        "name": "debugger-abcde",
        "image": "busybox",
        "command": ["sleep", "30"],
        "targetContainerName": "app",
        "stdin": True,
        "tty": True,
    }
    status, pod = await _patch(api, [ec], pod="multi")
    assert status == 200 and pod["kind"] == "Pod"
    stored = pod["spec"]["ephemeralContainers"][0]
    assert stored["terminationMessagePolicy"] == "File" and stored["imagePullPolicy"] == "Always"
    assert stored["terminationMessagePath"] == "/dev/termination-log"
    pod = await wait_pod(
        api.sb, "default", "multi", lambda p: running(p, "debugger-abcde"), what="debugger running"
    )
    cs = container_state(pod, "debugger-abcde")
    assert cs["ready"] is False and cs["restartCount"] == 0
    assert [c["name"] for c in pod["status"]["ephemeralContainerStatuses"]] == ["debugger-abcde"]
    status, events = await api.get(
        "/api/v1/namespaces/default/events",
        params={
            "fieldSelector": "involvedObject.name=multi,"
            f"involvedObject.uid={pod['metadata']['uid']}"
        },
    )
    mine = [
        e
        for e in events["items"]
        if e["involvedObject"].get("fieldPath") == "spec.ephemeralContainers{debugger-abcde}"
    ]
    reasons = [e["reason"] for e in mine]
    assert "Started" in reasons and "Created" in reasons
    assert any(e["message"] == "Started container debugger-abcde" for e in mine)


async def test_json_patch_and_put(api: Api) -> None:
    await _create_demo(api)
    ops = [
        {
            "op": "add",
            "path": "/spec/ephemeralContainers",
            "value": [{"name": "jp", "image": "busybox", "command": ["true"]}],
        }
    ]
    status, pod = await _patch(api, ops, JSONPATCH)
    assert status == 200, pod
    assert [c["name"] for c in pod["spec"]["ephemeralContainers"]] == ["jp"]
    status, body = await _patch(
        api, [{"op": "remove", "path": "/spec/ephemeralContainers/0"}], JSONPATCH
    )
    assert (
        status == 422 and 'existing ephemeral containers "jp" may not be removed' in body["message"]
    )
    pod["spec"]["ephemeralContainers"].append(
        {"name": "put1", "image": "busybox", "command": ["true"]}
    )
    status, pod = await api.call(
        "PUT", "/api/v1/namespaces/default/pods/demo/ephemeralcontainers", body=pod
    )
    assert status == 200 and [c["name"] for c in pod["spec"]["ephemeralContainers"]] == [
        "jp",
        "put1",
    ]
    status, got = await api.get("/api/v1/namespaces/default/pods/demo/ephemeralcontainers")
    assert status == 200 and got["kind"] == "Pod"


async def test_static_pods_refuse_ephemeral_containers(api: Api) -> None:
    pod = {
        "metadata": {"name": "static-web", "annotations": {"kubernetes.io/config.mirror": "abc"}},
        "spec": DEMO_POD["spec"],
    }
    status, _ = await api.call("POST", "/api/v1/namespaces/default/pods", body=pod)
    assert status == 201
    status, body = await _patch(api, [{"name": "d", "image": "busybox"}], pod="static-web")
    assert status == 422
    assert (
        body["message"] == 'Pod "static-web" is invalid: : Forbidden: static pods do not support '
        "ephemeral containers"
    )


async def test_pod_security_restricted_namespace(api: Api) -> None:
    status, body = await _patch(
        api,
        [
            {
                "name": "debugger-x",
                "image": "busybox",
                "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}},
            }
        ],
        pod="vault-0",
        ns="secure",
    )
    assert status == 403 and body["reason"] == "Forbidden"
    assert body["message"].startswith(
        'pods "vault-0" is forbidden: violates PodSecurity "restricted:latest": '
    )
    assert (
        'allowPrivilegeEscalation != false (container "debugger-x" must set '
        "securityContext.allowPrivilegeEscalation=false)" in body["message"]
    )
    assert (
        'unrestricted capabilities (container "debugger-x" must set '
        'securityContext.capabilities.drop=["ALL"]; container "debugger-x" must not include '
        '"SYS_PTRACE" in securityContext.capabilities.add)' in body["message"]
    )
    restricted = {
        "name": "debugger-ok",
        "image": "busybox",
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    status, body = await _patch(api, [restricted], pod="vault-0", ns="secure")
    assert status == 200, body
    node_pod = {
        "metadata": {"name": "node-debugger"},
        "spec": {
            "hostPID": True,
            "hostNetwork": True,
            "containers": [
                {
                    "name": "debugger",
                    "image": "busybox",
                    "volumeMounts": [{"name": "host-root", "mountPath": "/host"}],
                }
            ],
            "volumes": [{"name": "host-root", "hostPath": {"path": "/"}}],
        },
    }
    status, body = await api.call("POST", "/api/v1/namespaces/secure/pods", body=node_pod)
    assert status == 403
    assert "host namespaces (hostNetwork=true, hostPID=true)" in body["message"]
    assert (
        'restricted volume types (volume "host-root" uses restricted volume type "hostPath")'
        in body["message"]
    )
