"""Pods this app created (copies and node debuggers): remember them, offer to delete them.

`kubectl debug` never deletes the pods it creates for --copy-to and node debugging; they keep
running (often privileged, pinned to a node) until someone notices. We label them
`app.kubernetes.io/managed-by: kdebug-tui` (K2's builders) and keep a registry: when a pane's
session ends, on quit, and at start for orphans of earlier runs, the user is offered their
deletion in one dialog that lists them. Nothing is deleted without that confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from kdebug_tui.kube.errors import KubeError, to_kube_error

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "kdebug-tui"
SELECTOR = f"{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}"

OwnedKind = Literal["copy", "node", "pod"]


@dataclass(frozen=True)
class OwnedPod:
    context: str
    namespace: str
    name: str
    kind: OwnedKind = "pod"
    node: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.namespace, self.name)

    def describe(self) -> str:
        what = {"copy": "copy of a pod", "node": "node debugger", "pod": "debug pod"}[self.kind]
        where = f" on {self.node}" if self.node else ""
        return f"{self.namespace}/{self.name} ({what}{where}, context {self.context})"


class CleanupRegistry:
    """The pods created in this run, keyed by (context, namespace, name)."""

    def __init__(self) -> None:
        self._pods: dict[tuple[str, str, str], OwnedPod] = {}
        self.declined: set[tuple[str, str, str]] = set()

    def add(self, pod: OwnedPod) -> None:
        self._pods[pod.key] = pod
        self.declined.discard(pod.key)

    def discard(self, pod: OwnedPod) -> None:
        self._pods.pop(pod.key, None)

    def __contains__(self, pod: object) -> bool:
        return isinstance(pod, OwnedPod) and pod.key in self._pods

    def pending(self, context: str | None = None) -> list[OwnedPod]:
        """Pods still to offer, in creation order (optionally for one context only)."""
        return [p for p in self._pods.values() if context is None or p.context == context]


def kind_of(pod: dict[str, Any]) -> OwnedKind:
    """Node debuggers pin nodeName and mount the host; anything else we made is a copy."""
    spec = pod.get("spec") or {}
    name = (pod.get("metadata") or {}).get("name", "")
    if name.startswith("node-debugger-") or spec.get("hostPID") or spec.get("hostNetwork"):
        return "node"
    return "copy"


async def find_orphans(session: Any, registry: CleanupRegistry) -> list[OwnedPod]:
    """Our labelled pods that this run did not create (left over by an earlier run).

    Lists across all namespaces when allowed; a namespace-scoped user gets the current
    namespace only instead of an error. Pods already gone (deleting) are skipped.
    """
    from kdebug_tui.kube.orphans import find_orphans as list_ours

    # kube/orphans.py lists through session.request_json, which has a timeout (the generated
    # client's list_* had none: a stalled server hung this query).
    context = str(getattr(session, "context", ""))
    try:
        items = await list_ours(session, None)
    except Exception as exc:
        error = to_kube_error(exc, resource="pods")
        if error.status != 403:
            raise error from exc
        items = await list_ours(session, session.namespace)
    body = {"items": items}
    found: list[OwnedPod] = []
    for item in body.get("items") or []:
        meta = item.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            continue
        pod = OwnedPod(
            context=context,
            namespace=str(meta.get("namespace", "")),
            name=str(meta.get("name", "")),
            kind=kind_of(item),
            node=(item.get("spec") or {}).get("nodeName"),
        )
        if pod not in registry:
            found.append(pod)
    return found


async def delete_pods(services: Any, pods: Iterable[OwnedPod]) -> list[KubeError]:
    """Delete each pod through the app's services; a pod already gone counts as deleted.

    Returns the failures (each a KubeError naming what went wrong) so the caller can say
    which pods are still there.
    """
    failures: list[KubeError] = []
    for pod in pods:
        try:
            await services.delete_pod(pod.namespace, pod.name)
        except Exception as exc:
            error = to_kube_error(exc, resource="pods", namespace=pod.namespace)
            if error.status != 404:
                failures.append(error)
    return failures


def confirmation_lines(pods: Iterable[OwnedPod]) -> list[str]:
    lines = ["kdebug-tui created these pods; they keep running until deleted:"]
    lines += [f"  • {pod.describe()}" for pod in pods]
    lines.append("Delete them now? (No keeps them; you can delete them later with kubectl.)")
    return lines
