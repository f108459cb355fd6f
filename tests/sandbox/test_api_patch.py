"""The three patch types and the selectors, on plain dicts."""

from __future__ import annotations

from typing import Any

import pytest

from kdebug_tui.sandbox.errors import ApiError
from kdebug_tui.sandbox.patch import JSON_PATCH, MERGE, STRATEGIC, apply_patch
from kdebug_tui.sandbox.selectors import parse_field_selector, parse_label_selector

POD: dict[str, Any] = {
    "metadata": {"name": "p", "labels": {"a": "1", "b": "2"}},
    "spec": {
        "containers": [{"name": "app", "image": "x", "env": [{"name": "A", "value": "1"}]}],
        "ephemeralContainers": [{"name": "d1", "image": "busybox"}],
        "tolerations": [{"operator": "Exists"}],
    },
}


def test_strategic_merge_by_name_and_directives() -> None:
    patch = {
        "metadata": {"labels": {"a": None, "c": "3"}},
        "spec": {
            "containers": [{"name": "app", "env": [{"name": "B", "value": "2"}]}],
            "ephemeralContainers": [{"name": "d2", "image": "busybox"}],
            "tolerations": [{"key": "k", "operator": "Exists"}],
            "$setElementOrder/containers": [{"name": "app"}],
        },
    }
    out = apply_patch(STRATEGIC, POD, patch)
    assert out["metadata"]["labels"] == {"b": "2", "c": "3"}
    assert out["spec"]["containers"] == [
        {
            "name": "app",
            "image": "x",
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        }
    ]
    assert [c["name"] for c in out["spec"]["ephemeralContainers"]] == ["d1", "d2"]
    assert out["spec"]["tolerations"] == [
        {"key": "k", "operator": "Exists"}
    ]  # no merge key: replaced
    assert POD["spec"]["ephemeralContainers"] == [{"name": "d1", "image": "busybox"}]  # not mutated
    deleted = apply_patch(
        STRATEGIC, POD, {"spec": {"ephemeralContainers": [{"name": "d1", "$patch": "delete"}]}}
    )
    assert deleted["spec"]["ephemeralContainers"] == []
    replaced = apply_patch(
        STRATEGIC,
        POD,
        {"spec": {"ephemeralContainers": [{"$patch": "replace"}, {"name": "n", "image": "i"}]}},
    )
    assert replaced["spec"]["ephemeralContainers"] == [{"name": "n", "image": "i"}]
    with pytest.raises(ApiError):
        apply_patch(STRATEGIC, POD, {"spec": {"ephemeralContainers": [{"image": "no-name"}]}})


def test_merge_patch_replaces_lists() -> None:
    out = apply_patch(
        MERGE,
        POD,
        {"spec": {"ephemeralContainers": [{"name": "d2"}]}, "metadata": {"labels": None}},
    )
    assert out["spec"]["ephemeralContainers"] == [{"name": "d2"}]
    assert "labels" not in out["metadata"]


def test_json_patch_operations() -> None:
    ops = [
        {"op": "add", "path": "/spec/ephemeralContainers/-", "value": {"name": "d2"}},
        {"op": "copy", "from": "/metadata/labels/a", "path": "/metadata/labels/c"},
        {"op": "move", "from": "/metadata/labels/b", "path": "/metadata/labels/d"},
        {"op": "replace", "path": "/spec/containers/0/image", "value": "y"},
        {"op": "test", "path": "/metadata/name", "value": "p"},
        {"op": "remove", "path": "/spec/tolerations"},
    ]
    out = apply_patch(JSON_PATCH, POD, ops)
    assert [c["name"] for c in out["spec"]["ephemeralContainers"]] == ["d1", "d2"]
    assert out["metadata"]["labels"] == {"a": "1", "c": "1", "d": "2"}
    assert out["spec"]["containers"][0]["image"] == "y" and "tolerations" not in out["spec"]
    for bad in (
        [{"op": "test", "path": "/metadata/name", "value": "q"}],
        [{"op": "remove", "path": "/nope"}],
        [{"op": "add", "path": "/spec/containers/9", "value": {}}],
        [{"op": "frobnicate", "path": "/x"}],
        {"op": "add"},
    ):
        with pytest.raises(ApiError) as err:
            apply_patch(JSON_PATCH, POD, bad)
        assert err.value.code in (400, 422)
    with pytest.raises(ApiError) as err:
        apply_patch("application/apply-patch+yaml", POD, {})
    assert err.value.code == 415


def test_selectors() -> None:
    pod = {
        "metadata": {"name": "p", "namespace": "ns", "labels": {"app": "web", "tier": "fe"}},
        "spec": {"nodeName": "n1"},
        "status": {"phase": "Running"},
    }
    for text, expected in (
        ("app=web", True), ("app==web,tier=fe", True), ("app!=web", False),
        ("app in (web,db)", True), ("app notin (web)", False), ("tier", True), ("!tier", False),
        ("missing", False), ("", True),
    ):  # fmt: skip
        assert parse_label_selector(text)(pod) is expected, text
    for text, expected in (
        ("metadata.name=p", True), ("spec.nodeName!=n1", False),
        ("status.phase==Running,metadata.namespace=ns", True),
    ):  # fmt: skip
        assert parse_field_selector(text, "pods")(pod) is expected, text
    with pytest.raises(ApiError):
        parse_field_selector("spec.image=x", "pods")
    with pytest.raises(ApiError):
        parse_label_selector("app in (web")
