"""Progress: timed stages always; drawn only on a terminal, only after about a second."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from supcheck.errors import SupcheckError
from supcheck.progress import SHOW_AFTER_VARIABLE, StageProgress, show_after_seconds

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def test_stages_are_timed_and_nothing_is_drawn_when_disabled():
    progress = StageProgress(enabled=False)
    with progress, progress.stage("Reading exports"):
        pass
    assert [name for name, _ in progress.stages] == ["Reading exports"]


def test_a_quick_run_draws_nothing_even_on_a_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with StageProgress(enabled=True, show_after=5, console=console) as progress, progress.stage("Quick"):
        pass
    assert out.getvalue() == ""


def test_a_slow_run_draws_its_stage_on_a_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with (
        StageProgress(enabled=True, show_after=0.05, console=console) as progress,
        progress.stage("Applying rules"),
    ):
        time.sleep(0.4)
    assert "Applying rules" in out.getvalue()


def test_cli_draws_no_progress_when_not_on_a_terminal():
    from typer.testing import CliRunner

    from supcheck.cli import app

    result = CliRunner().invoke(
        app,
        ["check", str(SAMPLE), "--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20", "-q"],
    )
    assert result.exit_code == 1
    assert result.stderr == ""


def _terminal_console() -> tuple[io.StringIO, Console]:
    out = io.StringIO()
    return out, Console(file=out, force_terminal=True, width=80)


def test_a_display_being_started_as_the_run_ends_is_stopped_and_erased(monkeypatch):
    # The timer thread is inside Progress.start when the run closes: close waits for it,
    # then stops and erases the display; nothing is drawn afterwards.
    from rich.progress import Progress

    entered = threading.Event()
    real_start = Progress.start

    def slow_start(self):
        entered.set()
        time.sleep(0.1)
        real_start(self)

    monkeypatch.setattr(Progress, "start", slow_start)
    out, console = _terminal_console()
    progress = StageProgress(enabled=True, show_after=0, console=console)
    with progress.stage("Writing the report"):
        assert entered.wait(2)
    progress.close()
    assert progress._progress is not None and not progress._progress.live.is_started
    drawn = out.getvalue()
    assert "Writing the report" in drawn
    assert drawn.endswith("\x1b[?25h\r\x1b[1A\x1b[2K")  # cursor shown, back up, the line erased
    time.sleep(0.3)
    assert out.getvalue() == drawn


def test_a_display_closed_before_its_timer_fires_is_never_drawn():
    out, console = _terminal_console()
    progress = StageProgress(enabled=True, show_after=0.05, console=console)
    with progress, progress.stage("Reading exports"):
        pass
    assert progress._timer is not None and not progress._timer.is_alive()
    time.sleep(0.2)
    assert out.getvalue() == ""


def test_close_twice_is_harmless():
    out, console = _terminal_console()
    progress = StageProgress(enabled=True, show_after=0, console=console)
    with progress.stage("Reading exports"):
        time.sleep(0.2)
    progress.close()
    drawn = out.getvalue()
    progress.close()
    assert out.getvalue() == drawn


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(None, 1.0), ("", 1.0), ("0", 0.0), ("2.5", 2.5), (" 0.2 ", 0.2)],
)
def test_show_after_comes_from_the_environment(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv(SHOW_AFTER_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(SHOW_AFTER_VARIABLE, value)
    assert show_after_seconds() == seconds


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf", "1s"])
def test_a_bad_show_after_is_one_line_and_exit_2(monkeypatch, value):
    from typer.testing import CliRunner

    from supcheck.cli import app

    monkeypatch.setenv(SHOW_AFTER_VARIABLE, value)
    with pytest.raises(SupcheckError, match=f"^SUPCHECK_PROGRESS_AFTER '{value}' is not a number of seconds"):
        show_after_seconds()
    result = CliRunner().invoke(app, ["check", str(SAMPLE)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"supcheck: error: SUPCHECK_PROGRESS_AFTER '{value}' is not a number of seconds (0 or more)\n"
    )


def _screen(drawn: str, columns: int = 40, rows: int = 8) -> list[str]:
    """The lines a terminal shows after `drawn`, blank ones left out."""
    import pyte

    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed(drawn.replace("\n", "\r\n"))
    return [line.rstrip() for line in screen.display if line.strip()]


def test_a_note_during_the_run_stays_on_the_terminal_and_the_display_goes():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=40, height=8)
    progress = StageProgress(enabled=True, show_after=0, console=console)
    with progress, progress.stage("Reading exports"):
        deadline = time.monotonic() + 2
        while "Reading exports" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        progress.note("supcheck: warning: one")
        time.sleep(0.15)  # a refresh or two of the display below the note
        progress.note("supcheck: warning: two")
    assert "Reading exports" in out.getvalue()
    assert _screen(out.getvalue()) == ["supcheck: warning: one", "supcheck: warning: two"]


def test_a_note_without_a_display_goes_to_standard_error(capsys):
    with StageProgress(enabled=False) as progress:
        progress.note("supcheck: warning: one")
    assert capsys.readouterr().err == "supcheck: warning: one\n"
