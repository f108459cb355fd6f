"""`kubectl kdebug` flags: each of kubectl debug 1.32's flags, its default and value syntax,
and the DebugRequest (hence the body) it leads to. Pure: no app, no cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.debug import InvalidDebugRequest, build
from kdebug_tui.ui.launch.options import _UsageError
from kdebug_tui.ui.launch.plugin_args import PluginPrefill, parse_plugin_args
from kdebug_tui.ui.main import plugin_main

POD: dict[str, Any] = {
    "metadata": {"name": "web", "namespace": "shop", "uid": "u1"},
    "spec": {"containers": [{"name": "app", "image": "x"}, {"name": "side", "image": "y"}]},
}


def prefill(*argv: str) -> PluginPrefill:
    pre = parse_plugin_args(list(argv)).prefill
    assert isinstance(pre, PluginPrefill)
    return pre


def test_defaults_are_kubectls_except_interactive() -> None:
    pre = prefill("web", "--image", "busybox")
    assert (pre.pod, pre.node, pre.mode) == ("web", None, "ephemeral")
    assert pre.profile == "legacy"  # kubectl 1.32's default
    assert (pre.stdin, pre.tty) == (True, True)  # no -i/-t: a shell is the plugin's point
    assert pre.share_processes is None and pre.keep_init_containers is True
    assert not (pre.replace or pre.same_node or pre.arguments_only or pre.keep_labels)
    request = pre.to_request("shop")
    assert request.namespace == "shop" and request.profile == "legacy"


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["-n", "prod"], "namespace", "prod"),
        (["--namespace=prod"], "namespace", "prod"),
        (["--image=alpine:3.20"], "image", "alpine:3.20"),
        (["--target", "app"], "target", "app"),
        (["--target=app"], "target", "app"),
        (["-c", "dbg"], "container", "dbg"),
        (["--container=dbg"], "container", "dbg"),
        (["--profile=sysadmin"], "profile", "sysadmin"),
        (["--image-pull-policy", "Never"], "image_pull_policy", "Never"),
        (["--copy-to", "web-copy"], "copy_to", "web-copy"),
        (["--share-processes=false"], "share_processes", False),
        (["--share-processes"], "share_processes", True),
        (["--same-node"], "same_node", True),
        (["--replace=true"], "replace", True),
        (["--keep-labels"], "keep_labels", True),
        (["--keep-annotations"], "keep_annotations", True),
        (["--keep-liveness"], "keep_liveness", True),
        (["--keep-readiness"], "keep_readiness", True),
        (["--keep-startup"], "keep_startup", True),
        (["--keep-init-containers=false"], "keep_init_containers", False),
        (["--arguments-only"], "arguments_only", True),
        (["-q"], "quiet", True),
        (["--attach"], "attach", True),
        (["--env", "A=1", "--env=B=x,y"], "env", ("A=1", "B=x,y")),  # never split on commas
        (["--set-image=app=a:1,side=b:2", "--set-image", "*=c"], "set_image",
         ("app=a:1", "side=b:2", "*=c")),
    ],
)  # fmt: skip
def test_each_flag(argv: list[str], field: str, value: object) -> None:
    assert getattr(prefill("web", "--image", "busybox", *argv), field) == value


@pytest.mark.parametrize(
    ("argv", "stdin", "tty"),
    [
        (["-it"], True, True),
        (["-i"], True, False),
        (["-t"], False, True),
        (["--stdin", "--tty"], True, True),
        (["-i=false", "-t"], False, True),
        (["--stdin=false", "--tty=false"], False, False),
    ],
)
def test_stdin_and_tty_follow_kubectl_once_given(argv: list[str], stdin: bool, tty: bool) -> None:
    pre = prefill("web", *argv)
    assert (pre.stdin, pre.tty) == (stdin, tty)


def test_object_forms_and_global_flags() -> None:
    assert prefill("pod/web").pod == "web" and prefill("pods/web").pod == "web"
    node = prefill("node/sandbox-node-1", "--image", "busybox")
    assert (node.node, node.pod, node.mode) == ("sandbox-node-1", None, "node")
    assert prefill("nodes/n2").node == "n2"
    assert prefill("web", "--copy-to", "c").mode == "copy"
    opts = parse_plugin_args(
        ["web", "--context", "prod", "--kubeconfig", "/k", "--demo", "--readonly"]
    )
    assert (opts.context, opts.kubeconfig, opts.demo, opts.readonly) == ("prod", "/k", True, True)


def test_command_after_double_dash_is_untouched() -> None:
    pre = prefill("web", "--image", "busybox", "--", "sh", "-c", "echo --x=false -it")
    assert pre.command == ("sh", "-c", "echo --x=false -it")
    args = prefill("web", "--image", "busybox", "--arguments-only", "--", "-v")
    body = build(args.to_request("shop"), POD).body
    assert body["spec"]["ephemeralContainers"][0]["args"] == ["-v"]


def test_flags_reach_the_body_like_kubectl() -> None:
    pre = prefill(
        "web", "-n", "shop", "--image=busybox:1.36", "--target=app", "-c", "dbg", "-it",
        "--env", "A=1", "--image-pull-policy", "IfNotPresent", "--profile", "general",
    )  # fmt: skip
    container = build(pre.to_request("default"), POD).body["spec"]["ephemeralContainers"][0]
    assert container["name"] == "dbg" and container["targetContainerName"] == "app"
    assert container["env"] == [{"name": "A", "value": "1"}]
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["stdin"] is True and container["tty"] is True
    copy = prefill(
        "web", "--image=busybox", "--copy-to", "web-c", "--set-image", "side=alpine",
        "--share-processes=false", "--same-node", "--keep-labels", "--profile=general",
    )  # fmt: skip
    request = copy.to_request("shop")
    assert request.copy_options.set_image == {"side": "alpine"}
    assert request.copy_options.share_processes is False and request.copy_options.same_node
    body = build(request, {**POD, "metadata": {**POD["metadata"], "labels": {"a": "b"}}}).body
    assert body["metadata"]["name"] == "web-c" and body["metadata"]["labels"]["a"] == "b"
    assert "shareProcessNamespace" not in body["spec"] or not body["spec"]["shareProcessNamespace"]


def test_custom_file(tmp_path: Path) -> None:
    spec = tmp_path / "custom.yaml"
    spec.write_text("env:\n- name: FROM_CUSTOM\n  value: '1'\n")
    pre = prefill("web", "--image", "busybox", "--custom", str(spec))
    assert pre.custom_text is not None and pre.custom_path == str(spec)
    container = build(pre.to_request("shop"), POD).body["spec"]["ephemeralContainers"][0]
    assert {"name": "FROM_CUSTOM", "value": "1"} in container["env"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: nope\n")  # kubectl refuses to change the name
    with pytest.raises(InvalidDebugRequest):
        build(prefill("web", "--image", "b", "--custom", str(bad)).to_request("shop"), POD)
    with pytest.raises(_UsageError, match="No such file"):
        parse_plugin_args(["web", "--custom", str(tmp_path / "missing.yaml")])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["deploy/web"], "give a pod name or node/NAME"),
        (["node/"], "needs a node name"),
        (["web", "--set-image", "busybox"], "expected NAME=IMAGE"),
        (["web", "--env", "NOVALUE"], "expected NAME=VALUE"),
        (["web", "--stdin=maybe"], "want true or false"),
        (["web", "-f", "pod.yaml"], "-f/--filename is not supported"),
        (["web", "--profile", "root"], "invalid choice"),
        (["web", "--image-pull-policy", "Sometimes"], "invalid choice"),
    ],
)
def test_bad_command_lines_are_one_clear_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plugin_main(argv) in (1, 2)
    assert message in capsys.readouterr().err


def test_help_lists_kubectls_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert plugin_main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--copy-to", "--set-image", "--share-processes", "--same-node", "--replace",
                 "--target", "--profile", "--custom", "--image-pull-policy", "--env",
                 "--keep-init-containers", "--arguments-only", "--demo"):  # fmt: skip
        assert flag in out, flag
