"""Column types shared by every model: UTC timestamps that read ArcadiaForge's text forms, and
the JSON serializer every engine uses."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Float
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """Parse a stored timestamp into an aware UTC datetime.

    Accepts `YYYY-MM-DD HH:MM:SS` with or without microseconds and with or without a
    UTC offset (also the ISO `T` separator, and a date alone); a value without an offset is
    UTC.
    """
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else _from_text(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _from_text(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"unrecognised timestamp {value!r}") from None


def iso_text(moment: datetime | None) -> str | None:
    """A timestamp as ISO 8601 text (the form of ArcadiaForge's JSON), None for None."""
    return None if moment is None else moment.isoformat()


def format_timestamp(value: datetime) -> str:
    """Format a datetime the way SQLAlchemy stores it on SQLite, converted to naive UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class _SQLiteUTCDateTime(sqlite.DATETIME):
    """SQLite DATETIME whose reads go through `parse_timestamp` (offsets honoured)."""

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        return parse_timestamp

    def bind_processor(self, dialect: Dialect) -> Any:
        def process(value: datetime | str | None) -> str | None:
            if value is None or isinstance(value, str):
                return value
            return format_timestamp(value)

        return process


class UTCDateTime(TypeDecorator[datetime]):
    """A `DATETIME` column holding UTC: aware datetimes in, aware UTC datetimes out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteUTCDateTime())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class RealFloat(TypeDecorator[float]):
    """A `FLOAT` column that always reads back as `float`.

    ArcadiaForge declared some fractional columns INTEGER; SQLite then hands whole numbers
    back as `int`. Reading through this type gives callers a float either way.
    """

    impl = Float
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> float | None:
        return None if value is None else float(value)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogates(text: str) -> bool:
    """True when `text` holds a surrogate code point, which has no UTF-8 form."""
    return _LONE_SURROGATE.search(text) is not None


def storable_text(text: str) -> str:
    """`text` as a text column stores it: each lone surrogate becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


MAX_JSON_DEPTH = 600
"""Deepest nesting of lists and objects a JSON column keeps; deeper parts are cut."""
JSON_CUT_MARK = f"… (nested deeper than {MAX_JSON_DEPTH} levels: cut)"


def json_storable(value: Any) -> Any:
    """`value` with the lists and objects nested deeper than `MAX_JSON_DEPTH` replaced by a mark.

    Python's JSON encoder and decoder recurse once per level, so a deeper value (an agent's
    context nested thousands of levels) would raise RecursionError when stored or read. The
    copy is made without recursion, for the same reason.
    """
    if not isinstance(value, dict | list | tuple):
        return value
    root: dict[Any, Any] | list[Any] = {} if isinstance(value, dict) else []
    pending: list[tuple[Any, dict[Any, Any] | list[Any], int]] = [(value, root, 1)]
    while pending:
        source, target, depth = pending.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            child = item
            if isinstance(item, dict | list | tuple):
                if depth >= MAX_JSON_DEPTH:
                    child = JSON_CUT_MARK
                else:
                    child = {} if isinstance(item, dict) else []
                    pending.append((item, child, depth + 1))
            if isinstance(target, dict):
                target[key] = child
            else:
                target.append(child)
    return root


def dumps_json(value: Any) -> str:
    """The engine's JSON serializer: `json.dumps` of `json_storable(value)`."""
    return json.dumps(json_storable(value))
