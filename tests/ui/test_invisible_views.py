"""Invisible characters from the cluster are shown as markers in every view.

One pod, created through the sandbox API, carries a character of each invisible class
(zero-width space, non-joiner and joiner, word joiner, BOM, a tag character, a bidi
override, a soft hyphen, a line separator) in its status reason (the pods table), an
annotation (describe, YAML), an event (describe), an ephemeral container's termination
reason (triage) and its log output (logs). On the rendered screen of each view, not one of
the characters is left, and their `<U+XXXX>` markers are there.
"""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.launch.options import LaunchOptions
from kdebug_tui.ui.triage.screen import TriageScreen
from kdebug_tui.ui.views.describe import DescribeScreen
from kdebug_tui.ui.views.logs import LogsScreen
from kdebug_tui.ui.views.yaml_view import YamlScreen
from tests.reliability.test_untrusted_text import shown
from tests.ui.app_support import pod_names, pods_screen, row_by_name, wait_for

pytestmark = pytest.mark.timeout(90)

INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\U000e0041", "\u202e", "\u00ad")
SPOOF = "kube" + "".join(f"{ch}x" for ch in INVISIBLE)  # kube<ZWSP>x<ZWNJ>x...
MARKERS = [f"<U+{ord(ch):04X}>" for ch in INVISIBLE]
TABLE_REASON = "Ev\u200bi\u202ect\ufeff"  # short: a table cell is cut to its column
# The same characters printed by the container (UTF-8 as octal escapes for printf).
PRINTF = (
    "printf 'log "
    + "".join("".join(f"\\{b:03o}" for b in ch.encode()) + "x" for ch in INVISIBLE)
    + "\\n'"
)


async def spoofing_pod(sb: Any, session: Any) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "spoofy", "namespace": "default", "annotations": {"note": SPOOF}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", PRINTF + "; exec sleep 3600"],
                }
            ]
        },
    }
    await session.request_json("POST", "/api/v1/namespaces/default/pods", body=body)
    uid = sb.cluster.get_pod("default", "spoofy")["metadata"]["uid"]
    await sb.runtime.wait_for(uid, "app", lambda s: "running" in s.state, within=20)
    pod = copy.deepcopy(sb.cluster.get_pod("default", "spoofy"))
    pod["status"]["reason"] = TABLE_REASON
    pod["spec"]["ephemeralContainers"] = [
        {"name": "dbg-z", "image": "busybox:1.36", "targetContainerName": "app"}
    ]
    pod["status"]["ephemeralContainerStatuses"] = [
        {
            "name": "dbg-z",
            "image": "busybox:1.36",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 1, "reason": SPOOF, "message": SPOOF}},
        }
    ]
    sb.cluster.replace("pods", pod)
    sb.recorder.pod_event(pod, "Spoofed", f"event {SPOOF}\u2028next", type_="Warning")


def _yaml_escape(marker: str) -> str:
    """How PyYAML writes the few it escapes itself (BOM, tags): visible too."""
    code = int(marker[3:-1], 16)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def assert_revealed(app: KdebugApp, where: str, markers: list[str] = MARKERS) -> None:
    text = shown(app)
    left = [f"U+{ord(ch):04X}" for ch in (*INVISIBLE, "\u2028") if ch in text]
    assert not left, f"{where}: invisible characters on screen: {left}"
    missing = [m for m in markers if m not in text and _yaml_escape(m) not in text]
    assert not missing, f"{where}: markers missing: {missing}\n{text[:3000]}"


async def test_invisible_characters_are_shown_as_markers_everywhere(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = KdebugApp(LaunchOptions(kubeconfig=str(kubeconfig), namespace="default"))
    async with app.run_test(size=(240, 50)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), 30)
        await spoofing_pod(sandbox, app.services.session)
        await wait_for(pilot, lambda: "spoofy" in pod_names(app), "the pod")
        pods_screen(app).table.select_uid(row_by_name(app, "spoofy").uid)
        await wait_for(pilot, lambda: "<U+200B>" in shown(app), "the status reason's marker")
        assert_revealed(app, "pods table", ["<U+200B>", "<U+202E>", "<U+FEFF>"])

        await pilot.press("D")
        describe = app.screen
        assert isinstance(describe, DescribeScreen)
        await wait_for(pilot, lambda: "Spoofed" in describe.text, "the event in describe")
        assert "<U+2028>" in describe.text  # the line separator of the event
        assert_revealed(app, "describe")
        await pilot.press("escape")

        await pilot.press("y")
        assert isinstance(app.screen, YamlScreen)
        await pilot.pause()
        assert_revealed(app, "yaml")
        await pilot.press("escape")

        await pilot.press("l")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: logs.lines, "the log line")
        assert_revealed(app, "logs")
        await pilot.press("escape")

        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await wait_for(pilot, lambda: triage.table.row_count > 0, "triage rows")
        for _ in range(triage.table.row_count):
            if "spoofy · dbg-z" in shown(app):  # selected: its details are shown below
                break
            await pilot.press("down")
        assert_revealed(app, "triage")
