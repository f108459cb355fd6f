"""A static (mirror) pod is refused before anything is sent, through the real app.

Pre-flight's finding alone proves nothing about sending: this drives the debug form as a
user would (ctrl+s, a click on Submit) and asks the sandbox's request log whether a PATCH of
`pods/ephemeralcontainers` (or any write) for that pod ever arrived. The control case, the
same pod without the mirror annotation, must reach the sandbox, or the test could not fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Static

from tests.ui.flow_helpers import open_form, running_app, wait_until

MIRROR = "kubernetes.io/config.mirror"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _pod(name: str, annotations: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "annotations": annotations},
        "spec": {"containers": [{"name": "app", "image": "busybox", "command": ["sleep", "1d"]}]},
    }


def _writes_to(sandbox: Any, name: str) -> list[tuple[str, str]]:
    return [
        (method, path)
        for method, path in sandbox.requests
        if method in WRITES and f"/pods/{name}" in path
    ]


async def test_static_pod_submit_sends_nothing(sandbox: Any, kubeconfig: Path) -> None:
    sandbox.pods.create("default", _pod("r-static-ui", {MIRROR: "abc123"}))
    sandbox.pods.create("default", _pod("r-plain-ui", {}))
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "r-static-ui")
        form = await open_form(app, pilot, pod=pod, container="app")
        findings = str(form.query_one("#findings", Static).render())
        assert "static" in findings and "mirror" in findings, findings
        assert form.query_one("#submit", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.click("#submit")
        form.action_submit()
        await pilot.pause()
        assert app.screen is form
        assert not form.submitting
        assert _writes_to(sandbox, "r-static-ui") == []
        stored = sandbox.cluster.get_pod("default", "r-static-ui")
        assert not stored["spec"].get("ephemeralContainers")

        # Control: the same form for an ordinary pod does reach the sandbox.
        await app.pop_screen()
        plain = await app.services.get_pod("default", "r-plain-ui")
        form = await open_form(app, pilot, pod=plain, container="app")
        assert not form.query_one("#submit", Button).disabled
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                ("PATCH", "/api/v1/namespaces/default/pods/r-plain-ui/ephemeralcontainers")
                in sandbox.requests
            ),
            "the PATCH of the ordinary pod",
        )
