"""What the current credentials may do, via SelfSubjectAccessReview, cached with a TTL.

Used to grey out actions and fill the status bar; never a security boundary (the API
server decides). When the review itself fails, `check` answers None (unknown) and `can`
answers True, so an unreachable authorizer never hides an action the user may have.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from kdebug_tui.kube.errors import KubeError

log = logging.getLogger(__name__)

SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
DEFAULT_TTL = 60.0


@dataclass(frozen=True)
class Permission:
    label: str
    verb: str
    resource: str
    subresource: str = ""
    group: str = ""


# The verbs the product needs, in status-bar order.
NEEDED: tuple[Permission, ...] = (
    Permission("list pods", "list", "pods"),
    Permission("watch pods", "watch", "pods"),
    Permission("debug (ephemeral)", "patch", "pods", "ephemeralcontainers"),
    Permission("create pods", "create", "pods"),
    Permission("attach", "get", "pods", "attach"),
    Permission("exec", "create", "pods", "exec"),
    Permission("logs", "get", "pods", "log"),
    Permission("delete pods", "delete", "pods"),
)


class _Session(Protocol):
    context: str

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any: ...


Key = tuple[str, str, str, str, str, str]


class AccessChecker:
    """`can(verb, resource, namespace, subresource, group)`, cached per context."""

    def __init__(self, session: _Session, *, ttl: float = DEFAULT_TTL) -> None:
        self._session = session
        self._ttl = ttl
        self._cache: dict[Key, tuple[float, bool]] = {}
        self._inflight: dict[Key, asyncio.Future[bool | None]] = {}
        self.reviews = 0  # how many reviews were sent (diagnostics, tests)

    def clear(self) -> None:
        self._cache.clear()

    async def can(
        self,
        verb: str,
        resource: str,
        namespace: str | None,
        subresource: str = "",
        group: str = "",
    ) -> bool:
        """True unless the API server says no (unknown counts as yes: let the server decide)."""
        return await self.check(verb, resource, namespace, subresource, group) is not False

    async def check(
        self,
        verb: str,
        resource: str,
        namespace: str | None,
        subresource: str = "",
        group: str = "",
    ) -> bool | None:
        """True/False as the API server answers, None if it could not be asked."""
        if "/" in resource and not subresource:
            resource, subresource = resource.split("/", 1)
        key: Key = (
            self._session.context,
            namespace or "",
            verb,
            group,
            resource,
            subresource,
        )
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            answer = await self._review(key)
            future.set_result(answer)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning if nobody waits
            raise
        finally:
            del self._inflight[key]
        if answer is not None:
            self._cache[key] = (time.monotonic(), answer)
        return answer

    async def _review(self, key: Key) -> bool | None:
        _, namespace, verb, group, resource, subresource = key
        attrs: dict[str, str] = {"verb": verb, "group": group, "resource": resource}
        if namespace:
            attrs["namespace"] = namespace
        if subresource:
            attrs["subresource"] = subresource
        body = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attrs},
        }
        self.reviews += 1
        try:
            result = await self._session.request_json(
                "POST", SSAR_PATH, body=body, resource="selfsubjectaccessreviews"
            )
        except KubeError as exc:
            log.info("access review for %s %s failed: %s", verb, resource, exc)
            return None
        status = result.get("status") if isinstance(result, dict) else None
        if not isinstance(status, dict):
            return None
        return bool(status.get("allowed")) and not status.get("denied", False)

    async def summary(self, namespace: str | None) -> dict[str, bool | None]:
        """label -> allowed (None: unknown) for every verb the product needs."""
        answers = await asyncio.gather(
            *(self.check(p.verb, p.resource, namespace, p.subresource, p.group) for p in NEEDED)
        )
        return {p.label: answer for p, answer in zip(NEEDED, answers, strict=True)}
