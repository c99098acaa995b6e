"""Arcadia's Textual app: watch and answer an autonomous coding agent live."""

from __future__ import annotations
