"""Triage across every context of a kubeconfig: one list of debuggers, the cluster a column.

An incident can span clusters. Each context gets its own KubeSession (its own credentials,
clients and rate limit), all are listed concurrently, pods arrive as projections
(watch.list_pages), and only the pods that have ephemeral containers are kept. A context
that fails (unreachable, refused credentials, a timeout) is reported as failing with its
reason and never holds the others up: each runs under its own deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from kdebug_tui.kube.errors import KubeError, to_kube_error
from kdebug_tui.kube.triage import EphemeralRow, ephemeral_rows
from kdebug_tui.kube.watch import WatchOptions, list_pages

DEADLINE = 20.0  # per context: listing every pod of a slow cluster may not stall triage


@dataclass(frozen=True)
class ContextRow:
    """One debugger, and the context (cluster) it runs in."""

    context: str
    cluster: str
    row: EphemeralRow


@dataclass
class ContextResult:
    """How one context went: its rows, or why it failed."""

    context: str
    cluster: str
    state: str = "listing"  # "listing" | "ok" | "failed"
    error: str = ""
    pods: int = 0
    rows: list[ContextRow] = field(default_factory=list)
    seconds: float = 0.0


Opener = Callable[[str], Awaitable[Any]]


async def _open_session(kubeconfig: str | os.PathLike[str] | None, context: str) -> Any:
    from kdebug_tui.kube.session import KubeSession

    return await KubeSession.open(kubeconfig, context=context)


async def triage_context(
    context: str,
    cluster: str,
    opener: Opener,
    now: float,
    deadline: float = DEADLINE,
    on_done: Callable[[ContextResult], None] | None = None,
) -> ContextResult:
    """List one context's pods and keep its debuggers; never raises."""
    result = ContextResult(context, cluster)
    started = time.monotonic()
    session: Any = None
    try:
        async with asyncio.timeout(deadline):
            session = await opener(context)
            with_debuggers: list[dict[str, Any]] = []
            options = WatchOptions(request_timeout=deadline)
            pages = list_pages(session, None, options)
            async with contextlib.aclosing(pages):
                async for page, _, _, _ in pages:
                    result.pods += len(page)
                    with_debuggers += [
                        p for p in page if (p.get("spec") or {}).get("ephemeralContainers")
                    ]
            rows = ephemeral_rows(with_debuggers, now)
            result.rows = [ContextRow(context, cluster, r) for r in rows]
            result.state = "ok"
    except TimeoutError:
        result.state = "failed"
        result.error = f"no answer within {deadline:g} s"
    except (KubeError, OSError, ValueError) as exc:
        result.state = "failed"
        result.error = str(to_kube_error(exc, resource="pods"))
    finally:
        result.seconds = time.monotonic() - started
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()
    if on_done is not None:
        on_done(result)
    return result


async def triage_all_contexts(
    kubeconfig: str | os.PathLike[str] | None,
    contexts: list[tuple[str, str]] | None = None,
    *,
    opener: Opener | None = None,
    now: float | None = None,
    deadline: float = DEADLINE,
    on_done: Callable[[ContextResult], None] | None = None,
) -> list[ContextResult]:
    """Every context (name, cluster) of the kubeconfig at once; results in context order.

    `on_done` is called as each context finishes, so a view can show the fast clusters
    while a slow one is still answering."""
    if contexts is None:
        from kdebug_tui.kube.kubeconfig import load_kubeconfig

        config = load_kubeconfig(kubeconfig)
        contexts = [(info.name, info.cluster) for info in config.context_infos()]

    async def default_opener(name: str) -> Any:
        return await _open_session(kubeconfig, name)

    when = time.time() if now is None else now
    return list(
        await asyncio.gather(
            *(
                triage_context(name, cluster, opener or default_opener, when, deadline, on_done)
                for name, cluster in contexts
            )
        )
    )
