"""SQL expression helpers shared by the concept packages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Integer, Select, cast, func

if TYPE_CHECKING:
    AnySelect = Select[*tuple[Any, ...]]

QueryT = TypeVar("QueryT", bound="AnySelect")
"""Any select statement: filters that add WHERE clauses keep the statement's type."""


def count_true(column: Any) -> Any:
    """SUM over a boolean column as an integer (a plain SUM would be typed, and read, as bool)."""
    return func.coalesce(func.sum(cast(column, Integer)), 0)
