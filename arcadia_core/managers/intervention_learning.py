"""ArcadiaForge's module path for intervention learning; the code lives in `intervention/`."""

from __future__ import annotations

from arcadia_core.managers.intervention.manager import (
    AUTO_APPLY_MIN_SIMILARITY,
    InterventionLearner,
)
from arcadia_core.managers.intervention.records import (
    AUTO_APPLY_DISABLED,
    ContextSignature,
    Intervention,
    InterventionPattern,
    InterventionType,
    MatchResult,
)
from arcadia_core.managers.intervention.rules import normalize_error_pattern as normalize_error

__all__ = [
    "AUTO_APPLY_DISABLED",
    "AUTO_APPLY_MIN_SIMILARITY",
    "ContextSignature",
    "Intervention",
    "InterventionLearner",
    "InterventionPattern",
    "InterventionType",
    "MatchResult",
    "normalize_error",
]
