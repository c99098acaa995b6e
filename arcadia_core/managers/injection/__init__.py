"""Injection points: an agent asks a person, any process answers, exactly one outcome wins.

`records` holds the point and its outcome, `rules` the pure rules (deadline, queue order,
free text), `queries` the session functions, `manager` the `HumanInterface`.
"""

from __future__ import annotations

from arcadia_core.managers.injection import manager
from arcadia_core.managers.injection.manager import *  # noqa: F403
from arcadia_core.managers.injection.manager import conflict_message
from arcadia_core.managers.injection.records import NewPoint, point_from_row, type_value
from arcadia_core.managers.injection.rules import deadline, json_safe, queue_order, takes_free_text

__all__ = [
    *manager.__all__,
    "NewPoint",
    "conflict_message",
    "deadline",
    "json_safe",
    "point_from_row",
    "queue_order",
    "takes_free_text",
    "type_value",
]
