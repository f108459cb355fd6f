"""What was done to each debugger, in order, for its incident record (issue 12 item 8).

The record's timeline had the debugger's creation and the export only: not the stop, the
file transfers, broadcast turned on and off, a reattach. Each of those notes one line here,
keyed by the debugger (context, namespace, pod, container), whichever pane or screen did
it; the export (incident.py) merges these lines into the record's timestamps, so every
pane on the debugger (a second shell too) exports the same timeline. In ui/common: the
sessions and the files features both write to it.
"""

from __future__ import annotations

import time
from typing import Any

from kdebug_tui.ui.common.safe_text import clean

_ATTR = "_kdebug_timeline"
Key = tuple[str, str, str, str]


def key_of(target: Any) -> Key:
    """The debugger a pane target is on (a pane's PaneTarget)."""
    return (str(target.context), str(target.namespace), str(target.pod), str(target.container))


def note(app: Any, key: Key, text: str, when: float | None = None) -> None:
    """Add one line (plain text, one line, bounded) to the debugger's timeline."""
    book: dict[Key, list[tuple[float, str]]] = app.__dict__.setdefault(_ATTR, {})
    book.setdefault(key, []).append((time.time() if when is None else when, clean(text, 300)))


def note_pane(app: Any, pane: Any, text: str) -> None:
    target = getattr(pane, "target", None)
    if target is not None:
        note(app, key_of(target), text)


def entries(app: Any, key: Key) -> list[tuple[float, str]]:
    book: dict[Key, list[tuple[float, str]]] = app.__dict__.get(_ATTR, {})
    return list(book.get(key, []))


def merged(timestamps: dict[str, float], lines: list[tuple[float, str]]) -> dict[str, float]:
    """The record's named moments and the timeline's lines, in time order, names unique."""
    items = list(timestamps.items())
    names = set(timestamps)
    for when, text in lines:
        name, n = text, 2
        while name in names:
            name, n = f"{text} ({n})", n + 1
        names.add(name)
        items.append((name, when))
    return dict(sorted(items, key=lambda item: item[1]))
