"""The terminal emulator the UI embeds: bytes in, screen state out, never an exception.

See docs/CONTRACTS.md section 3 for the public interface. Built on pyte's ``Screen`` (through
:class:`~.screen.TermScreen`) with our own parser (:mod:`.parser`) and a bulk fast path for
plain text (:mod:`.fastpath`).
"""

from __future__ import annotations

import codecs
import logging
import time
from dataclasses import dataclass

from pyte.screens import Char

from .parser import Parser
from .screen import TermScreen
from .scrollback import row_from_cells
from .skim import SKIM_MIN, can_skim, skim, skim_lines
from .tokens import INERT_C0_BYTES, OTHER_CHAR

log = logging.getLogger(__name__)

Cell = Char

_SLICE_MIN = 256
_SLICE_MAX = 32 * 1024


@dataclass(frozen=True)
class Modes:
    """Input-affecting modes the program running in the terminal asked for."""

    app_cursor: bool = False
    bracketed_paste: bool = False
    mouse_tracking: int = 0  # 0, 1000 (clicks), 1002 (drag), 1003 (any motion)
    mouse_sgr: bool = False
    app_keypad: bool = False
    focus_events: bool = False  # 1004: the program wants ESC[I / ESC[O on focus changes


class Emulator:
    """A headless terminal: ``feed`` bytes, read ``display``/``line``/``cursor``/``dirty``.

    ``feed`` never raises and its result does not depend on how the byte stream was split into
    chunks. ``feed_some`` feeds within a time budget so an event loop never stalls.
    """

    def __init__(
        self,
        columns: int = 80,
        lines: int = 24,
        scrollback: int = 10_000,
        answer_queries: bool = True,
    ) -> None:
        self._screen = TermScreen(columns, lines, scrollback)
        self._parser = Parser(self._screen, answer_queries)
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._rate = 2e6  # bytes/s, measured by feed_some
        self._skim_after = 0  # bytes to feed before trying to skim again
        self.skimmed_bytes = 0  # backlog skipped by fast-forwarding (for benchmarks)

    # ------------------------------------------------------------------ input
    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Parse `data`; never raises, the rest of a chunk survives any bad sequence."""
        screen = self._screen
        try:
            text = self._decoder.decode(bytes(data).translate(None, INERT_C0_BYTES))
            if text:
                self._parser.feed(text)
        except Exception as exc:  # pragma: no cover - the parser contains per-token errors
            # Only the type: a message could quote terminal content (typed secrets, tokens).
            log.error("terminal emulator: %s while parsing; parser state reset", type(exc).__name__)
            self._parser.pending = ""
            self._parser.string_kind = None
        finally:
            screen.clamp_cursor()

    def feed_some(self, data: bytes | bytearray | memoryview, budget_s: float = 0.002) -> int:
        """Feed a prefix of `data` taking about `budget_s` seconds; return bytes consumed.

        Always consumes at least one slice, so a caller looping ``n = feed_some(buf);
        buf = buf[n:]`` with an ``await asyncio.sleep(0)`` in between makes progress while
        keystrokes and painting run between slices. Slices are sized from the measured parse
        rate (which drops at once when content gets slower and rises gradually) and capped,
        so a switch from a plain-text flood to slow content overruns the budget only once.
        """
        total = len(data)
        if total == 0:
            return 0
        view = memoryview(data)
        if total >= SKIM_MIN:
            if self._skim_after <= 0:
                skipped = self._fast_forward(view)
                if skipped:
                    return skipped
            self._skim_after -= min(total, _SLICE_MAX)
        start = time.perf_counter()
        deadline = start + budget_s
        pos = 0
        now = start
        while pos < total:
            remaining = max(deadline - now, budget_s / 4)
            size = min(max(int(self._rate * remaining), _SLICE_MIN), _SLICE_MAX)
            end = min(total, pos + size)
            self.feed(view[pos:end].tobytes())
            after = time.perf_counter()
            spent = after - now
            if spent > 0:
                measured = (end - pos) / spent
                self._rate = measured if measured < self._rate else (self._rate + measured) / 2
            pos, now = end, after
            if now >= deadline:
                break
        return pos

    def _fast_forward(self, view: memoryview) -> int:
        """Skip what a backlog of plain lines would push out of reach (see :mod:`.skim`);
        returns the bytes consumed (0: nothing done). After a try that skipped nothing,
        waits half the backlog before trying again (a try scans the whole backlog)."""
        parser = self._parser
        screen = self._screen
        self._skim_after = len(view) // 2
        head = bytes(view[: 64 * 1024])
        first = head.find(b"\r\n")
        if first < 0 or not can_skim(screen):
            return 0
        # Too few lines to push anything out of reach: a try would only scan megabytes (tens
        # of ms while a Ctrl-C waits). Counting line ends is much cheaper than that scan.
        if view.nbytes < SKIM_MIN or bytes(view).count(b"\n") <= skim_lines(screen):
            return 0
        self.feed(head[: first + 2])
        if parser.pending or parser.string_kind is not None or self._decoder.getstate()[0]:
            return first + 2
        if not can_skim(screen) or screen.cursor.x != 0:
            return first + 2
        screen.materialize()
        stop = skim(screen, view, first + 2, OTHER_CHAR)
        if stop > first + 2:
            self._skim_after = 0
            self.skimmed_bytes += stop - first - 2
        return stop

    def resize(self, columns: int, lines: int) -> None:
        self._screen.materialize()
        self._screen.resize(lines=lines, columns=columns)
        self._screen.clamp_cursor()

    def take_replies(self) -> bytes:
        """Answers to DA/DSR queries (fixed set) to send to the program, oldest first."""
        replies = self._screen.replies
        if not replies:
            return b""
        out = "".join(replies).encode()
        replies.clear()
        return out

    # ----------------------------------------------------------------- output
    @property
    def columns(self) -> int:
        return self._screen.columns

    @property
    def lines(self) -> int:
        return self._screen.lines

    @property
    def display(self) -> list[str]:
        """Visible rows as text (wide characters once, no stub cells)."""
        screen = self._screen
        screen.materialize()
        buf = screen.buffer
        columns = screen.columns
        out = []
        for y in range(screen.lines):
            line = buf.get(y)
            if line is None:
                out.append(" " * columns)
            else:
                out.append("".join([c.data for c in row_from_cells(line, columns)]))
        return out

    @property
    def cursor(self) -> tuple[int, int]:
        c = self._screen.cursor
        return (min(c.x, self._screen.columns - 1), c.y)

    @property
    def cursor_visible(self) -> bool:
        return not self._screen.cursor.hidden

    @property
    def cursor_shape(self) -> str:
        """``"block"``, ``"underline"`` or ``"bar"``, as the program asked with DECSCUSR."""
        return self._screen.cursor_shape

    @property
    def title(self) -> str:
        return self._screen.title

    @property
    def icon_name(self) -> str:
        return self._screen.icon_name

    @property
    def in_alternate_screen(self) -> bool:
        return self._screen.in_alt

    @property
    def modes(self) -> Modes:
        s = self._screen
        return Modes(
            app_cursor=s.app_cursor,
            bracketed_paste=s.bracketed_paste,
            mouse_tracking=max(s.mouse_modes, default=0),
            mouse_sgr=s.mouse_sgr,
            app_keypad=s.app_keypad,
            focus_events=s.focus_events,
        )

    @property
    def bell_count(self) -> int:
        """How many BEL characters arrived so far (the UI may flash on change)."""
        return self._screen.bell_count

    @property
    def dirty(self) -> set[int]:
        """Rows changed since the last :meth:`clear_dirty` (the same set object, live)."""
        return self._screen.dirty

    def clear_dirty(self) -> None:
        self._screen.dirty.clear()

    @property
    def scrollback_lines(self) -> int:
        return len(self._screen.scrollback)

    @property
    def scrollback_total(self) -> int:
        """Rows ever added to scrollback; keeps counting once the oldest are evicted.

        A view scrolled back by `offset` stays on the same content after new output if it
        adds the growth of this counter to its offset (``scrollback_lines`` stops growing
        at the limit, this does not).
        """
        return self._screen.scrollback.total

    def scrollback_text(self) -> str:
        """Everything that scrolled off the main screen, oldest first, right-trimmed rows."""
        return self._screen.scrollback.all_text()

    def text(self) -> str:
        """Scrollback plus the visible rows, as plain text (for copy/save)."""
        parts = [self.scrollback_text()] if self.scrollback_lines else []
        parts.append("\n".join(row.rstrip() for row in self.display))
        return "\n".join(parts)

    def line(self, y: int, offset: int = 0) -> list[Cell]:
        """Row `y` of the view scrolled back by `offset` rows, as exactly ``columns`` cells.

        ``offset`` is clamped to ``[0, scrollback_lines]``; in the alternate screen there is
        no scrollback to show, so ``offset`` is ignored there.
        """
        screen = self._screen
        screen.materialize()
        columns = screen.columns
        if not 0 <= y < screen.lines:
            return [screen.default_char] * columns
        sb = screen.scrollback
        if screen.in_alt:
            offset = 0
        offset = min(max(offset, 0), len(sb))
        index = len(sb) - offset + y
        if index < len(sb):
            return sb.cells(index, columns)
        line = screen.buffer.get(index - len(sb))
        if line is None:
            return [screen.default_char] * columns
        return list(row_from_cells(line, columns))
