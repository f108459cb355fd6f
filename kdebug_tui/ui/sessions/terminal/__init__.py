"""TerminalView: a pyte-backed terminal widget (render, input, frames, I/O)."""
