"""Agent-supplied text is shown literally: markup and escape sequences neither style nor crash."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from arcadia_core.clock import fixed_clock
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_core.display import printable
from arcadia_core.managers.human_interface import HumanInterface
from arcadia_core.models import EscalationLogModel
from arcadia_tui.app import build_app
from arcadia_tui.literal import MAX_CELL_CHARS, cell, context_table, literal
from arcadia_tui.rows import EscalationRow, PointRow
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.screens.answer import question_text
from arcadia_tui.widgets.escalation_feed import escalation_context
from arcadia_tui.widgets.point_detail import outcome_text, point_view

from .conftest import (
    SIZE,
    live_screen,
    plain,
    rendered_text,
    squash,
    wait_for_text,
    wait_until,
)

HOSTILE = [
    "[bold]bold?[/bold]",
    "[/]",
    "[link=https://evil.example]click me[/link]",
    "[@click=app.quit]quit[/]",
    "[red on white]loud",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;pwned title\x07",
    "\x1b[2J\x1b[H",
    "null\x00byte",
    "tab\there",
    "right\u202eleft",
    "$text-error {color}",
    "\\[escaped]",
    "line one\nline two\r\nline three",
]
STUB_APP: Any = SimpleNamespace(theme_variables={})


def shown(value: str, *, one_line: bool = True) -> str:
    return squash(printable(value, one_line=one_line))


def assert_literal(output: str, value: str, *, one_line: bool = True) -> None:
    assert shown(value, one_line=one_line) in squash(output)


def assert_inert(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\x00" not in output


def a_point(text: str, context: dict[str, Any], status: str = "pending") -> PointRow:
    return PointRow(
        point_id="INJ-1-1",
        row_id=1,
        timestamp=SAMPLE_NOW - timedelta(seconds=30),
        session_id=1,
        point_type=text[:40] or "decision",
        severity=3,
        message=text,
        context=context,
        options=(text, "B"),
        recommendation=text,
        timeout_seconds=60,
        default_on_timeout=text,
        escalation_rule_id=text[:60],
        status=status,
        response=text if status != "pending" else None,
        responded_by=text[:50] if status != "pending" else "pending",
    )


# -- every rendering function, over arbitrary and hostile strings ----------------------------

fragments = st.sampled_from(HOSTILE) | st.text(max_size=20)
hostile_text = st.lists(fragments, min_size=1, max_size=4).map("".join)
json_scalars = st.none() | st.booleans() | st.integers() | hostile_text
contexts = st.dictionaries(
    hostile_text,
    json_scalars | st.lists(json_scalars, max_size=3) | st.dictionaries(hostile_text, json_scalars),
    max_size=4,
)


@settings(max_examples=80, deadline=None)
@given(
    text=hostile_text, context=contexts, status=st.sampled_from(["pending", "responded", "timeout"])
)
def test_every_view_of_a_point_renders_agent_text_literally(
    text: str, context: dict[str, Any], status: str
) -> None:
    point = a_point(text, context, status)
    output = plain(point_view(point, SAMPLE_NOW, UTC, STUB_APP), width=60)
    assert_inert(output)
    assert_literal(output, text, one_line=False)  # the message, as written
    for key in context:
        if cell_len(printable(key, one_line=True)) <= 24:  # longer keys are cut with an ellipsis
            assert_literal(output, key)
    question = plain(question_text(point), width=80)
    assert_inert(question)
    assert_literal(question, text[:600], one_line=False)
    if status != "pending":
        assert_inert(plain(outcome_text(point, UTC)))
    one_cell = cell(text, 30)
    assert one_cell.cell_len <= 30
    # A cut through a double-width character leaves a space before the ellipsis.
    assert printable(text, one_line=True, max_chars=MAX_CELL_CHARS).startswith(
        one_cell.plain.removesuffix("…").removesuffix(" ")
    )
    assert not literal(text).spans, "agent text carries no styles of its own"


@settings(max_examples=60, deadline=None)
@given(text=hostile_text, context=contexts)
def test_an_escalation_renders_literally(text: str, context: dict[str, Any]) -> None:
    escalation = EscalationRow(1, SAMPLE_NOW, 1, text[:50], 4, text, context)
    output = plain(escalation_context(escalation, UTC), width=200)
    assert_inert(output)
    assert_literal(output, text[:300])
    assert_inert(plain(context_table(context)))


def test_hostile_fragments_stay_visible() -> None:
    output = plain(Text("\n").join(literal(value) for value in HOSTILE), width=200)
    for value in HOSTILE:
        assert_literal(output, value, one_line=False)
    assert "␛[31mred␛[0m" in output
    assert "[@click=app.quit]quit[/]" in output


# -- the same strings through the database, the change feed and the running app --------------


async def insert_hostile(db: Database, text: str) -> str:
    interface = HumanInterface(db, 1, clock=fixed_clock(SAMPLE_NOW), user="agent")
    point = await interface.create_point_async(
        text if text.strip() else "x",  # a blank type is refused (InvalidInput), not shown
        {text or "key": text, "nested": {text or "k": [text]}},
        [text or "A", "B"],
        text,
        timeout_seconds=60,
        default_on_timeout=text,
        message=text,
        severity=4,
        escalation_rule_id=text[:50] or None,
    )
    async with db.transaction() as session:
        session.add(
            EscalationLogModel(
                timestamp=SAMPLE_NOW,
                session_id=1,
                rule_id=text[:50] or "rule",
                severity=5,
                message=text or "message",
                context_summary={text or "key": text},
            )
        )
    return point.point_id


async def show_hostile(project_dir: Path, text: str) -> None:
    db = await Database.open(project_dir)
    try:
        app = build_app(
            Settings(project_dir=project_dir, poll_interval=0.02, user="alice"),
            db,
            clock=fixed_clock(SAMPLE_NOW),
            display_tz=UTC,
        )
        async with app.run_test(size=SIZE) as pilot:
            screen = await live_screen(pilot)
            point_id = await insert_hostile(db, text)
            await wait_until(pilot, lambda: point_id in screen.queue.points)
            escalations = screen.query_one("#escalation-table", DataTable)
            await wait_until(pilot, lambda: escalations.row_count == 1)
            await wait_until(pilot, lambda: screen.detail.point is not None)
            assert app.screen is screen and app.is_running
            body = screen.query_one("#point-detail-body")
            detail = await wait_for_text(pilot, body, printable(text[:200]))
            assert_inert(detail)
            for widget in (screen.queue, escalations, screen.query_one("#escalation-context")):
                assert_inert(rendered_text(widget))
            summary = screen.queue.get_cell(point_id, "summary")
            assert summary.plain.rstrip("…") in printable(text, one_line=True) or not text
    finally:
        await db.close()


async def test_hostile_strings_in_every_field_render_literally_in_the_app(
    tmp_path: Path,
) -> None:
    await show_hostile(tmp_path, "".join(HOSTILE))


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=hostile_text)
def test_generated_hostile_strings_render_literally_in_the_app(
    tmp_path_factory: Any, text: str
) -> None:
    asyncio.run(show_hostile(tmp_path_factory.mktemp("hostile"), text))
