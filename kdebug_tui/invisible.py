"""Characters that take no space on screen, made visible: headless, no textual.

A name with a zero-width space (`kube\u200b-system`), a tag character (U+E0041, "A" that
no font draws), a BOM or a bidi override reads like another name, or hides text from the
person reading it. Text from a cluster is shown with each such character replaced by a
marker like `<U+200B>`, which the UI draws in its own style: the user sees that something
is there and what it is, instead of a look-alike or silently cleaned text (cleaning would
make the two names above look the same, which is the spoof).

Covered: every format character (Unicode category Cf: zero-width space/joiners, word
joiner, BOM, soft hyphen, bidi embeddings/overrides/isolates/marks, invisible math
operators, tags U+E0000-U+E007F...), line and paragraph separators (Zl, Zp), and the
letters and marks that draw nothing (Hangul fillers, the combining grapheme joiner,
Khmer inherent vowels, Mongolian variation selectors). Controls (Cc) are not handled
here: the views drop them (see the UI's safe text).
"""

from __future__ import annotations

import re

# Code point ranges (inclusive). tests/test_invisible.py checks that this covers every
# Cf/Zl/Zp character of the running Python's Unicode database, so it cannot fall behind.
RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C),
    (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
    (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F),
    (0x2028, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE007F),
)  # fmt: skip

_CLASS = "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in RANGES)
INVISIBLE = re.compile(f"[{_CLASS}]")


def marker(ch: str) -> str:
    """The visible stand-in for one invisible character."""
    return f"<U+{ord(ch):04X}>"


def has_invisible(text: str) -> bool:
    return INVISIBLE.search(text) is not None


def reveal(text: str) -> str:
    """`text` with every invisible character replaced by its marker."""
    if text.isascii():
        return text
    return INVISIBLE.sub(lambda m: marker(m.group()), text)


def reveal_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`reveal(text)` and the ranges of the markers in it (for the UI to style them)."""
    if text.isascii() or not has_invisible(text):
        return text, []
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    last = length = 0
    for match in INVISIBLE.finditer(text):
        before = text[last : match.start()]
        out.append(before)
        length += len(before)
        mark = marker(match.group())
        out.append(mark)
        spans.append((length, length + len(mark)))
        length += len(mark)
        last = match.end()
    out.append(text[last:])
    return "".join(out), spans


__all__ = ["INVISIBLE", "RANGES", "has_invisible", "marker", "reveal", "reveal_spans"]
