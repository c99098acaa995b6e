"""The Risk view's filter line: text search, level, tool, session and what it needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select

from arcadia_core.managers.risk.queries import AssessmentFilter
from arcadia_tui.literal import literal

SEARCH_DELAY = 0.4
"""Seconds of no typing before a search runs (Enter runs it at once)."""
MAX_SEARCH_CHARS = 200

LEVEL_CHOICES: tuple[tuple[str, str], ...] = (
    ("any level", ""),
    ("4+ high or worse", "min:4"),
    ("3+ moderate or worse", "min:3"),
    ("5 critical", "5"),
    ("4 high", "4"),
    ("3 moderate", "3"),
    ("2 low", "2"),
    ("1 minimal", "1"),
)
NEEDS_CHOICES: tuple[tuple[str, str], ...] = (
    ("needs anything", ""),
    ("needs approval", "approval"),
    ("needs checkpoint", "checkpoint"),
    ("needs review", "review"),
)
NEEDS_ORDER = tuple(value for _, value in NEEDS_CHOICES)


def filters_from(search: str, level: str, tool: str, session: str, needs: str) -> AssessmentFilter:
    """The filter the controls' values describe ("" means no filter)."""
    return AssessmentFilter(
        search=search.strip()[:MAX_SEARCH_CHARS] or None,
        risk_level=int(level) if level.isdigit() else None,
        min_level=int(level[4:]) if level.startswith("min:") else None,
        tool=tool or None,
        session_id=int(session) if session else None,
        requires_approval=True if needs == "approval" else None,
        requires_checkpoint=True if needs == "checkpoint" else None,
        requires_review=True if needs == "review" else None,
    )


def _value(select: Select[str]) -> str:
    value = select.value
    return value if isinstance(value, str) else ""


class RiskFilterBar(Horizontal):
    """Controls that narrow the assessments; each change posts `Changed`."""

    @dataclass
    class Changed(Message):
        """The filters changed."""

        filters: AssessmentFilter

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filters = AssessmentFilter()
        """The filters last posted."""
        self._search_timer: Timer | None = None
        self._tools: frozenset[str] = frozenset()
        self._sessions: frozenset[int] = frozenset()

    def compose(self) -> ComposeResult:
        yield Label("Search", classes="filter-label")
        yield Input(
            placeholder="action, input, tool, concern…  (/)",
            max_length=MAX_SEARCH_CHARS,
            compact=True,
            id="risk-search",
        )
        yield Select(LEVEL_CHOICES, value="", allow_blank=False, compact=True, id="risk-level")
        yield Select([("any tool", "")], value="", allow_blank=False, compact=True, id="risk-tool")
        yield Select(
            [("any session", "")], value="", allow_blank=False, compact=True, id="risk-session"
        )
        yield Select(NEEDS_CHOICES, value="", allow_blank=False, compact=True, id="risk-needs")

    def select(self, name: str) -> Select[str]:
        """One of the selects: `level`, `tool`, `session` or `needs`."""
        return self.query_one(f"#risk-{name}", Select)

    def offers(self, tool: str, session_id: int) -> bool:
        """Whether the tool and session lists have these."""
        return tool in self._tools and session_id in self._sessions

    def set_choices(self, tools: Sequence[str], sessions: Sequence[int]) -> None:
        """Offer these tools and sessions, keeping what is chosen."""
        self._tools, self._sessions = frozenset(tools), frozenset(sessions)
        for name, options in (
            ("tool", [(Text("any tool"), ""), *((literal(t, one_line=True), t) for t in tools)]),
            (
                "session",
                [(Text("any session"), ""), *((Text(f"session {s}"), str(s)) for s in sessions)],
            ),
        ):
            select = self.select(name)
            chosen = _value(select)
            select.set_options(options)
            if any(value == chosen for _, value in options):
                select.value = chosen

    def choose(self, name: str, value: str) -> None:
        """Set one select (the value must be one of its options)."""
        self.select(name).value = value

    def cycle_needs(self) -> None:
        """Next "needs" choice: approval, checkpoint, review, anything."""
        current = _value(self.select("needs"))
        self.choose("needs", NEEDS_ORDER[(NEEDS_ORDER.index(current) + 1) % len(NEEDS_ORDER)])

    def clear(self) -> None:
        """Every filter off."""
        self.query_one("#risk-search", Input).value = ""
        for name in ("level", "tool", "session", "needs"):
            self.choose(name, "")
        self._post()

    def _post(self) -> None:
        filters = filters_from(
            self.query_one("#risk-search", Input).value,
            _value(self.select("level")),
            _value(self.select("tool")),
            _value(self.select("session")),
            _value(self.select("needs")),
        )
        if filters != self.filters:
            self.filters = filters
            self.post_message(self.Changed(filters))

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self._post()

    @on(Input.Changed, "#risk-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._post)

    @on(Input.Submitted, "#risk-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._post()
