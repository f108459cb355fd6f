"""The debug form in an 80x24 terminal (the smallest the README promises): every mode choice
and the image name are readable, every switch is on screen (a user saw "busybox:1.36" in a
4-cell input, "Co" for copy mode, no "Node" at all, and "stoppabl")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, RadioButton, Select, TextArea

from kdebug_tui.ui.app import KdebugApp
from kdebug_tui.ui.debug.form import DebugFormScreen
from kdebug_tui.ui.launch.options import LaunchOptions
from tests.ui.flow_helpers import WAIT, settle

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_form_fields_fit(sandbox: Any, kubeconfig: Path, size: tuple[int, int]) -> None:
    options = LaunchOptions(kubeconfig=str(kubeconfig), namespace="default")
    app = KdebugApp(options)
    async with app.run_test(size=size) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), WAIT)
        pod = await app.services.get_pod("default", "web-distroless")
        form = DebugFormScreen(pod=pod, container="app")
        await app.push_screen(form)
        await settle(pilot, form)
        fields = form.query_one("#form-fields").content_region
        image = form.query_one("#image", Input)
        assert image.content_region.width >= len("busybox:1.36"), image.content_region
        pull = form.query_one("#pull", Select)
        assert pull.content_region.width >= len("IfNotPresent"), pull.content_region
        for button in form.query("#mode RadioButton").results(RadioButton):
            label = str(button.label)
            assert label in "".join(s.text for s in button.render_line(0)), label
            assert button.region.right <= fields.right, f"{label} cut: {button.region}"
        checked = []
        for mode in ("ephemeral", "copy"):
            form.query_one(f"#mode-{mode}", RadioButton).value = True
            await settle(pilot, form)
            for section in form.query(".mode-section"):
                if section.display:
                    need = sum(c.outer_size.height for c in section.children if c.display)
                    assert section.size.height >= need, f"{section.id} squashed: {section.size}"
            for box in form.query(".checks Checkbox, #pull-row Checkbox").results(Checkbox):
                if all(getattr(w, "display", True) for w in box.ancestors_with_self):
                    checked.append(str(box.label))
                    shown = "".join(s.text for s in box.render_line(0))
                    assert str(box.label) in shown, f"{mode}: {box.label!r} shown as {shown!r}"
                    assert box.region.right <= fields.right, f"{mode}: {box.label} cut"
        assert {"stoppable", "share processes", "keep startup"} <= set(checked), checked


async def test_tab_walks_past_the_custom_spec(sandbox: Any, kubeconfig: Path) -> None:
    """A keyboard user could not leave the custom-spec box: Tab inserted indentation."""
    options = LaunchOptions(kubeconfig=str(kubeconfig), namespace="default")
    app = KdebugApp(options)
    async with app.run_test(size=(140, 40)) as pilot:
        await asyncio.wait_for(app.services.connected.wait(), WAIT)
        pod = await app.services.get_pod("default", "crashloop")
        form = DebugFormScreen(pod=pod, mode="copy")
        await app.push_screen(form)
        await settle(pilot, form)
        custom = form.query_one("#custom", TextArea)
        custom.focus()
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert custom.text == "", f"tab typed into the custom spec: {custom.text!r}"
        assert app.focused is not custom, "tab stayed in the custom spec"
