"""The one escape from a terminal that has the keyboard: a prefix key, as in tmux.

While a terminal pane has the keyboard every key goes to the program, so vi, emacs, less,
telnet and a tmux or screen inside the container keep all of theirs. The prefix, then a
key, leaves the terminal: that key then acts as on the pane's frame (`x` close, `z` zoom,
`r` reattach, arrows move, `:` commands, `escape` only leaves). The prefix twice sends it
once to the program.

Default `ctrl+\\` (byte 0x1c). What the others would cost:
- `ctrl+a`: emacs and readline beginning-of-line, screen's and many tmux users' prefix;
- `ctrl+b`: tmux's own prefix, vi and less page-up, emacs and readline back-char;
- `ctrl+g`: emacs's keyboard-quit, readline's search abort, vi's file info;
- `ctrl+]`: telnet's escape, vim's tag jump;
- `ctrl+^`: vim's alternate file.
`ctrl+\\` is SIGQUIT at a shell (a core dump nobody asks for at 3 a.m.), unbound in vi,
less and readline, and only emacs's rarely used toggle-input-method. Settings:
`keymap: {terminal.prefix: ctrl+g}`.
"""

from __future__ import annotations

from typing import Any

DEFAULT_PREFIX = "ctrl+backslash"
SETTING = "terminal.prefix"

_LABELS = {"backslash": "\\", "right_square_bracket": "]", "circumflex_accent": "^"}


def prefix_key(app: Any) -> str:
    """The configured prefix (the first key if several are given), else the default."""
    keymap = getattr(getattr(app, "settings", None), "keymap", None) or {}
    keys = str(keymap.get(SETTING, "") or "").split(",")
    return keys[0].strip() or DEFAULT_PREFIX


def key_label(key: str) -> str:
    """`ctrl+backslash` -> `ctrl+\\`: how the key is written on a keyboard."""
    *mods, name = key.split("+")
    return "+".join([*mods, _LABELS.get(name, name)])
