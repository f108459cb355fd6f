"""Helpers for the sandbox API tests: a raw HTTP client and event-driven waits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


class Api:
    """Raw HTTPS requests to the sandbox, returning (status, decoded body)."""

    def __init__(self, sb: Any, session: aiohttp.ClientSession) -> None:
        self.sb = sb
        self.session = session

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = "admin",
        body: Any = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        h = dict(headers or {})
        if token == "admin":
            h["Authorization"] = f"Bearer {self.sb.admin_token}"
        elif token == "viewer":
            h["Authorization"] = f"Bearer {self.sb.viewer_token}"
        elif token is not None:
            h["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = content_type
        async with self.session.request(
            method, self.sb.url + path, data=data, headers=h, params=params
        ) as r:
            raw = await r.read()
            ctype = r.headers.get("Content-Type", "")
            if "json" in ctype:
                return r.status, json.loads(raw)
            return r.status, raw.decode()

    async def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **kw)


async def wait_pod(
    sb: Any,
    namespace: str,
    name: str,
    predicate: Callable[[Any], bool],
    within: float = 15.0,
    what: str = "condition",
) -> Any:
    """Wait for the stored pod to satisfy `predicate`, woken by every store change."""
    changed = asyncio.Event()

    def listener(_change: Any) -> None:
        changed.set()

    sb.cluster.listeners.append(listener)
    try:
        async with asyncio.timeout(within):
            while True:
                pod = sb.cluster.get_pod(namespace, name)
                if predicate(pod):
                    return pod
                changed.clear()
                await changed.wait()
    except TimeoutError:
        pod = sb.cluster.get_pod(namespace, name)
        status = json.dumps((pod or {}).get("status"), indent=1)[:2000]
        raise AssertionError(
            f"{namespace}/{name}: {what} not reached in {within}s; status={status}"
        ) from None
    finally:
        sb.cluster.listeners.remove(listener)


def container_state(pod: dict[str, Any] | None, name: str) -> dict[str, Any]:
    status = (pod or {}).get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(key) or []:
            if cs["name"] == name:
                return cs
    return {}


def running(pod: dict[str, Any] | None, name: str) -> bool:
    return "running" in (container_state(pod, name).get("state") or {})
