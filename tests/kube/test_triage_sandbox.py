"""Shared env/volumes and the stoppable debugger, end to end on the sandbox."""

from __future__ import annotations

import asyncio

import pytest

from kdebug_tui.kube.attach import AttachSession, run_command
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.inject import wait_for_container
from kdebug_tui.kube.podstate import container_status
from kdebug_tui.kube.proctable import parse_proc_table, proc_table_argv
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.stopping import stop_debugger, stop_note, stoppable
from tests.kube.e2e import drain, read_until, shared_sandbox_fixtures
from tests.kube.triage_helpers import get_pod, make_pod, start_debugger

pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_sandbox, shared_kube = shared_sandbox_fixtures()


async def test_shared_env_and_mounts_are_accepted_and_visible(shared_kube: KubeSession) -> None:
    await shared_kube.request_json(
        "POST",
        "/api/v1/namespaces/default/pods",
        body={
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "share"},
            "spec": {
                "volumes": [{"name": "data", "emptyDir": {}}, {"name": "conf", "emptyDir": {}}],
                "containers": [
                    {
                        "name": "app",
                        "image": "busybox:1.36",
                        "command": ["sh", "-c", "while true; do sleep 3600; done"],
                        "env": [{"name": "MODE", "value": "prod-42"}],
                        "volumeMounts": [
                            {"name": "data", "mountPath": "/data"},
                            {"name": "conf", "mountPath": "/etc/x.yaml", "subPath": "x.yaml"},
                        ],
                    }
                ],
            },
        },
    )
    await wait_for_container(shared_kube, "default", "share", "app", timeout=20)
    pod = await get_pod(shared_kube, "default", "share")
    built, pod = await start_debugger(
        shared_kube, pod, share_target_env=True, share_target_mounts=True
    )
    assert any("subPath" in w for w in built.warnings)
    [entry] = [c for c in pod["spec"]["ephemeralContainers"] if c["name"] == built.container_name]
    assert entry["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]
    out, ending = await run_command(
        shared_kube, "default", "share", built.container_name, ["printenv", "MODE"]
    )
    assert (out.strip(), ending.code) == (b"prod-42", 0)


async def _until_running(kube: KubeSession, pod: str, container: str, comm: str) -> None:
    """Until a process called `comm` runs in the container (bounded)."""
    for _ in range(100):
        out, _ending = await run_command(kube, "default", pod, container, proc_table_argv())
        if any(e.comm == comm for e in parse_proc_table(out.decode()).entries):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {comm} process appeared in {container}")


async def test_stop_ends_an_interactive_wrapped_shell(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "stop-me", {})
    built, _ = await start_debugger(
        shared_kube, pod, command=["sh"], stdin=True, tty=True, wrap_for_stop=True
    )
    attach = AttachSession(shared_kube, "default", "stop-me", built.container_name)
    await attach.start(80, 24)
    try:
        # the user's shell owns the terminal: it reads what we type and is the main process
        await attach.write(b"echo tty-$((6*7)) $(tty)\r")
        seen = await read_until(attach, b"tty-42 /dev/pts/")
        assert b"not a tty" not in seen
        # Ctrl-C reaches the user's foreground program (not ignored as in a background job)
        await attach.write(b"cat; echo slept-through\r")
        await read_until(attach, b"slept-through")  # the tty's echo of the line
        await _until_running(shared_kube, "stop-me", built.container_name, "cat")
        await attach.write(b"\x03")
        after_ctrl_c = (await read_until(attach, b"^C")).split(b"^C", 1)[1]
        # The shell's next prompt ($PWD # ): it has taken the signal and reads a new line.
        # A line typed before that can be discarded (so under load one retry after another
        # could run out); typed now it runs. Were SIGINT ignored, cat would keep reading
        # lines and print them back literally: no prompt, never "after-5".
        if b"# " not in after_ctrl_c:
            await read_until(attach, b"# ")
        for attempt in range(5):
            await attach.write(b"echo after-$((2+3))\r")
            try:
                interrupted = await read_until(attach, b"after-5", limit=3.0)
                break
            except AssertionError:
                if attempt == 4:
                    raise
        assert b"slept-through" not in interrupted
        await attach.write(b"echo $KDEBUG_STOP_FILE\r")
        await read_until(attach, built.stop_file.encode())  # type: ignore[union-attr]
        assert stoppable(await get_pod(shared_kube, "default", "stop-me"), built.container_name)
        outcome = await stop_debugger(shared_kube, "default", "stop-me", built.container_name)
        assert outcome.state == "terminated"
        assert outcome.exit_code == 129, outcome  # SIGHUP: the shell left at once
        await drain(attach)
    finally:
        await attach.close()
    assert "stays in pod stop-me" in stop_note("stop-me", built.container_name)
    assert not stoppable(await get_pod(shared_kube, "default", "stop-me"), built.container_name)
    again = await stop_debugger(shared_kube, "default", "stop-me", built.container_name)
    assert again.state == "terminated"  # stopping a stopped debugger is harmless
    assert "already ended" in again.message and "stopped by kdebug-tui" in outcome.message


async def test_exit_still_ends_a_wrapped_container_normally(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "exit-me", {})
    built, _ = await start_debugger(
        shared_kube, pod, command=["sh"], stdin=True, tty=True, wrap_for_stop=True
    )
    attach = AttachSession(shared_kube, "default", "exit-me", built.container_name)
    await attach.start(80, 24)
    await attach.write(b"exit 3\r")
    await drain(attach)
    assert attach.exit is not None and attach.exit.code == 3, attach.exit
    pod = await get_pod(shared_kube, "default", "exit-me")
    state = (container_status(pod, built.container_name) or {})["state"]
    assert state["terminated"]["exitCode"] == 3


async def test_stopping_an_unwrapped_debugger_is_refused(shared_kube: KubeSession) -> None:
    pod = await make_pod(shared_kube, "plain", {})
    built, pod = await start_debugger(shared_kube, pod)
    assert not stoppable(pod, built.container_name)
    with pytest.raises(KubeError, match="not started as stoppable") as info:
        await stop_debugger(shared_kube, "default", "plain", built.container_name)
    assert info.value.hint
