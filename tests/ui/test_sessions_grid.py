"""The split layout: panes keep their widgets (never re-mounted) through splits, closes, zoom
and terminal resizes, and focus moves geometrically between them."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from kdebug_tui.ui.sessions.pane_grid import PaneGrid


class GridApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PaneGrid(id="grid")


class Counted(Static):
    """Counts mounts: a pane that is re-mounted would lose its terminal."""

    def __init__(self, name: str) -> None:
        super().__init__(name, id=name)
        self.mounts = 0

    def on_mount(self) -> None:
        self.mounts += 1


async def test_four_panes_tile_the_grid_and_keep_their_widgets() -> None:
    app = GridApp()
    async with app.run_test(size=(100, 40)) as pilot:
        grid = app.query_one(PaneGrid)
        a, b, c, d = (Counted(n) for n in "abcd")
        await grid.add_pane(a)
        await grid.add_pane(b, next_to=a, beside=True)
        await grid.add_pane(c, next_to=a, beside=False)
        await grid.add_pane(d, next_to=b, beside=False)
        await pilot.pause()
        regions = {p.id: p.region for p in grid.panes}
        assert regions["a"].x == 0 and regions["a"].y == 0
        assert regions["b"].x == 50 and regions["c"].y == 20 and regions["d"].y == 20
        assert sum(r.area for r in regions.values()) == 100 * 40
        assert grid.neighbour(a, "right") is b
        assert grid.neighbour(a, "down") is c
        assert grid.neighbour(d, "left") is c
        assert grid.neighbour(a, "left") is None

        await grid.remove_pane(c)
        await pilot.pause()
        assert a.region.height == 40, "a takes the space c left"
        assert [p.mounts for p in (a, b, d)] == [1, 1, 1]

        grid.toggle_zoom(b)
        await pilot.pause()
        assert b.region.width == 100 and b.region.height == 40
        assert not a.display and not d.display
        grid.toggle_zoom()
        await pilot.pause()
        assert a.display and b.region.width == 50

        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert a.region.width == 30 and b.region.height == 10
        assert [p.mounts for p in (a, b, d)] == [1, 1, 1]


async def test_automatic_split_follows_the_longer_axis_and_cycle_wraps() -> None:
    app = GridApp()
    async with app.run_test(size=(120, 30)) as pilot:
        grid = app.query_one(PaneGrid)
        a, b, c = (Counted(n) for n in "abc")
        await grid.add_pane(a)
        await grid.add_pane(b)  # 120x30: wide, so beside
        await pilot.pause()
        assert b.region.x == 60 and b.region.y == 0
        await grid.add_pane(c)  # b is 60x30: not twice as wide as tall, so below
        await pilot.pause()
        assert c.region.x == 60 and c.region.y == 15
        assert grid.selected is c
        assert grid.cycle(1) is a
        assert grid.cycle(-1) is c
