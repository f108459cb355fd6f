"""Pre-flight rules that need no cluster, on hand-made pods."""

from __future__ import annotations

import pytest

from kdebug_tui.kube.debug import CopyOptions, DebugRequest, EnvVar, build
from kdebug_tui.kube.preflight_rules import check_pod, privilege_findings, secret_findings
from tests.kube.test_preflight import codes, ephemeral, make_pod


@pytest.mark.parametrize(
    ("target", "code", "message"),
    [
        ("nope", "target-unknown", "pod web has no container nope"),
        ("migrate", "target-init", "migrate is an init container: --target must name a regular"),
        ("debugger-old12", "target-ephemeral", "debugger-old12 is an ephemeral container"),
        ("side", "target-not-running", "target container side is not running (waiting: Crash"),
    ],
)
def test_target_rules(target: str, code: str, message: str) -> None:
    found = codes(check_pod(ephemeral(target=target), make_pod()))
    assert message in found[code].message
    assert found[code].level == ("warning" if code == "target-not-running" else "error")
    assert check_pod(ephemeral(target="app"), make_pod()) == []


def test_pod_state_rules() -> None:
    done = make_pod(status__phase="Succeeded")
    assert codes(check_pod(ephemeral(), done))["pod-completed"].message == (
        "pod web has completed (phase Succeeded): an ephemeral container would never start"
    )
    dying = make_pod(metadata__deletionTimestamp="2026-01-01T00:00:00Z")
    assert codes(check_pod(ephemeral(), dying))["pod-terminating"].level == "error"
    copy_request = ephemeral(mode="copy", copy_options=CopyOptions(copy_to="c"))
    assert codes(check_pod(copy_request, dying))["pod-terminating"].level == "warning"
    mirror = make_pod(metadata__annotations={"kubernetes.io/config.mirror": "abc"})
    static = codes(check_pod(ephemeral(), mirror))["static-pod"]
    assert "static pods do not support ephemeral containers" in static.message
    assert "copy" in (static.hint or "")
    taken = codes(check_pod(ephemeral(container_name="app"), make_pod()))
    assert taken["name-taken"].message == "pod web already has a container named app"
    unscheduled = make_pod(spec__nodeName=None)
    assert "pod-unscheduled" in codes(check_pod(ephemeral(), unscheduled))


def test_privileged_choices_need_confirmation() -> None:
    sysadmin = ephemeral(profile="sysadmin")
    found = codes(privilege_findings(sysadmin, build(sysadmin, make_pod()), make_pod()))
    assert found["privileged"].confirm
    node = DebugRequest(mode="node", namespace="default", node_name="n1", image="busybox")
    found = codes(privilege_findings(node, build(node), None))
    assert found["node-access"].confirm
    assert "/host" in found["node-access"].message
    isolated = DebugRequest(
        mode="node", namespace="default", node_name="n1", image="busybox", profile="baseline"
    )
    assert privilege_findings(isolated, build(isolated), None) == []
    owned = make_pod(
        metadata__ownerReferences=[{"kind": "ReplicaSet", "name": "web-7d9f", "controller": True}]
    )
    replace = ephemeral(mode="copy", copy_options=CopyOptions(copy_to="c", replace=True))
    found = codes(privilege_findings(replace, build(replace, owned), owned))
    assert found["replace"].confirm
    assert "its ReplicaSet web-7d9f will start a new pod" in found["replace"].message


def test_secret_looking_values_are_warned() -> None:
    request = ephemeral(
        env=[EnvVar("DB_PASSWORD", "hunter2"), EnvVar("MODE", "debug")],
        command=["curl", "-H", "Authorization: Bearer eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl"],
    )
    found = secret_findings(request)
    assert [f.code for f in found] == ["secret-env", "secret-command"]
    assert "DB_PASSWORD looks like a secret" in found[0].message
    assert "can never be removed" in found[0].message
    assert secret_findings(ephemeral(env=[EnvVar("MODE", "debug")], command=["sh"])) == []


def test_secret_in_custom_spec_env_is_warned() -> None:
    request = ephemeral(custom={"env": [{"name": "API_TOKEN", "value": "abc"}]})
    [finding] = secret_findings(request)
    assert "API_TOKEN looks like a secret" in finding.message
