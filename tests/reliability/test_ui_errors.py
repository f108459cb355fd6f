"""UI answers to cluster faults: the RBAC fix to copy, the waiting hint, bounded requests.

- A 403 RBAC refusal shows `KubeError.snippet` (Role + RoleBinding) in the error dialog,
  `c` copies it (also reached from the notification with ctrl+e).
- An image pull error while waiting shows `ProgressEvent.hint` under the waiting line.
- The orphan query of `ui/sessions/cleanup.py` has a timeout (it hung on a stalled server).
- A request slower than its timeout ends in a "Timed out" message while the
  app keeps handling keys.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from kdebug_tui.kube.debug import DebugRequest
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.ui.common.error_screen import ErrorScreen
from kdebug_tui.ui.sessions.actions import start_debug
from kdebug_tui.ui.sessions.cleanup import CleanupRegistry, find_orphans
from tests.ui.flow_helpers import open_form, running_app, submitted_pane, wait_until

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> float:
    """Every REST request of the session times out after 0.5 s (the default is 30 s)."""
    defaults = dict(KubeSession.request.__kwdefaults__ or {})
    defaults["request_timeout"] = 0.5
    monkeypatch.setattr(KubeSession.request, "__kwdefaults__", defaults)
    json_defaults = dict(KubeSession.request_json.__kwdefaults__ or {})
    json_defaults["request_timeout"] = 0.5
    monkeypatch.setattr(KubeSession.request_json, "__kwdefaults__", json_defaults)
    return 0.5


def notifications(app: Any) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_forbidden_shows_the_role_to_copy(sandbox: Any, kubeconfig: Path) -> None:
    async with running_app(kubeconfig, context="sandbox-viewer") as (app, pilot):
        with pytest.raises(KubeError) as info:
            await app.services.delete_pod("default", "multi")
        error = info.value
        assert error.status == 403 and error.snippet and "kind: Role" in error.snippet
        app.notify_error(error)
        await pilot.pause()
        assert "ctrl+e" in notifications(app)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the error dialog")
        dialog = app.screen
        assert isinstance(dialog, ErrorScreen)
        shown = str(dialog.query_one("#error-snippet-text", Static).render())
        assert "kind: Role" in shown and "delete" in shown
        await pilot.press("c")
        assert app.clipboard == dialog.snippet
        assert "kind: RoleBinding" in app.clipboard
        await pilot.press("escape")
        # show_error (the dialog straight away) carries it too.
        app.show_error(error)
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the dialog")
        again = app.screen
        assert isinstance(again, ErrorScreen) and again.snippet == dialog.snippet


async def test_pull_error_hint_is_shown_under_the_waiting_line(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        request = DebugRequest(
            mode="ephemeral",
            namespace="default",
            pod_name="web-distroless",
            image="registry.invalid/nothing:1",
            target="app",
        )
        start_debug(app, request)
        pane = await submitted_pane(app, pilot)
        await wait_until(
            pilot,
            lambda: any("ErrImagePull" in line for line in pane.progress_lines),
            lambda: f"the pull error: {pane.progress_lines}",
        )
        lines = pane.progress_lines
        at = next(i for i, line in enumerate(lines) if "ErrImagePull" in line)
        assert at + 1 < len(lines) and lines[at + 1].startswith("  hint: "), lines
        shown = str(pane.query_one("#pane-progress", Static).render())
        assert "hint:" in shown


async def test_orphan_query_of_the_cleanup_has_a_timeout(
    sandbox: Any, kubeconfig: Path, short_timeouts: float
) -> None:
    async with await KubeSession.open(str(kubeconfig)) as session:
        sandbox.faults.delay("list", "pods", 20, times=2)
        started = time.monotonic()
        with pytest.raises(KubeError) as info:
            await asyncio.wait_for(find_orphans(session, CleanupRegistry()), 10)
        assert info.value.title == "Timed out", info.value.describe()
        assert time.monotonic() - started < 5


async def test_slow_get_times_out_while_keys_still_work(
    sandbox: Any, kubeconfig: Path, short_timeouts: float
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        # A slow GET behind the describe view: keys are handled meanwhile; a timeout shows.
        await wait_until(pilot, lambda: app.services.store.by_name("default", "multi"), "pods")
        sandbox.faults.delay("get", "pods", 20, times=5)
        app.run_worker(app.services.get_pod("default", "multi"), exit_on_error=False)
        await pilot.press("question_mark")  # handled while the request hangs
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Timed out" in notifications(app), notifications(app))
        sandbox.faults.clear()
        await pilot.press("D")  # and the app goes on: the next request works
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DescribeScreen", "describe")


async def test_hung_attach_handshake_times_out_in_its_pane(
    sandbox: Any, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kdebug_tui.kube.attach import _StreamBackend
    from kdebug_tui.ui.sessions.actions import open_attach
    from tests.ui.flow_helpers import sessions

    # The websocket handshake's deadline (30 s by default) down to 0.5 s.
    defaults = dict(_StreamBackend.__init__.__kwdefaults__ or {})
    defaults["connect_timeout"] = 0.5
    monkeypatch.setattr(_StreamBackend.__init__, "__kwdefaults__", defaults)
    async with running_app(kubeconfig) as (app, pilot):
        tty_pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "tty", "namespace": "default"},
            "spec": {
                "containers": [{"name": "sh", "image": "busybox:1.36", "stdin": True, "tty": True}]
            },
        }
        session = app.services.session
        await session.request_json("POST", "/api/v1/namespaces/default/pods", body=tty_pod)
        uid = sandbox.cluster.get_pod("default", "tty")["metadata"]["uid"]
        await sandbox.runtime.wait_for(uid, "sh", lambda s: "running" in s.state, within=20)
        sandbox.faults.delay("get", "pods/attach", 20, times=5)
        sandbox.faults.delay("create", "pods/attach", 20, times=5)
        open_attach(app, "default", "tty", "sh")
        pane = await submitted_pane(app, pilot)
        await wait_until(
            pilot,
            lambda: "Timed out" in pane.screen_text() or "Timed out" in notifications(app),
            lambda: f"a timeout: {pane.state} {pane.screen_text()!r} {notifications(app)}",
            limit=20,
        )
        assert sessions(app).panes == [pane]


async def test_forbidden_submit_offers_the_role_to_copy_in_the_form(
    sandbox: Any, kubeconfig: Path
) -> None:
    from textual.widgets import Button

    async with running_app(kubeconfig, context="sandbox-viewer") as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        copy_role = form.query_one("#copy-role", Button)
        assert not copy_role.display
        assert form.built is not None and form.request is not None
        form._submit(form.request, form.built)  # even if pre-flight saw it coming
        error = form.query_one("#submit-error", Static)
        await wait_until(pilot, lambda: "kind: Role" in str(error.render()), "the refusal")
        await wait_until(pilot, lambda: copy_role.display, "the copy button")
        await pilot.click("#copy-role")
        assert "kind: Role" in app.clipboard and "ephemeralcontainers" in app.clipboard
        assert app.screen is form


async def test_a_slow_patch_says_how_long_it_has_waited(
    sandbox: Any, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API server (or admission webhook) that takes its time: the form says so while it
    waits instead of showing "Sending…" for up to a minute, then goes on to the session."""
    from kdebug_tui.ui.debug import submit as debug_submit

    monkeypatch.setattr(debug_submit, "SLOW_SEND_SECONDS", 1)
    async with running_app(kubeconfig) as (app, pilot):
        pod = await app.services.get_pod("default", "web-distroless")
        form = await open_form(app, pilot, pod=pod, container="app")
        sandbox.faults.delay("patch", "pods/ephemeralcontainers", 4)
        await pilot.press("ctrl+s")
        status = form.query_one("#submit-error", Static)
        await wait_until(
            pilot,
            lambda: "no answer from the API server for" in str(status.render()),
            lambda: f"the slow-send note, got {str(status.render())!r}",
        )
        assert "PATCH ephemeralcontainers" in str(status.render())
        await submitted_pane(app, pilot)  # the delayed PATCH went through after all
