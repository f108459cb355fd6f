"""`kubectl kdebug POD ...` once connected: straight into the shell, through the usual checks.

The request made of kubectl's flags goes the way a submitted debug form goes: build (the
exact body kubectl would send), pre-flight, a confirmation for privileged choices (the same
dialog and words as the form), inject, then `after_inject` opens the sessions screen with a
pane that waits for the container and attaches. Whenever something needs the user -- the
flags do not make a valid request, pre-flight found an error, the user declined the
privileged choices, or the API refused -- the debug form opens prefilled with the flags and
says why, so nothing typed on the command line is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from dataclasses import replace
from typing import Any

from textual.widgets import Checkbox, Select, TextArea

from kdebug_tui.kube.errors import KubeError, to_kube_error
from kdebug_tui.ui.debug.prefill import DebugPrefill
from kdebug_tui.ui.launch.plugin_args import PluginPrefill

CONFIRM_TITLE = "This debug session is privileged"


def debug_form_kwargs(
    form_class: Any, prefill: DebugPrefill, pod: dict[str, Any] | None
) -> dict[str, Any]:
    """Arguments for DebugFormScreen; `prefill` only if that screen accepts it."""
    kwargs: dict[str, Any] = {"pod": pod, "container": prefill.target, "mode": prefill.mode}
    if prefill.node:
        kwargs["node"] = prefill.node
    kwargs["prefill"] = prefill
    params = inspect.signature(form_class).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def start_plugin_session(app: Any, prefill: DebugPrefill) -> bool:
    """Run the plugin's request in a worker; False if `prefill` is not the plugin's."""
    if not isinstance(prefill, PluginPrefill):
        return False
    app.run_worker(
        run_plugin_request(app, prefill),
        group="plugin",
        exclusive=True,
        exit_on_error=False,
        description="kubectl kdebug: start the debug session",
    )
    return True


async def run_plugin_request(app: Any, prefill: PluginPrefill) -> None:
    """Build, check, confirm, inject and attach; on any problem, the prefilled form."""
    from kdebug_tui.kube.debug import build
    from kdebug_tui.kube.preflight import preflight
    from kdebug_tui.ui.sessions.actions import after_inject, inject_built

    services = app.services
    if getattr(services, "readonly", False):
        app.show_error(
            "Read-only mode: debugging would change the cluster (drop --readonly).",
            title="kubectl kdebug",
        )
        return
    namespace = prefill.namespace or services.session.namespace or "default"
    pod: dict[str, Any] | None = None
    if prefill.pod:
        try:
            pod = await services.get_pod(namespace, prefill.pod)
        except Exception as exc:  # no pod, no form to fill: say it in a dialog
            app.show_error(to_kube_error(exc, resource="pods", namespace=namespace))
            return
    try:
        request = prefill.to_request(namespace)
        built = build(request, pod)
    except KubeError as exc:
        await open_form(app, prefill, pod, problem=exc.describe())
        return
    try:
        findings = list(await preflight(services.session, request, pod))
    except Exception:  # advisory, as in the form: the API still decides
        findings = []
    errors = [f for f in findings if str(f.level) == "error"]
    if errors:
        text = "; ".join(str(f.message) for f in errors)
        await open_form(app, prefill, pod, problem=f"pre-flight: {text}")
        return
    from kdebug_tui.ui.debug.submit import confirmation_lines

    lines = confirmation_lines(request, findings)
    if lines:
        from kdebug_tui.ui.common.confirm import ConfirmScreen

        screen = ConfirmScreen(CONFIRM_TITLE, lines, yes_label="Grant and debug")
        if not await app.push_screen_wait(screen):
            await open_form(app, prefill, pod, problem="")
            return
    try:
        result = await inject_built(app, built)
    except Exception as exc:
        error = to_kube_error(exc)
        await open_form(app, prefill, pod, problem="", error=(error, request))
        return
    pane = await after_inject(app, request, built, result)
    # -it as kubectl debug: when the shell exits, so does the plugin, with its exit code and
    # its last screen left in the user's terminal (--stay keeps the app open).
    pane.exit_app_with_shell = bool(prefill.stdin and prefill.tty and not prefill.stay)
    warnings = list(built.warnings) + [
        str(f.message) for f in findings if str(f.level) == "warning" and not f.confirm
    ]
    if warnings and not prefill.quiet:  # what kubectl prints on stderr (-q silences both)
        app.notify(
            "\n".join(warnings),
            title="kubectl kdebug",
            severity="warning",
            timeout=15,
            markup=False,
        )


async def open_form(
    app: Any,
    prefill: PluginPrefill,
    pod: dict[str, Any] | None,
    *,
    problem: str,
    error: tuple[KubeError, Any] | None = None,
) -> Any:
    """The debug form filled with every flag; `problem` / `error` said in it."""
    from kdebug_tui.ui.debug.form import DebugFormScreen

    names = [c.get("name") for c in ((pod or {}).get("spec") or {}).get("containers") or []]
    if pod is not None and prefill.target and prefill.target not in names:
        # the form can only offer the pod's containers: say which flag it could not take
        listed = ", ".join(str(n) for n in names)
        problem = (
            f"--target {prefill.target}: pod {prefill.pod} has no such container "
            f"(its containers: {listed})"
        )
        prefill = replace(prefill, target=None)
    form = DebugFormScreen(**debug_form_kwargs(DebugFormScreen, prefill, pod))
    await app.push_screen(form)
    # compose and every on_mount done: the fields exist and hold the prefill (on a very slow
    # machine, fill in what exists after 30 s rather than nothing)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(form.filled.wait(), 30)
    fill_extra_fields(form, prefill)
    if prefill.arguments_only:  # the form has no such field: say it rather than drop it
        app.notify(
            "--arguments-only: the form sends the command as the container's command; "
            "put it after -- again on the command line to pass arguments only.",
            severity="warning",
            timeout=10,
            markup=False,
        )
    if error is not None:
        with contextlib.suppress(Exception):  # the form's own explanation, when it has one
            form._show_submit_error(*error)
            return form
        app.notify_error(error[0])
    elif problem:
        app.notify_error(problem, title="kubectl kdebug: check the debug form")
    return form


def fill_extra_fields(form: Any, prefill: PluginPrefill) -> None:
    """Flags the form's own prefill does not cover (it reads only DebugPrefill's fields)."""
    checks = {
        "#same-node": prefill.same_node,
        "#keep-labels": prefill.keep_labels,
        "#keep-annotations": prefill.keep_annotations,
        "#keep-liveness": prefill.keep_liveness,
        "#keep-readiness": prefill.keep_readiness,
        "#keep-startup": prefill.keep_startup,
        "#keep-init": prefill.keep_init_containers,
    }
    for selector, value in checks.items():
        with contextlib.suppress(Exception):
            form.query_one(selector, Checkbox).value = value
    if prefill.image_pull_policy:
        with contextlib.suppress(Exception):
            form.query_one("#pull", Select).value = prefill.image_pull_policy
    if prefill.custom_text:
        with contextlib.suppress(Exception):
            form.query_one("#custom", TextArea).load_text(prefill.custom_text)
