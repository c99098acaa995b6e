"""Managers: one class per concern, each operation one short transaction on a `Database`."""

from __future__ import annotations

from arcadia_core.managers.human_interface import HumanInterface as HumanInterface
from arcadia_core.managers.human_interface import InjectionConflict as InjectionConflict
from arcadia_core.managers.human_interface import InjectionPoint as InjectionPoint
from arcadia_core.managers.human_interface import InjectionResponse as InjectionResponse
from arcadia_core.managers.human_interface import InjectionType as InjectionType
