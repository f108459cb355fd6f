"""PodStore: folding watch updates into the current set of pods."""

from __future__ import annotations

import copy
from typing import Any

from kdebug_tui.kube.store import PodStore, is_older
from kdebug_tui.kube.watch import WatchState, WatchUpdate
from tests.conftest import load_fixture

LIVE = WatchState("live")


def pod(
    name: str, uid: str, rv: str, ns: str = "default", phase: str = "Running"
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": uid, "resourceVersion": rv},
        "status": {"phase": phase},
    }


def ev(kind: str, p: dict[str, Any]) -> WatchUpdate:
    return WatchUpdate(kind, p, LIVE, resource_version=p["metadata"]["resourceVersion"])


def relist(*pods: dict[str, Any], rv: str = "100") -> WatchUpdate:
    return WatchUpdate("RELISTED", None, LIVE, pods=list(pods), resource_version=rv)


def test_added_modified_deleted() -> None:
    store = PodStore()
    assert store.apply(ev("ADDED", pod("a", "u1", "1"))) == {"u1"}
    assert store.apply(ev("MODIFIED", pod("a", "u1", "2", phase="Failed"))) == {"u1"}
    assert store.get("u1")["status"]["phase"] == "Failed"
    assert store.by_name("default", "a") is store.get("u1")
    assert store.apply(ev("DELETED", pod("a", "u1", "3"))) == {"u1"}
    assert store.get("u1") is None and store.by_name("default", "a") is None
    assert len(store) == 0


def test_older_modified_is_ignored() -> None:
    store = PodStore()
    store.apply(ev("ADDED", pod("a", "u1", "10", phase="Failed")))
    assert store.apply(ev("MODIFIED", pod("a", "u1", "9"))) == set()
    assert store.get("u1")["status"]["phase"] == "Failed"
    # Non-numeric versions cannot be ordered: the event wins.
    assert not is_older("abc", "10")


def test_identical_event_reports_no_change() -> None:
    store = PodStore()
    store.apply(ev("ADDED", pod("a", "u1", "5")))
    assert store.apply(ev("MODIFIED", pod("a", "u1", "5"))) == set()


def test_delete_of_unknown_pod_changes_nothing() -> None:
    assert PodStore().apply(ev("DELETED", pod("x", "u9", "3"))) == set()


def test_relist_diffs_and_preserves_identity() -> None:
    store = PodStore()
    store.apply(relist(pod("a", "u1", "1"), pod("b", "u2", "2"), pod("c", "u3", "3")))
    kept = store.get("u1")
    changed = store.apply(relist(pod("a", "u1", "1"), pod("b", "u2", "7"), pod("d", "u4", "8")))
    assert changed == {"u2", "u3", "u4"}  # b changed, c removed, d added; a untouched
    assert store.get("u1") is kept
    assert store.uids() == {"u1", "u2", "u4"}
    assert store.by_name("default", "c") is None
    assert store.resource_version == "100"


def test_recreated_pod_same_name_new_uid() -> None:
    store = PodStore()
    store.apply(ev("ADDED", pod("a", "old", "1")))
    store.apply(ev("ADDED", pod("a", "new", "2")))
    store.apply(ev("DELETED", pod("a", "old", "3")))
    assert store.by_name("default", "a")["metadata"]["uid"] == "new"


def test_same_name_in_two_namespaces() -> None:
    store = PodStore()
    store.apply(relist(pod("a", "u1", "1", ns="x"), pod("a", "u2", "1", ns="y")))
    assert store.by_name("x", "a")["metadata"]["uid"] == "u1"
    assert store.by_name("y", "a")["metadata"]["uid"] == "u2"


def test_state_updates_change_nothing() -> None:
    store = PodStore()
    store.apply(ev("ADDED", pod("a", "u1", "1")))
    assert store.apply(WatchUpdate("STATE", None, WatchState("reconnecting", "x"))) == set()
    assert len(store) == 1


def test_recorded_pod_roundtrip() -> None:
    recorded = load_fixture("pod-with-ephemeral-containers.json")
    store = PodStore()
    uid = recorded["metadata"]["uid"]
    assert store.apply(ev("ADDED", recorded)) == {uid}
    newer = copy.deepcopy(recorded)
    newer["metadata"]["resourceVersion"] = "900"
    assert store.apply(ev("MODIFIED", newer)) == {uid}
    assert store.by_name("default", "demo") is newer
