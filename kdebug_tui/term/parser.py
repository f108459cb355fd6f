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

from collections.abc import Callable

from pyte import charsets as cs

from .control_strings import ControlStrings
from .dispatch import CSI_ACTIONS, ESC_ACTIONS, first_param, parse_params
from .fastpath import block_ok, write_block
from .screen import CURSOR_SHAPES, TermScreen, sparse_table
from .sgr import apply_sgr, apply_sgr_sequence
from .styled import SPLIT, lines_ok, write_lines
from .tokens import (
    _ABSORB,
    _ABSORB_TABLE,
    _C0,
    _DECAWM,
    _HAS_IN_RUN,
    _INERT_C1,
    _NO_LAYOUT,
    _NOT_LAST,
    _PARAMS,
    _PIECE,
    _PREFIX,
    _SHIFT,
    _SKIP,
    _STRING_KIND,
    _TAB_LINE,
    TOKEN,
)
from .wide import STUB, row_len, widen


class Parser(ControlStrings):
    """Feeds decoded text into a :class:`TermScreen`; holds the state that spans chunks."""

    def __init__(self, screen: TermScreen, answer_queries: bool = True) -> None:
        self.screen: TermScreen = screen
        self.answer_queries: bool = answer_queries
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
        if not text.isascii():  # (isascii is O(1) on str)
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
        controls = self._controls
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
                    block = m.group("plain")
                    if _ABSORB(block) is not None:
                        screen.bell_count += block.count("\x07")
                        block = block.translate(_ABSORB_TABLE)
                        if not block:
                            pos = end
                            continue
                    if self.fast and not block.isascii():
                        self._wide(block)
                    elif "\x1b" not in block:
                        self._plain(block)
                    elif "\n" in block:
                        self._styled(block)
                    else:  # coloured words on one row (a prompt, a status line, top)
                        self._pieces(block)
                    pos = end
                    continue
                if kind == "ctl" and text[pos] in "\x1b\x9b" and _PREFIX.match(text, pos):
                    self.pending = text[pos:]  # a sequence split by the chunk boundary
                    return
                if lazy:
                    screen.materialize()
                if kind == "ctl":
                    ch = text[pos]
                    if ch == "\x1b" or ch == "\x9b":
                        skip = _SKIP.match(text, pos)
                        end = skip.end() if skip else pos + 1
                    else:
                        handler = controls.get(ch)
                        if handler is not None:
                            handler()
                elif kind == "final":  # (lastgroup of a CSI match)
                    self._csi(m.group("csi"), m.group("final"))
                elif kind == "text":
                    screen.draw(m.group("text"))
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
    def _block(self, block: str) -> None:
        if "\x1b" not in block:
            self._plain(block)
        elif "\n" in block:
            self._styled(block)
        else:
            self._pieces(block)

    def _wide(self, block: str) -> None:
        """Non-ASCII text through the fast paths, wide characters followed by stubs."""
        text = widen(block)
        if text == block:
            self._block(block)
            return
        screen = self.screen
        table = screen.g1_charset if screen.charset else screen.g0_charset
        if (
            screen.columns < 2
            or (table is not cs.LAT1_MAP and "\xad" in block)
            or ("\x08" in block and STUB in text)
            or ("\xad" in block and _SHIFT.search(block) is not None)
        ):
            # (wide characters cannot be drawn on one column; a charset may map the soft
            # hyphen, which the fast path drops before translating; a backspace may land on
            # the right half of a wide character, which the per-character path handles)
            self.fast = False
            try:
                self._block(block)
            finally:
                self.fast = True
            return
        if text:
            self._block(text)
        # REP repeats the last character as received (a stub or a removed one otherwise).
        tail = SPLIT.sub("", block).rstrip(_NOT_LAST)
        if tail:
            screen.last_char = tail[-1]

    def _wrapped(self, text: str) -> None:
        """Single-width text without controls that wraps: row pieces and ``index``, as pyte."""
        screen = self.screen
        if screen.lazy:
            screen.materialize()
        cursor = screen.cursor
        columns = screen.columns
        i, n = 0, len(text)
        while i < n:
            if cursor.x >= columns:
                screen.dirty.add(cursor.y)
                cursor.x = 0
                screen.index()
            k = row_len(text, i, columns - cursor.x)
            if k:
                screen.draw_ascii_row(text[i : i + k])
            i += k
            if i < n:
                cursor.x = columns  # (a wide character that did not fit wraps)

    def _styled(self, block: str) -> None:
        """Text with SGR sequences (and CR/LF/TAB): whole lines in bulk when the screen and
        the block allow it (see ``styled``), else sequence by sequence."""
        screen = self.screen
        if _HAS_IN_RUN(block) is not None:  # (line bulk takes text only)
            self._pieces(block)
            return
        if self.fast and "\t" in block and lines_ok(screen):
            # Lines with tabs (dmesg, tables) one by one, the lines between them in bulk.
            pos = 0
            for m in _TAB_LINE.finditer(block):
                if m.start() > pos:
                    self._styled(block[pos : m.start()])
                self._pieces(m.group())
                pos = m.end()
            if pos < len(block):
                self._styled(block[pos:])
            return
        if self.fast and "\t" not in block and lines_ok(screen):
            body = block
            if body[0] == "\n":  # the LF of a CRLF split across chunks
                self._plain("\n")
                body = body[1:]
            trailing_cr = body[-1:] == "\r"
            if trailing_cr:
                body = body[:-1]
            if body.count("\r") == body.count("\n") == body.count("\r\n"):
                lines = body.split("\r\n")
                if lines[0]:
                    self._pieces(lines[0])
                if len(lines) > 1:
                    write_lines(screen, lines[1:])
                    if "\x1b(" in body:
                        screen.g0_charset = cs.LAT1_MAP
            else:
                self._pieces(body)
            if trailing_cr:
                self._plain("\r")
            return
        self._pieces(block)

    def _pieces(self, text: str) -> None:
        """SGR sequences and the text between them, one at a time."""
        parts = SPLIT.split(text)
        if parts[0]:
            self._plain(parts[0])
        sgr_text = self._sgr_text
        if _NO_LAYOUT(text) is None:
            for seq, run in zip(parts[1::2], parts[2::2], strict=True):
                sgr_text(seq, run)
            return
        for i in range(1, len(parts), 2):
            run = parts[i + 1]
            if _NO_LAYOUT(run) is None:
                sgr_text(parts[i], run)
            else:
                sgr_text(parts[i], "")
                self._plain(run)

    def _sgr_text(self, seq: str, run: str) -> None:
        screen = self.screen
        cursor = screen.cursor
        if "(" in seq:  # ncurses' sgr0 is ESC(B ESC[m: G0 back to ASCII
            screen.g0_charset = cs.LAT1_MAP
        attrs = cursor.attrs = apply_sgr_sequence(cursor.attrs, seq)
        if not run:
            return
        x = cursor.x
        width = len(run)
        if (
            x + width <= screen.columns
            and self.fast
            and (screen.g1_charset if screen.charset else screen.g0_charset) is cs.LAT1_MAP
            and 4 not in screen.mode
        ):  # the usual case, inlined: a coloured word on the cursor row
            if cursor.y in screen.lazy:
                screen.materialize_row(cursor.y)
            getg = screen.glyphs(attrs).__getitem__
            screen.buffer[cursor.y].update(zip(range(x, x + width), map(getg, run), strict=False))
            cursor.x = x + width
            screen.last_char = run[-1]
            screen.dirty.add(cursor.y)
        else:
            self._plain(run)

    def _plain(self, block: str) -> None:
        screen = self.screen
        if self.fast:
            # Every pyte charset maps these characters to single-width ones (checked by a
            # test), so the translated run can still be laid out one cell per character.
            charset = screen.charset
            if "\x0e" in block or "\x0f" in block:
                text = self._shifted(block)
                if not text:
                    return
            else:
                table = screen.g1_charset if charset else screen.g0_charset
                text = block if table is cs.LAT1_MAP else block.translate(sparse_table(table))
            cursor = screen.cursor
            if _NO_LAYOUT(text) is None and 4 not in screen.mode:
                if cursor.x + len(text) <= screen.columns:
                    if cursor.y in screen.lazy:
                        screen.materialize_row(cursor.y)
                    screen.draw_ascii_row(text)
                    screen.last_char = block.rstrip(_NOT_LAST)[-1]
                    return
                if len(text) <= 4 * screen.columns and _DECAWM in screen.mode and not screen.lazy:
                    self._wrapped(text)  # a few rows' worth: cheaper than a layout
                    screen.last_char = block.rstrip(_NOT_LAST)[-1]
                    return
            if block_ok(screen, text):
                write_block(screen, text)
                last = block.rstrip(_NOT_LAST)
                if last:
                    screen.last_char = last[-1]
                return
            screen.charset = charset  # (the per-character path below shifts as it goes)
        if screen.lazy:
            screen.materialize()
        controls = self._controls
        for piece in _PIECE.findall(block):
            if len(piece) == 1 and piece in _NOT_LAST:
                controls[piece]()
            else:
                screen.draw(piece)

    def _shifted(self, block: str) -> str:
        """`block` without SO/SI, each stretch translated with the charset active there; the
        screen is left shifted as the end of the block leaves it."""
        screen = self.screen
        out = []
        for i, seg in enumerate(_SHIFT.split(block)):
            if i % 2:
                screen.charset = 1 if seg == "\x0e" else 0
            elif seg:
                table = screen.g1_charset if screen.charset else screen.g0_charset
                out.append(seg if table is cs.LAT1_MAP else seg.translate(sparse_table(table)))
        return "".join(out)

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
            elif inter == " " and final == "q":  # DECSCUSR
                screen.cursor_shape = CURSOR_SHAPES.get(first_param(params, 0), "block")
            return
        if marker == "?":
            if final in "hl":
                screen.set_private_modes(params, final == "h")
            elif final == "J":
                screen.erase_in_display(first_param(params, 0))
            elif final == "K":
                screen.erase_in_line(first_param(params, 0))
            return
        if marker == ">":
            if final == "c" and first_param(params, 0) == 0 and self.answer_queries:
                screen.reply("\x1b[>1;10;0c")
            return
        if marker:
            return
        action = CSI_ACTIONS.get(final)
        if action is not None:
            action(self, params)

    # ------------------------------------------------------------------ ESC
    def _esc(self, seq: str) -> None:
        screen = self.screen
        final = seq[-1]
        if len(seq) == 1:
            handler = ESC_ACTIONS.get(final)
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
