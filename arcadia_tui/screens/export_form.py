"""The dialog that exports a failure report to a file, as Markdown or JSON, atomically."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult

from arcadia_core.errors import InvalidInput
from arcadia_core.managers.failure.manager import format_report_markdown
from arcadia_core.managers.failure.records import FailureReport
from arcadia_core.output import check_output_path, write_atomic
from arcadia_tui.literal import literal
from arcadia_tui.screens.form import FormModal, field

FORMATS = {".md": "Markdown", ".markdown": "Markdown", ".json": "JSON"}


def report_file_text(report: FailureReport, path: Path) -> str:
    """The report in the format the file name asks for."""
    if FORMATS[path.suffix.lower()] == "JSON":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    return format_report_markdown(report)


def default_path(project_dir: Path, report: FailureReport, suffix: str) -> Path:
    """`<project>/failure-report-s<session>-<id>.<suffix>`."""
    return project_dir / f"failure-report-s{report.session_id}-{report.report_id}{suffix}"


class ExportForm(FormModal[Path]):
    """Ask for a file name; its extension (.md or .json) picks the format."""

    CHECK_ON_OPEN = True

    def __init__(self, report: FailureReport, project_dir: Path, suffix: str = ".md") -> None:
        intro = Text(f"Failure report #{report.report_id} of session {report.session_id}. ")
        intro.append("The name's extension picks the format: .md or .json.", style="dim")
        super().__init__("Export the failure report", intro, "Export")
        self.report = report
        self.project_dir = project_dir
        self.suggested = default_path(project_dir, report, suffix)

    def compose_fields(self) -> ComposeResult:
        yield from field("File", "export-path", str(self.suggested), "a .md or .json file")

    def parse(self) -> Path:
        text = str(self.query_one("#export-path").value).strip()  # type: ignore[attr-defined]
        if not text:
            raise InvalidInput("type the file to write")
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.project_dir / path
        path = check_output_path(path)
        if path.suffix.lower() not in FORMATS:
            raise InvalidInput("end the file name in .md (Markdown) or .json (JSON)")
        return path

    def preview(self, value: Path) -> None:
        text = Text(f"Writes {FORMATS[value.suffix.lower()]} to ")
        text.append_text(literal(value, "bold", one_line=True, max_chars=200))
        if value.exists():
            text.append(" (it exists: it will be replaced)", style="bold")
        self.show_preview(text)

    async def save(self, value: Path) -> Path:
        content = report_file_text(self.report, value)
        try:
            return await asyncio.to_thread(write_atomic, value, content)
        except OSError as error:
            raise InvalidInput(f"cannot write {value}: {error.strerror or error}") from error
