"""The Learning view driven by Pilot: patterns with their record, auto-apply, live updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arcadia_core.db import Database
from arcadia_core.managers.intervention.manager import InterventionLearner
from arcadia_core.managers.intervention.records import AUTO_APPLY_DISABLED, InterventionType
from arcadia_core.managers.observability.manager import Observability
from arcadia_tui.sample_history import write_history
from arcadia_tui.screens.confirm import ConfirmModal
from arcadia_tui.screens.learning import LearningScreen
from arcadia_tui.widgets.intervention_table import InterventionTable

from .conftest import SIZE, fresh_handle, open_view, run_command, wait_for_text, wait_until


async def learning_view(pilot: Any) -> LearningScreen:
    return await open_view(pilot, "f6", LearningScreen)  # type: ignore[no-any-return]


async def stored_pattern(project_dir: Path, pattern_id: str) -> Any:
    async with fresh_handle(project_dir) as database:
        return await InterventionLearner(database).get_pattern_async(pattern_id)


async def test_patterns_interventions_and_totals(db: Database, make_app: Any) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await learning_view(pilot)
        assert list(screen.patterns.patterns) == ["PAT-0001", "PAT-0004", "PAT-0005", "PAT-0009"]
        assert screen.query_one(InterventionTable).row_count == 10
        await wait_for_text(pilot, screen.query_one("#learning-stats"), "10 interventions", "80%")
        screen.patterns.move_cursor(row=screen.patterns.get_row_index("PAT-0005"))
        await wait_for_text(
            pilot,
            screen.query_one("#learned-pattern-body"),
            "Mock the payment API",
            "6 worked, 1 failed",
            "test_failure",
        )


async def test_auto_apply_is_switched_after_confirmation(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await learning_view(pilot)
        patterns = screen.patterns
        patterns.move_cursor(row=patterns.get_row_index("PAT-0005"))
        assert patterns.patterns["PAT-0005"].auto_apply
        await pilot.press("space")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")  # changed my mind: nothing is stored
        await wait_until(pilot, lambda: app.screen is screen)
        assert (await stored_pattern(project_dir, "PAT-0005")).auto_apply

        await pilot.press("space")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: not patterns.patterns["PAT-0005"].auto_apply)
        stored = await stored_pattern(project_dir, "PAT-0005")
        assert not stored.auto_apply and stored.min_confidence_for_auto == AUTO_APPLY_DISABLED
        await wait_for_text(
            pilot, screen.query_one("#learned-pattern-body"), "a supervisor turned it off"
        )

        await run_command(pilot, "learning: toggle auto-apply", "toggle auto")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await wait_until(pilot, lambda: patterns.patterns["PAT-0005"].auto_apply)
        assert (await stored_pattern(project_dir, "PAT-0005")).auto_apply


async def test_a_new_intervention_shows_up_live(
    db: Database, make_app: Any, project_dir: Path
) -> None:
    await write_history(db)
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await learning_view(pilot)
        table = screen.query_one(InterventionTable)
        async with fresh_handle(project_dir) as other:
            learner = InterventionLearner(other)
            signature = learner.create_context_signature(tool="Bash", trigger_type="approval")
            added = await learner.record_intervention_async(
                7, InterventionType.APPROVAL, signature, "Deny", original_action="Run: make deploy"
            )
            await Observability(other, session_id=7).log_warning_async("deploy refused")
        await wait_until(pilot, lambda: added.intervention_id in table.interventions)
        assert table.ordered_rows[0].key.value == added.intervention_id
