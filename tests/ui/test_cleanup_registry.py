"""The registry of pods we created, and how they are named in the deletion offer."""

from __future__ import annotations

from kdebug_tui.ui.sessions.cleanup import CleanupRegistry, OwnedPod, confirmation_lines, kind_of
from tests.conftest import load_fixture


def test_registry_remembers_per_context_and_forgets_deleted() -> None:
    registry = CleanupRegistry()
    copy = OwnedPod("ctx-a", "default", "web-debug", "copy")
    node = OwnedPod("ctx-b", "default", "node-debugger-n1-abcde", "node", node="n1")
    registry.add(copy)
    registry.add(node)
    registry.add(copy)  # twice is once
    assert registry.pending() == [copy, node]
    assert registry.pending("ctx-a") == [copy]
    assert copy in registry
    registry.discard(copy)
    assert copy not in registry and registry.pending() == [node]


def test_recorded_kubectl_pods_are_told_apart() -> None:
    nodes = load_fixture("node-debug-pods.json")
    items = nodes["items"] if isinstance(nodes, dict) and "items" in nodes else nodes
    assert all(kind_of(pod) == "node" for pod in items)
    assert kind_of(load_fixture("copy-pod.json")) == "copy"


def test_the_offer_names_every_pod_and_what_it_is() -> None:
    lines = confirmation_lines(
        [
            OwnedPod("sandbox-admin", "default", "web-debug", "copy"),
            OwnedPod("sandbox-admin", "default", "node-debugger-n1-x", "node", node="n1"),
        ]
    )
    text = "\n".join(lines)
    assert "default/web-debug (copy of a pod" in text
    assert "default/node-debugger-n1-x (node debugger on n1" in text
    assert "keep" in lines[-1].lower() or "no keeps" in lines[-1].lower()
