"""The debug form's defaults send what `kubectl debug` sends with the same flags.

A new user who opens the form on a pod and submits it without changing anything must get
kubectl's debugger: the image's own entrypoint, `-it`, `--target` the chosen container,
profile general, nothing extra in the pod. The form is the real one (`App.run_test()`), its
body is injected into a sandbox pod next to kubectl's, and the stored entries compared.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.app import App

from kdebug_tui.config import Settings
from kdebug_tui.kube.inject import inject
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.ui.debug.form import DebugFormScreen
from tests.kube.canon import canonical_container, diff
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.test_parity import get, home, kubectl  # noqa: F401

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.kubectl]
shared_sandbox, shared_kube = shared_sandbox_fixtures()


class _Host(App[None]):
    def __init__(self, form: DebugFormScreen) -> None:
        super().__init__()
        self.services = SimpleNamespace(readonly=False, settings=Settings(), session=None)
        self.form = form

    def on_mount(self) -> None:
        self.push_screen(self.form)


async def _form_default(pod: dict[str, Any], container: str) -> Any:
    form = DebugFormScreen(pod=pod, container=container)
    async with _Host(form).run_test(size=(160, 50)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if form._preview_timer is None and form.built is not None:
                break
        assert form.built is not None, form.build_error
        return form.built


async def test_the_forms_defaults_are_kubectls_body(
    shared_kube: KubeSession,
    kubectl_path: str,
    home: Path,  # noqa: F811
) -> None:
    pod = await get(shared_kube, "/api/v1/namespaces/default/pods/multi")
    built = await _form_default(pod, "sidecar")
    assert built.notes == () and built.stop_file is None  # no extra was added
    assert not [w for w in built.warnings if "stoppable" in w or "share" in w], built.warnings
    image = built.body["spec"]["ephemeralContainers"][0]["image"]
    await kubectl(
        kubectl_path, shared_kube.kubeconfig_path, home,  # type: ignore[attr-defined]
        "-n", "default", "debug", "multi", f"--image={image}", "--target=sidecar",
        "--profile=general", "-it", "-c", "kc-form", "--attach=false",
    )  # fmt: skip
    stored = await inject(shared_kube, built)
    entries = {c["name"]: c for c in stored["spec"]["ephemeralContainers"]}
    theirs = canonical_container({**entries["kc-form"], "name": "X"})
    ours = canonical_container({**entries[built.container_name], "name": "X"})
    sent = canonical_container({**built.body["spec"]["ephemeralContainers"][0], "name": "X"})
    assert diff(ours, theirs) == [] and diff(sent, theirs) == []
    assert "command" not in entries[built.container_name]  # the image's entrypoint runs
