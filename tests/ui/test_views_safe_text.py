"""Untrusted text is shown literally: no markup, no control/C1/bidi characters, bounded."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kdebug_tui.ui.common.safe_text import SafeText, clean, plain, truncate


def test_clean_strips_controls_and_c1_and_shows_bidi() -> None:
    hostile = "pod\x1b[2J\x07\x9b31m\u202eevil\u2066x\u2069\ttab\nline"
    shown = "pod[2J31m<U+202E>evil<U+2066>x<U+2069>"
    assert clean(hostile) == f"{shown} tab line"
    assert clean(hostile, multiline=True) == f"{shown}    tab\nline"


def test_invisible_characters_are_markers_in_their_own_style() -> None:
    text = plain("kube\u200b-system\U000e0041")
    assert text.plain == "kube<U+200B>-system<U+E0041>"
    styled = {text.plain[span.start : span.end] for span in text.spans}
    assert styled == {"<U+200B>", "<U+E0041>"}


def test_truncate_marks_the_cut() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"
    assert truncate("abc", None) == "abc"


def test_plain_never_interprets_markup() -> None:
    text = plain("[bold red]x[/] [@click=app.quit]q[/]")
    assert text.plain == "[bold red]x[/] [@click=app.quit]q[/]"
    assert not text.spans


async def test_safe_text_truncates_and_expands() -> None:
    long = "[b]" + "x" * 1000

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield SafeText(long, limit=50, id="t")

    app = Host()
    async with app.run_test() as pilot:
        widget = app.query_one(SafeText)
        assert widget.is_truncated
        assert widget.full_text == long
        shown = str(widget.render())
        assert shown.startswith("[b]xxx") and "full text" in shown
        widget.focus()
        await pilot.press("enter")
        assert not widget.is_truncated
        assert long in str(widget.render())
