"""Tests for the Kubernetes layer (kdebug_tui/kube)."""
