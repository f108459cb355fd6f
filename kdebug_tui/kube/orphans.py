"""Finding the pods kdebug-tui created (copies, node debuggers) by their labels.

Every pod we create carries `app.kubernetes.io/managed-by: kdebug-tui` and the session id of
the run that made it (`kdebug-tui.io/session`), so pods left behind by a crashed or killed
run can be found with one label query and offered for deletion.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .debug import MANAGED_BY_LABEL, MANAGED_BY_VALUE, SESSION_LABEL

SELECTOR = f"{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}"


async def find_orphans(
    session: Any, namespace: str | None, *, exclude_session: str | None = None
) -> list[dict[str, Any]]:
    """Our labelled pods in `namespace` (None: all namespaces), as API dicts.

    Pods already being deleted are left out; so are those of `exclude_session` (the current
    run's own pods are not orphans). Raises KubeError (e.g. 403 for all namespaces)."""
    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods" if namespace else "/api/v1/pods"
    selector = SELECTOR
    if exclude_session:
        selector += f",{SESSION_LABEL}!={exclude_session}"
    body = await session.request_json(
        "GET",
        path,
        query=[("labelSelector", selector)],
        resource="pods",
        namespace=namespace,
    )
    items = body.get("items") if isinstance(body, dict) else None
    found: list[dict[str, Any]] = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        meta = item.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            continue
        found.append(item)
    return found


def session_of(pod: dict[str, Any]) -> str:
    """The session id label of a pod we created ("" if none)."""
    return str(((pod.get("metadata") or {}).get("labels") or {}).get(SESSION_LABEL) or "")
