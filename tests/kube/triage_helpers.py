"""Pods and debuggers for the "beyond kubectl debug" tests (shared sandbox)."""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube.debug import BuiltDebug, DebugRequest, build
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.session import KubeSession

FOREVER = ["sh", "-c", "echo started; while true; do sleep 3600; done"]


async def get_pod(kube: KubeSession, ns: str, name: str) -> dict[str, Any]:
    pod: dict[str, Any] = await kube.request_json("GET", f"/api/v1/namespaces/{ns}/pods/{name}")
    return pod


async def make_pod(
    kube: KubeSession,
    name: str,
    app: dict[str, Any],
    *,
    pod_security: dict[str, Any] | None = None,
    ns: str = "default",
) -> dict[str, Any]:
    """A pod with one container `app` (merged over a busybox loop), running."""
    container = {"name": "app", "image": "busybox:1.36", "command": FOREVER, **app}
    spec: dict[str, Any] = {"containers": [container]}
    if pod_security:
        spec["securityContext"] = pod_security
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
    await kube.request_json("POST", f"/api/v1/namespaces/{ns}/pods", body=body)
    outcome = await wait_for_container(kube, ns, name, "app", timeout=20)
    assert outcome.state == "running", outcome
    return await get_pod(kube, ns, name)


async def start_debugger(
    kube: KubeSession, pod: dict[str, Any], **options: Any
) -> tuple[BuiltDebug, dict[str, Any]]:
    """Build, inject and wait for an ephemeral busybox debugger targeting `app`."""
    fields: dict[str, Any] = {
        "mode": "ephemeral",
        "namespace": pod["metadata"]["namespace"],
        "pod_name": pod["metadata"]["name"],
        "image": "busybox:1.36",
        "target": "app",
        "command": FOREVER,
        "stdin": False,
        "tty": False,
    }
    fields.update(options)
    if fields["target"]:  # join the target's namespace only once its process runs
        ready = await wait_for_container(
            kube, fields["namespace"], fields["pod_name"], fields["target"], timeout=20
        )
        assert ready.state == "running", ready
        pod = await get_pod(kube, fields["namespace"], fields["pod_name"])
    built = build(DebugRequest(**fields), pod)
    await inject(kube, built)
    outcome = await wait_for_container(
        kube, built.namespace, built.pod_name, built.container_name, timeout=20
    )
    assert outcome.state == "running", outcome
    return built, await get_pod(kube, built.namespace, built.pod_name)
