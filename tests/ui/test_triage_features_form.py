"""The debug form's triage options end to end on the sandbox: same user (spec, probe),
shared volumes/env, stoppable + S, and the incident record (E) of the session."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import Button, Checkbox, Input, RadioButton, Static, TextArea

from kdebug_tui.kube.identity import PROBE_PREFIX
from kdebug_tui.kube.stopping import STOP_MESSAGE, WRAPPER_NAME
from kdebug_tui.ui.common.confirm import ConfirmScreen
from tests.kube.triage_helpers import FOREVER
from tests.ui.flow_helpers import (
    open_form,
    run_in_pane,
    running_app,
    settle,
    submitted_pane,
    wait_for_shell,
    wait_until,
)

pytestmark = pytest.mark.timeout(120)
SECRET = "planted-s3cr3t-9f8e7d"


async def make_target(app: Any, name: str) -> dict[str, Any]:
    """A running pod whose container `app` runs as uid 1000, with env and two mounts."""
    from kdebug_tui.kube.inject import wait_for_container

    session = app.services.session
    container = {
        "name": "app",
        "image": "busybox:1.36",
        "command": FOREVER,
        "securityContext": {"runAsUser": 1000},
        "env": [{"name": "GREETING", "value": "hello-from-target"}],
        "volumeMounts": [
            {"name": "data", "mountPath": "/data"},
            {"name": "data", "mountPath": "/conf/app.ini", "subPath": "app.ini"},
        ],
    }
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [container], "volumes": [{"name": "data", "emptyDir": {}}]},
    }
    await session.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    outcome = await wait_for_container(session, "default", name, "app", timeout=20)
    assert outcome.state == "running", outcome
    pod: dict[str, Any] = await app.services.get_pod("default", name)
    return pod


def text_of(form: Any, selector: str) -> str:
    return str(form.query_one(selector, Static).render())


def messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def confirm(app: Any, pilot: Any, expect: str, forbid: str | None = None) -> None:
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-yes"),
        "a confirmation",
    )
    assert isinstance(app.screen, ConfirmScreen)
    body = "\n".join(app.screen.lines)
    assert expect in body, body
    assert forbid is None or forbid not in body, f"{forbid!r} in the question: {body}"
    app.screen.query_one("#confirm-yes", Button).press()
    await pilot.pause()


async def test_same_user_shared_env_and_mounts_stop_and_incident_record(
    sandbox: Any, kubeconfig: Path, tmp_path: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await make_target(app, "tf-spec")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#image", Input).value = "busybox:1.36"
        # kubectl's body by default: every extra off until the user chooses it
        for key in ("same-user", "share-mounts", "share-env", "stoppable"):
            assert not form.query_one(f"#{key}", Checkbox).value, key
            form.query_one(f"#{key}", Checkbox).value = True
        form.query_one("#command", Input).value = "sh"  # only a set command is wrapped
        form.query_one("#env", TextArea).load_text(f"API_TOKEN={SECRET}")
        await settle(pilot, form)
        assert form.built is not None, form.build_error
        note = text_of(form, "#identity-note")
        assert "runs as uid 1000" in note and "securityContext.runAsUser" in note
        preview = form.built.preview_yaml
        sent = yaml.safe_load(preview)["spec"]["ephemeralContainers"][0]
        assert sent["securityContext"]["runAsUser"] == 1000
        assert {"name": "GREETING", "value": "hello-from-target"} in sent["env"]
        assert sent["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]
        assert sent["command"][3] == WRAPPER_NAME
        assert "# runs as the target's user: uid 1000" in preview
        notes = text_of(form, "#notes")
        assert "subPath is not allowed" in notes and "/conf/app.ini" in notes
        assert "volumes: 1 mount(s) of app shared" in notes

        form.action_submit()
        pane = await submitted_pane(app, pilot)
        await wait_until(pilot, lambda: pane.terminal is not None, "the terminal")
        pane.terminal.send_text("\r")  # type: ignore[union-attr]
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, 'echo "uid=$(id -u)"', "uid=1000")
        await run_in_pane(pilot, pane, "echo $GREETING", "hello-from-target")
        await run_in_pane(pilot, pane, "echo token=$API_TOKEN", "token=")

        # E: the incident record of this pane.
        pane.focus()
        await pilot.pause()
        await pilot.press("E")
        await wait_until(pilot, lambda: getattr(app, "last_incident_path", None), "the export")
        path = Path(app.last_incident_path)  # type: ignore[attr-defined]
        # The path is shown in a dialog (with a copy button), not in a passing toast.
        from kdebug_tui.ui.common.error_screen import ErrorScreen

        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the path dialog")
        assert app.screen.error_message == str(path)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ErrorScreen), "closed")
        with tarfile.open(path) as tar:
            files = {
                Path(m.name).name: tar.extractfile(m).read().decode()  # type: ignore[union-attr]
                for m in tar.getmembers()
                if m.isfile()
            }
        assert {"session.cast", "request.yaml", "sent.yaml", "pod-before.yaml"} <= set(files)
        assert "hello-from-target" in files["session.cast"]
        request = yaml.safe_load(files["request.yaml"])
        assert request["pod_name"] == "tf-spec" and request["run_as_target_user"] is True
        assert pane.target.container in files["sent.yaml"]
        for name, content in files.items():
            assert SECRET not in content, f"the planted secret leaked into {name}"

        # S: stop the stoppable debugger; the note says its entry stays.
        await pilot.press("S")
        await confirm(app, pilot, "cannot be removed", forbid="was stopped")

        def stopped() -> bool:
            stored = sandbox.cluster.get_pod("default", "tf-spec")
            for status in stored["status"].get("ephemeralContainerStatuses") or []:
                if status["name"] == pane.target.container:
                    return "terminated" in status["state"]
            return False

        await wait_until(pilot, stopped, "the debugger to terminate")
        await wait_until(
            pilot,
            lambda: any("stays in pod tf-spec's spec" in m for m in messages(app)),
            lambda: f"the stop note; notifications: {messages(app)}",
        )
        assert any(STOP_MESSAGE in m for m in messages(app))


async def test_unknown_uid_is_probed_after_a_confirmation(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#image", Input).value = "busybox:1.36"
        form.query_one("#same-user", Checkbox).value = True
        await settle(pilot, form)
        await wait_until(
            pilot, lambda: "unknown" in text_of(form, "#identity-note"), "the unknown uid"
        )
        await settle(pilot, form)
        assert form.built is None and form.query_one("#submit", Button).disabled
        probe = form.query_one("#probe-identity", Button)
        assert probe.display
        probe.press()
        await confirm(app, pilot, "terminated entry")
        await wait_until(
            pilot,
            lambda: "runs as uid" in text_of(form, "#identity-note"),
            lambda: f"the probed uid; note: {text_of(form, '#identity-note')}",
        )
        await settle(pilot, form)
        assert "probe container " + PROBE_PREFIX in text_of(form, "#identity-note")
        assert form.built is not None and not form.query_one("#submit", Button).disabled
        stored = sandbox.cluster.get_pod("default", "web-distroless")
        names = [c["name"] for c in stored["spec"].get("ephemeralContainers") or []]
        assert any(n.startswith(PROBE_PREFIX) for n in names)
        assert "runAsUser" in form.built.preview_yaml


async def test_copy_mode_shares_env_and_keeps_subpath_mounts(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await make_target(app, "tf-copy")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#mode-copy", RadioButton).value = True
        form.query_one("#image", Input).value = "busybox:1.36"
        for key in ("share-mounts", "share-env"):
            form.query_one(f"#{key}", Checkbox).value = True
        await settle(pilot, form)
        assert form.built is not None, form.build_error
        assert form.query_one("#stoppable", Checkbox).disabled  # copies are deleted instead
        body = yaml.safe_load(form.built.preview_yaml)
        debugger = next(
            c for c in body["spec"]["containers"] if c["name"] == form.built.container_name
        )
        assert {"name": "GREETING", "value": "hello-from-target"} in debugger["env"]
        assert [m["mountPath"] for m in debugger["volumeMounts"]] == ["/data", "/conf/app.ini"]
        assert "volumes: 2 mount(s) of app shared" in text_of(form, "#notes")
        form.query_one("#mode-node", RadioButton).value = True
        await settle(pilot, form)
        assert form.query_one("#share-env", Checkbox).disabled  # nothing to share from
        assert form.built is not None, form.build_error


async def test_extras_are_remembered_choices_and_the_preview_says_what_each_adds(
    sandbox: Any, kubeconfig: Path
) -> None:
    from kdebug_tui.debug_choices import DebugChoices, load_choices

    async with running_app(kubeconfig) as (app, pilot):
        pod = await make_target(app, "tf-remember")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#image", Input).value = "busybox:1.36"
        await settle(pilot, form)
        assert form.built is not None, form.build_error
        assert (
            form.built.notes == ()
            and "command"
            not in yaml.safe_load(form.built.preview_yaml)["spec"]["ephemeralContainers"][0]
        )
        for key in ("share-env", "stoppable"):
            form.query_one(f"#{key}", Checkbox).value = True
        form.query_one("#command", Input).value = "sh"
        await settle(pilot, form)
        assert load_choices() == DebugChoices(share_env=True, stoppable=True)
        assert form.built is not None, form.build_error
        preview = form.built.preview_yaml
        assert "# env: 1 variable(s)" in preview  # what share env adds
        assert "# stoppable (your choice): adds an sh wrapper" in preview
        await pilot.press("escape")
        await pilot.pause()

        again = await open_form(app, pilot, pod=pod, container="app")
        assert again.query_one("#share-env", Checkbox).value
        assert again.query_one("#stoppable", Checkbox).value
        assert not again.query_one("#same-user", Checkbox).value
        await settle(pilot, again)
        assert again.built is not None, again.build_error
        # remembered, but without a command the image's entrypoint runs: the preview says so
        assert again.built.stop_file is None
        assert any("not stoppable" in w for w in again.built.warnings)
