"""The pure risk rules: the built-in patterns, bounded regex matching, classification.

Built-in regexes are anchored on word boundaries and command-line flag tokens, and look for
flags only within the same shell command (up to `;`, `&`, `|` or a newline), so `-f` inside a
branch name or `-r` inside a file name no longer escalates.

Custom patterns are validated when added (a regex that does not compile is `InvalidInput`) and
every pattern runs with a time bound (`MATCH_TIMEOUT_SECONDS`) on the first `MAX_MATCH_CHARS`
characters of its field, using the `regex` module's timeout: a pattern that backtracks
catastrophically cannot stall the agent. A pattern that times out, or a stored pattern whose
regex is invalid, counts as matched (failing safe) and says so in its concern.
"""

from __future__ import annotations

import functools
import os
from datetime import datetime
from typing import Any

import regex

from arcadia_core.display import clip, safe_str
from arcadia_core.errors import InvalidInput, NotFound
from arcadia_core.managers.risk.records import RiskAssessment, RiskLevel, RiskPattern

MAX_MATCH_CHARS = 10_000
MATCH_TIMEOUT_SECONDS = 0.05
MAX_REGEX_LENGTH = 255

# A pattern whose tool is "Write" covers every tool that writes a file.
FILE_WRITE_TOOLS = frozenset({"Write", "Edit", "MultiEdit"})


# Pieces of the built-in regexes: one shell command segment, a git subcommand, a flag token.
_SEGMENT = r"[^;&|\n]*?"
_GIT = r"\bgit\s+(?:-C\s+\S+\s+)?"
_END = r"(?=[\s;&|)]|$)"


def _short_flag(letters: str) -> str:
    """A short-option cluster containing one of `letters` (case-sensitive), e.g. -rf."""
    return rf"-(?-i:[a-zA-Z]*[{letters}][a-zA-Z]*)"


DEFAULT_RISK_PATTERNS: tuple[RiskPattern, ...] = (
    RiskPattern(
        "feature_database_write",
        "Direct write to feature database",
        RiskLevel.HIGH,
        tool="Write",
        input_pattern=r"(?:^|[/\\])\.arcadia[/\\]project\.db(?:-wal|-shm|-journal)?$",
        input_field="file_path",
        affects_source_of_truth=True,
        requires_checkpoint=True,
        mitigation="Use the feature tools to change features instead of writing the database",
    ),
    RiskPattern(
        "git_push",
        "Git push to remote",
        RiskLevel.HIGH,
        tool="Bash",
        input_pattern=rf"{_GIT}push\b",
        input_field="command",
        is_reversible=False,
        has_external_side_effects=True,
        requires_approval=True,
    ),
    RiskPattern(
        "git_force_push",
        "Git force push",
        RiskLevel.CRITICAL,
        tool="Bash",
        input_pattern=(
            rf"{_GIT}push\b{_SEGMENT}\s(?:--force(?:-with-lease)?(?:=\S*)?|{_short_flag('f')}"
            rf"|\+\S+){_END}"
        ),
        input_field="command",
        is_reversible=False,
        has_external_side_effects=True,
        requires_approval=True,
        mitigation="Avoid force pushing unless there is no alternative",
    ),
    RiskPattern(
        "git_reset_hard",
        "Git hard reset",
        RiskLevel.HIGH,
        tool="Bash",
        input_pattern=rf"{_GIT}reset\b{_SEGMENT}\s--hard{_END}",
        input_field="command",
        is_reversible=False,
        requires_approval=True,
        requires_checkpoint=True,
    ),
    RiskPattern(
        "rm_recursive",
        "Recursive file deletion",
        RiskLevel.HIGH,
        tool="Bash",
        input_pattern=rf"\brm\s+(?:{_SEGMENT}\s)?(?:{_short_flag('rR')}|--recursive){_END}",
        input_field="command",
        is_reversible=False,
        requires_approval=True,
        requires_checkpoint=True,
    ),
    RiskPattern(
        "rm_force",
        "Force file deletion",
        RiskLevel.MODERATE,
        tool="Bash",
        input_pattern=rf"\brm\s+(?:{_SEGMENT}\s)?(?:{_short_flag('f')}|--force){_END}",
        input_field="command",
        is_reversible=False,
        requires_checkpoint=True,
    ),
    RiskPattern(
        "npm_install",
        "NPM package installation",
        RiskLevel.MODERATE,
        tool="Bash",
        input_pattern=r"\bnpm\s+(?:install|i|add|ci)\b",
        input_field="command",
        has_external_side_effects=True,
        requires_checkpoint=True,
    ),
    RiskPattern(
        "pip_install",
        "Python package installation",
        RiskLevel.MODERATE,
        tool="Bash",
        input_pattern=r"\bpip3?\s+install\b",
        input_field="command",
        has_external_side_effects=True,
        requires_checkpoint=True,
    ),
    RiskPattern(
        "db_drop",
        "Database drop operation",
        RiskLevel.CRITICAL,
        tool="Bash",
        input_pattern=r"(?:\bDROP\s+(?:TABLE|DATABASE)\b|\bdropdb\b)",
        input_field="command",
        is_reversible=False,
        requires_approval=True,
        requires_checkpoint=True,
        mitigation="Back up the database before dropping anything",
    ),
    RiskPattern(
        "db_truncate",
        "Database truncate operation",
        RiskLevel.HIGH,
        tool="Bash",
        input_pattern=r"\bTRUNCATE\s+TABLE\b",
        input_field="command",
        is_reversible=False,
        requires_approval=True,
    ),
    RiskPattern(
        "curl_post",
        "HTTP POST request",
        RiskLevel.MODERATE,
        tool="Bash",
        input_pattern=(
            rf"\bcurl\b{_SEGMENT}\s(?:-X\s*POST\b|--request\s+POST\b|(?-i:-d)|--data(?:-\w+)?\b"
            r"|(?-i:-F)|--form\b)"
        ),
        input_field="command",
        has_external_side_effects=True,
    ),
    RiskPattern(
        "env_file_write",
        "Environment file modification",
        RiskLevel.HIGH,
        tool="Write",
        input_pattern=r"(?:^|[/\\])\.env(?:\.(?!(?:example|sample|template|dist)$)[\w.-]+)?$",
        input_field="file_path",
        affects_source_of_truth=True,
        requires_approval=True,
    ),
    RiskPattern(
        "config_file_write",
        "Configuration file modification",
        RiskLevel.MODERATE,
        tool="Write",
        input_pattern=r"(?:config|settings)\.(?:json|ya?ml|toml)$",
        input_field="file_path",
        requires_checkpoint=True,
    ),
)

BUILTIN_PATTERN_IDS = frozenset(pattern.pattern_id for pattern in DEFAULT_RISK_PATTERNS)

DEFAULT_TOOL_RISKS: dict[str, RiskLevel] = {
    "Read": RiskLevel.MINIMAL,
    "Glob": RiskLevel.MINIMAL,
    "Grep": RiskLevel.MINIMAL,
    "WebFetch": RiskLevel.LOW,
    "Write": RiskLevel.MODERATE,
    "Edit": RiskLevel.MODERATE,
    "Bash": RiskLevel.MODERATE,
    "feature_mark": RiskLevel.MODERATE,
    "feature_skip": RiskLevel.LOW,
    "feature_add": RiskLevel.LOW,
    "feature_list": RiskLevel.MINIMAL,
    "feature_focus": RiskLevel.MINIMAL,
    "puppeteer_navigate": RiskLevel.LOW,
    "puppeteer_screenshot": RiskLevel.MINIMAL,
    "puppeteer_click": RiskLevel.LOW,
    "puppeteer_type": RiskLevel.LOW,
}


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a risk regex (case-insensitive); raises `InvalidInput` when it is malformed."""
    try:
        return regex.compile(pattern, regex.IGNORECASE)
    except (regex.error, TypeError, ValueError, RecursionError) as error:
        raise InvalidInput(f"invalid regular expression {pattern!r}: {error}") from error


def validate_pattern(pattern: RiskPattern) -> None:
    """Reject a custom pattern that could not be stored or matched."""
    if not pattern.pattern_id.strip() or len(pattern.pattern_id) > 50:
        raise InvalidInput("pattern_id must be 1 to 50 characters")
    if not pattern.description.strip():
        raise InvalidInput("a risk pattern needs a description")
    if int(pattern.risk_level) not in {int(level) for level in RiskLevel}:
        raise InvalidInput(f"risk_level must be 1..5, not {pattern.risk_level}")
    for name in ("tool", "input_field"):
        value = getattr(pattern, name)
        if value is not None and (not value.strip() or len(value) > 50):
            raise InvalidInput(f"{name} must be 1 to 50 characters")
    if pattern.input_pattern is not None:
        if len(pattern.input_pattern) > MAX_REGEX_LENGTH:
            raise InvalidInput(f"input_pattern is longer than {MAX_REGEX_LENGTH} characters")
        if pattern.input_field is None:
            raise InvalidInput("input_pattern needs the input_field it applies to")
        compile_pattern(pattern.input_pattern)


def tool_matches(pattern_tool: str | None, tool: str) -> bool:
    """Whether a pattern's tool covers `tool` (None = any; "Write" = every file writer)."""
    if pattern_tool is None or pattern_tool == tool:
        return True
    return pattern_tool == "Write" and tool in FILE_WRITE_TOOLS


def field_text(action_input: dict[str, Any], field_name: str) -> str:
    """The bounded text of one input field ("" when missing)."""
    value = action_input.get(field_name)
    return "" if value is None else safe_str(value)[:MAX_MATCH_CHARS]


def match_pattern(pattern: RiskPattern, tool: str, action_input: dict[str, Any]) -> str | None:
    """The concern text when `pattern` applies to this call, else None."""
    if not tool_matches(pattern.tool, tool):
        return None
    if pattern.input_pattern is None or pattern.input_field is None:
        return pattern.description
    try:
        compiled = compile_pattern(pattern.input_pattern)
    except InvalidInput:
        return (
            f"{pattern.description} (pattern {pattern.pattern_id} is invalid; treated as a match)"
        )
    try:
        found = compiled.search(
            field_text(action_input, pattern.input_field), timeout=MATCH_TIMEOUT_SECONDS
        )
    except TimeoutError:
        return f"{pattern.description} (pattern {pattern.pattern_id} timed out; treated as a match)"
    return pattern.description if found else None


def summarize_action(tool: str, action_input: dict[str, Any]) -> tuple[str, str]:
    """ArcadiaForge's one-line action description and `key=value` input summary."""
    path = safe_str(action_input.get("file_path") or "")
    name = os.path.basename(path.replace("\\", "/")) if path else "file"
    if tool == "Write":
        action = f"Write to {name}"
    elif tool == "Edit":
        action = f"Edit {name}"
    elif tool == "Read":
        action = f"Read {name}"
    elif tool == "Bash":
        action = "Run: " + clip(action_input.get("command", ""), 50, "...")
    else:
        action = f"{tool} operation"
    if not action_input:
        return action, "(no input)"
    pairs = list(action_input.items())[:3]
    return action, ", ".join(f"{key}={clip(value, 50, '...')}" for key, value in pairs)


REVERSIBLE_TOOLS = frozenset(
    {"Read", "Glob", "Grep", "WebFetch", "puppeteer_screenshot", "feature_list", "feature_focus"}
    | {"Write", "Edit", "MultiEdit"}  # file edits in a version-controlled tree can be undone
)


SOURCE_OF_TRUTH_TOOLS = frozenset({"feature_mark", "feature_skip", "feature_add"})


EXTERNAL_TOOLS = frozenset({"Bash", "WebFetch", "puppeteer_navigate"})


def builtin_pattern(pattern_id: str) -> RiskPattern:
    for pattern in DEFAULT_RISK_PATTERNS:
        if pattern.pattern_id == pattern_id:
            return pattern
    raise NotFound(f"no risk pattern {pattern_id!r}")


def classify(
    tool: str, action_input: dict[str, Any], patterns: list[RiskPattern], now: datetime
) -> RiskAssessment:
    """The aggregate of every matching pattern, or the tool's default assessment."""
    matched: list[tuple[RiskPattern, str]] = []
    for pattern in patterns:
        concern = match_pattern(pattern, tool, action_input)
        if concern is not None:
            matched.append((pattern, concern))
    action, summary = summarize_action(tool, action_input)
    if matched:
        level = max(pattern.risk_level for pattern, _ in matched)
        return RiskAssessment(
            action=action,
            tool=tool,
            input_summary=summary,
            risk_level=RiskLevel(level),
            is_reversible=all(pattern.is_reversible for pattern, _ in matched),
            affects_source_of_truth=any(p.affects_source_of_truth for p, _ in matched),
            has_external_side_effects=any(p.has_external_side_effects for p, _ in matched),
            concerns=[concern for _, concern in matched],
            requires_approval=any(pattern.requires_approval for pattern, _ in matched),
            requires_checkpoint=any(pattern.requires_checkpoint for pattern, _ in matched),
            requires_review=level >= RiskLevel.HIGH,
            suggested_mitigation=next((p.mitigation for p, _ in matched if p.mitigation), None),
            timestamp=now.isoformat(),
        )
    level = DEFAULT_TOOL_RISKS.get(tool, RiskLevel.MODERATE)
    return RiskAssessment(
        action=action,
        tool=tool,
        input_summary=summary,
        risk_level=level,
        is_reversible=tool in REVERSIBLE_TOOLS,
        affects_source_of_truth=tool in SOURCE_OF_TRUTH_TOOLS,
        has_external_side_effects=tool in EXTERNAL_TOOLS,
        requires_approval=level >= RiskLevel.HIGH,
        requires_checkpoint=level >= RiskLevel.MODERATE,
        requires_review=level >= RiskLevel.HIGH,
        timestamp=now.isoformat(),
    )
