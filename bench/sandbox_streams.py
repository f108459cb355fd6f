"""Sandbox stream throughput: a flood through the attach/exec websocket vs reading the same
flood straight from a pipe / PTY in the same process.

Run: ``python -m bench.sandbox_streams [--mib 32]``. The flood is `yes <line> | head -c N`
(short lines: the worst case for per-line work). "exec" runs it with
`ContainerRuntime.exec`; "attach" is a container's own output, which is also written to the
container's log file, as a runtime does. Both are served by `streams.serve_stream` on
loopback and read by an aiohttp websocket client (v5). Prints MB/s for each path and the
ratio websocket/direct (1.0 = the stream costs nothing over the kernel's pipe or PTY).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from kdebug_tui.sandbox.runtime import ContainerLaunch, ContainerRuntime
from kdebug_tui.sandbox.streams import StreamOptions, serve_stream


def flood(nbytes: int) -> str:
    return f"yes 'log line from a busy container' | head -c {nbytes}"


def direct(nbytes: int, tty: bool) -> float:
    """MB/s reading the flood straight from a pipe or a PTY master."""
    reader, writer = os.openpty() if tty else os.pipe()
    started = time.perf_counter()
    proc = subprocess.Popen(["sh", "-c", flood(nbytes)], stdout=writer)
    os.close(writer)
    got = 0
    while True:
        try:
            data = os.read(reader, 65536)
        except OSError:
            break
        if not data:
            break
        got += len(data)
    proc.wait()
    os.close(reader)
    return got / (time.perf_counter() - started) / 1e6


async def through_websocket(nbytes: int, tty: bool, kind: str, workdir: Path) -> float:
    rt = ContainerRuntime(workdir, lambda *_: None)
    runner: web.AppRunner | None = None
    script = flood(nbytes) if kind == "exec" else f"read go; {flood(nbytes)}"
    try:
        command = ["sleep", "600"] if kind == "exec" else ["sh", "-c", script]
        await rt.start(ContainerLaunch("u", "default", "p", "n", "app", "regular", "busybox",
                                       command=command, stdin=True, tty=tty))  # fmt: skip
        await rt.wait_for("u", "app", lambda s: "running" in s.state)

        async def handler(request: web.Request) -> web.StreamResponse:
            opts = StreamOptions.from_query(request.query)
            if kind == "attach":
                return await serve_stream(
                    request, lambda: rt.attach("u", "app"), opts, kind="attach"
                )
            argv = ["sh", "-c", script]
            return await serve_stream(
                request,
                lambda: rt.exec("u", "app", argv, tty=opts.tty, stdin=False),
                opts,
                kind="exec",
                command=argv,
            )

        app = web.Application()
        app.router.add_get("/stream", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        query = urlencode({"stdin": "true", "stdout": "true", "tty": str(tty).lower()})
        got = 0
        started = time.perf_counter()
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(
                f"http://127.0.0.1:{port}/stream?{query}", protocols=["v5.channel.k8s.io"]
            ) as ws,
        ):
            if kind == "attach":
                await ws.send_bytes(b"\x00go\n")
            async for msg in ws:
                if msg.data and msg.data[0] == 1:
                    got += len(msg.data) - 1
        assert got >= nbytes, f"received {got} of {nbytes} bytes"  # a PTY adds \r
        return got / (time.perf_counter() - started) / 1e6
    finally:
        if runner is not None:
            await runner.cleanup()
        await rt.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=32)
    args = parser.parse_args()
    nbytes = args.mib << 20
    with tempfile.TemporaryDirectory() as tmp:
        for tty in (False, True):
            base = direct(nbytes, tty)
            for kind in ("exec", "attach"):
                ws = asyncio.run(through_websocket(nbytes, tty, kind, Path(tmp) / kind))
                dev = "pty " if tty else "pipe"
                print(f"{dev} {kind:6}: direct {base:7.1f} MB/s  websocket {ws:7.1f} MB/s  "
                      f"ratio {ws / base:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
