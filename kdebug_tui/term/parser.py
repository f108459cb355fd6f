"""Our own tokenizer in front of the pyte screen (replaces ``pyte.Stream``).

Why not ``pyte.Stream``: it raises on short legal-looking input and drops the rest of the
chunk, draws DCS payloads, lets an unterminated OSC swallow everything with unbounded memory,
stops drawing a text run at the first control character, and goes through a generator one
character at a time. This parser:

- matches whole tokens with one regular expression (text runs, CSI, ESC, string starts);
- keeps an incomplete escape sequence at the end of a chunk as a bounded prefix and re-parses
  it with the next chunk, and keeps OSC/DCS/APC/PM/SOS payloads in an explicit bounded state,
  so the result never depends on where chunks were split;
- validates parameters before calling the screen, and treats anything malformed as ignored
  (never as an exception), so the rest of a chunk always survives;
- hands runs of printable single-width text with CR/LF/TAB to the fast path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pyte import charsets as cs

from . import fastpath
from .sanitize import SINGLE_WIDTH_CLASS, sanitize_title
from .screen import TermScreen
from .sgr import apply_sgr, apply_sgr_sequence

#: Longest CSI parameter/intermediate body accepted (longer ones are skipped as malformed).
CSI_MAX = 64
#: Longest OSC/DCS/APC/PM/SOS payload kept; longer payloads are discarded (still terminated).
STRING_MAX = 4096

_C0_IN_CSI = r"\x00-\x17\x19\x1c-\x1f"  # executed inside CSI; CAN, SUB, ESC abort it

TOKEN = re.compile(
    rf"(?P<plain>[\x20-\x7e\t\r\n{SINGLE_WIDTH_CLASS}]+)"
    rf"|(?P<sgr>(?:\x1b\[[0-9;:]{{0,{CSI_MAX}}}m|\x1b\(B){{1,16}})"
    rf"(?P<sgrtext>[\x20-\x7e{SINGLE_WIDTH_CLASS}]*)"
    rf"|(?P<text>[^\x00-\x1f\x7f-\x9f\x20-\x7e{SINGLE_WIDTH_CLASS}]+)"
    rf"|(?:\x1b\[|\x9b)(?P<csi>[\x20-\x3f{_C0_IN_CSI}]{{0,{CSI_MAX}}})(?P<final>[\x40-\x7e])"
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
_PLAIN_CHAR = re.compile(rf"[\x20-\x7e{SINGLE_WIDTH_CLASS}]")
_PIECE = re.compile(r"[^\t\r\n]+|[\t\r\n]")
_C0 = re.compile(rf"[{_C0_IN_CSI}]")
_PARAMS = re.compile(r"[0-9;:]*")
_STRING_END = re.compile(r"[\x07\x18\x1a\x1b\x9c]")
_STRING_KIND = {
    "]": "osc", "\x9d": "osc", "P": "dcs", "\x90": "dcs",
    "X": "sos", "\x98": "sos", "^": "pm", "\x9e": "pm", "_": "apc", "\x9f": "apc",
}  # fmt: skip
_PARAM_CACHE: dict[str, tuple[int, ...]] = {}


def parse_params(body: str) -> tuple[int, ...]:
    """``"1;;25"`` -> ``(1, 0, 25)``; sub-parameters after ``:`` are ignored; capped at 9999."""
    hit = _PARAM_CACHE.get(body)
    if hit is not None:
        return hit
    out = []
    for part in body.split(";")[:32]:
        head = part.split(":", 1)[0]
        out.append(min(int(head), 9999) if head.isdigit() else 0)
    result = tuple(out)
    if len(_PARAM_CACHE) < 4096:
        _PARAM_CACHE[body] = result
    return result


class Parser:
    """Feeds decoded text into a :class:`TermScreen`; holds the state that spans chunks."""

    def __init__(self, screen: TermScreen, answer_queries: bool = True) -> None:
        self.screen = screen
        self.answer_queries = answer_queries
        self.fast = True  # switchable for the property test comparing both paths
        self.errors = 0  # tokens whose handling raised (a bug; tests assert it stays 0)
        self.pending = ""  # incomplete escape sequence, at most CSI_MAX + 2 characters
        self.string_kind: str | None = None
        self.string_parts: list[str] = []
        self.string_len = 0
        self.string_overflow = False
        self.string_esc = False  # the chunk ended on ESC inside a string (maybe ST)
        s = screen
        self._controls: dict[str, Callable[[], None]] = {
            "\x07": s.bell, "\x08": s.backspace, "\t": s.tab, "\n": s.linefeed,
            "\x0b": s.linefeed, "\x0c": s.linefeed, "\r": s.carriage_return,
            "\x0e": self._shift_out, "\x0f": self._shift_in,
            "\x84": s.index, "\x85": s.next_line, "\x88": s.set_tab_stop,
            "\x8d": s.reverse_index,
        }  # fmt: skip

    # ------------------------------------------------------------------ feed
    def feed(self, text: str) -> None:
        if not text.isascii() and _INERT_C1.search(text):  # (isascii is O(1) on str)
            text = _INERT_C1.sub("", text)
        if self.pending:
            text = self.pending + text
            self.pending = ""
        pos = 0
        n = len(text)
        if self.string_kind is not None and n:
            if self.string_esc:  # the previous chunk ended on ESC inside a string
                self.string_esc = False
                if text[0] == "\\":
                    self._end_string(True)
                    pos = 1
                else:
                    self._end_string(False)
                    text = "\x1b" + text
                    n += 1
            else:
                pos = self._string(text, 0)
        screen = self.screen
        lazy = screen.lazy
        match = TOKEN.match
        while pos < n:
            m = match(text, pos)
            if m is None:  # cannot happen (ctl/text cover everything); be safe anyway
                pos += 1
                continue
            end = m.end()
            kind = m.lastgroup
            try:
                if kind == "plain":
                    self._plain(m.group("plain"))
                    pos = end
                    continue
                if lazy:
                    screen.materialize()
                if kind == "sgrtext":  # SGR sequences and the text they colour, in one go
                    cursor = screen.cursor
                    seq = m.group("sgr")
                    if "(" in seq:  # ncurses' sgr0 is ESC(B ESC[m: G0 back to ASCII
                        screen.g0_charset = cs.LAT1_MAP
                    cursor.attrs = apply_sgr_sequence(cursor.attrs, seq)
                    run = m.group("sgrtext")
                    if run:
                        self._plain(run)
                elif kind == "final":  # (lastgroup of a CSI match)
                    self._csi(m.group("csi"), m.group("final"))
                elif kind == "text":
                    screen.draw(m.group("text"))
                elif kind == "ctl":
                    ch = text[pos]
                    if ch == "\x1b" or ch == "\x9b":
                        if _PREFIX.match(text, pos):
                            self.pending = text[pos:]
                            return
                        skip = _SKIP.match(text, pos)
                        end = skip.end() if skip else pos + 1
                    else:
                        handler = self._controls.get(ch)
                        if handler is not None:
                            handler()
                elif kind == "esc":
                    self._esc(m.group("esc"))
                elif kind == "str":
                    self._begin_string(_STRING_KIND[m.group("str")[-1]])
                    end = self._string(text, end)
            except Exception:  # a bug must cost one token, never the rest of the chunk
                self.errors += 1
                self.screen.clamp_cursor()
            pos = end

    # ----------------------------------------------------------------- text
    def _plain(self, block: str) -> None:
        screen = self.screen
        last = block.rstrip("\r\n\t")
        if self.fast:
            # Every pyte charset maps these characters to single-width ones (checked by a
            # test), so the translated run can still be laid out one cell per character.
            table = screen.g1_charset if screen.charset else screen.g0_charset
            text = block if table is cs.LAT1_MAP else block.translate(table)
            if (
                "\n" not in text
                and "\r" not in text
                and "\t" not in text
                and screen.cursor.x + len(text) <= screen.columns
                and 4 not in screen.mode
            ):
                if screen.cursor.y in screen.lazy:
                    screen.materialize_row(screen.cursor.y)
                screen.draw_ascii_row(text)
                screen.last_char = block[-1]
                return
            if fastpath.block_ok(screen, text):
                fastpath.write_block(screen, text)
                if last:
                    screen.last_char = last[-1]
                return
        if screen.lazy:
            screen.materialize()
        controls = self._controls
        for piece in _PIECE.findall(block):
            if len(piece) == 1 and piece in "\t\r\n":
                controls[piece]()
            else:
                screen.draw(piece)

    # ------------------------------------------------------------------ CSI
    def _csi(self, body: str, final: str) -> None:
        screen = self.screen
        if body and _C0.search(body):
            for ch in _C0.findall(body):
                handler = self._controls.get(ch)
                if handler is not None:
                    handler()
            body = _C0.sub("", body)
        if final == "m" and _PARAMS.fullmatch(body):
            screen.cursor.attrs = apply_sgr(screen.cursor.attrs, body)
            return
        marker = ""
        if body and body[0] in "<=>?":
            marker, body = body[0], body[1:]
        inter = ""
        stripped = body.rstrip(" !\"#$%&'()*+,-./")
        if len(stripped) != len(body):
            inter, body = body[len(stripped) :], stripped
        if not _PARAMS.fullmatch(body):
            return  # parameters interleaved with intermediates or markers: malformed
        params = parse_params(body) if body else ()
        if inter:
            if inter == "!" and final == "p":
                screen.soft_reset()
            return
        if marker == "?":
            if final in "hl":
                screen.set_private_modes(params, final == "h")
            elif final == "J":
                screen.erase_in_display(_first(params, 0))
            elif final == "K":
                screen.erase_in_line(_first(params, 0))
            return
        if marker == ">":
            if final == "c" and _first(params, 0) == 0 and self.answer_queries:
                screen.reply("\x1b[>1;10;0c")
            return
        if marker:
            return
        action = _CSI.get(final)
        if action is not None:
            action(self, params)

    # ------------------------------------------------------------------ ESC
    def _esc(self, seq: str) -> None:
        screen = self.screen
        final = seq[-1]
        if len(seq) == 1:
            handler = _ESC.get(final)
            if handler is not None:
                handler(screen)
            return
        inter = seq[0]
        if len(seq) == 2 and inter in "()":
            table = cs.MAPS.get(final)
            if table is not None:
                screen.define_charset(final, inter)
        elif seq == "#8":
            screen.alignment_display()

    def _shift_out(self) -> None:
        self.screen.charset = 1

    def _shift_in(self) -> None:
        self.screen.charset = 0

    # -------------------------------------------------------------- strings
    def _begin_string(self, kind: str) -> None:
        self.string_kind = kind
        self.string_parts = []
        self.string_len = 0
        self.string_overflow = False
        self.string_esc = False

    def _keep(self, part: str) -> None:
        if self.string_overflow or not part:
            return
        self.string_len += len(part)
        if self.string_len > STRING_MAX:
            self.string_overflow = True
            self.string_parts = []
        else:
            self.string_parts.append(part)

    def _string(self, text: str, pos: int) -> int:
        """Consume string payload from `pos`; return where normal parsing resumes."""
        n = len(text)
        m = _STRING_END.search(text, pos)
        if m is None:
            self._keep(text[pos:])
            return n
        self._keep(text[pos : m.start()])
        ch = m.group()
        if ch == "\x1b":
            if m.end() >= n:
                self.string_esc = True
                return n
            if text[m.end()] == "\\":
                self._end_string(True)
                return m.end() + 1
            self._end_string(False)
            return m.start()
        self._end_string(ch in "\x07\x9c")
        return m.end()

    def _end_string(self, complete: bool) -> None:
        kind, payload = self.string_kind, "".join(self.string_parts)
        overflow = self.string_overflow
        self._begin_string("")
        self.string_kind = None
        if not complete or overflow or kind != "osc":
            return
        code, _, value = payload.partition(";")
        if code in ("0", "2"):
            self.screen.title = sanitize_title(value)
        if code in ("0", "1"):
            self.screen.icon_name = sanitize_title(value)


def _first(params: tuple[int, ...], default: int) -> int:
    return params[0] if params else default


def _count(params: tuple[int, ...], limit: int) -> int:
    """A count parameter: missing or 0 means 1, and never more than the screen can show."""
    return min(max(params[0] if params else 1, 1), limit)


def _rows(p: Parser) -> int:
    return p.screen.lines


def _cols(p: Parser) -> int:
    return p.screen.columns


def _da(p: Parser, params: tuple[int, ...]) -> None:
    if _first(params, 0) == 0 and p.answer_queries:
        p.screen.report_device_attributes(0)


def _dsr(p: Parser, params: tuple[int, ...]) -> None:
    if p.answer_queries:
        p.screen.report_device_status(_first(params, 0))


def _tabs(p: Parser, params: tuple[int, ...]) -> None:
    """CHT: n tab stops forward in one step (pyte's ``tab`` sorts the stops every call)."""
    c = p.screen.cursor
    n = _count(params, _cols(p))
    stops = sorted(t for t in p.screen.tabstops if t > c.x)
    c.x = stops[n - 1] if n <= len(stops) else p.screen.columns - 1


def _back_tabs(p: Parser, params: tuple[int, ...]) -> None:
    c = p.screen.cursor
    n = _count(params, _cols(p))
    stops = sorted((t for t in p.screen.tabstops if t < c.x), reverse=True)
    c.x = stops[n - 1] if n <= len(stops) else 0


def _rep(p: Parser, params: tuple[int, ...]) -> None:
    """REP: repeat the last graphic character, at most one row's worth (a cost bound)."""
    ch = p.screen.last_char
    if not ch:
        return
    if _PLAIN_CHAR.fullmatch(ch):
        p._plain(ch * _count(params, _cols(p)))
    else:  # wide or combining: the per-character path, so keep it short
        p.screen.draw(ch * _count(params, 16))


def _save_or_margins(p: Parser, params: tuple[int, ...]) -> None:
    if not params:
        p.screen.save_cursor()


def _margins(p: Parser, params: tuple[int, ...]) -> None:
    p.screen.set_margins(*params[:2])


def _su(p: Parser, params: tuple[int, ...]) -> None:
    p.screen.scroll_up(_count(params, _rows(p)))


def _sd(p: Parser, params: tuple[int, ...]) -> None:
    if len(params) <= 1:  # with more parameters it is xterm's mouse highlight tracking
        p.screen.scroll_down(_count(params, _rows(p)))


_CSI: dict[str, Callable[[Parser, tuple[int, ...]], None]] = {
    "@": lambda p, a: p.screen.insert_characters(_count(a, _cols(p))),
    "A": lambda p, a: p.screen.cursor_up(_count(a, _rows(p))),
    "B": lambda p, a: p.screen.cursor_down(_count(a, _rows(p))),
    "C": lambda p, a: p.screen.cursor_forward(_count(a, _cols(p))),
    "D": lambda p, a: p.screen.cursor_back(_count(a, _cols(p))),
    "E": lambda p, a: p.screen.cursor_down1(_count(a, _rows(p))),
    "F": lambda p, a: p.screen.cursor_up1(_count(a, _rows(p))),
    "G": lambda p, a: p.screen.cursor_to_column(_first(a, 1)),
    "`": lambda p, a: p.screen.cursor_to_column(_first(a, 1)),
    "H": lambda p, a: p.screen.cursor_position(*a[:2]),
    "f": lambda p, a: p.screen.cursor_position(*a[:2]),
    "I": _tabs,
    "J": lambda p, a: p.screen.erase_in_display(_first(a, 0)),
    "K": lambda p, a: p.screen.erase_in_line(_first(a, 0)),
    "L": lambda p, a: p.screen.insert_lines(_count(a, _rows(p))),
    "M": lambda p, a: p.screen.delete_lines(_count(a, _rows(p))),
    "P": lambda p, a: p.screen.delete_characters(_count(a, _cols(p))),
    "S": _su,
    "T": _sd,
    "X": lambda p, a: p.screen.erase_characters(_count(a, _cols(p))),
    "Z": _back_tabs,
    "a": lambda p, a: p.screen.cursor_forward(_count(a, _cols(p))),
    "b": _rep,
    "c": _da,
    "d": lambda p, a: p.screen.cursor_to_line(_first(a, 1)),
    "e": lambda p, a: p.screen.cursor_down(_count(a, _rows(p))),
    "g": lambda p, a: p.screen.clear_tab_stop(_first(a, 0)),
    "h": lambda p, a: p.screen.set_ansi_modes(a, True),
    "l": lambda p, a: p.screen.set_ansi_modes(a, False),
    "n": _dsr,
    "r": _margins,
    "s": _save_or_margins,
    "u": lambda p, a: p.screen.restore_cursor() if not a else None,
}

_ESC: dict[str, Callable[[TermScreen], None]] = {
    "7": TermScreen.save_cursor,
    "8": TermScreen.restore_cursor,
    "D": TermScreen.index,
    "E": TermScreen.next_line,
    "M": TermScreen.reverse_index,
    "H": TermScreen.set_tab_stop,
    "c": TermScreen.reset,
    "=": lambda s: setattr(s, "app_keypad", True),
    ">": lambda s: setattr(s, "app_keypad", False),
}
