"""Tables and short durations for human-readable command output.

On a terminal a table is drawn by Rich (bold headers, columns fitted to the width); piped or
redirected it is plain aligned text that scripts can cut. Either way every cell has been
through `printable`, and Rich gets `Text` objects with markup and highlighting off, so agent
text reaches the screen literally. Rich is imported only when a table is drawn on a terminal.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from datetime import timedelta

from arcadia_core.display import printable
from arcadia_core.errors import InvalidInput

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION_SECONDS = 10**9


def cell(value: object, width: int | None = None) -> str:
    """One table cell: terminal-safe, on one line, cut to `width` characters."""
    text = printable("" if value is None else value, one_line=True)
    if width is not None and len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return text


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces, with a header line."""
    texts = [[cell(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in texts:
        widths = [max(width, len(text)) for width, text in zip(widths, row, strict=True)]
    lines = [headers, *texts]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a table on standard output: Rich on a terminal, `format_table` otherwise."""
    if not sys.stdout.isatty():
        print(format_table(headers, rows))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell(value)) for value in row))
    Console(file=sys.stdout, markup=False, highlight=False, emoji=False).print(table)


def format_seconds(seconds: float) -> str:
    """`42s`, `4m05s`, `2h03m`, `3d04h`."""
    total = max(0, int(round(seconds)))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def parse_duration(text: str) -> timedelta:
    """`90s`, `30m`, `2h`, `1d`, `1h30m`, or a plain number of seconds."""
    value = text.strip().lower()
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if not math.isfinite(number) or abs(number) > MAX_DURATION_SECONDS:
            raise InvalidInput(f"invalid duration {text!r}")
        return timedelta(seconds=number)
    if not value or _DURATION_PART.sub("", value):
        raise InvalidInput(f"invalid duration {text!r} (examples: 90s, 30m, 2h, 1d, 1h30m)")
    seconds = sum(
        float(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(value)
    )
    if seconds > MAX_DURATION_SECONDS:
        raise InvalidInput(f"invalid duration {text!r} (longer than {MAX_DURATION_SECONDS:,} s)")
    return timedelta(seconds=seconds)
