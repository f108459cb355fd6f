"""Which container a log, attach or exec request means, and its status, with the kubelet's
error texts. Shared by the log and stream subresources, below the router that picks them."""

from __future__ import annotations

from typing import Any

from kdebug_tui.sandbox.errors import bad_request
from kdebug_tui.sandbox.launch import find_container

Obj = dict[str, Any]


def container_for(pod: Obj, requested: str | None) -> tuple[str, Obj]:
    """The container a log/attach/exec request means, with the kubelet's error texts."""
    name = pod["metadata"]["name"]
    spec = pod.get("spec") or {}
    if not requested:
        default = (pod["metadata"].get("annotations") or {}).get(
            "kubectl.kubernetes.io/default-container"
        )
        containers = [c["name"] for c in spec.get("containers") or []]
        if default:
            requested = default
        elif len(containers) == 1:
            requested = containers[0]
        else:
            inits = [c["name"] for c in spec.get("initContainers") or []]
            text = (
                f"a container name must be specified for pod {name}, "
                f"choose one of: [{' '.join(containers)}]"
            )
            if inits:
                text += f" or one of the init containers: [{' '.join(inits)}]"
            eph = [c["name"] for c in spec.get("ephemeralContainers") or []]
            if eph:
                text += f" or one of the ephemeral containers: [{' '.join(eph)}]"
            raise bad_request(text)
    found = find_container(pod, requested)
    if found is None:
        raise bad_request(f"container {requested} is not valid for pod {name}")
    return requested, found[1]


def container_status(pod: Obj, cname: str) -> Obj | None:
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(key) or []:
            if cs.get("name") == cname:
                return dict(cs)
    return None
