"""`assess_bash_risk`: a standalone assessment of one shell command.

It applies the classifier's own built-in Bash patterns first, so the two always agree where
both have a rule (`rm -rf` is HIGH in both), then adds heuristics for commands the patterns do
not cover: sudo/chmod/chown, `DELETE FROM`, yarn and package removals, wget/ssh/scp.
"""

from __future__ import annotations

import re

from arcadia_core.clock import Clock, utc_now
from arcadia_core.managers.risk.records import RiskAssessment, RiskLevel
from arcadia_core.managers.risk.rules import DEFAULT_RISK_PATTERNS, MAX_MATCH_CHARS, match_pattern

_PERMISSION = re.compile(r"\b(?:chmod|chown|sudo)\s")
_DELETE_FROM = re.compile(r"\bdelete\s+from\s", re.IGNORECASE)
_PACKAGES = re.compile(r"\b(?:npm|pip3?|yarn|pnpm)\s+(?:install|add|remove|uninstall)\b")
_NETWORK = re.compile(r"\b(?:curl|wget|ssh|scp|rsync)\s")


def assess_bash_risk(command: str, clock: Clock = utc_now) -> RiskAssessment:
    """Assess a shell command without logging it."""
    text = command[:MAX_MATCH_CHARS]
    lowered = text.lower()
    tool_input = {"command": text}
    level = RiskLevel.MODERATE
    concerns: list[str] = []
    reversible, external, approval, checkpoint = True, False, False, False
    mitigation: str | None = None
    matched_ids: set[str] = set()
    for pattern in DEFAULT_RISK_PATTERNS:
        if pattern.tool != "Bash":
            continue
        concern = match_pattern(pattern, "Bash", tool_input)
        if concern is None:
            continue
        matched_ids.add(pattern.pattern_id)
        level = max(level, pattern.risk_level)
        concerns.append(concern)
        reversible = reversible and pattern.is_reversible
        external = external or pattern.has_external_side_effects
        approval = approval or pattern.requires_approval
        checkpoint = checkpoint or pattern.requires_checkpoint
        mitigation = mitigation or pattern.mitigation
    if matched_ids & {"rm_recursive", "rm_force"}:
        concerns.append("Destructive file deletion")
    if _PERMISSION.search(lowered):
        level = max(level, RiskLevel.HIGH)
        concerns.append("Permission or privilege change")
        approval = True
    if _DELETE_FROM.search(text):
        level = max(level, RiskLevel.HIGH)
        concerns.append("Destructive database statement")
        reversible, approval = False, True
        mitigation = mitigation or "Back up the data before deleting rows"
    if not matched_ids & {"npm_install", "pip_install"} and _PACKAGES.search(lowered):
        concerns.append("Package installation or removal")
        external, checkpoint = True, True
    if _NETWORK.search(lowered):
        external = True
    return RiskAssessment(
        action="Run: " + (text[:50] + "..." if len(text) > 50 else text),
        tool="Bash",
        input_summary=text[:100],
        risk_level=level,
        is_reversible=reversible,
        affects_source_of_truth=False,
        has_external_side_effects=external,
        concerns=concerns,
        requires_approval=approval,
        requires_checkpoint=checkpoint,
        requires_review=level >= RiskLevel.HIGH,
        suggested_mitigation=mitigation,
        timestamp=clock().isoformat(),
    )
