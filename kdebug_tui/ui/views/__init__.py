"""Read-only text views of one object: logs, describe, YAML."""
