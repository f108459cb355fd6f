"""Command line: kdebug-tui flags, kubectl kdebug (kubectl debug's flags), clear startup errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.launch.options import LaunchOptions, check_kubeconfig, parse_args
from kdebug_tui.ui.launch.plugin_args import parse_plugin_args
from kdebug_tui.ui.main import main, plugin_main
from tests.ui.app_support import SIZE, make_app, wait_for


def test_app_flags() -> None:
    opts = parse_args(["--demo", "--context", "c1", "-n", "shop", "--readonly", "--config", "f"])
    assert opts == LaunchOptions(
        demo=True, context="c1", namespace="shop", readonly=True, config="f"
    )
    assert parse_args(["-A"]).all_namespaces is True
    assert parse_args(["--kubeconfig", "/k"]).kubeconfig == "/k"


def test_namespace_and_all_namespaces_conflict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-n", "x", "-A"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_plugin_flags_like_kubectl_debug() -> None:
    opts = parse_plugin_args(
        [
            "web",
            "-n",
            "shop",
            "--context",
            "prod",
            "--image",
            "busybox:1.36",
            "--target",
            "app",
            "--profile",
            "netadmin",
            "-it",
            "--",
            "sh",
            "-c",
            "echo hi",
        ]
    )
    pre = opts.prefill
    assert pre is not None
    assert (pre.pod, pre.namespace, pre.image, pre.target, pre.profile) == (
        "web",
        "shop",
        "busybox:1.36",
        "app",
        "netadmin",
    )
    assert pre.command == ("sh", "-c", "echo hi")
    assert pre.mode == "ephemeral"
    assert (opts.context, opts.namespace) == ("prod", "shop")


def test_plugin_copy_and_node_modes() -> None:
    copy = parse_plugin_args(
        ["pod/web", "--copy-to", "web-dbg", "--share-processes", "--set-image", "*=busybox"]
    ).prefill
    assert copy is not None and copy.mode == "copy" and copy.pod == "web"
    assert copy.share_processes is True and copy.set_image == ("*=busybox",)
    node = parse_plugin_args(["node/sandbox-node-1", "--image", "busybox"]).prefill
    assert node is not None and node.mode == "node" and node.node == "sandbox-node-1"
    assert node.pod is None


def test_plugin_rejects_other_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert plugin_main(["deploy/web"]) == 1
    assert "give a pod name or node/NAME" in capsys.readouterr().err
    assert plugin_main(["web", "--set-image", "busybox"]) == 1
    assert "expected NAME=IMAGE" in capsys.readouterr().err


def test_wrong_kubeconfig_path_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--kubeconfig", str(tmp_path / "missing.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"kdebug-tui: kubeconfig {tmp_path / 'missing.yaml'}: no such file"


def test_no_kubeconfig_anywhere_suggests_demo(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    message = check_kubeconfig(LaunchOptions(), {"KUBECONFIG": str(tmp_path / "a")})
    assert message is not None and "kdebug-tui --demo" in message
    assert check_kubeconfig(LaunchOptions(demo=True), {}) is None


def test_bad_settings_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("readonly: maybe\n")
    assert main(["--demo", "--config", str(cfg)]) == 1
    assert "readonly: expected true or false" in capsys.readouterr().err


async def test_unknown_context_leaves_with_code_1(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, context="no-such-context")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.return_code == 1, "the app to give up")
    assert app.startup_error is not None
    assert "no-such-context" in app.startup_error
    assert "Traceback" not in app.startup_error


async def test_unreadable_kubeconfig_leaves_with_code_1(tmp_path: Path) -> None:
    bad = tmp_path / "kubeconfig"
    bad.write_text("clusters: [oops\n")
    app = make_app(bad)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.return_code == 1, "the app to give up")
    assert app.startup_error and "Traceback" not in app.startup_error


def test_help_exits_0_without_starting_the_ui(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--demo" in out and "--readonly" in out and "--all-namespaces" in out
