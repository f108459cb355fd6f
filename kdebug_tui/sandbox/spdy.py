"""Port-forward as kubectl speaks it: SPDY/3.1 tunnelled through a websocket.

kubectl (1.31+) opens pods/<pod>/portforward as a websocket with the subprotocol
`SPDY/3.1+portforward.k8s.io`; the binary messages then carry a SPDY/3.1 byte stream
(client-go's TunnelingConnection). Per local connection it opens two SPDY streams with
headers `streamType: error|data`, `port` and `requestID`; the server answers each with
SYN_REPLY, copies the data stream to and from the pod's port, writes a failure as text on
the error stream, and half-closes both (a DATA frame with FLAG_FIN) when the pod side ends.
PINGs are echoed. Header blocks are zlib-compressed against SPDY/3's fixed dictionary, one
compression context per direction for the whole connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io"
VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, PING, GOAWAY = 1, 2, 3, 6, 7  # control frame types
FLAG_FIN = 0x01
CHUNK = 32 * 1024

_NAMES = (
    "options",
    "head",
    "post",
    "put",
    "delete",
    "trace",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "age",
    "allow",
    "authorization",
    "cache-control",
    "connection",
    "content-base",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "content-type",
    "date",
    "etag",
    "expect",
    "expires",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "range",
    "referer",
    "retry-after",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "method",
    "get",
    "status",
    "200_OK",
    "version",
    "HTTP/1.1",
    "url",
    "public",
    "set-cookie",
    "keep-alive",
    "origin",
)
_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
    "Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
    "Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
# SPDY/3's header compression dictionary (draft-mbelshe-httpbis-spdy-00, 2.6.10.1):
# length-prefixed header names and values, then a tail of common strings; 1423 bytes.
DICTIONARY = (
    b"".join(struct.pack(">I", len(name)) + name.replace("_", " ").encode() for name in _NAMES)
    + _TAIL.encode()
)


def control(kind: int, flags: int, payload: bytes) -> bytes:
    return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(payload)) + payload


def data(stream_id: int, flags: int, payload: bytes) -> bytes:
    return struct.pack(">II", stream_id & 0x7FFFFFFF, (flags << 24) | len(payload)) + payload


@dataclass
class Stream:
    id: int
    headers: dict[str, str]
    inbox: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)


# Called with (session, error stream, data stream) for each complete pair.
PairHandler = Callable[["Session", Stream, Stream], Coroutine[object, object, None]]


class Session:
    """One SPDY/3.1 server session over a websocket's binary messages."""

    def __init__(self, ws: web.WebSocketResponse, on_pair: PairHandler) -> None:
        self.ws = ws
        self.on_pair = on_pair
        self._buffer = b""
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zdict=DICTIONARY)
        self._streams: dict[int, Stream] = {}
        self._pending: dict[str, dict[str, Stream]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._send_lock = asyncio.Lock()

    async def send(self, frame: bytes) -> None:
        async with self._send_lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_bytes(frame)

    async def send_data(self, stream: Stream, payload: bytes, fin: bool = False) -> None:
        await self.send(data(stream.id, FLAG_FIN if fin else 0, payload))

    def _headers(self, block: bytes) -> dict[str, str]:
        raw = self._inflate.decompress(block)
        count = struct.unpack(">I", raw[:4])[0]
        at, headers = 4, {}
        for _ in range(count):
            size = struct.unpack(">I", raw[at : at + 4])[0]
            name = raw[at + 4 : at + 4 + size].decode().lower()
            at += 4 + size
            size = struct.unpack(">I", raw[at : at + 4])[0]
            headers[name] = raw[at + 4 : at + 4 + size].decode().split("\0")[0]
            at += 4 + size
        return headers

    def _empty_headers(self) -> bytes:
        return self._deflate.compress(struct.pack(">I", 0)) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    async def run(self) -> None:
        """Read frames until the websocket closes; then end every stream."""
        try:
            async for msg in self.ws:
                if msg.type == WSMsgType.BINARY:
                    self._buffer += msg.data
                    await self._frames()
                elif msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                    break
        finally:
            for stream in self._streams.values():
                stream.inbox.put_nowait(None)
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _frames(self) -> None:
        while len(self._buffer) >= 8:
            first, second = struct.unpack(">II", self._buffer[:8])
            length = second & 0xFFFFFF
            if len(self._buffer) < 8 + length:
                return
            payload, flags = self._buffer[8 : 8 + length], second >> 24
            self._buffer = self._buffer[8 + length :]
            if first & 0x80000000:
                await self._control(first & 0xFFFF, flags, payload)
                continue
            stream = self._streams.get(first & 0x7FFFFFFF)
            if stream is not None:
                if payload:
                    stream.inbox.put_nowait(payload)
                if flags & FLAG_FIN:
                    stream.inbox.put_nowait(None)

    async def _control(self, kind: int, flags: int, payload: bytes) -> None:
        if kind == SYN_STREAM:
            stream_id = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
            stream = Stream(stream_id, self._headers(payload[10:]))
            self._streams[stream_id] = stream
            await self.send(
                control(SYN_REPLY, 0, struct.pack(">I", stream_id) + self._empty_headers())
            )
            if flags & FLAG_FIN:
                stream.inbox.put_nowait(None)
            self._pair(stream)
        elif kind == PING:
            await self.send(control(PING, 0, payload[:4]))
        elif kind == RST_STREAM:
            gone = self._streams.pop(struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF, None)
            if gone is not None:
                gone.inbox.put_nowait(None)
        elif kind == GOAWAY:
            await self.ws.close()
        # SETTINGS, HEADERS and WINDOW_UPDATE need no answer here

    def _pair(self, stream: Stream) -> None:
        request = stream.headers.get("requestid", str(stream.id))
        kind = stream.headers.get("streamtype", "")
        slot = self._pending.setdefault(request, {})
        slot[kind] = stream
        if "error" in slot and "data" in slot:
            del self._pending[request]
            task = asyncio.create_task(self.on_pair(self, slot["error"], slot["data"]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)


async def copy_to_stream(session: Session, reader: asyncio.StreamReader, stream: Stream) -> None:
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(CHUNK):
            await session.send_data(stream, chunk)


async def copy_from_stream(stream: Stream, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while (chunk := await stream.inbox.get()) is not None:
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
