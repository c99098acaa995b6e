"""The autonomy summary: levels and bounds, thresholds, streaks and success rate."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from arcadia_core.managers.autonomy.records import AutonomyConfig, PerformanceMetrics
from arcadia_core.managers.autonomy.rules import effective_level
from arcadia_tui.widgets.cells import LEVEL_NAMES, level_label


def _count(number: int, noun: str) -> str:
    """`1 error`, `3 errors`, `2 successes`."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {noun}es" if noun.endswith("s") else f"{number:,} {noun}s"


def level_scale(config: AutonomyConfig) -> Text:
    """The five levels in a row: the configured one marked, those outside the bounds dim."""
    text = Text(end="")
    for level in LEVEL_NAMES:
        inside = config.min_level <= level <= config.max_level
        if level == config.level:
            text.append(f" {level} ", style="reverse bold")
        else:
            text.append(f" {level} ", style="" if inside else "dim strike")
    text.append(f"   bounds {int(config.min_level)}..{int(config.max_level)}", style="dim")
    return text


def status_table(config: AutonomyConfig, metrics: PerformanceMetrics) -> Table:
    """Everything the summary shows, as a two-column grid."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1)
    effective = effective_level(config)
    grid.add_row("Configured", Text(level_label(config.level), style="bold"))
    grid.add_row("Levels", level_scale(config))
    unsure = Text()
    unsure.append(level_label(effective), style="bold")
    low = effective_level(config, max(0.0, config.confidence_threshold - 0.01))
    very_low = effective_level(config, 0.0)
    unsure.append(
        f"  ({level_label(low, short=True)} below confidence {config.confidence_threshold:.2f}, "
        f"{level_label(very_low, short=True)} below 0.30)",
        style="dim",
    )
    grid.add_row("Effective", unsure)
    adjust = Text()
    adjust.append("on" if config.auto_adjust else "off", style="bold")
    adjust.append(
        f" · demote after {config.error_demotion_count} errors in a row, "
        f"promote after {config.success_promotion_count} successes in a row"
    )
    grid.add_row("Auto-adjust", adjust)
    streak = Text()
    if metrics.consecutive_errors:
        streak.append(_count(metrics.consecutive_errors, "error") + " in a row", style="bold")
        streak.append(f" (demotes at {config.error_demotion_count})", style="dim")
    elif metrics.consecutive_successes:
        streak.append(_count(metrics.consecutive_successes, "success") + " in a row")
        streak.append(f" (promotes at {config.success_promotion_count})", style="dim")
    else:
        streak.append("none yet", style="dim")
    grid.add_row("Streak", streak)
    recent = len(metrics.recent_outcomes)
    rate = Text()
    rate.append(f"{metrics.get_success_rate():.0%}", style="bold")
    rate.append(f" of the last {recent} actions" if recent else " (no actions yet)")
    grid.add_row("Success rate", rate)
    grid.add_row("Totals", f"{metrics.total_actions:,} actions · {metrics.total_errors:,} errors")
    return grid


class AutonomyStatus(Static):
    """Configured and effective level, bounds, thresholds, streak and success rate."""

    def show(self, config: AutonomyConfig, metrics: PerformanceMetrics) -> None:
        """Show this configuration and these metrics."""
        self.update(status_table(config, metrics))
