"""The real kubectl writes to the sandbox: delete, debug (ephemeral, --copy-to, node),
attach and debug -it over the websocket stream protocol, and the viewer's refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.sandbox.helpers import Api, container_state, running, wait_pod
from tests.sandbox.kubectl import Kubectl

pytestmark = pytest.mark.kubectl


async def test_delete_returns_once_the_pod_is_gone(kubectl: Kubectl, api: Api) -> None:
    await wait_pod(api.sb, "shop", "redis-0", lambda p: running(p, "redis"), what="redis running")
    uid = api.sb.cluster.get_pod("shop", "redis-0")["metadata"]["uid"]
    assert api.sb.runtime.pid_of(uid, "redis") is not None
    r = await kubectl("delete", "pod", "redis-0", "-n", "shop", "--grace-period=1")
    assert r.code == 0, r.err
    assert r.out.strip() == 'pod "redis-0" deleted'
    assert api.sb.cluster.get_pod("shop", "redis-0") is None
    assert api.sb.runtime.pid_of(uid, "redis") is None
    _, events = await api.get(
        "/api/v1/namespaces/shop/events", params={"fieldSelector": f"involvedObject.uid={uid}"}
    )
    assert any(
        e["reason"] == "Killing" and e["message"] == "Stopping container redis"
        for e in events["items"]
    )


async def test_debug_ephemeral_non_interactive(kubectl: Kubectl, api: Api) -> None:
    await wait_pod(api.sb, "default", "multi", lambda p: running(p, "app"), what="app running")
    r = await kubectl(
        "debug", "multi", "--image=busybox", "--target=app", "--profile=general", "--", "ps"
    )
    assert r.code == 0, r.err
    assert 'Targeting container "app"' in r.out + r.err
    pod = api.sb.cluster.get_pod("default", "multi")
    ec = pod["spec"]["ephemeralContainers"][0]
    assert ec["name"].startswith("debugger-") and ec["targetContainerName"] == "app"
    assert ec["securityContext"] == {"capabilities": {"add": ["SYS_PTRACE"]}}
    pod = await wait_pod(
        api.sb,
        "default",
        "multi",
        lambda p: "terminated" in container_state(p, ec["name"]).get("state", {}),
        what="ps done",
    )
    assert container_state(pod, ec["name"])["state"]["terminated"]["exitCode"] == 0
    logs = await kubectl("logs", "multi", "-c", ec["name"])
    assert "PID" in logs.out


async def test_debug_copy_to(kubectl: Kubectl, api: Api) -> None:
    r = await kubectl(
        "debug", "multi", "--image=busybox:1.36", "--copy-to=multi-copy", "--share-processes",
        "--profile=general", "--", "sleep", "3600",
    )  # fmt: skip
    assert r.code == 0, r.err
    copy: Any = await wait_pod(
        api.sb,
        "default",
        "multi-copy",
        lambda p: p is not None and p["status"].get("phase") == "Running",
        what="copy running",
    )
    assert copy["spec"]["shareProcessNamespace"] is True
    assert [c["name"] for c in copy["spec"]["containers"]][:2] == ["app", "sidecar"]
    assert not copy["metadata"].get("labels")


async def test_debug_node_creates_a_running_privileged_pod(kubectl: Kubectl, api: Api) -> None:
    r = await kubectl(
        "debug",
        "node/sandbox-node-1",
        "--image=busybox",
        "--profile=sysadmin",
        "--",
        "sleep",
        "600",
    )
    assert r.code == 0, r.err
    name = next(
        p["metadata"]["name"]
        for p in api.sb.cluster.list("pods", "default")
        if p["metadata"]["name"].startswith("node-debugger-sandbox-node-1-")
    )
    pod = await wait_pod(
        api.sb, "default", name, lambda p: running(p, "debugger"), what="node debugger running"
    )
    spec = pod["spec"]
    assert spec["nodeName"] == "sandbox-node-1" and spec["hostPID"] and spec["hostNetwork"]
    assert spec["containers"][0]["securityContext"]["privileged"] is True
    assert spec["volumes"][0] == {"name": "host-root", "hostPath": {"path": "/", "type": ""}}
    assert spec["tolerations"] == [{"operator": "Exists"}]


async def test_auth_can_i_and_whoami(kubectl: Kubectl) -> None:
    r = await kubectl("auth", "can-i", "patch", "pods", "--subresource=ephemeralcontainers")
    assert r.out.strip() == "yes"
    viewer = ("--context", "sandbox-viewer")
    r = await kubectl(
        *viewer, "auth", "can-i", "patch", "pods", "--subresource=ephemeralcontainers"
    )
    assert r.out.strip() == "no" and r.code == 1
    r = await kubectl(*viewer, "auth", "can-i", "list", "pods")
    assert r.out.strip() == "yes"
    r = await kubectl(*viewer, "auth", "whoami")
    assert r.code == 0 and "system:serviceaccount:default:sandbox-viewer" in r.out


async def test_viewer_cannot_debug(kubectl: Kubectl, api: Api) -> None:
    r = await kubectl(
        "--context", "sandbox-viewer", "debug", "multi", "--image=busybox", "--", "true"
    )
    assert r.code == 1
    assert (
        'cannot patch resource "pods/ephemeralcontainers" in API group "" '
        'in the namespace "default"' in r.err
    )
    r = await kubectl("--context", "sandbox-viewer", "delete", "pod", "multi")
    assert r.code == 1 and 'cannot delete resource "pods"' in r.err
    assert api.sb.cluster.get_pod("default", "multi") is not None


async def test_debug_interactive_over_websocket(kubectl: Kubectl, api: Api) -> None:
    await wait_pod(api.sb, "default", "multi", lambda p: running(p, "app"), what="app running")
    proc = await kubectl.start(
        "debug", "-i", "multi", "--image=busybox", "--target=app", "--profile=general", "--", "sh"
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(b"echo hello-from-$((6*7))\nexit 3\n")
        await proc.stdin.drain()
        out = await asyncio.wait_for(proc.stdout.read(), 30)
        await asyncio.wait_for(proc.wait(), 10)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert b"hello-from-42" in out


async def test_attach_to_a_container_with_stdin(kubectl: Kubectl, api: Api) -> None:
    status, _ = await api.call(
        "POST",
        "/api/v1/namespaces/default/pods",
        body={
            "metadata": {"name": "interactive"},
            "spec": {
                "containers": [{"name": "sh", "image": "busybox", "command": ["sh"], "stdin": True}]
            },
        },
    )
    assert status == 201
    await wait_pod(api.sb, "default", "interactive", lambda p: running(p, "sh"), what="sh running")
    proc = await kubectl.start("attach", "-i", "interactive", "-c", "sh")
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(b"echo attached-$((1+1))\n")
        await proc.stdin.drain()
        async with asyncio.timeout(20):
            while b"attached-2" not in (line := await proc.stdout.readline()):
                assert line, "attach output ended"
    finally:
        proc.terminate()
        await proc.wait()
    r = await kubectl("--context", "sandbox-viewer", "attach", "interactive", "-c", "sh")
    assert r.code == 1 and "pods/attach" in r.err


async def test_debug_it_with_a_terminal(kubectl: Kubectl, api: Api) -> None:
    """`kubectl debug -it` needs a real terminal: give it a PTY and type into the shell."""
    import os
    import pty

    await wait_pod(api.sb, "default", "multi", lambda p: running(p, "app"), what="app running")
    master, slave = pty.openpty()
    proc = await asyncio.create_subprocess_exec(
        *kubectl.argv("debug", "-it", "multi", "--image=busybox", "--target=app", "--", "sh"),
        stdin=slave, stdout=slave, stderr=slave, env=kubectl.env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    loop = asyncio.get_running_loop()
    output = bytearray()
    more = asyncio.Event()

    def readable() -> None:
        try:
            output.extend(os.read(master, 4096))
        except OSError:
            loop.remove_reader(master)
        more.set()

    async def wait_for_text(text: bytes) -> None:
        async with asyncio.timeout(20):
            while text not in output:
                more.clear()
                await more.wait()

    loop.add_reader(master, readable)
    try:
        await wait_for_text(b"If you don't see a command prompt")
        os.write(master, b"echo tty-$((5*5)); tty\r")
        await wait_for_text(b"tty-25")
        await wait_for_text(b"/dev/pts/")
        os.write(master, b"exit\r")
        await asyncio.wait_for(proc.wait(), 20)
    finally:
        loop.remove_reader(master)
        os.close(master)
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, output.decode(errors="replace")


async def test_pod_security_refuses_general_and_admits_restricted(
    kubectl: Kubectl, api: Api
) -> None:
    r = await kubectl(
        "debug", "vault-0", "-n", "secure", "--image=busybox", "--profile=general", "--", "true"
    )
    assert r.code == 1
    assert (
        'Error from server (Forbidden): pods "vault-0" is forbidden: '
        'violates PodSecurity "restricted:latest": ' in r.err
    )
    assert "allowPrivilegeEscalation != false" in r.err
    r = await kubectl(
        "debug", "vault-0", "-n", "secure", "--image=busybox", "--profile=restricted",
        "--target=vault", "--", "id",
    )  # fmt: skip
    assert r.code == 0, r.err
    pod = api.sb.cluster.get_pod("secure", "vault-0")
    name = pod["spec"]["ephemeralContainers"][0]["name"]
    pod = await wait_pod(
        api.sb,
        "secure",
        "vault-0",
        lambda p: "terminated" in container_state(p, name).get("state", {}),
        what="id ran",
    )
    logs = await kubectl("logs", "-n", "secure", "vault-0", "-c", name)
    assert "uid=1000" in logs.out, logs.out + logs.err
