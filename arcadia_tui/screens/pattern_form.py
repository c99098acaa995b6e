"""The dialog that adds a custom risk pattern (checked as core checks it, as it is typed)."""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label

from arcadia_core.db import Database
from arcadia_core.errors import InvalidInput
from arcadia_core.managers.risk.manager import RiskClassifier
from arcadia_core.managers.risk.records import RiskLevel, RiskPattern
from arcadia_core.managers.risk.rules import validate_pattern
from arcadia_tui.literal import literal
from arcadia_tui.screens.form import FormModal, checkbox, field

FLAGS = (
    ("requires_approval", "approval"),
    ("requires_checkpoint", "checkpoint"),
    ("is_reversible", "reversible"),
    ("has_external_side_effects", "external effects"),
)


def _optional(text: str) -> str | None:
    return text.strip() or None


class PatternForm(FormModal[RiskPattern]):
    """Add a custom pattern: id, description, level, tool, input regex, flags, mitigation."""

    def __init__(self, database: Database, builtin_ids: Collection[str]) -> None:
        intro = Text("The agent applies the pattern from its next assessment. ")
        intro.append("The regex runs on one input field (e.g. command, file_path).", style="dim")
        super().__init__("New custom risk pattern", intro, "Add")
        self.database = database
        self.builtin_ids = frozenset(builtin_ids)

    def compose_fields(self) -> ComposeResult:
        yield from field("Id", "pattern-id", "", "e.g. no_prod_db (letters, digits, _)")
        yield from field("Description", "pattern-description", "", "what it catches")
        yield from field("Risk level", "pattern-level", "4", "1 minimal … 5 critical")
        yield from field("Tool", "pattern-tool", "Bash", "empty: every tool")
        yield from field("Input field", "pattern-field", "command", "the input key the regex reads")
        yield from field("Regex", "pattern-regex", "", "empty: every call of the tool")
        yield from field("Mitigation", "pattern-mitigation", "", "what to do instead (optional)")
        with Horizontal(classes="form-field"):
            yield Label("Needs / is", classes="form-label")
            for name, label in FLAGS:
                yield checkbox(label, f"pattern-{name}", name == "is_reversible")

    def _text(self, name: str) -> str:
        return self.query_one(f"#pattern-{name}", Input).value

    def parse(self) -> RiskPattern:
        level_text = self._text("level").strip()
        if not level_text.isdigit() or not 1 <= int(level_text) <= 5:
            raise InvalidInput(f"the risk level must be 1 to 5, not {level_text!r}")
        regex = _optional(self._text("regex"))
        pattern = RiskPattern(
            pattern_id=self._text("id").strip(),
            description=self._text("description").strip(),
            risk_level=RiskLevel(int(level_text)),
            tool=_optional(self._text("tool")),
            input_pattern=regex,
            input_field=_optional(self._text("field")) if regex else None,
            mitigation=_optional(self._text("mitigation")),
            **{name: self.query_one(f"#pattern-{name}", Checkbox).value for name, _ in FLAGS},
        )
        validate_pattern(pattern)
        return pattern

    def preview(self, value: RiskPattern) -> None:
        if value.pattern_id in self.builtin_ids:
            shown = literal(value.pattern_id, "bold", one_line=True, max_chars=50)
            self.show_preview(Text.assemble("This replaces the built-in pattern ", shown, "."))
        else:
            self.show_preview("")

    async def save(self, value: RiskPattern) -> RiskPattern:
        await RiskClassifier(self.database).add_pattern_async(value)
        return value
