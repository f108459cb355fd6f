"""Server-side Table printers for the kinds of kube/resources.py beyond the core four.

The sandbox prints with the renderers the app uses (kube/printers.py, written from the API
server's printers.go), so `kubectl get deploy` and the app's list cannot disagree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kdebug_tui.kube.resources import KINDS
from kdebug_tui.sandbox.kinds import EXTRA

Obj = dict[str, Any]
Printer = tuple[list[tuple[str, int, str, str]], Callable[[Obj], list[Any]]]


def _printer(resource: str) -> Printer:
    kind = KINDS[resource]
    columns = [(c.name, c.priority, c.format, c.description) for c in kind.columns]
    return columns, lambda obj: kind.cells(obj, time.time())


def extra_printers() -> dict[str, Printer]:
    return {resource: _printer(resource) for resource in EXTRA}
