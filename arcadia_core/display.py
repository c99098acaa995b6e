"""Make untrusted text safe to show on a terminal: control characters become visible symbols."""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls (except tab and newline, handled by the caller's choice), DEL, C1 controls, the
# bidirectional overrides that can make text read differently from what it is, and lone
# surrogates (which UTF-8 cannot encode: printing one raises UnicodeEncodeError).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# What JSON may carry unescaped but a terminal could obey, or UTF-8 cannot encode.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NEWLINES = re.compile("\r\n|\n|\r")

TRUNCATION_MARK = "…"


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␀ … ␛ …
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def safe_str(value: object) -> str:
    """`str(value)`, or a placeholder when that fails (a value nested thousands of levels deep
    exhausts the recursion limit; an agent's object may have a `__str__` that raises)."""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except RecursionError:
        return f"<{type(value).__name__} nested too deeply to show>"
    except Exception:
        return f"<{type(value).__name__} that cannot be shown>"


def clip(value: object, limit: int, mark: str = "") -> str:
    """`value` as text of at most `limit` characters, followed by `mark` when it was cut."""
    text = safe_str(value)
    return text if len(text) <= limit else text[:limit] + mark


def printable(value: object, *, max_chars: int | None = None, one_line: bool = False) -> str:
    """`value` as text whose control characters and escape sequences are shown, never obeyed.

    ESC and the other C0/C1 controls become visible symbols (ESC is `␛`), tabs become spaces;
    newlines are kept unless `one_line`, which shows them as `⏎`. Text longer than
    `max_chars` is cut and says how much was left out.
    """
    text = safe_str(value)
    cut = 0
    if max_chars is not None and len(text) > max_chars:
        cut = len(text) - max_chars
        text = text[:max_chars]
    text = _NEWLINES.sub("\u23ce" if one_line else "\n", text)
    text = _UNSAFE.sub(_symbol, text.replace("\t", "    "))
    if cut:
        text += f"{TRUNCATION_MARK} (+{cut:,} chars)"
    return text


def json_text(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON that is safe to print: readable non-ASCII text, nothing a terminal obeys.

    JSON escapes C0 controls itself; DEL, C1 controls, line separators, bidirectional
    overrides and lone surrogates are written as `\\uXXXX` escapes too (the same JSON value),
    so the output neither drives the terminal nor fails to encode. Unknown objects become
    their `str`.
    """
    text = json.dumps(value, indent=indent, default=str, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
