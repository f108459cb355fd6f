"""`kubectl kdebug ...` end to end: kubectl finds the plugin, and the real app, started from
the plugin's command line against the sandbox, lands in a shell pane showing the target's
processes (ephemeral --target, and node/NAME after the privileged confirmation)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.debug.form import DebugFormScreen
from kdebug_tui.ui.launch.plugin_args import parse_plugin_args
from tests.ui.flow_helpers import run_in_pane, submitted_pane, wait_for_shell, wait_until

pytestmark = pytest.mark.timeout(90)
SIZE = (160, 45)


def test_kubectl_finds_the_plugin(kubectl_path: str, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "kubectl-kdebug").exists():
        pytest.skip("kubectl-kdebug is not installed in this environment (pip install -e .)")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["KUBECONFIG"] = str(tmp_path / "none")
    listed = subprocess.run(
        [kubectl_path, "plugin", "list"], env=env, capture_output=True, text=True, timeout=30
    )
    assert str(bin_dir / "kubectl-kdebug") in listed.stdout, listed.stdout + listed.stderr
    # kubectl runs it with the rest of the command line: --help reaches our parser
    helped = subprocess.run(
        [kubectl_path, "kdebug", "--help"], env=env, capture_output=True, text=True, timeout=30
    )
    assert helped.returncode == 0, helped.stderr
    assert "--share-processes" in helped.stdout and "--target" in helped.stdout
    bad = subprocess.run(
        [kubectl_path, "kdebug", "deploy/web"], env=env, capture_output=True, text=True, timeout=30
    )
    assert bad.returncode == 1 and "give a pod name or node/NAME" in bad.stderr


def confirm_ready(app: KdebugApp, button: str) -> bool:
    """The dialog is laid out (a click before that would land nowhere)."""
    screen = app.screen
    found = screen.query(button) if isinstance(screen, ConfirmScreen) else None
    return bool(found) and found.first().region.width > 0  # type: ignore[union-attr]


def plugin_app(kubeconfig: Path, *argv: str) -> KdebugApp:
    return KdebugApp(parse_plugin_args([*argv, "--kubeconfig", str(kubeconfig)]))


async def test_plugin_opens_straight_into_a_shell_in_the_target(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = plugin_app(
        kubeconfig, "web-distroless", "-n", "default", "--image=busybox:1.36", "--target=app",
        "-it", "--env", "KDEBUG_FROM=plugin",
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        pane = await submitted_pane(app, pilot)
        assert pane.target.kind == "ephemeral" and pane.target.pod == "web-distroless"

        def said() -> str:
            return " ".join(str(n.message) for n in app._notifications)

        # kubectl's stderr warnings (legacy profile, --target) as a notification
        await wait_until(
            pilot,
            lambda: "Legacy profile" in said() and 'Targeting container "app"' in said(),
            lambda: f"kubectl's warnings, got {said()!r}",
        )
        await wait_for_shell(pilot, pane)
        # --target=app: the distroless program is in the debugger's PID namespace
        text = await run_in_pane(pilot, pane, "ps -eo pid,args | cat", "web.py")
        # pid 1 of the shared namespace is the target's program
        assert any(line.split()[:1] == ["1"] and "web.py" in line for line in text.splitlines()), (
            text
        )
        await run_in_pane(pilot, pane, "echo from-$KDEBUG_FROM", "from-plugin")
    stored = sandbox.cluster.get_pod("default", "web-distroless")
    debugger = next(
        c for c in stored["spec"]["ephemeralContainers"] if c["name"] == pane.target.container
    )
    # kubectl's flags, kubectl's body: legacy profile (no securityContext), stdin+tty, target
    assert debugger["targetContainerName"] == "app" and debugger["image"] == "busybox:1.36"
    assert debugger["stdin"] is True and debugger["tty"] is True
    assert "securityContext" not in debugger


async def test_plugin_node_mode_asks_then_gives_a_host_shell(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = plugin_app(kubeconfig, "node/sandbox-node-1", "--image", "busybox:1.36")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot,
            lambda: confirm_ready(app, "#confirm-yes"),
            "the privileged confirmation",
        )
        text = " ".join(str(s.render()) for s in app.screen.query(".confirm-line"))
        assert "/host" in text and "node" in text
        await pilot.click("#confirm-yes")
        pane = await submitted_pane(app, pilot)
        assert pane.target.kind == "node" and pane.target.node == "sandbox-node-1"
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "ps -eo pid,args | grep [w]eb.py", "programs/web.py")
        await run_in_pane(pilot, pane, "ls /host", "etc")


async def test_plugin_problems_open_the_prefilled_form(sandbox: Any, kubeconfig: Path) -> None:
    # no such target container: pre-flight's error, shown in the form filled with the flags
    app = plugin_app(
        kubeconfig, "web-distroless", "--image", "busybox:1.36", "--target", "nope",
        "-c", "dbg-plugin", "--profile", "general", "--image-pull-policy", "IfNotPresent",
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the form")
        form = app.screen
        assert isinstance(form, DebugFormScreen)
        await wait_until(
            pilot,
            lambda: form.filled.is_set() and form._value("#pull") == "IfNotPresent",
            lambda: f"the form's fields, --image-pull-policy: {form._value('#pull')!r}",
        )
        assert form._value("#name") == "dbg-plugin"
        assert form._value("#image") == "busybox:1.36"
        assert form._value("#pull") == "IfNotPresent"
        assert form._value("#profile") == "general"
        await wait_until(
            pilot,
            lambda: any("--target nope" in str(n.message) for n in app._notifications),
            "the notice naming the flag",
        )
        # declining a privileged choice also lands in the form, nothing was created
    app = plugin_app(kubeconfig, "web-distroless", "--image", "busybox", "--profile", "sysadmin")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot,
            lambda: confirm_ready(app, "#confirm-no"),
            "confirmation",
        )
        await pilot.click("#confirm-no")
        await wait_until(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the form")
    stored = sandbox.cluster.get_pod("default", "web-distroless")
    assert not stored["spec"].get("ephemeralContainers")


async def test_plugin_demo_needs_no_cluster() -> None:
    """`kubectl kdebug --demo web-distroless --image=busybox --target=app`: the built-in
    sandbox, then the same path into the shell."""
    options = parse_plugin_args(
        ["--demo", "web-distroless", "--image=busybox:1.36", "--target=app"]
    )
    app = KdebugApp(options)
    async with app.run_test(size=SIZE) as pilot:
        pane = await submitted_pane(app, pilot)
        assert app.services.sandbox is not None
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "ps -eo pid,args | cat", "web.py")


async def test_plugin_in_readonly_mode_creates_nothing(sandbox: Any, kubeconfig: Path) -> None:
    app = plugin_app(kubeconfig, "web-distroless", "--image=busybox", "--target=app", "--readonly")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, lambda: type(app.screen).__name__ == "ErrorScreen", "the read-only refusal"
        )
    stored = sandbox.cluster.get_pod("default", "web-distroless")
    assert not stored["spec"].get("ephemeralContainers")


async def test_plugin_copy_to_shares_processes(sandbox: Any, kubeconfig: Path) -> None:
    app = plugin_app(
        kubeconfig, "web-distroless", "--image=busybox:1.36", "--copy-to=wd-plugin-copy",
        "--share-processes", "--keep-init-containers=false",
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        pane = await submitted_pane(app, pilot)
        assert pane.target.kind == "copy" and pane.target.pod == "wd-plugin-copy"
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "ps -eo pid,args | cat", "web.py")
    stored = sandbox.cluster.get_pod("default", "wd-plugin-copy")
    assert stored["spec"]["shareProcessNamespace"] is True


async def test_plugin_preflight_error_opens_the_form_with_it(
    sandbox: Any, kubeconfig: Path
) -> None:
    # sysadmin is privileged: the namespace's restricted Pod Security level refuses it
    app = plugin_app(
        kubeconfig, "vault-0", "-n", "secure", "--image=busybox:1.36", "--profile=sysadmin"
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the form")
        form = app.screen
        assert isinstance(form, DebugFormScreen)
        said = lambda: " ".join(str(n.message) for n in app._notifications)  # noqa: E731
        await wait_until(pilot, lambda: "pre-flight" in said(), lambda: f"the reason: {said()}")
        await wait_until(
            pilot, lambda: form.query("#profile") and form._value("#profile"), "the fields"
        )
        assert form._value("#profile") == "sysadmin" and form.namespace == "secure"
    stored = sandbox.cluster.get_pod("secure", "vault-0")
    assert not stored["spec"].get("ephemeralContainers")
