"""Fuzzing (hypothesis): legacy records and files, escalation rules, contexts and templates.

- Every legacy parser, given any JSON value (real sample records with fields replaced, extra
  keys, or anything at all), returns a row or raises its documented `RecordError`.
- The importer, given any bytes in any legacy source file, reports what it could not read
  (with path and line) and never raises; a real import of such files is idempotent.
- Escalation conditions, message templates, rule checks and `EscalationEngine.evaluate`
  never raise, whatever the rule and the context.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arcadia_core.db import Database, database_path
from arcadia_core.display import json_text
from arcadia_core.errors import InvalidInput
from arcadia_core.legacy import import_legacy
from arcadia_core.legacy import parsers as p
from arcadia_core.legacy import parsers_memory as pm
from arcadia_core.legacy.parsers import RecordError
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.escalation.records import EscalationRule
from arcadia_core.managers.escalation.rules import (
    CONDITION_TYPES,
    check_rule,
    context_summary,
    evaluate_condition,
    format_message,
)
from tests.legacy_helpers import SAMPLE, snapshot
from tests.reliability.helpers import LONG, report

pytestmark = pytest.mark.reliability

SCALE = 10 if LONG else 1
NOW = datetime(2024, 3, 1, tzinfo=UTC)

CHARACTERS = st.characters(categories=["Cs", "Cc", "Cf", "L", "N", "P", "S", "Z"])
SPECIAL_TEXT = st.sampled_from(
    ["", " ", "nan", "inf", "-1", "0", "1e999", "2024-01-05T10:00:00Z", "2024-13-45", "yes",
     "pending", "human", "timeout_default", "CRITICAL", "OBSERVE", "{", "}", "\x00", "\ud800",
     "[bold]", "\x1b[31m", "x" * 300]
)  # fmt: skip
TEXT = st.one_of(st.text(CHARACTERS, max_size=30), SPECIAL_TEXT)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=200 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


# -- legacy parsers -------------------------------------------------------------------------


def sample_records() -> list[dict[str, Any]]:
    """Every object found in the sample dot-directories (JSONL lines, JSON items and values)."""
    found: list[dict[str, Any]] = []

    def collect(value: Any, depth: int = 0) -> None:
        if isinstance(value, dict):
            found.append(value)
            if depth < 2:
                for item in value.values():
                    collect(item, depth + 1)
        elif isinstance(value, list) and depth < 2:
            for item in value:
                collect(item, depth + 1)

    for path in sorted(SAMPLE.rglob("*")):
        if path.suffix == ".jsonl":
            for line in path.read_bytes().decode("utf-8", "replace").splitlines():
                try:
                    collect(json.loads(line))
                except ValueError:
                    continue
        elif path.suffix == ".json":
            try:
                collect(json.loads(path.read_bytes().decode("utf-8", "replace")))
            except ValueError:
                continue
    return found


SEEDS = sample_records()
PARSERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "autonomy_config": functools.partial(p.parse_autonomy_config, updated_at=NOW),
    "autonomy_metrics": functools.partial(p.parse_autonomy_metrics, updated_at=NOW),
    "autonomy_decision": p.parse_autonomy_decision,
    "escalation_rule": functools.partial(p.parse_escalation_rule, now=NOW),
    "escalation_log": p.parse_escalation_log,
    "risk_pattern": functools.partial(p.parse_risk_pattern, now=NOW),
    "risk_assessment": p.parse_risk_assessment,
    "failure_report": functools.partial(p.parse_failure_report, session_hint=3),
    "injection_point": p.parse_injection_point,
    "injection_point_pending": functools.partial(p.parse_injection_point, pending_dir=True),
    "injection_response": functools.partial(
        p.parse_injection_response, point_id="INJ-1-1", fallback_time=NOW
    ),
    "intervention": p.parse_intervention,
    "intervention_pattern": functools.partial(p.parse_intervention_pattern, now=NOW),
    "session": p.parse_session,
    "event": p.parse_event,
    "hot_memory": functools.partial(pm.parse_hot_memory, now=NOW),
    "warm_memory": pm.parse_warm_memory,
    "warm_memory_issue": functools.partial(pm.parse_warm_memory_issue, now=NOW),
    "warm_memory_pattern": functools.partial(pm.parse_warm_memory_pattern, now=NOW),
    "cold_memory": pm.parse_cold_memory,
    "cold_memory_knowledge": functools.partial(pm.parse_cold_memory_knowledge, now=NOW),
}


@st.composite
def legacy_records(draw: st.DrawFn) -> Any:
    """A real sample record with some fields replaced and some added, or any JSON at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    record = dict(draw(st.sampled_from(SEEDS)))
    for key in list(record):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            record[key] = draw(JSON)
        elif choice == 1:
            del record[key]
    record.update(draw(st.dictionaries(TEXT, JSON, max_size=2)))
    return record


OUTCOMES: dict[str, dict[str, int]] = {}


@FUZZ
@given(parser=st.sampled_from(sorted(PARSERS)), record=legacy_records())
def test_legacy_parsers_return_a_row_or_raise_record_error(parser: str, record: Any) -> None:
    counts = OUTCOMES.setdefault(parser, {"rows": 0, "refused": 0})
    try:
        row = PARSERS[parser](record)
    except RecordError as error:
        assert error.message and "\n" not in error.message
        counts["refused"] += 1
        return
    assert isinstance(row, dict)
    counts["rows"] += 1


def test_legacy_parser_figures() -> None:
    """Runs after the fuzz test above (same module, file order) and prints what it reached."""
    if not OUTCOMES:
        pytest.skip("the parser fuzz test did not run")
    report(
        "fuzz: legacy parsers",
        examples=sum(sum(c.values()) for c in OUTCOMES.values()),
        parsers=len(OUTCOMES),
        rows=sum(c["rows"] for c in OUTCOMES.values()),
        refused_with_record_error=sum(c["refused"] for c in OUTCOMES.values()),
        other_exceptions=0,
    )


# -- legacy files through the importer ------------------------------------------------------

JSONL_SOURCES = [
    ".escalation/escalations.jsonl",
    ".autonomy/decisions.jsonl",
    ".risk/assessments.jsonl",
    ".learning/interventions.jsonl",
    ".events.jsonl",
    ".human/history.jsonl",
    ".memory/warm/sessions.jsonl",
    ".memory/cold/knowledge.jsonl",
]
JSON_SOURCES = [
    ".autonomy/config.json",
    ".autonomy/metrics.json",
    ".escalation/rules.json",
    ".risk/patterns.json",
    ".failure_reports/failure_report_3_20240105_101500.json",
    ".human/pending/INJ-5-1.json",
    ".human/completed/INJ-4-1.json",
    ".human/responses/INJ-5-2.json",
    ".learning/patterns.json",
    ".memory/hot_memory.json",
    ".memory/warm/issues.json",
    ".metrics/metrics.json",
]
CSV_SOURCES = [".metrics/sessions.csv", ".metrics/tools.csv"]


def mutated_json(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """The sample file's structure with leaves (and sometimes whole branches) replaced."""
    roll = draw(st.integers(0, 7))
    if roll == 0 or depth > 3:
        return draw(JSON) if roll == 0 else value
    if isinstance(value, dict):
        return {key: mutated_json(draw, item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [mutated_json(draw, item, depth + 1) for item in value]
    return draw(JSON) if roll == 1 else value


@st.composite
def legacy_files(draw: st.DrawFn) -> dict[str, bytes]:
    """One to three sample source files rewritten: mutated records, raw bytes, broken lines."""
    files: dict[str, bytes] = {}
    for relpath in draw(
        st.lists(
            st.sampled_from(JSONL_SOURCES + JSON_SOURCES + CSV_SOURCES), min_size=1, max_size=3
        )
    ):
        original = (SAMPLE / relpath).read_bytes()
        if draw(st.integers(0, 5)) == 0:
            files[relpath] = draw(st.binary(max_size=200))
        elif relpath.endswith(".jsonl"):
            lines = []
            for line in original.splitlines()[:4]:
                kind = draw(st.integers(0, 4))
                if kind == 0:
                    lines.append(draw(st.binary(max_size=40)).replace(b"\n", b" "))
                else:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        record = None
                    text = json.dumps(mutated_json(draw, record), ensure_ascii=kind == 1)
                    lines.append(text.encode("utf-8", "surrogatepass"))
            files[relpath] = b"\n".join(lines) + b"\n"
        elif relpath.endswith(".json"):
            value = mutated_json(draw, json.loads(original.decode("utf-8", "replace")))
            files[relpath] = json.dumps(value, ensure_ascii=draw(st.booleans())).encode(
                "utf-8", "surrogatepass"
            )
        else:
            rows = original.decode("utf-8", "replace").splitlines()
            cells = draw(st.lists(TEXT, max_size=6))
            files[relpath] = "\n".join([*rows[:2], ",".join(cells)]).encode("utf-8", "replace")
    return files


def write_project(directory: Path, files: dict[str, bytes]) -> None:
    shutil.copytree(SAMPLE, directory, dirs_exist_ok=True)
    for relpath, content in files.items():
        (directory / relpath).write_bytes(content)


IMPORTS: dict[str, int] = {"runs": 0, "rejections": 0, "imported": 0}


@FUZZ
@given(files=legacy_files())
def test_importer_reports_bad_files_and_never_raises(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        write_project(directory, files)
        result = asyncio.run(import_legacy(None, directory, dry_run=True))
    data = result.to_dict()
    json_text(data)  # printable as JSON, whatever the records held
    result.format_text()
    for rejection in data["rejections"]:
        assert rejection["path"] and rejection["line"] >= 0 and rejection["reason"]
    IMPORTS["runs"] += 1
    IMPORTS["rejections"] += len(data["rejections"])


@functools.cache
def template_database() -> bytes:
    """The bytes of an empty database at the head schema (copied instead of created each time)."""
    with tempfile.TemporaryDirectory() as temporary:

        async def create() -> None:
            await (await Database.open(temporary)).close()

        asyncio.run(create())
        return database_path(temporary).read_bytes()


@settings(FUZZ, max_examples=25 * SCALE)
@given(files=legacy_files())
def test_importing_any_files_twice_adds_nothing_the_second_time(files: dict[str, bytes]) -> None:
    async def import_twice(directory: Path) -> None:
        async with await Database.open(directory) as database:
            first = await import_legacy(database, directory)
            after_first = snapshot(directory)
            second = await import_legacy(database, directory)
        assert snapshot(directory) == after_first
        assert second.to_dict()["totals"]["imported"] == 0, second.format_text()
        IMPORTS["imported"] += first.to_dict()["totals"]["imported"]

    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        write_project(directory, files)
        path = database_path(directory)
        path.parent.mkdir(mode=0o700)
        path.write_bytes(template_database())
        asyncio.run(import_twice(directory))


def test_importer_figures() -> None:
    """Prints what the two importer fuzz tests above reached."""
    if not IMPORTS["runs"]:
        pytest.skip("the importer fuzz tests did not run")
    report(
        "fuzz: legacy files",
        dry_runs=IMPORTS["runs"],
        rejections_reported=IMPORTS["rejections"],
        rows_imported_then_recognised=IMPORTS["imported"],
        exceptions=0,
    )


# -- escalation rules, contexts and templates -----------------------------------------------

FIELDS = ["confidence", "feature_index", "consecutive_failures", "previously_passing",
          "currently_passing", "action", "is_irreversible", "error_message", "error_count",
          "decision_type", "alternatives_count", "test_seconds"]  # fmt: skip
TEMPLATE_PIECES = st.sampled_from(
    ["{", "}", "{{", "}}", "{confidence}", "{confidence:.0%}", "{confidence:>{w}}", "{0}", "{}",
     "{a.b}", "{a[0]}", "{!r}", "{action!r}", "{action!z}", "{confidence:d}",
     "{feature_index:,}", "{error_message:%}", "{:}", "{action:\x00>5}", "{__class__}",
     "{decision_type:.3}", "{confidence:>999999999}", "{confidence:.99999999f}",
     "{error_count:=^40,.2e}", "{consecutive_failures:x}", "%s", "%(action)s"]
)  # fmt: skip
TEMPLATES = st.lists(st.one_of(TEMPLATE_PIECES, TEXT), max_size=8).map("".join)
PARAM_NAMES = st.one_of(
    st.sampled_from(["field", "threshold", "value", "operator", "values", "function", "previous",
                     "current", "contains", "substring"]),
    TEXT,
)  # fmt: skip
OPERATORS = st.sampled_from([">", ">=", "<", "<=", "==", "!=", "=>", "", "in"])
CONTEXTS = st.dictionaries(st.one_of(st.sampled_from(FIELDS), TEXT), JSON, max_size=8)


@st.composite
def escalation_rules(draw: st.DrawFn) -> EscalationRule:
    params = draw(st.dictionaries(PARAM_NAMES, JSON, max_size=4))
    if draw(st.booleans()):
        params["field"] = draw(st.sampled_from(FIELDS))
    if draw(st.booleans()):
        params["operator"] = draw(OPERATORS)
    return EscalationRule(
        rule_id=draw(TEXT),
        name=draw(TEXT),
        description=draw(TEXT),
        condition_type=draw(st.one_of(st.sampled_from(CONDITION_TYPES), TEXT)),
        condition_params=params,
        severity=draw(st.one_of(st.integers(-5, 10), st.integers(), SCALARS)),
        injection_type=draw(st.one_of(st.sampled_from(["decision", "approval", "guidance"]), TEXT)),
        message_template=draw(TEMPLATES),
        suggested_actions=draw(st.lists(TEXT, max_size=3)),
        auto_pause=draw(st.booleans()),
        timeout_seconds=draw(st.one_of(st.integers(-10, 10**6), SCALARS)),
        default_action=draw(st.one_of(st.none(), TEXT)),
    )


ESCALATIONS = {"rules": 0, "fired": 0, "longest_message": 0, "slowest_format_ms": 0.0}


@FUZZ
@given(rule=escalation_rules(), context=CONTEXTS)
def test_conditions_templates_and_rule_checks_never_raise(
    rule: EscalationRule, context: dict[str, Any]
) -> None:
    fired = evaluate_condition(rule, context, {})
    assert isinstance(fired, bool)
    started = time.perf_counter()
    message = format_message(rule.message_template, context)
    elapsed = (time.perf_counter() - started) * 1000
    assert isinstance(message, str) and len(message) < 100_000  # no gigabyte-wide fields
    assert isinstance(check_rule(rule), list)
    context_summary(context)
    ESCALATIONS["rules"] += 1
    ESCALATIONS["fired"] += fired
    ESCALATIONS["longest_message"] = max(ESCALATIONS["longest_message"], len(message))
    ESCALATIONS["slowest_format_ms"] = max(ESCALATIONS["slowest_format_ms"], elapsed)


RULE_KEYS = st.sampled_from(
    ["rule_id", "name", "condition_type", "condition_params", "severity", "message_template",
     "suggested_actions"]
)  # fmt: skip


@FUZZ
@given(data=st.dictionaries(st.one_of(RULE_KEYS, TEXT), JSON))
def test_rules_from_any_dict_are_built_or_refused_with_invalid_input(data: dict[str, Any]) -> None:
    try:
        rule = EscalationRule.from_dict(data)
    except InvalidInput:
        return
    evaluate_condition(rule, {"confidence": 0.1}, {})
    format_message(rule.message_template, {"confidence": 0.1})
    check_rule(rule)


@settings(FUZZ, max_examples=40 * SCALE)
@given(contexts=st.lists(CONTEXTS, min_size=1, max_size=3), rule=escalation_rules())
def test_the_engine_evaluates_and_logs_any_context(
    contexts: list[dict[str, Any]], rule: EscalationRule
) -> None:
    async def evaluate() -> None:
        database = await Database.open_url("sqlite+aiosqlite:///:memory:")
        try:
            engine = EscalationEngine(database, session_id=1)
            # Refusing a rule that cannot work is allowed; evaluating must work either way.
            with contextlib.suppress(InvalidInput):
                await engine.add_rule_async(rule)
            for context in contexts:
                results = await engine.evaluate_async(context, return_all=True)
                assert isinstance(results, list)
                for result in results:
                    assert result.log_id is not None
                    ESCALATIONS["longest_message"] = max(
                        ESCALATIONS["longest_message"], len(result.message)
                    )
        finally:
            await database.close()

    asyncio.run(evaluate())


def test_escalation_figures() -> None:
    """Prints what the escalation fuzz tests above reached."""
    if not ESCALATIONS["rules"]:
        pytest.skip("the escalation fuzz tests did not run")
    report(
        "fuzz: escalation rules, contexts, templates",
        examples=ESCALATIONS["rules"],
        rules_fired=ESCALATIONS["fired"],
        longest_message_chars=ESCALATIONS["longest_message"],
        slowest_format_ms=round(ESCALATIONS["slowest_format_ms"], 1),
        exceptions=0,
    )
