"""What several features use: safe text, dialogs, error description, status bar, messages.

Imports no feature package (tests/test_layering.py enforces it)."""
