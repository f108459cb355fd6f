"""The debug form: where a node debug pod goes, and a failing pre-flight check on submit
(issue 12 items 5 and 6), through the real app on the sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from kdebug_tui.ui.common.confirm import ConfirmScreen
from tests.ui.flow_helpers import (
    click_when_laid_out,
    open_form,
    running_app,
    settle,
    wait_until,
)

pytestmark = pytest.mark.timeout(90)


def text_of(form: Any, selector: str) -> str:
    return str(form.query_one(selector, Static).render())


async def test_node_debug_pod_namespace_is_the_current_one_and_can_be_chosen(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        # Viewed kube-system, then all namespaces: kubectl would use the context's namespace.
        await app.services.switch(namespace="kube-system")
        await app.services.switch(namespace=None)
        node = (await app.services.list_nodes())[0]
        form = await open_form(app, pilot, pod=None, mode="node", node=node)
        box = form.query_one("#node-namespace", Input)
        assert box.value == "default"
        assert "context's namespace" in text_of(form, "#node-namespace-why")
        assert form.built is not None and form.built.namespace == "default"
        assert "goes to namespace default" in text_of(form, "#notes")

        box.value = "kube-system"
        await settle(pilot, form)
        assert form.built is not None and form.built.namespace == "kube-system"
        assert "namespace: kube-system" in form.built.preview_yaml
        assert "goes to namespace kube-system" in text_of(form, "#notes")

        box.value = "Not_A_Namespace"
        await settle(pilot, form)
        assert form.built is None and "not a namespace name" in text_of(form, "#findings")
        assert form.query_one("#submit", Button).disabled

        box.value = "kube-system"
        await settle(pilot, form)
        form.action_submit()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the node confirm")
        await click_when_laid_out(pilot, "#confirm-yes")

        await wait_until(
            pilot,
            lambda: any(
                m == "POST" and p == "/api/v1/namespaces/kube-system/pods"
                for m, p in sandbox.requests
            ),
            "the node pod POSTed to kube-system",
        )


async def test_a_failing_check_says_why_on_submit_and_offers_send_anyway(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig, context="sandbox-viewer") as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        await wait_until(pilot, lambda: form.findings, "pre-flight findings")
        assert any(f.code == "rbac" and f.level == "error" for f in form.findings)
        submit = form.query_one("#submit", Button)
        anyway = form.query_one("#send-anyway", Button)
        assert submit.disabled and anyway.display

        # ctrl+s is not silently ignored: it says which check blocks.
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not sent" in text_of(form, "#submit-error"), "why")
        said = text_of(form, "#submit-error")
        assert "rbac" in said and "ephemeralcontainers" in said and "Send anyway" in said
        assert app.screen is form
        sent = [r for r in sandbox.requests if r[0] == "PATCH" and "ephemeralcontainers" in r[1]]
        assert sent == []

        # Send anyway: a confirmation naming the check; No sends nothing.
        await click_when_laid_out(pilot, "#send-anyway")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "rbac" in confirm._title
        assert any("ephemeralcontainers" in line for line in confirm.lines)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form, "back to the form")
        assert not [r for r in sandbox.requests if r[0] == "PATCH" and "ephemeral" in r[1]]

        # Yes: the request is sent; the API server's refusal (403) shows in the form.
        await click_when_laid_out(pilot, "#send-anyway")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm")
        await click_when_laid_out(pilot, "#confirm-yes")
        await wait_until(
            pilot,
            lambda: [r for r in sandbox.requests if r[0] == "PATCH" and "ephemeral" in r[1]],
            "the PATCH sent",
        )
        await wait_until(
            pilot,
            lambda: "kind: Role" in text_of(form, "#submit-error"),
            lambda: f"the 403 explained, got {text_of(form, '#submit-error')}",
        )
        assert app.screen is form
