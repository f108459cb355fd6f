"""KubeSession: the one owner of API clients, per kubeconfig context.

Every context gets its own Configuration and its own ApiClient/WsApiClient, built on the
running event loop; nothing is shared between contexts, so after a switch no request can
carry the previous context's credentials. Inline certificate data is written to a private
temporary directory only for the instant the TLS context loads it, then removed.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
from kubernetes_asyncio.client import ApiClient, AuthorizationV1Api, Configuration, CoreV1Api
from kubernetes_asyncio.client.exceptions import ApiException
from kubernetes_asyncio.stream import WsApiClient

from kdebug_tui.kube.credentials import BearerAuth, ExecCredentials
from kdebug_tui.kube.errors import KubeError, from_status, sanitize, to_kube_error
from kdebug_tui.kube.kubeconfig import (
    ContextInfo,
    KubeConfig,
    ResolvedContext,
    load_kubeconfig,
    load_kubeconfig_paths,
    resolve_context,
)

__all__ = ["ContextInfo", "KubeSession", "load_kubeconfig_paths"]

log = logging.getLogger(__name__)
USER_AGENT = "kdebug-tui/0.1"
DEFAULT_TIMEOUT = 30.0


class _AuthRetry:
    """Mixin: on a 401, drop the cached credential and retry the call once."""

    _auth: BearerAuth | None

    async def call_api(self, *args: Any, **kwargs: Any) -> Any:
        call = super().call_api  # type: ignore[misc]
        try:
            result = await call(*args, **kwargs)
        except ApiException as exc:
            if exc.status != 401 or self._auth is None or not self._auth.refreshable:
                raise
            self._auth.invalidate()
            return await call(*args, **kwargs)
        status = getattr(result, "status", None)
        if (
            status == 401
            and isinstance(result, aiohttp.ClientResponse)
            and self._auth is not None
            and self._auth.refreshable
        ):
            result.release()
            self._auth.invalidate()
            return await call(*args, **kwargs)
        return result


class _Api(_AuthRetry, ApiClient):
    def __init__(self, configuration: Configuration, auth: BearerAuth | None) -> None:
        super().__init__(configuration)
        self._auth = auth
        self.user_agent = USER_AGENT


class _WsApi(_AuthRetry, WsApiClient):
    def __init__(self, configuration: Configuration, auth: BearerAuth | None) -> None:
        super().__init__(configuration)
        self._auth = auth
        self.user_agent = USER_AGENT


class _Clients:
    """The clients of one context; closed together."""

    def __init__(self, resolved: ResolvedContext, config: Configuration, api: _Api, ws: _WsApi):
        self.resolved = resolved
        self.config = config
        self.api = api
        self.ws = ws
        self.core = CoreV1Api(api)
        self.authz = AuthorizationV1Api(api)

    async def close(self) -> None:
        for client in (self.api, self.ws):
            try:
                await client.close()
            except Exception:  # closing must never mask the caller's own error
                log.debug("error closing an API client", exc_info=True)


def _check_file(path: Path | None, what: str, owner: str) -> None:
    if path is not None and not path.is_file():
        raise KubeError(
            "Invalid kubeconfig",
            f"{owner}: {what} file {path} does not exist",
            reason="Kubeconfig",
        )


async def _build_clients(resolved: ResolvedContext, execs: ExecCredentials) -> _Clients:
    cluster, user = resolved.cluster, resolved.user
    conf = Configuration()
    conf.host = cluster.server
    conf.verify_ssl = not cluster.insecure
    conf.tls_server_name = cluster.tls_server_name
    if cluster.proxy_url:
        if not cluster.proxy_url.startswith(("http://", "https://")):
            raise KubeError(
                "Unsupported proxy",
                f"cluster {cluster.name!r}: proxy-url {sanitize(cluster.proxy_url)!r} is not "
                "an http(s) proxy",
                reason="Kubeconfig",
                hint="only http:// and https:// proxies are supported",
            )
        conf.proxy = cluster.proxy_url
    _check_file(cluster.ca_file, "certificate-authority", f"cluster {cluster.name!r}")
    _check_file(user.cert_file, "client-certificate", f"user {user.name!r}")
    _check_file(user.key_file, "client-key", f"user {user.name!r}")

    auth = BearerAuth(user, cluster, execs)
    cert_data, key_data = user.cert_data, user.key_data
    exec_cred = await auth.exec_credential()  # runs the plugin now: fail early, clearly
    if exec_cred is not None and exec_cred.cert_data and not (cert_data or user.cert_file):
        cert_data, key_data = exec_cred.cert_data, exec_cred.key_data

    if user.username is not None:
        basic = base64.b64encode(f"{user.username}:{user.password or ''}".encode()).decode()
        conf.api_key["BearerToken"] = f"Basic {basic}"
    else:
        token = await auth.token()
        if token:
            # auth_settings() only consults the hook when the key already exists.
            conf.api_key["BearerToken"] = token
            conf.api_key_prefix["BearerToken"] = "Bearer"
            if auth.refreshable:

                async def refresh(c: Configuration) -> None:
                    fresh = await auth.token()
                    if fresh:
                        c.api_key["BearerToken"] = fresh

                conf.refresh_api_key_hook = refresh

    tmp = tempfile.mkdtemp(prefix="kdebug-tls-") if (cluster.ca_data or cert_data) else None
    try:
        if tmp is not None:
            os.chmod(tmp, 0o700)
        if cluster.ca_data:
            conf.ssl_ca_cert = _private_file(tmp, "ca.crt", cluster.ca_data)
        elif cluster.ca_file:
            conf.ssl_ca_cert = str(cluster.ca_file)
        if cert_data:
            conf.cert_file = _private_file(tmp, "client.crt", cert_data)
            if key_data:
                conf.key_file = _private_file(tmp, "client.key", key_data)
        elif user.cert_file:
            conf.cert_file = str(user.cert_file)
            conf.key_file = str(user.key_file) if user.key_file else None
        try:
            api = _Api(conf, auth)
        except (OSError, ValueError) as exc:
            raise KubeError(
                "Invalid credentials",
                f"context {resolved.info.name!r}: cannot load TLS material: "
                f"{sanitize(getattr(exc, 'strerror', None) or exc)}",
                reason="Kubeconfig",
                hint="check certificate-authority and client-certificate/-key",
            ) from exc
        try:
            ws = _WsApi(conf, auth)
        except BaseException:
            await api.close()
            raise
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return _Clients(resolved, conf, api, ws)


def _private_file(directory: str | None, name: str, data: bytes) -> str:
    assert directory is not None
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


class KubeSession:
    """Owns the clients of the current context; switch contexts without restarting."""

    def __init__(self, kubeconfig: str | os.PathLike[str] | None, exec_timeout: float) -> None:
        self._explicit = kubeconfig
        self._execs = ExecCredentials(timeout=exec_timeout)
        self._clients: _Clients | None = None
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
    ) -> KubeSession:
        session = cls(kubeconfig, exec_timeout)
        await session.switch(context=context, namespace=namespace, _initial=True)
        return session

    # -- the current context -------------------------------------------------------------
    def _require(self) -> _Clients:
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
        clients = await _build_clients(resolved, self._execs)
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
