"""Triage across contexts: two sandboxes in one kubeconfig, one of them failing, over HTTPS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kdebug_tui.kube.triage_contexts import ContextResult, triage_all_contexts
from kdebug_tui.sandbox import Sandbox
from kdebug_tui.sandbox.demo import OLD_DEBUGGER
from kdebug_tui.sandbox.kubeconfig import kubeconfig_dict
from kdebug_tui.sandbox.tls import ca_data


@pytest.fixture
async def slow(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(port=0, workdir=tmp_path / "slow", demo=False, scale=10) as sb:
        yield sb


def _merged(tmp_path: Path, named: dict[str, tuple[Sandbox, str]]) -> Path:
    """A kubeconfig with one context (and cluster, and user) per entry: name -> (sb, token)."""
    config: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", "clusters": [], "users": []}
    config["contexts"] = []
    for name, (sb, token) in named.items():
        assert sb.ca_file is not None
        one = kubeconfig_dict(sb.url, token, token, "default", ca_data(sb.ca_file))
        cluster = one["clusters"][0]
        config["clusters"].append({"name": f"cluster-{name}", "cluster": cluster["cluster"]})
        config["users"].append({"name": f"user-{name}", "user": {"token": token}})
        context = {"cluster": f"cluster-{name}", "user": f"user-{name}", "namespace": "default"}
        config["contexts"].append({"name": name, "context": context})
    config["current-context"] = next(iter(named))
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    path.chmod(0o600)
    return path


async def test_every_context_at_once_one_failing_does_not_block_the_others(
    sandbox: Any, slow: Sandbox, tmp_path: Path
) -> None:
    slow.faults.delay("list", "pods", 60.0, times=5)  # never answers within the deadline
    kubeconfig = _merged(
        tmp_path,
        {
            "alpha": (sandbox, sandbox.admin_token),
            "beta": (slow, slow.admin_token),
            "gamma": (sandbox, "not-a-token"),
        },
    )
    finished: list[str] = []

    def done(result: ContextResult) -> None:
        finished.append(result.context)

    results = await triage_all_contexts(kubeconfig, deadline=3.0, on_done=done)
    by_name = {r.context: r for r in results}
    assert [r.context for r in results] == ["alpha", "beta", "gamma"]
    alpha = by_name["alpha"]
    assert alpha.state == "ok" and alpha.pods >= 6
    debuggers = {(r.row.pod, r.row.name) for r in alpha.rows}
    assert ("already-debugged", OLD_DEBUGGER["name"]) in debuggers
    assert all(r.context == "alpha" and r.cluster == "cluster-alpha" for r in alpha.rows)
    # The slow cluster fails on its own deadline; the others were done before it.
    beta = by_name["beta"]
    assert beta.state == "failed" and "no answer within 3 s" in beta.error
    assert finished[-1] == "beta"
    gamma = by_name["gamma"]
    assert gamma.state == "failed" and "nauthorized" in gamma.error
    assert gamma.rows == []


async def test_the_all_contexts_view_shows_each_cluster_and_the_failing_one(
    sandbox: Any, tmp_path: Path
) -> None:
    from kdebug_tui.ui.triage.contexts import AllContextsTriageScreen
    from tests.ui.app_support import SIZE, make_app, wait_for

    kubeconfig = _merged(
        tmp_path,
        {"alpha": (sandbox, sandbox.admin_token), "gamma": (sandbox, "not-a-token")},
    )
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.services.watch_state == "live", "the pods")
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, AllContextsTriageScreen), "view")
        screen: Any = app.screen
        await wait_for(pilot, lambda: screen.finished == 2, "both contexts")
        table = screen.query_one("DataTable")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["alpha", "default", "already-debugged", OLD_DEBUGGER["name"]] in [
            r[:4] for r in rows
        ]
        assert all(r[0] == "alpha" for r in rows)
        state = str(screen.query_one("#contexts-state").render())
        assert "gamma: FAILED" in state and "alpha: 1 debuggers" in state
