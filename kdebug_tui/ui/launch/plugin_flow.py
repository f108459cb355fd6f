"""`kubectl kdebug POD ...`: once connected, open the debug form filled from kubectl's flags."""

from __future__ import annotations

import inspect
from typing import Any

from kdebug_tui.ui.debug.prefill import DebugPrefill


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


def open_prefilled_debug(app: Any) -> None:
    prefill: DebugPrefill | None = app.options.prefill
    if prefill is None:
        return
    from kdebug_tui.ui.launch.plugin_launch import start_plugin_session

    if start_plugin_session(app, prefill):  # kubectl kdebug: straight into the shell
        return

    async def run() -> None:
        try:
            from kdebug_tui.ui.debug.form import DebugFormScreen
        except ImportError:
            app.notify("The debug form is not available yet.", severity="warning")
            return
        pod = None
        if prefill.pod:
            namespace = prefill.namespace or app.services.session.namespace
            pod = await app.services.get_pod(namespace, prefill.pod)
        app.push_screen(DebugFormScreen(**debug_form_kwargs(DebugFormScreen, prefill, pod)))

    app.run_worker(run(), group="prefill", exit_on_error=False, description="open the debug form")
