"""Progress of an import: a per-source record counter with a rate, for terminals."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    """Told when a source starts, as its records are read, and when it is done."""

    def start(self, source: str) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def finish(self) -> None: ...


class TerminalProgress:
    """Rewrites one status line (`source: N records, R/s`) at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.source = ""
        self.count = 0
        self.started = 0.0
        self.shown = 0.0

    def start(self, source: str) -> None:
        self.source = source
        self.count = 0
        self.started = self.shown = time.monotonic()
        self._show(time.monotonic())

    def advance(self, count: int = 1) -> None:
        self.count += count
        if self.count % 256 < count or count > 1:
            now = time.monotonic()
            if now - self.shown >= self.interval:
                self._show(now)

    def finish(self) -> None:
        self._show(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()

    def _show(self, now: float) -> None:
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        rate = self.count / elapsed if self.count else 0.0
        self.stream.write(f"\r\x1b[K{self.source}: {self.count:,} records ({rate:,.0f} lines/s)")
        self.stream.flush()


def terminal_progress(stream: TextIO | None = None) -> TerminalProgress | None:
    """A `TerminalProgress` on `stream` (stderr) when it is a terminal, else None."""
    stream = stream or sys.stderr
    return TerminalProgress(stream) if stream.isatty() else None
