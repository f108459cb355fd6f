"""What a pane shows between submit and shell, and when there is no shell to attach to:
waiting reasons as they change, cancel, a container that exits at once, attach to a
finished or tty-less container, and reattach after the attach stream dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kdebug_tui.ui.sessions.actions import open_attach
from tests.ui.flow_helpers import (
    dump,
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


async def submit_debug(
    app: Any, pilot: Any, pod_name: str, *, before: int = 0, **fields: str
) -> Any:
    pod = await app.services.get_pod("default", pod_name)
    form = await open_form(app, pilot, pod=pod, container=None)
    for field, value in fields.items():
        form.query_one(f"#{field}", Input).value = value
    await settle(pilot, form)
    form.action_submit()
    return await submitted_pane(app, pilot, before=before)


async def test_container_that_exits_at_once_shows_exit_code_and_logs(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pane = await submit_debug(
            app,
            pilot,
            "web-distroless",
            image="busybox:1.36",
            command="sh -c 'echo goodbye; exit 3'",
        )
        await wait_until(pilot, lambda: pane.state == "logs", lambda: dump(pane))
        await wait_until(pilot, lambda: "goodbye" in pane.screen_text(), "the logs")
        assert "exit code 3" in pane.screen_text()
        assert pane.screen_text().count("its logs:") == 1, pane.screen_text()
        assert "\ngoodbye" in pane.screen_text()  # its own line, under the header


async def test_attach_to_finished_and_to_tty_less_containers(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        await wait_until(
            pilot,
            lambda: (
                (p := sandbox.cluster.get_pod("default", "completed"))
                and p["status"].get("phase") == "Succeeded"
            ),
            "the completed pod",
        )
        open_attach(app, "default", "completed", "job")
        done = await submitted_pane(app, pilot)
        await wait_until(
            pilot, lambda: "report generated" in done.screen_text(), lambda: dump(done)
        )
        assert "exit code 0" in done.screen_text()

        open_attach(app, "default", "multi", "sidecar")
        tty_less = await submitted_pane(app, pilot, before=1)
        await wait_until(pilot, lambda: tty_less.state == "failed", lambda: dump(tty_less))
        assert "without stdin and tty" in tty_less.screen_text()
        tty_less.focus()
        await pilot.press("l")
        await wait_until(
            pilot, lambda: "shipping logs" in tty_less.screen_text(), "the sidecar's logs"
        )
        assert len(sessions(app).panes) == 2

        def crash_looping() -> bool:
            pod = sandbox.cluster.get_pod("default", "crashloop")
            status = (pod or {}).get("status", {}).get("containerStatuses") or [{}]
            return "waiting" in status[0].get("state", {}) and bool(
                status[0].get("lastState", {}).get("terminated")
            )

        await wait_until(pilot, crash_looping, "crashloop waiting to restart")
        open_attach(app, "default", "crashloop", "worker")
        crashing = await submitted_pane(app, pilot, before=2)
        await wait_until(pilot, lambda: crashing.state == "failed", lambda: dump(crashing))
        crashing.focus()
        await pilot.press("l")
        await wait_until(
            pilot,
            lambda: "fatal: cannot reach queue" in crashing.screen_text(),
            lambda: dump(crashing),
        )
        assert "previous run ended: Error, exit code 1" in crashing.screen_text()


async def test_dropped_attach_keeps_the_screen_and_r_reattaches(
    sandbox: Any, kubeconfig: Path
) -> None:
    async with running_app(kubeconfig) as (app, pilot):
        pane = await submit_debug(app, pilot, "web-distroless", image="busybox:1.36")
        await wait_for_shell(pilot, pane)
        await run_in_pane(pilot, pane, "echo before-drop-$((6*7))", "before-drop-42")
        sandbox.faults.drop_attach_after(0)  # the next attach drops at its first output
        pane.focus()
        await pilot.press("r")  # reattach (a new AttachSession in the same view)
        # busybox's shell redraws its prompt on the resize sent at attach: that first output
        # may already drop the stream, before anything is typed
        await wait_until(pilot, lambda: pane.state in ("terminal", "dropped"), lambda: dump(pane))
        view = pane.terminal
        assert view is not None
        if pane.state == "terminal":
            view.send_text("echo trigger\r")
        await wait_until(pilot, lambda: pane.state == "dropped", lambda: dump(pane))
        assert "connection lost" in pane.screen_text()
        assert "before-drop-42" in pane.screen_text() + view.emulator.scrollback_text()
        pane.focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: pane.state == "terminal", lambda: dump(pane))
        assert pane.terminal is view, "the same terminal, with its history"
        await run_in_pane(pilot, pane, "echo after-$((50+5))", "after-55")
        history = pane.screen_text() + view.emulator.scrollback_text()
        assert "before-drop-42" in history


async def test_waiting_reasons_cancel_and_timeout(
    sandbox: Any, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An image that cannot be pulled: each waiting reason shows as it happens; cancel says
    the ephemeral container stays; a wait that times out names the node."""
    from kdebug_tui.ui.sessions import flows

    monkeypatch.setattr(flows, "WAIT_TIMEOUT", 4.0)
    async with running_app(kubeconfig) as (app, pilot):
        pane = await submit_debug(app, pilot, "web-distroless", image="registry.invalid/nope:1")
        await wait_until(pilot, lambda: "ErrImagePull" in pane.screen_text(), lambda: dump(pane))
        assert "registry.invalid" in pane.screen_text(), "the kubelet's message is shown"
        pane.focus()
        await pilot.press("c")
        await wait_until(pilot, lambda: pane.state == "failed", "cancelled")
        assert "stays in the pod spec" in pane.screen_text()
        stored = sandbox.cluster.get_pod("default", "web-distroless")
        assert [c["name"] for c in stored["spec"]["ephemeralContainers"]] == [pane.target.container]

        await pilot.press("escape")  # back to the pod list, then debug again
        second = await submit_debug(
            app, pilot, "web-distroless", before=1, image="registry.invalid/slow:2"
        )
        assert second is not pane
        await wait_until(pilot, lambda: second.state == "failed", lambda: dump(second))
        text = second.screen_text()
        assert "did not start within 4 s" in text and "sandbox-node-1" in text, text
        assert "ErrImagePull" in text or "ImagePullBackOff" in text
