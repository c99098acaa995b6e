"""Command palette providers: "area: verb" commands for the app, the views and the Live view."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider

from arcadia_core.display import printable

if TYPE_CHECKING:
    from arcadia_tui.screens.live import LiveScreen

Command = tuple[str, str, Callable[[], Any]]


def _literal_title(title: str) -> Text:
    # Textual parses string prompts as markup; titles can hold agent text, so they are Text.
    return Text(title, end="")


def _highlight(matcher: Matcher, title: str) -> Text:
    text = _literal_title(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        text.stylize("bold underline", offset, offset + 1)
    return text


async def _discover(commands: Iterator[Command]) -> Hits:
    for title, help_text, callback in commands:
        yield DiscoveryHit(_literal_title(title), callback, text=title, help=help_text)


async def _search(matcher: Matcher, commands: Iterator[Command]) -> Hits:
    for title, help_text, callback in commands:
        score = matcher.match(title)
        if score > 0:
            yield Hit(score, _highlight(matcher, title), callback, text=title, help=help_text)


class ViewCommands(Provider):
    """Open any registered view: "views: open Live", ..."""

    def _commands(self) -> Iterator[Command]:
        from arcadia_tui.app import VIEWS

        for view in VIEWS:
            yield (
                f"views: open {view.title}",
                f"{view.description} ({view.key.upper()})",
                partial(self.app.switch_mode, view.name),
            )

    async def discover(self) -> Hits:
        async for hit in _discover(self._commands()):
            yield hit

    async def search(self, query: str) -> Hits:
        async for hit in _search(self.matcher(query), self._commands()):
            yield hit


class CommandList(Provider):
    """A provider whose commands come from `_commands`: discovered, and searched fuzzily."""

    def _commands(self) -> Iterator[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        async for hit in _discover(self._commands()):
            yield hit

    async def search(self, query: str) -> Hits:
        async for hit in _search(self.matcher(query), self._commands()):
            yield hit


class AppCommands(CommandList):
    """The app's own: help and the theme."""

    def _commands(self) -> Iterator[Command]:
        app = self.app
        yield (
            "app: show the keys of this view",
            "The help screen for the current view (F1 or ?)",
            app.action_help,  # type: ignore[attr-defined]
        )
        yield (
            "app: switch light/dark theme",
            f"Now {app.theme} (ctrl+t)",
            app.action_toggle_dark,
        )


@dataclass(frozen=True, slots=True)
class AreaCommand:
    """A command that opens a view and runs one of its actions."""

    title: str
    help: str
    view: str
    action: str
    args: tuple[Any, ...] = ()


async def run_in_view(app: Any, command: AreaCommand) -> None:
    """Open the command's view, wait for what it shows, then run the action there."""
    await app.switch_mode(command.view)
    screen = app.screen_stack[0]
    loaded: asyncio.Event | None = getattr(screen, "loaded", None)
    if loaded is not None:
        await loaded.wait()
    getattr(screen, command.action)(*command.args)


class AreaCommands(CommandList):
    """The commands of one view's area, usable from anywhere."""

    COMMAND_LIST: ClassVar[tuple[AreaCommand, ...]] = ()

    def _commands(self) -> Iterator[Command]:
        for command in self.COMMAND_LIST:
            yield command.title, command.help, partial(run_in_view, self.app, command)


class AutonomyCommands(AreaCommands):
    """Level, thresholds, overrides and the decision filter."""

    COMMAND_LIST = (
        AreaCommand(
            "autonomy: set level",
            "Choose a level, see its effect first (l)",
            "autonomy",
            "action_set_level",
        ),
        AreaCommand(
            "autonomy: raise level",
            "One level up, after a preview (+)",
            "autonomy",
            "action_raise_level",
        ),
        AreaCommand(
            "autonomy: lower level",
            "One level down, after a preview (-)",
            "autonomy",
            "action_lower_level",
        ),
        AreaCommand(
            "autonomy: edit thresholds and bounds",
            "Confidence, streaks, bounds, auto-adjust (t)",
            "autonomy",
            "action_thresholds",
        ),
        AreaCommand(
            "autonomy: set a per-tool override",
            "The level one tool requires (o)",
            "autonomy",
            "action_tool_level",
        ),
        AreaCommand(
            "autonomy: show denied decisions",
            "Only the checks that were refused",
            "autonomy",
            "set_outcome_filter",
            (False,),
        ),
        AreaCommand(
            "autonomy: show allowed decisions",
            "Only the checks that went through",
            "autonomy",
            "set_outcome_filter",
            (True,),
        ),
        AreaCommand(
            "autonomy: show all decisions",
            "Every recent check",
            "autonomy",
            "set_outcome_filter",
            (None,),
        ),
    )


class RiskCommands(AreaCommands):
    """Filters, search, pages and patterns of the Risk view."""

    COMMAND_LIST = (
        AreaCommand(
            "risk: search", "Search actions, inputs, tools, concerns (/)", "risk", "action_search"
        ),
        AreaCommand(
            "risk: filter by level", "Pick a risk level (l)", "risk", "action_pick", ("level",)
        ),
        AreaCommand("risk: filter by tool", "Pick a tool (t)", "risk", "action_pick", ("tool",)),
        AreaCommand(
            "risk: filter by session", "Pick a session (s)", "risk", "action_pick", ("session",)
        ),
        AreaCommand(
            "risk: show high and critical",
            "Level 4 and above",
            "risk",
            "set_level_filter",
            ("min:4",),
        ),
        AreaCommand(
            "risk: show those needing approval",
            "Only assessments that need approval",
            "risk",
            "set_needs_filter",
            ("approval",),
        ),
        AreaCommand(
            "risk: clear filters",
            "Every assessment, newest first (x)",
            "risk",
            "action_clear_filters",
        ),
        AreaCommand("risk: newest assessments", "Back to the first page", "risk", "newest"),
        AreaCommand(
            "risk: add a custom pattern",
            "A new risk pattern the agent applies (n)",
            "risk",
            "action_new_pattern",
        ),
        AreaCommand(
            "risk: disable or enable a pattern",
            "Go to the pattern list, then d",
            "risk",
            "action_focus_patterns",
        ),
    )


class FailureCommands(AreaCommands):
    """Open and export failure reports."""

    COMMAND_LIST = (
        AreaCommand(
            "failures: open latest",
            "The newest failure report (g)",
            "failures",
            "action_open_latest",
        ),
        AreaCommand(
            "failures: export as Markdown",
            "Write the selected report to a .md file (e)",
            "failures",
            "action_export",
            (".md",),
        ),
        AreaCommand(
            "failures: export as JSON",
            "Write the selected report to a .json file (j)",
            "failures",
            "action_export",
            (".json",),
        ),
        AreaCommand("failures: older reports", "The next window (])", "failures", "action_older"),
        AreaCommand(
            "failures: newer reports", "The previous window ([)", "failures", "action_newer"
        ),
    )


class LearningCommands(AreaCommands):
    """Learned patterns and interventions."""

    COMMAND_LIST = (
        AreaCommand(
            "learning: toggle auto-apply",
            "For the highlighted pattern, after confirmation (space)",
            "learning",
            "action_toggle_auto",
        ),
        AreaCommand(
            "learning: show interventions",
            "Move to the recorded interventions (i)",
            "learning",
            "action_focus_interventions",
        ),
    )


class SessionCommands(AreaCommands):
    """Sessions and the event tail."""

    COMMAND_LIST = (
        AreaCommand(
            "sessions: filter events by type",
            "Pick an event type (t)",
            "sessions",
            "action_pick_type",
        ),
        AreaCommand(
            "sessions: show errors only",
            "Only `error` events in the tail",
            "sessions",
            "set_event_type",
            ("error",),
        ),
        AreaCommand(
            "sessions: events of the highlighted session",
            "Only its events in the tail (e)",
            "sessions",
            "action_events_of_session",
        ),
        AreaCommand(
            "sessions: pause or follow the tail",
            "Stop or resume it (p)",
            "sessions",
            "action_toggle_follow",
        ),
        AreaCommand(
            "sessions: clear event filters",
            "Every event, newest first (x)",
            "sessions",
            "action_clear_filters",
        ),
    )


AREA_COMMANDS: tuple[type[AreaCommands], ...] = (
    AutonomyCommands,
    RiskCommands,
    FailureCommands,
    LearningCommands,
    SessionCommands,
)
"""Every view area's provider (the app registers them all)."""


class LiveCommands(Provider):
    """Answer, cancel and navigate in the Live view."""

    def _commands(self) -> Iterator[Command]:
        screen: LiveScreen = self.screen  # type: ignore[assignment]
        yield (
            "live: answer with the recommendation",
            "Send the agent's recommendation for the selected point (Enter)",
            screen.action_accept,
        )
        yield (
            "live: answer in your own words",
            "Open the free-text answer for the selected point (f)",
            screen.action_free_text,
        )
        yield (
            "live: cancel the selected point",
            "Cancel it after confirmation; the agent gets its default (c)",
            screen.action_cancel_point,
        )
        point = screen.queue.highlighted_point
        if point is not None and point.is_pending:
            for number, option in enumerate(point.options[:9], start=1):
                shown = printable(option, one_line=True, max_chars=60)
                yield (
                    f"live: answer option {number}: {shown}",
                    f"Answer {point.point_id} with this option ({number})",
                    partial(screen.action_pick, number),
                )
        yield (
            "live: focus the escalation feed",
            "Move to the escalations to read their context (e)",
            screen.action_focus_escalations,
        )
        yield (
            "live: refresh now",
            "Poll the database now instead of at the next interval",
            screen.refresh_now,
        )

    async def discover(self) -> Hits:
        async for hit in _discover(self._commands()):
            yield hit

    async def search(self, query: str) -> Hits:
        async for hit in _search(self.matcher(query), self._commands()):
            yield hit
