"""Local paths as a person reads them: under the home directory, `~/...`."""

from __future__ import annotations

from pathlib import Path


def home_short(path: Path | str) -> str:
    """`/home/me/Downloads/f` -> `~/Downloads/f`; anything else unchanged."""
    home = str(Path.home())
    text = str(path)
    if home not in ("", "/") and text.startswith(home + "/"):
        return "~" + text[len(home) :]
    return text
