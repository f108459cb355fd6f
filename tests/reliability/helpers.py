"""Shared pieces of the reliability tests: one sandbox per module and a fresh pod per test."""

from __future__ import annotations

from typing import Any

from kdebug_tui.kube.inject import wait_for_container

FOREVER = ["sh", "-c", "echo started; while true; do sleep 3600; done"]


async def make_pod(
    kube: Any,
    name: str,
    *,
    namespace: str = "default",
    annotations: dict[str, str] | None = None,
    restart_policy: str | None = None,
    command: list[str] | None = None,
    wait: bool = True,
) -> dict[str, Any]:
    """A busybox pod of our own (tests share one sandbox without touching each other)."""
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": {"app": name}}
    if annotations:
        meta["annotations"] = annotations
    spec: dict[str, Any] = {
        "containers": [{"name": "app", "image": "busybox:1.36", "command": command or FOREVER}]
    }
    if restart_policy:
        spec["restartPolicy"] = restart_policy
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    await kube.request_json("POST", f"/api/v1/namespaces/{namespace}/pods", body=body)
    if wait:
        await wait_for_container(kube, namespace, name, "app", timeout=20)
    return await get_pod(kube, namespace, name)


async def get_pod(kube: Any, namespace: str, name: str) -> dict[str, Any]:
    pod: dict[str, Any] = await kube.request_json(
        "GET", f"/api/v1/namespaces/{namespace}/pods/{name}"
    )
    return pod


def ephemeral_names(pod: dict[str, Any]) -> list[str]:
    return [c["name"] for c in (pod.get("spec") or {}).get("ephemeralContainers") or []]


async def delete_and_wait(kube: Any, namespace: str, name: str, within: float = 10.0) -> None:
    """Delete a pod now and wait until the API no longer has it (bounded)."""
    import asyncio

    from kdebug_tui.kube.errors import KubeError

    await kube.request_json(
        "DELETE",
        f"/api/v1/namespaces/{namespace}/pods/{name}",
        query=[("gracePeriodSeconds", "0")],
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        try:
            await get_pod(kube, namespace, name)
        except KubeError as exc:
            if exc.status == 404:
                return
            raise
        await asyncio.sleep(0.05)
    raise AssertionError(f"pod {namespace}/{name} still exists {within} s after deletion")
