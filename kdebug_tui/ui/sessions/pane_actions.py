"""What the sessions screen's keys do to a pane: split with a shell, reattach, logs, and
the offer to delete the debug pods we created.

Below the screen: it imports this module, and this module finds the screen by its installed
name ("sessions") instead of importing it, so there is no import circle. Opening sessions
from other features (attach, after a debug) is `actions.py`, above the screen.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions import flows
from kdebug_tui.ui.sessions.cleanup import OwnedPod, confirmation_lines, delete_pods
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane

SCREEN_NAME = "sessions"  # the name the app installs the one SessionsScreen under


def _screen(app: Any) -> Any:
    """The installed SessionsScreen (whose keys call these functions)."""
    return app.get_screen(SCREEN_NAME)


def ui_task(app: Any, work: Coroutine[Any, Any, None], description: str) -> None:
    """Screen work (push, mount) off the caller's handler; a failure becomes a notification
    through the app's worker-error handler instead of ending the app."""
    app.run_worker(work, group="session-ui", exit_on_error=False, description=description)


def context_of(app: Any) -> str:
    return str(getattr(getattr(app.services, "session", None), "context", "") or "")


def open_shell_beside(app: Any, pane: SessionPane, *, beside: bool) -> None:
    """Split `pane` with a new shell (exec `sh`) in the same container."""

    async def run() -> None:
        screen = _screen(app)
        old = pane.target
        target = PaneTarget(
            old.context, old.namespace, old.pod, old.container, kind="exec", node=old.node
        )
        new = await screen.open_pane(target, next_to=pane, beside=beside)
        screen.run_flow(new, lambda: flows.exec_flow(app, new), f"shell in {old.container}")

    ui_task(app, run(), "open a shell beside")


def reattach(app: Any, pane: SessionPane) -> None:
    from kdebug_tui.ui.common import timeline

    screen = _screen(app)
    timeline.note_pane(app, pane, f"reattach ({pane.target.kind})")
    if pane.target.kind == "logs":
        screen.run_flow(pane, lambda: flows.logs_flow(app, pane, None), "logs")
        return
    flow = flows.exec_flow if pane.target.kind == "exec" else flows.attach_flow
    screen.run_flow(pane, lambda: flow(app, pane), f"reattach to {pane.target.container}")


def show_logs(app: Any, pane: SessionPane) -> None:
    """The container's logs: in the pane itself, or beside it when it holds a terminal
    (whose screen and scrollback must survive)."""
    screen = _screen(app)
    if pane.terminal is None:
        screen.run_flow(pane, lambda: flows.logs_flow(app, pane, None), "logs")
        return

    async def beside() -> None:
        old = pane.target
        target = PaneTarget(old.context, old.namespace, old.pod, old.container, kind="logs")
        new = await screen.open_pane(target, next_to=pane)
        screen.run_flow(new, lambda: flows.logs_flow(app, new, None), "logs")

    ui_task(app, beside(), "open the logs beside")


def offer_cleanup(
    app: Any,
    *,
    only_pods: set[tuple[str, str]] | None = None,
    title: str = "The debug session ended",
) -> None:
    """Offer the pods we created (or `only_pods`) for deletion; a No is remembered."""
    registry = _screen(app).cleanup
    pods = [
        p
        for p in registry.pending(context_of(app))
        if p.key not in registry.declined
        and (only_pods is None or (p.namespace, p.name) in only_pods)
    ]
    if not pods:
        return

    def answered(ok: bool | None) -> None:
        if ok:
            app.run_worker(delete_owned(app, pods), group="cleanup", exit_on_error=False)
        else:
            registry.declined.update(p.key for p in pods)

    app.push_screen(
        ConfirmScreen(
            title,
            confirmation_lines(pods),
            yes_label="Delete",
            no_label="Keep",
        ),
        answered,
    )


async def delete_owned(app: Any, pods: list[OwnedPod]) -> None:
    failures = await delete_pods(app.services, pods)
    failed_names = {e.name for e in failures}
    registry = _screen(app).cleanup
    for pod in pods:
        if pod.name not in failed_names or not failures:
            registry.discard(pod)
    if failures:
        text = "\n".join(e.describe() for e in failures)
        app.notify(text, title="Some pods were not deleted", severity="error", markup=False)
    else:
        app.notify(f"Deleted {len(pods)} debug pod(s).", markup=False)
