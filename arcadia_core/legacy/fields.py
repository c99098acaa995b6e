"""Typed reads of one field of a legacy record, each failing with a precise `RecordError`."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from arcadia_core.db.types import parse_timestamp
from arcadia_core.errors import LegacyImportError

_MISSING: Any = object()
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class RecordError(LegacyImportError):
    """One legacy record cannot become a row; the message names the field and the problem."""

    title = "Bad legacy record"


def kind(value: Any) -> str:
    """A short JSON-ish name for the type of `value` (for error messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Fields:
    """Reads the fields of one record; `None` counts as missing wherever a default exists."""

    def __init__(self, record: Any) -> None:
        if not isinstance(record, Mapping):
            raise RecordError(f"expected a JSON object, got {kind(record)}")
        self.record = record

    def _get(self, names: tuple[str, ...]) -> tuple[str, Any]:
        for name in names:
            value = self.record.get(name)
            if value is not None:
                return name, value
        return names[0], None

    def _missing(self, name: str, default: Any) -> Any:
        if default is _MISSING:
            raise RecordError(f"missing required field {name!r}")
        return default

    def has(self, *names: str) -> bool:
        return any(self.record.get(name) is not None for name in names)

    def text(self, *names: str, default: Any = _MISSING) -> Any:
        name, value = self._get(names)
        if value is None:
            return self._missing(name, default)
        if not isinstance(value, str):
            raise RecordError(f"field {name!r}: expected a string, got {kind(value)}")
        return value

    def opt_text(self, *names: str) -> str | None:
        result: str | None = self.text(*names, default=None)
        return result

    def integer(
        self, *names: str, default: Any = _MISSING, low: int | None = None, high: int | None = None
    ) -> Any:
        name, value = self._get(names)
        if value is None:
            return self._missing(name, default)
        number = to_int(name, value)
        if (low is not None and number < low) or (high is not None and number > high):
            span = f"{low}..{high}" if high is not None else f">= {low}"
            raise RecordError(f"field {name!r}: {number} is out of range ({span})")
        return number

    def opt_integer(
        self, *names: str, low: int | None = None, high: int | None = None
    ) -> int | None:
        result: int | None = self.integer(*names, default=None, low=low, high=high)
        return result

    def number(
        self,
        *names: str,
        default: Any = _MISSING,
        low: float | None = None,
        high: float | None = None,
    ) -> Any:
        name, value = self._get(names)
        if value is None:
            return self._missing(name, default)
        number = to_float(name, value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise RecordError(f"field {name!r}: {number} is out of range ({low}..{high})")
        return number

    def opt_number(self, *names: str, low: float | None = None, high: float | None = None) -> Any:
        return self.number(*names, default=None, low=low, high=high)

    def flag(self, *names: str, default: Any = _MISSING) -> Any:
        name, value = self._get(names)
        if value is None:
            return self._missing(name, default)
        return to_bool(name, value)

    def opt_flag(self, *names: str) -> bool | None:
        result: bool | None = self.flag(*names, default=None)
        return result

    def timestamp(self, *names: str, default: Any = _MISSING) -> Any:
        name, value = self._get(names)
        if value is None or value == "":
            return self._missing(name, default)
        return to_timestamp(name, value)

    def opt_timestamp(self, *names: str) -> datetime | None:
        result: datetime | None = self.timestamp(*names, default=None)
        return result

    def items(self, *names: str, default: Any = _MISSING) -> Any:
        name, value = self._get(names)
        if value is None:
            return self._missing(name, [] if default is _MISSING else default)
        if not isinstance(value, list):
            raise RecordError(f"field {name!r}: expected a list, got {kind(value)}")
        return value

    def texts(self, *names: str) -> list[str]:
        name, _ = self._get(names)
        items = self.items(*names, default=[])
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise RecordError(f"field {name!r}[{index}]: expected a string, got {kind(item)}")
        return list(items)

    def integers(self, *names: str) -> list[int]:
        name, _ = self._get(names)
        return [to_int(f"{name}[{i}]", item) for i, item in enumerate(self.items(*names))]

    def objects(self, *names: str) -> list[dict[str, Any]]:
        name, _ = self._get(names)
        items = self.items(*names, default=[])
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise RecordError(f"field {name!r}[{index}]: expected an object, got {kind(item)}")
        return [dict(item) for item in items]

    def mapping(self, *names: str, default: Any = _MISSING) -> Any:
        name, value = self._get(names)
        if value is None:
            return self._missing(name, {} if default is _MISSING else default)
        if not isinstance(value, Mapping):
            raise RecordError(f"field {name!r}: expected an object, got {kind(value)}")
        return dict(value)

    def required_mapping(self, *names: str) -> dict[str, Any]:
        name, value = self._get(names)
        if value is None:
            raise RecordError(f"missing required field {name!r}")
        result: dict[str, Any] = self.mapping(*names)
        return result


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def to_int(name: str, value: Any) -> int:
    """`value` as an int: ints, whole floats and digit strings are accepted (64-bit, as SQLite)."""
    if isinstance(value, bool):
        raise RecordError(f"field {name!r}: expected an integer, got a boolean")
    number: int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            number = int(value.strip())
    if number is None:
        raise RecordError(f"field {name!r}: expected an integer, got {_show(value)}")
    if not INT64_MIN <= number <= INT64_MAX:
        raise RecordError(f"field {name!r}: {_show(value)} is too large for a 64-bit integer")
    return number


def to_float(name: str, value: Any) -> float:
    """`value` as a finite float: numbers and numeric strings are accepted."""
    if isinstance(value, bool):
        raise RecordError(f"field {name!r}: expected a number, got a boolean")
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise RecordError(f"field {name!r}: expected a number, got {_show(value)}")
    return number


def to_bool(name: str, value: Any) -> bool:
    """`value` as a bool: booleans, 0/1 and the usual words ("true", "no", ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise RecordError(f"field {name!r}: expected true or false, got {_show(value)}")


def to_timestamp(name: str, value: Any) -> datetime:
    """`value` as an aware UTC datetime: ISO text (offset or not; none means UTC) or epoch."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, bool):
        raise RecordError(f"field {name!r}: expected a timestamp, got a boolean")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise RecordError(f"field {name!r}: bad epoch timestamp {value!r}") from error
    if isinstance(value, str):
        try:
            parsed = parse_timestamp(value)
        except ValueError as error:
            raise RecordError(f"field {name!r}: unrecognised timestamp {_show(value)}") from error
        assert parsed is not None
        return parsed
    raise RecordError(f"field {name!r}: expected a timestamp, got {kind(value)}")
