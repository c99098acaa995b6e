"""What one session did: tool calls, features, errors, people, tokens and cost."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from arcadia_core.managers.observability.records import SessionInfo, SessionMetrics

EMPTY = Text(
    "No session yet. An agent's session appears here when it starts, with its events below.",
    style="dim",
)


def metrics_table(session: SessionInfo, metrics: SessionMetrics) -> Table:
    """The session's counts as a two-column grid."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row("Session", Text(f"{session.session_id} · {session.status}", style="bold"))
    grid.add_row(
        "Tool calls",
        f"{metrics.tool_calls_total} · {metrics.tool_calls_successful} ok · "
        f"{metrics.tool_calls_failed} failed · {metrics.tool_calls_blocked} blocked",
    )
    grid.add_row(
        "Features",
        f"{metrics.features_attempted} started · {metrics.features_completed} done · "
        f"{metrics.features_failed} failed",
    )
    grid.add_row("Problems", f"{metrics.errors_total} errors · {metrics.warnings_total} warnings")
    grid.add_row(
        "People", f"{metrics.escalations} escalations · {metrics.human_interventions} answers"
    )
    grid.add_row(
        "Usage",
        f"{metrics.total_input_tokens:,} in / {metrics.total_output_tokens:,} out tokens · "
        f"${session.total_cost:,.2f}",
    )
    return grid


class SessionMetricsPanel(Static):
    """The highlighted session's counts."""

    shown: int | None = None
    """The id of the session shown."""

    def show(self, session: SessionInfo | None, metrics: SessionMetrics | None) -> None:
        """Show a session's metrics (None: the explanation)."""
        self.shown = None if session is None else session.session_id
        if session is None or metrics is None:
            self.update(EMPTY)
        else:
            self.update(metrics_table(session, metrics))
