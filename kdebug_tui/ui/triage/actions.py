"""What the triage view's keys do to the selected debugger: attach, logs, YAML, describe,
debug again, stop, files. A mixin of TriageScreen, which provides `selected` and `rows`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kdebug_tui.ui.common.full_pod import FullPod


class TriageActions(FullPod):
    """The triage screen's actions on its selected row (an EphemeralRow)."""

    app: Any
    rows: dict[str, Any]

    if TYPE_CHECKING:

        @property
        def selected(self) -> Any: ...

    def action_attach(self) -> None:
        row = self.selected
        if row is None:
            return
        if not row.attachable:
            self.app.notify(
                f"{row.name} is {row.state.lower()} without an interactive tty: "
                "showing its log instead.",
                markup=False,
            )
            self.action_logs()
            return
        try:
            from kdebug_tui.ui.sessions.actions import open_attach
        except ImportError:
            self.app.notify("Attaching is not available yet.", severity="warning")
            return
        open_attach(self.app, row.namespace, row.pod, row.name)

    def action_logs(self) -> None:
        from kdebug_tui.ui.views.logs import LogsScreen

        row = self.selected
        if row is not None:
            names = [
                r.name
                for r in self.rows.values()
                if (r.namespace, r.pod) == (row.namespace, row.pod)
            ]
            self.app.push_screen(LogsScreen(row.namespace, row.pod, row.name, containers=names))

    def action_yaml(self) -> None:
        from kdebug_tui.ui.views.yaml_view import YamlScreen

        row = self.selected
        pod = self.app.services.store.get(row.pod_uid) if row is not None else None
        if pod is not None:
            self._with_full_pod(pod, lambda full: self.app.push_screen(YamlScreen(full)))

    def action_describe(self) -> None:
        from kdebug_tui.ui.views.describe import DescribeScreen

        row = self.selected
        if row is not None:
            self.app.push_screen(DescribeScreen(row.namespace, row.pod))

    def action_debug(self) -> None:
        row = self.selected
        pod = self.app.services.store.get(row.pod_uid) if row is not None else None
        if pod is None:
            return
        try:
            from kdebug_tui.ui.debug.form import DebugFormScreen
        except ImportError:
            self.app.notify("The debug form is not available yet.", severity="warning")
            return
        target = row.target or None
        self._with_full_pod(
            pod,
            lambda full: self.app.push_screen(
                DebugFormScreen(pod=full, container=target, mode="ephemeral")
            ),
        )

    def action_stop_debugger(self) -> None:
        """S: one of our running debuggers, if stoppable (ui/sessions/stop.py checks)."""
        from kdebug_tui.ui.sessions.stop import request_stop

        row = self.selected
        if row is None:
            return
        if not self.app.services.is_ours(row.namespace, row.pod, row.name):
            self.app.notify(
                f"{row.name} was not started by kdebug-tui in this session: only our own "
                "stoppable debuggers can be stopped.",
                severity="warning",
                markup=False,
            )
            return
        request_stop(self.app, row.namespace, row.pod, row.name)

    def action_files(self) -> None:
        """The file browser through the selected debugger (ui/files/screen.py)."""
        from kdebug_tui.ui.files.screen import open_files

        row = self.selected
        if row is None:
            return
        if row.state != "Running":
            self.app.notify(
                f"{row.name} is {row.state.lower()}: files are read through a running debugger.",
                severity="warning",
                markup=False,
            )
            return
        open_files(self.app, row.namespace, row.pod, row.name, target=row.target or None)
