"""SGR (Select Graphic Rendition) applied to pyte ``Char`` attributes, cached.

Programs like ``ls --color`` or ``top`` send the same few SGR sequences over and over; the
result only depends on (current attributes, parameter string), so it is memoised. Colour
values follow pyte's conventions (names, ``"default"``, or 6-digit hex without ``#``) so the
renderer can treat our cells exactly like pyte's.
"""

from __future__ import annotations

from pyte import graphics as g
from pyte.screens import Char

DEFAULT_ATTRS = Char(" ")

_BG_AIXTERM = {k: v.replace("bfight", "bright") for k, v in g.BG_AIXTERM.items()}
_TEXT: dict[int, tuple[str, bool]] = {
    code: (name[1:], name.startswith("+")) for code, name in g.TEXT.items()
}
# xterm also uses 21 (double underline -> underline) and 2 (faint; nothing to map it to).
_TEXT[21] = ("underscore", True)

_CACHE: dict[tuple[Char, str], Char] = {}
_CACHE_MAX = 4096


def _colour(values: list[int], i: int) -> tuple[str | None, int]:
    """Parse a 38/48 extended colour starting at ``values[i]`` (the 5 or 2 selector)."""
    if i >= len(values):
        return None, i
    kind = values[i]
    if kind == 5 and i + 1 < len(values):
        n = values[i + 1]
        return (g.FG_BG_256[n] if 0 <= n < 256 else None), i + 2
    if kind == 2 and i + 3 < len(values):
        r, gr, b = (min(max(v, 0), 255) for v in values[i + 1 : i + 4])
        return f"{r:02x}{gr:02x}{b:02x}", i + 4
    return None, len(values)


def _parse(params: str) -> list[int]:
    out: list[int] = []
    for part in params.replace(":", ";").split(";"):
        if part.isdigit():
            out.append(min(int(part), 9999))
        elif part == "":
            out.append(0)
        else:  # garbage such as "?" or "<": ignore this parameter
            out.append(-1)
    return out


def _apply_colon_form(params: str) -> str:
    """Rewrite ``38:2::r:g:b`` (colour-space id present) into the ``38;2;r;g;b`` form."""
    fixed: list[str] = []
    for part in params.split(";"):
        sub = part.split(":")
        if len(sub) == 6 and sub[0] in ("38", "48", "58") and sub[1] == "2":
            sub = [sub[0], "2", *sub[3:]]
        fixed.append(";".join(sub))
    return ";".join(fixed)


def apply_sgr(attrs: Char, params: str) -> Char:
    """Return `attrs` updated by the SGR parameter string `params` (e.g. ``"01;34"``)."""
    key = (attrs, params)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    result = _compute(attrs, params)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = result
    return result


_SEQ_CACHE: dict[tuple[int, str], tuple[Char, Char]] = {}


def apply_sgr_sequence(attrs: Char, seq: str) -> Char:
    """Apply back-to-back SGR sequences (``"\\x1b[0m\\x1b[01;34m"``) to `attrs`.

    ``ESC ( B`` pieces may be interleaved (ncurses' ``sgr0``); the caller applies their
    charset effect, they do not change attributes. Cached by the identity of `attrs` (results
    are cached objects, so the same ones come back; an entry keeps its `attrs` alive, so the
    id cannot be reused while the entry exists): no 9-field tuple hash per sequence.
    """
    key = (id(attrs), seq)
    hit = _SEQ_CACHE.get(key)
    if hit is not None and hit[0] is attrs:
        return hit[1]
    result = attrs
    for piece in seq.split("\x1b")[1:]:
        if piece[0] == "[":  # (the other kind of piece is "(B", a charset designation)
            result = apply_sgr(result, piece[1:-1])
    if len(_SEQ_CACHE) >= _CACHE_MAX:
        _SEQ_CACHE.clear()
    _SEQ_CACHE[key] = (attrs, result)
    return result


def _compute(attrs: Char, params: str) -> Char:
    if ":" in params:
        params = _apply_colon_form(params)
    values = _parse(params) if params else [0]
    replace: dict[str, object] = {}
    i = 0
    while i < len(values):
        v = values[i]
        i += 1
        if v == 0:
            replace = dict(DEFAULT_ATTRS._asdict())
            del replace["data"]
        elif v in g.FG_ANSI:
            replace["fg"] = g.FG_ANSI[v]
        elif v in g.BG_ANSI:
            replace["bg"] = g.BG_ANSI[v]
        elif v in _TEXT:
            name, on = _TEXT[v]
            replace[name] = on
        elif v in g.FG_AIXTERM:
            replace["fg"] = g.FG_AIXTERM[v]
        elif v in _BG_AIXTERM:
            replace["bg"] = _BG_AIXTERM[v]
        elif v in (38, 48, 58):
            colour, i = _colour(values, i)
            if colour is not None and v != 58:
                replace["fg" if v == 38 else "bg"] = colour
    if not replace:
        return attrs
    return attrs._replace(**replace)  # type: ignore[arg-type]
