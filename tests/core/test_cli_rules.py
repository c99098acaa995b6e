"""`arcadia rules list|check`: the rule table, and stored rules that cannot work."""

from __future__ import annotations

import json
from pathlib import Path

from arcadia_core.db import Database
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.escalation.records import EscalationRule
from arcadia_core.models import EscalationRuleModel
from tests.cli_inprocess import run_cli


async def test_list_shows_the_builtins_most_severe_first(db: Database, project_dir: Path) -> None:
    for argv in (["rules"], ["rules", "list"]):
        result = await run_cli(*argv, "--project-dir", project_dir)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].split() == [
            "RULE",
            "SEV",
            "CONDITION",
            "ASKS",
            "TIMEOUT",
            "DEFAULT",
            "SOURCE",
            "ENABLED",
        ]
        assert [line.split()[0] for line in lines[1:]] == [
            "many_failures",
            "irreversible_action",
            "very_low_confidence",
            "feature_regression",
            "multiple_failures",
            "low_confidence",
            "source_of_truth_change",
            "repeated_errors",
        ]
        assert "consecutive_failures >= 5" in lines[1] and "confidence < 0.5" in lines[6]
    data = json.loads((await run_cli("rules", "--json", "--project-dir", project_dir)).stdout)
    assert len(data) == 8 and data[0]["source"] == "builtin" and data[0]["enabled"] is True


async def test_list_shows_custom_edited_and_disabled_rules(db: Database, project_dir: Path) -> None:
    engine = EscalationEngine(db)
    await engine.add_rule_async(
        EscalationRule(
            "slow",
            "Slow",
            "",
            "threshold",
            {"field": "secs", "operator": ">", "value": 60},
            2,
            "review",
            "slow: {secs}",
            ["Look"],
        )
    )
    await engine.remove_rule_async("repeated_errors")
    data = json.loads(
        (await run_cli("rules", "list", "--json", "--project-dir", project_dir)).stdout
    )
    by_id = {entry["rule_id"]: entry for entry in data}
    assert (by_id["slow"]["source"], by_id["repeated_errors"]["enabled"]) == ("custom", False)
    text = (await run_cli("rules", "--project-dir", project_dir)).stdout
    assert "secs > 60" in text


async def test_check_reports_unusable_stored_rules(db: Database, project_dir: Path) -> None:
    clean = await run_cli("rules", "check", "--project-dir", project_dir)
    assert (clean.returncode, clean.stdout.strip()) == (0, "All 8 rules can work as written.")
    async with db.transaction() as session:
        session.add(
            EscalationRuleModel(
                rule_id="legacy",
                name="Legacy",
                description="",
                condition_type="regex",
                condition_params={"field": "x"},
                severity=3,
                injection_type="review",
                message_template="m",
                suggested_actions=[],
            )
        )
    result = await run_cli("rules", "check", "--project-dir", project_dir)
    assert result.returncode == 1
    assert "legacy  error  unknown condition type 'regex'" in result.stdout
    assert "1 error(s), 0 warning(s) in 9 rules." in result.stdout
    data = json.loads(
        (await run_cli("rules", "check", "--json", "--project-dir", project_dir)).stdout
    )
    assert data["errors"] == 1 and data["problems"][0]["rule_id"] == "legacy"
    listed = (await run_cli("rules", "--project-dir", project_dir)).stdout
    assert "regex (unknown)" in listed
