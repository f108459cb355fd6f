"""pods/portforward over a websocket, as the kubelet's streaming server speaks it, and as
kubectl speaks it (SPDY streams tunnelled in the websocket: spdy.py).

Protocol (subprotocol `v4.channel.k8s.io`, `portforward.k8s.io` or none, binary frames):
the request names its ports (`?ports=8080&ports=9090`); port i has a data channel 2i and
an error channel 2i+1; the first frame the server sends on each of them is the channel byte
and the port as two little-endian bytes; after that, frames carry data (client to server:
channel byte + bytes). One TCP connection to the container per port per websocket; when it
closes, so does the websocket.

The sandbox's containers share the machine's network, and a program listens where it can
(the demo's web server on an ephemeral port), so the port a pod declares is mapped to a
socket its processes really listen on: the requested port itself if one of them listens
there, else the one port the container declaring it listens on. Honest enough for HTTP
through a forward; a real kubelet would enter the pod's network namespace instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from kdebug_tui.sandbox import spdy
from kdebug_tui.sandbox.errors import ApiError, bad_request
from kdebug_tui.sandbox.namespaces import descendants

if TYPE_CHECKING:
    from kdebug_tui.sandbox.state import ApiState

Obj = dict[str, Any]
PROTOCOLS = ("v4.channel.k8s.io", "portforward.k8s.io")
CHUNK = 32 * 1024
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


def _socket_inodes(pids: list[int]) -> set[str]:
    inodes: set[str] = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def listening_ports(pids: list[int]) -> set[int]:
    """TCP ports the processes `pids` listen on (IPv4 and IPv6 tables)."""
    inodes = _socket_inodes(pids)
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == _LISTEN and fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def container_pids(sb: ApiState, pod: Obj, container: str) -> list[int]:
    pid = sb.runtime.pid_of(pod["metadata"]["uid"], container) if sb.runtime else None
    return [] if pid is None else [pid, *descendants(pid)]


def local_port(sb: ApiState, pod: Obj, port: int) -> int | None:
    """Where a connection to the pod's `port` really goes on this machine (None: nowhere)."""
    containers = [c["name"] for c in pod["spec"].get("containers") or []]
    every = {c: listening_ports(container_pids(sb, pod, c)) for c in containers}
    if any(port in ports for ports in every.values()):
        return port
    for c in pod["spec"].get("containers") or []:
        declared = {p.get("containerPort") for p in c.get("ports") or []}
        if port in declared and len(every.get(c["name"], set())) == 1:
            return next(iter(every[c["name"]]))
    return None


def _ports(request: web.Request) -> list[int]:
    values = [v for raw in request.query.getall("ports", []) for v in raw.split(",") if v]
    if not values:
        raise bad_request('query parameter "port" is required')
    ports = []
    for value in values:
        try:
            port = int(value)
        except ValueError:
            raise bad_request(f'unable to parse "{value}" as a port: invalid syntax') from None
        if not 0 < port < 65536:
            raise bad_request(f'port "{value}" must be > 0 and < 65536')
        ports.append(port)
    return ports


async def serve_portforward(
    sb: ApiState, request: web.Request, ns: str, name: str
) -> web.StreamResponse:
    pod = sb.cluster.require("pods", ns, name)
    if (pod.get("status") or {}).get("phase") != "Running":
        raise bad_request(f"pod {name} is not running")
    if request.headers.get("Upgrade", "").lower() != "websocket":
        raise ApiError(400, "Upgrade request required", reason="BadRequest")
    offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    if spdy.TUNNEL_PROTOCOL in offered:
        return await _serve_spdy(sb, request, pod)
    ports = _ports(request)
    ws = web.WebSocketResponse(protocols=PROTOCOLS, autoping=True)
    await ws.prepare(request)
    conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = []
    for i, port in enumerate(ports):
        prefix = struct.pack("<H", port)
        await ws.send_bytes(bytes([2 * i]) + prefix)
        await ws.send_bytes(bytes([2 * i + 1]) + prefix)
        target = local_port(sb, pod, port)
        conn = None
        if target is not None:
            with contextlib.suppress(OSError):
                conn = await asyncio.open_connection("127.0.0.1", target)
        if conn is None:
            await ws.send_bytes(bytes([2 * i + 1]) + _refusal(pod, port).encode())
        conns.append(conn)
    pumps = [
        asyncio.create_task(_to_client(ws, i, conn[0]))
        for i, conn in enumerate(conns)
        if conn is not None
    ]
    try:
        if pumps:
            await _from_client(ws, conns, pumps)
    finally:
        for task in pumps:
            task.cancel()
        for conn in conns:
            if conn is not None:
                conn[1].close()
        await ws.close()
    return ws


def _refusal(pod: Obj, port: int) -> str:
    meta = pod["metadata"]
    return (
        f"error forwarding port {port} to pod {meta['uid']}, uid : failed to connect to "
        f"localhost:{port} inside namespace {meta['namespace']}/{meta['name']}: "
        "connection refused"
    )


async def _serve_spdy(sb: ApiState, request: web.Request, pod: Obj) -> web.WebSocketResponse:
    """kubectl's way: SPDY streams tunnelled through the websocket (see spdy.py)."""
    ws = web.WebSocketResponse(protocols=(spdy.TUNNEL_PROTOCOL,), autoping=True)
    await ws.prepare(request)

    async def on_pair(session: spdy.Session, errors: spdy.Stream, stream: spdy.Stream) -> None:
        port = int(stream.headers.get("port", "0") or 0)
        target = local_port(sb, pod, port)
        conn = None
        if target is not None:
            with contextlib.suppress(OSError):
                conn = await asyncio.open_connection("127.0.0.1", target)
        if conn is None:
            await session.send_data(errors, _refusal(pod, port).encode(), fin=True)
            await session.send_data(stream, b"", fin=True)
            return
        reader, writer = conn
        upstream = asyncio.create_task(spdy.copy_from_stream(stream, writer))
        try:
            await spdy.copy_to_stream(session, reader, stream)
        finally:
            upstream.cancel()
            writer.close()
            await session.send_data(stream, b"", fin=True)
            await session.send_data(errors, b"", fin=True)

    await spdy.Session(ws, on_pair).run()
    return ws


async def _to_client(ws: web.WebSocketResponse, index: int, reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):
        while chunk := await reader.read(CHUNK):
            await ws.send_bytes(bytes([2 * index]) + chunk)


async def _from_client(
    ws: web.WebSocketResponse,
    conns: list[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None],
    pumps: list[asyncio.Task[None]],
) -> None:
    """Client frames to the container until the client leaves or a container side closes."""
    receiving = asyncio.ensure_future(ws.receive())
    try:
        while True:
            done, _ = await asyncio.wait([receiving, *pumps], return_when=asyncio.FIRST_COMPLETED)
            if receiving not in done:
                return  # the container closed a connection: the stream ends
            msg = receiving.result()
            if msg.type != WSMsgType.BINARY:
                if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                    return
                receiving = asyncio.ensure_future(ws.receive())
                continue
            data: bytes = msg.data
            channel, is_error = divmod(data[0], 2) if data else (0, 1)
            payload = data[1:]
            conn = conns[channel] if channel < len(conns) else None
            if conn is not None and not is_error and payload:
                conn[1].write(payload)
                with contextlib.suppress(ConnectionError):
                    await conn[1].drain()
            receiving = asyncio.ensure_future(ws.receive())
    finally:
        receiving.cancel()
