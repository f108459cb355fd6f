"""The sandbox against the recorded real cluster (kubectl-transcript-v1.24.txt), side by side.

The same kubectl commands as in the transcript run against the sandbox, on a pod `demo` in
`default` with one busybox container `app` running `sleep 1d`, as recorded; their output is
compared with the recorded output (container ids, digests, pids, uids and times aside).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.sandbox.helpers import Api, container_state, wait_pod
from tests.sandbox.kubectl import Kubectl
from tests.sandbox.transcript import command_output, ephemeral_statuses, section

pytestmark = [pytest.mark.kubectl, pytest.mark.asyncio(loop_scope="module")]
DBG1 = "sh -c echo hello-from-dbg1; ps; sleep 2; echo bye"


def _state(pod: Any, name: str) -> dict[str, Any]:
    return container_state(pod, name).get("state") or {}


async def _demo(api: Api) -> dict[str, Any]:
    """Pod demo as recorded: label app=demo, container app (busybox:1.36) sleeping."""
    if api.sb.cluster.get_pod("default", "demo") is None:
        body = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "demo", "labels": {"app": "demo"}},
            "spec": {"containers": [{"name": "app", "image": "busybox:1.36",
                                     "command": ["sleep", "1d"]}]},
        }  # fmt: skip
        code, _ = await api.call("POST", "/api/v1/namespaces/default/pods", body=body)
        assert code == 201
    return await wait_pod(
        api.sb, "default", "demo", lambda p: "running" in _state(p, "app"), what="app running"
    )


async def _debug_dbg1(kubectl: Kubectl, api: Api) -> dict[str, Any]:
    await _demo(api)
    pod = api.sb.cluster.get_pod("default", "demo")
    if not _state(pod, "dbg1"):
        command = "kubectl debug demo --image=busybox:1.36 -c dbg1 --target=app -- " + DBG1
        args = ["debug", "demo", "--image=busybox:1.36", "-c", "dbg1", "--target=app", "--"]
        r = await kubectl(*args, "sh", "-c", DBG1.removeprefix("sh -c "))
        recorded, code = command_output(command)
        assert r.code == code, r.err
        assert sorted((r.out + r.err).splitlines()) == sorted(recorded.splitlines())
    return await wait_pod(
        api.sb, "default", "demo", lambda p: "terminated" in _state(p, "dbg1"), what="dbg1 done"
    )


def _no_pids(text: str) -> str:
    return re.sub(r"(?m)^ *\d+ ", "PID ", text)


async def test_busybox_ps_in_a_targeting_debugger_reads_as_recorded(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    await _debug_dbg1(shared_kubectl, shared_api)
    logs = await shared_kubectl("logs", "demo", "-c", "dbg1")
    recorded, _code = command_output("kubectl logs demo -c dbg1")
    assert _no_pids(logs.out) == _no_pids(recorded), logs.out


async def test_attach_to_an_exited_ephemeral_container_is_refused_as_recorded(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    await _debug_dbg1(shared_kubectl, shared_api)
    for extra in ([], ["-i"]):
        r = await shared_kubectl("attach", "demo", "-c", "dbg1", *extra)
        recorded, code = command_output(" ".join(["kubectl attach demo -c dbg1", *extra]))
        assert r.code == code
        assert (r.out + r.err).splitlines() == recorded.splitlines()


async def test_an_unknown_tag_fails_to_pull_as_recorded(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    await _demo(shared_api)
    r = await shared_kubectl("debug", "demo", "--image=busybox:nope", "-c", "badimg", "--", "true")
    assert r.code == 0, r.err
    pod = await wait_pod(
        shared_api.sb, "default", "demo",
        lambda p: _state(p, "badimg").get("waiting", {}).get("reason") == "ErrImagePull",
        what="ErrImagePull",
    )  # fmt: skip
    jsonpath = (
        '{range .status.ephemeralContainerStatuses[?(@.name=="badimg")]}{.state}{"\\n"}'
        '{.image}{"\\n"}{end}'
    )
    recorded, _ = command_output(f"kubectl get pod demo -o jsonpath={jsonpath}")
    state, image = recorded.splitlines()
    assert _state(pod, "badimg") == json.loads(state)
    assert container_state(pod, "badimg")["image"] == image == "busybox:nope"
    pod = await wait_pod(
        shared_api.sb, "default", "demo",
        lambda p: "ImagePullBackOff" in json.dumps(_state(p, "badimg")), what="ImagePullBackOff",
    )  # fmt: skip
    [expected] = [s for s in ephemeral_statuses() if s["name"] == "badimg"]
    assert container_state(pod, "badimg") == expected
    # the events, by reason and message, as the recorded `kubectl get events` lines
    uid = pod["metadata"]["uid"]
    _, events = await shared_api.get(
        "/api/v1/namespaces/default/events", params={"fieldSelector": f"involvedObject.uid={uid}"}
    )
    seen = {(e["type"], e["reason"], e["message"]) for e in events["items"]}
    for line in section("bad image").splitlines():
        match = re.match(r"^(Normal|Warning) +(\w+) +kubelet +(.*)$", line)
        if match:
            assert tuple(match.groups()) in seen, (line, seen)


async def test_restricted_profile_with_a_root_image_waits_as_recorded(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    pod = await _demo(shared_api)
    r = await shared_kubectl(
        "debug", "demo", "--profile=restricted", "--image=busybox:1.36", "-c", "restr", "--", "id"
    )
    assert r.code == 0, r.err
    pod = await wait_pod(
        shared_api.sb, "default", "demo", lambda p: "waiting" in _state(p, "restr")
        and _state(p, "restr")["waiting"].get("reason") == "CreateContainerConfigError",
        what="CreateContainerConfigError",
    )  # fmt: skip
    [expected] = [s for s in ephemeral_statuses() if s["name"] == "restr"]
    recorded_uid = re.search(r"demo_default\(([0-9a-f-]+)\)", json.dumps(expected))
    assert recorded_uid is not None
    text = json.dumps(expected).replace(recorded_uid.group(1), pod["metadata"]["uid"])
    assert container_state(pod, "restr") == json.loads(text)
    [spec] = [c for c in pod["spec"]["ephemeralContainers"] if c["name"] == "restr"]
    recorded = re.findall(r"^\{\"allowPrivilege.*$", section("restricted profile"), re.M)
    assert spec["securityContext"] == json.loads(recorded[0])


async def test_ephemeral_statuses_are_sorted_by_name_and_resolved_once_running(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    await _debug_dbg1(shared_kubectl, shared_api)
    pod = shared_api.sb.cluster.get_pod("default", "demo")
    recorded = {s["name"]: s for s in ephemeral_statuses()}
    names = [s["name"] for s in pod["status"]["ephemeralContainerStatuses"]]
    assert names == sorted(names)
    assert [n for n in names if n in recorded] == [n for n in recorded if n in names]
    dbg1, expected = container_state(pod, "dbg1"), recorded["dbg1"]
    assert dbg1["image"] == expected["image"] == "docker.io/library/busybox:1.36"
    assert dbg1["imageID"].startswith("docker.io/library/busybox@sha256:")
    assert set(dbg1) == set(expected)
    assert set(dbg1["state"]["terminated"]) == set(expected["state"]["terminated"])
    assert dbg1["state"]["terminated"]["reason"] == "Completed"


def _rows(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()[1:]]


async def test_auth_can_i_list_shows_the_default_roles_rules(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    for context, recorded_cmd in (
        ([], "kubectl auth can-i --list"),
        (["--context", "sandbox-viewer"], "kubectl --context viewer auth can-i --list"),
    ):
        r = await shared_kubectl(*context, "auth", "can-i", "--list")
        assert r.code == 0, r.err
        recorded, _ = command_output(recorded_cmd)
        ours, theirs = _rows(r.out), _rows(recorded)
        # every self-subject review and non-resource row as recorded, duplicates included;
        # the openid rows are granted to service accounts (the sandbox's users are)
        for row in theirs:
            if row.startswith(("[", "selfsubject", "*.* [] [] [*]")):
                assert row in ours, (row, r.out)
        non_resource = [row for row in ours if row.startswith("[")]
        recorded_non_resource = [row for row in theirs if row.startswith("[")]
        openid = {"[/.well-known/openid-configuration] [] [get]", "[/openid/v1/jwks] [] [get]"}
        assert sorted(set(non_resource) - openid) == sorted(set(recorded_non_resource) - openid)
        assert len(non_resource) - len(openid) == len(
            [row for row in recorded_non_resource if row not in openid]
        )


async def test_kubelet_expands_var_references_and_double_dollars(
    shared_kubectl: Kubectl, shared_api: Api
) -> None:
    body = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "expand"},
        "spec": {"restartPolicy": "Never", "containers": [{
            "name": "app", "image": "busybox:1.36",
            "env": [{"name": "GREETING", "value": "hi"},
                    {"name": "BOTH", "value": "$(GREETING)-there"}],
            "command": ["echo", "$(GREETING)", "$(BOTH)", "main=$$", "$$$$", "$(NOPE)", "$$(X)"],
        }]},
    }  # fmt: skip
    code, _ = await shared_api.call("POST", "/api/v1/namespaces/default/pods", body=body)
    assert code == 201
    await wait_pod(
        shared_api.sb, "default", "expand", lambda p: "terminated" in _state(p, "app"),
        what="echo done",
    )  # fmt: skip
    logs = await shared_kubectl("logs", "expand")
    assert logs.out == "hi hi-there main=$ $$ $(NOPE) $(X)\n"


async def test_latest_is_pulled_every_time_a_tag_once(shared_api: Api) -> None:
    async def pulls(name: str, image: str) -> list[str]:
        body = {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": "Never",
                     "containers": [{"name": "app", "image": image, "command": ["true"]}]},
        }  # fmt: skip
        code, _ = await shared_api.call("POST", "/api/v1/namespaces/default/pods", body=body)
        assert code == 201
        pod = await wait_pod(
            shared_api.sb, "default", name, lambda p: "terminated" in _state(p, "app"),
            what="true done",
        )  # fmt: skip
        uid = pod["metadata"]["uid"]
        _, events = await shared_api.get(
            "/api/v1/namespaces/default/events",
            params={"fieldSelector": f"involvedObject.uid={uid}"},
        )
        return sorted(e["reason"] for e in events["items"] if e["reason"].startswith("Pull"))

    assert await pulls("latest-1", "busybox") == ["Pulled", "Pulling"]
    assert await pulls("latest-2", "busybox:latest") == ["Pulled", "Pulling"]
    assert await pulls("tagged-1", "busybox:1.35") in (["Pulled", "Pulling"], ["Pulled"])
    assert await pulls("tagged-2", "busybox:1.35") == ["Pulled"]  # "already present"
