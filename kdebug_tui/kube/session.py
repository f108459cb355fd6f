"""KubeSession: the one owner of API clients, per kubeconfig context.

Every context gets its own Configuration and its own ApiClient/WsApiClient, built on the
running event loop; nothing is shared between contexts, so after a switch no request can
carry the previous context's credentials (see clients.py for how they are built).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
from kubernetes_asyncio.client import ApiClient, AuthorizationV1Api, Configuration, CoreV1Api
from kubernetes_asyncio.stream import WsApiClient

from kdebug_tui.kube.clients import Clients, build_clients
from kdebug_tui.kube.credentials import BearerAuth, ExecCredentials
from kdebug_tui.kube.errors import KubeError, from_status, to_kube_error
from kdebug_tui.kube.kubeconfig import (
    ContextInfo,
    KubeConfig,
    load_kubeconfig,
    load_kubeconfig_paths,
    resolve_context,
)

__all__ = ["ContextInfo", "KubeSession", "load_kubeconfig_paths"]

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 30.0


class KubeSession:
    """Owns the clients of the current context; switch contexts without restarting."""

    def __init__(
        self,
        kubeconfig: str | os.PathLike[str] | None,
        exec_timeout: float,
        execs: ExecCredentials | None = None,
    ) -> None:
        self._explicit = kubeconfig
        # `execs` may hold credentials from an interactive login run before the UI started.
        self._execs = execs or ExecCredentials(timeout=exec_timeout)
        self._clients: Clients | None = None
        self._kubeconfig: KubeConfig | None = None
        self.namespace = "default"
        self.generation = 0  # bumped on every context switch; watchers restart on change

    @classmethod
    async def open(
        cls,
        kubeconfig: str | os.PathLike[str] | None = None,
        context: str | None = None,
        namespace: str | None = None,
        *,
        exec_timeout: float = 30.0,
        execs: ExecCredentials | None = None,
    ) -> KubeSession:
        session = cls(kubeconfig, exec_timeout, execs)
        await session.switch(context=context, namespace=namespace, _initial=True)
        return session

    # -- the current context -------------------------------------------------------------
    def _require(self) -> Clients:
        if self._clients is None:
            raise KubeError("Not connected", "the session is closed", reason="Closed")
        return self._clients

    @property
    def context(self) -> str:
        return self._require().resolved.info.name

    @property
    def context_info(self) -> ContextInfo:
        return self._require().resolved.info

    @property
    def contexts(self) -> list[ContextInfo]:
        config = self._kubeconfig
        if config is None:
            return []
        if config.in_cluster and self._clients is not None:
            return [self._clients.resolved.info]
        return config.context_infos()

    @property
    def execs(self) -> ExecCredentials:
        """The exec-plugin credential cache: `login.login_on_terminal(..., execs=this)` before
        switching to a context whose plugin needs the terminal."""
        return self._execs

    @property
    def kubeconfig(self) -> str | os.PathLike[str] | None:
        """The kubeconfig given to `open` (None: KUBECONFIG or ~/.kube/config)."""
        return self._explicit

    @property
    def kubeconfig_paths(self) -> list[Path]:
        return list(self._kubeconfig.paths) if self._kubeconfig else []

    @property
    def in_cluster(self) -> bool:
        return self._require().resolved.in_cluster

    @property
    def server(self) -> str:
        return self._require().resolved.cluster.server

    @property
    def user(self) -> str:
        return self._require().resolved.info.user

    @property
    def api(self) -> ApiClient:
        return self._require().api

    @property
    def ws(self) -> WsApiClient:
        return self._require().ws

    @property
    def core(self) -> CoreV1Api:
        return self._require().core

    @property
    def authz(self) -> AuthorizationV1Api:
        return self._require().authz

    @property
    def configuration(self) -> Configuration:
        return self._require().config

    def __repr__(self) -> str:
        if self._clients is None:
            return "KubeSession(closed)"
        return (
            f"KubeSession(context={self.context!r}, namespace={self.namespace!r}, "
            f"server={self.server!r}, user={self.user!r})"
        )

    # -- lifecycle -----------------------------------------------------------------------
    async def switch(
        self,
        context: str | None = None,
        namespace: str | None = None,
        *,
        _initial: bool = False,
    ) -> None:
        """Change context and/or namespace. A failed switch leaves the session unchanged."""
        if not _initial and (context is None or context == self.context):
            if namespace:
                self.namespace = namespace
            return
        config = load_kubeconfig(self._explicit)  # re-read: the files may have changed
        resolved = resolve_context(config, context)
        clients = await build_clients(
            resolved, BearerAuth(resolved.user, resolved.cluster, self._execs)
        )
        old, self._clients = self._clients, clients
        self._kubeconfig = config
        self.namespace = namespace or resolved.info.namespace
        self.generation += 1
        if old is not None:
            await old.close()
        log.info("using context %s (%s)", resolved.info.name, resolved.cluster.server)

    async def close(self) -> None:
        clients, self._clients = self._clients, None
        if clients is not None:
            await clients.close()

    async def __aenter__(self) -> KubeSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- raw JSON requests (objects stay plain dicts) ------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, Any]] | dict[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        request_timeout: float | aiohttp.ClientTimeout | None = DEFAULT_TIMEOUT,
        resource: str | None = None,
        namespace: str | None = None,
    ) -> aiohttp.ClientResponse:
        """Send a request; return the open response (2xx only) — the caller releases it.

        Non-2xx answers become a KubeError built from the Status body.
        """
        params = list(query.items()) if isinstance(query, dict) else list(query or [])
        await self._require().limiter.acquire()  # per context (clients.RateLimiter)
        timeout = request_timeout
        if isinstance(timeout, int | float):
            timeout = aiohttp.ClientTimeout(total=timeout)
        try:
            resp: aiohttp.ClientResponse = await self.api.call_api(
                path,
                method.upper(),
                query_params=params,
                header_params={"Accept": "application/json", "Content-Type": content_type},
                body=body,
                auth_settings=["BearerToken"],
                _preload_content=False,
                _request_timeout=timeout,
            )
        except KubeError:
            raise
        except Exception as exc:
            raise to_kube_error(
                exc, resource=resource, namespace=namespace, server=self.server
            ) from exc
        if not 200 <= resp.status < 300:
            try:
                data = await resp.read()
            except Exception:
                data = b""
            finally:
                resp.release()
            raise from_status(
                resp.status,
                data,
                resource=resource,
                namespace=namespace,
                headers=resp.headers,
                http_reason=resp.reason or "",
            )
        return resp

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request`, then the whole body parsed as JSON (a plain dict for API objects)."""
        resp = await self.request(method, path, **kwargs)
        try:
            return await resp.json(content_type=None)
        except Exception as exc:
            raise to_kube_error(exc, server=self.server) from exc
        finally:
            resp.release()
