"""CLI -> app: argument parsing (`kdebug-tui`, `kubectl kdebug`), login before the full
screen, and opening the debug form or session the plugin's flags asked for.

Nothing here imports Textual or the Kubernetes client at module level: the launcher runs
before the app exists (tests/test_startup_imports.py)."""
