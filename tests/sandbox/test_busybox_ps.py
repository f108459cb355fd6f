"""The busybox image runs busybox: a bare `ps` lists the whole PID namespace, so a debugger
started with --target sees the distroless target's process, as on a real node."""

from __future__ import annotations

from pathlib import Path

from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.inject import inject
from kdebug_tui.kube.logs import stream_logs
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.waiting import wait_for_container


async def _debugger_output(kubeconfig: Path, sandbox: object, command: list[str]) -> str:
    session = await KubeSession.open(kubeconfig=str(kubeconfig))
    try:
        pod = await session.request_json("GET", "/api/v1/namespaces/default/pods/web-distroless")
        request = DebugRequest(
            mode="ephemeral",
            namespace="default",
            pod_name="web-distroless",
            image="busybox:1.36",
            target="app",
            command=command,
            stdin=False,
            tty=False,
        )
        built = build(request, pod=pod)
        await inject(session, built)
        outcome = await wait_for_container(
            session, "default", "web-distroless", built.container_name, timeout=30
        )
        if outcome.state != "terminated":
            await wait_for_container(
                session, "default", "web-distroless", built.container_name, timeout=30
            )
        chunks = [
            chunk
            async for chunk in stream_logs(
                session, "default", "web-distroless", built.container_name, follow=True
            )
        ]
        return b"".join(chunks).decode()
    finally:
        await session.close()


async def test_bare_ps_in_a_targeting_debugger_lists_the_target_process(
    sandbox: object, kubeconfig: Path
) -> None:
    if not sandbox.runtime.capabilities.pid_namespaces:  # type: ignore[attr-defined]
        import pytest

        pytest.skip(sandbox.runtime.capabilities.reason)  # type: ignore[attr-defined]
    out = await _debugger_output(kubeconfig, sandbox, ["ps"])
    header = out.splitlines()[0].split()
    assert header == ["PID", "USER", "COMMAND"], out  # busybox's ps, as recorded
    assert "web.py" in out, out


async def test_busybox_applets_answer_as_busybox(sandbox: object, kubeconfig: Path) -> None:
    out = await _debugger_output(kubeconfig, sandbox, ["sh", "-c", "FOO; ps -p 1 2>&1 | head -1"])
    assert out.splitlines()[0] == "sh: FOO: not found", out
    assert out.splitlines()[1] == "ps: invalid option -- 'p'", out  # busybox, not procps
