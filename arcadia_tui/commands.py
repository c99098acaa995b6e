"""Command palette providers: "area: verb" commands for the views and the Live view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

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
