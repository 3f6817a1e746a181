"""Progress: timed stages always; drawn only on a terminal, only after about a second."""

from __future__ import annotations

import io
import time

from rich.console import Console

from supcheck.progress import StageProgress


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
    from pathlib import Path

    from typer.testing import CliRunner

    from supcheck.cli import app

    sample = Path(__file__).resolve().parents[1] / "sample_data"
    result = CliRunner().invoke(
        app,
        ["check", str(sample), "--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20", "-q"],
    )
    assert result.exit_code == 1
    assert result.stderr == ""
