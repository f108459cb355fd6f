"""Invisible characters become visible markers: every class, and nothing else."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from kdebug_tui.invisible import RANGES, has_invisible, reveal, reveal_spans

CLASSES = {
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "tag begin": "\U000e0001",
    "tag latin A": "\U000e0041",
    "cancel tag": "\U000e007f",
    "bidi override": "\u202e",
    "bidi isolate": "\u2066",
    "left-to-right mark": "\u200e",
    "arabic letter mark": "\u061c",
    "soft hyphen": "\u00ad",
    "invisible times": "\u2062",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "hangul filler": "\u3164",
    "combining grapheme joiner": "\u034f",
    "mongolian variation selector": "\u180b",
}


@pytest.mark.parametrize("name", CLASSES)
def test_each_invisible_class_is_shown_as_a_marker(name: str) -> None:
    ch = CLASSES[name]
    text = f"kube{ch}-system"
    shown, spans = reveal_spans(text)
    marker = f"<U+{ord(ch):04X}>"
    assert shown == f"kube{marker}-system" == reveal(text)
    assert [shown[s:e] for s, e in spans] == [marker]
    assert has_invisible(text) and not has_invisible(shown)


def test_visible_text_is_left_alone() -> None:
    for text in (
        "kube-system",
        "h\u00e9llo \u4e2d\u6587 \U0001f600",
        "e\u0301",
        "\u2764\ufe0f",
        "\t",
    ):
        assert reveal(text) == text and reveal_spans(text) == (text, [])


def test_a_run_of_tags_is_revealed_char_by_char() -> None:
    smuggled = "ok" + "".join(chr(0xE0000 + ord(c)) for c in "rm -rf")
    shown, spans = reveal_spans(smuggled)
    assert shown.startswith("ok<U+E0072><U+E006D>") and len(spans) == 6


def test_the_table_covers_every_format_character_of_this_python() -> None:
    covered = {cp for a, b in RANGES for cp in range(a, b + 1)}
    missing = [
        f"U+{cp:04X}"
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cf", "Zl", "Zp") and cp not in covered
    ]
    assert missing == [], f"add to kdebug_tui/invisible.py RANGES: {missing}"
