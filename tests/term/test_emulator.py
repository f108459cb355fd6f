"""Emulator behaviour, and one named regression test per failure measured in raw pyte 0.8.2.

Each ``test_pyte_*`` test feeds the input that made raw pyte raise, drop text or misbehave,
and checks that our emulator keeps the rest of the chunk and stays consistent.
"""

from __future__ import annotations

import pytest

from kdebug_tui.term import Emulator
from kdebug_tui.term.tokens import CSI_MAX, STRING_MAX


def feed(data: bytes, columns: int = 80, lines: int = 24, **kw: object) -> Emulator:
    emu = Emulator(columns, lines, **kw)  # type: ignore[arg-type]
    emu.feed(data)
    return emu


def row(emu: Emulator, y: int = 0) -> str:
    return emu.display[y].rstrip()


# ------------------------------------------------------------ pyte regressions
@pytest.mark.parametrize(
    "seq",
    [b"\x1b[?A", b"\x1b[?1;2H", b"\x1b[?r", b"\x1b[1;2M", b"\x1b[1;2L", b"\x1b[1;2P",
     b"\x1b[1;2@", b"\x1b[1;2X", b"\x1b[4J"],
)  # fmt: skip
def test_pyte_raised_and_dropped_the_rest_of_the_chunk(seq: bytes) -> None:
    emu = feed(b"ok " + seq + b"after")
    assert "after" in "".join(emu.display)


def test_pyte_dropped_text_after_a_control_inside_a_run() -> None:
    assert row(feed(b"abc\x01def")) == "abcdef"


def test_pyte_dropped_text_after_zero_width_space() -> None:
    assert row(feed("abc\u200bdef".encode())) == "abcdef"


def test_pyte_unterminated_osc_swallowed_everything_unbounded() -> None:
    emu = Emulator(80, 24)
    emu.feed(b"\x1b]0;title")
    for _ in range(64):
        emu.feed(b"x" * 65536)
    assert emu._parser.string_len <= STRING_MAX + 65536
    assert sum(map(len, emu._parser.string_parts)) <= STRING_MAX
    emu.feed(b"\x07visible")
    assert row(emu) == "visible"
    assert emu.title == ""  # the over-long title was discarded


def test_pyte_kept_raw_escape_bytes_in_titles() -> None:
    emu = feed(b"\x1b]2;a\x1b[31mb\x07")
    assert "\x1b" not in emu.title
    emu = feed("\x1b]0;ok\x07\u202eevil\x9b\x07".encode())
    assert emu.title == "ok"
    emu = feed("\x1b]2;x\u202ey\x01z\x1b\\".encode())
    assert emu.title == "xyz"
    emu = feed(b"\x1b]2;" + b"t" * 1000 + b"\x07")
    assert len(emu.title) <= 256


def test_pyte_drew_dcs_payloads() -> None:
    for intro in (b"\x1bP", b"\x1b_", b"\x1b^", b"\x1bX"):
        emu = feed(intro + b"payload\x1b\\after")
        assert row(emu) == "after", intro
    assert row(feed(b"\x1bPq#0;2;0;0;0#1!5~\x07after")) == "after"


def test_pyte_decaln_cost_per_cell() -> None:
    emu = feed(b"\x1b#8", columns=200, lines=60)
    assert set(emu.display) == {"E" * 200}
    # one row object per line, no per-cell writes (pyte did 12,000 _replace calls)
    assert all(len(line) == 0 for line in emu._screen.buffer.values())
    emu.feed(b"\x1b[1;1Hab")
    assert emu.display[0].startswith("abE")


def test_pyte_stacked_combining_marks_are_capped() -> None:
    emu = feed(b"e" + "\u0301".encode() * 5000 + b"x")
    cell = emu.line(0)[0].data
    assert cell[0] in "e\u00e9" and len(cell) <= 5
    assert emu.line(0)[1].data == "x"


def test_pyte_cursor_not_clamped_after_shrink() -> None:
    emu = feed(b"\x1b[24;80Hz")
    emu.resize(40, 10)
    x, y = emu.cursor
    assert 0 <= x < 40 and 0 <= y < 10
    assert emu._screen.cursor.x <= 40


def test_pyte_had_no_alternate_screen() -> None:
    emu = feed(b"main\x1b[?1049hALT")
    assert emu.in_alternate_screen and row(emu) == "    ALT"  # cursor kept, screen cleared
    emu.feed(b"\x1b[?1049l")
    assert not emu.in_alternate_screen and row(emu) == "main"


# ----------------------------------------------------------- chunk boundaries
def test_split_utf8_and_escape_sequences() -> None:
    data = "é\x1b[31mred\x1b[0m\x1b]2;tïtle\x1b\\€".encode()
    whole = feed(data)
    for i in range(len(data) + 1):
        emu = Emulator(80, 24)
        emu.feed(data[:i])
        emu.feed(data[i:])
        assert emu.display == whole.display and emu.title == whole.title == "tïtle"
        assert emu.line(0) == whole.line(0)


def test_inert_controls_inside_sequences_do_not_depend_on_chunks() -> None:
    """Found by bench/fuzz_emulator.py: a NUL-like control between ESC and its final byte."""
    data = b"\xc4\x1b\x01d" + "é\x1b[3\x001mred".encode()
    whole = feed(data)
    for i in range(len(data) + 1):
        emu = Emulator(80, 24)
        emu.feed(data[:i])
        emu.feed(data[i:])
        assert emu.display == whole.display and emu.line(0) == whole.line(0), i
    assert row(whole) == "\ufffdéred" and whole.line(0)[2].fg == "red"


def test_overlong_csi_is_skipped_without_unbounded_pending() -> None:
    emu = Emulator(80, 24)
    emu.feed(b"\x1b[" + b"1;" * 10)
    for _ in range(100):
        emu.feed(b"1;" * 100)
        assert len(emu._parser.pending) <= CSI_MAX + 2


def test_malformed_sequences_keep_the_following_text() -> None:
    assert row(feed(b"\x1b[1;\xc3\xa9x")) == "éx"
    assert row(feed(b"\x1b\x1b[31mred")) == "red"
    assert row(feed(b"a\x1b(Xb")) == "ab"
    assert row(feed(b"\x1b]2;t\x1b[31mx")) == "x"  # ESC aborts an OSC


def test_c1_controls_are_never_drawn() -> None:
    emu = feed("a\x85b\x9b31mc\x9d2;t\x9cd\x90x\x9ce".encode())
    assert emu.display[0].rstrip() == "a"
    assert row(emu, 1) == "bcde"
    assert emu.title == "t"
    assert emu.line(1)[1].fg == "red"


# ---------------------------------------------------------------- features
def test_alternate_screen_modes_keep_their_own_buffer() -> None:
    emu = feed(b"\x1b[3;5Hmain")
    emu.feed(b"\x1b[?1049h")
    assert emu.display[2].strip() == ""  # 1049 clears the alternate screen
    emu.feed(b"\x1b[1;1Hvi stuff\x1b[10;10H")
    emu.feed(b"\x1b[?1049l")
    assert emu.display[2].rstrip() == "    main" and emu.cursor == (8, 2)
    for mode in (b"47", b"1047"):
        emu.feed(b"\x1b[?" + mode + b"hALT\x1b[?" + mode + b"l")
        assert "ALT" not in "".join(emu.display)
    assert emu.dirty == set(range(24))


def test_scrollback_only_from_main_screen_and_bounded() -> None:
    emu = Emulator(20, 5, scrollback=50)
    emu.feed(b"".join(b"line %d\r\n" % i for i in range(100)))
    assert emu.scrollback_lines == 50
    text = emu.scrollback_text().splitlines()
    assert text[0] == "line 46" and text[-1] == "line 95"
    assert [c.data for c in emu.line(0, offset=50)[:7]] == list("line 46")
    assert "".join(c.data for c in emu.line(4, offset=1)).rstrip() == "line 99"
    emu.feed(b"\x1b[?1049h" + b"alt\r\n" * 30)
    assert emu.scrollback_lines == 50 and "alt" not in emu.scrollback_text()
    emu.feed(b"\x1b[?1049l\x1b[3J")
    assert emu.scrollback_lines == 0


def test_scrollback_keeps_attributes() -> None:
    emu = Emulator(10, 2)
    emu.feed(b"\x1b[1;31mred\x1b[0m plain\r\n\r\n\r\n")
    cells = emu.line(0, offset=emu.scrollback_lines)
    assert cells[0].fg == "red" and cells[0].bold and cells[4].fg == "default"


def test_modes() -> None:
    emu = Emulator()
    assert emu.modes.mouse_tracking == 0 and emu.cursor_visible
    emu.feed(b"\x1b[?1h\x1b[?2004h\x1b[?1002h\x1b[?1006h\x1b[?25l\x1b[?1004h\x1b=")
    m = emu.modes
    assert m.app_cursor and m.bracketed_paste and m.mouse_tracking == 1002 and m.mouse_sgr
    assert m.focus_events and m.app_keypad
    emu.feed(b"\x1b[?1003h")
    assert emu.modes.mouse_tracking == 1003
    emu.feed(b"\x1b[?1003l\x1b[?1004l\x1b>")
    assert not emu.cursor_visible
    emu.feed(b"\x1b[?1l\x1b[?2004l\x1b[?1002l\x1b[?1006l\x1b[?25h")
    assert emu.modes == type(m)()
    assert emu.cursor_visible


def test_cursor_shape_decscusr() -> None:
    emu = Emulator()
    assert emu.cursor_shape == "block"
    for params, shape in ((b"3", "underline"), (b"4", "underline"), (b"5", "bar"),
                          (b"6", "bar"), (b"2", "block"), (b"1", "block"), (b"", "block"),
                          (b"6", "bar"), (b"99", "block")):  # fmt: skip
        emu.feed(b"\x1b[" + params + b" q")
        assert emu.cursor_shape == shape, params
    emu.feed(b"\x1b[4 ")  # split across chunks
    emu.feed(b"q")
    assert emu.cursor_shape == "underline"
    emu.feed(b"\x1bc")  # RIS
    assert emu.cursor_shape == "block"


def test_replies_fixed_set_and_switch() -> None:
    emu = feed(b"\x1b[5;7H\x1b[c\x1b[0c\x1b[>c\x1b[5n\x1b[6n\x1b[?6n\x1b]11;?\x07\x1b[>q\x1b[21t")
    assert emu.take_replies() == b"\x1b[?6c\x1b[?6c\x1b[>1;10;0c\x1b[0n\x1b[5;7R"
    assert emu.take_replies() == b""
    emu = feed(b"\x1b[c\x1b[6n", answer_queries=False)
    assert emu.take_replies() == b""


def test_replies_are_bounded() -> None:
    emu = feed(b"\x1b[5n" * 10_000)
    assert len(emu.take_replies()) <= 64 * 4


def test_dirty_rows() -> None:
    emu = Emulator(20, 5)
    emu.clear_dirty()
    emu.feed(b"\x1b[3;1Hx")
    assert emu.dirty == {2}
    emu.clear_dirty()
    emu.feed(b"\r\nab\r\ncd")
    assert emu.dirty == {3, 4}
    emu.clear_dirty()
    emu.feed(b"\r\n")
    assert emu.dirty == set(range(5))


def test_wide_characters_and_wrap() -> None:
    emu = feed("ab漢字".encode(), columns=5, lines=3)
    assert row(emu) == "ab漢" and row(emu, 1) == "字"
    assert emu.line(0)[3].data == ""  # the stub cell after a wide character


def test_sgr_colours() -> None:
    emu = feed(b"\x1b[38;5;196mA\x1b[48;2;1;2;3mB\x1b[38:2::10:20:30mC\x1b[105mD\x1b[0mE")
    a, b, c, d, e = emu.line(0)[:5]
    assert a.fg == "ff0000" and b.bg == "010203" and c.fg == "0a141e"
    assert d.bg == "brightmagenta" and e.fg == "default" and e.bg == "default"


def test_feed_some_consumes_everything_eventually() -> None:
    data = b"".join(b"\x1b[32mline\x1b[0m %d\r\n" % i for i in range(5000))
    emu, ref = Emulator(), feed(data)
    rest = data
    while rest:
        n = emu.feed_some(rest, budget_s=0.001)
        assert n > 0
        rest = rest[n:]
    assert emu.display == ref.display and emu.scrollback_text() == ref.scrollback_text()


def test_resize_grow_and_shrink_keeps_cursor_line() -> None:
    emu = Emulator(20, 10)
    emu.feed(b"".join(b"r%d\r\n" % i for i in range(9)) + b"last")
    emu.resize(10, 4)
    assert row(emu, 3) == "last" and emu.cursor == (4, 3)
    assert emu.scrollback_text().splitlines()[-1] == "r5"
    emu.resize(30, 8)
    assert emu.cursor == (4, 3) and len(emu.display[0]) == 30
    emu.feed(b"\x1b[?1049h\x1b[8;1H")
    emu.resize(30, 3)
    emu.feed(b"\x1b[?1049l")
    assert emu.cursor[1] < 3


def test_reset_leaves_alternate_screen() -> None:
    emu = feed(b"\x1b[?1049h\x1b[?1h\x1bc")
    assert not emu.in_alternate_screen and not emu.modes.app_cursor


def test_every_charset_maps_fast_path_characters_to_single_width() -> None:
    """The fast path translates runs through G0/G1 and still assumes one cell per char.

    (Never-drawn characters in plain runs are removed before translation, and only when G0
    is plain ASCII/Latin-1: see ``Parser._wide``.)
    """
    from pyte import charsets

    from kdebug_tui.term.sanitize import char_width
    from kdebug_tui.term.tokens import TOKEN

    chars = [chr(i) for i in range(0x20, 0x100) if TOKEN.fullmatch(chr(i) * 2)]
    plain = [ch for ch in chars if TOKEN.fullmatch(ch * 2).lastgroup == "plain"]  # type: ignore[union-attr]
    assert "a" in plain and "\xe9" in plain
    plain = [ch for ch in plain if char_width(ch) != -1]
    for table in charsets.MAPS.values():
        assert all(char_width(ch.translate(table)) == 1 for ch in plain if ch not in "\t\r\n")


def test_line_drawing_charset() -> None:
    emu = feed(b"\x1b(0lqqk\x1b(B ok\r\n\x0eqq\x0fx")
    assert row(emu) == "┌──┐ ok" and row(emu, 1) == "──x"


def test_rep_repeats_the_last_character_bounded() -> None:
    assert row(feed(b"ab\x1b[3b")) == "abbbb"
    assert row(feed(b"\x1b(0q\x1b[2b\x1b(B")) == "───"
    emu = feed(b"x\x1b[9999b", columns=20, lines=5)
    assert "".join(emu.display).count("x") == 21  # at most one row's worth per REP
    assert row(feed("漢\x1b[2b".encode())) == "漢漢漢"
    assert row(feed(b"\x1b[5b")) == ""  # nothing to repeat


def test_tab_stops_forward_and_back() -> None:
    emu = feed(b"\x1b[2Ix")
    assert emu.cursor == (17, 0)
    emu.feed(b"\x1b[Zy\x1b[99Iz\x1b[99Zw")
    assert row(emu) == "w" + " " * 15 + "y" + " " * 62 + "z"  # y overwrote x (CBT to 16)


def test_memory_stays_bounded_under_floods() -> None:
    """Measured with tracemalloc while unterminated strings are still open, and at the end."""
    import gc
    import tracemalloc

    emu = Emulator(80, 24, scrollback=1000)
    emu.feed(b"warm up\r\n" * 2000)
    floods = ((b"\x1b]0;", b"A" * 65536), (b"\x1bPq", b"#0;2;0;0;0~-" * 5462))  # OSC, sixel
    lines = b"\x1b[32m" + (b"x" * 64 + b"\r\n") * 1000
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        open_strings = []
        for start, payload in floods:
            emu.feed(start)
            for _ in range(4):  # 256 KiB of payload, still unterminated: at most 4 KiB kept
                emu.feed(payload)
            open_strings.append(tracemalloc.get_traced_memory()[0] - base)
            emu.feed(b"\x1b\\")
        for _ in range(2):  # 64-column lines with colours: 1000 rows kept
            emu.feed(lines)
        at_end = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert emu.scrollback_lines == 1000
    assert max(open_strings) < 100_000, open_strings  # unbounded would be > 256 KiB
    assert at_end < 400_000, at_end  # (measured ~0.2 MB: 1000 text rows replacing others)
