"""End to end on the sandbox: the real app, the real debug form, real attach websockets.

Each test drives the form like a user (fill in, submit), then checks what the pane shows:
the shell's output for `ps`, the copy's and the node pod's shells, two split shells that do
not mix, and that the preview is exactly what the API server stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import Input, RadioButton, Select

from kdebug_tui.ui.common.confirm import ConfirmScreen
from tests.ui.flow_helpers import (
    click_when_laid_out,
    open_form,
    run_in_pane,
    running_app,
    sessions,
    settle,
    submitted_pane,
    wait_for_shell,
    wait_until,
)

pytestmark = pytest.mark.timeout(90)


def assert_sent_was_stored(sent: Any, stored: Any, path: str = "spec") -> None:
    """Every field of the previewed body is in the object the API server stored (the server
    adds defaults, so stored may have more)."""
    if isinstance(sent, dict):
        for key, value in sent.items():
            assert key in stored, f"{path}.{key} was sent but not stored"
            assert_sent_was_stored(value, stored[key], f"{path}.{key}")
    elif isinstance(sent, list):
        assert len(sent) == len(stored), f"{path}: {len(sent)} items sent, {len(stored)} stored"
        for index, (a, b) in enumerate(zip(sent, stored, strict=True)):
            assert_sent_was_stored(a, b, f"{path}[{index}]")
    else:
        assert sent == stored, f"{path}: sent {sent!r}, stored {stored!r}"


async def test_ephemeral_target_shows_the_targets_processes(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#image", Input).value = "busybox:1.36"
        await settle(pilot, form)
        sent = yaml.safe_load(form.built.preview_yaml)["spec"]["ephemeralContainers"][0]
        form.action_submit()
        pane = await submitted_pane(app, pilot)
        assert pane.target.kind == "ephemeral" and pane.target.container == sent["name"]
        await wait_for_shell(pilot, pane)
        text = await run_in_pane(pilot, pane, "ps aux", "web.py")
        assert "web.py" in text
        stored = sandbox.cluster.get_pod("default", "web-distroless")
        entry = next(c for c in stored["spec"]["ephemeralContainers"] if c["name"] == sent["name"])
        for key, value in sent.items():
            assert entry[key] == value, f"{key}: sent {value!r}, stored {entry[key]!r}"


async def test_copy_of_the_pod_gives_a_shell_sharing_processes(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#mode-copy", RadioButton).value = True
        form.query_one("#image", Input).value = "busybox:1.36"
        form.query_one("#copy-name", Input).value = "web-distroless-copy1"
        await settle(pilot, form)
        preview = yaml.safe_load(form.built.preview_yaml)
        form.action_submit()
        pane = await submitted_pane(app, pilot)
        assert pane.target.pod == "web-distroless-copy1" and pane.target.owned_pod
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "ps aux", "web.py")
        stored = sandbox.cluster.get_pod("default", "web-distroless-copy1")
        assert stored["metadata"]["labels"] == preview["metadata"]["labels"]
        assert_sent_was_stored(preview["spec"], stored["spec"])


async def test_node_debugging_after_confirmation(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        form = await open_form(app, pilot, pod=None, mode="node", node="sandbox-node-1")
        await wait_until(
            pilot, lambda: form.query_one("#node", Select).value == "sandbox-node-1", "node list"
        )
        await settle(pilot, form)
        preview = yaml.safe_load(form.built.preview_yaml)
        form.action_submit()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "node mode must ask first"
        await click_when_laid_out(pilot, "#confirm-yes")
        pane = await submitted_pane(app, pilot)
        assert pane.target.kind == "node" and pane.target.pod.startswith(
            "node-debugger-sandbox-node-1-"
        )
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "ls /host", "etc")
        # hostPID: the node's processes, e.g. the web-distroless app on this node
        await run_in_pane(pilot, pane, "ps aux | grep [w]eb.py", "programs/web.py")
        stored = sandbox.cluster.get_pod("default", pane.target.pod)
        assert_sent_was_stored(preview["spec"], stored["spec"])


async def test_two_split_shells_keep_their_own_output(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "multi")
        form = await open_form(app, pilot, pod=pod, container="sidecar")
        form.query_one("#image", Input).value = "busybox:1.36"
        await settle(pilot, form)
        form.action_submit()
        first = await submitted_pane(app, pilot)
        await wait_for_shell(pilot, first)
        first.focus()
        await pilot.press("vertical_line")  # `|`: a second shell beside, in the same container
        second = await submitted_pane(app, pilot, before=1)
        assert second.target.kind == "exec" and second.target.container == first.target.container
        await wait_for_shell(pilot, second)
        assert second.region.x > first.region.x, "split beside"
        await run_in_pane(pilot, first, "echo left-$((20+1))", "left-21")
        await run_in_pane(pilot, second, "echo right-$((40+2))", "right-42")
        assert "right-42" not in first.screen_text()
        assert "left-21" not in second.screen_text()
        assert len(sessions(app).panes) == 2


async def test_from_the_pod_list_d_then_submit_gives_a_shell(
    sandbox: Any, kubeconfig: Path
) -> None:
    """The whole path a user takes: select the pod in the list, `d`, submit (ctrl+s)."""
    from kdebug_tui.ui.debug.form import DebugFormScreen

    async with running_app(kubeconfig) as (app, pilot):
        pods_screen = app.screen

        def selected() -> str:
            pod = pods_screen.selected_pod()  # type: ignore[attr-defined]
            return str(((pod or {}).get("metadata") or {}).get("name", ""))

        await wait_until(pilot, lambda: selected() != "", "the pod list")
        for _ in range(20):
            if selected() == "web-distroless":
                break
            await pilot.press("down")
        assert selected() == "web-distroless"
        await pilot.press("d")
        form = await wait_until(
            pilot, lambda: app.screen if isinstance(app.screen, DebugFormScreen) else None, "form"
        )
        await settle(pilot, form)
        await pilot.press("ctrl+s")
        pane = await submitted_pane(app, pilot)
        await wait_for_shell(pilot, pane)
        assert pane.terminal is not None and pane.terminal.has_focus, "ready to type"
        await pilot.press(*"echo ok-$((3*4))", "enter")
        await wait_until(pilot, lambda: "ok-12" in pane.screen_text(), "typed command output")
