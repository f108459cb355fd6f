"""kubectl's profile helpers on plain dicts (their end-to-end parity is in test_parity.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kdebug_tui.kube.profiles import (
    PROFILE_SUMMARIES,
    PROFILES,
    KeepFlags,
    UnknownProfile,
    apply_profile,
)


def pod_with(container: dict[str, Any], *, kind: str = "containers", **spec: Any) -> dict:
    return {"metadata": {"labels": {"a": "b"}}, "spec": {kind: [container], **spec}}


def test_every_profile_is_described() -> None:
    assert set(PROFILE_SUMMARIES) == set(PROFILES)
    with pytest.raises(UnknownProfile, match="unknown profile: root"):
        apply_profile("root", pod_with({"name": "d"}), "d", "ephemeral")


def test_restricted_replaces_the_security_context() -> None:
    pod = pod_with(
        {"name": "d", "securityContext": {"privileged": True, "capabilities": {"add": ["X"]}}},
        kind="ephemeralContainers",
    )
    apply_profile("restricted", pod, "d", "ephemeral")
    assert pod["spec"]["ephemeralContainers"][0]["securityContext"] == {
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "allowPrivilegeEscalation": False,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def test_capabilities_append_to_existing_ones() -> None:
    pod = pod_with({"name": "d", "securityContext": {"capabilities": {"add": ["CHOWN"]}}})
    apply_profile("netadmin", pod, "d", "ephemeral")
    assert pod["spec"]["containers"][0]["securityContext"]["capabilities"]["add"] == [
        "CHOWN",
        "NET_ADMIN",
        "NET_RAW",
    ]


def test_only_the_named_container_changes() -> None:
    pod = {
        "metadata": {},
        "spec": {"containers": [{"name": "app"}, {"name": "d"}], "initContainers": [{"name": "i"}]},
    }
    before = copy.deepcopy(pod)
    apply_profile("sysadmin", pod, "d", "copy")
    assert pod["spec"]["containers"][0] == before["spec"]["containers"][0]
    assert pod["spec"]["containers"][1]["securityContext"] == {"privileged": True}
    assert pod["spec"]["initContainers"] == [{"name": "i"}]


def test_share_process_namespace_respects_an_explicit_false() -> None:
    pod = pod_with({"name": "d"}, shareProcessNamespace=False)
    apply_profile("general", pod, "d", "copy")
    assert pod["spec"]["shareProcessNamespace"] is False
    pod = pod_with({"name": "d"})
    apply_profile("general", pod, "d", "copy")
    assert pod["spec"]["shareProcessNamespace"] is True


def test_legacy_copy_strips_labels_only_even_with_keep_labels() -> None:
    probe = {"exec": {"command": ["true"]}}
    pod = pod_with({"name": "d", "livenessProbe": probe}, initContainers=[{"name": "i"}])
    pod["metadata"]["annotations"] = {"x": "y"}
    apply_profile("legacy", pod, "d", "copy", KeepFlags(labels=True, init_containers=False))
    assert "labels" not in pod["metadata"]
    assert pod["metadata"]["annotations"] == {"x": "y"}
    assert pod["spec"]["containers"][0]["livenessProbe"] == probe
    assert pod["spec"]["initContainers"] == [{"name": "i"}]
    assert "shareProcessNamespace" not in pod["spec"]


def test_host_root_mount_only_in_regular_containers() -> None:
    pod = {"metadata": {}, "spec": {"containers": [{"name": "debugger"}]}}
    apply_profile("general", pod, "debugger", "node")
    assert pod["spec"]["containers"][0]["volumeMounts"] == [
        {"mountPath": "/host", "name": "host-root"}
    ]
    assert pod["spec"]["volumes"] == [{"name": "host-root", "hostPath": {"path": "/"}}]
    assert (pod["spec"]["hostPID"], pod["spec"]["hostNetwork"], pod["spec"]["hostIPC"]) == (
        True,
        True,
        True,
    )
