"""The status bar's permissions line: what these credentials may do, in a few words."""

from __future__ import annotations

SHORT_LABELS = {
    "debug (ephemeral)": "debug",
    "attach": "attach",
    "exec": "exec",
    "create pods": "create pods",
    "delete pods": "delete pods",
}


def summary_line(answers: dict[str, bool | None], readonly: bool) -> str:
    """One status-bar line: what these credentials may do, or the key thing they lack."""
    yes = [short for label, short in SHORT_LABELS.items() if answers.get(label)]
    unknown = [short for label, short in SHORT_LABELS.items() if answers.get(label) is None]
    if readonly:
        return "read-only mode (--readonly): cluster changes disabled"
    if answers.get("debug (ephemeral)") is False:
        line = "read-only credentials: no patch on pods/ephemeralcontainers"
        if yes:
            line += f" (can: {' · '.join(yes)})"
        return line
    line = "can: " + " · ".join(yes) if yes else "permissions unknown"
    if unknown and yes:
        line += f" (unknown: {', '.join(unknown)})"
    return line
