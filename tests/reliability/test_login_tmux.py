"""Interactive exec-credential login, in a real terminal (a private tmux server).

`kdebug-tui --kubeconfig K` whose context's plugin is `interactiveMode: Always`: the plugin's
prompt appears on the terminal before the full screen, what is typed reaches it, then the
app connects with its credential. Inside the app, switching to such a context suspends the
app for the prompt and resumes connected. A failed login is one clear line and exit code 1.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PLUGIN = """\
#!{python}
import json, os, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
sys.stderr.write("one-time code: ")
sys.stderr.flush()
code = sys.stdin.readline().strip()
if code != "424242" or not info["spec"]["interactive"]:
    sys.stderr.write("wrong code\\n")
    sys.exit(3)
print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {{"token": {token!r}}}}}))
"""


def write_kubeconfig(tmp: Path, sb: Any, current: str) -> Path:
    script = tmp / "login-plugin"
    script.write_text(PLUGIN.format(python=sys.executable, token=sb.admin_token))
    script.chmod(0o755)
    exec_spec = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": str(script),
        "interactiveMode": "Always",
    }
    users = {"always": {"exec": exec_spec}, "token": {"token": sb.viewer_token}}
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": current,
        "clusters": [
            {
                "name": "c",
                "cluster": {"server": sb.https_url, "certificate-authority": str(sb.ca_file)},
            }
        ],
        "users": [{"name": n, "user": u} for n, u in users.items()],
        "contexts": [
            {"name": n, "context": {"cluster": "c", "user": n, "namespace": "default"}}
            for n in users
        ],
    }
    path = tmp / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    return path


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    async def run(self, *args: str, check: bool = True) -> str:
        def call() -> str:
            return subprocess.run(
                ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                capture_output=True, text=True, check=check, timeout=10,
            ).stdout  # fmt: skip

        return await asyncio.to_thread(call)

    async def close(self) -> None:
        await self.run("kill-server", check=False)
        (Path(f"/tmp/tmux-{os.getuid()}") / self.socket).unlink(missing_ok=True)

    async def screen(self) -> str:
        return await self.run("capture-pane", "-p", "-t", "k")

    async def wait(self, predicate: Callable[[str], bool], what: str, within: float = 30) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        screen = ""
        while not predicate(screen):
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}; pane:\n{screen}")
            await asyncio.sleep(0.2)  # an external process: polling tmux is the only way
            screen = await self.screen()
        return screen


async def start(tmux: Tmux, kubeconfig: Path, tmp: Path) -> None:
    await tmux.run("new-session", "-d", "-s", "k", "-x", "150", "-y", "40", "sleep 600")
    await tmux.run("set-option", "-g", "remain-on-exit", "on")
    await tmux.run(
        "respawn-pane", "-k", "-t", "k", "-c", str(ROOT),
        "-e", f"PYTHONPATH={ROOT}", "-e", f"XDG_STATE_HOME={tmp}", "-e", f"HOME={tmp}",
        "-e", "TERM=xterm-256color",
        sys.executable, "-m", "kdebug_tui.cli", "--kubeconfig", str(kubeconfig),
    )  # fmt: skip


async def test_login_before_the_full_screen(sandbox: Any, tmp_path: Path) -> None:
    tmux = Tmux(f"kdebuglogin-{os.getpid()}")
    try:
        await start(tmux, write_kubeconfig(tmp_path, sandbox, "always"), tmp_path)
        await tmux.wait(lambda s: "one-time code:" in s, "the plugin's prompt")
        await tmux.run("send-keys", "-t", "k", "424242", "Enter")
        await tmux.wait(lambda s: "web-distroless" in s, "the pods of the cluster")
        await tmux.run("send-keys", "-t", "k", "q")
        await tmux.wait(lambda s: "Pane is dead" in s or "$" in s, "the app to quit", 15)
    finally:
        await tmux.close()


async def test_failed_login_is_one_clear_line(sandbox: Any, tmp_path: Path) -> None:
    tmux = Tmux(f"kdebuglogin2-{os.getpid()}")
    try:
        await start(tmux, write_kubeconfig(tmp_path, sandbox, "always"), tmp_path)
        await tmux.wait(lambda s: "one-time code:" in s, "the plugin's prompt")
        await tmux.run("send-keys", "-t", "k", "000000", "Enter")
        screen = await tmux.wait(lambda s: "exited with code 3" in s, "the failure")
        assert "kdebug-tui: Login failed" in screen, screen
        assert "Traceback" not in screen
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        status = ""
        # tmux can mark the pane dead a moment before it fills in the exit status (or the
        # signal): wait for one of them, not for pane_dead alone.
        query = "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"
        while not re.match(r"1\|\d|1\|\|\d", status):
            assert loop.time() < deadline, f"the app did not exit: {status!r}"
            await asyncio.sleep(0.2)
            status = await tmux.run("display", "-p", "-t", "k", query)
        assert status.strip() == "1|1|", status
    finally:
        await tmux.close()


async def test_switching_to_an_interactive_context_suspends_for_the_login(
    sandbox: Any, tmp_path: Path
) -> None:
    tmux = Tmux(f"kdebuglogin3-{os.getpid()}")
    try:
        await start(tmux, write_kubeconfig(tmp_path, sandbox, "token"), tmp_path)
        await tmux.wait(lambda s: "web-distroless" in s, "the pods (token context)")
        await tmux.run("send-keys", "-t", "k", "c")
        await tmux.wait(lambda s: "always" in s, "the context picker")
        await tmux.run("send-keys", "-t", "k", "always", "Enter")
        await tmux.wait(lambda s: "one-time code:" in s, "the prompt, app suspended")
        await tmux.run("send-keys", "-t", "k", "424242", "Enter")
        screen = await tmux.wait(
            lambda s: "always" in s and "web-distroless" in s and "one-time" not in s,
            "the app back, on context always",
        )
        assert "Traceback" not in screen
    finally:
        await tmux.close()
