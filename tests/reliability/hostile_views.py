"""Run the real app on a fresh sandbox with the hostile pod and open every view of it.

`python -m tests.reliability.hostile_views` (used by test_untrusted_text_tmux.py inside a
private tmux server): pods, describe, YAML, logs, triage, a notification; then it shows
DONE_MARKER and waits for q.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from kdebug_tui.kube.errors import KubeError
from kdebug_tui.sandbox import Sandbox
from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from tests.reliability.hostile import HOSTILE, hostile_pod

DONE_MARKER = "HOSTILE-VIEWS-DONE"


class HostileViewsApp(KdebugApp):
    def __init__(self, sb: Any, kubeconfig: Path) -> None:
        super().__init__(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
        self.sb = sb

    def on_mount(self) -> None:
        super().on_mount()
        self.run_worker(self._visit(), exit_on_error=False)

    async def _visit(self) -> None:
        from kdebug_tui.kube.resources import KINDS
        from kdebug_tui.ui.resources.kinds import VIEWS
        from kdebug_tui.ui.resources.screen import ResourcesScreen
        from kdebug_tui.ui.resources.text_view import DescribeObjectScreen
        from kdebug_tui.ui.triage.screen import TriageScreen
        from kdebug_tui.ui.views.describe import DescribeScreen
        from kdebug_tui.ui.views.logs import LogsScreen
        from kdebug_tui.ui.views.yaml_view import YamlScreen

        await self.services.connected.wait()
        await hostile_pod(self.sb, self.services.session)
        pod = await self.services.get_pod("default", "hostile")
        for screen in (
            DescribeScreen("default", "hostile"),
            YamlScreen(pod),
            LogsScreen("default", "hostile", "app", containers=["app"]),
            TriageScreen(),
            ResourcesScreen(VIEWS["pods"], namespace="default"),  # the generic lists
            ResourcesScreen(VIEWS["events"]),
            DescribeObjectScreen(KINDS["pods"], "default", "hostile"),
        ):
            await self.push_screen(screen)
            await asyncio.sleep(1.0)  # let it load and paint in the real terminal
            self.pop_screen()
        self.notify_error(KubeError("Denied", HOSTILE))
        await asyncio.sleep(0.5)
        self.notify(DONE_MARKER, timeout=60)


async def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kdebug-hostile-") as tmp:
        async with Sandbox(port=0, workdir=Path(tmp) / "sb", demo=True) as sb:
            kubeconfig = sb.write_kubeconfig(Path(tmp) / "kubeconfig")
            app = HostileViewsApp(sb, kubeconfig)
            await app.run_async()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
