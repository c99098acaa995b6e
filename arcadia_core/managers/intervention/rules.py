"""Pure intervention-learning rules: an error message normalised into an error pattern."""

from __future__ import annotations

import re

_NORMALISERS = [
    (re.compile(r"[/\\][^\s'\"]*\.\w+"), "<path>"),
    (re.compile(r"line \d+"), "line <n>"),
    (re.compile(r":\d+:\d+"), ":<n>:<n>"),
    (re.compile(r"'[^']*'"), "'<var>'"),
    (re.compile(r'"[^"]*"'), '"<var>"'),
    (re.compile(r"0x[0-9a-f]+"), "<addr>"),
]


def normalize_error_pattern(message: str) -> str:
    """Lowercase; paths, line numbers, quoted values, addresses become placeholders; 100 chars."""
    text = message.lower()
    for pattern, placeholder in _NORMALISERS:
        text = pattern.sub(placeholder, text)
    return text[:100]
