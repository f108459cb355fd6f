"""What the list screen's keys do with the selected row: describe, YAML, down to pods,
node debugging, a shell, logs and port-forwards. Cluster calls run in workers."""

from __future__ import annotations

from typing import Any

from textual import work

from kdebug_tui.kube.podfields import d, s
from kdebug_tui.ui.resources.model import app_containers, ident


class ResourceActions:
    """Mixin for ResourcesScreen; expects `view`, `rows`, `selected()`, `set_filter()`."""

    app: Any
    view: Any
    rows: Any

    def selected(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def set_filter(self, text: str) -> None:
        raise NotImplementedError

    def _need(self) -> dict[str, Any] | None:
        obj = self.selected()
        if obj is None:
            self.app.notify("Nothing selected.", severity="warning", timeout=3)
        return obj

    # ---- views --------------------------------------------------------------------------

    def action_describe(self) -> None:
        from kdebug_tui.ui.resources.text_view import DescribeObjectScreen

        obj = self._need()
        if obj is not None:
            namespace, name = ident(obj)
            self.app.push_screen(DescribeObjectScreen(self.view.kind, namespace or None, name))

    def action_yaml(self) -> None:
        """The object as the list last saw it (whole: the watch keeps whole objects)."""
        from kdebug_tui.ui.views.yaml_view import YamlScreen

        obj = self._need()
        if obj is not None:
            self.app.push_screen(YamlScreen(obj))

    def action_enter(self) -> None:
        """Down to the pods of a workload, Service or node; on an event, its object's events."""
        obj = self._need()
        if obj is None:
            return
        if self.view.resource == "events":
            involved = d(obj.get("involvedObject"))
            self.set_filter(f"{s(involved.get('kind')).lower()}/{s(involved.get('name'))}")
            return
        if self.view.resource == "pods":
            self.action_shell()
            return
        if self.view.enter == "pods":
            self._open_pods(obj)

    @work(group="resources-enter", exclusive=True, exit_on_error=False, description="list pods")
    async def _open_pods(self, obj: dict[str, Any]) -> None:
        from kdebug_tui.ui.resources.data import pod_query
        from kdebug_tui.ui.resources.kinds import VIEWS

        query = await pod_query(self.app.services, self.view.kind, obj)
        namespace, name = ident(obj)
        where = f"{namespace}/{name}" if namespace else name
        title = f"Pods of {self.view.kind.kind.lower()} {where}"
        self.app.push_screen(
            type(self)(  # type: ignore[call-arg]  # the screen this mixin is part of
                VIEWS["pods"],
                namespace=query.namespace,
                query=query,
                above=(self.view.kind, obj),
                title=title,
            )
        )

    # ---- pods: logs, shell, debug -------------------------------------------------------

    def action_logs(self) -> None:
        from kdebug_tui.ui.views.logs import LogsScreen

        pod = self._need()
        if pod is None:
            return
        names = app_containers(pod)
        if names:
            namespace, name = ident(pod)
            self.app.push_screen(LogsScreen(namespace, name, names[0], containers=names))

    def action_debug(self) -> None:
        from kdebug_tui.ui.debug.form import DebugFormScreen

        obj = self._need()
        if obj is None:
            return
        if self.view.resource == "nodes":
            name = ident(obj)[1]
            self.app.push_screen(DebugFormScreen(pod=None, mode="node", node=name))
        else:
            self.app.push_screen(DebugFormScreen(pod=obj, container=None, mode="ephemeral"))

    def action_shell(self) -> None:
        from kdebug_tui.ui.resources.shell import open_shell

        pod = self._need()
        if pod is not None:
            open_shell(self.app, pod)

    # ---- port-forward -------------------------------------------------------------------

    def action_port_forward(self) -> None:
        from kdebug_tui.ui.resources.forwards import ask_port_forward

        obj = self._need()
        if obj is not None:
            ask_port_forward(self.app, self.view.resource, obj)

    def action_forwards(self) -> None:
        from kdebug_tui.ui.resources.forwards import ForwardsScreen

        self.app.push_screen(ForwardsScreen())
