"""The YAML view of a pod as large as the API lets it be: it opens, scrolls, shows its tail.

A 250 KiB one-line annotation and 3000 env vars (about 1 MB of YAML), created through the
sandbox's API and opened with `y` from the pods screen. Speed is measured in
bench/yaml_view.py; here: the view opens (the large path, made off the event loop),
End and G reach the last line, g/Home the first, right-arrow scrolls the long line.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kdebug_tui.ui.views.yaml_lines import YamlLines, line_spans
from kdebug_tui.ui.views.yaml_text import to_yaml
from kdebug_tui.ui.views.yaml_view import YamlScreen
from tests.ui.app_support import SIZE, make_app, pod_names, pods_screen, row_by_name, wait_for

pytestmark = pytest.mark.timeout(120)


def shown(app: Any) -> str:
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(parts)).replace("\xa0", " ")


def big_pod() -> dict[str, Any]:
    env = [{"name": f"VAR_{i:05d}", "value": f"value-{i}-" + "v" * 200} for i in range(3000)]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "big",
            "namespace": "default",
            "annotations": {"huge": "A" * (250 * 1024) + "TAILOFANNOTATION"},
        },
        "spec": {
            "containers": [
                {"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"], "env": env}
            ]
        },
    }


ODD = {
    "bools and nulls as strings": ["yes", "No", "on", "OFF", "y", "true", "null", "~", "NULL"],
    "numbers as strings": ["1.5", "012", "0x1F", "1e5", "1_000", ".inf", "-.nan", "12:30"],
    "punctuation": ["x: y", "#x", "a #b", "- item", "-x", "=", "<<", "*ref", "&a", "!tag", "%x"],
    "spaces": ["", " lead", "trail ", "a  b", "tab\there", "x y"],
    "lines": ["one\ntwo", "one\ntwo\n", "a\n\nb\n\n", "\nlead", "trail \nx", "cr\r\nlf"],
    "unicode": ["été", "日本語", "\u200bzero", "\x1b[31mred", "\u2028sep"],
    "kinds": [None, True, False, 0, -3, 2.5, 1e300, {}, [], [[1, [2, 3]], {"k": []}]],
    "keys": {"yes": 1, "1": 2, "a: b": 3, "": 4, "app.kubernetes.io/name": "x"},
}


def test_to_yaml_reads_back_as_the_same_object() -> None:
    import json

    from tests.ui.app_support import FIXTURES

    objects: list[object] = [ODD, big_pod()]
    objects += [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))]
    for obj in objects:
        assert yaml.safe_load(to_yaml(obj)) == obj
    text = to_yaml({"spec": {"containers": [{"name": "a", "args": ["x"]}]}, "s": "l1\nl2\n"})
    assert text == "spec:\n  containers:\n  - name: a\n    args:\n    - x\ns: |\n  l1\n  l2\n"


def test_line_spans_style_keys_items_and_values() -> None:
    spans = line_spans("  - name: VAR_1")
    texts = [("  - name: VAR_1"[a:b], style is not None) for a, b, style in spans]
    assert texts == [("  ", False), ("- ", True), ("name:", True), (" VAR_1", False)]
    assert [s is not None for *_, s in line_spans("  ready: true")] == [False, True, True]
    assert line_spans("just text") == [(0, 9, None)]


async def test_a_megabyte_pod_opens_and_end_shows_its_tail(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig, namespace="default")
    async with app.run_test(size=SIZE) as pilot:
        await app.services.connected.wait()
        await app.services.session.request_json(
            "POST", "/api/v1/namespaces/default/pods", body=big_pod()
        )
        await wait_for(pilot, lambda: "big" in pod_names(app), "the big pod")
        pods_screen(app).table.select_uid(row_by_name(app, "big").uid)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, YamlScreen), "the YAML view")
        screen = app.screen
        assert isinstance(screen, YamlScreen)
        assert screen._large, "a 1 MB pod takes the off-loop path"
        await wait_for(pilot, screen.ready.is_set, "the YAML text", within=60)
        view = screen.query_one(YamlLines)
        assert app.focused is view
        lines = screen.text.rstrip("\n").split("\n")
        assert len(lines) > 6000 and len(view.lines) == len(lines)
        tail = lines[-1].strip()
        assert tail and tail not in shown(app)

        await pilot.press("end")
        await wait_for(pilot, lambda: tail in shown(app), f"the last line {tail!r} after End")
        await pilot.press("g")
        await wait_for(pilot, lambda: "apiVersion: v1" in shown(app), "the first line after g")
        await pilot.press("G")
        await wait_for(pilot, lambda: tail in shown(app), "the last line after G")

        # The 250 KiB line: scroll to it and to its end.
        row = next(i for i, line in enumerate(lines) if "TAILOFANNOTATION" in line)
        view.scroll_to(x=len(lines[row]), y=row, animate=False)
        await wait_for(pilot, lambda: "TAILOFANNOTATION" in shown(app), "the long line's end")
        await pilot.press("escape")
        assert not isinstance(app.screen, YamlScreen)
