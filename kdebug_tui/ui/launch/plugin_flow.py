"""`kubectl kdebug POD ...`: once connected, open the debug form filled from kubectl's flags."""

from __future__ import annotations

from typing import Any

from kdebug_tui.ui.debug.prefill import DebugPrefill


def open_prefilled_debug(app: Any) -> None:
    prefill: DebugPrefill | None = app.options.prefill
    if prefill is None:
        return
    from kdebug_tui.ui.launch.plugin_launch import debug_form_kwargs, start_plugin_session

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
