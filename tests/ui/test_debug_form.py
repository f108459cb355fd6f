"""The debug form without a cluster: live preview, inline errors, privilege confirmation,
read-only refusal. (The sandbox tests in test_flows*.py submit it for real.)"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import yaml
from textual.app import App
from textual.widgets import Button, Input, RadioButton, Select, Static, TextArea

from kdebug_tui.config import Settings
from kdebug_tui.kube.stopping import is_wrapped
from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.debug.form import DebugFormScreen
from tests.conftest import load_fixture
from tests.ui.flow_helpers import click_when_laid_out


def demo_pod() -> dict[str, Any]:
    pods = load_fixture("pod-with-ephemeral-containers.json")
    return pods if isinstance(pods, dict) and "metadata" in pods else pods["items"][0]


class FormHost(App[None]):
    """Hosts the form with services that have no session (nothing reaches a cluster)."""

    def __init__(self, form: DebugFormScreen, *, readonly: bool = False) -> None:
        super().__init__()
        self.services = SimpleNamespace(readonly=readonly, settings=Settings(), session=None)
        self.form = form

    def on_mount(self) -> None:
        self.push_screen(self.form)


def body_of(form: DebugFormScreen) -> dict[str, Any]:
    assert form.built is not None, form.build_error
    text = form.query_one("#preview", TextArea).text
    return yaml.safe_load(text)


async def settle(pilot: Any, form: DebugFormScreen) -> None:
    """Wait until the debounced preview has been rebuilt."""
    await pilot.pause()  # deliver the Changed events of what the test just set
    for _ in range(50):
        await pilot.pause(0.05)
        if form._preview_timer is None:
            return
    raise AssertionError("the preview was never rebuilt")


async def test_preview_is_what_build_sends_and_follows_every_change() -> None:
    pod = demo_pod()
    form = DebugFormScreen(pod=pod, container="app")
    async with FormHost(form).run_test(size=(160, 50)) as pilot:
        await settle(pilot, form)
        container = body_of(form)["spec"]["ephemeralContainers"][0]
        assert container["targetContainerName"] == "app"
        assert container["name"].startswith("debugger-")
        assert container["stdin"] is True and container["tty"] is True
        # Empty command = the image's default shell (wrapped, when "stoppable", so that the
        # wrapper runs `sh` in its place).
        assert "command" not in container or (
            is_wrapped(container) and container["command"][4:] == ["sh"]
        ), container.get("command")
        assert form.query_one("#preview", TextArea).text == form.built.preview_yaml

        # The command exactly as typed (the triage "stoppable" wrapper is tested elsewhere).
        for stoppable in form.query("#stoppable"):
            stoppable.value = False  # type: ignore[attr-defined]
        form.query_one("#command", Input).value = "sh -c 'ps aux; sleep 1'"
        form.query_one("#env", TextArea).text = "API_TOKEN=abc\nMODE=debug"
        form.query_one("#profile", Select).value = "restricted"
        await settle(pilot, form)
        container = body_of(form)["spec"]["ephemeralContainers"][0]
        assert container["command"] == ["sh", "-c", "ps aux; sleep 1"]
        assert container["env"] == [
            {"name": "API_TOKEN", "value": "abc"},
            {"name": "MODE", "value": "debug"},
        ]
        assert container["securityContext"]["runAsNonRoot"] is True
        notes = str(form.query_one("#notes", Static).render())
        assert "API_TOKEN looks like a secret" in notes
        assert "recorded in the container's logs" in notes
        assert "non-root" in str(form.query_one("#profile-desc", Static).render())

        form.query_one("#mode-copy", RadioButton).value = True
        await settle(pilot, form)
        copy = body_of(form)
        assert copy["kind"] == "Pod"
        assert copy["metadata"]["name"] == f"{pod['metadata']['name']}-debug"
        assert copy["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kdebug-tui"
        assert form.query_one("#copy-options").display
        assert not form.query_one("#target-row").display


async def test_custom_spec_errors_show_inline_and_block_submit() -> None:
    form = DebugFormScreen(pod=demo_pod(), container="app")
    async with FormHost(form).run_test(size=(160, 50)) as pilot:
        await settle(pilot, form)
        assert not form.query_one("#submit", Button).disabled
        form.query_one("#custom", TextArea).text = "securityContext: [unclosed\n"
        await settle(pilot, form)
        assert "YAML" in str(form.query_one("#custom-error", Static).render())
        assert form.query_one("#submit", Button).disabled
        form.query_one("#custom", TextArea).text = "ports:\n- containerPort: 80\n"
        await settle(pilot, form)
        error = str(form.query_one("#custom-error", Static).render())
        assert "ports" in error and "ephemeral" in error
        assert form.query_one("#submit", Button).disabled
        form.query_one("#custom", TextArea).text = "workingDir: /tmp\n"
        await settle(pilot, form)
        assert body_of(form)["spec"]["ephemeralContainers"][0]["workingDir"] == "/tmp"
        assert not form.query_one("#submit", Button).disabled


async def test_sysadmin_needs_an_explicit_yes_that_names_what_it_grants() -> None:
    form = DebugFormScreen(pod=demo_pod(), container="app")
    host = FormHost(form)
    sent: list[Any] = []

    def fake_submit(request: Any, built: Any, hold: Any = None) -> None:
        if hold is not None:
            hold.release()  # its timer would die with this test's event loop
        sent.append(built)

    form._submit = fake_submit  # type: ignore[method-assign]
    async with host.run_test(size=(160, 50)) as pilot:
        await settle(pilot, form)
        form.query_one("#profile", Select).value = "sysadmin"
        await settle(pilot, form)
        form.action_submit()
        await pilot.pause()
        assert isinstance(host.screen, ConfirmScreen)
        assert any("privileged" in line and "kernel" in line for line in host.screen.lines)
        await pilot.press("enter")  # the focused answer is No
        await pilot.pause()
        assert host.screen is form and sent == []
        form.action_submit()
        await pilot.pause()
        assert isinstance(host.screen, ConfirmScreen)
        await click_when_laid_out(pilot, "#confirm-yes")
        await pilot.pause()
        assert len(sent) == 1 and sent[0] is form.built


async def test_node_mode_confirms_host_access() -> None:
    form = DebugFormScreen(pod=None, node="sandbox-node-1", mode="node")
    host = FormHost(form)
    host.services.namespace = "default"
    async with host.run_test(size=(160, 50)) as pilot:
        await settle(pilot, form)
        body = body_of(form)
        assert body["spec"]["nodeName"] == "sandbox-node-1"
        assert body["spec"]["containers"][0]["name"] == "debugger"
        assert form.query_one("#mode-ephemeral", RadioButton).disabled
        form.action_submit()
        await pilot.pause()
        assert isinstance(host.screen, ConfirmScreen)
        text = "\n".join(host.screen.lines)
        assert "pinned to the node" in text and "/host" in text


async def test_readonly_refuses() -> None:
    form = DebugFormScreen(pod=demo_pod(), container="app")
    host = FormHost(form, readonly=True)
    async with host.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert "Read-only" in str(form.query_one("#readonly-note", Static).render())
        assert not form.query_one("#form-body").display
        assert form.query_one("#submit", Button).disabled
        form.action_submit()
        await pilot.pause()
        assert host.screen is form
