"""File transfer through a debugger (kube/files.py) against the bare exec stream.

Run: ``python -m bench.file_transfer [--mib 32]``. A sandbox with the demo workload starts,
a busybox debugger targets the distroless `web-distroless`, then:
- baseline: `run_command(["cat", FILE])` over the same exec websocket (the stream's ceiling);
- download: `TargetFiles.download` (resolve, stat, cat to a file, remote sha256sum);
- upload:   `TargetFiles.upload` (stdin, half-close, remote sha256sum);
- list:     `list_dir` of a directory of 2,000 files (one find + batched stat).
Prints MiB/s and the ratios download/baseline and upload/baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from kdebug_tui.kube.attach import run_command
from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.files import TargetFiles
from kdebug_tui.kube.inject import inject, wait_for_container
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.sandbox import Sandbox


def prepare(mib: int) -> tuple[Path, Path, Path]:
    """A world-readable work directory with one big file and a directory of 2,000 files."""
    work = Path(tempfile.mkdtemp(prefix="kdebug-bench-", dir="/tmp"))
    work.chmod(0o755)
    big = work / "big.bin"
    big.write_bytes(os.urandom(mib * 1024 * 1024))
    many = work / "many"
    many.mkdir()
    for i in range(2000):
        (many / f"f{i:04d}").write_bytes(b"x")
    return work, big, many


async def main(mib: int) -> None:
    work, big, many = prepare(mib)
    try:
        async with Sandbox(port=0, workdir=work / "sb", demo=True) as sb:
            session = await KubeSession.open(kubeconfig=str(sb.write_kubeconfig(work / "kc")))
            try:
                await run(session, big, many, work, mib)
            finally:
                await session.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def run(session: KubeSession, big: Path, many: Path, work: Path, mib: int) -> None:
    pod = await session.request_json("GET", "/api/v1/namespaces/default/pods/web-distroless")
    request = DebugRequest(
        mode="ephemeral", namespace="default", pod_name="web-distroless", image="busybox",
        target="app", command=["sh", "-c", "sleep 100000"], stdin=False, tty=False,
    )  # fmt: skip
    built = build(request, pod)
    await inject(session, built)
    await wait_for_container(session, "default", "web-distroless", built.container_name)
    files = await TargetFiles.open(session, "default", "web-distroless", built.container_name)
    started = time.perf_counter()
    out, _ = await run_command(
        session, "default", "web-distroless", built.container_name, ["cat", f"/proc/1/root{big}"]
    )
    base = time.perf_counter() - started
    assert len(out) == mib * 1024 * 1024
    started = time.perf_counter()
    await files.download(str(big), work / "down.bin")
    down = time.perf_counter() - started
    started = time.perf_counter()
    await files.upload(big, str(work / "up.bin"))
    up = time.perf_counter() - started
    started = time.perf_counter()
    entries = await files.list_dir(str(many))
    listing = time.perf_counter() - started
    assert len(entries) == 2000
    print(f"baseline exec cat      {mib / base:7.1f} MiB/s")
    print(f"download (verified)    {mib / down:7.1f} MiB/s  ratio {base / down:.2f}")
    print(f"upload (verified)      {mib / up:7.1f} MiB/s  ratio {base / up:.2f}")
    print(f"list 2,000 entries     {listing * 1000:7.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=32)
    asyncio.run(main(parser.parse_args().mib))
