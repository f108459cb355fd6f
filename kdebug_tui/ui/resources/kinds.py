"""Per-kind definitions for the one generic list screen: what `enter` does, which keys act.

Columns and cells come from kube/resources.py (kubectl's printers); this table only adds
what the UI does with a row. Adding a kind is one entry here (and its kube definition).
"""

from __future__ import annotations

from dataclasses import dataclass

from kdebug_tui.kube.resources import KINDS, KindDef, lookup


@dataclass(frozen=True)
class ResourceView:
    """How the list screen treats one kind.

    `enter`: "pods" lists the pods below a row (owner references, selector, node).
    `actions`: the keys beyond describe (D) and YAML (y) that make sense for the kind.
    `metrics`: CPU/memory columns when metrics.k8s.io answers.
    `cluster_wide`: listed across namespaces whatever the current namespace (events).
    """

    resource: str
    enter: str | None = None
    actions: frozenset[str] = frozenset()
    metrics: bool = False
    cluster_wide: bool = False

    @property
    def kind(self) -> KindDef:
        return KINDS[self.resource]

    @property
    def title(self) -> str:
        return self.kind.kind + ("s" if not self.kind.kind.endswith("s") else "")


VIEWS: dict[str, ResourceView] = {
    v.resource: v
    for v in (
        ResourceView("deployments", enter="pods"),
        ResourceView("statefulsets", enter="pods"),
        ResourceView("daemonsets", enter="pods"),
        ResourceView("replicasets", enter="pods"),
        ResourceView("jobs", enter="pods"),
        ResourceView("cronjobs", enter="pods"),
        ResourceView("services", enter="pods", actions=frozenset({"port_forward"})),
        ResourceView("nodes", enter="pods", actions=frozenset({"debug_node"}), metrics=True),
        ResourceView("events", cluster_wide=True),
        ResourceView(
            "pods",
            actions=frozenset({"shell", "logs", "debug", "port_forward"}),
            metrics=True,
        ),
    )
}


def view_for(text: str) -> ResourceView | None:
    """The view for what the user typed at the `:` prompt (kubectl's names and short names)."""
    kind = lookup(text)
    return None if kind is None else VIEWS.get(kind.resource)


def known_names() -> list[str]:
    """What the prompt suggests: each listed kind's shortest name first."""
    out = []
    for view in VIEWS.values():
        kind = view.kind
        out.append(kind.short_names[0] if kind.short_names else kind.resource)
    return out
