"""The list screen's reads of the cluster (k9s's dao): the watch, usage, the way to pods.

The screen calls these from its workers with the app's ClusterServices; nothing here
holds state or touches a widget.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from kdebug_tui.ui.resources.kinds import ResourceView


def watch(
    services: Any, view: ResourceView, namespace: str | None, query: Any
) -> AsyncIterator[Any]:
    """List-then-watch of the view's kind (kube/watch.py rules), narrowed by a pod query."""
    from kdebug_tui.kube.watch import WatchOptions, watch_objects

    options = WatchOptions(
        label_selector=query.label_selector if query else None,
        field_selector=query.field_selector if query else None,
    )
    return watch_objects(services.session, view.kind, namespace, options)


async def metrics_available(services: Any) -> bool:
    from kdebug_tui.kube.metrics import metrics_available as available

    return await available(services.session)


async def usage(services: Any, view: ResourceView, namespace: str | None) -> dict[Any, Any]:
    """Nodes: name -> Usage; pods: (namespace, name) -> Usage."""
    from kdebug_tui.kube import metrics

    if view.resource == "nodes":
        return dict(await metrics.node_usage(services.session))
    return dict(await metrics.pod_usage(services.session, namespace))


async def pod_query(services: Any, kind: Any, obj: dict[str, Any]) -> Any:
    """How to find the pods below `obj` (owner references, selector, node)."""
    from kdebug_tui.kube.owners import pod_query as query

    return await query(services.session, kind, obj)
