"""`s` (a shell in an app container, or the offer of a debug container when it has none),
port-forward to a Service from the list and pods' usage columns, through the real app."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from kdebug_tui.ui.debug.form import DebugFormScreen
from kdebug_tui.ui.resources.forwards import ForwardsScreen, PortForwardForm, forwards_of
from kdebug_tui.ui.resources.screen import ResourcesScreen
from kdebug_tui.ui.resources.shell import NoShellScreen
from kdebug_tui.ui.sessions.screen import SessionsScreen
from tests.sandbox.workload_helpers import demo_apps_settled
from tests.ui.app_support import SIZE, make_app, wait_for
from tests.ui.test_resources import _headers, _open, _row, _screen


async def _pods_of(pilot: Any, app: Any, word: str, name: str, count: int) -> ResourcesScreen:
    screen = await _open(pilot, app, word)
    await wait_for(pilot, lambda: name in screen.visible_names(), name)
    screen.query_one("DataTable").move_cursor(row=screen.visible_names().index(name))
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is not screen, f"the pods of {name}")
    pods = _screen(app)
    await wait_for(pilot, lambda: len(pods.visible_names()) == count, f"{count} pods")
    return pods


async def test_s_opens_a_shell_pane_in_an_app_container(sandbox: Any, kubeconfig: Path) -> None:
    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        await _pods_of(pilot, app, "sts", "db", 1)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen), "the sessions")
        pane = app.screen.query("SessionPane").last()
        assert pane.target.kind == "exec" and pane.target.container == "postgres"
        await wait_for(pilot, lambda: pane.state == "terminal", "the shell's terminal")
        await pilot.press(*"echo ok-$((20+22))", "enter")
        await wait_for(pilot, lambda: "ok-42" in pane.screen_text(), "the shell's answer", 30)


async def test_s_on_a_distroless_container_offers_a_debug_container(
    sandbox: Any, kubeconfig: Path
) -> None:
    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        await _pods_of(pilot, app, "deploy", "frontend", 2)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, NoShellScreen), "no shell")
        said = str(app.screen.query_one("#noshell-message").render())
        assert "container web of shop/frontend-" in said and "has no shell" in said
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the debug form")
        form = app.screen
        assert isinstance(form, DebugFormScreen)
        assert form.mode == "ephemeral"


async def test_port_forward_to_a_service_listed_and_stopped(sandbox: Any, kubeconfig: Path) -> None:
    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "svc")
        await wait_for(pilot, lambda: "frontend" in screen.visible_names(), "frontend")
        screen.query_one("DataTable").move_cursor(row=screen.visible_names().index("frontend"))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, PortForwardForm), "the form")
        assert app.screen.query_one("#pf-remote").value == "80"
        await pilot.press("enter")
        registry = forwards_of(app)
        await wait_for(pilot, lambda: registry.list(), "a running forward")
        pf = registry.list()[0]
        assert pf.address == "127.0.0.1" and pf.remote_port == 8080
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{pf.local_port}/") as resp,
        ):
            assert resp.status < 500
            await resp.read()
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ForwardsScreen), "the list")
        forwards = app.screen
        await wait_for(pilot, lambda: forwards.query_one("DataTable").row_count == 1, "one row")
        await pilot.press("x")
        await wait_for(pilot, lambda: not registry.list(), "the forward stopped")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", pf.local_port)
        except OSError:
            pass
        else:
            writer.close()
            raise AssertionError("the stopped forward still accepts connections")


async def test_bad_port_is_said_in_the_form(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "svc")
        await wait_for(pilot, lambda: "frontend" in screen.visible_names(), "frontend")
        screen.query_one("DataTable").move_cursor(row=screen.visible_names().index("frontend"))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, PortForwardForm), "the form")
        form = app.screen
        form.query_one("#pf-remote").value = "http"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "1 to 65535" in str(form.query_one("#pf-error").render()), "the error"
        )
        assert app.screen is form and not forwards_of(app).list()


async def test_pod_usage_columns_with_percent_of_requests_and_limits(
    sandbox: Any, kubeconfig: Path
) -> None:
    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        pods = await _pods_of(pilot, app, "deploy", "frontend", 2)
        await wait_for(pilot, lambda: "%MEM/L" in _headers(pods), "usage columns")
        heads = _headers(pods)
        assert heads[-6:] == ["CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R", "%MEM/L"]
        name = pods.visible_names()[0]
        await wait_for(pilot, lambda: _row(pods, name)[-6] != "n/a", "a usage sample")
        cells = _row(pods, name)
        assert cells[-6].endswith("m") and cells[-5].endswith("Mi")
        assert all(c.endswith("%") for c in cells[-4:])  # frontend sets requests and limits


async def test_s_on_the_pods_screen_opens_a_shell_and_readonly_hides_it(
    sandbox: Any, kubeconfig: Path
) -> None:
    from tests.ui.app_support import pods_screen, row_by_name

    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: row_by_name(app, "db-0") is not None, "db-0")
        await wait_for(pilot, lambda: row_by_name(app, "db-0").status == "Running", "running")
        pods_screen(app).table.select_uid(row_by_name(app, "db-0").uid)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionsScreen), "the sessions")
        pane = app.screen.query("SessionPane").last()
        assert pane.target.pod == "db-0" and pane.target.kind == "exec"
        await wait_for(pilot, lambda: pane.state == "terminal", "the shell")
    readonly = make_app(kubeconfig, namespace="shop", readonly=True)
    async with readonly.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: row_by_name(readonly, "db-0") is not None, "db-0")
        assert readonly.screen.check_action("shell", ()) is False


async def test_port_forward_to_a_pod_port(sandbox: Any, kubeconfig: Path) -> None:
    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        pods = await _pods_of(pilot, app, "deploy", "frontend", 2)
        pod = pods.visible_names()[0]
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, PortForwardForm), "the form")
        assert app.screen.query_one("#pf-remote").value == "8080"  # the declared port
        await pilot.press("enter")
        registry = forwards_of(app)
        await wait_for(pilot, lambda: registry.list(), "a running forward")
        pf = registry.list()[0]
        assert (pf.pod, pf.remote_port) == (pod, 8080)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{pf.local_port}/") as resp,
        ):
            assert resp.status < 500
        assert pf.connections >= 1
        assert f"port-forward {pf.label} stops" in app.before_quit()  # quitting asks first
