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

#: Combining marks kept per cell; more are dropped (stacked marks are a cost attack).
MAX_COMBINING = 4

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
    cat = unicodedata.category(ch)
    if cat in _UNSAFE_CATEGORIES:
        w = -1
    else:
        w = _wcwidth(ch)
        if (w == 0 and not unicodedata.combining(ch)) or w not in (0, 1, 2):
            w = -1
    if len(WIDTH_CACHE) < WIDTH_CACHE_MAX:
        WIDTH_CACHE[ch] = w
    return w


def _single_width_class() -> str:
    """A regex character-class body of common non-ASCII characters that take exactly one cell.

    Built from the same :func:`char_width` the slow path uses, so a run of these characters can
    be laid out one cell per character without asking for widths.
    """
    ranges = [
        (0xA0, 0x0FFF),  # Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic, Thai
        (0x1E00, 0x1FFF),  # Latin extended additional, Greek extended
        (0x2000, 0x2BFF),  # punctuation, currency, arrows, math, box drawing, shapes
        (0xFFFD, 0xFFFD),  # the replacement character (what bad UTF-8 decodes to)
    ]
    spans: list[tuple[int, int]] = []
    for lo, hi in ranges:
        start = None
        for cp in range(lo, hi + 2):
            ok = cp <= hi and char_width(chr(cp)) == 1 and not unicodedata.combining(chr(cp))
            if ok and start is None:
                start = cp
            elif not ok and start is not None:
                spans.append((start, cp - 1))
                start = None
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in spans)


#: Regex class body (without brackets) of non-ASCII characters that are exactly one cell wide.
SINGLE_WIDTH_CLASS = _single_width_class()


def sanitize_title(text: str) -> str:
    """Make a window title safe to show anywhere: no controls, no format/bidi characters.

    Titles come straight from whatever runs in the pod; they must not carry escape sequences
    into our own terminal's title bar nor reorder text with bidi overrides.
    """
    out = [ch for ch in text[: TITLE_MAX * 4] if unicodedata.category(ch) not in _UNSAFE_CATEGORIES]
    return "".join(out)[:TITLE_MAX].strip()
