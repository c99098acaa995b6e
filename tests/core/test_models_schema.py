"""Our models versus ArcadiaForge's real project.db schema (tests/data/arcadiaforge_schema.sql)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

import arcadia_core.models as models
from arcadia_core.db.base import Base

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA_SQL = DATA / "arcadiaforge_schema.sql"
ROWS_SQL = DATA / "arcadiaforge_rows.sql"

EXPECTED_TABLES = {
    "sessions",
    "events",
    "features",
    "artifacts",
    "checkpoints",
    "decisions",
    "hypotheses",
    "progress_entries",
    "hot_memory",
    "warm_memory",
    "warm_memory_issues",
    "warm_memory_patterns",
    "cold_memory",
    "cold_memory_knowledge",
    "autonomy_config",
    "autonomy_metrics",
    "autonomy_decisions",
    "escalation_rules",
    "escalation_logs",
    "injection_points",
    "risk_patterns",
    "risk_assessments",
    "failure_reports",
    "interventions",
    "intervention_patterns",
}

# Arcadia's own tables, which ArcadiaForge does not have (revision 0003 onwards).
ARCADIA_TABLES = {"agent_sessions"}

# ArcadiaForge tables that Arcadia deliberately does not model.
UNMODELLED_TABLES = {
    "troubleshooting_entries",
    "agent_messages",
    "system_capabilities",
    "stall_records",
}

# Columns annotated float but declared INTEGER by ArcadiaForge; ours are FLOAT.
FLOAT_FIXES = {
    ("sessions", "total_cost"),
    ("decisions", "confidence"),
    ("hypotheses", "confidence"),
    ("warm_memory", "duration_seconds"),
    ("warm_memory_patterns", "confidence"),
    ("cold_memory", "duration_seconds"),
    ("cold_memory_knowledge", "confidence"),
}


# Indexes Arcadia adds on top of ArcadiaForge's schema (migration 0002), per table.
ARCADIA_EXTRA_INDEXES: dict[str, dict[str, tuple[int, str, tuple[str, ...]]]] = {
    "events": {
        "ix_events_session_id": (0, "c", ("session_id",)),
        "ix_events_type": (0, "c", ("type",)),
        "ix_events_timestamp": (0, "c", ("timestamp",)),
    },
    "failure_reports": {"ix_failure_reports_generated_at": (0, "c", ("generated_at",))},
    "interventions": {
        "ix_interventions_timestamp": (0, "c", ("timestamp",)),
        "ix_interventions_intervention_type": (0, "c", ("intervention_type",)),
    },
}


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


@pytest.fixture(scope="module")
def forge_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file built from ArcadiaForge's own DDL, holding the fixture rows."""
    path = tmp_path_factory.mktemp("forge") / "project.db"
    with _connect(path) as conn:
        conn.executescript(SCHEMA_SQL.read_text())
        conn.executescript(ROWS_SQL.read_text())
    conn.close()
    return path


@pytest.fixture(scope="module")
def ours_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file built from our metadata."""
    path = tmp_path_factory.mktemp("ours") / "project.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture
def forge_engine(forge_db: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{forge_db}")
    yield engine
    engine.dispose()


def _tables(path: Path) -> set[str]:
    conn = _connect(path)
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        conn.close()
    return {name for (name,) in rows}


def _columns(path: Path, table: str) -> list[tuple[str, str, int, str | None, int]]:
    """(name, declared type, notnull, default, pk position) per column, in table order."""
    conn = _connect(path)
    try:
        rows = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    finally:
        conn.close()
    return [(name, decl, notnull, dflt, pk) for (_cid, name, decl, notnull, dflt, pk) in rows]


def _indexes(path: Path, table: str) -> dict[str, tuple[int, str, tuple[str, ...]]]:
    """index name -> (unique, origin, indexed columns)."""
    conn = _connect(path)
    try:
        result = {}
        for _seq, name, unique, origin, _partial in conn.execute(f'PRAGMA index_list("{table}")'):
            cols = tuple(row[2] for row in conn.execute(f'PRAGMA index_info("{name}")'))
            result[name] = (unique, origin, cols)
    finally:
        conn.close()
    return result


def _foreign_keys(path: Path, table: str) -> set[tuple[str, str, str]]:
    conn = _connect(path)
    try:
        rows = conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
    finally:
        conn.close()
    return {(row[3], row[2], row[4]) for row in rows}


# (a) registration ---------------------------------------------------------------------------


def test_exactly_the_25_tables_plus_arcadias_own_are_registered() -> None:
    assert len(Base.metadata.tables) == 25 + len(ARCADIA_TABLES)
    assert set(Base.metadata.tables) == EXPECTED_TABLES | ARCADIA_TABLES


def test_every_model_class_is_exported() -> None:
    assert len(models.__all__) == 25 + len(ARCADIA_TABLES)
    mapped = {getattr(models, name).__tablename__ for name in models.__all__}
    assert mapped == EXPECTED_TABLES | ARCADIA_TABLES


def test_fixture_holds_our_tables_plus_arcadiaforge_extras(forge_db: Path) -> None:
    assert _tables(forge_db) == EXPECTED_TABLES | UNMODELLED_TABLES


# (b) schema parity with ArcadiaForge's DDL --------------------------------------------------


@pytest.mark.parametrize("table", sorted(EXPECTED_TABLES))
def test_columns_match_arcadiaforge(table: str, forge_db: Path, ours_db: Path) -> None:
    theirs = _columns(forge_db, table)
    ours = _columns(ours_db, table)
    assert [c[0] for c in ours] == [c[0] for c in theirs]
    expected = []
    for name, decl, notnull, dflt, pk in theirs:
        if (table, name) in FLOAT_FIXES:
            assert decl == "INTEGER", f"fixture should keep ArcadiaForge's INTEGER for {name}"
            ours_decl = dict((c[0], c[1]) for c in ours)[name]
            assert ours_decl in ("FLOAT", "REAL")
            decl = ours_decl
        expected.append((name, decl, notnull, dflt, pk))
    assert ours == expected


@pytest.mark.parametrize("table", sorted(EXPECTED_TABLES))
def test_indexes_match_arcadiaforge(table: str, forge_db: Path, ours_db: Path) -> None:
    expected = {**_indexes(forge_db, table), **ARCADIA_EXTRA_INDEXES.get(table, {})}
    assert _indexes(ours_db, table) == expected


@pytest.mark.parametrize("table", sorted(EXPECTED_TABLES))
def test_foreign_keys_match_arcadiaforge(table: str, forge_db: Path, ours_db: Path) -> None:
    assert _foreign_keys(ours_db, table) == _foreign_keys(forge_db, table)


def test_float_fixes_are_real_affinity(ours_db: Path) -> None:
    for table, column in FLOAT_FIXES:
        decl = dict((c[0], c[1]) for c in _columns(ours_db, table))[column]
        assert decl in ("FLOAT", "REAL"), (table, column, decl)


def test_create_all_leaves_an_arcadiaforge_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "project.db"
    with _connect(path) as conn:
        conn.executescript(SCHEMA_SQL.read_text())
        conn.executescript(ROWS_SQL.read_text())
    conn.close()
    before = {t: _columns(path, t) for t in _tables(path)}
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    after = {t: _columns(path, t) for t in _tables(path)}
    assert set(after) - set(before) == ARCADIA_TABLES  # only Arcadia's own tables are added
    assert {t: after[t] for t in before} == before
    conn = _connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM troubleshooting_entries").fetchone() == (1,)
    finally:
        conn.close()


# (c) ArcadiaForge rows read back through our models ------------------------------------------


def _utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def test_sessions_and_events_read_back(forge_engine: Engine) -> None:
    with Session(forge_engine) as db:
        first = db.get(models.SessionModel, 1)
        assert first is not None
        assert first.session_uuid == "3f2b8c1e-5d4a-4b6e-9a7f-1c2d3e4f5a6b"
        assert first.start_time == _utc(2025, 3, 1, 10, 0, 0)
        assert first.start_time.tzinfo is UTC
        assert first.end_time == _utc(2025, 3, 1, 10, 42, 17, 123456)
        assert first.status == "completed"
        assert isinstance(first.total_cost, float)
        assert first.total_cost == 1.25

        second = db.get(models.SessionModel, 2)
        assert second is not None
        assert second.end_time is None
        # ArcadiaForge's INTEGER column stores a whole-number cost as an integer, and plain
        # Float has no result conversion on SQLite, so it reads back as int 0 (equal to 0.0).
        assert second.total_cost == 0.0

        event = models.EventModel
        events = db.scalars(select(event).where(event.session_id == 1).order_by(event.id)).all()
        assert [e.type for e in events] == ["session_start", "tool_call", "tool_result"]
        assert events[1].payload == {
            "tool_name": "Bash",
            "input": {"command": "npm test"},
            "feature_index": 3,
        }
        assert events[1].timestamp == _utc(2025, 3, 1, 10, 0, 5, 250000)
        assert events[2].payload["is_error"] is False
        assert events[0].source == "agent"


def test_project_and_memory_rows_read_back(forge_engine: Engine) -> None:
    with Session(forge_engine) as db:
        feature = db.scalars(
            select(models.FeatureModel).where(models.FeatureModel.index == 3)
        ).one()
        assert feature.id == 4
        assert feature.steps == ["Open /login", "Enter credentials", "See dashboard"]
        assert feature.passes is True
        assert feature.verification_skipped is False
        assert feature.verified_at == _utc(2025, 3, 1, 10, 40, 0, 1)
        assert feature.blocked_by == [1]
        assert feature.blocks == [5, 6]
        assert feature.feature_metadata == {}

        artifact = db.get(models.ArtifactModel, "0d5e6f7a-8b9c-4d0e-a1f2-3b4c5d6e7f80")
        assert artifact is not None
        assert artifact.feature_index == 3
        assert artifact.metadata_json == {"width": 1280, "height": 720}
        assert artifact.created_at == _utc(2025, 3, 1, 10, 39, 58)

        decision = db.scalars(select(models.DecisionModel)).one()
        assert decision.confidence == 0.8
        assert decision.alternatives == ["feature 5", "feature 6"]
        assert decision.outcome_success is None

        warm = db.scalars(select(models.WarmMemoryModel)).one()
        assert warm.duration_seconds == pytest.approx(2537.123456)
        assert warm.errors_encountered == [{"type": "test_failure", "message": "1 failing"}]
        assert warm.started_at == _utc(2025, 3, 1, 10, 0, 0)


def test_autonomy_and_escalation_rows_read_back(forge_engine: Engine) -> None:
    with Session(forge_engine) as db:
        config = db.get(models.AutonomyConfigModel, 1)
        assert config is not None
        assert config.action_levels == {"Bash": 3, "Write": 2}
        assert config.confidence_threshold == 0.5
        assert config.auto_adjust is True
        assert config.updated_at == _utc(2025, 3, 1, 10, 0, 0)

        metrics = db.get(models.AutonomyMetricsModel, 1)
        assert metrics is not None
        assert metrics.recent_outcomes == [True, True, False, True, True]
        assert metrics.level_changes[0]["to_level"] == 2
        assert metrics.updated_at == _utc(2025, 3, 1, 10, 30, 0, 654321)

        rule = models.EscalationRuleModel
        rules = db.scalars(select(rule).order_by(rule.id)).all()
        assert [r.rule_id for r in rules] == ["low_confidence", "custom_budget"]
        assert rules[0].condition_params == {"field": "confidence", "threshold": 0.3}
        assert rules[0].suggested_actions == ["Proceed anyway", "Skip feature"]
        assert rules[0].is_enabled is True
        assert rules[0].default_action is None
        assert rules[1].is_enabled is False
        assert rules[1].auto_pause is True
        assert rules[1].updated_at == _utc(2025, 3, 1, 10, 15, 0, 500000)

        log = db.scalars(select(models.EscalationLogModel)).one()
        assert log.context_summary == {"confidence": 0.25, "feature": 3}


def test_injection_points_and_risk_rows_read_back(forge_engine: Engine) -> None:
    with Session(forge_engine) as db:
        points = {p.point_id: p for p in db.scalars(select(models.InjectionPointModel))}
        pending = points["INJ-1-1"]
        assert pending.status == "pending"
        assert pending.responded_by == "pending"
        assert pending.response is None
        assert pending.responded_at is None
        assert pending.context == {"action": "git push --force"}
        assert pending.options == ["approve", "reject"]
        assert pending.timestamp == _utc(2025, 3, 1, 10, 5, 0)

        answered = points["INJ-1-2"]
        assert answered.status == "responded"
        assert answered.response == "skip"
        assert answered.responded_by == "human"
        assert answered.responded_at == _utc(2025, 3, 1, 10, 7, 30, 123456)
        assert answered.default_on_timeout is None

        risk = db.scalars(select(models.RiskAssessmentModel)).one()
        assert risk.timestamp == _utc(2025, 3, 1, 10, 5, 0, 500)
        assert risk.risk_level == 4
        assert risk.is_reversible is False
        assert risk.requires_approval is True
        assert risk.concerns == ["Irreversible deletion", "Recursive"]


def test_new_rows_get_python_and_server_defaults(ours_db: Path) -> None:
    engine = create_engine(f"sqlite:///{ours_db}")
    try:
        with Session(engine) as db:
            session_row = models.SessionModel()
            config = models.AutonomyConfigModel()
            a = models.FeatureModel(index=100, description="a", steps=[])
            b = models.FeatureModel(index=101, description="b", steps=[])
            db.add_all([session_row, config, a, b])
            db.commit()
            assert len(session_row.session_uuid) == 36
            assert session_row.status == "running"
            assert session_row.total_cost == 0.0
            assert session_row.start_time.tzinfo is UTC
            assert config.id == 1
            assert config.level == 3
            assert config.action_levels == {}
            assert a.audit_notes == [] and a.audit_notes is not b.audit_notes
            assert a.feature_metadata == {} and a.feature_metadata is not b.feature_metadata
    finally:
        engine.dispose()
