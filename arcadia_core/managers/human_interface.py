"""ArcadiaForge's import path of the human interface; it lives in `managers.injection`."""

from __future__ import annotations

from arcadia_core.managers.injection.manager import (
    HumanInterface,
    InjectionConflict,
    create_human_interface,
    create_human_interface_async,
    request_human_input_sync,
)
from arcadia_core.managers.injection.records import InjectionPoint, InjectionResponse
from arcadia_core.vocabulary import InjectionType

__all__ = [
    "HumanInterface",
    "InjectionConflict",
    "InjectionPoint",
    "InjectionResponse",
    "InjectionType",
    "create_human_interface",
    "create_human_interface_async",
    "request_human_input_sync",
]
