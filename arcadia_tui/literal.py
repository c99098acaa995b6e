"""Agent-supplied values as Rich `Text`: shown literally, never parsed as markup or obeyed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text

from arcadia_core.display import printable

MAX_CELL_CHARS = 200
"""Longest value kept for a one-line table cell (the cell crops the rest)."""
MAX_BLOCK_CHARS = 4000
"""Longest message or answer shown in full in the detail pane."""
MAX_CONTEXT_KEYS = 40
"""Context keys listed before the rest are summarised."""
MAX_CONTEXT_VALUE_CHARS = 300
"""Longest context value shown before it is cut."""


def literal(
    value: object,
    style: str = "",
    *,
    one_line: bool = False,
    max_chars: int = MAX_BLOCK_CHARS,
) -> Text:
    """`value` as plain `Text`: brackets stay brackets, escape sequences show as `␛[…`."""
    return Text(printable(value, max_chars=max_chars, one_line=one_line), style=style, end="")


def cell(value: object, width: int, style: str = "") -> Text:
    """One line of literal text cut to `width` cells with an ellipsis."""
    text = literal(value, style, one_line=True, max_chars=MAX_CELL_CHARS)
    text.truncate(width, overflow="ellipsis")
    text.no_wrap = True
    return text


def folded(value: Any) -> str:
    """A nested value summarised on one line: `{3 keys: a, b, c}`, `[12 items]`, or the scalar."""
    if isinstance(value, Mapping):
        names = ", ".join(str(key) for key in list(value)[:4])
        more = ", …" if len(value) > 4 else ""
        noun = "key" if len(value) == 1 else "keys"
        return f"{{{len(value)} {noun}: {names}{more}}}" if value else "{}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if all(not isinstance(item, Mapping | list | tuple) for item in value):
            joined = ", ".join(_scalar(item) for item in value)
            if len(joined) <= 60:
                return f"[{joined}]"
        noun = "item" if len(value) == 1 else "items"
        return f"[{len(value)} {noun}]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def context_table(context: Mapping[str, Any], key_style: str = "bold") -> Table:
    """A context mapping as a two-column grid (values wrap under themselves), nested values
    folded, every key and value literal."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, max_width=24)
    grid.add_column(ratio=1, overflow="fold")
    if not context:
        grid.add_row(Text("(none)", style="dim"))
        return grid
    keys = list(context)[:MAX_CONTEXT_KEYS]
    for key in keys:
        name = literal(key, key_style, one_line=True, max_chars=60)
        name.truncate(24, overflow="ellipsis")
        value = literal(folded(context[key]), one_line=True, max_chars=MAX_CONTEXT_VALUE_CHARS)
        grid.add_row(name, value)
    hidden = len(context) - len(keys)
    if hidden > 0:
        grid.add_row(Text(f"… {hidden} more keys", style="dim"))
    return grid
