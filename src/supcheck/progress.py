"""Progress for long runs: one line per stage on standard error, on a terminal only.

A run that finishes within about a second shows nothing at all; a longer one shows a
rich progress display (spinner, stage, elapsed time) that disappears when it ends.
When standard error is not a terminal (cron, pipes) or with --quiet, nothing is drawn;
the stages are still timed (`stages`), for the benchmark and for tests.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

SHOW_AFTER_SECONDS = 1.0


class StageProgress:
    """Times named stages and, when `enabled`, draws them once the run passes a second."""

    def __init__(
        self, enabled: bool, *, show_after: float = SHOW_AFTER_SECONDS, console: Console | None = None
    ):
        self.enabled = enabled
        self.stages: list[tuple[str, float]] = []
        self._progress: Progress | None = None
        self._timer: threading.Timer | None = None
        if enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console or Console(stderr=True),
                transient=True,
            )
            self._timer = threading.Timer(show_after, self._progress.start)
            self._timer.daemon = True
            self._timer.start()

    @classmethod
    def for_terminal(cls, quiet: bool) -> StageProgress:
        return cls(enabled=not quiet and sys.stderr.isatty())

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        task = self._progress.add_task(name, total=None) if self._progress is not None else None
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - started))
            if task is not None and self._progress is not None:
                self._progress.update(task, total=1, completed=1)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._progress is not None:
            self._progress.stop()

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


NO_PROGRESS = StageProgress(enabled=False)
