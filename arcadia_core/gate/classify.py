"""Tool calls of any agent in Arcadia's terms: canonical tool, action category, file changes.

Agents name the same action differently (Claude's `Bash`, Codex's `exec_command`, Gemini's
`run_shell_command`); risk patterns and per-tool autonomy levels are written against the
canonical (Claude Code / ArcadiaForge) names, so the gate translates first. Unknown tools get
no category: the gate then asks for the conservative level.
"""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arcadia_core.managers import ActionCategory, AutonomyLevel

SHELL = "Bash"

# agent tool name -> (canonical tool, {canonical field: agent field})
CANONICAL_TOOLS: dict[str, tuple[str, dict[str, str]]] = {
    "exec_command": (SHELL, {"command": "cmd"}),
    "shell": (SHELL, {"command": "command"}),
    "local_shell": (SHELL, {"command": "command"}),
    "run_shell_command": (SHELL, {"command": "command"}),
    "write_file": ("Write", {"file_path": "file_path", "content": "content"}),
    "replace": ("Edit", {"file_path": "file_path", "old_string": "old_string"}),
    "read_file": ("Read", {"file_path": "file_path"}),
    "read_many_files": ("Read", {}),
    "list_directory": ("LS", {}),
    "glob": ("Glob", {}),
    "search_file_content": ("Grep", {}),
    "web_fetch": ("WebFetch", {}),
    "google_web_search": ("WebSearch", {}),
    "NotebookEdit": ("NotebookEdit", {"file_path": "notebook_path"}),
}

CATEGORIES: dict[str, ActionCategory] = {
    # reading and planning
    **dict.fromkeys(
        (
            "Read",
            "Glob",
            "Grep",
            "LS",
            "NotebookRead",
            "BashOutput",
            "TodoWrite",
            "TodoRead",
            "ListAgents",
            "ToolSearch",
            "ExitPlanMode",
            "ListMcpResourcesTool",
            "ReadMcpResourceTool",
            "puppeteer_screenshot",
            "feature_list",
            "feature_focus",
        ),
        ActionCategory.READ,
    ),
    **dict.fromkeys(("Write", "Edit", "MultiEdit", "NotebookEdit"), ActionCategory.WRITE),
    **dict.fromkeys(
        (
            SHELL,
            "KillShell",
            "KillBash",
            "Task",
            "Agent",
            "Skill",
            "SlashCommand",
            "Workflow",
            "ScheduleWakeup",
            "ReportFindings",
        ),
        ActionCategory.EXECUTE,
    ),
    **dict.fromkeys(("WebFetch", "WebSearch", "puppeteer_navigate"), ActionCategory.EXTERNAL),
    **dict.fromkeys(("feature_mark", "feature_skip", "feature_add"), ActionCategory.FEATURE_MODIFY),
}

CATEGORY_LEVELS: dict[ActionCategory, AutonomyLevel] = {
    ActionCategory.READ: AutonomyLevel.OBSERVE,
    ActionCategory.WRITE: AutonomyLevel.EXECUTE_SAFE,
    ActionCategory.EXECUTE: AutonomyLevel.EXECUTE_SAFE,
    ActionCategory.EXTERNAL: AutonomyLevel.EXECUTE_SAFE,
    ActionCategory.FEATURE_MODIFY: AutonomyLevel.EXECUTE_REVIEW,
    ActionCategory.DESTRUCTIVE: AutonomyLevel.FULL_AUTO,
}
UNKNOWN_TOOL_LEVEL = AutonomyLevel.EXECUTE_REVIEW
"""An unknown tool (or MCP tool) is asked about at the default level 3; a per-tool level
(`arcadia autonomy tool NAME 3`) lets it run unasked."""

FILE_CHANGE_TOOLS = frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"})
MAX_DIFF_CHARS = 20_000
MAX_FILE_BYTES = 2_000_000
QUESTION_TOOLS = frozenset({"AskUserQuestion"})


@dataclass(frozen=True, slots=True)
class CanonicalCall:
    """A call in canonical names: what risk patterns and autonomy levels are keyed by."""

    tool: str
    tool_input: dict[str, Any]
    category: ActionCategory | None


def base_name(tool: str) -> str:
    """`mcp__server__tool` -> `tool`; other names unchanged."""
    if tool.startswith("mcp__"):
        parts = tool.split("__")
        if len(parts) >= 3 and parts[-1]:
            return parts[-1]
    return tool


def canonical_call(tool_name: str, tool_input: dict[str, Any]) -> CanonicalCall:
    """The canonical tool, its input with canonical field names added, and its category."""
    tool, fields = CANONICAL_TOOLS.get(tool_name, (tool_name, {}))
    canonical_input = dict(tool_input)
    for canonical_field, agent_field in fields.items():
        if canonical_field not in canonical_input and agent_field in tool_input:
            value = tool_input[agent_field]
            if canonical_field == "command" and isinstance(value, list):
                value = shlex.join(str(part) for part in value)
            canonical_input[canonical_field] = value
    if tool == SHELL and isinstance(canonical_input.get("command"), list):
        canonical_input["command"] = shlex.join(str(p) for p in canonical_input["command"])
    category = CATEGORIES.get(tool) or CATEGORIES.get(base_name(tool))
    return CanonicalCall(tool, canonical_input, category)


def required_level(
    category: ActionCategory | None, risk_level: int, requires_approval: bool
) -> AutonomyLevel:
    """The level a call needs: its category's, raised to FULL_AUTO for high-risk calls.

    A call the risk classifier rates HIGH or CRITICAL, or whose pattern requires approval,
    counts as destructive: only a supervisor-set FULL_AUTO runs it unasked (automatic
    promotion stops at the configured maximum, 4 by default).
    """
    if requires_approval or risk_level >= 4:
        return CATEGORY_LEVELS[ActionCategory.DESTRUCTIVE]
    if category is None:
        return UNKNOWN_TOOL_LEVEL
    return CATEGORY_LEVELS[category]


def _resolve(path: str, cwd: str | None) -> Path:
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and cwd:
        candidate = Path(cwd) / candidate
    return candidate


def _read_text(path: Path) -> tuple[str | None, str | None]:
    """The file's text, or (None, why it could not be shown)."""
    try:
        if not path.exists():
            return "", None
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, f"{path} is larger than {MAX_FILE_BYTES // 1_000_000} MB"
        data = path.read_bytes()
    except OSError as error:
        return None, f"cannot read {path}: {error.strerror or error}"
    if b"\x00" in data:
        return None, f"{path} is a binary file"
    return data.decode("utf-8", errors="replace"), None


def _apply_edits(text: str, edits: list[dict[str, Any]]) -> tuple[str, list[str]]:
    notes: list[str] = []
    for number, edit in enumerate(edits, 1):
        old = str(edit.get("old_string") or "")
        new = str(edit.get("new_string") or "")
        if old and old in text:
            text = text.replace(old, new) if edit.get("replace_all") else text.replace(old, new, 1)
        elif old == "":
            text = new + text
        else:
            notes.append(f"edit {number}: the text to replace is not in the file on disk")
    return text, notes


def file_change(tool: str, tool_input: dict[str, Any], cwd: str | None) -> dict[str, Any] | None:
    """For a file-writing call: the path and a unified diff of the file on disk against the
    content the call would leave; None for other tools."""
    if tool not in FILE_CHANGE_TOOLS:
        return None
    raw_path = str(tool_input.get("file_path") or tool_input.get("notebook_path") or "")
    if not raw_path:
        return {"file_path": "", "diff": "", "note": "the call names no file"}
    path = _resolve(raw_path, cwd)
    before, problem = _read_text(path)
    change: dict[str, Any] = {"file_path": str(path), "exists": path.exists()}
    notes: list[str] = []
    if before is None:
        before, notes = "", [problem or "the file cannot be shown"]
    if tool == "Write":
        after = str(tool_input.get("content") or "")
    elif tool == "NotebookEdit":
        after = before
        notes.append("notebook cell edit: " + str(tool_input.get("edit_mode") or "replace"))
        cell = str(tool_input.get("new_source") or "")
        change["new_source"] = cell[:MAX_DIFF_CHARS]
    elif tool == "MultiEdit":
        edits = [e for e in tool_input.get("edits") or [] if isinstance(e, dict)]
        after, more = _apply_edits(before, edits)
        notes += more
    else:
        after, more = _apply_edits(before, [tool_input])
        notes += more
        if more:  # show what the call asked for, even though it would not apply as is
            before = str(tool_input.get("old_string") or "")
            after = str(tool_input.get("new_string") or "")
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{raw_path}" if change["exists"] else "/dev/null",
            tofile=f"b/{raw_path}",
        )
    )
    if len(diff) > MAX_DIFF_CHARS:
        cut = diff[:MAX_DIFF_CHARS]
        diff = cut + f"\n... ({diff.count(chr(10)) - cut.count(chr(10))} more diff lines)\n"
    change["diff"] = diff
    if notes:
        change["note"] = "; ".join(notes)
    return change


def describe_call(tool: str, tool_input: dict[str, Any]) -> str:
    """What the call does, in a few words a person reads at a glance."""
    if tool == SHELL:
        return f"run `{tool_input.get('command') or ''}`"
    path = tool_input.get("file_path") or tool_input.get("notebook_path")
    if tool in ("Write", "Edit", "MultiEdit", "NotebookEdit") and path:
        verb = "write" if tool == "Write" else "edit"
        return f"{verb} {path}"
    if tool == "Read" and path:
        return f"read {path}"
    if tool in ("WebFetch", "WebSearch"):
        target = tool_input.get("url") or tool_input.get("query") or ""
        return f"use {tool} on {target}".rstrip()
    return f"use the tool {tool}"
