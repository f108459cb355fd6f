"""The triage options' builders (pure): run as the target's user, shared mounts and env,
the stop wrapper, and the process-table parser."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import yaml

from kdebug_tui.kube.debug import DebugRequest, InvalidDebugRequest, build
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.files import clean_path, parse_listing
from kdebug_tui.kube.identity import TargetIdentity, identity_from_spec
from kdebug_tui.kube.proctable import ProcTable, parse_proc_table, pick_target


def _pod(container_ctx: dict | None = None, pod_ctx: dict | None = None) -> dict[str, Any]:
    app: dict[str, Any] = {"name": "app", "image": "x"}
    if container_ctx is not None:
        app["securityContext"] = container_ctx
    spec: dict[str, Any] = {"containers": [app]}
    if pod_ctx is not None:
        spec["securityContext"] = pod_ctx
    return {"metadata": {"name": "p", "namespace": "default"}, "spec": spec}


def test_identity_from_the_container_then_the_pod() -> None:
    found = identity_from_spec(_pod({"runAsUser": 1000}, {"runAsUser": 5, "runAsGroup": 7}), "app")
    assert found is not None
    assert (found.uid, found.gid, found.source) == (1000, 7, "container-securityContext")
    assert "uid 1000 from the target container's securityContext.runAsUser" in found.explanation
    assert "gid 7 from the pod's securityContext.runAsGroup" in found.explanation
    pod_only = identity_from_spec(_pod(None, {"runAsUser": 2000}), "app")
    assert pod_only is not None and (pod_only.uid, pod_only.source) == (2000, "pod-securityContext")
    assert identity_from_spec(_pod({"privileged": True}), "app") is None


def test_builder_sets_run_as_and_explains() -> None:
    pod = _pod({"runAsUser": 1000, "runAsGroup": 3000})
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="p", image="busybox",
        target="app", run_as_target_user=True,
    )  # fmt: skip
    built = build(request, pod)
    [container] = built.body["spec"]["ephemeralContainers"]
    assert container["securityContext"]["runAsUser"] == 1000
    assert container["securityContext"]["runAsGroup"] == 3000
    assert any("uid 1000 from the target container's" in n for n in built.notes)
    assert "runAsUser: 1000" in built.preview_yaml
    assert "# runs as the target's user: uid 1000" in built.preview_yaml
    assert any("SYS_PTRACE" in w and "not effective" in w for w in built.warnings)


def test_builder_refuses_an_unknown_uid_and_takes_a_resolved_one() -> None:
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="p", image="busybox",
        target="app", run_as_target_user=True,
    )  # fmt: skip
    with pytest.raises(InvalidDebugRequest, match="not in the pod spec"):
        build(request, _pod())
    resolved = TargetIdentity(1234, 1234, "process", "uid 1234 read from /proc/1/status")
    built = build(replace(request, target_identity=resolved), _pod())
    [container] = built.body["spec"]["ephemeralContainers"]
    assert container["securityContext"]["runAsUser"] == 1234
    no_target = replace(request, target=None)
    with pytest.raises(InvalidDebugRequest, match="target container"):
        build(no_target, _pod())


def test_pick_target_prefers_the_cgroup_match_then_the_lowest_foreign_pid() -> None:
    text = (
        "self 1:2 40\n"
        "p 1 0 0 0 9:9 0 pause\n"
        "p 7 0 1000 1000 5:5 0 java\n"
        "p 9 0 0 0 1:2 0 sh\n"
        "p 40 0 0 0 1:2 0 sh\n"
        "p 41 40 0 0 1:2 0 stat\n"
        "garbage line\n"
    )
    table = parse_proc_table(text)
    assert pick_target(table).pid == 7
    matched = text.replace("p 9 0 0 0 1:2 0 sh", "p 9 0 0 0 1:2 1 sh")
    assert pick_target(parse_proc_table(matched)).how == "cgroup"
    with pytest.raises(KubeError, match="PID namespace"):
        pick_target(ProcTable("1:2", 40, ()))


def _target_pod() -> dict[str, Any]:
    app = {
        "name": "app",
        "image": "x",
        "env": [
            {"name": "MODE", "value": "prod"},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
        ],
        "envFrom": [{"configMapRef": {"name": "settings"}}],
        "volumeMounts": [
            {"name": "data", "mountPath": "/data"},
            {"name": "conf", "mountPath": "/etc/app/app.yaml", "subPath": "app.yaml"},
            {"name": "logs", "mountPath": "/logs", "subPathExpr": "$(POD)"},
            {"name": "token", "mountPath": "/var/run/secrets/x", "readOnly": True},
        ],
    }
    return {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [app]}}


def test_share_mounts_leaves_out_sub_paths_and_says_so() -> None:
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="p", image="busybox",
        target="app", share_target_mounts=True,
    )  # fmt: skip
    built = build(request, _target_pod())
    [container] = built.body["spec"]["ephemeralContainers"]
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/data", "/var/run/secrets/x"]
    assert container["volumeMounts"][1]["readOnly"] is True
    omitted = [w for w in built.warnings if "is not shared" in w]
    assert len(omitted) == 2
    assert "subPath is not allowed" in omitted[0] and "/etc/app/app.yaml" in omitted[0]
    assert "subPathExpr is not allowed" in omitted[1]
    assert "mountPath: /data" in built.preview_yaml


def test_share_mounts_in_a_copy_keeps_sub_paths() -> None:
    request = DebugRequest(
        mode="copy", namespace="default", pod_name="p", image="busybox", share_target_mounts=True
    )
    built = build(request, _target_pod())
    debugger = built.body["spec"]["containers"][-1]
    assert debugger["name"] == built.container_name
    assert len(debugger["volumeMounts"]) == 4
    assert not [w for w in built.warnings if "is not shared" in w]


def test_share_env_copies_values_references_and_env_from() -> None:
    from kdebug_tui.kube.debug import EnvVar

    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="p", image="busybox",
        target="app", share_target_env=True, env=[EnvVar("MODE", "debug")],
    )  # fmt: skip
    built = build(request, _target_pod())
    [container] = built.body["spec"]["ephemeralContainers"]
    assert container["env"] == [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
        {"name": "MODE", "value": "debug"},  # the user's own value wins
    ]
    assert container["envFrom"] == [{"configMapRef": {"name": "settings"}}]
    assert "secretKeyRef" in built.preview_yaml


def test_node_mode_has_nothing_to_share() -> None:
    request = DebugRequest(
        mode="node", namespace="default", node_name="n1", image="busybox", share_target_env=True
    )
    with pytest.raises(InvalidDebugRequest, match="no target container"):
        build(request, node={"metadata": {"name": "n1"}})


def test_wrap_for_stop_shows_the_wrapped_command_in_the_preview() -> None:
    from kdebug_tui.kube.stopping import (
        STOP_ENV,
        WRAPPER_NAME,
        WRAPPER_SCRIPT,
        image_has_shell,
        is_wrapped,
        stop_file_of,
    )

    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="p", image="busybox",
        target="app", command=["sh", "-l"], wrap_for_stop=True, session_id="s1",
    )  # fmt: skip
    built = build(request, _target_pod())
    [container] = built.body["spec"]["ephemeralContainers"]
    assert container["command"] == ["sh", "-c", WRAPPER_SCRIPT, WRAPPER_NAME, "sh", "-l"]
    assert is_wrapped(container)
    assert stop_file_of(container) == built.stop_file
    assert built.stop_file == f"/tmp/.kdebug-stop-s1-{built.container_name}"
    assert {"name": STOP_ENV, "value": built.stop_file} in container["env"]
    assert WRAPPER_NAME in built.preview_yaml and '\n      exec "$@"\n' in built.preview_yaml
    assert yaml.safe_load(built.preview_yaml) == built.body  # the preview is the body
    # no command: the image's own entrypoint runs (as kubectl's), so nothing is wrapped
    bare = build(replace(request, command=()), _target_pod())
    assert "command" not in bare.body["spec"]["ephemeralContainers"][0]
    assert bare.stop_file is None and any("entrypoint" in w for w in bare.warnings)
    # the script survives the kubelet's expansion: no $$ and no $( ... )
    assert "$$" not in WRAPPER_SCRIPT and "$(" not in WRAPPER_SCRIPT
    args_only = build(replace(request, arguments_only=True), _target_pod())
    assert args_only.stop_file is None
    assert any("not stoppable" in w for w in args_only.warnings)
    assert image_has_shell("busybox:1.36") and image_has_shell("nicolaka/netshoot")
    assert not image_has_shell("gcr.io/distroless/base") and not image_has_shell("x/app")


def test_kubectl_shaped_requests_are_unchanged_by_the_new_options() -> None:
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="p", image="busybox", target="app"
    )
    built = build(request, _target_pod())
    [container] = built.body["spec"]["ephemeralContainers"]
    assert "command" not in container and "env" not in container and not built.notes


def test_listing_parser_takes_any_name_and_skips_noise() -> None:
    data = (
        b"garbage before\n"
        b"81a4 12 1700000000 0 0 /d/a b\nc\n"
        b"41ed 4096 1700000001 1000 1000 /d/sub\n"
        b"a1ff 3 1700000002 0 0 /d/l\n"
    )
    entries = parse_listing(data, "/d")
    assert [(e.name, e.kind) for e in entries] == [
        ("sub", "dir"),
        ("a b\nc", "file"),
        ("l", "link"),
    ]
    assert entries[1].mode == 0o644 and entries[1].size == 12 and entries[0].uid == 1000
    assert clean_path("a/../../etc//passwd") == "/etc/passwd"
    with pytest.raises(KubeError):
        clean_path("bad\0path")
