"""watch_pods, PodStore and render against the sandbox API over real HTTPS."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.kube.access import AccessChecker
from kdebug_tui.kube.render import pod_row
from kdebug_tui.kube.session import KubeSession
from kdebug_tui.kube.store import PodStore
from kdebug_tui.kube.watch import WatchOptions, WatchUpdate, watch_pods

DEMO_DEFAULT = {
    "web-distroless",
    "multi",
    "with-init",
    "crashloop",
    "completed",
    "already-debugged",
}
OPTS = WatchOptions(inactivity_timeout=10.0, backoff_base=0.05, backoff_cap=0.2, timeout_seconds=60)


class Watcher:
    """Runs watch_pods into a PodStore in a task, as the app does; waits on conditions."""

    def __init__(self, session: KubeSession, namespace: str | None, options: WatchOptions) -> None:
        self.store = PodStore()
        self.updates: list[WatchUpdate] = []
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._run(session, namespace, options))

    async def _run(
        self, session: KubeSession, namespace: str | None, options: WatchOptions
    ) -> None:
        async for update in watch_pods(session, namespace, options):
            self.store.apply(update)
            async with self._changed:
                self.updates.append(update)
                self._changed.notify_all()

    async def wait_for(self, what: str, predicate: Any, wait: float = 20.0) -> None:
        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self))

        try:
            await asyncio.wait_for(check(), wait)
        except TimeoutError:
            kinds = [(u.kind, u.state.state, u.state.message[:60]) for u in self.updates[-8:]]
            raise AssertionError(f"timed out waiting for {what}; last updates: {kinds}") from None

    def count(self, kind: str) -> int:
        return sum(1 for u in self.updates if u.kind == kind)

    def names(self) -> set[str]:
        return {p["metadata"]["name"] for p in self.store.pods()}

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@contextlib.asynccontextmanager
async def watcher(
    session: KubeSession, namespace: str | None = "default", options: WatchOptions = OPTS
) -> AsyncIterator[Watcher]:
    w = Watcher(session, namespace, options)
    try:
        yield w
    finally:
        await w.stop()


@pytest.fixture
async def session(kubeconfig: Path) -> AsyncIterator[KubeSession]:
    async with await KubeSession.open(kubeconfig) as s:
        yield s


def busybox(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "terminationGracePeriodSeconds": 1,
            "containers": [{"name": "main", "image": "busybox:1.36", "command": ["sleep", "600"]}],
        },
    }


async def test_initial_list_has_the_demo_pods(session: KubeSession) -> None:
    async with watcher(session) as w:
        await w.wait_for("the first list", lambda w: w.count("RELISTED") >= 1)
        assert w.names() >= DEMO_DEFAULT
        assert all(p["metadata"]["namespace"] == "default" for p in w.store.pods())


async def test_all_namespaces(session: KubeSession) -> None:
    async with watcher(session, None) as w:
        await w.wait_for("the first list", lambda w: w.count("RELISTED") >= 1)
        spaces = {p["metadata"]["namespace"] for p in w.store.pods()}
        assert {"default", "shop", "secure"} <= spaces
        assert {"cart-7d9f", "redis-0", "vault-0"} <= w.names()


async def test_live_added_modified_deleted(session: KubeSession) -> None:
    async with watcher(session) as w:
        await w.wait_for("the first list", lambda w: w.count("RELISTED") >= 1)
        await session.request_json("POST", "/api/v1/namespaces/default/pods", body=busybox("fresh"))
        await w.wait_for("ADDED fresh", lambda w: w.store.by_name("default", "fresh") is not None)
        await w.wait_for(
            "fresh running",
            lambda w: pod_row(w.store.by_name("default", "fresh"), time.time()).status == "Running",
        )
        assert any(u.kind == "MODIFIED" and u.pod["metadata"]["name"] == "fresh" for u in w.updates)
        seen_terminating: list[bool] = []

        def gone_after_terminating(w: Watcher) -> bool:
            pod = w.store.by_name("default", "fresh")
            if pod is not None and pod_row(pod, time.time()).status == "Terminating":
                seen_terminating.append(True)
            return pod is None

        await session.request_json("DELETE", "/api/v1/namespaces/default/pods/fresh")
        await w.wait_for("DELETED fresh", gone_after_terminating)
        assert seen_terminating, "the graceful delete never showed Terminating"
        assert any(u.kind == "DELETED" for u in w.updates)


async def test_relist_after_watches_expire_twice_in_a_row(
    sandbox: Any, session: KubeSession
) -> None:
    async with watcher(session) as w:
        await w.wait_for("the first list", lambda w: w.count("RELISTED") == 1)
        await w.wait_for("a live watch", lambda w: w.updates[-1].state.state == "live")
        for expected in (2, 3):
            sandbox.faults.expire_watches()
            await w.wait_for(f"re-list #{expected}", lambda w, n=expected: w.count("RELISTED") >= n)
        assert w.names() >= DEMO_DEFAULT
        # Still live: a new pod arrives through the new watch.
        await session.request_json("POST", "/api/v1/namespaces/default/pods", body=busybox("after"))
        await w.wait_for("ADDED after", lambda w: w.store.by_name("default", "after") is not None)


async def test_stalled_watch_reconnects_on_inactivity(sandbox: Any, session: KubeSession) -> None:
    # The sandbox sends a bookmark every 2 s, so a healthy watch never idles for 4 s: only
    # the stall can trigger the inactivity reconnect.
    assert sandbox.watch_settings.bookmark_interval <= 2.0
    options = WatchOptions(inactivity_timeout=4.0, backoff_base=0.05, backoff_cap=0.2)
    async with watcher(session, options=options) as w:
        await w.wait_for("a live watch", lambda w: w.updates[-1].state.state == "live")
        sandbox.faults.stall_watches()
        stalled_at = len(w.updates)
        await w.wait_for(
            "an inactivity reconnect",
            lambda w: any("no events" in u.state.message for u in w.updates[stalled_at:]),
        )
        assert not any("no events" in u.state.message for u in w.updates[:stalled_at])
        sandbox.faults.clear()
        await session.request_json("POST", "/api/v1/namespaces/default/pods", body=busybox("late"))
        await w.wait_for("ADDED late", lambda w: w.store.by_name("default", "late") is not None)


async def test_server_errors_back_off_and_recover(sandbox: Any, session: KubeSession) -> None:
    sandbox.faults.fail("watch", "pods", status=500, times=2, message="etcd unavailable")
    async with watcher(session) as w:
        await w.wait_for(
            "two reconnecting states",
            lambda w: (
                sum(u.state.state == "reconnecting" for u in w.updates if u.kind == "STATE") >= 2
            ),
        )
        failing = next(u for u in w.updates if u.state.state == "reconnecting")
        assert failing.state.error is not None and failing.state.error.status == 500
        await w.wait_for("live again", lambda w: w.updates[-1].state.state == "live")
        assert w.count("RELISTED") == 1  # a failed watch is re-opened, not re-listed
        await session.request_json("POST", "/api/v1/namespaces/default/pods", body=busybox("ok"))
        await w.wait_for("ADDED ok", lambda w: w.store.by_name("default", "ok") is not None)


async def test_demo_pods_render_like_kubectl(session: KubeSession) -> None:
    async with watcher(session) as w:

        def status(name: str) -> str:
            pod = w.store.by_name("default", name)
            return pod_row(pod, time.time()).status if pod else ""

        await w.wait_for("completed pod", lambda w: status("completed") == "Completed")
        await w.wait_for("multi running", lambda w: status("multi") == "Running")
        multi = pod_row(w.store.by_name("default", "multi"), time.time())  # type: ignore[arg-type]
        assert multi.ready == "2/2" and multi.status_class == "ok"
        await w.wait_for(
            "crashloop failing",
            lambda w: status("crashloop") in ("Error", "CrashLoopBackOff"),
        )


async def test_access_review_against_the_sandbox(session: KubeSession) -> None:
    admin = await AccessChecker(session).summary("default")
    assert admin["debug (ephemeral)"] is True and admin["list pods"] is True
    await session.switch(context="sandbox-viewer")
    viewer = await AccessChecker(session).summary("default")
    assert viewer["list pods"] is True and viewer["watch pods"] is True
    assert viewer["debug (ephemeral)"] is False
    assert viewer["create pods"] is False and viewer["delete pods"] is False


@pytest.mark.kubectl
@pytest.mark.parametrize("context", ["sandbox-admin", "sandbox-viewer"])
async def test_access_agrees_with_kubectl_auth_can_i(
    kubectl_path: str, kubeconfig: Path, context: str
) -> None:
    checks = [
        ("list", "pods", ""),
        ("patch", "pods", "ephemeralcontainers"),
        ("create", "pods", ""),
        ("get", "pods", "attach"),
        ("delete", "pods", ""),
    ]
    async with await KubeSession.open(kubeconfig, context=context) as s:
        access = AccessChecker(s)
        for verb, resource, sub in checks:
            argv = [kubectl_path, "--kubeconfig", str(kubeconfig), "--context", context]
            argv += ["auth", "can-i", verb, resource, "-n", "default"]
            if sub:
                argv.append(f"--subresource={sub}")
            proc = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            out, _ = await asyncio.wait_for(proc.communicate(), 30)
            kubectl_says = out.decode().strip() == "yes"
            ours = await access.check(verb, resource, "default", sub)
            assert ours is kubectl_says, (context, verb, resource, sub, out)
    assert (context == "sandbox-viewer") is not kubectl_says  # admin may delete, viewer not


@pytest.mark.kubectl
async def test_contexts_agree_with_kubectl(kubectl_path: str, kubeconfig: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        kubectl_path, "--kubeconfig", str(kubeconfig), "config", "get-contexts", "-o", "name",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    async with await KubeSession.open(kubeconfig) as s:
        assert [c.name for c in s.contexts] == sorted(out.decode().split())
        assert s.context == "sandbox-admin"
