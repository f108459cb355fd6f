"""Watch recovery keeps the user's place: selection and scroll position survive re-lists.

60 pods created through the API next to the demo's, plus 40 with ephemeral containers (for
the triage view);
the user scrolls down and selects one; every watch then expires (410, twice in a row: each
expiry makes every resourceVersion too old, so the watch re-lists). The same row stays
selected and the view does not jump.
"""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.triage.screen import TriageScreen
from tests.ui.app_support import pods_screen, wait_for

pytestmark = pytest.mark.timeout(120)


def pod_body(name: str) -> dict[str, Any]:
    # An image that is never pulled: no process per pod, the status still changes (backoff).
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "registry.invalid/app:1"}]},
    }


def with_ephemeral(pod: dict[str, Any], index: int) -> dict[str, Any]:
    pod = copy.deepcopy(pod)
    name = f"debugger-{index:03d}"
    pod["spec"]["ephemeralContainers"] = [
        {"name": name, "image": "busybox:1.36", "targetContainerName": "app"}
    ]
    pod["status"]["ephemeralContainerStatuses"] = [
        {
            "name": name,
            "image": "busybox:1.36",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed"}},
        }
    ]
    return pod


async def expire_twice(app: KdebugApp, sb: Any, pilot: Any, relists: list[int]) -> None:
    for _ in range(2):
        seen = len(relists)

        def relisted(n: int = seen) -> bool:
            return len(relists) > n

        sb.faults.expire_watches()
        # Changes while the watch was down arrive with the re-list: a row above the view
        # changes (another debug container for the first pod, so rows also shift).
        first = copy.deepcopy(sb.cluster.get_pod("default", "dbg-000"))
        extra = with_ephemeral(first, 900 + len(relists))
        first["spec"].setdefault("ephemeralContainers", [])
        first["spec"]["ephemeralContainers"] += extra["spec"]["ephemeralContainers"]
        statuses = first["status"].setdefault("ephemeralContainerStatuses", [])
        statuses += extra["status"]["ephemeralContainerStatuses"]
        sb.cluster.replace("pods", first)
        await wait_for(pilot, relisted, "a re-list after the 410", 30)
        await pilot.pause(0.2)


async def test_relists_keep_selection_and_scroll(sandbox: Any, kubeconfig: Path) -> None:
    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
    relists: list[int] = []
    async with app.run_test(size=(140, 30)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), 30)
        session = app.services.session
        for i in range(60):
            await session.request_json(
                "POST", "/api/v1/namespaces/default/pods", body=pod_body(f"pod-{i:03d}")
            )
        # 40 more with a finished ephemeral container each (what triage lists).
        for i in range(40):
            name = f"dbg-{i:03d}"
            await session.request_json(
                "POST", "/api/v1/namespaces/default/pods", body=pod_body(name)
            )
            stored = sandbox.cluster.get_pod("default", name)
            sandbox.cluster.replace("pods", with_ephemeral(stored, i))

        original_apply = app.services.apply

        def counting_apply(update: Any) -> set[str]:
            if getattr(update, "kind", "") == "RELISTED":
                relists.append(1)
            return original_apply(update)

        app.services.apply = counting_apply  # type: ignore[method-assign]
        table = pods_screen(app).table
        await wait_for(pilot, lambda: table.row_count >= 100, "100 pods in the table", 30)

        # Scroll well down and select a row in the middle of the view.
        table.focus()
        await pilot.press("end")
        await pilot.press(*["up"] * 5)
        await pilot.pause()
        chosen = table.selected_uid
        top = table.scroll_offset.y
        assert chosen is not None and top > 20, (chosen, top)
        await expire_twice(app, sandbox, pilot, relists)
        assert table.selected_uid == chosen, "the selection survived the re-lists"
        await wait_for(pilot, lambda: table.scroll_offset.y == top, "the same scroll", 5)

        # The triage view: same.
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await wait_for(pilot, lambda: triage.table.row_count >= 40, "40 debug containers", 30)
        triage.table.focus()
        triage.table.move_cursor(row=triage.table.row_count - 1, animate=False)
        await pilot.pause(0.2)
        # Mid-view (not at an edge): a re-render that only keeps the cursor visible moves it.
        triage.table.move_cursor(row=triage.table.row_count - 6, animate=False)
        await pilot.pause(0.2)
        key = triage.selected_key
        top = triage.table.scroll_offset.y
        on_screen = triage.table.cursor_row - top
        assert key is not None and top > 5, (key, top)
        await expire_twice(app, sandbox, pilot, relists)
        assert triage.selected_key == key, "the triage selection survived"
        # Rows were added above it: the selected row keeps its place on screen.
        rows = triage.table
        await wait_for(  # it settles within a few frames (the table sizes new rows on idle)
            pilot,
            lambda: rows.cursor_row - rows.scroll_offset.y == on_screen,
            f"the selected row back on line {on_screen} of the view",
            5,
        )


async def test_stalled_and_failing_watches_recover_keeping_the_selection(
    sandbox: Any, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A watch that goes silent (inactivity: 1 s here, 120 s by default) and then fails twice
    (500) reconnects by itself; the pods created meanwhile appear; the selection stays."""
    from functools import partial

    from kdebug_tui.kube import watch

    monkeypatch.setattr(
        watch, "WatchOptions", partial(watch.WatchOptions, inactivity_timeout=1.5, backoff_base=0.1)
    )
    sandbox.watch_settings.bookmark_interval = 0.3  # a healthy watch is never idle for 1.5 s
    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
    messages: list[str] = []
    async with app.run_test(size=(140, 30)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), 30)
        original = app.services._set_watch_state

        def record(state: str, message: str) -> None:
            messages.append(f"{state}: {message}")
            original(state, message)

        app.services._set_watch_state = record  # type: ignore[method-assign]
        table = pods_screen(app).table
        await wait_for(pilot, lambda: table.row_count >= 5, "the demo pods")
        table.focus()
        await pilot.press("down", "down")
        chosen = table.selected_uid
        assert chosen is not None
        session = app.services.session
        sandbox.faults.stall_watches()
        await wait_for(pilot, lambda: any("no events" in m for m in messages), "the stall seen", 10)
        sandbox.faults.clear()
        await session.request_json(
            "POST", "/api/v1/namespaces/default/pods", body=pod_body("during-stall")
        )
        names = lambda: {table.row_of(uid).name for uid in table.uids()}  # noqa: E731
        await wait_for(pilot, lambda: "during-stall" in names(), "the pod after the stall", 20)
        assert table.selected_uid == chosen
        sandbox.faults.fail("watch", "pods", status=500, times=2)
        sandbox.faults.expire_watches()
        await session.request_json(
            "POST", "/api/v1/namespaces/default/pods", body=pod_body("during-errors")
        )
        await wait_for(pilot, lambda: "during-errors" in names(), "the pod after errors", 20)
        await wait_for(pilot, lambda: app.services.watch_state == "live", "live again", 20)
        assert table.selected_uid == chosen
