"""Sandbox stream throughput: a flood through exec's websocket vs reading the same flood
straight from a pipe / PTY in the same process.

Run: ``python -m bench.sandbox_streams [--mib 64]``. The command is `head -c N /dev/zero`
run inside a sandbox container by `ContainerRuntime.exec`, served by `streams.serve_stream`
on loopback and read by an aiohttp websocket client (v5). Prints MB/s for each path and the
ratio websocket/direct (1.0 = the stream costs nothing over the kernel's own pipe or PTY).
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


def direct(nbytes: int, tty: bool) -> float:
    """MB/s reading `head -c` straight from a pipe or a PTY master."""
    if tty:
        reader, writer = os.openpty()
    else:
        reader, writer = os.pipe()
    started = time.perf_counter()
    proc = subprocess.Popen(["head", "-c", str(nbytes), "/dev/zero"], stdout=writer)
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


async def through_websocket(nbytes: int, tty: bool, workdir: Path) -> float:
    rt = ContainerRuntime(workdir, lambda *_: None)
    runner: web.AppRunner | None = None
    try:
        await rt.start(ContainerLaunch("u", "default", "p", "n", "app", "regular", "busybox",
                                       command=["sleep", "600"]))  # fmt: skip
        await rt.wait_for("u", "app", lambda s: "running" in s.state)

        async def exec_(request: web.Request) -> web.StreamResponse:
            opts = StreamOptions.from_query(request.query)
            cmd = request.query.getall("command")
            return await serve_stream(
                request,
                lambda: rt.exec("u", "app", cmd, tty=opts.tty, stdin=False),
                opts,
                kind="exec",
                command=cmd,
            )

        app = web.Application()
        app.router.add_get("/exec", exec_)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        argv = ["head", "-c", str(nbytes), "/dev/zero"]
        query = urlencode(
            [("stdout", "true"), ("tty", str(tty).lower())] + [("command", a) for a in argv]
        )
        got = 0
        started = time.perf_counter()
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(
                f"http://127.0.0.1:{port}/exec?{query}", protocols=["v5.channel.k8s.io"]
            ) as ws,
        ):
            async for msg in ws:
                if msg.data and msg.data[0] == 1:
                    got += len(msg.data) - 1
        assert got == nbytes, f"received {got} of {nbytes} bytes"
        return got / (time.perf_counter() - started) / 1e6
    finally:
        if runner is not None:
            await runner.cleanup()
        await rt.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=64)
    args = parser.parse_args()
    nbytes = args.mib << 20
    with tempfile.TemporaryDirectory() as tmp:
        for tty in (False, True):
            base = direct(nbytes, tty)
            ws = asyncio.run(through_websocket(nbytes, tty, Path(tmp)))
            kind = "pty " if tty else "pipe"
            print(f"{kind}: direct {base:7.1f} MB/s  websocket {ws:7.1f} MB/s  "
                  f"ratio {ws / base:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
