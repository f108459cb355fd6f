"""PodTable: keyed reconcile without rebuilds, cursor kept on its pod, sort, empty text."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from kdebug_tui.kube.render import PodRow
from kdebug_tui.ui.pods.table import PodTable


def row(name: str, status: str = "Running", restarts: str = "0", ns: str = "default") -> PodRow:
    return PodRow(
        namespace=ns,
        name=name,
        ready="1/1",
        status=status,
        restarts=restarts,
        age="5m",
        ip="10.0.0.1",
        node="node-a",
        uid=f"uid-{name}",
        status_class="ok",
    )


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield PodTable(id="t")


async def test_reconcile_keeps_cursor_and_never_rebuilds(monkeypatch: Any) -> None:
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(PodTable)
        table.replace([(row(n), 0.0) for n in ("b", "d", "f")])
        assert table.uids() == ["uid-b", "uid-d", "uid-f"]
        table.select_uid("uid-d")

        def no_rebuild(*_: Any) -> None:
            raise AssertionError("incremental updates must not re-sort everything")

        monkeypatch.setattr(table, "_resort", no_rebuild)
        table.apply([(row("a"), 0.0), (row("c"), 0.0)])  # both land above the cursor
        assert table.uids() == ["uid-a", "uid-b", "uid-c", "uid-d", "uid-f"]
        assert table.selected_uid == "uid-d" and table.cursor_row == 3
        table.apply([(row("d", status="CrashLoopBackOff", restarts="3"), 0.0)])
        assert table.row_of("uid-d").status == "CrashLoopBackOff"
        assert table.selected_uid == "uid-d"
        table.apply([], removed=["uid-a", "uid-b"])
        assert table.selected_uid == "uid-d" and table.cursor_row == 1
        table.apply([], removed=["uid-d"])  # the selected pod goes: the cursor stays in place
        assert table.selected_uid == "uid-f"
        await pilot.pause()


async def test_sort_by_status_moves_changed_rows_and_keeps_cursor() -> None:
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(PodTable)
        table.replace([(row("a", "Running"), 0.0), (row("b", "Error"), 0.0)])
        table.select_uid("uid-a")
        table.set_sort("status")
        assert table.uids() == ["uid-b", "uid-a"] and table.selected_uid == "uid-a"
        table.apply([(row("b", "Running"), 0.0), (row("a", "Completed"), 0.0)])
        assert table.uids() == ["uid-a", "uid-b"] and table.selected_uid == "uid-a"
        await pilot.press("down")
        assert table.selected_uid == "uid-b"


async def test_untrusted_text_and_empty_state_render_plainly() -> None:
    app = Host()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(PodTable)
        table.set_empty_text("no pods in namespace x")
        await pilot.pause()
        assert "no pods in namespace x" in table.render_line(2).text
        table.replace([(row("[b]evil\x1b[2J"), 0.0)])
        await pilot.pause()
        line = table.render_line(1).text
        assert "[b]evil[2J" in line and "\x1b" not in line
