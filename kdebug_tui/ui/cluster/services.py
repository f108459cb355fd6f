"""The UI's one door to the cluster: session, pod store, access checks and the pod watch.

Screens and widgets never touch `kdebug_tui.kube` directly for I/O: they call these methods
from workers. `kubernetes_asyncio` is imported here lazily, inside `connect()`, which runs in
a worker started after the first frame, so startup paints before the heavy import.

Change tracking: every uid the store reports as changed is appended to a change log with a
generation number. A consumer (the pod table, the triage view) keeps a cursor and asks
`changes_since(cursor)`; coalesced `PodsChanged` messages therefore lose nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from textual.message_pump import MessagePump

from kdebug_tui.config import Settings
from kdebug_tui.ui.cluster.access_line import summary_line
from kdebug_tui.ui.common.messages import (
    AccessChanged,
    ClusterChanged,
    PodsChanged,
    WatchStateChanged,
    clone_message,
)

if TYPE_CHECKING:
    from textual.app import App

    from kdebug_tui.ui.launch.options import LaunchOptions

SANDBOX_CLUSTER = "kdebug-sandbox"  # the cluster name in kubeconfigs the sandbox writes
MAX_LOG = 200_000  # change-log entries kept; a consumer further behind does a full resync


@dataclass
class Changes:
    """What a consumer must repaint: `uids` changed, or `full` resync (new store, log trimmed)."""

    cursor: int
    uids: set[str]
    full: bool


class ClusterServices:
    """Owns the KubeSession, PodStore, AccessChecker and the watch worker for one app."""

    def __init__(self, app: App[Any], options: LaunchOptions, settings: Settings) -> None:
        self.app = app
        self.options = options
        self.settings = settings
        self.readonly: bool = options.readonly or settings.readonly
        self.session: Any = None  # kube.session.KubeSession once connected
        self.store: Any = None  # kube.store.PodStore
        self.access: Any = None  # kube.access.AccessChecker
        self.sandbox: Any = None  # sandbox.Sandbox in --demo mode
        self.kubeconfig: Path | None = Path(options.kubeconfig) if options.kubeconfig else None
        self.namespace: str | None = None  # None: all namespaces
        self.watch_state = "connecting"
        self.watch_message = ""
        self.access_summary = ""
        self.access_answers: dict[str, bool | None] = {}
        self.connected = asyncio.Event()
        self._subscribers: dict[MessagePump, tuple[type, ...] | None] = {}
        self._log: list[str] = []
        self._log_base = 0  # generation of self._log[0]
        self._epoch = 0  # bumped when the store is replaced: every cursor before it is stale
        self._epoch_start = 0
        self._ours: set[tuple[str, str, str]] = set()
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self._offline: tuple[str, str] | None = None
        self.subscribe(app, ClusterChanged, WatchStateChanged, AccessChanged)

    # ---- connection -------------------------------------------------------------------

    async def connect(self) -> None:
        """Start the sandbox (demo), open the session, build store and access, start the watch.

        Raises KubeError (or OSError for the sandbox) for the app to show.
        """
        from kdebug_tui.kube.session import KubeSession

        if self.options.demo and self.sandbox is None:
            await self._start_sandbox()
        namespace = self.options.namespace or self.settings.default_namespace
        self.session = await KubeSession.open(
            kubeconfig=str(self.kubeconfig) if self.kubeconfig else None,
            context=self.options.context,
            namespace=namespace,
            execs=self.options.execs,  # credentials of a login run before the app started
        )
        self.namespace = None if self.options.all_namespaces else self.session.namespace
        self._new_store()
        self._announce_cluster()
        self.start_watch()
        self.refresh_access()
        self.connected.set()

    async def _start_sandbox(self) -> None:
        from kdebug_tui.sandbox import Sandbox

        self._tmpdir = tempfile.TemporaryDirectory(prefix="kdebug-demo-")
        work = Path(self._tmpdir.name)
        sandbox = Sandbox(port=0, workdir=work / "sandbox", demo=True)
        await sandbox.__aenter__()
        self.sandbox = sandbox
        self.kubeconfig = sandbox.write_kubeconfig(work / "kubeconfig", namespace="default")

    @property
    def context(self) -> str:
        if self.session is not None:
            return str(self.session.context)
        return self._offline[0] if self._offline else ""

    @property
    def is_sandbox(self) -> bool:
        """Connected to the kdebug sandbox (ours in --demo, or a `kdebug-tui sandbox` server)."""
        if self.options.demo or self.sandbox is not None:
            return True
        if self.session is None:
            return False
        try:
            return str(self.session.context_info.cluster) == SANDBOX_CLUSTER
        except Exception:
            return False

    @property
    def server(self) -> str:
        if self.session is not None:
            return str(self.session.server)
        return self._offline[1] if self._offline else ""

    def context_names(self) -> list[str]:
        if self.session is None:
            return []
        return [getattr(c, "name", str(c)) for c in self.session.contexts]

    async def switch(
        self, *, context: str | None = None, namespace: str | bool | None = False
    ) -> None:
        """Switch context and/or namespace (`namespace=None`: all; False: keep) and re-watch.

        A context switch builds fresh clients (the session does) and a fresh access cache.
        """
        if self.session is None:
            return
        target_ns: str | None
        if namespace is False:
            target_ns = self.namespace
        else:
            target_ns = namespace if isinstance(namespace, str) else None
        if context is not None and context != self.session.context:
            from kdebug_tui.ui.launch.login import login_in_app

            await login_in_app(self.app, self.session, context)
            await self.session.switch(context=context, namespace=target_ns)
            if namespace is False:
                target_ns = None if self.namespace is None else self.session.namespace
        elif isinstance(target_ns, str) and target_ns != self.session.namespace:
            await self.session.switch(namespace=target_ns)
        self.namespace = target_ns
        self._new_store()
        self._announce_cluster()
        self.start_watch()
        self.refresh_access()

    def use_offline(self, *, context: str, namespace: str | None, server: str = "") -> None:
        """No cluster: an empty store fed by `apply()` (benchmarks, snapshot tests)."""
        self._offline = (context, server)
        self.namespace = namespace
        self._new_store()
        self.watch_state = "live"
        self._announce_cluster()

    def _new_store(self) -> None:
        from kdebug_tui.kube.store import PodStore

        self.store = PodStore()
        self.access = None
        if self.session is not None:
            try:
                from kdebug_tui.kube.access import AccessChecker
            except ImportError:
                pass
            else:
                self.access = AccessChecker(self.session)
        self._epoch += 1
        self._epoch_start = self.generation
        self._broadcast(PodsChanged())

    def _announce_cluster(self) -> None:
        self._broadcast(ClusterChanged(self.context, self.namespace))

    # ---- the watch ----------------------------------------------------------------------

    def start_watch(self) -> None:
        """(Re)start the pod watch; the exclusive group cancels the previous one."""
        self.app.run_worker(
            self._watch(self.store),
            group="pod-watch",
            exclusive=True,
            name="pod watch",
            description=f"watch pods in {self.namespace or 'all namespaces'}",
        )

    async def _watch(self, store: Any) -> None:
        from kdebug_tui.kube.watch import watch_pods

        self._set_watch_state("connecting", "")
        async for update in watch_pods(self.session, self.namespace):
            if store is not self.store:
                return  # a switch replaced us; the new worker owns the new store
            self.apply(update)

    def apply(self, update: Any) -> set[str]:
        """Feed one WatchUpdate into the store and tell subscribers (also used by benchmarks)."""
        state = getattr(update, "state", None)
        if state is not None:
            name = str(getattr(state, "state", state))
            message = str(getattr(state, "message", "") or "")
            if name != self.watch_state or message != self.watch_message:
                self._set_watch_state(name, message)
        if getattr(update, "kind", "") == "STATE":
            return set()
        changed: set[str] = self.store.apply(update)
        if changed:
            self.record(changed)
        return changed

    def record(self, changed: set[str]) -> None:
        self._log.extend(changed)
        if len(self._log) > MAX_LOG:
            drop = len(self._log) - MAX_LOG // 2
            del self._log[:drop]
            self._log_base += drop
        self._broadcast(PodsChanged())

    def _set_watch_state(self, state: str, message: str) -> None:
        self.watch_state = state
        self.watch_message = message
        self._broadcast(WatchStateChanged(state, message))

    @property
    def generation(self) -> int:
        return self._log_base + len(self._log)

    def changes_since(self, cursor: int | None, epoch: int | None = None) -> Changes:
        """What changed after `cursor`. A cursor from another store, or trimmed away: full."""
        now = self.generation
        if cursor is None or epoch != self._epoch or cursor < self._log_base:
            return Changes(now, set(), True)
        return Changes(now, set(self._log[cursor - self._log_base :]), False)

    @property
    def epoch(self) -> int:
        return self._epoch

    def subscribe(self, pump: MessagePump, *kinds: type) -> None:
        """Post our broadcasts (`kinds` only, if given) to `pump` until unsubscribed."""
        self._subscribers[pump] = kinds or None

    def unsubscribe(self, pump: MessagePump) -> None:
        self._subscribers.pop(pump, None)

    def _broadcast(self, message: Any) -> None:
        for pump, kinds in list(self._subscribers.items()):
            if kinds is None or isinstance(message, kinds):
                # Each subscriber needs its own message instance (messages are single-use).
                pump.post_message(clone_message(message))

    # ---- access -------------------------------------------------------------------------

    def refresh_access(self) -> None:
        self.app.run_worker(
            self._compute_access(),
            group="access",
            exclusive=True,
            description="check what these credentials may do",
        )

    async def _compute_access(self) -> None:
        access = self.access
        if access is None:
            return
        ns = self.namespace or self.session.namespace
        answers: dict[str, bool | None] = await access.summary(ns)
        if access is not self.access:
            return  # switched while we were asking
        message = AccessChanged(
            summary_line(answers, self.readonly),
            can_debug=answers.get("debug (ephemeral)") is not False and not self.readonly,
            can_attach=answers.get("attach") is not False,
            can_delete=answers.get("delete pods") is not False and not self.readonly,
        )
        self.access_summary = message.summary
        self.access_answers = answers
        self._broadcast(message)

    # ---- requests for screens (call from workers) ---------------------------------------

    async def list_namespaces(self) -> list[str]:
        data = await self.session.request_json("GET", "/api/v1/namespaces", resource="namespaces")
        return sorted(item["metadata"]["name"] for item in data.get("items", []))

    async def list_nodes(self) -> list[str]:
        data = await self.session.request_json("GET", "/api/v1/nodes", resource="nodes")
        return sorted(item["metadata"]["name"] for item in data.get("items", []))

    async def get_pod(self, namespace: str, name: str) -> dict[str, Any]:
        pod: dict[str, Any] = await self.session.request_json(
            "GET", _pod_path(namespace, name), resource="pods", namespace=namespace
        )
        return pod

    async def pod_events(self, namespace: str, name: str) -> list[dict[str, Any]]:
        selector = f"involvedObject.name={name},involvedObject.namespace={namespace}"
        data = await self.session.request_json(
            "GET",
            f"/api/v1/namespaces/{quote(namespace)}/events",
            query={"fieldSelector": selector},
            resource="events",
            namespace=namespace,
        )
        items: list[dict[str, Any]] = data.get("items", [])
        return sorted(items, key=_event_time)

    async def delete_pod(self, namespace: str, name: str) -> None:
        await self.session.request_json(
            "DELETE", _pod_path(namespace, name), resource="pods", namespace=namespace
        )

    def stream_logs(
        self, namespace: str, pod: str, container: str, *, follow: bool, previous: bool
    ) -> AsyncIterator[bytes]:
        from kdebug_tui.kube.logs import stream_logs

        return stream_logs(
            self.session, namespace, pod, container, follow=follow, previous=previous
        )

    # ---- what we started (UI-2 marks, triage shows) ---------------------------------------

    def mark_ours(self, namespace: str, pod: str, container: str) -> None:
        """Record an ephemeral container started by this app session."""
        self._ours.add((namespace, pod, container))
        self._broadcast(PodsChanged())

    def is_ours(self, namespace: str, pod: str, container: str) -> bool:
        return (namespace, pod, container) in self._ours

    # ---- shutdown ---------------------------------------------------------------------

    async def close(self) -> None:
        """Close the session, then stop the sandbox: nothing we started keeps running."""
        self._subscribers.clear()
        session, self.session = self.session, None
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()
        sandbox, self.sandbox = self.sandbox, None
        if sandbox is not None:
            with contextlib.suppress(Exception):
                await sandbox.__aexit__(None, None, None)
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None


def _pod_path(namespace: str, name: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace)}/pods/{quote(name)}"


def _event_time(event: dict[str, Any]) -> str:
    return str(
        event.get("lastTimestamp")
        or event.get("eventTime")
        or event.get("firstTimestamp")
        or event.get("metadata", {}).get("creationTimestamp")
        or ""
    )


SubscriberFactory = Callable[[], MessagePump]
