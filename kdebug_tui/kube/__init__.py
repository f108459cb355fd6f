"""Headless package: never imports textual or rich."""
