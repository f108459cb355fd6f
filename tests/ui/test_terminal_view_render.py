"""Pure helpers of the terminal widget: colours, inert text, row strips, overlays, title."""

from __future__ import annotations

import asyncio

from rich.color import ColorType
from rich.style import Style
from textual.app import App, ComposeResult

from kdebug_tui.term import Emulator
from kdebug_tui.term.fake_backend import FakeBackend
from kdebug_tui.ui.sessions.terminal.render import Selection, overlay, row_strip, title_strip
from kdebug_tui.ui.sessions.terminal.style import cell_style, pyte_color, safe_text, safe_title
from kdebug_tui.ui.sessions.terminal.view import TerminalView


def test_pyte_colours() -> None:
    assert pyte_color("default") is None
    red = pyte_color("red")
    assert red is not None and red.type == ColorType.STANDARD and red.number == 1
    bright = pyte_color("brightblue")
    assert bright is not None and bright.number == 12
    typo = pyte_color("bfightmagenta")  # pyte 0.8.2's own spelling for SGR 105
    assert typo is not None and typo.number == 13
    assert pyte_color("brown") == pyte_color("yellow")
    rgb = pyte_color("0a141e")
    assert rgb is not None and tuple(rgb.get_truecolor()) == (10, 20, 30)
    assert pyte_color("zzzzzz") is None
    assert pyte_color("not-a-colour") is None


def test_cell_style_is_cached_and_complete() -> None:
    style = cell_style("red", "default", True, True, True, True, True, False)
    assert style is cell_style("red", "default", True, True, True, True, True, False)
    assert style.bold and style.italic and style.underline and style.strike and style.reverse
    assert style.bgcolor is None


def test_bold_brightens_the_eight_base_colours_as_xterm() -> None:
    bold_red = cell_style("red", "red", True, False, False, False, False, False)
    assert bold_red.color is not None and bold_red.color.number == 9 and bold_red.bold
    assert bold_red.bgcolor is not None and bold_red.bgcolor.number == 1  # background stays
    plain_red = cell_style("red", "default", False, False, False, False, False, False)
    assert plain_red.color is not None and plain_red.color.number == 1
    bright = cell_style("brightred", "default", True, False, False, False, False, False)
    assert bright.color is not None and bright.color.number == 9
    rgb = cell_style("0a141e", "default", True, False, False, False, False, False)
    assert rgb.color is not None and tuple(rgb.color.get_truecolor()) == (10, 20, 30)
    assert cell_style("default", "default", True, False, False, False, False, False).color is None


def test_safe_text_makes_controls_visible_and_inert() -> None:
    assert safe_text("plain [bold]x[/]") == "plain [bold]x[/]"
    cleaned = safe_text("a\x1b]0;t\x07b\u202ec\u200bd\x7f\x9b")
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\u202e" not in cleaned
    assert "\u200b" not in cleaned and "\x7f" not in cleaned and "\x9b" not in cleaned
    assert cleaned.startswith("a\u241b]0;t\u2407b")
    assert all(ch.isprintable() for ch in cleaned)
    assert safe_text("e\u0301") == "e\u0301"  # combining marks stay
    title = safe_title("x\ny\tz" + "w" * 300, limit=20)
    assert "\n" not in title and len(title) == 20 and title.endswith("\u2026")


def test_row_strip_groups_runs_and_keeps_wide_characters_aligned() -> None:
    emu = Emulator(columns=20, lines=2)
    emu.feed("ab\x1b[31mcd\x1b[0m\u4e2d\u6587!".encode())
    strip = row_strip(emu.line(0), 20)
    assert strip.cell_length == 20
    texts = [segment.text for segment in strip]
    assert texts[0] == "ab" and texts[1] == "cd"
    assert strip.text.startswith("abcd\u4e2d\u6587!")


def test_overlay_restyles_only_the_span() -> None:
    strip = row_strip(Emulator(columns=10, lines=1).line(0), 10)
    marked = overlay(strip, 2, 4, lambda base: base + Style(reverse=True))
    assert marked.cell_length == 10
    styles = [(segment.text, bool(segment.style and segment.style.reverse)) for segment in marked]
    assert styles == [("  ", False), ("  ", True), ("      ", False)]
    assert overlay(strip, 12, 14, lambda base: base) is strip


def test_selection_spans() -> None:
    sel = Selection(anchor=(5, 7), cursor=(3, 2))  # dragged upwards
    assert sel.ordered() == ((3, 2), (5, 7))
    assert sel.span(3, 80) == (2, 80)
    assert sel.span(4, 80) == (0, 80)
    assert sel.span(5, 80) == (0, 8)
    assert sel.span(6, 80) is None
    assert Selection((1, 1), (1, 1)).empty


def test_title_strip_fits_wide_text_and_status() -> None:
    strip = title_strip("\u4e2d" * 50, "exited with code 3", 40, Style())
    assert strip.cell_length == 40
    assert strip.text.rstrip().endswith("exited with code 3")
    assert "\u2026" in strip.text
    narrow = title_strip("pod", "a very long status text", 10, Style())
    assert narrow.cell_length == 10


class SlowStart(FakeBackend):
    def __init__(self) -> None:
        super().__init__()
        self.go = asyncio.Event()

    async def start(self, columns: int, lines: int) -> None:
        await self.go.wait()
        await super().start(columns, lines)


class OneTerminal(App[None]):
    def __init__(self, backend: FakeBackend) -> None:
        super().__init__()
        self.backend = backend

    def compose(self) -> ComposeResult:
        yield TerminalView(self.backend, "t")


async def test_input_before_the_backend_started_is_kept() -> None:
    backend = SlowStart()
    app = OneTerminal(backend)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(TerminalView)
        view.send_text("early\r")
        await pilot.pause(0.05)
        assert backend.written == b""  # not written before start
        backend.go.set()
        for _ in range(200):
            if backend.written:
                break
            await pilot.pause(0.01)
        assert bytes(backend.written) == b"early\r"
        assert backend.started == (40, 9)
