"""Any exception -> plain-text (title, message, hint) for notifications and dialogs.

Here, not in the app, so that every screen can describe an error without importing the app
(features never import `ui/app.py`; tests/test_layering.py).
"""

from __future__ import annotations

from kdebug_tui.ui.common.safe_text import clean


def describe_error(error: BaseException) -> tuple[str, str, str | None]:
    """(title, message, hint) as plain text for any exception; KubeError keeps its parts."""
    title = getattr(error, "title", None)
    if isinstance(title, str) and hasattr(error, "message"):
        return (
            clean(title, 200),
            clean(getattr(error, "message", ""), multiline=True),
            getattr(error, "hint", None),
        )
    if isinstance(error, OSError):
        return "System error", clean(error.strerror or str(error), multiline=True), None
    name = type(error).__name__
    return "Unexpected error", clean(f"{name}: {error}", multiline=True), None


def error_snippet(error: BaseException) -> str | None:
    """KubeError.snippet: text to copy (a Role granting the refused verb), if any."""
    snippet = getattr(error, "snippet", None)
    return snippet if isinstance(snippet, str) and snippet.strip() else None
