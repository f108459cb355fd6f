"""The pods screen on a big sandbox: rows while the list is still arriving, a progress count,
filtering during the load, filters that narrow over earlier matches, the full pod for YAML."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.projection import PROJECTED
from kdebug_tui.sandbox import Sandbox
from kdebug_tui.ui.pods.screen import PodFilter
from tests.ui.app_support import SIZE, make_app, pod_names, pods_screen, wait_for

N = 1300


@pytest.fixture
async def big(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(port=0, workdir=tmp_path / "sb", demo=False, scale=N) as sb:
        yield sb


def _hold_later_pages(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Pod list pages after the first wait for the returned event (a slow server)."""
    import kdebug_tui.sandbox.handlers as handlers

    release = asyncio.Event()
    real_route = handlers.route

    async def route(sb: Any, request: Any, info: Any) -> Any:
        if info.verb == "list" and info.resource == "pods" and request.query.get("continue"):
            await release.wait()
        return await real_route(sb, request, info)

    monkeypatch.setattr(handlers, "route", route)
    return release


def _status(app: Any) -> str:
    return str(app.screen.query_one("#status").render())


async def test_first_page_paints_and_filters_while_the_rest_loads(
    big: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = _hold_later_pages(monkeypatch)
    app = make_app(big.write_kubeconfig(tmp_path / "kc"), all_namespaces=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(pod_names(app)) == 500, "the first page")
        await wait_for(pilot, lambda: "loading 500 of 1,300 pods" in _status(app), "progress")
        screen = pods_screen(app)
        # The user filters while later pages are still held by the server.
        await pilot.press("slash", *"svc-01")
        await wait_for(pilot, lambda: screen.filter_count >= 6, "the filter keys")
        shown = pod_names(app)
        assert shown and all("svc-01" in name for name in shown)
        release.set()
        await wait_for(pilot, lambda: len(app.services.store) == N, "the whole list")
        await wait_for(pilot, lambda: "loading" not in _status(app), "the load to end")
        wanted = PodFilter("svc-01")
        expected = sorted(
            (p["metadata"]["namespace"], p["metadata"]["name"])
            for p in app.services.store.pods()
            if wanted.matches(_row(p))
        )
        table = screen.table

        def got() -> list[tuple[str, str]]:
            return [(table.row_of(u).namespace, table.row_of(u).name) for u in table.uids()]

        # The table applies the last pages on its next (throttled) sync: wait for it.
        await wait_for(pilot, lambda: got() == expected, "every match of the filter")
        assert f"{len(expected)} shown" in _status(app)


async def test_a_narrowing_filter_only_tests_the_earlier_matches(
    big: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(big.write_kubeconfig(tmp_path / "kc"), all_namespaces=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(pod_names(app)) == N, "every pod", within=30)
        screen = pods_screen(app)
        table = screen.table
        looked_up: list[str] = []

        class CountingDict(dict):  # type: ignore[type-arg]
            def __getitem__(self, key: str) -> str:
                looked_up.append(key)
                return str(super().__getitem__(key))

        table._hay = CountingDict(table._hay)
        await pilot.press("slash", *"svc-1")
        await wait_for(pilot, lambda: screen.filter_count == 5, "filter svc-1")
        shown = set(table.uids())
        assert len(table._shown_hays) == len(shown) < N  # what a narrowing filter tests
        looked_up.clear()
        await pilot.press("1")  # "svc-11" narrows "svc-1": only the rows shown are tested
        await wait_for(pilot, lambda: screen.filter_count == 6, "filter svc-11")
        assert set(looked_up) <= shown  # no other pod's text was read
        assert len(table._shown_hays) == len(pod_names(app))
        assert 0 < len(pod_names(app)) < len(shown)
        assert all("svc-11" in name for name in pod_names(app))
        await pilot.press("backspace")  # widening: every pod's text again
        await wait_for(pilot, lambda: screen.filter_count == 7, "filter svc-1 again")
        assert set(table.uids()) == shown


async def test_yaml_shows_the_whole_pod_not_the_projection(sandbox: Any, kubeconfig: Path) -> None:
    from kdebug_tui.ui.views.yaml_view import YamlScreen

    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "multi" in pod_names(app), "the demo pods")
        screen = pods_screen(app)
        uid = next(u for u in screen.table.uids() if screen.table.row_of(u).name == "multi")
        screen.table.select_uid(uid)
        held = app.services.store.get(uid)
        assert PROJECTED in held["metadata"]["annotations"]
        assert "restartPolicy" not in held["spec"]
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, YamlScreen), "the YAML view")
        pod = app.screen.pod
        assert PROJECTED not in (pod["metadata"].get("annotations") or {})
        assert pod["spec"]["restartPolicy"] and pod["spec"]["dnsPolicy"]


def _row(pod: dict[str, Any]) -> Any:
    from kdebug_tui.kube.render import pod_row

    return pod_row(pod, 0.0)


async def test_triage_yaml_shows_the_whole_pod_too(sandbox: Any, kubeconfig: Path) -> None:
    from kdebug_tui.ui.triage.screen import TriageScreen
    from kdebug_tui.ui.views.yaml_view import YamlScreen

    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "already-debugged" in pod_names(app), "the demo pods")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        triage: Any = app.screen
        await wait_for(pilot, lambda: triage.selected is not None, "a debugger row")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, YamlScreen), "the YAML view")
        pod = app.screen.pod
        assert PROJECTED not in (pod["metadata"].get("annotations") or {})
        assert pod["spec"]["restartPolicy"]
