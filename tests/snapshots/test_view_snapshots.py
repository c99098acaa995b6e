"""Pictures of the views beside Live at 120x40, from the fixed sample history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from arcadia_tui import scenes
from arcadia_tui.app import ArcadiaApp
from arcadia_tui.sample_history import write_history

from .conftest import SIZE


class TestAutonomyView:
    """The Autonomy view: settings, overrides, level history, decisions, and its dialogs."""

    def test_settings_history_and_decisions(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Level 3 of bounds 1..5 with the effective level under low confidence, auto-adjust
        thresholds, an 8-success streak at 82%; overrides for WebFetch (2) and feature_skip
        (5); six history entries (settings, two overrides, the automatic demotion, bob's
        raise and bounds); 32 decisions newest first, denied ones with their alternatives."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.autonomy_view)

    def test_raise_level_dialog_with_preview(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """`+` opens the level dialog at 4 and says 4 of the last 32 decisions would change
        (denied → allowed) before anything is saved."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.raise_level_dialog)


class TestRiskView:
    """The Risk view: filters, a page of assessments, one in full, the patterns."""

    def test_assessment_with_its_decision_and_question(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """32 assessments of sessions 4-7 newest first with level badges and ACR flags; the
        `rm -rf build/ dist/` call selected: HIGH, irreversible, needs approval, checkpoint
        and review, its concern, the denied autonomy decision with alternatives, and the
        question alice approved; 15 patterns (2 custom) below."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.risk_with_linked_call)

    def test_new_pattern_dialog_refuses_a_bad_regex(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """The new-pattern dialog filled in with an unbalanced regex: the inline message says
        what is wrong (missing `)`), nothing is saved."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.pattern_form_with_error)


class TestFailuresView:
    """The Failures view: reports grouped by session and the selected one in full."""

    def test_reports_by_session_and_the_newest_in_full(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Sessions 6, 5 and 4 newest first, one report each; report #3 of session 6 in full:
        cyclic_error, HIGH, 90%, the repeated checkout assertion as likely cause, counts, the
        deduplicated error, three detected patterns, the similar failures of session 4."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.failures_loaded)

    def test_export_dialog(self, snap_compare: Any, scene: Callable[..., ArcadiaApp]) -> None:
        """The export dialog with a file in a missing directory: an inline message, no save."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.export_to_missing_directory)


class TestLearningView:
    """The Learning view: learned patterns, the selected one, recent interventions."""

    def test_patterns_and_interventions(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Totals (10 interventions, 80% of known outcomes worked); four patterns with
        confidence, matches, applications, worked/failed and auto-apply (two on); PAT-0001
        (Deny for piped-in scripts) in full; the ten interventions newest first."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.learning_view)


class TestSessionsView:
    """The Sessions & events view: sessions with their counts, and the event tail."""

    def test_sessions_and_the_event_tail(
        self, snap_compare: Any, scene: Callable[..., ArcadiaApp]
    ) -> None:
        """Sessions 7 (running for 24m53s, $0.76) to 4 (interrupted) with status, start,
        duration, cost and event counts; session 7's tool calls, features, problems, answers
        and usage; its events newest first (decision, tool calls and results, the questions
        and answers), the tail live."""
        app = scene(write_history)
        assert snap_compare(app, terminal_size=SIZE, run_before=scenes.sessions_loaded)
