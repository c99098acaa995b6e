"""What the escalation concept returns: rules, the context they see, results, problems."""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

from arcadia_core.errors import InvalidInput


@dataclass
class EscalationRule:
    """When to escalate, how urgently, and what to ask the person."""

    rule_id: str
    name: str
    description: str
    condition_type: str
    condition_params: dict[str, Any]
    severity: int
    injection_type: str
    message_template: str
    suggested_actions: list[str]
    auto_pause: bool = False
    timeout_seconds: int = 300
    default_action: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """All 12 fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EscalationRule:
        """Build from the 12 keys (unknown keys are ignored; missing required ones refused)."""
        names = {f.name for f in fields(cls)}
        required = {
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        }
        missing = sorted(required - data.keys())
        if missing:
            raise InvalidInput(f"escalation rule is missing {', '.join(missing)}")
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass
class EscalationContext:
    """What the agent knows right now, evaluated against the rules."""

    confidence: float = 1.0
    feature_index: int | None = None
    consecutive_failures: int = 0
    previously_passing: bool = False
    currently_passing: bool = True
    action: str | None = None
    is_irreversible: bool = False
    affects_source_of_truth: bool = False
    error_message: str | None = None
    error_count: int = 0
    decision_type: str | None = None
    alternatives_count: int = 0
    custom: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A flat dict: the fields, with `custom`'s keys merged in on top."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "custom"}
        data.update(self.custom)
        return data


@dataclass
class EscalationResult:
    """A rule that fired: the rule, the context it saw, and the formatted message."""

    rule: EscalationRule
    context: dict[str, Any]
    timestamp: str
    message: str
    recommended_action: str
    log_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result with its rule as a dict."""
        return {
            "rule": self.rule.to_dict(),
            "context": dict(self.context),
            "timestamp": self.timestamp,
            "message": self.message,
            "recommended_action": self.recommended_action,
            "log_id": self.log_id,
        }


@dataclass(frozen=True)
class RuleProblem:
    """Something wrong with a rule: `error` (it cannot work as meant) or `warning`."""

    rule_id: str
    level: str
    message: str


@dataclass(frozen=True)
class StoredRule:
    """A rule as the engine sees it: where it comes from and whether it is enabled."""

    rule: EscalationRule
    builtin: bool
    overridden: bool
    enabled: bool

    @property
    def source(self) -> str:
        """`builtin`, `builtin (edited)` or `custom`."""
        if not self.builtin:
            return "custom"
        return "builtin (edited)" if self.overridden else "builtin"
