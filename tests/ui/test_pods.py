"""The pods screen on the real sandbox: kubectl STATUS values, live updates, filter, sort,
context and namespace switches, permissions, 403s, read-only mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.message import Message

from kdebug_tui.ui.common.messages import (
    AccessChanged,
    ClusterChanged,
    PodsChanged,
    WatchStateChanged,
)
from kdebug_tui.ui.pods.screen import PodsScreen
from tests.ui.app_support import (
    SIZE,
    make_app,
    pod_names,
    pods_screen,
    row_by_name,
    simple_pod,
    status_of,
    wait_for,
)

DEMO_DEFAULT = {
    "web-distroless",
    "multi",
    "with-init",
    "crashloop",
    "completed",
    "already-debugged",
}


async def test_lists_demo_pods_with_kubectl_statuses(sandbox: Any, kubeconfig: Path) -> None:
    seen: list[Message] = []
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        assert isinstance(app.screen, PodsScreen)
        # Only the context's namespace ("default"): no NAMESPACE column, no shop pods.
        assert not pods_screen(app).table.show_namespace
        assert "redis-0" not in pod_names(app)
        await wait_for(
            pilot, lambda: row_by_name(app, "completed").status == "Completed", "Completed"
        )
        await wait_for(
            pilot,
            lambda: row_by_name(app, "crashloop").status in ("Error", "CrashLoopBackOff"),
            "crashloop to fail",
        )
        assert row_by_name(app, "multi").ready == "2/2"
        assert row_by_name(app, "web-distroless").status == "Running"
        await wait_for(pilot, lambda: app.services.watch_state == "live", "watch live")
        status = str(app.screen.query_one("#status").render())
        assert "live" in status and "pods" in status
    assert any(isinstance(m, PodsChanged) for m in seen)
    assert any(isinstance(m, ClusterChanged) and m.context == "sandbox-admin" for m in seen)
    states = [m.state for m in seen if isinstance(m, WatchStateChanged)]
    assert states[0] == "connecting" and "live" in states


async def test_init_status_shown_while_init_runs(
    sandbox: Any, kubeconfig: Path, tmp_path: Path
) -> None:
    """The init container waits for a file the test writes only once the row has shown
    Init:0/1, so the init phase lasts as long as the test needs whatever the machine's load
    (the demo's with-init pod inits for 1 s from the sandbox's start, often done before the
    app's first list)."""
    gate = tmp_path / "init-may-finish"
    pod = simple_pod("init-gated")
    pod["spec"]["initContainers"] = [
        {
            "name": "wait",
            "image": "busybox:1.36",
            "command": ["sh", "-c", f"until [ -e '{gate}' ]; do sleep 0.1; done"],
        }
    ]
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        await app.services.session.request_json("POST", "/api/v1/namespaces/default/pods", body=pod)
        await wait_for(pilot, lambda: status_of(app, "init-gated") == "Init:0/1", "the init status")
        gate.touch()
        await wait_for(pilot, lambda: status_of(app, "init-gated") == "Running", "it to run")


async def test_live_create_and_delete(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        table = pods_screen(app).table
        # Keep the cursor on "multi" while rows come and go around it.
        multi_uid = row_by_name(app, "multi").uid
        assert table.select_uid(multi_uid)
        session = app.services.session
        await session.request_json(
            "POST", "/api/v1/namespaces/default/pods", body=simple_pod("aaa-new")
        )
        await wait_for(pilot, lambda: "aaa-new" in pod_names(app), "the created pod")
        assert pod_names(app)[0] == "aaa-new"  # sorted by name: it went in above the cursor
        assert table.selected_uid == multi_uid
        await session.request_json("DELETE", "/api/v1/namespaces/default/pods/aaa-new")
        await wait_for(pilot, lambda: "aaa-new" not in pod_names(app), "the pod to go")
        assert table.selected_uid == multi_uid
        sandbox_pod = sandbox.cluster.get_pod("default", "completed")
        assert sandbox_pod is not None


async def test_filter_substring_regex_and_escape(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        await pilot.press("slash", *"crash")
        assert pod_names(app) == ["crashloop"]
        await pilot.press("enter")  # keeps the filter, back to the table
        assert app.screen.focused is pods_screen(app).table
        assert pod_names(app) == ["crashloop"]
        await pilot.press("slash", *["backspace"] * 5, *"^(multi|comp)")
        assert sorted(pod_names(app)) == ["completed", "multi"]
        await pilot.press("escape")
        assert set(pod_names(app)) >= DEMO_DEFAULT


async def test_sort_cycles_and_keeps_cursor(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        table = pods_screen(app).table
        assert pod_names(app) == sorted(pod_names(app))
        uid = row_by_name(app, "with-init").uid
        table.select_uid(uid)
        await pilot.press("o")
        assert table.sort_by == "status"
        from kdebug_tui.ui.pods.table import STATUS_RANK

        rows = [table.row_of(u) for u in table.uids()]
        keys = [(STATUS_RANK[r.status_class], r.status) for r in rows]
        assert keys == sorted(keys)  # failing first, then by status (issue 12 item 9)
        assert table.selected_uid == uid
        await pilot.press("o")
        assert table.sort_by == "restarts"
        await pilot.press("o", "o")
        assert table.sort_by == "name"


async def test_namespace_switch_and_all_namespaces(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        await pilot.press(*"shop", "enter")

        def shop_pods() -> set[str]:  # the demo's bare pods and its workloads' pods
            return {p["metadata"]["name"] for p in sandbox.cluster.list("pods", "shop")}

        await wait_for(
            pilot,
            lambda: set(pod_names(app)) == shop_pods() >= {"cart-7d9f", "redis-0", "db-0"},
            "the shop pods and no other",
        )
        assert app.services.namespace == "shop"
        await pilot.press("A")
        await wait_for(pilot, lambda: "vault-0" in pod_names(app), "all namespaces")
        assert pods_screen(app).table.show_namespace
        assert set(pod_names(app)) >= DEMO_DEFAULT


async def test_context_switch_changes_permission_summary(sandbox: Any, kubeconfig: Path) -> None:
    seen: list[Message] = []
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await wait_for(
            pilot, lambda: app.services.access_summary.startswith("can:"), "admin rights"
        )
        assert "debug" in app.services.access_summary
        await pilot.press("c")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        await pilot.press(*"viewer", "enter")
        await wait_for(
            pilot,
            lambda: "no patch on pods/ephemeralcontainers" in app.services.access_summary,
            "viewer summary",
        )
        assert app.services.context == "sandbox-viewer"
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "pods as viewer")
    changes = [m for m in seen if isinstance(m, AccessChanged)]
    assert changes[-1].can_debug is False


async def test_forbidden_delete_is_notified_not_crashing(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, context="sandbox-viewer")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        pods_screen(app).table.select_uid(row_by_name(app, "multi").uid)
        await pilot.press("delete")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", "confirm")
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: any(n.severity == "error" for n in app._notifications),
            "the 403 notification",
        )
        note = next(n for n in app._notifications if n.severity == "error")
        assert "forbidden" in (note.title + note.message).lower()
        assert "Traceback" not in note.message
        assert isinstance(app.screen, PodsScreen)
        assert sandbox.cluster.get_pod("default", "multi") is not None


async def test_readonly_hides_cluster_changing_actions(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        shown = {b.binding.action for b in app.active_bindings.values()}
        assert {"debug", "delete", "attach"}.isdisjoint(shown)
        assert {"logs", "yaml", "describe"} <= shown
        await pilot.press("delete")
        assert isinstance(app.screen, PodsScreen)  # no confirmation: the key does nothing
        header = app.screen.query_one("#header").render()
        assert "READ-ONLY" in str(header)


async def test_attach_and_node_debug_open_ui2_screens(sandbox: Any, kubeconfig: Path) -> None:
    """`a` on a running stdin+tty container opens a shell pane; `N` + a node opens the form."""
    from kdebug_tui.ui.debug.form import DebugFormScreen
    from kdebug_tui.ui.sessions.screen import SessionsScreen

    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        pod = simple_pod("tty-shell")
        pod["spec"]["containers"][0].update(command=["sh"], stdin=True, tty=True)
        await app.services.session.request_json("POST", "/api/v1/namespaces/default/pods", body=pod)
        await wait_for(
            pilot,
            lambda: status_of(app, "tty-shell") == "Running",
            "tty-shell to run",
        )
        pods_screen(app).table.select_uid(row_by_name(app, "tty-shell").uid)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen), "sessions")
        screen: Any = app.screen
        await wait_for(
            pilot, lambda: screen.panes and screen.panes[0].state == "terminal", "a live pane"
        )
        assert app.before_quit()  # an open session is something to warn about on quit
        await pilot.press("ctrl+backslash", "escape", "escape")  # leave the terminal, back
        await wait_for(pilot, lambda: isinstance(app.screen, PodsScreen), "back to pods")

        await pilot.press("N")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "nodes")
        picker: Any = app.screen
        assert picker.items == ["sandbox-node-1", "sandbox-node-2"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the form")
        form: Any = app.screen
        assert (form.mode, form.node) == ("node", "sandbox-node-1")


async def test_watch_expiry_relists_without_losing_rows_or_cursor(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: set(pod_names(app)) >= DEMO_DEFAULT, "the demo pods")
        table = pods_screen(app).table
        uid = row_by_name(app, "multi").uid
        table.select_uid(uid)
        epoch = app.services.epoch
        sandbox.faults.expire_watches()  # 410 Gone: the watch must re-list
        await app.services.session.request_json(
            "POST", "/api/v1/namespaces/default/pods", body=simple_pod("after-expiry")
        )
        await wait_for(pilot, lambda: "after-expiry" in pod_names(app), "the re-listed pod")
        assert set(pod_names(app)) >= DEMO_DEFAULT
        assert table.selected_uid == uid
        assert app.services.epoch == epoch  # same store, no reset
        await wait_for(pilot, lambda: app.services.watch_state == "live", "live again")
