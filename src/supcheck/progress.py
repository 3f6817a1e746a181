"""Progress for long runs: one line per stage on standard error, on a terminal only.

A run that finishes within about a second shows nothing at all; a longer one shows a
rich progress display (spinner, stage, elapsed time) that disappears when it ends.
When standard error is not a terminal (cron, pipes) or with --quiet, nothing is drawn;
the stages are still timed (`stages`), for the benchmark and for tests.

The display is redrawn, and at the end erased, upwards from the cursor, so it must be
gone before anything else reaches the terminal: text written past it would be erased
with it, or glued to its spinner. The commands close it (`close`, or the end of the
`with` block) before they write the report to standard output or print a status
line. A line that must be shown during the run goes through `note`, which prints it
above the display. (rich redirects sys.stdout and sys.stderr while it draws, but
typer.echo and writes to `.buffer` go round that redirection.) `close` is safe
against the timer that starts the display: the two take one lock, so a display being
started as the run ends is started and then erased, and one not yet started never is.

SUPCHECK_PROGRESS_AFTER sets the delay in seconds before the display is drawn
(default 1; 0 draws it at once, as the terminal tests do).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .errors import SupcheckError

SHOW_AFTER_SECONDS = 1.0
SHOW_AFTER_VARIABLE = "SUPCHECK_PROGRESS_AFTER"


class StageProgress:
    """Times named stages and, when `enabled`, draws them once the run passes `show_after`."""

    def __init__(
        self, enabled: bool, *, show_after: float = SHOW_AFTER_SECONDS, console: Console | None = None
    ):
        self.enabled = enabled
        self.stages: list[tuple[str, float]] = []
        self._progress: Progress | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._shown = False
        self._closed = False
        if enabled:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console or Console(stderr=True),
                transient=True,
            )
            self._timer = threading.Timer(show_after, self._show)
            self._timer.daemon = True
            self._timer.start()

    @classmethod
    def for_terminal(cls, quiet: bool) -> StageProgress:
        return cls(enabled=not quiet and sys.stderr.isatty(), show_after=show_after_seconds())

    def _show(self) -> None:
        """The timer's work: start drawing, unless the run has already closed the display."""
        with self._lock:
            if not self._closed and self._progress is not None:
                self._progress.start()
                self._shown = True

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

    def note(self, message: str) -> None:
        """Print a line on standard error now, above the display when it is drawn."""
        with self._lock:
            if self._shown and not self._closed and self._progress is not None:
                self._progress.console.print(message, markup=False, highlight=False, emoji=False)
            else:
                print(message, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Stop drawing for good and erase the display; on return no thread of ours draws."""
        with self._lock:
            already = self._closed
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._shown and not already and self._progress is not None:
                self._progress.stop()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.join()

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def show_after_seconds() -> float:
    """The delay before the display is drawn: SUPCHECK_PROGRESS_AFTER, else one second."""
    text = os.environ.get(SHOW_AFTER_VARIABLE, "").strip()
    if not text:
        return SHOW_AFTER_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise SupcheckError(f"{SHOW_AFTER_VARIABLE} '{text}' is not a number of seconds (0 or more)")
    return seconds


NO_PROGRESS = StageProgress(enabled=False)
