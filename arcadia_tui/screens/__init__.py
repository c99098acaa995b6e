"""Screens of the supervision TUI: one per view, plus modal dialogs."""
