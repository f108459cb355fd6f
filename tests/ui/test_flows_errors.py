"""Submit failures are explained inside the form, which stays filled in: a 422 from the API
server lists each cause, a 403 for the viewer names the verb and resource. Read-only mode
refuses the form altogether."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from kdebug_tui.ui.debug.form import DebugFormScreen
from tests.ui.flow_helpers import open_form, running_app, settle, wait_until

pytestmark = pytest.mark.timeout(60)


def submit_error(form: DebugFormScreen) -> str:
    return str(form.query_one("#submit-error", Static).render())


async def force_submit(pilot: Any, form: DebugFormScreen) -> str:
    """Send what the form built even if pre-flight advised against it (a stale check)."""
    assert form.built is not None and form.request is not None, form.build_error
    form.query_one("#submit-error", Static).update("")
    form._submit(form.request, form.built)
    return str(
        await wait_until(
            pilot,
            lambda: (
                not form.submitting and "Sending" not in submit_error(form) and submit_error(form)
            ),
            "the submit error",
        )
    )


async def test_403_for_the_viewer_names_the_missing_permission(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig, context="sandbox-viewer") as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        findings = str(form.query_one("#findings", Static).render())
        if "ephemeralcontainers" in findings:  # pre-flight saw it coming
            assert form.query_one("#submit", Button).disabled
        text = await force_submit(pilot, form)
        assert "patch" in text and "pods/ephemeralcontainers" in text
        assert "kind: Role" in text, "an RBAC snippet the admin can apply"
        assert app.screen is form


async def test_readonly_app_refuses_the_form(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig, readonly=True) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        assert form.query_one("#submit", Button).disabled
        form.action_submit()
        await pilot.pause()
        assert app.screen is form
        assert not sandbox.cluster.get_pod("default", "web-distroless")["spec"].get(
            "ephemeralContainers"
        )


async def test_refusals_are_explained_inline_and_the_form_is_kept(
    sandbox: Any, kubeconfig: Path
) -> None:
    """One app, three refusals: a 422 with its causes, a PodSecurity 403 with the profile
    that fits, and a 404 for missing ephemeral containers with an offer of copy mode."""
    async with running_app(kubeconfig) as (app, pilot):
        # 422: the name of the regular container is taken.
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#name", Input).value = "app"
        form.query_one("#command", Input).value = "sleep 5"
        await settle(pilot, form)
        text = await force_submit(pilot, form)
        assert "Duplicate value" in text and "name" in text
        assert app.screen is form, "the form stays open"
        assert form.query_one("#name", Input).value == "app"
        assert form.query_one("#command", Input).value == "sleep 5"
        stored = sandbox.cluster.get_pod("default", "web-distroless")
        assert not stored["spec"].get("ephemeralContainers"), "nothing was added"

        # 404 without a name: the cluster has no ephemeral containers -> copy mode.
        form.query_one("#name", Input).value = "debugger-abcde"
        await settle(pilot, form)
        sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=404, bare=True)
        text = await force_submit(pilot, form)
        assert "not available" in text
        assert form.query_one("#switch-copy", Button).display
        await pilot.click("#switch-copy")
        await settle(pilot, form)
        assert form.mode == "copy" and form.built is not None and form.built.mode == "copy"
        form.action_cancel()
        await pilot.pause()

        # 403 from PodSecurity admission in a namespace that enforces "restricted".
        vault = await app.services.get_pod("secure", "vault-0")
        form = await open_form(app, pilot, pod=vault, container="vault")
        assert form.request is not None and form.request.namespace == "secure"
        assert "restricted" in str(form.query_one("#findings", Static).render())
        text = await force_submit(pilot, form)
        assert "PodSecurity" in text and "'restricted' profile" in text
        assert app.screen is form
