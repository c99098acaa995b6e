"""A Rich progress line for `arcadia migrate` on a terminal.

Rich is imported when the display is made, not with this module: `arcadia_core` imports
neither Rich nor Textual (a test walks every module), and only people watching need it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from arcadia_core.display import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


class RichImportProgress:
    """One line per source (`✓ source  N records  R lines/s  0:00:01`), kept when it is done.

    Satisfies `arcadia_core.legacy.progress.Progress`. Source names come from the project's
    files, so they are shown literally: markup off, control characters made visible.
    """

    def __init__(self) -> None:
        from rich.console import Console

        self.console: Console = Console(
            file=sys.stderr, markup=False, highlight=False, emoji=False
        )
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def start(self, source: str) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.finish()
        self.progress = Progress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.description}", markup=False),
            TextColumn("{task.completed:>10,.0f} records", markup=False),
            TextColumn("{task.fields[rate]}", markup=False),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.task = self.progress.add_task(printable(source, one_line=True), total=None, rate="")
        self.progress.start()

    def advance(self, count: int = 1) -> None:
        if self.progress is None or self.task is None:
            return
        self.progress.advance(self.task, count)
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, rate=f"{speed:,.0f} lines/s" if speed else "")

    def finish(self) -> None:
        if self.progress is None or self.task is None:
            return
        done = self.progress.tasks[0].completed
        self.progress.update(self.task, total=done, completed=done)  # marks the line done (✓)
        self.progress.stop()
        self.progress = None
        self.task = None
