"""The list model without a cluster: reconciling by key from watch updates, order (events:
warnings first, newest first), the filter, owner re-resolution, and the usage columns
(hidden without metrics, "n/a" where there is no sample or no request/limit)."""

from __future__ import annotations

import time
from typing import Any

from kdebug_tui.kube.metrics import Usage
from kdebug_tui.kube.owners import PodQuery
from kdebug_tui.kube.watch import WatchState, WatchUpdate
from kdebug_tui.ui.resources.kinds import VIEWS
from kdebug_tui.ui.resources.model import ResourceRows

NOW = 1_700_000_000.0
LIVE = WatchState("live")


def _pod(name: str, *, owner: str = "rs-1", cpu: str | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "busybox"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}, "limits": {"cpu": cpu}}
    return {
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "shop",
            "uid": f"uid-{name}",
            "creationTimestamp": "2023-11-14T22:00:00Z",
            "ownerReferences": [{"uid": owner, "kind": "ReplicaSet", "name": owner}],
        },
        "spec": {"containers": [container]},
        "status": {"phase": "Running"},
    }


def _event(name: str, type_: str, seconds_ago: int, obj: str) -> dict[str, Any]:
    stamp = NOW - seconds_ago
    text = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
    return {
        "metadata": {"name": name, "namespace": "shop"},
        "type": type_,
        "reason": "R",
        "message": "m",
        "lastTimestamp": text,
        "involvedObject": {"kind": "Deployment", "name": obj, "namespace": "shop"},
    }


def test_updates_are_reconciled_by_key_and_deletes_go() -> None:
    rows = ResourceRows(VIEWS["pods"])
    rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=[_pod("b"), _pod("a")]))
    assert rows.visible(NOW) == ["shop/a", "shop/b"]
    changed = _pod("a")
    changed["status"]["phase"] = "Failed"
    assert rows.apply(WatchUpdate("MODIFIED", changed, LIVE))
    assert rows.objects["shop/a"]["status"]["phase"] == "Failed"
    assert rows.apply(WatchUpdate("DELETED", _pod("b"), LIVE))
    assert rows.visible(NOW) == ["shop/a"]
    assert not rows.apply(WatchUpdate("DELETED", _pod("zz"), LIVE))
    rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=[_pod("c")]))
    assert rows.visible(NOW) == ["shop/c"]  # what a relist lacks is gone


def test_events_warnings_first_newest_first_and_filter_by_object() -> None:
    rows = ResourceRows(VIEWS["events"])
    events = [
        _event("old-normal", "Normal", 50, "frontend"),
        _event("new-normal", "Normal", 5, "db"),
        _event("old-warning", "Warning", 100, "db"),
        _event("new-warning", "Warning", 10, "frontend"),
    ]
    rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=events))
    assert [k.split("/")[1] for k in rows.visible(NOW)] == [
        "new-warning",
        "old-warning",
        "new-normal",
        "old-normal",
    ]
    newer = _event("old-normal", "Warning", 1, "frontend")  # the same event, now a warning
    rows.apply(WatchUpdate("MODIFIED", newer, LIVE))
    assert rows.visible(NOW)[0] == "shop/old-normal"  # its place is computed again
    rows.filter = "deploy/frontend"
    assert [k.split("/")[1] for k in rows.visible(NOW)] == ["old-normal", "new-warning"]


def test_a_pod_of_an_unknown_owner_asks_for_re_resolution() -> None:
    rows = ResourceRows(VIEWS["pods"], PodQuery("shop", owner_uids=frozenset({"rs-1"})))
    rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=[_pod("a"), _pod("other", owner="x")]))
    assert rows.visible(NOW) == ["shop/a"]
    assert rows.unknown_owner  # a rollout's new ReplicaSet, or another workload's pod
    rows.query = PodQuery("shop", owner_uids=frozenset({"rs-1", "x"}))
    assert rows.visible(NOW) == ["shop/a", "shop/other"]


def test_usage_columns_hidden_without_metrics_and_n_a_without_sample_or_request() -> None:
    rows = ResourceRows(VIEWS["pods"])
    rows.apply(WatchUpdate("RELISTED", None, LIVE, pods=[_pod("a", cpu="100m"), _pod("b")]))
    plain = rows.headers(all_namespaces=False)
    assert "CPU" not in plain and len(rows.cells("shop/a", NOW, False)) == len(plain)
    rows.usage = {("shop", "a"): Usage(50, 64 * 1024 * 1024), ("shop", "b"): Usage(7, 0)}
    heads = rows.headers(all_namespaces=False)
    assert heads[-6:] == ["CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R", "%MEM/L"]
    assert rows.cells("shop/a", NOW, False)[-6:] == ["50m", "64Mi", "50%", "50%", "n/a", "n/a"]
    assert rows.cells("shop/b", NOW, False)[-4:] == ["n/a"] * 4  # no requests, no limits
    rows.usage = {}
    assert rows.cells("shop/a", NOW, False)[-6:] == ["n/a"] * 6  # no sample yet
    assert rows.headers(all_namespaces=True)[0] == "NAMESPACE"
