"""The conversations a session pane has with the cluster, each run as a worker.

inject -> wait -> attach: after the form (or `start_debug`) created the container, the
pane's flow waits for it with K2's `wait_for_container`, showing every state change (each
waiting reason and message, as kubectl prints them), then opens the terminal on an
AttachSession; a container that terminated at once shows its logs under its exit code and
reason instead; a wait that times out says so and names the node. Attach to an existing
container checks the pod first: terminated -> logs, no stdin/tty -> say so and offer logs.

These functions run in workers of the sessions screen (never awaited in an event handler);
cancelling the worker cancels the wait or the attach.
"""

from __future__ import annotations

import asyncio
from typing import Any

from kdebug_tui.kube.errors import KubeError, to_kube_error
from kdebug_tui.kube.podstate import container_spec, container_status, describe_state
from kdebug_tui.ui.sessions import typeahead
from kdebug_tui.ui.sessions.flow_backends import WAIT_TIMEOUT, EarlyStart, GcHold
from kdebug_tui.ui.sessions.pane import PaneTarget, SessionPane

ENDED_STATUS_POLL = (0.1, 0.2, 0.4, 0.8, 0.0)  # seconds between reads, ~1.5 s in all
SHELL = ["sh", "-c", "command -v bash >/dev/null && exec bash || exec sh"]


def cancel_message(target: PaneTarget) -> str:
    if target.kind == "ephemeral":
        return (
            f"Cancelled. The ephemeral container {target.container} stays in the pod spec "
            "(ephemeral containers cannot be removed); r attaches to it if it starts."
        )
    if target.owned_pod:
        return (
            f"Cancelled. Pod {target.pod} still exists; x closes the pane and offers to delete it."
        )
    return "Cancelled."


def describe_progress(progress: Any) -> str:
    """One line per state change: `waiting: ErrImagePull: <kubelet message>`."""
    state = str(getattr(progress, "state", "") or "")
    reason = str(getattr(progress, "reason", "") or "")
    message = str(getattr(progress, "message", "") or "")
    if state == "pending" and not reason:
        return "pending: the kubelet has not reported the container yet"
    text = state or "state"
    if reason:
        text += f": {reason}"
    if message:
        text += f": {message}"
    return text


def show_progress_event(pane: SessionPane, progress: Any) -> None:
    """The state line, then what to do about it (ProgressEvent.hint) on the line below."""
    pane.show_progress(describe_progress(progress))
    hint = str(getattr(progress, "hint", "") or "")
    if hint:
        pane.show_progress(f"  hint: {hint}")
        typeahead.pane_needs_user(pane)


def early_start(app: Any, built: Any, gc_hold: GcHold | None = None) -> EarlyStart:
    """Begin waiting for (and then connecting to) the new container right after inject."""
    return EarlyStart(
        app.services.session,
        built.namespace,
        built.pod_name,
        built.container_name,
        nudge=_runs_image_default(built),
        timeout=WAIT_TIMEOUT,
        gc_hold=gc_hold,
    )


async def debug_flow(app: Any, pane: SessionPane, built: Any, early: EarlyStart | None) -> None:
    """Show the wait for the new debug container, then the shell (or how it ended)."""
    target = pane.target
    early = early or early_start(app, built)
    if not early.task.done():  # already running by now: no need to draw the wait at all
        pane.set_status(f"waiting for {target.container} in {target.pod}…  c: cancel")
        pane.set_actions(["cancel"])
        early.listen(lambda progress: show_progress_event(pane, progress))
    try:
        outcome, backend = await early.result()
    except KubeError as exc:
        # A timeout names the node and the last waiting reason (K2's message).
        await _failed(pane, exc)
        return
    except asyncio.CancelledError:
        await early.close()
        raise
    except Exception as exc:  # anything else from the wire: said in the pane, not a crash
        await _failed(pane, to_kube_error(exc, resource="pods", namespace=target.namespace))
        return
    pane.set_actions([])
    if backend is not None:
        early.backend = None  # the pane owns it now (closed when the pane goes)
        await pane.show_terminal(backend)
        return
    reason = outcome.reason or "Terminated"
    header = f"{target.container} terminated at once: {reason}, exit code {outcome.exit_code}"
    if outcome.message:
        header += f" ({outcome.message})"
    await logs_flow(app, pane, header + "; its logs:")


def _runs_image_default(built: Any) -> bool:
    """True when the debug container has no command/args of ours: the image's shell
    (also a "stoppable" one, whose wrapper runs `sh` in place of the image's default)."""
    from kdebug_tui.kube.stopping import is_wrapped

    body = getattr(built, "body", {}) or {}
    spec = body.get("spec") or {}
    containers = list(spec.get("ephemeralContainers") or []) + list(spec.get("containers") or [])
    for container in containers:
        if container.get("name") == built.container_name:
            if is_wrapped(container):
                return list(container["command"][4:]) == ["sh"] and not container.get("args")
            return not container.get("command") and not container.get("args")
    return False


async def attach_flow(app: Any, pane: SessionPane) -> None:
    """Attach to an existing container, or explain why not and show its logs."""
    target = pane.target
    pane.set_status(f"checking {target.pod}/{target.container}…")
    try:
        pod = await app.services.get_pod(target.namespace, target.pod)
    except Exception as exc:
        await _failed(pane, to_kube_error(exc, resource="pods", namespace=target.namespace))
        return
    spec, _kind = container_spec(pod, target.container)
    status = container_status(pod, target.container)
    phase = (pod.get("status") or {}).get("phase")
    if spec is None:
        pane.mark_failed(f"container {target.container} is not valid for pod {target.pod}")
        return
    terminated = ((status or {}).get("state") or {}).get("terminated")
    if terminated is not None or phase in ("Succeeded", "Failed"):
        await logs_flow(app, pane, _ended_header(status, target, phase=phase))
        return
    if not spec.get("stdin") or not spec.get("tty"):
        missing = " and ".join(
            w for w, ok in (("stdin", spec.get("stdin")), ("tty", spec.get("tty"))) if not ok
        )
        pane.mark_failed(
            f"{target.container} was started without {missing}: there is no terminal to "
            "attach to. l shows its logs; a debug container (d) gives you a shell."
        )
        pane.set_actions(["logs", "close"])
        return
    if "running" not in ((status or {}).get("state") or {}):
        pane.show_progress(f"{target.container}: {describe_state(status)}")
    await _open_terminal(app, pane)


async def exec_flow(app: Any, pane: SessionPane) -> None:
    """A new shell in the pane's container (the split keys)."""
    from kdebug_tui.kube.attach import ExecSession

    target = pane.target
    backend = ExecSession(
        app.services.session, target.namespace, target.pod, target.container, list(SHELL)
    )
    await pane.show_terminal(backend)


async def _open_terminal(app: Any, pane: SessionPane) -> None:
    from kdebug_tui.kube.attach import AttachSession

    target = pane.target
    backend = AttachSession(app.services.session, target.namespace, target.pod, target.container)
    pane.show_progress("If you don't see a command prompt, press enter.")
    await pane.show_terminal(backend)


async def ended_flow(app: Any, pane: SessionPane) -> None:
    """The terminal stream ended: say how the container ended; if it exited before showing
    anything (a command that ran at once), show its logs, like kubectl debug does."""
    target = pane.target
    status: dict[str, Any] | None = None
    # The stream can end a moment before the kubelet reports the container terminated.
    for delay in ENDED_STATUS_POLL:
        try:
            pod = await app.services.get_pod(target.namespace, target.pod)
        except Exception:
            return  # the drop message in the pane already says what happened
        status = container_status(pod, target.container)
        if ((status or {}).get("state") or {}).get("terminated") is not None:
            break
        await asyncio.sleep(delay)
    else:
        return  # still running: a dropped connection, not an ended container
    header = _ended_header(status, target)
    if pane.terminal_is_blank():
        await logs_flow(app, pane, header)
    else:
        pane.set_status(header.removesuffix("; its logs:") + "; l: logs, x: close")


async def logs_flow(app: Any, pane: SessionPane, header: str | None) -> None:
    """Show the container's logs (whole, not followed) under `header`."""
    from kdebug_tui.kube.logs import stream_logs

    target = pane.target
    previous = False
    try:
        status = container_status(
            await app.services.get_pod(target.namespace, target.pod), target.container
        )
    except Exception:
        status = None
    # Waiting to restart (CrashLoopBackOff): what it printed before dying is what matters.
    state = (status or {}).get("state") or {}
    if "waiting" in state and ((status or {}).get("lastState") or {}).get("terminated"):
        previous = True
    if header is None:
        header = _ended_header(status, target) if status else f"logs of {target.container}:"
        if previous:
            last = status["lastState"]["terminated"]  # type: ignore[index]
            header = (
                f"{target.container} is waiting to restart; the previous run ended: "
                f"{last.get('reason') or 'Terminated'}, exit code {last.get('exitCode')}; "
                "its logs:"
            )
    await pane.show_logs(header)  # the header heads the logs; the status says it once, without
    pane.set_status(header.removesuffix("; its logs:"))  # "its logs:" a second time
    try:
        async for chunk in stream_logs(
            app.services.session,
            target.namespace,
            target.pod,
            target.container,
            previous=previous,
        ):
            pane.append_log_text(chunk.decode("utf-8", "replace"))
    except Exception as exc:
        error = to_kube_error(exc, resource="pods/log", namespace=target.namespace)
        pane.append_log_text(f"\n(logs unavailable: {error.describe()})\n")


def _ended_header(status: Any, target: PaneTarget, *, phase: str | None = None) -> str:
    if isinstance(status, dict):
        terminated = (status.get("state") or {}).get("terminated")
        if terminated:
            code = terminated.get("exitCode")
            reason = terminated.get("reason") or "Terminated"
            message = terminated.get("message") or ""
            text = f"{target.container} terminated: {reason}, exit code {code}"
            return text + (f" ({message})" if message else "") + "; its logs:"
        return f"{target.container}: {describe_state(status)}; its logs:"
    if phase:
        return f"pod {target.pod} is {phase}; logs of {target.container}:"
    return f"logs of {target.container}:"


async def _failed(pane: SessionPane, error: KubeError) -> None:
    pane.mark_failed(error.describe())
    pane.set_actions(["reattach", "logs", "close"])
