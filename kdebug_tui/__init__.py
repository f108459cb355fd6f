"""kdebug-tui: a terminal UI for debugging Kubernetes pods with ephemeral containers."""

__version__ = "0.1.0"
