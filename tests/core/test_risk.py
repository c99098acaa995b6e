"""RiskClassifier: built-in patterns (table-driven), custom patterns, logging, history, stats."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.risk.bash import assess_bash_risk
from arcadia_core.managers.risk.manager import RiskClassifier, format_assessment
from arcadia_core.managers.risk.queries import AssessmentFilter
from arcadia_core.managers.risk.records import RiskAssessment, RiskLevel, RiskPattern
from arcadia_core.managers.risk.rules import (
    DEFAULT_RISK_PATTERNS,
    DEFAULT_TOOL_RISKS,
    MAX_MATCH_CHARS,
)
from arcadia_core.models import RiskAssessmentModel, RiskPatternModel
from tests.core.analysis_helpers import StepClock


@pytest.fixture
def classifier(db: Database) -> RiskClassifier:
    return RiskClassifier(db, session_id=1, clock=StepClock())


def test_thirteen_builtins_in_order() -> None:
    assert [pattern.pattern_id for pattern in DEFAULT_RISK_PATTERNS] == [
        "feature_database_write",
        "git_push",
        "git_force_push",
        "git_reset_hard",
        "rm_recursive",
        "rm_force",
        "npm_install",
        "pip_install",
        "db_drop",
        "db_truncate",
        "curl_post",
        "env_file_write",
        "config_file_write",
    ]
    assert DEFAULT_TOOL_RISKS["Read"] == RiskLevel.MINIMAL
    assert DEFAULT_TOOL_RISKS["feature_mark"] == RiskLevel.MODERATE
    assert RiskLevel.HIGH > 3


# (tool, input, expected level, expected concerns) -- including the false positives of note 9.
CASES = [
    ("Bash", "git push origin main", RiskLevel.HIGH, ["Git push to remote"]),
    ("Bash", "git push origin my-feature", RiskLevel.HIGH, ["Git push to remote"]),
    (
        "Bash",
        "git push -f origin main",
        RiskLevel.CRITICAL,
        ["Git push to remote", "Git force push"],
    ),
    (
        "Bash",
        "git push --force-with-lease",
        RiskLevel.CRITICAL,
        ["Git push to remote", "Git force push"],
    ),
    ("Bash", "git push origin +main", RiskLevel.CRITICAL, ["Git push to remote", "Git force push"]),
    (
        "Bash",
        "git push origin x && rm -f tmp",
        RiskLevel.HIGH,
        ["Git push to remote", "Force file deletion"],
    ),
    ("Bash", "git reset --hard HEAD~1", RiskLevel.HIGH, ["Git hard reset"]),
    ("Bash", "git reset --soft HEAD~1", RiskLevel.MODERATE, []),
    ("Bash", "terraform apply -refresh=false", RiskLevel.MODERATE, []),
    ("Bash", "rm file-report.txt", RiskLevel.MODERATE, []),
    ("Bash", "rm -r build", RiskLevel.HIGH, ["Recursive file deletion"]),
    ("Bash", "rm -rf build", RiskLevel.HIGH, ["Recursive file deletion", "Force file deletion"]),
    ("Bash", "rm --recursive build", RiskLevel.HIGH, ["Recursive file deletion"]),
    ("Bash", "rm -f out.log", RiskLevel.MODERATE, ["Force file deletion"]),
    ("Bash", "npm install", RiskLevel.MODERATE, ["NPM package installation"]),
    ("Bash", "npm i", RiskLevel.MODERATE, ["NPM package installation"]),
    ("Bash", "npm init -y", RiskLevel.MODERATE, []),
    ("Bash", "python -m pip install requests", RiskLevel.MODERATE, ["Python package installation"]),
    ("Bash", "psql -c 'DROP TABLE users'", RiskLevel.CRITICAL, ["Database drop operation"]),
    ("Bash", "dropdb prod", RiskLevel.CRITICAL, ["Database drop operation"]),
    ("Bash", "psql -c 'TRUNCATE TABLE logs'", RiskLevel.HIGH, ["Database truncate operation"]),
    ("Bash", "curl -X POST https://api", RiskLevel.MODERATE, ["HTTP POST request"]),
    ("Bash", "curl -d '{}' https://api", RiskLevel.MODERATE, ["HTTP POST request"]),
    ("Bash", "curl -D headers.txt https://api", RiskLevel.MODERATE, []),
    ("Write", "/p/.arcadia/project.db", RiskLevel.HIGH, ["Direct write to feature database"]),
    ("Edit", "/p/.arcadia/project.db", RiskLevel.HIGH, ["Direct write to feature database"]),
    ("MultiEdit", ".arcadia/project.db", RiskLevel.HIGH, ["Direct write to feature database"]),
    ("Write", "/p/.env", RiskLevel.HIGH, ["Environment file modification"]),
    ("Write", "/p/.env.production", RiskLevel.HIGH, ["Environment file modification"]),
    ("Write", "/p/.envrc", RiskLevel.MODERATE, []),
    ("Write", "/p/app.env.example", RiskLevel.MODERATE, []),
    ("Write", "/p/.env.example", RiskLevel.MODERATE, []),
    ("Write", "src/settings.environment.ts", RiskLevel.MODERATE, []),
    ("Write", "tsconfig.json", RiskLevel.MODERATE, ["Configuration file modification"]),
    ("Edit", "config.yaml", RiskLevel.MODERATE, ["Configuration file modification"]),
    ("Read", "/p/.env", RiskLevel.MINIMAL, []),
]


@pytest.mark.parametrize(("tool", "text", "level", "concerns"), CASES)
async def test_builtin_patterns(
    classifier: RiskClassifier, tool: str, text: str, level: RiskLevel, concerns: list[str]
) -> None:
    field = "command" if tool == "Bash" else "file_path"
    assessment = await classifier.assess_async(tool, {field: text})
    assert (assessment.risk_level, assessment.concerns) == (level, concerns)
    if tool == "Bash":  # one rulebook: the standalone heuristic agrees on level
        assert assess_bash_risk(text).risk_level == level


async def test_aggregate_of_matched_patterns(classifier: RiskClassifier) -> None:
    assessment = await classifier.assess_async(
        "Bash", {"command": "psql -c 'DROP TABLE x'; rm -rf d"}
    )
    assert assessment.risk_level == RiskLevel.CRITICAL
    assert not assessment.is_reversible
    assert (
        assessment.requires_approval
        and assessment.requires_checkpoint
        and assessment.requires_review
    )
    assert assessment.suggested_mitigation == "Back up the database before dropping anything"
    assert assessment.action == "Run: psql -c 'DROP TABLE x'; rm -rf d"


async def test_default_assessment_is_consistent_for_file_writes(classifier: RiskClassifier) -> None:
    plain = await classifier.assess_async("Write", {"file_path": "src/app.py", "content": "x"})
    config = await classifier.assess_async("Write", {"file_path": "config.json"})
    assert plain.is_reversible and config.is_reversible
    assert not plain.affects_source_of_truth
    assert plain.requires_checkpoint and not plain.requires_approval
    assert plain.action == "Write to app.py"
    assert plain.input_summary == "file_path=src/app.py, content=x"
    mark = await classifier.assess_async("feature_mark", {"index": 3})
    assert mark.affects_source_of_truth and mark.risk_level == RiskLevel.MODERATE
    other = await classifier.assess_async("mystery_tool")
    assert other.risk_level == RiskLevel.MODERATE and other.input_summary == "(no input)"
    assert other.action == "mystery_tool operation"
    read = await classifier.assess_async("Read", {"file_path": "a.txt"})
    assert read.is_reversible and not read.requires_checkpoint


async def test_every_assessment_is_logged_with_its_session(
    db: Database, classifier: RiskClassifier
) -> None:
    first = await classifier.assess_async("Bash", {"command": "git push"})
    classifier.update_session_id(2)
    await classifier.assess_async("Read", {"file_path": "x"})
    async with db.read() as session:
        rows = list(
            await session.scalars(select(RiskAssessmentModel).order_by(RiskAssessmentModel.id))
        )
    assert [(row.session_id, row.tool, row.risk_level) for row in rows] == [
        (1, "Bash", 4),
        (2, "Read", 1),
    ]
    assert rows[0].id == first.assessment_id
    assert rows[0].concerns == ["Git push to remote"]


async def test_concurrent_assessments_in_one_loop_are_all_logged(
    db: Database, classifier: RiskClassifier
) -> None:
    await asyncio.gather(
        *(classifier.assess_async("Bash", {"command": f"ls {i}"}) for i in range(10))
    )
    classifier.assess("Bash", {"command": "ls"})  # blocking form inside the loop
    assert await classifier.count_assessments_async() == 11


async def test_register_rule_replaces_patterns_for_that_tool(classifier: RiskClassifier) -> None:
    def rule(tool_input: dict[str, object]) -> RiskAssessment:
        return RiskAssessment("deploy", "Deploy", "-", RiskLevel.CRITICAL, False, False, True)

    classifier.register_rule("Deploy", rule)
    assessment = await classifier.assess_async("Deploy", {"target": "prod"})
    assert assessment.risk_level == RiskLevel.CRITICAL and assessment.assessment_id is not None


async def test_custom_patterns_persist_disable_and_remove(db: Database, project_dir: Path) -> None:
    writer = RiskClassifier(db)
    await writer.add_pattern_async(
        RiskPattern(
            "kubectl_delete",
            "Kubernetes delete",
            RiskLevel.HIGH,
            tool="Bash",
            input_pattern=r"\bkubectl\s+delete\b",
            input_field="command",
            requires_approval=True,
        )
    )
    other_db = await Database.open(project_dir)  # another process sees it on its next call
    try:
        reader = RiskClassifier(other_db)
        hit = await reader.assess_async("Bash", {"command": "kubectl delete pod x"})
        assert hit.concerns == ["Kubernetes delete"] and hit.requires_approval
        await writer.disable_pattern_async("kubectl_delete")
        assert (
            await reader.assess_async("Bash", {"command": "kubectl delete pod x"})
        ).concerns == []
        await writer.enable_pattern_async("kubectl_delete")
        assert (await reader.assess_async("Bash", {"command": "kubectl delete pod x"})).concerns
        await writer.remove_pattern_async("kubectl_delete")
        assert (
            await reader.assess_async("Bash", {"command": "kubectl delete pod x"})
        ).concerns == []
    finally:
        await other_db.close()
    with pytest.raises(NotFound):
        await writer.remove_pattern_async("kubectl_delete")


async def test_builtins_can_be_disabled_and_overridden_but_not_removed(
    db: Database, classifier: RiskClassifier
) -> None:
    await classifier.disable_pattern_async("git_push")
    assert (await classifier.assess_async("Bash", {"command": "git push"})).concerns == []
    async with db.read() as session:
        row = await session.scalar(
            select(RiskPatternModel).where(RiskPatternModel.pattern_id == "git_push")
        )
        assert row is not None and row.is_custom is False and row.is_enabled is False
    await classifier.enable_pattern_async("git_push")
    with pytest.raises(InvalidInput):
        await classifier.remove_pattern_async("git_push")

    override = RiskPattern(
        "rm_force",
        "Forced delete (team rule)",
        RiskLevel.HIGH,
        tool="Bash",
        input_pattern=r"\brm\s+-f\b",
        input_field="command",
        requires_approval=True,
    )
    await classifier.add_pattern_async(override)
    infos = await classifier.list_patterns_async()
    assert [info.pattern.pattern_id for info in infos][:13] == [
        p.pattern_id for p in DEFAULT_RISK_PATTERNS
    ]
    assert infos[5].pattern == override and infos[5].is_custom and infos[5].is_builtin
    assessment = await classifier.assess_async("Bash", {"command": "rm -f x"})
    assert (
        assessment.concerns == ["Forced delete (team rule)"]
        and assessment.risk_level == RiskLevel.HIGH
    )
    await classifier.remove_pattern_async("rm_force")  # removing the override restores the built-in
    assert (await classifier.assess_async("Bash", {"command": "rm -f x"})).concerns == [
        "Force file deletion"
    ]
    async with db.read() as session:
        stored = await session.scalar(select(func.count()).select_from(RiskPatternModel))
    assert stored == 1  # only the git_push switch; built-ins themselves are not stored


@pytest.mark.parametrize(
    "bad",
    [
        RiskPattern(
            "x",
            "bad regex",
            RiskLevel.LOW,
            tool="Bash",
            input_pattern="(unclosed",
            input_field="command",
        ),
        RiskPattern("x", "no field", RiskLevel.LOW, tool="Bash", input_pattern="abc"),
        RiskPattern("", "no id", RiskLevel.LOW),
        RiskPattern("x", "", RiskLevel.LOW),
        RiskPattern("x", "long", RiskLevel.LOW, input_pattern="a" * 300, input_field="command"),
    ],
)
async def test_invalid_custom_patterns_are_rejected(
    classifier: RiskClassifier, bad: RiskPattern
) -> None:
    with pytest.raises(InvalidInput):
        await classifier.add_pattern_async(bad)
    assert len(await classifier.list_patterns_async()) == 13


async def test_catastrophic_regex_is_bounded_and_fails_safe(classifier: RiskClassifier) -> None:
    await classifier.add_pattern_async(
        RiskPattern(
            "evil",
            "Evil pattern",
            RiskLevel.HIGH,
            tool="Bash",
            input_pattern=r"^(a+)+$",
            input_field="command",
        )
    )
    assessment = await classifier.assess_async("Bash", {"command": "a" * 5000 + "!"})
    assert assessment.concerns == ["Evil pattern (pattern evil timed out; treated as a match)"]
    assert assessment.risk_level == RiskLevel.HIGH


async def test_patterns_see_only_a_bounded_slice_of_the_input(classifier: RiskClassifier) -> None:
    padding = "x" * MAX_MATCH_CHARS
    assessment = await classifier.assess_async("Bash", {"command": f"echo {padding}; git push"})
    assert assessment.concerns == []


async def test_stored_invalid_regex_counts_as_a_match(
    db: Database, classifier: RiskClassifier
) -> None:
    async with db.transaction() as session:  # e.g. written by ArcadiaForge or by hand
        session.add(
            RiskPatternModel(
                pattern_id="broken",
                description="Broken rule",
                risk_level=4,
                tool="Bash",
                input_pattern="([",
                input_field="command",
            )
        )
    assessment = await classifier.assess_async("Bash", {"command": "ls"})
    assert assessment.concerns == ["Broken rule (pattern broken is invalid; treated as a match)"]


async def seed_history(classifier: RiskClassifier) -> None:
    commands = ["ls", "git push", "rm -rf x", "git push -f", "npm install", "cat a"]
    for index, command in enumerate(commands):
        classifier.update_session_id(1 + index % 2)
        await classifier.assess_async("Bash", {"command": command})
    await classifier.assess_async("Write", {"file_path": ".env"})


async def test_history_filters_paging_and_search(classifier: RiskClassifier) -> None:
    await seed_history(classifier)
    history = await classifier.get_assessment_history_async(min_level=RiskLevel.HIGH)
    assert [record["input_summary"] for record in history] == [
        "command=git push",
        "command=rm -rf x",
        "command=git push -f",
        "file_path=.env",
    ]
    assert history[0]["risk_level_name"] == "HIGH"
    assert len(await classifier.get_assessment_history_async(tool="Write")) == 1
    assert len(await classifier.get_assessment_history_async(session_id=2)) == 4

    approval = AssessmentFilter(requires_approval=True)
    assert await classifier.count_assessments_async(approval) == 4
    first_page = await classifier.list_assessments_async(approval, limit=3)
    second_page = await classifier.list_assessments_async(
        approval, limit=3, before_id=first_page[-1].assessment_id
    )
    by_offset = await classifier.list_assessments_async(approval, limit=3, offset=3)
    assert len(first_page) == 3 and second_page == by_offset and len(second_page) == 1
    ids = [record.assessment_id for record in first_page + second_page]
    assert ids == sorted(ids, reverse=True)

    assert len(await classifier.list_assessments_async(AssessmentFilter(risk_level=5))) == 1
    assert (
        len(
            await classifier.list_assessments_async(
                AssessmentFilter(requires_checkpoint=True, session_id=1)
            )
        )
        == 3
    )
    found = await classifier.list_assessments_async(AssessmentFilter(search="force push"))
    assert [record.input_summary for record in found] == ["command=git push -f"]
    assert await classifier.list_assessments_async(AssessmentFilter(search="100%_")) == []

    record = await classifier.get_assessment_async(ids[0])
    assert record.to_dict()["id"] == ids[0]
    assert "REQUIRES APPROVAL" in format_assessment(record)
    with pytest.raises(NotFound):
        await classifier.get_assessment_async(999)


async def test_high_risk_summary_and_stats_from_sql(classifier: RiskClassifier) -> None:
    await seed_history(classifier)
    summary = await classifier.get_high_risk_summary_async()
    assert summary["total_high_risk"] == 4
    assert summary["by_tool"] == {"Bash": 3, "Write": 1}
    assert summary["approvals_required"] == 4 and summary["checkpoints_required"] == 1
    assert set(summary["concerns"]) == {
        "Git push to remote",
        "Recursive file deletion",
        "Force file deletion",
        "Git force push",
        "Environment file modification",
    }
    stats = await classifier.get_stats_async()
    assert stats["total_assessments"] == 7
    assert stats["by_level"] == {"MINIMAL": 0, "LOW": 0, "MODERATE": 3, "HIGH": 3, "CRITICAL": 1}
    assert stats["approvals_required"] == 4 and stats["checkpoints_required"] == 4
    assert (await classifier.get_stats_async(session_id=2))["total_assessments"] == 4
    assert classifier.get_stats()["total_assessments"] == 7  # blocking form


def test_assess_bash_risk_extra_heuristics() -> None:
    sudo = assess_bash_risk("sudo chmod 777 /etc")
    assert sudo.risk_level == RiskLevel.HIGH and sudo.requires_approval
    assert "Permission or privilege change" in sudo.concerns
    delete = assess_bash_risk("sqlite3 db 'DELETE FROM users'")
    assert delete.risk_level == RiskLevel.HIGH and not delete.is_reversible
    rm = assess_bash_risk("rm -rf build")
    assert "Destructive file deletion" in rm.concerns and rm.requires_approval
    yarn = assess_bash_risk("yarn add react")
    assert yarn.has_external_side_effects and yarn.requires_checkpoint
    assert assess_bash_risk("rm notes.txt").risk_level == RiskLevel.MODERATE
    assert assess_bash_risk("wget http://x").has_external_side_effects
