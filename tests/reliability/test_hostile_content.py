"""Hostile agent-supplied content: stored intact, shown literally, never a crash.

Markup (Rich/Textual), terminal escape sequences, control characters, NUL, a 1 MB message,
context nested 600 and 100 000 levels deep, lone surrogates and invalid UTF-8 in legacy files
go through the managers, the CLI (`pending`, `show`, `watch --json`, `report`), and the TUI.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from arcadia_core.clock import fixed_clock
from arcadia_core.config import Settings
from arcadia_core.db import Database
from arcadia_core.db.types import JSON_CUT_MARK, MAX_JSON_DEPTH
from arcadia_core.events import EventType
from arcadia_core.managers import HumanInterface, InjectionPoint, InjectionType
from arcadia_core.managers.autonomy.manager import AutonomyManager
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.failure.manager import FailureAnalyzer
from arcadia_core.managers.observability.manager import Observability
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.records import RiskLevel, RiskPattern
from arcadia_tui.app import build_app
from arcadia_tui.sample import SAMPLE_NOW
from arcadia_tui.screens.autonomy import AutonomyScreen
from arcadia_tui.screens.failures import FailuresScreen
from arcadia_tui.screens.risk import RiskScreen
from tests.agent_process import start_process
from tests.cli_inprocess import run_cli
from tests.legacy_helpers import snapshot
from tests.reliability.helpers import processes, read_line, report
from tests.tui.conftest import (
    live_screen,
    open_view,
    rendered_text,
    squash,
    wait_for_text,
    wait_until,
)

pytestmark = pytest.mark.reliability

HOSTILE = [
    "[bold]bold?[/bold] [/] [link=https://evil.example]click[/link] [@click=app.quit]quit[/]",
    "\x1b[31mred\x1b[0m \x1b]0;pwned title\x07 \x1b[2J\x1b[H \x9b6n",
    "".join(chr(code) for code in range(1, 32)) + "\x7f",
    "nul\x00byte",
    "right\u202eleft\u2066isolate\u2069 line\u2028separator",
    "$text-error {color} \\[escaped] {confidence:.0%} {0} {__class__}",
]
SURROGATE = "build-\udcff\udc80.log"  # os.fsdecode() of a file name that is not UTF-8
HUGE = "M" * 1_000_000
# What a terminal could obey: C0 controls other than newline, DEL, C1 controls, bidi overrides.
OBEYED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def nested(depth: int) -> dict[str, Any]:
    """`{"k": {"k": ...}}`, `depth` objects deep."""
    root: dict[str, Any] = {}
    node = root
    for _ in range(depth - 1):
        node["k"] = {}
        node = node["k"]
    return root


DEEP = nested(MAX_JSON_DEPTH - 1)  # inside a context: nested as deep as is stored whole


def cut_at(value: Any) -> int:
    """The level at which a nested chain was replaced by the cut mark."""
    level = 0
    while isinstance(value, dict):
        value = value.get("k")
        level += 1
    assert value == JSON_CUT_MARK
    return level


async def ask_hostile(human: HumanInterface, text: str, **extra: Any) -> InjectionPoint:
    return await human.create_point_async(
        InjectionType.DECISION,
        {"text": text, text: "as a key", "deep": DEEP, **extra},
        [text, "ok"],
        text,
        message=text,
        severity=5,
    )


async def test_managers_store_hostile_text_intact(db: Database) -> None:
    human = HumanInterface(db, 1, user="agent")
    events = Observability(db, session_id=1)
    escalation = EscalationEngine(db, session_id=1)
    risk = RiskClassifier(db, session_id=1)
    autonomy = AutonomyManager(db, session_id=1)
    checked = 0
    for text in [*HOSTILE, HUGE + HOSTILE[0]]:
        point = await ask_hostile(human, text)
        stored = await human.get_point_async(point.point_id)
        assert (stored.message, stored.recommendation, stored.options) == (text, text, [text, "ok"])
        assert stored.context == {"text": text, text: "as a key", "deep": DEEP}

        event_id = await events.log_event_async(EventType.ERROR, {"m": text, "deep": DEEP})
        (event,) = await events.get_events(event_type=EventType.ERROR, limit=1)
        assert event.event_id == event_id and event.data == {"m": text, "deep": DEEP}

        results = await escalation.evaluate_async(
            {"confidence": 0.1, "decision_type": text, "error_message": text}, return_all=True
        )
        assert isinstance(results, list) and results
        logged = await escalation.get_escalation_history_async(limit=len(results))
        assert sorted(entry["message"] for entry in logged) == sorted(r.message for r in results)
        assert any(text in result.message for result in results)  # "{decision_type}" filled
        assert all(entry["context_summary"]["error_message"] == text for entry in logged)

        assessment = await risk.assess_async("Bash", {"command": text})
        assert assessment.assessment_id is not None
        record = await risk.get_assessment_async(assessment.assessment_id)
        assert record.input_summary == assessment.input_summary

        decision = await autonomy.check_action_async(text, {"file_path": text})
        (history,) = await autonomy.get_decision_history_async(limit=1)
        assert history["tool"] == text[:50] and decision.tool == text
        checked += 1
    report(
        "hostile text through the managers",
        strings=checked,
        largest_message_chars=len(HUGE) + len(HOSTILE[0]),
        context_depth=MAX_JSON_DEPTH,
        read_back_equal=checked,
    )


async def test_context_nested_100000_levels_is_cut_with_a_mark_not_a_crash(db: Database) -> None:
    human = HumanInterface(db, 1, user="agent")
    events = Observability(db, session_id=1)
    escalation = EscalationEngine(db, session_id=1)
    risk = RiskClassifier(db, session_id=1)
    abyss = nested(100_000)
    point = await human.create_point_async(InjectionType.DECISION, {"deep": abyss}, ["a"], "a")
    stored = await human.get_point_async(point.point_id)
    assert cut_at(stored.context["deep"]) == MAX_JSON_DEPTH - 1
    await events.log_event_async(EventType.ERROR, {"deep": abyss})
    (event,) = await events.get_events(event_type=EventType.ERROR, limit=1)
    assert cut_at(event.data["deep"]) == MAX_JSON_DEPTH - 1
    await events.log_tool_call_async("Edit", abyss)
    results = await escalation.evaluate_async(
        {"confidence": 0.1, "decision_type": abyss}, return_all=True
    )
    assert isinstance(results, list)
    assert any("nested too deeply to show" in result.message for result in results)
    await risk.assess_async("Bash", {"command": abyss, "file_path": abyss})
    await AutonomyManager(db, session_id=1).check_action_async("Edit", {"file_path": abyss})
    report("context nested 100000 levels", stored_depth=MAX_JSON_DEPTH, crashes=0)


async def test_lone_surrogates_are_stored_as_replacement_characters_in_text_and_intact_in_json(
    db: Database,
) -> None:
    human = HumanInterface(db, 1, user="agent")
    point = await human.create_point_async(
        InjectionType.DECISION, {"file": SURROGATE}, [SURROGATE], SURROGATE, message=SURROGATE
    )
    stored = await human.get_point_async(point.point_id)
    replaced = SURROGATE.encode("utf-8", "replace").decode("utf-8").replace("?", "\ufffd")
    assert stored.message == stored.recommendation == replaced
    assert stored.context == {"file": SURROGATE}  # JSON keeps the escape: intact
    assert stored.options == [SURROGATE]
    await RiskClassifier(db, session_id=1).assess_async("Bash", {"command": f"cat {SURROGATE}"})
    await EscalationEngine(db, session_id=1).evaluate_async(
        {"confidence": 0.1, "error_message": SURROGATE}
    )
    await AutonomyManager(db, session_id=1).check_action_async(SURROGATE, {})
    answered = await human.answer_async(point.point_id, SURROGATE, by="cli:\udcff")
    assert answered.status == "responded"
    report("lone surrogates", text_columns="U+FFFD", json_columns="intact", crashes=0)


def assert_terminal_safe(output: str) -> None:
    obeyed = OBEYED.findall(output)
    assert not obeyed, sorted(set(obeyed))
    assert not re.search("[\ud800-\udfff]", output)


async def test_cli_shows_hostile_points_literally_and_json_round_trips(
    db: Database, project_dir: Path
) -> None:
    human = HumanInterface(db, 1, user="agent")
    points = [await ask_hostile(human, text, file=SURROGATE) for text in HOSTILE]
    huge = await ask_hostile(human, HOSTILE[0] + HUGE)
    risk = RiskClassifier(db, session_id=1)
    for text in HOSTILE:
        await risk.assess_async("Bash", {"command": f"rm -rf / {text}"})
    await EscalationEngine(db, session_id=1).evaluate_async(
        {"confidence": 0.1, "error_message": HOSTILE[1]}
    )
    where = ("--project-dir", project_dir)

    listing = await run_cli("pending", *where)
    assert listing.returncode == 0 and "[bold]bold?" in listing.stdout
    assert_terminal_safe(listing.stdout)
    assert len(listing.stdout) < 20_000  # the 1 MB message is cut to its column

    for point in [*points, huge]:
        shown = await run_cli("show", point.point_id, *where)
        assert shown.returncode == 0, shown.stderr
        assert_terminal_safe(shown.stdout)
        assert len(shown.stdout) < 20_000
        as_json = await run_cli("show", point.point_id, "--json", *where)
        assert_terminal_safe(as_json.stdout)
        data = json.loads(as_json.stdout)
        assert (data["message"], data["options"]) == (point.message, [point.message, "ok"])
        assert data["context"] == {**point.context}
    shown_huge = (await run_cli("show", huge.point_id, *where)).stdout
    assert re.search(r"^Message: .*M… \(\+996,087 chars\)$", shown_huge, re.MULTILINE)
    every = json.loads((await run_cli("pending", "--json", *where)).stdout)
    assert [entry["message"] for entry in every][:1] == [points[0].message]

    events = Observability(db, session_id=1)
    for text in HOSTILE:
        await events.log_error_async(text, error_type=text, stack_trace=text)
    analysed = await run_cli("report", "failures", "--session", "1", "--analyze", *where)
    assert analysed.returncode == 0, analysed.stderr
    assert_terminal_safe(analysed.stdout)
    formats = ("text", "json", "csv", "md")
    for kind in ("risk", "failures", "metrics"):
        for form in formats:
            result = await run_cli("report", kind, "--format", form, *where)
            assert result.returncode == 0, (kind, form, result.stderr)
            if form != "csv":  # CSV is data for other programs: it carries the text as is
                assert_terminal_safe(result.stdout)
            if form == "json":
                json.loads(result.stdout)

    # `arcadia watch --json` in its own process: every pending point replayed, literally.
    with processes() as started:
        watcher = start_process(
            "watch", "--json", "--pending", "--interval", "0.05", *where, module="arcadia_tui.cli"
        )
        started.append(watcher)
        lines = [await read_line(watcher) for _ in range(len(points) + 1)]
    for line in lines:
        assert_terminal_safe(line)
    replayed = {record["point_id"]: record for record in map(json.loads, lines)}
    for point in [*points, huge]:
        assert replayed[point.point_id]["message"] == point.message
        assert replayed[point.point_id]["context"] == point.context
    report(
        "hostile text through the CLI",
        commands=2 + 2 * (len(points) + 1) + 1 + 3 * len(formats) + 1,
        terminal_controls_printed=0,
        json_round_trips=2 * (len(points) + 1),
        longest_show_output_chars=len(shown_huge),
    )


async def test_tui_renders_hostile_points_literally(db: Database, project_dir: Path) -> None:
    human = HumanInterface(db, 1, user="agent")
    for text in [*HOSTILE, SURROGATE]:
        await ask_hostile(human, text, abyss=nested(100_000))
    await ask_hostile(human, HOSTILE[0] + HUGE)
    await EscalationEngine(db, session_id=1).evaluate_async(
        {"confidence": 0.1, "error_message": HOSTILE[0] + HUGE}
    )
    settings = Settings(project_dir=project_dir, poll_interval=0.02, user="alice")
    app = build_app(settings, db, clock=fixed_clock(SAMPLE_NOW), display_tz=UTC)
    seen = 0
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await live_screen(pilot)
        await wait_until(pilot, lambda: screen.queue.row_count == len(HOSTILE) + 2)
        for _ in range(len(HOSTILE) + 2):
            point = screen.detail.point
            assert point is not None
            expected = [point.point_id, "Options"]
            if (point.message or "").startswith(HOSTILE[0]):
                expected.append("[bold]bold?[/bold]")  # brackets stay brackets
            if len(point.message or "") > 100_000:
                expected.append(f"(+{len(point.message or '') - 4000:,} chars)")  # cut, and says so
            body = screen.query_one("#point-detail-body")
            shown = await wait_for_text(pilot, body, *expected)
            assert not OBEYED.search(shown.replace("\n", ""))
            seen += 1
            await pilot.press("down")
        assert app.is_running
    report("hostile text in the TUI", points_shown=seen, crashes=0)


async def test_invalid_utf8_and_escapes_in_legacy_files_are_reported_not_fatal(
    project_dir: Path,
) -> None:
    source = project_dir / ".escalation" / "escalations.jsonl"
    source.parent.mkdir()
    good = {
        "timestamp": "2024-02-01T10:00:00+00:00",
        "rule_id": "multiple_failures",
        "severity": 4,
        "message": HOSTILE[0] + HOSTILE[1],
        "context_summary": {"feature_index": 1, "text": HOSTILE[2]},
    }
    surrogate = {**good, "timestamp": "2024-02-01T10:00:01+00:00", "message": SURROGATE}
    lines = [
        json.dumps(good).encode(),
        b'{"timestamp": "2024-02-01T10:00:02+00:00", "message": "caf\xe9 \xff\xfe"}',
        json.dumps(surrogate).encode(),  # "\udcff" escapes: valid JSON, no UTF-8 form
        b"\x00\x01\x02 not json",
    ]
    source.write_bytes(b"\n".join(lines) + b"\n")
    (project_dir / ".memory").mkdir()
    (project_dir / ".memory" / "hot.json").write_bytes(b'{"session_id": 1, "note": "\xc3\x28"}')

    result = await run_cli("migrate", "--json", "--project-dir", project_dir)
    assert result.returncode == 3, result.stderr  # imported, with rejected records reported
    rejected = {(item["path"], item["line"]) for item in json.loads(result.stdout)["rejections"]}
    assert rejected == {
        (".escalation/escalations.jsonl", 2),  # invalid UTF-8
        (".escalation/escalations.jsonl", 4),  # control characters, not JSON
        (".memory/hot.json", 1),  # invalid UTF-8: the file is skipped
    }
    async with await Database.open(project_dir) as database:
        logged = await EscalationEngine(database).get_escalation_history_async()
    messages = sorted(entry["message"] for entry in logged)
    assert messages[0] == HOSTILE[0] + HOSTILE[1]  # stored intact
    assert messages[1] == SURROGATE.replace("\udcff", "\ufffd").replace("\udc80", "\ufffd")
    assert logged[-1]["context_summary"]["text"] == HOSTILE[2]
    before = snapshot(project_dir)
    again = await run_cli("migrate", "--json", "--project-dir", project_dir)
    assert again.returncode == 3 and snapshot(project_dir) == before  # idempotent
    report("hostile legacy files", lines=4, imported=2, rejected_with_line=2, crashes=0)


def screen_text(screen: Any) -> str:
    """What every visible widget of the screen shows, as plain text."""
    return "\n".join(
        rendered_text(widget) for widget in screen.query("*") if widget.display and widget.size.area
    )


async def test_every_tui_view_shows_hostile_records_literally(
    db: Database, project_dir: Path
) -> None:
    events = Observability(db, session_id=1)
    risk = RiskClassifier(db, session_id=1)
    autonomy = AutonomyManager(db, session_id=1)
    await risk.add_pattern_async(
        RiskPattern(
            pattern_id="hostile",
            description=HOSTILE[0],
            risk_level=RiskLevel.HIGH,
            tool="Bash",
            input_pattern="rm",
            input_field="command",
            mitigation=HOSTILE[1],
        )
    )
    for text in [*HOSTILE, SURROGATE, HOSTILE[0] + HUGE]:
        await risk.assess_async("Bash", {"command": f"rm -rf {text}"})
        await autonomy.check_action_async(text, {"file_path": text})
        await events.log_tool_call_async(text, {"command": text, "abyss": nested(100_000)})
        await events.log_error_async(text, error_type=text, stack_trace=text)
    await FailureAnalyzer(db).analyze_session_async(1)

    settings = Settings(project_dir=project_dir, poll_interval=0.02, user="alice")
    app = build_app(settings, db, clock=fixed_clock(SAMPLE_NOW), display_tz=UTC)
    shown: dict[str, int] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await live_screen(pilot)
        for key, view in (("f3", AutonomyScreen), ("f4", RiskScreen), ("f5", FailuresScreen)):
            screen = await open_view(pilot, key, view)
            await pilot.pause(0.2)
            text = screen_text(screen)
            assert not OBEYED.search(text.replace("\n", ""))
            assert "[bold]bold?" in squash(text) or "[bold]" in text, view.__name__
            shown[view.__name__] = len(text)
        assert app.is_running
    report("hostile records in every TUI view", views=len(shown), crashes=0)
