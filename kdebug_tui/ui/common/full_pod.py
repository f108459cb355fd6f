"""The whole pod behind a store entry, for the screens that list pods from the store.

The store holds projections (kube/projection.py): views that show or reuse the whole
object (YAML, the debug form) get it from the API server first.
"""

from __future__ import annotations

from typing import Any

from textual import work


class FullPod:
    """Mixin for Screens with `app.services`: `_with_full_pod(pod, then)` calls `then` with
    the whole pod, fetched in a worker when `pod` is a projection."""

    app: Any

    @work(group="full-pod", exclusive=True, exit_on_error=False, description="fetch the pod")
    async def _with_full_pod(self, pod: dict[str, Any], then: Any) -> None:
        from kdebug_tui.kube.projection import is_projection

        if is_projection(pod):
            meta = pod.get("metadata") or {}
            namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")
            pod = await self.app.services.get_pod(namespace, name)
        then(pod)
