"""The generic resource lists through the real app on the sandbox: `:` prompt, kubectl's
columns, enter down to pods, describe/YAML with search, events order and filter, metrics."""

from __future__ import annotations

import asyncio
import json
from asyncio.subprocess import PIPE
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from kdebug_tui.kube.resources import KINDS
from kdebug_tui.ui.resources.screen import ResourcesScreen
from kdebug_tui.ui.resources.text_view import DescribeObjectScreen
from kdebug_tui.ui.views.yaml_view import YamlScreen
from tests.ui.app_support import SIZE, make_app, wait_for


def _screen(app: Any) -> ResourcesScreen:
    screen = app.screen
    assert isinstance(screen, ResourcesScreen), f"expected a resource list, got {screen!r}"
    return screen


async def _open(pilot: Any, app: Any, word: str) -> ResourcesScreen:
    await wait_for(pilot, lambda: app.services.connected.is_set(), "the connection")
    await pilot.press("colon", *word, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ResourcesScreen), f":{word}")
    screen = _screen(app)
    await wait_for(pilot, lambda: screen.live.is_set() and screen.visible_names(), "rows")
    return screen


def _headers(screen: ResourcesScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(c.label) for c in table.columns.values()]


def _row(screen: ResourcesScreen, name: str) -> list[str]:
    table = screen.query_one(DataTable)
    key = next(k for k in screen._shown if k.endswith("/" + name))
    return [str(c) for c in table.get_row(key)]


async def _kubectl(kubectl_path: str, kubeconfig: Path, *args: str) -> list[list[str]]:
    """kubectl as a child process; awaited, so the sandbox on this loop keeps answering."""
    proc = await asyncio.create_subprocess_exec(
        kubectl_path, "--kubeconfig", str(kubeconfig), *args, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return [line.split() for line in out.decode().splitlines()]


async def test_deployments_by_prompt_match_kubectl_and_enter_lists_their_pods(
    sandbox: Any, kubeconfig: Path, kubectl_path: str
) -> None:
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "deploy")
        assert screen.view.resource == "deployments"
        printed = await _kubectl(kubectl_path, kubeconfig, "get", "deploy", "-n", "shop")
        assert _headers(screen) == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        assert [" ".join(h) for h in [printed[0]]] == ["NAME READY UP-TO-DATE AVAILABLE AGE"]
        kubectl_rows = {r[0]: r[:4] for r in printed[1:]}
        await wait_for(
            pilot,
            lambda: _row(screen, "frontend")[:4] == kubectl_rows["frontend"],
            "frontend's cells as kubectl prints them",
        )
        # live: scaled through the API, the row follows the watch
        await app.services.session.request_json(
            "PATCH",
            KINDS["deployments"].path("shop", "frontend"),
            body={"spec": {"replicas": 3}},
            content_type="application/merge-patch+json",
            resource="deployments",
            namespace="shop",
        )
        await wait_for(
            pilot, lambda: _row(screen, "frontend")[1] in ("2/3", "3/3"), "READY out of 3"
        )
        await wait_for(pilot, lambda: _row(screen, "frontend")[1] == "3/3", "3/3", 30)
        # enter: the Deployment's pods, found through its ReplicaSet
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: app.screen is not screen and isinstance(app.screen, ResourcesScreen),
            "the pods of frontend",
        )
        pods = _screen(app)
        await wait_for(pilot, lambda: len(pods.visible_names()) == 3, "three frontend pods")
        assert all(name.startswith("frontend-") for name in pods.visible_names())
        assert "frontend" in pods.title_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back to the deployments")


async def test_unknown_kind_is_said_in_the_prompt(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.services.connected.is_set(), "the connection")
        await pilot.press("colon", *"frobs", "enter")
        await wait_for(
            pilot,
            lambda: "not a kind" in str(app.screen.query_one("#prompt-error").render()),
            "the prompt's message",
        )
        await pilot.press("escape")
        await pilot.press("colon", *"svc", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResourcesScreen), ":svc")
        screen = _screen(app)
        await wait_for(pilot, lambda: "frontend" in screen.visible_names(), "the frontend Service")
        assert _headers(screen)[:5] == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"]


async def test_nodes_metrics_describe_search_yaml_and_pods_on_the_node(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "no")
        assert screen.view.resource == "nodes"
        # metrics.k8s.io answers on the sandbox: usage and % of allocatable
        await wait_for(pilot, lambda: "%CPU" in _headers(screen), "the metrics columns")
        node = screen.visible_names()[0]
        cells = _row(screen, node)
        heads = _headers(screen)
        assert cells[heads.index("CPU")].endswith("m")
        assert cells[heads.index("%MEM")].endswith("%")
        # D: kubectl describe, searchable
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeObjectScreen), "describe")
        text = app.screen
        assert isinstance(text, DescribeObjectScreen)
        await wait_for(pilot, lambda: text.text.startswith("Name:"), "the description")
        assert node in text.lines[0]
        await pilot.press("slash", *"capacity", "enter")
        await wait_for(pilot, lambda: text.search.matches, "a match for capacity")
        first = text.search.current
        assert first is not None and "capacity" in text.lines[first].lower()
        assert text.search.status().startswith("/capacity: 1 of")
        if len(text.search.matches) > 1:
            await pilot.press("n")
            assert text.search.current != first
            await pilot.press("N")
        assert text.search.current == first
        await pilot.press("escape")
        # y: the node as YAML
        await pilot.press("y")
        await wait_for(
            pilot, lambda: isinstance(app.screen, YamlScreen) and app.screen.text, "YAML"
        )
        yaml = app.screen
        assert "kind: Node" in yaml.text and f"name: {node}" in yaml.text
        await pilot.press("slash", *"allocatable", "enter")
        await wait_for(pilot, lambda: yaml.search.matches, "allocatable in the YAML")
        assert yaml.view.current == yaml.search.current
        assert "allocatable" in yaml.view.lines[yaml.view.current or 0]
        await pilot.press("escape")
        # enter: the pods on this node (all namespaces: NAMESPACE column)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen, "pods on the node")
        pods = _screen(app)
        await wait_for(pilot, lambda: len(pods.visible_names()) > 1, "pods on the node")
        assert _headers(pods)[0] == "NAMESPACE"
        for key in pods._shown:
            assert pods.rows.objects[key]["spec"]["nodeName"] == node


async def test_d_on_a_node_opens_the_node_debug_form(sandbox: Any, kubeconfig: Path) -> None:
    from kdebug_tui.ui.debug.form import DebugFormScreen

    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "nodes")
        node = screen.visible_names()[0]
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DebugFormScreen), "the form")
        form = app.screen
        assert isinstance(form, DebugFormScreen)
        assert form.mode == "node" and form.node == node


async def test_events_cluster_wide_warnings_first_and_filtered_by_object(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "ev")
        assert screen.namespace is None  # cluster-wide whatever the current namespace
        types = [screen.rows.objects[k].get("type") for k in screen._shown]
        warnings = types.count("Warning")
        assert types[:warnings] == ["Warning"] * warnings
        namespaces = {screen.rows.objects[k]["metadata"]["namespace"] for k in screen._shown}
        assert len(namespaces) > 1
        await pilot.press("slash", *"deploy/frontend", "enter")
        await wait_for(
            pilot,
            lambda: (
                screen._shown
                and all(
                    screen.rows.objects[k]["involvedObject"]["name"] == "frontend"
                    for k in screen._shown
                )
            ),
            "only frontend's events",
        )
        await pilot.press("escape")
        await wait_for(
            pilot,
            lambda: not screen.rows.filter and len(screen._shown) == len(screen.rows.objects),
            "the filter cleared (every event shown; more may have come meanwhile)",
        )
        # the table's rows are in the list's order (rows re-added after the filter sorted in)
        table = screen.query_one(DataTable)
        assert table.row_count == len(screen._shown)
        for i, key in enumerate(screen._shown):
            assert table.get_row_at(i) == table.get_row(key)
        await pilot.press("escape")  # back to the pods; the prompt takes a filter as well
        await pilot.press("colon", *"ev svc/frontend", "enter")
        await wait_for(
            pilot,
            lambda: app.screen is not screen and isinstance(app.screen, ResourcesScreen),
            ":ev",
        )
        again = _screen(app)
        await wait_for(pilot, lambda: again.rows.filter == "svc/frontend", "the filter")
        await wait_for(pilot, lambda: again.live.is_set(), "the list")
        assert all(
            again.rows.objects[k]["involvedObject"]["kind"] == "Service" for k in again._shown
        )


async def test_the_palette_lists_each_kind(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.services.connected.is_set(), "the connection")
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"List Deployments", "List Nodes", "List Events", "List Services"} <= set(titles)
        titles["List StatefulSets"].callback()
        await wait_for(pilot, lambda: isinstance(app.screen, ResourcesScreen), "the list")
        assert _screen(app).view.resource == "statefulsets"


def test_every_listed_kind_has_kubectl_headers() -> None:
    from kdebug_tui.ui.resources.kinds import VIEWS, view_for

    for word, resource in {
        "deploy": "deployments",
        "sts": "statefulsets",
        "ds": "daemonsets",
        "rs": "replicasets",
        "job": "jobs",
        "cj": "cronjobs",
        "no": "nodes",
        "svc": "services",
        "ev": "events",
        "po": "pods",
    }.items():
        view = view_for(word)
        assert view is not None and view.resource == resource
        assert view.kind is KINDS[resource]
    assert view_for("configmaps") is None
    assert set(VIEWS) >= {"deployments", "nodes", "events"}
    assert json.dumps(sorted(VIEWS))  # plain names only


async def test_pods_of_a_deployment_follow_a_rollout(sandbox: Any, kubeconfig: Path) -> None:
    """A new template makes a new ReplicaSet: its pods join the list (ownership re-resolved),
    the old ones leave it."""
    from tests.sandbox.workload_helpers import demo_apps_settled

    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "deploy")
        await wait_for(pilot, lambda: "frontend" in screen.visible_names(), "frontend")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen, "the pods of frontend")
        pods = _screen(app)
        await wait_for(pilot, lambda: len(pods.visible_names()) == 2, "two pods")
        before = set(pods.visible_names())
        old_hash = {name.split("-")[1] for name in before}
        assert len(old_hash) == 1
        await app.services.session.request_json(
            "PATCH",
            KINDS["deployments"].path("shop", "frontend"),
            body={"spec": {"template": {"metadata": {"annotations": {"rollout": "2"}}}}},
            content_type="application/merge-patch+json",
            resource="deployments",
            namespace="shop",
        )

        def rolled() -> bool:
            names = pods.visible_names()
            hashes = {name.split("-")[1] for name in names}
            return len(names) == 2 and not hashes & old_hash

        await wait_for(pilot, rolled, "the new ReplicaSet's pods only", 60)


async def test_describe_of_a_deployment_is_kubectl_describe(
    sandbox: Any, kubeconfig: Path, kubectl_path: str
) -> None:
    """D shows what `kubectl describe` prints for the same object (both read again until
    they agree: ages and counts move between two reads)."""
    from tests.sandbox.workload_helpers import demo_apps_settled

    await demo_apps_settled(sandbox)
    app = make_app(kubeconfig, namespace="shop")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app, "deploy")
        await wait_for(pilot, lambda: "frontend" in screen.visible_names(), "frontend")
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DescribeObjectScreen), "describe")
        text = app.screen
        assert isinstance(text, DescribeObjectScreen)
        for _ in range(10):
            await wait_for(pilot, lambda: text.text.startswith("Name:"), "the description")
            proc = await asyncio.create_subprocess_exec(
                kubectl_path,
                "--kubeconfig",
                str(kubeconfig),
                "describe",
                "deployment",
                "frontend",
                "-n",
                "shop",
                stdout=PIPE,
                stderr=PIPE,
            )
            out, _ = await asyncio.wait_for(proc.communicate(), 60)
            expected = out.decode().rstrip("\n")
            if text.text.rstrip("\n") == expected:
                break
            text.text = ""
            await pilot.press("r")
        else:
            assert text.text.rstrip("\n") == expected
