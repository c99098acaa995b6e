"""`arcadia rules [list | check]`: the escalation rules in force, and what is wrong with them."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from arcadia_core.cli.common import print_json, project_dir
from arcadia_core.cli.tables import cell, format_table
from arcadia_core.db import Database
from arcadia_core.managers.escalation.manager import EscalationEngine
from arcadia_core.managers.escalation.records import EscalationRule


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    json_option = argparse.ArgumentParser(add_help=False)
    json_option.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON"
    )
    parents = [common, json_option]
    rules = subparsers.add_parser(
        "rules",
        help="list and check the escalation rules",
        description="The escalation rules: the 8 built-ins and the stored custom rules.",
        parents=parents,
    )
    rules.set_defaults(handler=list_rules, json=False)
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    listing = actions.add_parser("list", help="every rule, most severe first", parents=parents)
    listing.set_defaults(handler=list_rules)
    check = actions.add_parser(
        "check",
        help="report rules that cannot work as written (exit 1 if any error)",
        parents=parents,
    )
    check.set_defaults(handler=check_rules)


@asynccontextmanager
async def escalation_engine(args: argparse.Namespace) -> AsyncIterator[EscalationEngine]:
    async with await Database.open(project_dir(args), create=False) as database:
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


async def list_rules(args: argparse.Namespace) -> int:
    async with escalation_engine(args) as engine:
        stored = await engine.list_rules_async()
    if args.json:
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
    print(format_table(headers, rows))
    return 0


async def check_rules(args: argparse.Namespace) -> int:
    async with escalation_engine(args) as engine:
        stored = await engine.list_rules_async()
        problems = await engine.check_rules_async()
    errors = sum(1 for problem in problems if problem.level == "error")
    if args.json:
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
        print(format_table(["RULE", "LEVEL", "PROBLEM"], rows))
        print(f"\n{errors} error(s), {len(problems) - errors} warning(s) in {len(stored)} rules.")
    else:
        print(f"All {len(stored)} rules can work as written.")
    return 1 if errors else 0
