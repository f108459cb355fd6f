"""YAML, describe and logs views: opened from the pods screen on the sandbox, right content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kdebug_tui.ui.views.describe import DescribeScreen, describe_pod
from kdebug_tui.ui.views.logs import LogsScreen
from kdebug_tui.ui.views.yaml_view import YamlScreen, pod_yaml
from tests.ui.app_support import (
    SIZE,
    fixture_pod,
    make_app,
    pod_names,
    pods_screen,
    row_by_name,
    wait_for,
)


def test_pod_yaml_hides_managed_fields_by_default() -> None:
    pod = fixture_pod()
    pod["metadata"]["managedFields"] = [{"manager": "kubectl", "operation": "Update"}]
    text = pod_yaml(pod)
    assert text.startswith("apiVersion: v1\nkind: Pod\nmetadata:")
    assert "managedFields" not in text
    assert "manager: kubectl" in pod_yaml(pod, managed_fields=True)
    assert "managedFields" in pod["metadata"]  # the caller's dict is untouched


def test_describe_lists_ephemeral_containers_states_and_events() -> None:
    pod = fixture_pod()
    events = [
        {
            "type": "Warning",
            "reason": "Failed",
            "message": "Error: ErrImagePull\x1b[31m",
            "lastTimestamp": "2026-11-21T19:50:00Z",
            "source": {"component": "kubelet"},
            "count": 3,
        }
    ]
    text = describe_pod(pod, events)
    assert "Name:               demo" in text
    assert "Ephemeral Containers:" in text
    assert "  dbg-restricted:" in text
    assert "CreateContainerConfigError" in text
    assert "Target Container:   app" in text
    assert "Error: ErrImagePull[31m (x3)" in text  # ESC removed: the rest is inert text
    assert "\x1b" not in text
    assert "Conditions:" in text


async def test_yaml_describe_logs_from_the_pods_screen(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "multi" in pod_names(app), "the demo pods")
        pods_screen(app).table.select_uid(row_by_name(app, "multi").uid)

        await pilot.press("y")
        assert isinstance(app.screen, YamlScreen)
        assert "name: multi" in app.screen.text and "name: sidecar" in app.screen.text
        await pilot.press("m")
        assert app.screen.managed_fields
        await pilot.press("escape")

        await pilot.press("D")
        assert isinstance(app.screen, DescribeScreen)
        screen = app.screen
        await wait_for(pilot, lambda: "Containers:" in screen.text, "the description")
        assert "Name:               multi" in screen.text
        assert "  sidecar:" in screen.text and "busybox:1.36" in screen.text
        assert "Events:" in screen.text
        await pilot.press("escape")

        # Logs of the second container: select it in the container list first.
        await pilot.press("enter")  # focus the containers
        assert app.screen.focused is pods_screen(app).containers
        await pilot.press("down", "l")
        assert isinstance(app.screen, LogsScreen)
        logs = app.screen
        assert logs.container == "sidecar" and logs.containers == ["app", "sidecar"]
        await pilot.press("c")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PickerScreen", "the picker")
        await pilot.press(*"app", "enter")
        await wait_for(pilot, lambda: logs.container == "app" and logs.lines, "app's log lines")
        await pilot.press("w")
        assert logs.wrap


async def test_logs_of_a_finished_container_end_with_a_reason(
    sandbox: Any, kubeconfig: Path
) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "completed" in pod_names(app), "the demo pods")
        await wait_for(
            pilot, lambda: row_by_name(app, "completed").status == "Completed", "completion"
        )
        pods_screen(app).table.select_uid(row_by_name(app, "completed").uid)
        await pilot.press("l")
        logs = app.screen
        assert isinstance(logs, LogsScreen) and logs.container == "job"
        await wait_for(pilot, lambda: logs.ended is not None, "the stream to end")
        await pilot.press("p")  # previous: there is none; an error line, not a crash
        await wait_for(pilot, lambda: logs.ended is not None and logs.previous, "previous")
        assert isinstance(app.screen, LogsScreen)


async def test_logs_show_hostile_output_as_inert_text(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "multi" in pod_names(app), "the demo pods")
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "hostile", "namespace": "default"},
            "spec": {
                "restartPolicy": "Never",
                "containers": [
                    {
                        "name": "out",
                        "image": "busybox:1.36",
                        "command": [
                            "sh",
                            "-c",
                            r"printf 'caf\303\251 \033[2J[bold]x[/bold]\a\n'; printf 'no newline'",
                        ],
                    }
                ],
            },
        }
        await app.services.session.request_json("POST", "/api/v1/namespaces/default/pods", body=pod)
        await wait_for(pilot, lambda: "hostile" in pod_names(app), "the pod")
        pods_screen(app).table.select_uid(row_by_name(app, "hostile").uid)
        await wait_for(
            pilot, lambda: row_by_name(app, "hostile").status == "Completed", "it to finish"
        )
        await pilot.press("l")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_for(pilot, lambda: logs.ended is not None, "the end of the stream")
        assert list(logs.lines) == ["café [2J[bold]x[/bold]", "no newline"]
