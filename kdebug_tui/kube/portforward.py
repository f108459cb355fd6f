"""Port-forward to a pod (or a Service's pod) on loopback, over the websocket protocol.

`PortForward` listens on 127.0.0.1:<local> (0 picks a free port) and, as kubectl does for
each accepted connection, opens one stream to pods/<pod>/portforward?ports=<remote>: the
v4 channel protocol, data on channel 0 and errors on channel 1, the first frame of each
channel being the port in two little-endian bytes. `Forwards` keeps the running ones so
the UI can list and stop them.

    forwards = Forwards()
    pf = await forwards.start(session, "shop", "frontend-abc", 8080)   # pf.local_port
    forwards.list()                                                      # [PortForward]
    await forwards.stop(pf)                                              # or stop_all()
    target = await service_target(session, service, 80)  # (pod name, container port)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from kdebug_tui.kube.channels import pod_path, websocket_url
from kdebug_tui.kube.errors import KubeError, sanitize, to_kube_error
from kdebug_tui.kube.podfields import d, ds, n, s

log = logging.getLogger(__name__)
PROTOCOLS = ("v4.channel.k8s.io", "portforward.k8s.io")
CHUNK = 64 * 1024
CONNECT_TIMEOUT = 30.0


@dataclass
class PortForward:
    """One listening forward: 127.0.0.1:local_port -> namespace/pod:remote_port."""

    session: Any
    namespace: str
    pod: str
    remote_port: int
    local_port: int = 0
    address: str = "127.0.0.1"
    connections: int = 0  # accepted so far
    active: int = 0  # open now
    last_error: str = ""  # the latest error a stream reported (plain text)
    _server: asyncio.Server | None = field(default=None, repr=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def label(self) -> str:
        return f"{self.address}:{self.local_port} -> {self.namespace}/{self.pod}:{self.remote_port}"

    async def start(self) -> int:
        """Listen; returns the local port. Raises KubeError when the port is taken."""
        try:
            self._server = await asyncio.start_server(self._accept, self.address, self.local_port)
        except OSError as exc:
            raise KubeError(
                "Port-forward failed",
                f"cannot listen on {self.address}:{self.local_port}: {exc.strerror or exc}",
                reason="PortUnavailable",
            ) from None
        self.local_port = int(self._server.sockets[0].getsockname()[1])
        return self.local_port

    async def stop(self) -> None:
        """Stop listening and close every forwarded connection."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2.0)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self.connections += 1
        self.active += 1
        try:
            await self._forward(reader, writer)
        except KubeError as exc:
            self.last_error = str(exc)
        except (aiohttp.ClientError, OSError) as exc:
            self.last_error = sanitize(f"{type(exc).__name__}: {exc}")
        finally:
            self.active -= 1
            writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ws = await open_stream(self.session, self.namespace, self.pod, self.remote_port)
        try:
            upstream = asyncio.create_task(_client_to_pod(reader, ws))
            try:
                await self._pod_to_client(ws, writer)
            finally:
                upstream.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await upstream
        finally:
            await ws.close()

    async def _pod_to_client(
        self, ws: aiohttp.ClientWebSocketResponse, writer: asyncio.StreamWriter
    ) -> None:
        seen: set[int] = set()
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.BINARY or not msg.data:
                continue
            channel, payload = msg.data[0], msg.data[1:]
            if channel not in seen:
                seen.add(channel)  # the first frame is the port (2 bytes, little-endian)
                payload = payload[2:]
                if not payload:
                    continue
            if channel == 1:
                self.last_error = sanitize(payload.decode(errors="replace"))
                log.debug("port-forward %s: %s", self.label, self.last_error)
                continue
            writer.write(payload)
            await writer.drain()


async def _client_to_pod(reader: asyncio.StreamReader, ws: aiohttp.ClientWebSocketResponse) -> None:
    while chunk := await reader.read(CHUNK):
        await ws.send_bytes(b"\x00" + chunk)


async def open_stream(
    session: Any, namespace: str, pod: str, port: int
) -> aiohttp.ClientWebSocketResponse:
    """One pods/portforward websocket for `port`, authenticated as the session's REST calls."""
    client = session.ws
    config = session.configuration
    headers: dict[str, str] = {"User-Agent": getattr(client, "user_agent", "kdebug-tui")}
    auth_query: list[tuple[str, str]] = []
    await client.update_params_for_auth(headers, auth_query, ["BearerToken"])
    url = websocket_url(
        config.host, pod_path(namespace, pod, "portforward"), [("ports", str(port)), *auth_query]
    )
    try:
        ws: aiohttp.ClientWebSocketResponse = await asyncio.wait_for(
            client.rest_client.pool_manager.ws_connect(
                url,
                headers=headers,
                protocols=PROTOCOLS,
                max_msg_size=0,
                proxy=getattr(config, "proxy", None) or None,
                server_hostname=getattr(config, "tls_server_name", None) or None,
            ),
            CONNECT_TIMEOUT,
        )
    except aiohttp.WSServerHandshakeError as exc:
        raise KubeError(
            "Port-forward failed",
            f"the API server refused the port-forward to {namespace}/{pod}:{port} "
            f"(HTTP {exc.status}: {sanitize(exc.message)})",
            status=exc.status,
            reason="Forbidden" if exc.status == 403 else "BadRequest",
        ) from None
    except Exception as exc:
        raise to_kube_error(exc, resource="pods/portforward", namespace=namespace) from exc
    return ws


def _ready(pod: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in ds(d(pod.get("status")).get("conditions"))
    )


async def service_target(session: Any, service: dict[str, Any], port: int) -> tuple[str, int]:
    """The pod and container port `kubectl port-forward svc/x <port>` would use: a ready pod
    the Service selects, and the service port's targetPort (a named one resolved on it)."""
    from kdebug_tui.kube.owners import list_pods_for, pod_query
    from kdebug_tui.kube.resources import KINDS

    spec = d(service.get("spec"))
    svc_port = next((p for p in ds(spec.get("ports")) if n(p.get("port")) == port), None)
    if svc_port is None:
        raise KubeError("Port-forward failed", f"Service has no port {port}", reason="NotFound")
    pods = await list_pods_for(session, await pod_query(session, KINDS["services"], service))
    running = [p for p in pods if _ready(p)]
    if not running:
        raise KubeError(
            "Port-forward failed", "no ready pod behind this Service", reason="NotFound"
        )
    pod = running[0]
    target = svc_port.get("targetPort", port)
    if isinstance(target, str) and not target.isdigit():
        for c in ds(d(pod.get("spec")).get("containers")):
            for p in ds(c.get("ports")):
                if s(p.get("name")) == target:
                    return s(d(pod.get("metadata")).get("name")), n(p.get("containerPort"))
        raise KubeError(
            "Port-forward failed", f"no container port named {target}", reason="NotFound"
        )
    return s(d(pod.get("metadata")).get("name")), n(target)


class Forwards:
    """The running port-forwards of a session, for the UI to list and stop."""

    def __init__(self) -> None:
        self._all: list[PortForward] = []

    async def start(
        self, session: Any, namespace: str, pod: str, remote_port: int, local_port: int = 0
    ) -> PortForward:
        pf = PortForward(session, namespace, pod, remote_port, local_port)
        await pf.start()
        self._all.append(pf)
        return pf

    def list(self) -> list[PortForward]:
        return [pf for pf in self._all if pf.running]

    async def stop(self, pf: PortForward) -> None:
        await pf.stop()
        with contextlib.suppress(ValueError):
            self._all.remove(pf)

    async def stop_all(self) -> None:
        await asyncio.gather(*(pf.stop() for pf in self._all), return_exceptions=True)
        self._all.clear()
