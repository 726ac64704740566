"""Reusable Textual widgets; each keeps its styles in DEFAULT_CSS."""
