"""Entry points other features call to open sessions, and the cleanup on quit.

`open_attach` (the pod list's `a`), `start_debug` (a DebugRequest without the form, e.g. the
kubectl plugin), and what the debug form does after a successful submit (`after_inject`)
all end the same way: the sessions screen comes to the front with a new pane, and a flow
(see `flows.py`) runs as a worker of that screen to wait, attach, or show logs. What the
sessions screen's own keys do to a pane is in `pane_actions.py`, below the screen.
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.ui.common.confirm import ConfirmScreen
from kdebug_tui.ui.sessions import flows, typeahead
from kdebug_tui.ui.sessions.cleanup import OwnedPod, confirmation_lines, find_orphans
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane
from kdebug_tui.ui.sessions.pane_actions import context_of, delete_owned, ui_task
from kdebug_tui.ui.sessions.screen import SessionsScreen

_INSTALLED = "_kdebug_sessions_installed"


# --- the sessions screen -------------------------------------------------------------------


def sessions_screen(app: Any) -> SessionsScreen:
    """The one SessionsScreen (installed under "sessions" if the app has not done it yet)."""
    if not app.is_screen_installed("sessions"):
        app.install_screen(SessionsScreen(), name="sessions")
    screen = app.get_screen("sessions")
    assert isinstance(screen, SessionsScreen)
    return screen


async def show_sessions(app: Any, *, replace: Any = None) -> SessionsScreen:
    """Bring the sessions screen to the front (mounted) without stacking it twice.

    `replace`: a screen on top (the debug form) that the sessions screen takes the place
    of, so what lies between (the pod list) is not repainted for nothing.
    """
    install(app)
    screen = sessions_screen(app)
    if app.screen is screen:
        return screen
    if screen in app.screen_stack:
        while app.screen is not screen:
            app.pop_screen()
        return screen
    if replace is not None and app.screen is replace:
        await app.switch_screen(screen)
    else:
        await app.push_screen(screen)
    return screen


# --- opening sessions ----------------------------------------------------------------------


def open_attach(app: Any, namespace: str, pod_name: str, container: str) -> None:
    """Attach to `container` in a new pane (logs instead when it is not attachable)."""

    async def run() -> None:
        screen = await show_sessions(app)
        target = PaneTarget(context_of(app), namespace, pod_name, container, kind="attach")
        pane = await screen.open_pane(target)
        screen.run_flow(pane, lambda: flows.attach_flow(app, pane), f"attach to {pod_name}")

    ui_task(app, run(), f"open a pane for {pod_name}/{container}")


async def inject_built(app: Any, built: Any) -> dict[str, Any]:
    """Send what the form previewed (K2's inject); raises KubeError."""
    from kdebug_tui.kube.inject import inject

    result: dict[str, Any] = await inject(app.services.session, built)
    return result


async def after_inject(
    app: Any,
    request: Any,
    built: Any,
    result: dict[str, Any],
    early: Any = None,
    *,
    form: Any = None,
    pod_before: Any = None,
) -> SessionPane:
    """The container (or pod) exists: remember it, open its pane and wait for it there."""
    install(app)
    context = context_of(app)
    pod_name = str(((result or {}).get("metadata") or {}).get("name") or built.pod_name)
    if pod_name != built.pod_name:  # a generated copy/node name collided and was replaced
        built = built.with_pod_name(pod_name)
    # Wait and connect while the screen and the pane are being built.
    if early is None and built.container_name:
        early = flows.early_start(app, built)
    owned = built.mode in ("copy", "node")
    if owned:  # remembered first: whatever happens next, it is offered for deletion
        kind = "node" if built.mode == "node" else "copy"
        sessions_screen(app).cleanup.add(
            OwnedPod(context, built.namespace, pod_name, kind, node=built.node_name)  # type: ignore[arg-type]
        )
    screen = await show_sessions(app, replace=form)
    if not owned and hasattr(app.services, "mark_ours"):
        app.services.mark_ours(built.namespace, pod_name, built.container_name)
    target = PaneTarget(
        context,
        built.namespace,
        pod_name,
        built.container_name or "(none)",
        kind=built.mode,
        owned_pod=owned,
        node=built.node_name,
    )
    pane = await screen.open_pane(target)
    typeahead.claim(app, pane)  # keys typed since the submit are this pane's
    from kdebug_tui.ui.sessions.recording import remember_debug  # for the incident record

    remember_debug(app, pane, request, built, pod_before or getattr(form, "pod", None))
    if early is not None:
        pane.owned.append(early)  # closed with the pane, even if its flow never ran
    if not built.container_name:
        pane.mark_failed("The copy was created without a debug container: nothing to attach to.")
        return pane
    screen.run_flow(
        pane, lambda: flows.debug_flow(app, pane, built, early), f"wait for {built.container_name}"
    )
    return pane


def start_debug(app: Any, request: Any) -> None:
    """Build, inject, wait and attach for `request` without the form (errors: notify)."""

    async def run() -> None:
        from kdebug_tui.kube.debug import build
        from kdebug_tui.kube.errors import to_kube_error

        try:
            pod = None
            if request.pod_name:
                pod = await app.services.get_pod(request.namespace, request.pod_name)
            built = build(request, pod)
            result = await inject_built(app, built)
        except Exception as exc:
            error = to_kube_error(exc)
            app.notify(error.describe(), title="Debug failed", severity="error", markup=False)
            return
        await after_inject(app, request, built, result, pod_before=pod)

    app.run_worker(run(), group="start-debug", exit_on_error=False, description="start debug")


# --- cleanup -------------------------------------------------------------------------------


def install(app: Any) -> None:
    """Register quit warning + cleanup hook and start the orphan scan (once per app)."""
    if getattr(app, _INSTALLED, False):
        return
    setattr(app, _INSTALLED, True)
    warnings = getattr(app, "quit_warnings", None)
    if isinstance(warnings, list):
        warnings.append(lambda: _open_sessions_warning(app))
        warnings.append(lambda: _other_context_pods_warning(app))
    hooks = getattr(app, "cleanup_hooks", None)
    if isinstance(hooks, list):
        hooks.append(lambda: cleanup_on_quit(app))
    app.run_worker(
        _scan_orphans_when_connected(app),
        group="orphan-scan",
        exit_on_error=False,
        description="look for debug pods left by earlier runs",
    )


def _open_sessions_warning(app: Any) -> list[str]:
    if not app.is_screen_installed("sessions"):
        return []
    live = [p for p in sessions_screen(app).panes if p.state in ("starting", "waiting", "terminal")]
    if not live:
        return []
    return [f"{len(live)} session(s) are open; their shells will be closed."]


def _other_context_pods_warning(app: Any) -> list[str]:
    """Pods we made under another context: quit's cleanup cannot delete them from here.

    A user who debugged a node, switched context and quit left a privileged pod running
    without a word; now the quit question names them and how to delete them.
    """
    if not app.is_screen_installed("sessions"):
        return []
    registry = sessions_screen(app).cleanup
    current = context_of(app)
    pods = [
        p for p in registry.pending() if p.context != current and p.key not in registry.declined
    ]
    if not pods:
        return []
    lines = [f"{len(pods)} debug pod(s) created under another context keep running:"]
    for pod in pods:
        lines.append(f"  • {pod.describe()}")
        lines.append(
            f"    delete: switch back (c), or kubectl --context {pod.context} "
            f"-n {pod.namespace} delete pod {pod.name}"
        )
    return lines


async def cleanup_on_quit(app: Any) -> None:
    """Offer every pod we created this run (in the current context) for deletion."""
    if not app.is_screen_installed("sessions"):
        return
    registry = sessions_screen(app).cleanup
    pods = [p for p in registry.pending(context_of(app)) if p.key not in registry.declined]
    if not pods:
        return
    ok = await app.push_screen_wait(
        ConfirmScreen(
            "Delete the debug pods kdebug-tui created?",
            confirmation_lines(pods),
            yes_label="Delete them",
            no_label="Keep them",
        )
    )
    if ok:
        await delete_owned(app, pods)


async def _scan_orphans_when_connected(app: Any) -> None:
    connected = getattr(app.services, "connected", None)
    if connected is None:
        return
    await connected.wait()
    registry = sessions_screen(app).cleanup
    try:
        orphans = await find_orphans(app.services.session, registry)
    except Exception:
        return  # a failed scan must not bother the user: it is only a convenience
    if not orphans:
        return
    for pod in orphans:
        registry.add(pod)
    names = ", ".join(f"{p.namespace}/{p.name}" for p in orphans[:5])
    more = f" and {len(orphans) - 5} more" if len(orphans) > 5 else ""
    app.notify(
        f"Debug pods from an earlier run are still there: {names}{more}. "
        "Open the sessions screen and press D to review and delete them.",
        title="Leftover debug pods",
        severity="warning",
        timeout=15,
        markup=False,
    )
