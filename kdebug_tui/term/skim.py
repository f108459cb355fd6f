"""Fast-forward through a backlog of lines that will scroll out of reach anyway.

When the emulator is behind a flood (megabytes queued between the program and us), most of
the backlog ends up beyond the scrollback limit: replaying it cell by cell only delays the
screen the user is waiting for (a prompt after Ctrl-C). :func:`skim` finds such a stretch and
skips it with C-level work only, keeping exactly what the skipped bytes would have left:

- the stretch holds only text, SGR sequences and CRLF line ends (no cursor movement, no
  other control): each line starts at column 0 and scrolls the screen, nothing else;
- the bytes after it, up to the next byte that is not like that, hold enough line ends
  (scrollback limit + twice the screen height) to push every row the stretch produced out
  of the screen and out of the scrollback: so none of its rows can be seen afterwards;
- what does survive is applied directly: the attributes its SGR sequences leave (from the
  last reset on), the count of rows it pushed (``scrollback.total``, from the width of each
  line), where the cursor ends, the last character for REP.

The screen is then the same as after feeding the bytes one by one, once the bytes after the
stretch have been fed (the caller feeds them next); a differential test checks it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from pyte import charsets as cs
from pyte import modes as mo

from .sgr import DEFAULT_ATTRS, apply_sgr
from .wide import STUB, row_bounds, widen

if TYPE_CHECKING:
    from .screen import TermScreen

#: A backlog shorter than this is fed normally (a stretch must also hold enough lines).
SKIM_MIN = 256 * 1024

# Anything but text, CR, LF, SGR and ESC ( B: C0 controls (TAB included) and DEL; C1
# controls (UTF-8 encoded); ESC not starting an SGR sequence or ESC ( B. Three searches, each
# with a cheap scan (a byte class, or a literal first byte).
_BAD_BYTE = re.compile(rb"[\x00-\x09\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
_BAD_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_BAD_ESC = re.compile(rb"\x1b(?!\[[0-9;:]{0,128}m|\(B)")
_SGR = re.compile(r"\x1b\[([0-9;:]{0,128})m")
_SGR_ANY = re.compile(r"\x1b\[[0-9;:]{0,128}m|\x1b\(B")
_TAIL = 64 * 1024


def _is_reset(params: str) -> bool:
    head = re.split(r"[;:]", params, maxsplit=1)[0]
    return head.strip("0") == ""


# Every byte _BAD_BYTE does not match: deleting them (C speed, ~10x a regex scan of a
# multi-MB backlog) leaves nothing when the backlog holds no such control at all.
_NOT_BAD_BYTE = bytes(b for b in range(256) if not _BAD_BYTE.match(bytes([b])))


def _bad_byte_patterns(raw: bytes | bytearray | memoryview) -> tuple[re.Pattern[bytes], ...]:
    if isinstance(raw, memoryview) or raw.translate(None, _NOT_BAD_BYTE):
        return (_BAD_BYTE, _BAD_C1, _BAD_ESC)
    return (_BAD_C1, _BAD_ESC)


def _safe_end(raw: bytes, start: int) -> int:
    end = len(raw)
    for pattern in _bad_byte_patterns(raw):
        m = pattern.search(raw, start, end)
        if m is not None:
            end = m.start()
    return end


def _advances(chunk: bytes, columns: int, other: re.Pattern[str]) -> int | None:
    """Rows the CRLF-terminated lines of `chunk` move the cursor down, or None when a width
    is unknown. A line of at most `columns` bytes cannot wrap (a cell takes at least one
    byte, a wide one three), so only longer lines are decoded and measured."""
    lines = chunk.split(b"\r\n")
    lines.pop()  # (the chunk ends with CRLF: nothing after it)
    total = len(lines)
    long = Counter(line for line in lines if len(line) > columns)
    if not long:
        return total
    # (Each distinct line measured once: a flood of `yes` or of retries repeats its lines.)
    distinct = list(long)
    text = b"\n".join(distinct).decode("utf-8", "replace")
    if "\x1b" in text:
        text = _SGR_ANY.sub("", text)
    if not text.isascii():
        if other.search(text) is not None:
            return None
        text = widen(text)
        if STUB in text and columns < 2:
            return None
    for line, raw in zip(text.split("\n"), distinct, strict=True):
        n = len(line)
        if n > columns:
            rows = len(row_bounds(line, columns)) if STUB in line else -(-n // columns)
            total += (rows - 1) * long[raw]
    return total


def skim_lines(screen: TermScreen) -> int:
    """Line ends a stretch must be followed by before :func:`skim` can skip it."""
    return screen.scrollback.limit + 2 * screen.lines + 1


def skim(screen: TermScreen, data: bytes | memoryview, start: int, other: re.Pattern[str]) -> int:
    """Skip a stretch of `data` from `start` (a line start, screen and parser in a plain
    state); return where normal feeding must resume, or `start` when nothing was skipped.

    `other` matches characters whose width only the per-character path knows (combining
    marks, rare scripts): a stretch holding one is not skipped.
    """
    raw = bytes(data)
    end = _safe_end(raw, start)
    lines = screen.lines
    limit = screen.scrollback.limit
    needed = skim_lines(screen)
    pos = end
    for _ in range(needed + 1):  # the line end that starts the kept tail
        pos = raw.rfind(b"\n", start, pos)
        if pos < 0:
            return start
    stop = pos + 1
    if stop - start < SKIM_MIN // 2:
        return start
    chunk = raw[start:stop]
    if not chunk.count(b"\r") == chunk.count(b"\n") == chunk.count(b"\r\n"):
        return start  # (a lone CR or LF: lines would not all start at column 0)
    advances = _advances(chunk, screen.columns, other)
    if advances is None:
        return start

    # What the stretch leaves behind: attributes from its last SGR reset on (found in its
    # tail, else anywhere), and its last graphic character (for REP).
    attrs = screen.cursor.attrs
    cut = chunk.find(b"\n", max(0, len(chunk) - _TAIL)) + 1
    tail = chunk[cut:].decode("utf-8", "replace")
    if b"\x1b" in chunk:
        params = _SGR.findall(tail)
        reset = next((i for i in range(len(params) - 1, -1, -1) if _is_reset(params[i])), None)
        if reset is None:
            params = _SGR.findall(chunk.decode("utf-8", "replace"))
            reset = next((i for i in range(len(params) - 1, -1, -1) if _is_reset(params[i])), None)
        if reset is not None:
            attrs, params = DEFAULT_ATTRS, params[reset:]
        for p in params:
            attrs = apply_sgr(attrs, p)
    last = _SGR_ANY.sub("", tail).rstrip("\r\n")
    if not last and cut:
        last = _SGR_ANY.sub("", chunk.decode("utf-8", "replace")).rstrip("\r\n")
    cursor = screen.cursor
    y = cursor.y + advances
    scrolls = max(0, y - (lines - 1))
    if limit and not screen.in_alt:
        screen.scrollback.total += scrolls
    cursor.y = min(y, lines - 1)
    cursor.x = 0
    cursor.attrs = attrs
    if last:
        screen.last_char = last[-1]
    screen.dirty.update(range(lines))
    return stop


def safe_run(data: bytes, run: int) -> int:
    """Length of the line-safe stretch at the end of a stream after `data` arrives, given
    `run` before it: a reader can hold back a big backlog only when :func:`skim` will be
    able to skip it (otherwise holding it would only add to the delay)."""
    last = -1
    for pattern in _bad_byte_patterns(data):
        for m in pattern.finditer(data, last + 1):
            last = max(last, m.end() - 1)
    return run + len(data) if last < 0 else len(data) - last - 1


# An escape sequence (or UTF-8 C1 control) cut off at the end of a chunk: the next chunk
# decides whether it is safe. Found within the last CSI-length bytes only.
_PARTIAL = re.compile(rb"(?:\x1b(?:\[[0-9;:]{0,128}|\()?|\xc2)\Z")


def partial_end(data: bytes | bytearray | memoryview) -> int:
    """Where an escape sequence cut off at the end of `data` starts (``len(data)`` if none).

    A reader tracking :func:`safe_run` chunk by chunk holds those bytes back and scans them
    with the next chunk: otherwise every chunk boundary inside an SGR sequence (a third of a
    coloured flood's bytes are SGR) would look unsafe and restart the run."""
    m = _PARTIAL.search(data, max(0, len(data) - 132))
    return len(data) if m is None else m.start()


def can_skim(screen: TermScreen) -> bool:
    """Whether the screen is in the plain state :func:`skim` assumes."""
    if screen.in_alt or screen.charset != 0 or screen.g0_charset is not cs.LAT1_MAP:
        return False
    margins = screen.margins
    if margins is not None and (margins.top != 0 or margins.bottom != screen.lines - 1):
        return False
    mode = screen.mode
    return mo.DECAWM in mode and mo.IRM not in mode and mo.LNM not in mode


__all__ = ["SKIM_MIN", "can_skim", "partial_end", "safe_run", "skim", "skim_lines"]
