"""Widgets of the supervision TUI, one pane per module."""
