"""Submit failures are explained inside the form, which stays filled in: a 422 from the API
server lists each cause, a 403 for the viewer names the verb and resource. Read-only mode
refuses the form altogether."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from kdebug_tui.ui.screens.debug_form import DebugFormScreen
from tests.ui.flow_helpers import open_form, running_app, settle, wait_until

pytestmark = pytest.mark.timeout(60)


def submit_error(form: DebugFormScreen) -> str:
    return str(form.query_one("#submit-error", Static).render())


async def force_submit(pilot: Any, form: DebugFormScreen) -> str:
    """Send what the form built even if pre-flight advised against it (a stale check)."""
    assert form.built is not None and form.request is not None, form.build_error
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


async def test_422_causes_are_listed_inline_and_the_form_is_kept(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        form.query_one("#name", Input).value = "app"  # the regular container's name
        form.query_one("#command", Input).value = "sleep 5"
        await settle(pilot, form)
        text = await force_submit(pilot, form)
        assert "Duplicate value" in text and "name" in text
        assert app.screen is form, "the form stays open"
        assert form.query_one("#name", Input).value == "app"
        assert form.query_one("#command", Input).value == "sleep 5"
        stored = sandbox.cluster.get_pod("default", "web-distroless")
        assert not stored["spec"].get("ephemeralContainers"), "nothing was added"


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


async def test_pod_security_refusal_suggests_the_profile_that_fits(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("secure", "vault-0")
        form = await open_form(app, pilot, pod=pod, container="vault")
        assert form.request is not None and form.request.namespace == "secure"
        findings = str(form.query_one("#findings", Static).render())
        assert "restricted" in findings, findings
        text = await force_submit(pilot, form)
        assert "PodSecurity" in text and "'restricted' profile" in text
        assert app.screen is form


async def test_missing_ephemeral_containers_offer_copy_mode(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        sandbox.faults.fail("patch", "pods/ephemeralcontainers", status=404, bare=True)
        text = await force_submit(pilot, form)
        assert "not available" in text
        offer = form.query_one("#switch-copy", Button)
        assert offer.display
        await pilot.click("#switch-copy")
        await settle(pilot, form)
        assert form.mode == "copy" and form.built is not None and form.built.mode == "copy"
