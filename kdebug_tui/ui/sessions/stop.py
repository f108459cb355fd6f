"""Stopping one of our wrapped ephemeral debuggers (key `S` in the sessions and triage views).

Ephemeral containers have no "stop" in the API. The debuggers this app starts as
"stoppable" run under kube/stopping.py's wrapper, so `stop_debugger` can end them. We ask
first (the shell in it ends), run the stop in a worker, then say what stays behind:
the container's entry remains in the pod spec until the pod is replaced (`stop_note`).
"""

from __future__ import annotations

from typing import Any

from kdebug_tui.ui.common.confirm import ConfirmScreen


def stop_refusal(pod: dict[str, Any] | None, pod_name: str, container: str) -> str | None:
    """Why `container` cannot be stopped by us now (None: it can)."""
    from kdebug_tui.kube.podstate import container_spec
    from kdebug_tui.kube.stopping import stop_file_of, stoppable

    if pod is None:
        return f"pod {pod_name} is not known (deleted?)"
    spec, kind = container_spec(pod, container)
    if spec is None:
        return f"{container} is not in pod {pod_name}"
    if kind != "ephemeral":
        return (
            f"{container} is not an ephemeral debugger: only those are stopped this way "
            "(copies and node pods are deleted instead)"
        )
    if stop_file_of(spec) is None:
        return (
            f"{container} was not started as stoppable (the 'stoppable' switch in the debug "
            "form): exit its program from its terminal instead"
        )
    if not stoppable(pod, container):
        return f"{container} has already ended"
    return None


def confirm_stop(app: Any, namespace: str, pod_name: str, container: str) -> None:
    """Ask, then stop `container` in a worker; notifies the outcome and the stop note."""
    lines = [
        f"{container} in {namespace}/{pod_name} will be told to exit: its program gets "
        "SIGHUP, then SIGTERM, then SIGKILL; an open shell in it ends.",
        # Not stop_note(): that one reports a stop that has happened ("was stopped").
        f"Ephemeral containers cannot be removed: its entry stays in pod {pod_name}'s spec "
        "(shown as terminated) until the pod is deleted or replaced (e.g. by a rollout).",
    ]

    def answered(ok: bool | None) -> None:
        if ok:
            app.run_worker(
                _stop(app, namespace, pod_name, container),
                group=f"stop-{namespace}/{pod_name}/{container}",
                exclusive=True,
                exit_on_error=False,
                description=f"stop {container}",
            )

    app.push_screen(
        ConfirmScreen(f"Stop the debugger {container}?", lines, yes_label="Stop it"), answered
    )


async def _stop(app: Any, namespace: str, pod_name: str, container: str) -> None:
    from kdebug_tui.kube.stopping import stop_debugger, stop_note
    from kdebug_tui.ui.common import timeline

    key = (str(app.services.session.context), namespace, pod_name, container)
    app.notify(f"Stopping {container}…", markup=False, timeout=3)
    timeline.note(app, key, "stop requested")
    try:
        outcome = await stop_debugger(app.services.session, namespace, pod_name, container)
    except Exception as exc:
        timeline.note(app, key, f"stop failed: {exc}")
        app.notify_error(exc, title=f"Could not stop {container}")
        return
    timeline.note(app, key, f"stopped: {outcome.message}")
    app.notify(
        f"{outcome.message}.\n{stop_note(pod_name, container)}",
        title=f"{container} stopped",
        markup=False,
        timeout=12,
    )


async def stop_if_possible(app: Any, namespace: str, pod_name: str, container: str) -> None:
    """Check the pod first (a clear refusal instead of a failed exec), then confirm."""
    try:
        pod = await app.services.get_pod(namespace, pod_name)
    except Exception as exc:
        app.notify_error(exc, title=f"Cannot stop {container}")
        return
    refusal = stop_refusal(pod, pod_name, container)
    if refusal is not None:
        app.notify(refusal, title="Cannot stop", severity="warning", markup=False)
        return
    confirm_stop(app, namespace, pod_name, container)


def request_stop(app: Any, namespace: str, pod_name: str, container: str) -> None:
    """The `S` key: check, confirm and stop, all off the event handler."""
    app.run_worker(
        stop_if_possible(app, namespace, pod_name, container),
        group="stop-check",
        exit_on_error=False,
        description=f"check that {container} can be stopped",
    )
