"""The API clients of one context: Configuration, ApiClient and WsApiClient built together.

Inline certificate data is written to a private temporary directory only for the instant
the TLS context loads it, then removed. Client certificates that come from an exec plugin
expire: before each request the clients check the plugin's credential and, when it was
renewed, swap in a transport built with the new certificate (old transports are closed
with the clients, so requests in flight finish).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
from kubernetes_asyncio.client import ApiClient, AuthorizationV1Api, Configuration, CoreV1Api
from kubernetes_asyncio.client.exceptions import ApiException
from kubernetes_asyncio.client.rest import RESTClientObject
from kubernetes_asyncio.stream import WsApiClient

from kdebug_tui.kube.credentials import BearerAuth, Credential
from kdebug_tui.kube.errors import KubeError, sanitize
from kdebug_tui.kube.kubeconfig import ResolvedContext

log = logging.getLogger(__name__)
USER_AGENT = "kdebug-tui/0.1"


class TlsMaterial:
    """CA and client certificate of one context; the certificate may come from a plugin."""

    def __init__(self, resolved: ResolvedContext, auth: BearerAuth) -> None:
        self._cluster = resolved.cluster
        self._user = resolved.user
        self._context = resolved.info.name
        self._auth = auth
        self._cred: Credential | None = None
        self.version = 0
        self._lock = asyncio.Lock()

    @property
    def from_plugin(self) -> bool:
        return self._cred is not None

    async def load(self) -> None:
        """Run the exec plugin (if any) now, so a broken one fails the open, clearly."""
        cred = await self._auth.exec_credential()
        user = self._user
        if cred is not None and cred.cert_data and not (user.cert_data or user.cert_file):
            self._cred = cred

    async def current_version(self) -> int:
        """Bump `version` when the plugin has issued a new certificate since last asked."""
        if self._cred is None:
            return self.version
        async with self._lock:
            cred = await self._auth.exec_credential()
            if cred is not None and cred is not self._cred and cred.cert_data:
                self._cred = cred
                self.version += 1
        return self.version

    @contextlib.contextmanager
    def applied(self, conf: Configuration) -> Iterator[None]:
        """Point `conf` at files holding the TLS material while a transport is being built."""
        cluster, user = self._cluster, self._user
        cert_data = self._cred.cert_data if self._cred else user.cert_data
        key_data = self._cred.key_data if self._cred else user.key_data
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
                conf.key_file = _private_file(tmp, "client.key", key_data) if key_data else None
            elif user.cert_file:
                conf.cert_file = str(user.cert_file)
                conf.key_file = str(user.key_file) if user.key_file else None
            yield
        except (OSError, ValueError) as exc:
            raise KubeError(
                "Invalid credentials",
                f"context {self._context!r}: cannot load TLS material: "
                f"{sanitize(getattr(exc, 'strerror', None) or exc)}",
                reason="Kubeconfig",
                hint="check certificate-authority and client-certificate/-key",
            ) from exc
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)


def _private_file(directory: str | None, name: str, data: bytes) -> str:
    assert directory is not None
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


class _Managed:
    """Mixin: renewed plugin certificates and one retry after a 401 with a fresh credential."""

    _auth: BearerAuth | None
    _tls: TlsMaterial
    _tls_version: int
    _retired: list[RESTClientObject]
    configuration: Configuration
    rest_client: RESTClientObject

    def _setup(self, auth: BearerAuth | None, tls: TlsMaterial) -> None:
        self._auth = auth
        self._tls = tls
        self._tls_version = tls.version
        self._retired = []

    async def _sync_tls(self) -> None:
        version = await self._tls.current_version()
        if version == self._tls_version:
            return
        with self._tls.applied(self.configuration):
            fresh = RESTClientObject(self.configuration)
        self._retired.append(self.rest_client)
        self.rest_client = fresh
        self._tls_version = version
        log.info("client certificate renewed by the credential plugin")

    async def update_params_for_auth(self, *args: Any, **kwargs: Any) -> None:
        # Every request (and our websocket connects) passes here first.
        await self._sync_tls()
        await super().update_params_for_auth(*args, **kwargs)  # type: ignore[misc]

    def _may_retry(self) -> bool:
        return self._auth is not None and self._auth.refreshable

    async def call_api(self, *args: Any, **kwargs: Any) -> Any:
        call = super().call_api  # type: ignore[misc]
        try:
            result = await call(*args, **kwargs)
        except ApiException as exc:
            if exc.status != 401 or not self._may_retry():
                raise
            assert self._auth is not None
            self._auth.invalidate()
            return await call(*args, **kwargs)
        if (
            isinstance(result, aiohttp.ClientResponse)
            and result.status == 401
            and self._may_retry()
        ):
            assert self._auth is not None
            result.release()
            self._auth.invalidate()
            return await call(*args, **kwargs)
        return result

    async def close(self) -> None:
        for old in self._retired:
            with contextlib.suppress(Exception):
                await old.close()
        self._retired.clear()
        await super().close()  # type: ignore[misc]


class Api(_Managed, ApiClient):
    def __init__(self, conf: Configuration, auth: BearerAuth | None, tls: TlsMaterial) -> None:
        super().__init__(conf)
        self._setup(auth, tls)
        self.user_agent = USER_AGENT


class WsApi(_Managed, WsApiClient):
    def __init__(self, conf: Configuration, auth: BearerAuth | None, tls: TlsMaterial) -> None:
        super().__init__(conf)
        self._setup(auth, tls)
        self.user_agent = USER_AGENT


# Requests per second and burst per context. client-go defaults to 5/10, which makes a big
# paged list crawl; 20/50 still keeps one app from flooding a server. KDEBUG_API_QPS and
# KDEBUG_API_BURST change them (QPS 0: no limit).
DEFAULT_QPS = 20.0
DEFAULT_BURST = 50


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        log.warning("%s is not a number; using %g", name, default)
        return default
    return max(value, 0.0)


class RateLimiter:
    """A token bucket, as client-go's flowcontrol: `burst` requests at once, then `qps`.

    Waiters are served in arrival order (one lock), so a paged list cannot starve a
    user's request for long, and a limiter is never shared between contexts."""

    def __init__(self, qps: float | None = None, burst: int | None = None) -> None:
        self.qps = _env_number("KDEBUG_API_QPS", DEFAULT_QPS) if qps is None else qps
        chosen = _env_number("KDEBUG_API_BURST", DEFAULT_BURST) if burst is None else burst
        self.burst = max(1, int(chosen))
        self._tokens = float(self.burst)
        self._stamp: float | None = None
        self._lock = asyncio.Lock()
        self.waited = 0.0  # seconds spent waiting, in total (benchmarks read it)

    async def acquire(self) -> None:
        if self.qps <= 0:
            return
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            if self._stamp is not None:
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.qps)
            self._stamp = now
            if self._tokens < 1.0:
                wait = (1.0 - self._tokens) / self.qps
                self.waited += wait
                await asyncio.sleep(wait)
                self._stamp = loop.time()
                self._tokens = 1.0
            self._tokens -= 1.0


class Clients:
    """The clients of one context; closed together."""

    def __init__(self, resolved: ResolvedContext, config: Configuration, api: Api, ws: WsApi):
        self.resolved = resolved
        self.config = config
        self.api = api
        self.ws = ws
        self.core = CoreV1Api(api)
        self.authz = AuthorizationV1Api(api)
        self.limiter = RateLimiter()

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


async def build_clients(resolved: ResolvedContext, auth: BearerAuth) -> Clients:
    """Configuration and clients for one resolved context, on the running loop."""
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

    tls = TlsMaterial(resolved, auth)
    await tls.load()
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

    with tls.applied(conf):
        api = Api(conf, auth, tls)
        try:
            ws = WsApi(conf, auth, tls)
        except BaseException:
            await api.close()
            raise
    return Clients(resolved, conf, api, ws)
