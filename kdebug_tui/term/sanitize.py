"""Character classes and sanitising shared by the parser, the screen and the fast path.

Everything that decides "how wide is this character" goes through :func:`char_width`, so the
fast path (which lays out runs of single-width characters in bulk) and the per-character path
agree exactly.
"""

from __future__ import annotations

import unicodedata

from wcwidth import wcwidth as _wcwidth

#: Longest title kept (characters, after sanitising).
TITLE_MAX = 256

#: Combining marks kept per cell, as xterm (its ``combiningChars`` default); more are dropped:
#: stacked marks are a cost and memory attack (a 10 MB stream of them grew a pane by 173 MB).
MAX_COMBINING = 2

WIDTH_CACHE: dict[str, int] = {}
WIDTH_CACHE_MAX = 8192

# Categories that must never reach a cell or a title: controls, format characters (bidi
# overrides, zero-width joiners, BOM), surrogates, private use, line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def char_width(ch: str) -> int:
    """Cells taken by `ch`: 1 or 2 for printable characters, 0 for combining marks, -1 otherwise.

    Zero-width characters that are not combining marks (ZWSP, ZWJ, bidi controls, variation
    selectors) and every control or format character count as -1: the screen drops them.
    """
    w = WIDTH_CACHE.get(ch)
    if w is not None:
        return w
    w = _width(ch)
    if len(WIDTH_CACHE) < WIDTH_CACHE_MAX:
        WIDTH_CACHE[ch] = w
    return w


def _width(ch: str) -> int:
    if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
        return -1
    w = _wcwidth(ch)
    if (w == 0 and not unicodedata.combining(ch)) or w not in (0, 1, 2):
        return -1
    return w


# Where non-ASCII text in real output lives: Latin/Greek/Cyrillic/Indic scripts, Hangul, the
# CJK blocks, punctuation and symbols, full-width forms, emoji, format characters and tags.
# Code points outside these ranges (and combining marks) take the per-character path.
_SCAN = [
    (0xA0, 0x0FFF), (0x1100, 0x11FF), (0x1E00, 0x1FFF), (0x2000, 0x2BFF), (0x2E80, 0xA4CF),
    (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE00, 0xFE6F), (0xFEFF, 0xFEFF), (0xFF00, 0xFFEF),
    (0xFFFD, 0xFFFD), (0x1F000, 0x1FAFF), (0xE0000, 0xE007F),
]  # fmt: skip


def _class(spans: list[tuple[int, int]]) -> str:
    def esc(cp: int) -> str:
        return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"

    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in spans)


def _width_classes() -> dict[str, str]:
    """Regex class bodies of the scanned characters by width, basic plane and astral apart.

    Built from the same :func:`_width` the per-character path uses (not from a copy of the
    tables), so the fast paths lay runs out without asking for each width and still agree
    exactly with the slow path. About 60,000 code points, once per process. (Astral ranges
    are kept apart: the regex engine tests them one by one for every character that misses
    the basic plane's bitmap, so patterns guard them with a cheap "is astral" lookahead.)
    """
    spans: dict[tuple[int | None, bool], list[tuple[int, int]]] = {
        (k, astral): [] for k in (1, 2, -1, 0) for astral in (False, True)
    }
    for lo, hi in _SCAN:
        start, kind = lo, None
        for cp in range(lo, hi + 2):
            k: int | None = None
            if cp <= hi:
                ch = chr(cp)
                k = _width(ch)
                if k == 1 and unicodedata.combining(ch):
                    k = 0
            if k != kind:
                if kind is not None:
                    spans[kind, start > 0xFFFF].append((start, cp - 1))
                start, kind = cp, k
    if spans[0, True]:  # pragma: no cover - the astral ranges scanned hold no combining mark
        raise RuntimeError("combining marks in the astral scan ranges")
    return {
        "single": _class(spans[1, False]),
        "wide": _class(spans[2, False]),
        "dropped": _class(spans[-1, False]),
        "astral_wide": _class(spans[2, True]),
        "astral_dropped": _class(spans[-1, True]),
        "astral": _class([(lo, hi) for lo, hi in _SCAN if lo > 0xFFFF]),
    }


_CLASSES = _width_classes()
#: Regex class bodies (without brackets) of basic-plane characters that are exactly one cell
#: wide, two cells wide, and never drawn (format characters, variation selectors, ...).
SINGLE_WIDTH_CLASS = _CLASSES["single"]
WIDE_CLASS = _CLASSES["wide"]
DROPPED_CLASS = _CLASSES["dropped"]
#: The same for astral characters (emoji, tags), and all the astral ranges where every
#: character is one of single, wide or dropped (never a combining mark).
ASTRAL_WIDE_CLASS = _CLASSES["astral_wide"]
ASTRAL_DROPPED_CLASS = _CLASSES["astral_dropped"]
ASTRAL_CLASS = _CLASSES["astral"]
#: Matches at an astral character (guards the astral classes, see _width_classes).
ASTRAL_AHEAD = r"(?=[\U00010000-\U0010ffff])"


def sanitize_title(text: str) -> str:
    """Make a window title safe to show anywhere: no controls, no format/bidi characters.

    Titles come straight from whatever runs in the pod; they must not carry escape sequences
    into our own terminal's title bar nor reorder text with bidi overrides.
    """
    out = [ch for ch in text[: TITLE_MAX * 4] if unicodedata.category(ch) not in _UNSAFE_CATEGORIES]
    return "".join(out)[:TITLE_MAX].strip()
