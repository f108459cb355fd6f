"""`/` search with n/N: TextSearch itself, and the pod describe view through the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kdebug_tui.ui.common.text_search import CURRENT_STYLE, MATCH_STYLE, TextSearch
from kdebug_tui.ui.views.describe import DescribeScreen
from tests.ui.app_support import SIZE, make_app, wait_for


def test_search_starts_at_the_view_wraps_and_marks_matches() -> None:
    lines = ["alpha", "Beta one", "gamma", "beta two", "delta", "BETA three"]
    search = TextSearch()
    assert search.search(lines, "beta", start=2) == 3  # first match at or below the view
    assert search.status() == "/beta: 2 of 3 lines (n/N)"
    assert search.next() == 5
    assert search.next() == 1  # wraps
    assert search.previous() == 5
    styled = search.highlight(5, lines[5])
    assert [(s.start, s.end, str(s.style)) for s in styled.spans] == [(0, 4, CURRENT_STYLE)]
    other = search.highlight(1, lines[1])
    assert [(s.start, s.end, str(s.style)) for s in other.spans] == [(0, 4, MATCH_STYLE)]
    assert search.highlight(0, "[b]alpha[/b]").plain == "[b]alpha[/b]"  # never markup
    assert search.search(lines, "zeta") is None and search.status() == "/zeta: no match"
    assert search.next() is None and search.previous() is None


async def test_pod_describe_search_next_previous(sandbox: Any, kubeconfig: Path) -> None:
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.services.connected.is_set(), "the connection")
        screen = DescribeScreen("default", "multi")
        await app.push_screen(screen)
        await wait_for(pilot, lambda: "Containers:" in screen.text, "the description")
        await pilot.press("slash", *"busybox", "enter")
        await wait_for(pilot, lambda: screen.search.matches, "busybox")
        lines = screen.text.split("\n")
        assert all("busybox" in lines[i].lower() for i in screen.search.matches)
        first = screen.search.current
        await pilot.press("n")
        if len(screen.search.matches) > 1:
            assert screen.search.current != first
        await pilot.press("N")
        assert screen.search.current == first
        assert app.screen is screen
