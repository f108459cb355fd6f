"""The parser's token grammar: one regular expression for whole tokens, and the character
classes and limits it is built from (kept apart from the parser's state machine)."""

from __future__ import annotations

import re

from pyte import modes as mo

from .sanitize import ASTRAL_CLASS, DROPPED_CLASS, SINGLE_WIDTH_CLASS, WIDE_CLASS
from .styled import SGR_ONE

#: Longest CSI parameter/intermediate body accepted (longer ones are skipped as malformed).
CSI_MAX = 128
#: Longest OSC/DCS/APC/PM/SOS payload kept; longer payloads are discarded (still terminated).
STRING_MAX = 4096

_C0_IN_CSI = r"\x00-\x17\x19\x1c-\x1f"  # executed inside CSI; CAN, SUB, ESC abort it

# Characters the fast paths take (see .wide): single-width, wide, and never-drawn ones.
_FAST = SINGLE_WIDTH_CLASS + WIDE_CLASS + DROPPED_CLASS + ASTRAL_CLASS
# Controls that plain runs absorb (binary output is full of them): BEL is counted, CAN and
# SUB do nothing outside a sequence, VT and FF are line feeds (as in xterm and pyte).
_ABSORBED = "\x07\x0b\x0c\x18\x1a"
_ABSORB = re.compile(f"[{_ABSORBED}]").search
_ABSORB_TABLE = str.maketrans(
    {"\x07": None, "\x18": None, "\x1a": None, "\x0b": "\n", "\x0c": "\n"}
)
# Controls that plain runs carry to the fast path (about 1 byte in 85 of binary output, each
# of which used to end a run and cost a layout and a scroll): BS moves the cursor in the
# layout; SO/SI switch the charset the run's text is translated with.
_IN_RUN = "\x08\x0e\x0f"
_HAS_IN_RUN = re.compile(f"[{_IN_RUN}]").search
_SHIFT = re.compile(r"([\x0e\x0f])")
_NOT_LAST = "\t\r\n" + _IN_RUN
# The rest (combining marks, rare scripts) goes to the per-character path, with the short
# runs of known characters between them (text such as "e\u0301t\u0301e" is one token).
_OTHER = rf"[^\x00-\x1f\x7f-\x9f\x20-\x7e{_FAST}]"
#: A character whose width only the per-character path knows.
OTHER_CHAR = re.compile(_OTHER)
# Printable text of known width, CR/LF/TAB and SGR sequences (ncurses' sgr0 interleaves
# ESC ( B): one token for a whole coloured listing or log flood. (Possessive quantifiers:
# the alternatives start with disjoint characters, so there is nothing to backtrack into.)
TOKEN = re.compile(
    rf"(?P<plain>(?:[\x20-\x7e\t\r\n{_ABSORBED}{_IN_RUN}{_FAST}]++|{SGR_ONE})++)"
    rf"|(?P<text>{_OTHER}(?:{_OTHER}++|[\x20-\x7e{_FAST}]{{1,8}}+(?={_OTHER}))*+)"
    rf"|(?:\x1b\[|\x9b)(?P<csi>[\x20-\x3f{_C0_IN_CSI}]{{0,{CSI_MAX}}}+)(?P<final>[\x40-\x7e])"
    r"|\x1b(?P<esc>[\x20-\x2f]{1,4}[\x30-\x7e]|[\x30-\x4f\x51-\x57\x59\x5a\x5c\x60-\x7e])"
    r"|(?P<str>\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])"
    r"|(?P<ctl>[\x00-\x1f\x7f-\x9f])"
)
_PREFIX = re.compile(
    rf"(?:(?:\x1b\[|\x9b)[\x20-\x3f{_C0_IN_CSI}]{{0,{CSI_MAX}}}|\x1b[\x20-\x2f]{{0,4}})\Z"
)
_SKIP = re.compile(rf"(?:\x1b\[|\x9b)[\x20-\x3f{_C0_IN_CSI}]{{0,{CSI_MAX}}}|\x1b[\x20-\x2f]{{0,4}}")
# Controls that do nothing anywhere (not even inside a sequence) are removed up front, so they
# neither split text runs nor cost a token each. C0 ones are removed from the bytes (see
# INERT_C0_BYTES: cheap, and never part of a UTF-8 sequence); the C1 ones here from the text.
# Kept: BEL BS HT LF VT FF CR SO SI CAN SUB ESC and the C1 controls we act on (IND NEL HTS RI
# DCS SOS CSI ST OSC PM APC).
INERT_C0_BYTES = bytes([*range(0x00, 0x07), *range(0x10, 0x18), 0x19, *range(0x1C, 0x20), 0x7F])
_INERT_C1 = re.compile(r"[\x80-\x83\x86\x87\x89-\x8c\x8e\x8f\x91-\x97\x99\x9a]+")
_DECAWM = mo.DECAWM
_TAB_LINE = re.compile(r"[^\n]*\t[^\n]*\n?")
_NO_LAYOUT = re.compile(r"[\t\r\n\x08\x0e\x0f]").search
_PIECE = re.compile(r"[^\t\r\n\x08\x0e\x0f]+|[\t\r\n\x08\x0e\x0f]")
_C0 = re.compile(rf"[{_C0_IN_CSI}]")
_PARAMS = re.compile(r"[0-9;:]*")
_STRING_END = re.compile(r"[\x07\x18\x1a\x1b\x9c]")
# SOS, PM and APC strings also end (unfinished, payload dropped) at CR or LF, which is then
# executed: no program sends a line end inside one, but Ctrl-C makes the kernel flush the
# pty's output, which can cut a coloured flood right after an ESC, and the echoed "^C" then
# reads as ESC ^ (PM). xterm would swallow the prompt and everything after it up to the next
# ESC; a user pressing Ctrl-C must see their prompt. (OSC and DCS keep the strict rule.)
_LINE_STRING_END = re.compile(r"[\x07\x0a\x0d\x18\x1a\x1b\x9c]")
_LINE_ENDED = frozenset(("sos", "pm", "apc"))
_STRING_KIND = {
    "]": "osc", "\x9d": "osc", "P": "dcs", "\x90": "dcs",
    "X": "sos", "\x98": "sos", "^": "pm", "\x9e": "pm", "_": "apc", "\x9f": "apc",
}  # fmt: skip
