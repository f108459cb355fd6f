"""The builders against what kubectl 1.32 produced on a real cluster (recorded fixtures)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kdebug_tui.kube.debug import (
    LEGACY_WARNING,
    MANAGED_BY_LABEL,
    SESSION_LABEL,
    BuiltDebug,
    CopyOptions,
    DebugRequest,
    EnvVar,
    InvalidDebugRequest,
    build,
)
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.names import ALPHABET, seeded_suffixes
from tests.conftest import load_fixture
from tests.kube.canon import canonical_container, canonical_pod, diff

OUR_LABELS = (MANAGED_BY_LABEL, SESSION_LABEL)


@pytest.fixture
def demo_pod() -> dict[str, Any]:
    return load_fixture("pod-with-ephemeral-containers.json")


def _recorded_ephemeral(pod: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in pod["spec"]["ephemeralContainers"] if c["name"] == name)


@pytest.mark.parametrize(
    "profile", ["general", "baseline", "restricted", "netadmin", "sysadmin", "legacy"]
)
def test_ephemeral_profiles_match_recorded_kubectl(profile: str, demo_pod: dict) -> None:
    request = DebugRequest(
        mode="ephemeral",
        namespace="default",
        pod_name="demo",
        image="busybox",
        container_name=f"dbg-{profile}",
        target="app",
        command=["sleep", "2"],
        stdin=False,
        tty=False,
        profile=profile,
    )
    built = build(request, demo_pod)
    assert built.method == "PATCH"
    assert built.path == "/api/v1/namespaces/default/pods/demo/ephemeralcontainers"
    assert list(built.body) == ["spec"] and list(built.body["spec"]) == ["ephemeralContainers"]
    [ours] = built.body["spec"]["ephemeralContainers"]
    theirs = _recorded_ephemeral(demo_pod, f"dbg-{profile}")
    assert diff(canonical_container(ours), canonical_container(theirs)) == []


def test_ephemeral_interactive_without_target_matches_bars2(demo_pod: dict) -> None:
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="demo", image="busybox",
        container_name="bars2", command=["sh"], stdin=True, tty=False, profile="legacy",
    )  # fmt: skip
    [ours] = build(request, demo_pod).body["spec"]["ephemeralContainers"]
    theirs = _recorded_ephemeral(demo_pod, "bars2")
    assert diff(canonical_container(ours), canonical_container(theirs)) == []


def test_default_container_name_is_kubectl_shaped_and_unique(demo_pod: dict) -> None:
    taken = {c["name"] for c in demo_pod["spec"]["ephemeralContainers"]}
    # A suffix source that first returns a taken name must be asked again.
    answers = iter(["old12", "abcde"])
    demo_pod["spec"]["ephemeralContainers"].append({"name": "debugger-old12", "image": "x"})
    request = DebugRequest(mode="ephemeral", namespace="default", pod_name="demo", image="busybox")
    built = build(request, demo_pod, suffix=lambda n: next(answers))
    assert built.container_name == "debugger-abcde"
    assert built.container_name not in taken
    built = build(request, demo_pod)
    name = built.container_name
    assert name.startswith("debugger-") and len(name) == 14
    assert all(ch in ALPHABET for ch in name[9:])


def test_copy_matches_recorded_kubectl(demo_pod: dict) -> None:
    request = DebugRequest(
        mode="copy",
        namespace="default",
        pod_name="demo",
        image="busybox",
        command=["sleep", "3600"],
        stdin=False,
        tty=False,
        profile="general",
        copy_options=CopyOptions(copy_to="demo-copy", share_processes=True),
    )
    built = build(request, demo_pod)
    assert (built.method, built.path) == ("POST", "/api/v1/namespaces/default/pods")
    assert built.body["metadata"]["labels"][MANAGED_BY_LABEL] == "kdebug-tui"
    assert built.body["metadata"]["labels"][SESSION_LABEL] == request.session_id
    assert "ephemeralContainers" not in built.body["spec"]
    assert "nodeName" not in built.body["spec"]
    assert "status" not in built.body
    ours = canonical_pod(built.body, ignore_labels=OUR_LABELS)
    theirs = canonical_pod(load_fixture("copy-pod.json"))
    assert diff(ours, theirs) == []


def test_copy_set_image_only_matches_recorded_kubectl(demo_pod: dict) -> None:
    request = DebugRequest(
        mode="copy",
        namespace="default",
        pod_name="demo",
        stdin=False,
        tty=False,
        copy_options=CopyOptions(copy_to="demo-copy2", set_image={"*": "busybox:1.35"}),
    )
    built = build(request, demo_pod)
    assert built.container_name == ""
    assert any("nothing to attach to" in w for w in built.warnings)
    ours = canonical_pod(built.body, ignore_labels=OUR_LABELS)
    theirs = canonical_pod(load_fixture("copy-pod-set-image.json"))
    assert diff(ours, theirs) == []


@pytest.mark.parametrize(("index", "profile"), [(0, "sysadmin"), (1, "general")])
def test_node_pods_match_recorded_kubectl(index: int, profile: str) -> None:
    request = DebugRequest(
        mode="node",
        namespace="default",
        node_name="localhost",
        image="busybox",
        command=["sleep", "10"],
        stdin=False,
        tty=False,
        profile=profile,
    )
    built = build(request)
    assert built.pod_name.startswith("node-debugger-localhost-")
    assert built.container_name == "debugger"
    ours = canonical_pod(built.body, ignore_labels=OUR_LABELS)
    theirs = canonical_pod(load_fixture("node-debug-pods.json")["items"][index])
    assert diff(ours, theirs) == []


def test_node_profiles_host_access() -> None:
    def node_spec(profile: str) -> dict:
        request = DebugRequest(
            mode="node", namespace="default", node_name="n1", image="busybox", profile=profile
        )
        return build(request).body["spec"]

    for profile in ("legacy", "general", "sysadmin"):
        spec = node_spec(profile)
        assert spec["hostPID"] and spec["hostNetwork"] and spec["hostIPC"], profile
        assert {"name": "host-root", "hostPath": {"path": "/"}} in spec["volumes"], profile
    for profile in ("baseline", "restricted"):
        spec = node_spec(profile)
        assert not any(spec.get(k) for k in ("hostPID", "hostNetwork", "hostIPC")), profile
        assert "volumes" not in spec, profile
    spec = node_spec("netadmin")
    assert spec["hostNetwork"] and "volumes" not in spec
    assert spec["containers"][0]["securityContext"]["capabilities"]["add"] == [
        "NET_ADMIN",
        "NET_RAW",
    ]
    assert spec["tolerations"] == [{"operator": "Exists"}]
    assert spec["restartPolicy"] == "Never"
    assert spec["nodeName"] == "n1"


def _pod_with_probes() -> dict[str, Any]:
    probe = {"exec": {"command": ["true"]}}
    return {
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "labels": {"app": "web"},
            "annotations": {"note": "x"},
            "uid": "u1",
            "resourceVersion": "7",
        },
        "spec": {
            "nodeName": "node-a",
            "initContainers": [{"name": "init", "image": "busybox"}],
            "containers": [
                {
                    "name": "app",
                    "image": "app:1",
                    "args": ["--serve"],
                    "livenessProbe": probe,
                    "readinessProbe": probe,
                    "startupProbe": probe,
                },
                {"name": "side", "image": "side:1"},
            ],
            "ephemeralContainers": [{"name": "debugger-old12", "image": "busybox"}],
        },
        "status": {"phase": "Running"},
    }


def test_copy_keep_flags_and_strip() -> None:
    pod = _pod_with_probes()
    base = {"mode": "copy", "namespace": "shop", "pod_name": "web", "image": "busybox"}
    stripped = build(DebugRequest(**base, copy_options=CopyOptions(copy_to="c")), pod).body
    assert set(stripped["metadata"]["labels"]) == set(OUR_LABELS)
    assert "annotations" not in stripped["metadata"]
    app = stripped["spec"]["containers"][0]
    assert not {"livenessProbe", "readinessProbe", "startupProbe"} & set(app)
    assert stripped["spec"]["initContainers"] == [{"name": "init", "image": "busybox"}]
    assert stripped["spec"]["shareProcessNamespace"] is True
    assert "uid" not in stripped["metadata"] and "status" not in stripped

    keep = CopyOptions(
        copy_to="c",
        keep_labels=True,
        keep_annotations=True,
        keep_liveness=True,
        keep_readiness=True,
        keep_startup=True,
        keep_init_containers=False,
        same_node=True,
        share_processes=False,
    )
    kept = build(DebugRequest(**base, copy_options=keep), pod).body
    assert kept["metadata"]["labels"]["app"] == "web"
    assert kept["metadata"]["annotations"] == {"note": "x"}
    assert {"livenessProbe", "readinessProbe", "startupProbe"} <= set(kept["spec"]["containers"][0])
    assert "initContainers" not in kept["spec"]
    assert kept["spec"]["nodeName"] == "node-a"
    assert kept["spec"]["shareProcessNamespace"] is False
    # The source pod is never modified.
    assert pod == _pod_with_probes()


def test_copy_change_existing_container_command() -> None:
    pod = _pod_with_probes()
    request = DebugRequest(
        mode="copy",
        namespace="shop",
        pod_name="web",
        container_name="app",
        command=["sh"],
        copy_options=CopyOptions(copy_to="web-dbg", set_image={"*": "busybox", "side": "alpine"}),
    )
    built = build(request, pod)
    assert built.container_name == "app"
    names = [c["name"] for c in built.body["spec"]["containers"]]
    assert names == ["app", "side"]  # no debugger added
    app, side = built.body["spec"]["containers"]
    assert app["command"] == ["sh"] and "args" not in app
    assert app["stdin"] is True and app["tty"] is True
    assert app["image"] == "busybox" and side["image"] == "alpine"
    assert app["securityContext"] == {"capabilities": {"add": ["SYS_PTRACE"]}}


def test_copy_arguments_only_keeps_command() -> None:
    pod = _pod_with_probes()
    request = DebugRequest(
        mode="copy", namespace="shop", pod_name="web", image="busybox", command=["-x"],
        arguments_only=True, copy_options=CopyOptions(change_container="app", copy_to="c"),
    )  # fmt: skip
    app = build(request, pod).body["spec"]["containers"][0]
    assert app["args"] == ["-x"] and app["image"] == "busybox"


def test_copy_replace_records_delete_after_create_and_generated_name() -> None:
    pod = _pod_with_probes()
    request = DebugRequest(
        mode="copy",
        namespace="shop",
        pod_name="web",
        image="busybox",
        copy_options=CopyOptions(replace=True),
    )
    built = build(request, pod, suffix=seeded_suffixes(1))
    assert built.delete_original == "web"
    assert built.name_generated and built.pod_name.startswith("web-debug-")
    assert "then DELETE /api/v1/namespaces/shop/pods/web" in built.preview_yaml
    renamed = built.with_pod_name("web-debug-zzzzz")
    assert renamed.body["metadata"]["name"] == "web-debug-zzzzz"
    assert "web-debug-zzzzz" in renamed.preview_yaml
    assert built.body["metadata"]["name"] != "web-debug-zzzzz"


def test_preview_is_the_exact_body() -> None:
    pod = _pod_with_probes()
    request = DebugRequest(
        mode="ephemeral",
        namespace="shop",
        pod_name="web",
        image="busybox:1.36",
        image_pull_policy="IfNotPresent",
        env=[EnvVar("A", "1"), EnvVar("B", "two")],
        command=["sh", "-c", "echo hi"],
    )
    built: BuiltDebug = build(request, pod)
    assert built.preview_yaml.startswith("# PATCH /api/v1/namespaces/shop/pods/web/")
    assert yaml.safe_load(built.preview_yaml) == built.body
    [container] = built.body["spec"]["ephemeralContainers"]
    assert container == {
        "name": built.container_name,
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}],
        "image": "busybox:1.36",
        "imagePullPolicy": "IfNotPresent",
        "stdin": True,
        "terminationMessagePolicy": "File",
        "tty": True,
        "command": ["sh", "-c", "echo hi"],
        "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}},
    }


def test_custom_spec_merges_after_profile() -> None:
    pod = _pod_with_probes()
    request = DebugRequest(
        mode="ephemeral",
        namespace="shop",
        pod_name="web",
        image="busybox",
        env=[EnvVar("A", "1")],
        custom={
            "env": [{"name": "A", "value": "override"}, {"name": "C", "value": "3"}],
            "securityContext": {"runAsUser": 1000},
            "workingDir": "/tmp",
            "bogus": 1,
        },
    )
    built = build(request, pod)
    [container] = built.body["spec"]["ephemeralContainers"]
    assert container["env"] == [{"name": "A", "value": "override"}, {"name": "C", "value": "3"}]
    assert container["securityContext"] == {
        "capabilities": {"add": ["SYS_PTRACE"]},
        "runAsUser": 1000,
    }
    assert container["workingDir"] == "/tmp" and "bogus" not in container
    assert any("bogus" in w for w in built.warnings)


@pytest.mark.parametrize(
    ("custom", "mode", "needle"),
    [
        ({"name": "x"}, "ephemeral", "name: may not be set"),
        ({"command": ["sh"]}, "copy", "command: may not be set"),
        ({"image": "x"}, "node", "image: may not be set"),
        ({"lifecycle": {}}, "copy", "lifecycle: may not be set"),
        ({"volumeDevices": [{"name": "d", "devicePath": "/d"}]}, "node", "volumeDevices"),
        ({"ports": [{"containerPort": 80}]}, "ephemeral", "ports: cannot be set for an ephemeral"),
        ({"resources": {"limits": {"cpu": "1"}}}, "ephemeral", "resources: cannot be set"),
        ({"livenessProbe": {"exec": {}}}, "ephemeral", "livenessProbe: cannot be set"),
        (
            {"volumeMounts": [{"name": "v", "mountPath": "/v", "subPath": "a"}]},
            "ephemeral",
            "volumeMounts[0].subPath: cannot be set",
        ),
    ],
)
def test_custom_spec_forbidden_fields(custom: dict, mode: str, needle: str) -> None:
    pod = _pod_with_probes()
    request = DebugRequest(
        mode=mode,  # type: ignore[arg-type]
        namespace="shop",
        pod_name="web",
        node_name="n1",
        image="busybox",
        custom=custom,
    )
    with pytest.raises(InvalidDebugRequest) as info:
        build(request, pod)
    assert needle in info.value.message
    assert isinstance(info.value, KubeError)


def test_custom_ports_allowed_in_copy_mode() -> None:
    request = DebugRequest(
        mode="copy",
        namespace="shop",
        pod_name="web",
        image="busybox",
        custom={"ports": [{"containerPort": 8080}]},
        copy_options=CopyOptions(copy_to="c"),
    )
    built = build(request, _pod_with_probes())
    debugger = built.body["spec"]["containers"][-1]
    assert debugger["ports"] == [{"containerPort": 8080}]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"mode": "ephemeral", "image": None},
            "you must specify --image when not using --copy-to.",
        ),
        ({"mode": "ephemeral", "image": "Bad Image"}, 'invalid image name "Bad Image"'),
        ({"mode": "ephemeral", "tty": True, "stdin": False}, "-i/--stdin is required"),
        ({"mode": "ephemeral", "profile": "root"}, "unknown profile: root"),
        ({"mode": "ephemeral", "image_pull_policy": "Sometimes"}, "invalid image pull policy"),
        ({"mode": "copy", "image": None}, "you must specify --image, --set-image or command"),
        ({"mode": "copy", "target": "app"}, "--target is incompatible with --copy-to"),
        (
            {"mode": "copy", "image": None, "command": ["sh"]},
            "you must specify an existing container or a new image",
        ),
        ({"mode": "node", "node_name": None}, "a node name is required"),
        ({"mode": "ephemeral", "container_name": "Debug_1"}, "invalid container name 'Debug_1'"),
        (
            {"mode": "copy", "copy_options": CopyOptions(copy_to="Web Copy")},
            "invalid pod name 'Web Copy' for the copy",
        ),
    ],
)
def test_invalid_requests_are_refused_with_kubectl_wording(kwargs: dict, message: str) -> None:
    fields: dict[str, Any] = {
        "namespace": "shop",
        "pod_name": "web",
        "node_name": "n1",
        "image": "busybox",
    }
    fields.update(kwargs)
    with pytest.raises(InvalidDebugRequest) as info:
        build(DebugRequest(**fields), _pod_with_probes())
    assert message in info.value.message


def test_warnings_for_target_and_legacy() -> None:
    request = DebugRequest(
        mode="ephemeral",
        namespace="shop",
        pod_name="web",
        image="busybox",
        target="app",
        profile="legacy",
    )
    built = build(request, _pod_with_probes())
    assert built.warnings[0].startswith('Targeting container "app". If you don\'t see processes')
    assert LEGACY_WARNING in built.warnings
    [container] = built.body["spec"]["ephemeralContainers"]
    assert "securityContext" not in container


def test_custom_spec_text_json_then_yaml() -> None:
    from kdebug_tui.kube.custom_spec import CustomSpecError, parse_custom_spec

    assert parse_custom_spec('{"workingDir": "/tmp"}') == {"workingDir": "/tmp"}
    assert parse_custom_spec("securityContext:\n  runAsUser: 1000\n") == {
        "securityContext": {"runAsUser": 1000}
    }
    assert parse_custom_spec("  \n") == {}
    with pytest.raises(CustomSpecError) as info:
        parse_custom_spec("env: [unclosed\n  - x")
    assert info.value.problems[0].startswith(
        "the custom spec is neither valid JSON nor valid YAML (line "
    )
    with pytest.raises(CustomSpecError, match="must be a mapping of container fields, not a list"):
        parse_custom_spec("- a\n- b\n")
