"""Messages that cross screens: the watch feeding tables, connection and permission state.

Watch events can arrive far faster than a table can paint. `PodsChanged` carries no payload:
a consumer asks `ClusterServices.changes_since(cursor)` what changed, so a queue of them
coalesces into one (`can_replace`) without losing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


class PodsChanged(Message):
    """The pod store changed; ask the services what changed since your cursor."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PodsChanged)


@dataclass
class WatchStateChanged(Message):
    """The pod watch is connecting / live / reconnecting / in error (with a plain message)."""

    state: str
    message: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WatchStateChanged)


@dataclass
class ClusterChanged(Message):
    """Connected, or switched to another context or namespace (None: all namespaces)."""

    context: str
    ns: str | None  # (Message.namespace is Textual's handler prefix)


@dataclass
class AccessChanged(Message):
    """What the current credentials may do was (re)computed, as one line for the status bar."""

    summary: str
    can_debug: bool
    can_attach: bool
    can_delete: bool


def clone_message(message: Any) -> Any:
    """A fresh copy for each subscriber: a posted message is single-use."""
    if isinstance(message, PodsChanged):
        return PodsChanged()
    if isinstance(message, WatchStateChanged):
        return WatchStateChanged(message.state, message.message)
    if isinstance(message, ClusterChanged):
        return ClusterChanged(message.context, message.ns)
    if isinstance(message, AccessChanged):
        return AccessChanged(
            message.summary, message.can_debug, message.can_attach, message.can_delete
        )
    return message
