"""Ephemeral-container triage across namespaces and contexts."""
