"""Headless terminal emulation (never imports textual or rich).

``Emulator`` is the public entry point (docs/CONTRACTS.md section 3); ``Cell`` is the
pyte-compatible cell type returned by ``Emulator.line``.
"""

from .emulator import Cell, Emulator, Modes

__all__ = ["Cell", "Emulator", "Modes"]
