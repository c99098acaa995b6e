"""The pure rules of an injection point: when its default applies, queue order, free text."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from arcadia_core.db.types import json_storable
from arcadia_core.vocabulary import FREE_TEXT_TYPES


def takes_free_text(point_type: str, options: Collection[str]) -> bool:
    """Any answer fits: guidance and redirect points, and points without options."""
    return point_type in FREE_TEXT_TYPES or not options


def deadline(
    created_at: datetime, timeout_seconds: int, default_on_timeout: str | None
) -> datetime | None:
    """When the default applies, or None when the agent waits until someone answers."""
    if default_on_timeout is None:
        return None
    return created_at + timedelta(seconds=timeout_seconds)


def queue_order(
    severity: int, created_at: datetime, row_id: int | None
) -> tuple[int, datetime, int]:
    """The sort key of the pending queue: most severe first, then oldest."""
    return (-severity, created_at, row_id or 0)


def json_safe(value: Any) -> Any:
    """A copy of `value` that JSON can store (unknown objects become their `str`, levels nested
    deeper than `MAX_JSON_DEPTH` a mark)."""
    return json.loads(json.dumps(json_storable(value), default=str))
