"""The whole report on a real terminal: progress never erases or overwrites report text.

Each command runs as a child process with stdin, stdout and stderr on the slave side of
a pseudo-terminal of a known size; every byte it writes is fed to `pyte`, a terminal
emulator, and the assertions read the emulator's screen (and the lines scrolled off its
top), as a user would. SUPCHECK_PROGRESS_AFTER=0 draws the progress display at once, so
every run really draws and clears it. The children run side by side to keep the module
to a few seconds.
"""

from __future__ import annotations

import fcntl
import os
import re
import selectors
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pyte
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "sample_data")
CHECK = ["check", SAMPLE, "--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]
HEALTH = ["healthcheck", SAMPLE, "--year", "2025", "--as-of", "2026-11-20", "--policy", "shropshire"]
#: rich's spinner frames are Braille patterns; none is left on a finished screen.
SPINNER = re.compile("[\u2800-\u28ff]")
TIMEOUT_SECONDS = 60


@dataclass
class Terminal:
    """What a user sees once the command has ended: the screen and what scrolled off it."""

    exit_code: int
    lines: list[str]  # every line the terminal showed, scrolled-off ones first, right-trimmed
    rows: int

    @property
    def screen(self) -> list[str]:
        """The final screen, without its blank lines."""
        return [line for line in self.lines[-self.rows :] if line]

    @property
    def transcript(self) -> list[str]:
        """Every line shown, without the blank rows below the last one written."""
        lines = list(self.lines)
        while lines and not lines[-1]:
            lines.pop()
        return lines


class _Child:
    def __init__(self, args: list[str], columns: int, rows: int, env: dict[str, str]):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**os.environ, **env, "COLUMNS": str(columns), "LINES": str(rows), "TERM": "xterm"}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from supcheck.cli import main; main()", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.screen = pyte.HistoryScreen(columns, rows, history=10_000)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self) -> bool:
        """Feed what the child wrote; False once it has closed the terminal."""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the child's side is closed
            data = b""
        if not data:
            return False
        self.stream.feed(data)
        return True

    def finish(self) -> Terminal:
        os.close(self.master)
        code = self.process.wait(timeout=TIMEOUT_SECONDS)
        columns = self.screen.columns
        scrolled = [
            "".join(line[x].data for x in range(columns)).rstrip() for line in self.screen.history.top
        ]
        return Terminal(code, scrolled + [line.rstrip() for line in self.screen.display], self.screen.lines)


def run_on_terminals(runs: dict[str, tuple[list[str], int, int]], env: dict[str, str]) -> dict[str, Terminal]:
    """Run each command on its own pseudo-terminal (columns x rows), all at once."""
    children = {name: _Child(args, columns, rows, env) for name, (args, columns, rows) in runs.items()}
    selector = selectors.DefaultSelector()
    for name, child in children.items():
        selector.register(child.master, selectors.EVENT_READ, name)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    open_children = len(children)
    while open_children and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            if not children[key.data].feed():
                selector.unregister(key.fileobj)
                open_children -= 1
    selector.close()
    return {name: child.finish() for name, child in children.items()}


@pytest.fixture(scope="module")
def terminals(tmp_path_factory) -> dict[str, Terminal]:
    out = tmp_path_factory.mktemp("terminal")
    to_files = [*CHECK, "-o", str(out / "report.txt"), "--output-dir", str(out), "--save-format", "json"]
    found = run_on_terminals(
        {
            "check 80x50": (CHECK, 80, 50),  # README's first command
            "check to files 60x40": (to_files, 60, 40),
            "healthcheck 60x40": (HEALTH, 60, 40),
        },
        env={"SUPCHECK_PROGRESS_AFTER": "0"},
    )
    found["report.txt"] = (out / "report.txt").read_text(encoding="utf-8").splitlines()  # type: ignore[assignment]
    return found


def test_check_at_80_columns_ends_with_its_summary(terminals):
    terminal = terminals["check 80x50"]
    assert terminal.exit_code == 1
    assert terminal.transcript[0] == "Supervision check: national"
    assert terminal.screen[-2:] == [
        "41 staff · 226 windows assessed, 221 met, 1 excused, 4 missed",
        "10 breaches · 7 warnings",
    ]


def test_check_at_80_columns_shows_every_line_of_the_report(terminals):
    # The same report written to a file (80 columns, as the terminal): nothing erased,
    # nothing overwritten, nothing added, on the screen or scrolled off it.
    assert terminals["check 80x50"].transcript == [line.rstrip() for line in terminals["report.txt"]]


def test_check_to_files_keeps_its_wrote_lines(terminals):
    terminal = terminals["check to files 60x40"]
    assert terminal.exit_code == 1
    # The paths are longer than 60 columns: the terminal wraps them, so read them joined.
    assert re.fullmatch(
        r"supcheck: wrote /\S+/supcheck-national-\d{8}-\d{6}\.jsonsupcheck: wrote /\S+/report\.txt",
        "".join(terminal.transcript),
    ), terminal.transcript


def test_healthcheck_at_60_columns_ends_with_its_nqsw_table(terminals):
    terminal = terminals["healthcheck 60x40"]
    assert terminal.exit_code == 0
    assert terminal.transcript[0] == "Supervision health check 2025-26"
    # The health check's lines are 80 wide: the terminal wraps them at 60. Its last table
    # (notes may follow it) and its closing summary are on the final screen.
    nqsw_table = [
        "NQSWs                                  In post  Compliance",
        "    Change  Breaches",
        "------------------------------------------------------------",
        "--------------------",
        "NQSWs (ASYE)                                 2      100.0%",
        "   no data         0",
        "Other staff                                 35      100.0%",
        "    0.0 pp         1",
    ]
    screen = terminal.screen
    starts = [i for i in range(len(screen)) if screen[i : i + len(nqsw_table)] == nqsw_table]
    assert len(starts) == 1, screen
    assert screen[-3:] == [
        "As `check` reports 2025-26: 424 windows assessed, 424 met, 0",
        " excused, 0 missed ·",
        "1 breach · 8 warnings",
    ]


@pytest.mark.parametrize("name", ["check 80x50", "check to files 60x40", "healthcheck 60x40"])
def test_no_spinner_or_stage_is_left_on_the_terminal(terminals, name):
    shown = "\n".join(terminals[name].lines)
    assert not SPINNER.search(shown)
    for stage in ("Reading exports", "Checking data quality", "Applying the", "report"):
        assert not re.search(rf"^\s*{stage}.*\d:\d\d:\d\d", shown, re.MULTILINE), stage


class _Recorder:
    """A reporter that records when it renders and writes."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def write(self, report, output) -> None:
        self.calls.append(f"write {output}")

    def stdout_payload(self, report) -> bytes:
        self.calls.append("render")
        return b"the report\n"


@pytest.mark.parametrize(
    ("output", "now", "stages", "later", "stdout"),
    [
        # standard output: rendered in a drawn stage, written once the display is closed
        (None, ["render"], ["Preparing the report"], [], b"the report\n"),
        # a regular file cannot be the terminal: written in a drawn stage
        ("FILE", ["write FILE"], ["Writing the report"], [], b""),
        # a device (/dev/stdout, /dev/tty) may be the terminal: written once the display is closed
        ("/dev/null", [], [], ["write /dev/null"], b""),
    ],
)
def test_what_reaches_the_terminal_waits_for_the_display_to_close(
    tmp_path, capsysbinary, output, now, stages, later, stdout
):
    from supcheck.cli import _prepare_report
    from supcheck.progress import StageProgress

    target = None if output is None else Path(output.replace("FILE", str(tmp_path / "r.txt")))
    reporter = _Recorder()
    progress = StageProgress(enabled=False)
    finish = _prepare_report(progress, reporter, object(), target)  # type: ignore[arg-type]
    assert [call.replace(str(tmp_path / "r.txt"), "FILE") for call in reporter.calls] == now
    assert [name for name, _ in progress.stages] == stages
    assert capsysbinary.readouterr().out == b""
    finish()
    assert [call.replace(str(tmp_path / "r.txt"), "FILE") for call in reporter.calls] == now + later
    assert capsysbinary.readouterr().out == stdout
