"""Headless terminal emulation (never imports textual or rich).

``Emulator`` is the public entry point (docs/CONTRACTS.md section 3); ``Cell`` is the
pyte-compatible cell type returned by ``Emulator.line``.

How the core fits together (bytes -> screen):

- ``emulator``: the public API; drops inert C0 controls, decodes UTF-8 incrementally,
  ``feed_some`` time slicing.
- ``parser`` / ``dispatch``: our tokenizer (instead of ``pyte.Stream``) with state that spans
  chunks, bounded OSC/DCS/APC/PM/SOS payloads, validated and clamped parameters.
- ``fastpath`` / ``styled``: runs of text with CR/LF/TAB (and SGR) laid out a line at a
  time; floods jump-scroll into scrollback as plain strings.
- ``wide``: wide characters in those runs (a stub after each, widths from regex classes).
- ``skim``: a backlog of lines that would scroll out of reach is skipped, state kept.
- ``screen`` / ``editing``: a pyte ``Screen`` subclass: alternate screen, scrollback hooks,
  capped combining marks, cached cells, whole-row erase/scroll operations.
- ``scrollback``, ``sgr``, ``sanitize``: bounded history (rows with combining marks kept
  compact), cached SGR, character classes and widths.

Also here, from the terminal widget's side: ``backend`` (the TerminalBackend protocol),
``pty_backend``, ``fake_backend``, ``keys``, ``recorder``.
"""

from .emulator import Cell, Emulator, Modes

__all__ = ["Cell", "Emulator", "Modes"]
