"""What the pods screen's keys do: open views, start debugging, switch context/namespace.

Kept apart from the table sync in pods.py. Cluster calls run in workers through
`app.services`; their failures reach the app's central worker-error handler as plain text.
UI-2's screens (debug form, attach) are imported lazily: until they exist, a clear
"not available yet" notification instead of an ImportError.
"""

from __future__ import annotations

from typing import Any

from textual import work

from kdebug_tui.ui.common.full_pod import FullPod

MUTATING = {"debug", "delete", "debug_node", "attach", "shell"}


class PodActions(FullPod):
    """Mixin for PodsScreen; expects selected_pod(), selected_container(), container_rows()."""

    app: Any

    def selected_pod(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def selected_container(self) -> Any:
        raise NotImplementedError

    def container_rows(self) -> list[Any]:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """--readonly hides every action that changes the cluster (and attach: its stdin)."""
        return not (action in MUTATING and self.app.services.readonly)

    def _need_pod(self) -> dict[str, Any] | None:
        pod = self.selected_pod()
        if pod is None:
            self.app.notify("Select a pod first.", severity="warning", timeout=3)
        return pod

    @staticmethod
    def _ident(pod: dict[str, Any]) -> tuple[str, str]:
        meta = pod.get("metadata") or {}
        return str(meta.get("namespace") or ""), str(meta.get("name") or "")

    # ---- views ----------------------------------------------------------------------------

    def action_yaml(self) -> None:
        from kdebug_tui.ui.views.yaml_view import YamlScreen

        pod = self._need_pod()
        if pod is not None:
            self._with_full_pod(pod, lambda full: self.app.push_screen(YamlScreen(full)))

    def action_describe(self) -> None:
        from kdebug_tui.ui.views.describe import DescribeScreen

        pod = self._need_pod()
        if pod is not None:
            self.app.push_screen(DescribeScreen(*self._ident(pod)))

    def action_logs(self) -> None:
        from kdebug_tui.ui.views.logs import LogsScreen

        pod = self._need_pod()
        if pod is None:
            return
        rows = self.container_rows()
        chosen = self.selected_container()
        names = [r.name for r in rows]
        container = chosen.name if chosen is not None else (names[0] if names else "")
        if not container:
            spec = pod.get("spec") or {}
            names = [c["name"] for c in spec.get("containers") or []]
            container = names[0] if names else ""
        self.app.push_screen(LogsScreen(*self._ident(pod), container, containers=names))

    def action_triage(self) -> None:
        from kdebug_tui.ui.triage.screen import TriageScreen

        self.app.push_screen(TriageScreen())

    # ---- debugging (UI-2's screens) -------------------------------------------------------

    def action_debug(self) -> None:
        pod = self._need_pod()
        if pod is None:
            return
        try:
            from kdebug_tui.ui.debug.form import DebugFormScreen
        except ImportError:
            self.app.notify("The debug form is not available yet.", severity="warning")
            return
        chosen = self.selected_container()
        container = chosen.name if chosen is not None and chosen.kind == "regular" else None
        self._with_full_pod(
            pod,
            lambda full: self.app.push_screen(
                DebugFormScreen(pod=full, container=container, mode="ephemeral")
            ),
        )

    def action_attach(self) -> None:
        pod = self._need_pod()
        if pod is None:
            return
        chosen = self.selected_container()
        candidates = [chosen] if chosen is not None else self.container_rows()
        attachable = [
            r for r in candidates if r is not None and r.state == "Running" and r.stdin and r.tty
        ]
        if not attachable:
            if chosen is not None:
                why = f"container {chosen.name} is not running with stdin and a tty."
            else:
                why = "no container of this pod is running with stdin and a tty."
            self.app.notify(
                f"Cannot attach: {why} Press d to start a debug container instead.",
                severity="warning",
                markup=False,
            )
            return
        try:
            from kdebug_tui.ui.sessions.actions import open_attach
        except ImportError:
            self.app.notify("Attaching is not available yet.", severity="warning")
            return
        namespace, name = self._ident(pod)
        open_attach(self.app, namespace, name, attachable[-1].name)

    def action_shell(self) -> None:
        """`s`: a shell in the chosen (or first) app container, in a sessions pane; a
        container without a shell gets the offer of a debug container instead."""
        from kdebug_tui.ui.resources.shell import open_shell

        pod = self._need_pod()
        if pod is None:
            return
        chosen = self.selected_container()
        container = chosen.name if chosen is not None and chosen.kind == "regular" else None
        open_shell(self.app, pod, container)

    @work(group="pick", exclusive=True, exit_on_error=False, description="pick a node to debug")
    async def action_debug_node(self) -> None:
        from kdebug_tui.ui.common.pickers import PickerScreen

        nodes = await self.app.services.list_nodes()
        node = await self.app.push_screen_wait(PickerScreen("Debug a node", nodes))
        if not node:
            return
        try:
            from kdebug_tui.ui.debug.form import DebugFormScreen
        except ImportError:
            self.app.notify("The debug form is not available yet.", severity="warning")
            return
        self.app.push_screen(DebugFormScreen(pod=None, mode="node", node=node))

    # ---- delete -------------------------------------------------------------------------

    @work(group="delete", exclusive=True, exit_on_error=False, description="delete a pod")
    async def action_delete(self) -> None:
        pod = self._need_pod()
        if pod is None:
            return
        namespace, name = self._ident(pod)
        from kdebug_tui.ui.common.confirm import ConfirmScreen

        ok = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Delete pod {namespace}/{name}?",
                [
                    "The pod is deleted from the cluster with its default grace period.",
                    "A controller (Deployment, StatefulSet) may recreate it; a bare pod is gone.",
                ],
                yes_label="Delete",
            )
        )
        if not ok:
            return
        await self.app.services.delete_pod(namespace, name)
        self.app.notify(f"Deleting pod {namespace}/{name}", timeout=3, markup=False)

    # ---- context and namespace ----------------------------------------------------------

    @work(group="pick", exclusive=True, exit_on_error=False, description="switch context")
    async def action_pick_context(self) -> None:
        from kdebug_tui.ui.common.pickers import PickerScreen

        services = self.app.services
        if services.session is None:
            self.app.notify("Not connected yet.", severity="warning")
            return
        details = {
            c.name: f"{c.user} @ {c.server}"
            for c in services.session.contexts
            if hasattr(c, "name")
        }
        choice = await self.app.push_screen_wait(
            PickerScreen(
                "Switch context",
                services.context_names(),
                current=services.context,
                details=details,
            )
        )
        if choice and choice != services.context:
            await services.switch(context=choice)
            self.app.notify(f"Context: {choice}", timeout=2, markup=False)

    @work(group="pick", exclusive=True, exit_on_error=False, description="switch namespace")
    async def action_pick_namespace(self) -> None:
        from kdebug_tui.ui.common.pickers import PickerScreen

        services = self.app.services
        if services.session is None:
            self.app.notify("Not connected yet.", severity="warning")
            return
        all_label = "(all namespaces)"
        help_text = "type to filter, or a namespace name · enter: choose · esc: cancel"
        try:
            names = await services.list_namespaces()
        except Exception as exc:  # e.g. no RBAC to list namespaces: let the user type one
            from kdebug_tui.ui.common.errors import describe_error

            title, message, _ = describe_error(exc)
            names = []
            help_text = f"cannot list namespaces ({title}: {message}); type a namespace name"
        choice = await self.app.push_screen_wait(
            PickerScreen(
                "Switch namespace",
                [all_label, *names],
                current=services.namespace or all_label,
                help_text=help_text,
                allow_custom=True,
            )
        )
        if choice is None:
            return
        await services.switch(namespace=None if choice == all_label else choice)

    @work(group="pick", exclusive=True, exit_on_error=False, description="all namespaces")
    async def action_all_namespaces(self) -> None:
        services = self.app.services
        if services.session is None:
            return
        if services.namespace is None:
            await services.switch(namespace=services.session.namespace)
        else:
            await services.switch(namespace=None)
