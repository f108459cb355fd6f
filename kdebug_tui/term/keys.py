"""Turn key presses, pastes and mouse events into the bytes an xterm would send.

Key names follow Textual's spelling (``"ctrl+shift+up"``, ``"alt+x"``, ``"f5"``,
``"left_square_bracket"``) but are plain strings: this module is headless and never imports
the UI toolkit, so it can be tested and reused without it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ESC = "\x1b"
CSI = "\x1b["
SS3 = "\x1bO"

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"

# Cursor keys: the final byte of CSI X / SS3 X. Application cursor mode (DECCKM) switches the
# unmodified form to SS3; with modifiers xterm always sends CSI 1;m X.
_CURSOR_FINALS = {"up": "A", "down": "B", "right": "C", "left": "D", "home": "H", "end": "F"}
# Editing keys sent as CSI n ~ (CSI n;m ~ with modifiers).
_TILDE_CODES = {"insert": 2, "delete": 3, "pageup": 5, "pagedown": 6}
# F1-F4 are SS3 P..S unmodified and CSI 1;m P..S modified; F5-F12 are CSI n ~.
_PF_FINALS = {"f1": "P", "f2": "Q", "f3": "R", "f4": "S"}
_F_TILDE = {
    "f5": 15,
    "f6": 17,
    "f7": 18,
    "f8": 19,
    "f9": 20,
    "f10": 21,
    "f11": 23,
    "f12": 24,
}

# Textual names for punctuation (its own aliases plus Unicode character names, lowercased
# with underscores). Only the ones whose Unicode name differs from the key name are listed.
_NAMED_CHARACTERS = {
    "space": " ",
    "slash": "/",
    "backslash": "\\",
    "at": "@",
    "minus": "-",
    "plus": "+",
    "underscore": "_",
    "left_square_brace": "[",
    "right_square_brace": "]",
    "circumflex": "^",
}

# ctrl + a non-letter, as xterm and the VT220 send them.
_CTRL_SYMBOLS = {
    "@": 0x00,
    " ": 0x00,
    "2": 0x00,
    "[": 0x1B,
    "3": 0x1B,
    "\\": 0x1C,
    "4": 0x1C,
    "]": 0x1D,
    "5": 0x1D,
    "^": 0x1E,
    "6": 0x1E,
    "_": 0x1F,
    "/": 0x1F,
    "7": 0x1F,
    "-": 0x1F,
    "8": 0x7F,
    "?": 0x7F,
}

_MODIFIER_NAMES = frozenset({"shift", "alt", "ctrl", "meta", "super", "hyper"})


@dataclass(frozen=True)
class ParsedKey:
    """A key name split into its base key and the modifiers xterm can express."""

    base: str
    shift: bool = False
    alt: bool = False
    ctrl: bool = False

    @property
    def xterm_modifier(self) -> int:
        """The `m` in CSI 1;m X: 1 + shift(1) + alt(2) + ctrl(4)."""
        return 1 + (1 if self.shift else 0) + (2 if self.alt else 0) + (4 if self.ctrl else 0)


@lru_cache(maxsize=1024)
def parse_key(key: str) -> ParsedKey:
    """Split ``"ctrl+shift+up"`` into base and modifiers (meta counts as alt)."""
    if key in ("+", "plus"):
        return ParsedKey("plus")
    tokens = key.split("+")
    base = tokens[-1]
    if base == "" and len(tokens) >= 2:  # "ctrl++"
        base = "plus"
        tokens = tokens[:-2]
    else:
        tokens = tokens[:-1]
    mods = {token for token in tokens if token in _MODIFIER_NAMES}
    return ParsedKey(
        base=base,
        shift="shift" in mods,
        alt="alt" in mods or "meta" in mods,
        ctrl="ctrl" in mods,
    )


@lru_cache(maxsize=1024)
def character_for_name(name: str) -> str | None:
    """The character a key name stands for (``"slash"`` -> ``"/"``), or None."""
    if len(name) == 1:
        return name
    if name in _NAMED_CHARACTERS:
        return _NAMED_CHARACTERS[name]
    try:
        return unicodedata.lookup(name.replace("_", " ").upper())
    except KeyError:
        pass
    # Unicode names with a hyphen ("HYPHEN-MINUS", "LESS-THAN SIGN") lost it to "_".
    words = name.upper().split("_")
    for index in range(len(words) - 1):
        candidate = " ".join([*words[:index], "-".join(words[index : index + 2])])
        candidate = " ".join([candidate, *words[index + 2 :]])
        try:
            return unicodedata.lookup(candidate)
        except KeyError:
            continue
    return None


def _modified(parsed: ParsedKey, unmodified: str, csi_param: str, final: str) -> str:
    if parsed.xterm_modifier == 1:
        return unmodified
    return f"{CSI}{csi_param};{parsed.xterm_modifier}{final}"


def _is_printable(text: str) -> bool:
    return bool(text) and all(ch.isprintable() or ch == " " for ch in text)


def encode_key(key: str, character: str | None = None, *, app_cursor: bool = False) -> bytes:
    """Bytes for one key press; b"" for keys a terminal sends nothing for.

    `character` is the text the key produced, if any (Textual's ``Key.character``); it wins
    for printable keys so that layouts and unicode input come through as typed.
    """
    parsed = parse_key(key)
    base = parsed.base
    alt_prefix = ESC if parsed.alt else ""

    if base in _CURSOR_FINALS:
        final = _CURSOR_FINALS[base]
        plain = (SS3 if app_cursor else CSI) + final
        return _modified(parsed, plain, "1", final).encode()
    if base in _TILDE_CODES:
        code = _TILDE_CODES[base]
        return _modified(parsed, f"{CSI}{code}~", str(code), "~").encode()
    if base in _PF_FINALS:
        final = _PF_FINALS[base]
        return _modified(parsed, SS3 + final, "1", final).encode()
    if base in _F_TILDE:
        code = _F_TILDE[base]
        return _modified(parsed, f"{CSI}{code}~", str(code), "~").encode()
    if base.startswith("f") and base[1:].isdigit() and 13 <= int(base[1:]) <= 24:
        # xterm reports F13-F24 as shift+F1-F12.
        shifted = ParsedKey(f"f{int(base[1:]) - 12}", True, parsed.alt, parsed.ctrl)
        return encode_key(_unparse(shifted), app_cursor=app_cursor)
    if base in ("enter", "return"):
        return (alt_prefix + "\r").encode()
    if base == "tab":
        if parsed.shift:
            return f"{CSI}Z".encode()
        return (alt_prefix + "\t").encode()
    if base == "backspace":
        return (alt_prefix + ("\x08" if parsed.ctrl else "\x7f")).encode()
    if base == "escape":
        return (alt_prefix + ESC).encode()
    if base == "newline":  # Textual's alias for ctrl+j
        return b"\n"

    if parsed.ctrl:
        char = character_for_name(base)
        if char is None:
            return b""
        if len(char) == 1 and char.isascii() and char.isalpha():
            return (alt_prefix + chr(ord(char.lower()) - 0x60)).encode()
        if char in _CTRL_SYMBOLS:
            return (alt_prefix + chr(_CTRL_SYMBOLS[char])).encode()
        return b""

    if character and _is_printable(character):
        text = character
    else:
        named = character_for_name(base)
        if named is None:
            return b""
        text = named.upper() if parsed.shift and len(named) == 1 else named
    return (alt_prefix + text).encode("utf-8", "surrogatepass")


def _unparse(parsed: ParsedKey) -> str:
    mods = [
        name
        for name, on in (("alt", parsed.alt), ("ctrl", parsed.ctrl), ("shift", parsed.shift))
        if on
    ]
    return "+".join([*mods, parsed.base])


def encode_paste(text: str, *, bracketed: bool) -> bytes:
    """Bytes for pasted text, wrapped in bracketed-paste markers when the program asked.

    Line ends become CR as a terminal sends them. Embedded paste markers are removed so a
    pasted string cannot end the bracket early and have the rest run as typed commands.
    """
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    while PASTE_END in text or PASTE_START in text:
        text = text.replace(PASTE_END, "").replace(PASTE_START, "")
    data = text.encode("utf-8", "replace")
    if bracketed:
        return PASTE_START.encode() + data + PASTE_END.encode()
    return data


# Mouse reporting (DEC private modes 1000/1002/1003; SGR encoding with 1006).
MOUSE_OFF = 0
MOUSE_X10 = 9  # presses only
MOUSE_NORMAL = 1000  # press and release (and wheel)
MOUSE_BUTTON_EVENT = 1002  # + motion while a button is held
MOUSE_ANY_EVENT = 1003  # + all motion

_WHEEL_CODES = {"wheel_up": 64, "wheel_down": 65, "wheel_left": 66, "wheel_right": 67}


def encode_mouse(
    action: str,
    x: int,
    y: int,
    *,
    button: int = 1,
    shift: bool = False,
    alt: bool = False,
    ctrl: bool = False,
    tracking: int,
    sgr: bool,
) -> bytes:
    """A mouse report for `action` at cell (x, y) (0-based), or b"" if not reported.

    `action` is "press", "release", "motion" or "wheel_up"/"wheel_down"/"wheel_left"/
    "wheel_right"; `button` is 1 (left), 2 (middle), 3 (right) or 0 (none, for motion).
    `tracking` is the mode the program enabled (0 = off).
    """
    if tracking not in (MOUSE_X10, MOUSE_NORMAL, MOUSE_BUTTON_EVENT, MOUSE_ANY_EVENT):
        return b""
    if tracking == MOUSE_X10:
        if action != "press":
            return b""  # X10 compatibility mode reports presses only, without modifiers
        shift = alt = ctrl = False
    if action == "motion":
        if tracking == MOUSE_NORMAL:
            return b""
        if tracking == MOUSE_BUTTON_EVENT and button == 0:
            return b""
    code: int
    if action in _WHEEL_CODES:
        code = _WHEEL_CODES[action]
    elif action in ("press", "release", "motion"):
        code = 3 if button == 0 else button - 1  # 3 = "no button" (motion / legacy release)
        if action == "motion":
            code += 32
    else:
        return b""
    code += (4 if shift else 0) + (8 if alt else 0) + (16 if ctrl else 0)
    x = max(0, x)
    y = max(0, y)
    if sgr:
        final = "m" if action == "release" else "M"
        return f"{CSI}<{code};{x + 1};{y + 1}{final}".encode()
    if action == "release":
        code = (code & ~3) | 3  # legacy X10/normal encoding cannot say which button
    if x + 1 + 32 > 255 or y + 1 + 32 > 255:
        return b""  # not representable in the legacy single-byte encoding
    return bytes([0x1B, 0x5B, 0x4D, 32 + code, 32 + x + 1, 32 + y + 1])


__all__ = [
    "MOUSE_ANY_EVENT",
    "MOUSE_BUTTON_EVENT",
    "MOUSE_NORMAL",
    "MOUSE_OFF",
    "MOUSE_X10",
    "ParsedKey",
    "character_for_name",
    "encode_key",
    "encode_mouse",
    "encode_paste",
    "parse_key",
]
