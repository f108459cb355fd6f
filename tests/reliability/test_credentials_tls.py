"""Credentials rows: interactive exec plugins run before the UI, tls-server-name and proxies
honoured by the REST client and by the attach/exec websocket.

Real HTTPS against the sandbox behind a TLS front whose certificate names only kube.test,
and a real CONNECT proxy (tests/reliability/relays.py); real plugin processes.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from kdebug_tui.kube.attach import AttachSession, run_command
from kdebug_tui.kube.credentials import ExecCredentials
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.login import login_on_terminal, needs_interactive_login
from kdebug_tui.kube.session import KubeSession
from tests.kube.e2e import shared_sandbox_fixtures
from tests.kube.tls import make_tls
from tests.reliability.relays import Relay

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()

PLUGIN = """\
#!{python}
import json, os, sys, time
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
mode = sys.argv[1]
if mode == "ask":
    sys.stderr.write("one-time code: ")
    sys.stderr.flush()
    code = sys.stdin.readline().strip()
    if code != "424242" or not info["spec"]["interactive"]:
        sys.exit(3)
elif mode == "hang":
    sys.stdin.readline()
    time.sleep(60)
print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {{"token": {token!r}}}}}))
"""


def kubeconfig(path: Path, server: str, ca: Path, users: dict[str, Any], **cluster: str) -> Path:
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": next(iter(users)),
        "clusters": [
            {
                "name": "c",
                "cluster": {"server": server, "certificate-authority": str(ca), **cluster},
            }
        ],
        "users": [{"name": name, "user": user} for name, user in users.items()],
        "contexts": [{"name": name, "context": {"cluster": "c", "user": name}} for name in users],
    }
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture
def plugin(shared_sandbox: Any, tmp_path: Path) -> Path:
    script = tmp_path / "login-plugin"
    script.write_text(PLUGIN.format(python=sys.executable, token=shared_sandbox.admin_token))
    script.chmod(0o755)
    return script


def exec_user(script: Path, mode: str, interactive: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": str(script),
        "args": [mode],
    }
    if interactive:
        spec["interactiveMode"] = interactive
    return {"exec": spec}


async def test_needs_interactive_login_reads_the_exec_config(
    shared_sandbox: Any, plugin: Path, tmp_path: Path
) -> None:
    path = kubeconfig(
        tmp_path / "kc",
        shared_sandbox.https_url,
        shared_sandbox.ca_file,
        {
            "always": exec_user(plugin, "ask", "Always"),
            "if-available": exec_user(plugin, "ask", "IfAvailable"),
            "never": exec_user(plugin, "plain", "Never"),
            "token": {"token": "t"},
        },
    )
    assert needs_interactive_login(path, "always")
    assert needs_interactive_login(path, "if-available")
    assert not needs_interactive_login(path, "never")
    assert not needs_interactive_login(path, "token")


async def test_interactive_plugin_runs_on_the_terminal_before_the_session(
    shared_sandbox: Any, plugin: Path, tmp_path: Path
) -> None:
    path = kubeconfig(
        tmp_path / "kc",
        shared_sandbox.https_url,
        shared_sandbox.ca_file,
        {"always": exec_user(plugin, "ask", "Always")},
    )
    # Inside the app the plugin cannot talk to the user: refused with a clear message.
    with pytest.raises(KubeError) as info:
        await KubeSession.open(path, context="always")
    assert info.value.title == "Interactive login needed"

    execs = ExecCredentials(timeout=5)
    read_end, write_end = os.pipe()
    os.write(write_end, b"424242\n")  # what the user types at the prompt
    try:
        ran = await asyncio.to_thread(
            login_on_terminal, path, "always", execs=execs, stdin=read_end,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        os.close(read_end)
        os.close(write_end)
    assert ran
    async with await KubeSession.open(path, context="always", execs=execs) as session:
        pod = await session.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    assert pod["metadata"]["name"] == "multi"
    assert execs.runs == 0  # the credential came from the login; the app never ran the plugin


async def test_switch_to_an_interactive_context_after_a_login(
    shared_sandbox: Any, plugin: Path, tmp_path: Path
) -> None:
    path = kubeconfig(
        tmp_path / "kc",
        shared_sandbox.https_url,
        shared_sandbox.ca_file,
        {
            "token": {"token": shared_sandbox.viewer_token},
            "always": exec_user(plugin, "ask", "Always"),
        },
    )
    async with await KubeSession.open(path) as session:
        assert session.context == "token"
        with pytest.raises(KubeError):  # without a login the switch is refused, clearly
            await session.switch(context="always")
        assert session.context == "token"
        read_end, write_end = os.pipe()
        os.write(write_end, b"424242\n")
        try:  # what the UI runs inside App.suspend()
            await asyncio.to_thread(
                login_on_terminal, session.kubeconfig, "always", execs=session.execs,
                stdin=read_end, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        finally:
            os.close(read_end)
            os.close(write_end)
        await session.switch(context="always")
        assert session.context == "always"
        await session.request_json("GET", "/api/v1/namespaces/default/pods/multi")


async def test_interactive_login_has_a_timeout(
    shared_sandbox: Any, plugin: Path, tmp_path: Path
) -> None:
    path = kubeconfig(
        tmp_path / "kc",
        shared_sandbox.https_url,
        shared_sandbox.ca_file,
        {"hang": exec_user(plugin, "hang", "Always")},
    )
    read_end, write_end = os.pipe()  # nobody ever types anything
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        with pytest.raises(KubeError) as info:
            await asyncio.to_thread(
                login_on_terminal, path, "hang", execs=ExecCredentials(), timeout=0.5,
                stdin=read_end, stderr=None,
            )  # fmt: skip
    finally:
        os.close(read_end)
        os.close(write_end)
    assert loop.time() - started < 5
    assert info.value.title == "Login timed out"


# -- tls-server-name and proxies, REST and websocket ----------------------------------------


@pytest_asyncio.fixture(loop_scope="module")
async def front(shared_sandbox: Any, tmp_path: Path) -> AsyncIterator[tuple[Relay, Path]]:
    tls = make_tls(tmp_path / "tls", server_names="DNS:kube.test")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(tls.server_crt), str(tls.server_key))
    upstream = int(shared_sandbox.url.rsplit(":", 1)[1])
    relay = await Relay().start_tls_front(ctx, upstream, shared_sandbox.client_ssl_context())
    try:
        yield relay, tls.ca
    finally:
        await relay.close()


async def _exercise(session: KubeSession) -> None:
    """REST, exec and attach through the session: each must reach the sandbox."""
    pod = await session.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    assert pod["metadata"]["name"] == "multi"
    output, ending = await run_command(
        session, "default", "multi", "sidecar", ["echo", "through-tls"]
    )
    assert output.strip() == b"through-tls" and ending.code == 0, (output, ending)
    attach = AttachSession(session, "default", "multi", "sidecar", stdin=False, tty=False)
    await attach.start(80, 24)
    assert attach.protocol.startswith(("v5.", "v4."))
    await attach.close()


async def test_tls_server_name_is_used_for_rest_and_websocket(
    shared_sandbox: Any, front: tuple[Relay, Path], tmp_path: Path
) -> None:
    relay, ca = front
    server = f"https://127.0.0.1:{relay.port}"
    token = {"token": shared_sandbox.admin_token}
    named = kubeconfig(
        tmp_path / "named", server, ca, {"u": token}, **{"tls-server-name": "kube.test"}
    )
    async with await KubeSession.open(named) as session:
        await _exercise(session)
    # Without tls-server-name the same server fails verification: the name matters.
    plain = kubeconfig(tmp_path / "plain", server, ca, {"u": token})
    async with await KubeSession.open(plain) as session:
        with pytest.raises(KubeError) as info:
            await session.request_json("GET", "/api/v1/namespaces/default/pods/multi")
    assert info.value.title == "TLS verification failed"


async def test_proxy_url_is_used_for_rest_and_websocket(
    shared_sandbox: Any, front: tuple[Relay, Path], tmp_path: Path
) -> None:
    relay, ca = front
    proxy = await Relay().start_connect_proxy()
    try:
        path = kubeconfig(
            tmp_path / "kc",
            f"https://127.0.0.1:{relay.port}",
            ca,
            {"u": {"token": shared_sandbox.admin_token}},
            **{"tls-server-name": "kube.test", "proxy-url": f"http://127.0.0.1:{proxy.port}"},
        )
        async with await KubeSession.open(path) as session:
            await _exercise(session)
    finally:
        await proxy.close()
    # One tunnel for the pooled REST connection at least, and one per websocket (exec, attach).
    assert len(proxy.connects) >= 3, proxy.connects
    assert set(proxy.connects) == {f"127.0.0.1:{relay.port}"}
