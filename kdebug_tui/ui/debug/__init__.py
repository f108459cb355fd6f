"""The debug form: its fields and sections, the live preview, pre-flight and submit."""
