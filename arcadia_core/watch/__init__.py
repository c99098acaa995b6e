"""The change feed: typed records of what changed in a project database, as it happens."""

from __future__ import annotations

from arcadia_core.watch.feed import DEFAULT_POLL_INTERVAL, ChangeFeed
from arcadia_core.watch.records import (
    ALL_KINDS,
    AutonomyChanged,
    Change,
    EscalationLogged,
    EventLogged,
    FailureReported,
    FeedHealth,
    FeedLost,
    FeedRecovered,
    FeedStale,
    InjectionCreated,
    InjectionResolved,
    RiskAssessed,
    SessionEnded,
    SessionStarted,
    describe,
    to_dict,
    to_json,
)

__all__ = [
    "ALL_KINDS",
    "DEFAULT_POLL_INTERVAL",
    "AutonomyChanged",
    "Change",
    "ChangeFeed",
    "EscalationLogged",
    "EventLogged",
    "FailureReported",
    "FeedHealth",
    "FeedLost",
    "FeedRecovered",
    "FeedStale",
    "InjectionCreated",
    "InjectionResolved",
    "RiskAssessed",
    "SessionEnded",
    "SessionStarted",
    "describe",
    "to_dict",
    "to_json",
]
