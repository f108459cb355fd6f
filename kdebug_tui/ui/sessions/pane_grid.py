"""Split layout for terminal panes: a tmux-like tree of horizontal and vertical splits.

Panes are never re-parented when the layout changes: re-mounting a TerminalView would end its
attach stream and lose its screen. Every pane is a direct child of the grid, positioned
absolutely, and the grid only recomputes offsets and sizes from the split tree (on every
structure change and every resize), so a split, a close or a zoom keeps each pane's content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from textual.geometry import Region
from textual.widget import Widget

Direction = Literal["left", "right", "up", "down"]


@dataclass
class _Leaf:
    pane: Widget


@dataclass
class _Split:
    """Children side by side (`beside=True`) or stacked (`beside=False`), equal shares."""

    beside: bool
    children: list[_Leaf | _Split] = field(default_factory=list)


def _split_sizes(total: int, count: int) -> list[int]:
    base, extra = divmod(max(total, 0), count)
    return [base + (1 if index < extra else 0) for index in range(count)]


class PaneGrid(Widget):
    """Holds panes in a split tree; knows which pane is selected and which one is zoomed."""

    DEFAULT_CSS = """
    PaneGrid { width: 1fr; height: 1fr; layers: panes; }
    PaneGrid > * { position: absolute; layer: panes; }
    PaneGrid > .-pane-hidden { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._root: _Leaf | _Split | None = None
        self._selected: Widget | None = None
        self._zoomed: Widget | None = None
        self.regions: dict[Widget, Region] = {}

    def render(self) -> str:
        """Nothing of its own: a bare Widget paints its CSS id (`PaneGrid#panes`) when empty."""
        return ""

    # --- queries -------------------------------------------------------------------------

    @property
    def panes(self) -> list[Widget]:
        """Panes in reading order (left to right, top to bottom in the tree)."""
        found: list[Widget] = []

        def walk(node: _Leaf | _Split | None) -> None:
            if isinstance(node, _Leaf):
                found.append(node.pane)
            elif isinstance(node, _Split):
                for child in node.children:
                    walk(child)

        walk(self._root)
        return found

    @property
    def selected(self) -> Widget | None:
        return self._selected

    @property
    def zoomed(self) -> Widget | None:
        return self._zoomed

    # --- structure -----------------------------------------------------------------------

    async def add_pane(
        self, pane: Widget, *, next_to: Widget | None = None, beside: bool | None = None
    ) -> None:
        """Mount `pane` by splitting `next_to` (default: the selected pane).

        `beside=None` picks the longer axis of the pane being split, like a tiling window
        manager, so a row of panes never becomes unreadably narrow.
        """
        anchor = next_to or self._selected
        if self._root is None or anchor is None:
            self._root = _Leaf(pane)
        else:
            if beside is None:
                region = self.regions.get(anchor)
                beside = region is None or region.width > region.height * 2
            self._insert(anchor, pane, beside)
        self._zoomed = None
        await self.mount(pane)
        self.select(pane)
        self.relayout()

    def _insert(self, anchor: Widget, pane: Widget, beside: bool) -> None:
        parent, index = self._find(anchor)
        new_leaf = _Leaf(pane)
        if parent is None:  # the anchor is the root leaf
            assert self._root is not None
            self._root = _Split(beside, [self._root, new_leaf])
            return
        if parent.beside == beside:
            parent.children.insert(index + 1, new_leaf)
        else:
            old = parent.children[index]
            parent.children[index] = _Split(beside, [old, new_leaf])

    def _find(self, pane: Widget) -> tuple[_Split | None, int]:
        """The split holding `pane`'s leaf and its index there; (None, 0) for a root leaf."""

        def walk(node: _Leaf | _Split) -> tuple[_Split | None, int] | None:
            if isinstance(node, _Split):
                for index, child in enumerate(node.children):
                    if isinstance(child, _Leaf) and child.pane is pane:
                        return node, index
                    found = walk(child)
                    if found is not None:
                        return found
            return None

        if isinstance(self._root, _Leaf) and self._root.pane is pane:
            return None, 0
        if self._root is not None:
            found = walk(self._root)
            if found is not None:
                return found
        raise KeyError("pane is not in this grid")

    async def remove_pane(self, pane: Widget) -> None:
        """Unmount `pane` and give its space to its neighbours; selects a neighbour."""
        order = self.panes
        if pane not in order:
            return
        position = order.index(pane)
        parent, index = self._find(pane)
        if parent is None:
            self._root = None
        else:
            del parent.children[index]
            self._collapse()
        if self._zoomed is pane:
            self._zoomed = None
        self.regions.pop(pane, None)
        await pane.remove()
        remaining = self.panes
        if self._selected is pane or self._selected not in remaining:
            self._selected = None
            if remaining:
                self.select(remaining[min(position, len(remaining) - 1)])
        self.relayout()

    def _collapse(self) -> None:
        """Splits left with one child are replaced by that child (tmux does the same)."""

        def fix(node: _Leaf | _Split) -> _Leaf | _Split:
            if isinstance(node, _Leaf):
                return node
            node.children = [fix(child) for child in node.children]
            merged: list[_Leaf | _Split] = []
            for child in node.children:
                if isinstance(child, _Split) and child.beside == node.beside:
                    merged.extend(child.children)
                else:
                    merged.append(child)
            node.children = merged
            return node.children[0] if len(node.children) == 1 else node

        if self._root is not None:
            self._root = fix(self._root)

    # --- selection and zoom --------------------------------------------------------------

    def select(self, pane: Widget | None) -> None:
        if self._selected is not None:
            self._selected.remove_class("-selected")
        self._selected = pane
        if pane is not None:
            pane.add_class("-selected")

    def toggle_zoom(self, pane: Widget | None = None) -> bool:
        """Zoom `pane` (default: selected) to the whole grid, or unzoom; returns zoomed."""
        target = pane or self._selected
        self._zoomed = None if self._zoomed is not None or target is None else target
        self.relayout()
        return self._zoomed is not None

    def neighbour(self, pane: Widget, direction: Direction) -> Widget | None:
        """The pane across `pane`'s edge in `direction` that overlaps it the most."""
        origin = self.regions.get(pane)
        if origin is None:
            return None
        best: tuple[int, int, Widget] | None = None
        for other, region in self.regions.items():
            if other is pane:
                continue
            if direction in ("left", "right"):
                gap = origin.x - region.right if direction == "left" else region.x - origin.right
                overlap = min(origin.bottom, region.bottom) - max(origin.y, region.y)
            else:
                gap = origin.y - region.bottom if direction == "up" else region.y - origin.bottom
                overlap = min(origin.right, region.right) - max(origin.x, region.x)
            if gap < 0 or overlap <= 0:
                continue
            score = (gap, -overlap, other)
            if best is None or score[:2] < best[:2]:
                best = score
        return None if best is None else best[2]

    def cycle(self, step: int = 1) -> Widget | None:
        order = self.panes
        if not order:
            return None
        current = order.index(self._selected) if self._selected in order else -1
        target = order[(current + step) % len(order)]
        self.select(target)
        return target

    # --- geometry ------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.relayout()

    def relayout(self) -> None:
        """Recompute every pane's region from the tree and the grid's current size."""
        size = self.content_region.size if self.is_mounted else self.size
        self.regions = {}
        if self._root is not None:
            self._place(self._root, Region(0, 0, size.width, size.height))
        for pane, region in self.regions.items():
            hidden = self._zoomed is not None and pane is not self._zoomed
            pane.set_class(hidden, "-pane-hidden")
            target = Region(0, 0, size.width, size.height) if pane is self._zoomed else region
            pane.styles.offset = (target.x, target.y)
            pane.styles.width = max(target.width, 1)
            pane.styles.height = max(target.height, 1)

    def _place(self, node: _Leaf | _Split, region: Region) -> None:
        if isinstance(node, _Leaf):
            self.regions[node.pane] = region
            return
        total = region.width if node.beside else region.height
        offset = 0
        for child, share in zip(
            node.children, _split_sizes(total, len(node.children)), strict=True
        ):
            if node.beside:
                self._place(child, Region(region.x + offset, region.y, share, region.height))
            else:
                self._place(child, Region(region.x, region.y + offset, region.width, share))
            offset += share
