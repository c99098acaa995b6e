"""Arcadia core: the database-backed state of an autonomous coding agent."""

from __future__ import annotations

__version__ = "0.1.0"
