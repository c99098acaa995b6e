"""`arcadia rules [list | check]`: the escalation rules in force, and what is wrong with them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click

from arcadia_core.cli.common import (
    json_option,
    print_json,
    project_dir,
    project_dir_option,
    run,
    wants_json,
)
from arcadia_core.cli.lazy import ChoiceGroup
from arcadia_core.cli.tables import cell, print_table
from arcadia_core.db import Database
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.escalation.records import EscalationRule

JSON_HELP = "Print JSON instead of text, for scripts."


@click.group(cls=ChoiceGroup, invoke_without_command=True, short_help="List and check the rules.")
@json_option(JSON_HELP)
@project_dir_option
@click.pass_context
def rules(ctx: click.Context) -> int:
    """The escalation rules in force: the 8 built-ins and the stored custom rules. Without an
    action, `list`."""
    if ctx.invoked_subcommand is None:
        return run(list_rules())
    return 0


@rules.command(name="list", short_help="Every rule, most severe first.")
@json_option(JSON_HELP)
@project_dir_option
def list_command() -> int:
    """Every rule, most severe first: its condition, what it asks, timeout, default, where it
    comes from (built-in or custom) and whether it is enabled."""
    return run(list_rules())


@rules.command(short_help="Report rules that cannot work as written (exit 1 if any error).")
@json_option(JSON_HELP)
@project_dir_option
def check() -> int:
    """Report the rules that cannot work as written, each with its problem. Exits 1 if any
    problem is an error, 0 when there are only warnings or none."""
    return run(check_rules())


@asynccontextmanager
async def escalation_engine() -> AsyncIterator[EscalationEngine]:
    async with await Database.open(project_dir(), create=False) as database:
        yield EscalationEngine(database)


def condition_text(rule: EscalationRule) -> str:
    """`confidence < 0.5`, `consecutive_failures >= 3`, `regression`, ..."""
    params = rule.condition_params if isinstance(rule.condition_params, dict) else {}
    name = params.get("field", "?")
    kind = rule.condition_type
    if kind == "threshold_below":
        return f"{name} < {params.get('threshold', 0)}"
    if kind == "threshold_above":
        return f"{name} >= {params.get('threshold', 0)}"
    if kind == "equals":
        return f"{name} == {params.get('value')!r}"
    if kind == "not_equals":
        return f"{name} != {params.get('value')!r}"
    if kind == "contains":
        return f"{name} contains {params.get('substring')!r}"
    if kind == "threshold":
        value = params.get("value", params.get("threshold"))
        return f"{name} {params.get('operator', '?')} {value}"
    if kind == "custom":
        return f"custom {params.get('function')}()"
    if kind == "regression":
        return "regression"
    return f"{kind} (unknown)"


async def list_rules() -> int:
    async with escalation_engine() as engine:
        stored = await engine.list_rules_async()
    if wants_json():
        print_json(
            [
                {**s.rule.to_dict(), "source": s.source, "enabled": s.enabled}
                for s in stored
            ]
        )
        return 0
    rows = [
        [
            s.rule.rule_id,
            s.rule.severity,
            cell(condition_text(s.rule), 34),
            s.rule.injection_type,
            f"{s.rule.timeout_seconds}s",
            "-" if s.rule.default_action is None else s.rule.default_action,
            s.source,
            "yes" if s.enabled else "no",
        ]
        for s in stored
    ]
    headers = ["RULE", "SEV", "CONDITION", "ASKS", "TIMEOUT", "DEFAULT", "SOURCE", "ENABLED"]
    print_table(headers, rows)
    return 0


async def check_rules() -> int:
    async with escalation_engine() as engine:
        stored = await engine.list_rules_async()
        problems = await engine.check_rules_async()
    errors = sum(1 for problem in problems if problem.level == "error")
    if wants_json():
        print_json(
            {
                "rules": len(stored),
                "errors": errors,
                "problems": [
                    {"rule_id": p.rule_id, "level": p.level, "message": p.message}
                    for p in problems
                ],
            }
        )
    elif problems:
        rows = [[p.rule_id, p.level, cell(p.message, 90)] for p in problems]
        print_table(["RULE", "LEVEL", "PROBLEM"], rows)
        print(f"\n{errors} error(s), {len(problems) - errors} warning(s) in {len(stored)} rules.")
    else:
        print(f"All {len(stored)} rules can work as written.")
    return 1 if errors else 0
