"""`Sandbox`: the loopback API server, its store, lifecycle and container runtime together."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from kdebug_tui.sandbox import demo, tls
from kdebug_tui.sandbox.auth import Authenticator
from kdebug_tui.sandbox.cluster import Cluster
from kdebug_tui.sandbox.faults import Faults
from kdebug_tui.sandbox.kubeconfig import kubeconfig_dict, write_kubeconfig
from kdebug_tui.sandbox.lifecycle import Lifecycle
from kdebug_tui.sandbox.podops import PodOps
from kdebug_tui.sandbox.recorder import EventRecorder
from kdebug_tui.sandbox.server import build_app
from kdebug_tui.sandbox.watchio import WatchSettings

log = logging.getLogger(__name__)


def _load_runtime() -> tuple[Any, Any]:
    from kdebug_tui.sandbox.runtime import ContainerLaunch, ContainerRuntime

    return ContainerRuntime, ContainerLaunch


class Sandbox:
    """A Kubernetes API emulator on 127.0.0.1 whose containers are local processes."""

    def __init__(
        self,
        port: int = 0,
        workdir: Path | str | None = None,
        demo: bool = True,
        *,
        host: str = "127.0.0.1",
        bookmark_interval: float = 2.0,
        backoff_base: float = 10.0,
        runtime_factory: Any = None,
        https_port: int = 0,
        scale: int = 0,
        churn: float = 0.0,
    ) -> None:
        self._port = port
        self._scale = scale  # synthetic pods (scale.py), no processes behind them
        self.churn: Any = None  # churn.Churn when scale > 0; its rate is adjustable
        self._churn_rate = churn
        self._https_port = https_port
        self._host = host
        self._demo = demo
        self._workdir = Path(workdir) if workdir is not None else None
        self._runtime_factory = runtime_factory
        self.cluster = Cluster()
        self.auth = Authenticator()
        self.faults = Faults(self.cluster.expire_all, self._stall)
        self.watch_settings = WatchSettings()
        self.watch_settings.bookmark_interval = bookmark_interval
        self.recorder = EventRecorder(self.cluster)
        self.backoff_base = backoff_base
        self.runtime: Any = None
        self.lifecycle: Lifecycle | None = None
        self.controllers: Any = None  # controllers.Controllers: workloads, Jobs, Endpoints
        self.pods: PodOps
        self._runner: web.AppRunner | None = None
        self.url = ""  # https://127.0.0.1:PORT; clients trust client_ssl_context()
        # (method, path) of the latest requests received, so a test can prove that nothing
        # was sent (a refused debug request must not reach the API server at all).
        self.requests: deque[tuple[str, str]] = deque(maxlen=4096)
        self.https_url = ""  # the same URL (the name older callers use)
        self.ca_file: Path | None = None
        self._tmp: Any = None

    @property
    def admin_token(self) -> str:
        return self.auth.admin_token

    @property
    def viewer_token(self) -> str:
        return self.auth.viewer_token

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[-1]) if self.url else 0

    def _stall(self, on: bool) -> None:
        if on:
            for w in self.cluster.watchers:
                w.stalled = True

    async def start(self) -> Sandbox:
        if self._workdir is None:
            import tempfile

            self._tmp = tempfile.TemporaryDirectory(prefix="kdebug-sandbox-")
            self._workdir = Path(self._tmp.name)
        self._workdir.mkdir(parents=True, exist_ok=True)
        for ns in demo.base_namespaces():
            self.cluster.create("namespaces", ns)
        for i, name in enumerate(demo.NODES, start=1):
            self.cluster.create("nodes", demo.node(name, i))
        runtime_cls, launch_cls = self._runtime_factory or _load_runtime()
        self.lifecycle = Lifecycle(
            self.cluster,
            self.recorder,
            None,
            launch_cls,
            list(demo.NODES),
            backoff_base=self.backoff_base,
        )
        self.runtime = runtime_cls(
            self._workdir / "runtime", self.lifecycle.on_change, on_event=self.lifecycle.on_event
        )
        self.lifecycle.runtime = self.runtime
        self.pods = PodOps(self.cluster, self.lifecycle)
        from kdebug_tui.sandbox.controllers import Controllers

        self.controllers = Controllers(self.cluster, self.pods)
        self.controllers.start()
        app = build_app(self)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        # HTTPS only, as API servers since 1.20 (no insecure port): a token never crosses
        # loopback in clear text. Without openssl there is no sandbox (TlsUnavailable).
        cert, key = tls.make_certificate(self._workdir / "tls")
        self.ca_file = cert
        port = await self._listen(tls.server_context(cert, key), self._https_port or self._port)
        self.url = self.https_url = f"https://{self._host}:{port}"
        if self._scale > 0:
            from kdebug_tui.sandbox.churn import Churn
            from kdebug_tui.sandbox.scale import populate

            self.churn = Churn(self.cluster, populate(self.cluster, self._scale), self._churn_rate)
            self.churn.start()
        if self._demo:
            await self._load_demo()
        return self

    async def _listen(self, ssl_context: Any, port: int) -> int:
        assert self._runner is not None
        site = web.TCPSite(self._runner, self._host, port, ssl_context=ssl_context)
        await site.start()
        server = site._server
        sockets = server.sockets if server is not None else []  # type: ignore[attr-defined]
        return int(sockets[0].getsockname()[1]) if sockets else port

    def client_ssl_context(self) -> Any:
        """An SSLContext trusting this sandbox's certificate (None without TLS)."""
        return tls.client_context(self.ca_file) if self.ca_file is not None else None

    async def _load_demo(self) -> None:
        for ns in demo.demo_namespaces():
            self.cluster.create("namespaces", ns)
        for namespace, body in demo.demo_pods():
            self.pods.create(namespace, body)
        pod = self.cluster.require("pods", "default", "already-debugged")
        new = {"spec": {"ephemeralContainers": [dict(demo.OLD_DEBUGGER)]}}
        self.pods.update_ephemeral("default", pod["metadata"]["name"], new)
        from kdebug_tui.sandbox.demo_apps import load_apps

        load_apps(self.cluster)

    async def demo_settled(self, within: float = 30.0) -> bool:
        """Wait until no demo container is still being created (pulled, started).

        For tests, which act on demo pods at once: a `kubectl exec` racing a sidecar's start
        gets a 400, falls back to SPDY and reports "Upgrade request required" instead.
        Pods that never settle (a stuck init container, a missing image) do not hold this
        up: only ContainerCreating counts. False when `within` seconds were not enough."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if not any(_creating(pod) for pod in self.cluster.list("pods")):
                return True
            await asyncio.sleep(0.02)
        return False

    def write_kubeconfig(self, path: Path | str, namespace: str = "default") -> Path:
        ca = tls.ca_data(self.ca_file) if self.ca_file is not None else None
        data = kubeconfig_dict(self.url, self.admin_token, self.viewer_token, namespace, ca)
        return write_kubeconfig(Path(path), data)

    async def close(self) -> None:
        if self.churn is not None:
            await self.churn.stop()
        if self.lifecycle is not None:
            await self.lifecycle.close()
        for w in list(self.cluster.watchers):
            w.queue.put_nowait(
                (
                    "ERROR",
                    {
                        "kind": "Status",
                        "apiVersion": "v1",
                        "metadata": {},
                        "status": "Failure",
                        "message": "sandbox is shutting down",
                        "reason": "ServiceUnavailable",
                        "code": 503,
                    },
                )
            )
        if self.controllers is not None:
            await self.controllers.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.runtime is not None:
            if self.lifecycle is not None:  # shutting down: a short grace, then SIGKILL
                uids = list(self.lifecycle.runs)
                await asyncio.gather(*(self.runtime.stop_pod(uid, 0.1) for uid in uids))
            await self.runtime.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        _forget_cached_handlers()

    async def __aenter__(self) -> Sandbox:
        try:
            return await self.start()
        except BaseException:
            await self.close()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.shield(self.close())


def _forget_cached_handlers() -> None:
    """Let a closed sandbox be freed.

    aiohttp memoises each (handler, apps) pair with its middlewares in a module-wide LRU
    cache of 1024 entries; our routes close over the Sandbox, so without this every closed
    sandbox (its cluster, watch history and runtime) stays in memory. The cache is private
    to aiohttp, hence the guarded lookup; clearing it only costs other servers a rebuild."""
    from aiohttp import web_app

    cache = getattr(web_app, "_cached_build_middleware", None)
    if cache is not None and hasattr(cache, "cache_clear"):
        cache.cache_clear()


def _creating(pod: dict[str, Any]) -> bool:
    status = pod.get("status") or {}
    statuses = [
        *(status.get("initContainerStatuses") or []),
        *(status.get("containerStatuses") or []),
        *(status.get("ephemeralContainerStatuses") or []),
    ]
    if not statuses and status.get("phase", "Pending") == "Pending":
        return True
    return any(
        ((s.get("state") or {}).get("waiting") or {}).get("reason") == "ContainerCreating"
        for s in statuses
    )
