"""`kdebug-tui sandbox` as a real process: serves, says what it is, stops every child on SIGINT."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import ssl
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_serve_until_signal_and_stop_everything(tmp_path: Path, sig: int) -> None:
    kubeconfig = tmp_path / "kc.yaml"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kdebug_tui", "sandbox", "--kubeconfig", str(kubeconfig),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=str(ROOT),
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        banner = ""
        async with asyncio.timeout(30):
            while "Press Ctrl-C" not in banner:
                line = (await proc.stdout.readline()).decode()
                assert line, f"sandbox exited early: {banner}"
                banner += line
        assert "not a Kubernetes cluster" in banner
        assert f"Kubeconfig: {kubeconfig}" in banner
        assert "kubectl --kubeconfig" in banner
        config = yaml.safe_load(kubeconfig.read_text())
        token = config["users"][0]["user"]["token"]
        assert token not in banner
        assert oct(kubeconfig.stat().st_mode & 0o777) == "0o600"
        server = config["clusters"][0]["cluster"]["server"]
        assert server.startswith("https://127.0.0.1:")
        ca = tmp_path / "ca.pem"
        import base64

        ca.write_bytes(
            base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"])
        )
        ctx = ssl.create_default_context(cafile=str(ca))
        async with aiohttp.ClientSession() as session:
            async with asyncio.timeout(30):
                while True:  # wait until the demo's containers run
                    async with session.get(
                        server + "/api/v1/namespaces/default/pods/multi",
                        headers={"Authorization": f"Bearer {token}"},
                        ssl=ctx,
                    ) as r:
                        assert r.status == 200
                        pod = json.loads(await r.read())
                    states = [c["state"] for c in pod["status"].get("containerStatuses", [])]
                    if len(states) == 2 and all("running" in s for s in states):
                        break
                    await asyncio.sleep(0.1)
        children = _descendants(proc.pid)
        assert len(children) >= 5, children  # the demo's containers are real processes
        proc.send_signal(sig)
        code = await asyncio.wait_for(proc.wait(), 30)
        rest = (await proc.stdout.read()).decode()
        assert code == 0, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        assert "stopped" in rest
        survivors = [pid for pid in children if _alive(pid)]
        assert survivors == [], survivors
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
