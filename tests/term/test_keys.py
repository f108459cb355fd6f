"""Key, paste and mouse encoding as an xterm sends them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdebug_tui.term.keys import (
    MOUSE_ANY_EVENT,
    MOUSE_BUTTON_EVENT,
    MOUSE_NORMAL,
    MOUSE_X10,
    encode_key,
    encode_mouse,
    encode_paste,
    parse_key,
)


@pytest.mark.parametrize(
    ("key", "normal", "application"),
    [
        ("up", b"\x1b[A", b"\x1bOA"),
        ("down", b"\x1b[B", b"\x1bOB"),
        ("right", b"\x1b[C", b"\x1bOC"),
        ("left", b"\x1b[D", b"\x1bOD"),
        ("home", b"\x1b[H", b"\x1bOH"),
        ("end", b"\x1b[F", b"\x1bOF"),
    ],
)
def test_cursor_keys_follow_application_cursor_mode(
    key: str, normal: bytes, application: bytes
) -> None:
    assert encode_key(key) == normal
    assert encode_key(key, app_cursor=True) == application


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("shift+up", b"\x1b[1;2A"),
        ("alt+left", b"\x1b[1;3D"),
        ("ctrl+right", b"\x1b[1;5C"),
        ("ctrl+shift+up", b"\x1b[1;6A"),
        ("alt+ctrl+shift+home", b"\x1b[1;8H"),
        ("shift+pageup", b"\x1b[5;2~"),
        ("ctrl+delete", b"\x1b[3;5~"),
        ("ctrl+f5", b"\x1b[15;5~"),
        ("shift+f1", b"\x1b[1;2P"),
    ],
)
def test_modified_keys_use_xterm_parameters(key: str, expected: bytes) -> None:
    assert encode_key(key) == expected
    # Modified cursor keys are CSI even in application cursor mode.
    assert encode_key(key, app_cursor=True) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("insert", b"\x1b[2~"),
        ("delete", b"\x1b[3~"),
        ("pageup", b"\x1b[5~"),
        ("pagedown", b"\x1b[6~"),
        ("f1", b"\x1bOP"),
        ("f4", b"\x1bOS"),
        ("f5", b"\x1b[15~"),
        ("f6", b"\x1b[17~"),
        ("f10", b"\x1b[21~"),
        ("f11", b"\x1b[23~"),
        ("f12", b"\x1b[24~"),
        ("f13", b"\x1b[1;2P"),
        ("enter", b"\r"),
        ("tab", b"\t"),
        ("shift+tab", b"\x1b[Z"),
        ("backspace", b"\x7f"),
        ("ctrl+backspace", b"\x08"),
        ("alt+backspace", b"\x1b\x7f"),
        ("escape", b"\x1b"),
        ("space", b" "),
    ],
)
def test_special_keys(key: str, expected: bytes) -> None:
    assert encode_key(key) == expected


@pytest.mark.parametrize(
    ("key", "character", "expected"),
    [
        ("ctrl+c", "\x03", b"\x03"),
        ("ctrl+a", None, b"\x01"),
        ("ctrl+z", None, b"\x1a"),
        ("ctrl+d", "\x04", b"\x04"),
        ("ctrl+at", None, b"\x00"),
        ("ctrl+space", None, b"\x00"),
        ("ctrl+backslash", None, b"\x1c"),
        ("ctrl+right_square_bracket", None, b"\x1d"),
        ("ctrl+circumflex_accent", None, b"\x1e"),
        ("ctrl+underscore", None, b"\x1f"),
        ("alt+ctrl+c", None, b"\x1b\x03"),
    ],
)
def test_ctrl_keys_become_c0_controls(key: str, character: str | None, expected: bytes) -> None:
    assert encode_key(key, character) == expected


@pytest.mark.parametrize(
    ("key", "character", "expected"),
    [
        ("a", "a", b"a"),
        ("A", "A", b"A"),
        ("exclamation_mark", "!", b"!"),
        ("slash", "/", b"/"),
        ("hyphen_minus", None, b"-"),
        ("minus", None, b"-"),
        ("less_than_sign", None, b"<"),
        ("e_acute", "\u00e9", "\u00e9".encode()),
        ("x", "\u4e2d", "\u4e2d".encode()),
        ("x", "\U0001f600", "\U0001f600".encode()),
        ("alt+x", "x", b"\x1bx"),
        ("alt+shift+x", "X", b"\x1bX"),
        ("alt+period", ".", b"\x1b."),
    ],
)
def test_printable_keys_send_their_text(key: str, character: str | None, expected: bytes) -> None:
    assert encode_key(key, character) == expected


def test_unknown_keys_send_nothing() -> None:
    assert encode_key("ctrl+f99") == b""
    assert encode_key("<scroll-up>") == b""


def test_parse_key_splits_modifiers() -> None:
    parsed = parse_key("ctrl+shift+up")
    assert (parsed.base, parsed.ctrl, parsed.shift, parsed.alt) == ("up", True, True, False)
    assert parse_key("meta+x").alt
    assert parse_key("plus").base == "plus"


def test_paste_is_bracketed_only_when_enabled() -> None:
    assert encode_paste("ls -l\n", bracketed=False) == b"ls -l\r"
    assert encode_paste("ls\r\npwd", bracketed=True) == b"\x1b[200~ls\rpwd\x1b[201~"


def test_paste_cannot_close_the_bracket_early() -> None:
    hostile = "echo safe\x1b[201~rm -rf /\n"
    data = encode_paste(hostile, bracketed=True)
    assert data.startswith(b"\x1b[200~")
    assert data.endswith(b"\x1b[201~")
    assert data.count(b"\x1b[201~") == 1
    assert b"rm -rf /" in data
    # Nested attempts that reassemble a marker after one removal are removed too.
    nested = encode_paste("a\x1b[20\x1b[201~1~b", bracketed=True)
    assert nested.count(b"\x1b[201~") == 1


def test_mouse_sgr_reports() -> None:
    press = encode_mouse("press", 0, 0, button=1, tracking=MOUSE_NORMAL, sgr=True)
    assert press == b"\x1b[<0;1;1M"
    release = encode_mouse("release", 9, 4, button=1, tracking=MOUSE_NORMAL, sgr=True)
    assert release == b"\x1b[<0;10;5m"
    right = encode_mouse("press", 2, 3, button=3, ctrl=True, tracking=MOUSE_NORMAL, sgr=True)
    assert right == b"\x1b[<18;3;4M"
    wheel = encode_mouse("wheel_up", 5, 5, shift=True, tracking=MOUSE_NORMAL, sgr=True)
    assert wheel == b"\x1b[<68;6;6M"
    down = encode_mouse("wheel_down", 0, 0, alt=True, tracking=MOUSE_NORMAL, sgr=True)
    assert down == b"\x1b[<73;1;1M"


def test_mouse_motion_depends_on_tracking_mode() -> None:
    assert encode_mouse("motion", 1, 1, button=1, tracking=MOUSE_NORMAL, sgr=True) == b""
    drag = encode_mouse("motion", 1, 1, button=1, tracking=MOUSE_BUTTON_EVENT, sgr=True)
    assert drag == b"\x1b[<32;2;2M"
    hover = encode_mouse("motion", 1, 1, button=0, tracking=MOUSE_BUTTON_EVENT, sgr=True)
    assert hover == b""
    any_motion = encode_mouse("motion", 1, 1, button=0, tracking=MOUSE_ANY_EVENT, sgr=True)
    assert any_motion == b"\x1b[<35;2;2M"
    assert encode_mouse("press", 0, 0, tracking=0, sgr=True) == b""


def test_mouse_legacy_encoding() -> None:
    assert encode_mouse("press", 0, 0, tracking=MOUSE_NORMAL, sgr=False) == b"\x1b[M !!"
    assert encode_mouse("release", 0, 0, tracking=MOUSE_NORMAL, sgr=False) == b"\x1b[M#!!"
    # Coordinates past 222 cannot be encoded in one byte: nothing is sent.
    assert encode_mouse("press", 300, 0, tracking=MOUSE_NORMAL, sgr=False) == b""


@given(st.text())
def test_paste_never_ends_the_bracket_early(text: str) -> None:
    data = encode_paste(text, bracketed=True)
    inner = data[len(b"\x1b[200~") : -len(b"\x1b[201~")]
    assert data.startswith(b"\x1b[200~") and data.endswith(b"\x1b[201~")
    assert b"\x1b[201~" not in inner and b"\x1b[200~" not in inner
    assert b"\n" not in data


@given(st.text(min_size=1, max_size=1))
def test_any_typed_character_is_sent_as_utf8(character: str) -> None:
    if not character.isprintable():
        return
    assert encode_key("x", character) == character.encode("utf-8", "surrogatepass")


def test_mouse_x10_mode_reports_presses_only() -> None:
    press = encode_mouse("press", 1, 2, button=1, ctrl=True, tracking=MOUSE_X10, sgr=False)
    assert press == b'\x1b[M "#'  # no modifier bits in X10 mode
    assert encode_mouse("release", 1, 2, tracking=MOUSE_X10, sgr=False) == b""
    assert encode_mouse("motion", 1, 2, button=1, tracking=MOUSE_X10, sgr=False) == b""
