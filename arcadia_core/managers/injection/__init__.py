"""Injection points: an agent asks a person, any process answers, exactly one outcome wins.

`records` holds the point and its outcome, `rules` the pure rules (deadline, queue order,
free text), `queries` the session functions, `manager` the `HumanInterface`.
"""

from __future__ import annotations

from arcadia_core.managers.injection.manager import (
    HumanInterface,
    InjectionConflict,
    conflict_message,
    create_human_interface,
    create_human_interface_async,
    request_human_input_sync,
)
from arcadia_core.managers.injection.records import (
    InjectionPoint,
    InjectionResponse,
    NewPoint,
    point_from_row,
    type_value,
)
from arcadia_core.managers.injection.rules import (
    deadline,
    json_safe,
    queue_order,
    takes_free_text,
)
from arcadia_core.vocabulary import InjectionType

__all__ = [
    "HumanInterface",
    "InjectionConflict",
    "InjectionPoint",
    "InjectionResponse",
    "InjectionType",
    "NewPoint",
    "conflict_message",
    "create_human_interface",
    "create_human_interface_async",
    "deadline",
    "json_safe",
    "point_from_row",
    "queue_order",
    "request_human_input_sync",
    "takes_free_text",
    "type_value",
]
