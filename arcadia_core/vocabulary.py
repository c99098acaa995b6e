"""The words stored for injection points: their types, statuses, who resolved them, and the
built-in escalation rules that open them.

`status` moves from `pending` to exactly one of `responded`, `timeout` or `cancelled`.
`responded_by` holds a fixed marker (`pending`, `timeout_default`, ...) or a person as
`<channel>:<user>` (`tui:alice`), built by `answered_by`.
"""

from __future__ import annotations

from enum import StrEnum

RESPONDED_BY_MAX = 50
"""Longest `responded_by` the column keeps."""


class InjectionType(StrEnum):
    """What kind of input a point asks for (shared by escalation rules and the human interface)."""

    DECISION = "decision"
    APPROVAL = "approval"
    GUIDANCE = "guidance"
    REVIEW = "review"
    REDIRECT = "redirect"


FREE_TEXT_TYPES = frozenset({InjectionType.GUIDANCE, InjectionType.REDIRECT})
"""Point types whose natural answer is free text."""


class PointStatus(StrEnum):
    """Where an injection point is in its life; every status but `pending` is final."""

    PENDING = "pending"
    RESPONDED = "responded"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    DELETED = "deleted"
    """Only in the change feed: the row of a pending point disappeared."""


STORED_STATUSES = frozenset(
    {PointStatus.PENDING, PointStatus.RESPONDED, PointStatus.TIMEOUT, PointStatus.CANCELLED}
)
"""The statuses a stored point can have."""


class RespondedBy(StrEnum):
    """Who resolved a point: the channel a person used, or a marker for the other outcomes."""

    PENDING = "pending"
    """Nobody yet."""
    TUI = "tui"
    """A person in the TUI (`tui:<user>`)."""
    CLI = "cli"
    """A person on the `arcadia` command line (`cli:<user>`)."""
    API = "api"
    """A direct Python call (`api:<user>`)."""
    TIMEOUT_DEFAULT = "timeout_default"
    """The waiting agent applied the default on timeout."""
    EXPIRED = "expired"
    """Left pending by a gone agent and expired (alone, or before who expired it)."""
    PAUSE_REQUESTED = "pause_requested"
    """`request_pause()` ended the wait."""
    AGENT = "agent"
    """The asking agent's wait was interrupted."""
    HUMAN = "human"
    """ArcadiaForge's marker for a person's answer (legacy records)."""
    ESCALATION = "escalation"
    """ArcadiaForge's marker for an answer given through an escalation (legacy records)."""
    CANCELLED = "cancelled"
    """ArcadiaForge's marker for a cancelled point (legacy records)."""


class BuiltinRule(StrEnum):
    """The ids of the 8 built-in escalation rules."""

    LOW_CONFIDENCE = "low_confidence"
    VERY_LOW_CONFIDENCE = "very_low_confidence"
    FEATURE_REGRESSION = "feature_regression"
    MULTIPLE_FAILURES = "multiple_failures"
    MANY_FAILURES = "many_failures"
    IRREVERSIBLE_ACTION = "irreversible_action"
    SOURCE_OF_TRUTH_CHANGE = "source_of_truth_change"
    REPEATED_ERRORS = "repeated_errors"


def answered_by(channel: RespondedBy | str, user: str) -> str:
    """Who answered, as `responded_by` stores it: `tui:alice`, `expired:cli:bob`."""
    return f"{channel}:{user}"


_STATUS_BY_MARKER: dict[str, PointStatus] = {
    RespondedBy.PENDING: PointStatus.PENDING,
    RespondedBy.TIMEOUT_DEFAULT: PointStatus.TIMEOUT,
    RespondedBy.PAUSE_REQUESTED: PointStatus.CANCELLED,
    RespondedBy.CANCELLED: PointStatus.CANCELLED,
}


def status_of(responded_by: str) -> PointStatus:
    """The status a point resolved by `responded_by` has, for records that store no status."""
    return _STATUS_BY_MARKER.get(responded_by, PointStatus.RESPONDED)
