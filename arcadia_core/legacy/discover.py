"""Which ArcadiaForge legacy sources exist under a project directory, in import order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Import order matters in three places: sessions (from .metrics/) before the events that
# reference them; completed points before pending ones (a point in both was completed);
# injection points before the response files and history lines that refer to them.
DOT_DIRECTORIES = (
    ".autonomy",
    ".escalation",
    ".risk",
    ".failure_reports",
    ".human",
    ".learning",
    ".metrics",
    ".memory",
)
EVENTS_FILE = ".events.jsonl"

# Memory files are named after their tier; these names (without extension, "/" for a
# subdirectory) select the table. Anything else in a `hot/`, `warm/` or `cold/`
# subdirectory belongs to that tier's main table.
MEMORY_NAMES = {
    "hot_memory": ("hot", "hot_memory", "hot/memory", "hot/state", "working_context"),
    "warm_memory": (
        "warm",
        "warm_memory",
        "warm/sessions",
        "warm/summaries",
        "session_summaries",
        "warm_sessions",
    ),
    "warm_memory_issues": (
        "issues",
        "warm_issues",
        "warm_memory_issues",
        "unresolved_issues",
        "warm/issues",
    ),
    "warm_memory_patterns": (
        "patterns",
        "warm_patterns",
        "warm_memory_patterns",
        "proven_patterns",
        "warm/patterns",
    ),
    "cold_memory": (
        "cold",
        "cold_memory",
        "archived_sessions",
        "cold_sessions",
        "cold/sessions",
        "cold/archive",
    ),
    "cold_memory_knowledge": (
        "knowledge",
        "cold_knowledge",
        "cold_memory_knowledge",
        "cold/knowledge",
    ),
}
_MEMORY_TABLE_BY_NAME = {name: table for table, names in MEMORY_NAMES.items() for name in names}
_MEMORY_TIER_DIRS = {"hot": "hot_memory", "warm": "warm_memory", "cold": "cold_memory"}


@dataclass(frozen=True, slots=True)
class LegacySource:
    """One legacy file to import: what it holds (`kind`) and where it is."""

    kind: str
    path: Path
    relpath: str
    table: str | None = None  # for memory files: the table the file feeds


@dataclass(frozen=True, slots=True)
class Discovery:
    """The sources found, and other files in the dot-directories that are not sources."""

    sources: list[LegacySource]
    unrecognised: list[str]

    @property
    def empty(self) -> bool:
        return not self.sources and not self.unrecognised


def memory_table(relative: Path) -> str | None:
    """The memory table a `.memory/` file feeds, from its name (None when unknown)."""
    name = relative.with_suffix("").as_posix().lower().replace("-", "_")
    if name in _MEMORY_TABLE_BY_NAME:
        return _MEMORY_TABLE_BY_NAME[name]
    if len(relative.parts) > 1:
        return _MEMORY_TIER_DIRS.get(relative.parts[0].lower())
    return None


def discover(project_dir: Path) -> Discovery:
    """Find every legacy source under `project_dir` (files are only listed, never opened)."""
    sources: list[LegacySource] = []
    claimed: set[Path] = set()

    def add(kind: str, path: Path, table: str | None = None) -> None:
        if path.is_file() and path not in claimed:
            claimed.add(path)
            sources.append(
                LegacySource(kind, path, path.relative_to(project_dir).as_posix(), table)
            )

    def files(directory: Path, pattern: str) -> list[Path]:
        return sorted(p for p in directory.glob(pattern) if p.is_file())

    autonomy = project_dir / ".autonomy"
    add("autonomy_config", autonomy / "config.json")
    add("autonomy_metrics", autonomy / "metrics.json")
    add("autonomy_decisions", autonomy / "decisions.jsonl")
    escalation = project_dir / ".escalation"
    add("escalation_rules", escalation / "rules.json")
    add("escalation_logs", escalation / "escalations.jsonl")
    risk = project_dir / ".risk"
    add("risk_patterns", risk / "patterns.json")
    add("risk_assessments", risk / "assessments.jsonl")
    for path in files(project_dir / ".failure_reports", "failure_report_*.json"):
        add("failure_report", path)
    human = project_dir / ".human"
    for path in files(human / "completed", "*.json"):
        add("human_completed", path)
    for path in files(human / "pending", "*.json"):
        add("human_pending", path)
    for path in files(human / "responses", "*.json"):
        add("human_response", path)
    add("human_history", human / "history.jsonl")
    learning = project_dir / ".learning"
    add("interventions", learning / "interventions.jsonl")
    add("intervention_patterns", learning / "patterns.json")
    metrics = project_dir / ".metrics"
    add("metrics_json", metrics / "metrics.json")
    for path in files(metrics, "*.csv"):
        add("metrics_csv", path)
    add("events", project_dir / EVENTS_FILE)
    memory = project_dir / ".memory"
    for path in files(memory, "**/*"):
        if path.suffix.lower() in (".json", ".jsonl"):
            table = memory_table(path.relative_to(memory))
            if table is not None:
                add("memory", path, table)

    unrecognised = sorted(
        path.relative_to(project_dir).as_posix()
        for name in DOT_DIRECTORIES
        for path in (project_dir / name).rglob("*")
        if path.is_file() and path not in claimed
    )
    return Discovery(sources, unrecognised)
