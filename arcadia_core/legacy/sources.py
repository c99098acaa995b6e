"""Reading each kind of legacy source into records for the importer.

Each function takes the running `_Importer` (its report, progress and `offer`), reads one
file, and offers every record it could parse; what it could not is rejected with its
`path:line` and reason.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from arcadia_core.legacy import human, parsers, parsers_memory
from arcadia_core.legacy.discover import LegacySource
from arcadia_core.legacy.jsonio import Fault, Item, iter_csv, iter_jsonl, json_items, read_json

if TYPE_CHECKING:
    from arcadia_core.legacy.importer import _Importer

# Tables whose records carry a business id (the column); the other tables an import writes
# (decisions, escalation logs, risk assessments, failure reports, events) are logs without
# one, matched by a fingerprint of their content.
ID_COLUMNS = {
    "autonomy_config": "id",
    "autonomy_metrics": "id",
    "sessions": "id",
    "escalation_rules": "rule_id",
    "risk_patterns": "pattern_id",
    "injection_points": "point_id",
    "interventions": "intervention_id",
    "intervention_patterns": "pattern_id",
    "hot_memory": "session_id",
    "warm_memory": "session_id",
    "cold_memory": "session_id",
    "warm_memory_issues": "issue_id",
    "warm_memory_patterns": "pattern_id",
    "cold_memory_knowledge": "knowledge_id",
}
KIND_TABLES = {
    "autonomy_config": "autonomy_config",
    "autonomy_metrics": "autonomy_metrics",
    "autonomy_decisions": "autonomy_decisions",
    "escalation_rules": "escalation_rules",
    "escalation_logs": "escalation_logs",
    "risk_patterns": "risk_patterns",
    "risk_assessments": "risk_assessments",
    "failure_report": "failure_reports",
    "human_completed": "injection_points",
    "human_pending": "injection_points",
    "human_response": "injection_points",
    "human_history": "injection_points",
    "interventions": "interventions",
    "intervention_patterns": "intervention_patterns",
    "metrics_json": "sessions",
    "metrics_csv": "sessions",
    "events": "events",
}
_FAILURE_SESSION = re.compile(r"failure_report_(\d+)")
_SESSION_TIME_COLUMNS = {"started_at", "start_time", "ended_at", "end_time"}
_MEMORY_PARSERS: dict[str, Callable[..., dict[str, Any]]] = {
    "hot_memory": parsers_memory.parse_hot_memory,
    "warm_memory": parsers_memory.parse_warm_memory,
    "warm_memory_issues": parsers_memory.parse_warm_memory_issue,
    "warm_memory_patterns": parsers_memory.parse_warm_memory_pattern,
    "cold_memory": parsers_memory.parse_cold_memory,
    "cold_memory_knowledge": parsers_memory.parse_cold_memory_knowledge,
}
_MEMORY_NEEDS_NOW = {
    "hot_memory",
    "warm_memory_issues",
    "warm_memory_patterns",
    "cold_memory_knowledge",
}


def import_source(importer: _Importer, source: LegacySource, table: str) -> None:
    """Read one source and hand its records to the importer."""
    kind = source.kind
    if kind in ("autonomy_config", "autonomy_metrics"):
        parse = (
            parsers.parse_autonomy_config
            if kind == "autonomy_config"
            else parsers.parse_autonomy_metrics
        )
        mtime = datetime.fromtimestamp(source.path.stat().st_mtime, UTC)
        _json_records(importer, source, table, lambda r: parse(r, updated_at=mtime), single=True)
    elif kind == "autonomy_decisions":
        _jsonl(importer, source, table, parsers.parse_autonomy_decision)
    elif kind == "escalation_rules":
        _json_records(
            importer, source, table, lambda r: parsers.parse_escalation_rule(r, now=importer.now)
        )
    elif kind == "escalation_logs":
        _jsonl(importer, source, table, parsers.parse_escalation_log)
    elif kind == "risk_patterns":
        _json_records(
            importer, source, table, lambda r: parsers.parse_risk_pattern(r, now=importer.now)
        )
    elif kind == "risk_assessments":
        _jsonl(importer, source, table, parsers.parse_risk_assessment)
    elif kind == "failure_report":
        match = _FAILURE_SESSION.match(source.path.name)
        hint = int(match.group(1)) if match else None
        _json_records(
            importer,
            source,
            table,
            lambda r: parsers.parse_failure_report(r, session_hint=hint),
            single=True,
        )
    elif kind in ("human_completed", "human_pending"):
        human.import_point_file(importer, source, pending_dir=kind == "human_pending")
    elif kind == "human_response":
        human.import_response_file(importer, source)
    elif kind == "human_history":
        human.import_history(importer, source)
    elif kind == "interventions":
        _jsonl(importer, source, table, parsers.parse_intervention)
    elif kind == "intervention_patterns":
        _json_records(
            importer,
            source,
            table,
            lambda r: parsers.parse_intervention_pattern(r, now=importer.now),
        )
    elif kind == "metrics_json":
        _metrics_json(importer, source)
    elif kind == "metrics_csv":
        _metrics_csv(importer, source)
    elif kind == "events":
        _jsonl(importer, source, table, parsers.parse_event)
    elif kind == "memory":
        _memory(importer, source, table)
    else:  # pragma: no cover - discover and this method are kept in step
        raise AssertionError(kind)


def _accept(
    importer: _Importer,
    source: LegacySource,
    table: str,
    items: Iterator[Item | Fault] | list[Item],
    parse: Callable[[Any], dict[str, Any]],
) -> int:
    seen = 0
    for item in items:
        seen += 1
        importer.advance()
        if isinstance(item, Fault):
            importer.report.reject(source.relpath, table, item.line, item.reason)
            continue
        try:
            row = parse(item.record)
        except parsers.RecordError as error:
            importer.report.reject(source.relpath, table, item.line, error.message)
            continue
        importer.offer(table, row, source.relpath, item.line)
    return seen


def _jsonl(
    importer: _Importer, source: LegacySource, table: str, parse: Callable[[Any], dict[str, Any]]
) -> None:
    if _accept(importer, source, table, iter_jsonl(source.path), parse) == 0:
        importer.report.notes.append(f"{source.relpath}: empty file, no records")


def _json_records(
    importer: _Importer,
    source: LegacySource,
    table: str,
    parse: Callable[[Any], dict[str, Any]],
    single: bool = False,
) -> None:
    loaded = read_json(source.path)
    if isinstance(loaded, Fault):
        importer.report.reject(source.relpath, table, loaded.line, loaded.reason)
        return
    document, text = loaded
    if single and isinstance(document, dict):
        items: list[Item] | None = [Item(1, document)]
    else:
        id_column = ID_COLUMNS.get(table, "")
        items = json_items(document, text, id_column or "failure_type")
    if items is None:
        importer.report.reject(
            source.relpath,
            table,
            1,
            "unrecognised layout: expected a list of records, an object holding one "
            "list, or an object keyed by id",
        )
        return
    keyed = _with_keys(items, ID_COLUMNS.get(table))
    _accept(importer, source, table, keyed, parse)


def _metrics_json(importer: _Importer, source: LegacySource) -> None:
    """`.metrics/metrics.json` (ComprehensiveMetrics): its per-session metrics."""
    loaded = read_json(source.path)
    if isinstance(loaded, Fault):
        importer.report.reject(source.relpath, "sessions", loaded.line, loaded.reason)
        return
    document, text = loaded
    if not isinstance(document, dict):
        importer.report.reject(source.relpath, "sessions", 1, "expected a JSON object")
        return
    if document.get("session_metrics"):
        items = json_items(document, text, "session_id", under="session_metrics")
        if items is None:
            importer.report.reject(
                source.relpath,
                "sessions",
                1,
                "session_metrics: expected a list or an object keyed by session id",
            )
        else:
            sessions = _with_keys(items, "session_id")
            _accept(importer, source, "sessions", sessions, parsers.parse_session)
    derived = sorted(k for k, v in document.items() if k != "session_metrics" and v)
    if derived:
        importer.report.notes.append(
            f"{source.relpath}: {', '.join(derived)} not imported "
            "(run-level figures, recomputed from events)"
        )


def _metrics_csv(importer: _Importer, source: LegacySource) -> None:
    """A `.metrics/*.csv`: rows with a session id and start become sessions."""
    rows = iter_csv(source.path)
    first = next(rows, None)
    if first is None:
        importer.report.notes.append(f"{source.relpath}: no rows")
        return
    if isinstance(first, Item):
        columns = set(first.record)
        if not (columns & {"session_id", "id"}) or not (columns & _SESSION_TIME_COLUMNS):
            importer.report.notes.append(
                f"{source.relpath}: not imported (no session_id/started_at columns; "
                "per-tool aggregates are recomputed from events)"
            )
            return
    _accept(importer, source, "sessions", itertools.chain([first], rows), parsers.parse_session)


def _memory(importer: _Importer, source: LegacySource, table: str) -> None:
    """A `.memory/` file of one tier's table (JSON or JSONL)."""
    parse = _MEMORY_PARSERS[table]
    rows = functools.partial(parse, now=importer.now) if table in _MEMORY_NEEDS_NOW else parse
    if source.path.suffix.lower() == ".jsonl":
        _jsonl(importer, source, table, rows)
    else:
        _json_records(importer, source, table, rows)


def _with_keys(items: list[Item], id_field: str | None) -> list[Item]:
    """Records of an object keyed by id get that id when they lack one themselves."""
    if id_field is None or id_field == "id":
        return items
    return [
        Item(item.line, {**item.record, id_field: item.key})
        if item.key is not None
        and isinstance(item.record, dict)
        and item.record.get(id_field) is None
        else item
        for item in items
    ]
