"""`--since-last`: with an output folder, a run reports the breaches new and resolved
since the previous run's JSON report (written there under a dated name)."""

from __future__ import annotations

import html
import io
import json
import os
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck import cli, history
from supcheck.cli import app
from supcheck.history import previous_report, run_time, save_reports
from supcheck.models import CheckResult, Finding, Period, SinceLast, SkippedReport, Summary
from supcheck.reporters import get_reporter
from unattended_support import PERIOD, MailServer, copy_sample, edit_supervisions

runner = CliRunner()

# A late-recorded session for Jack Thompson (S010) in June clears his June breach.
LATE_JUNE_SESSION = "SUP-19001;S010;S005;24/06/2026;90;1:1;Completed;No;Yes;Yes"
# His only individual session in July (EXPECTED.md, explain on S010).
JULY_SESSION = "SUP-11236"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env or {})


def keyed(findings):
    return [(f["kind"], f["staff_id"], f["start"], f["end"]) for f in findings]


def test_second_run_marks_new_and_resolved_breaches(tmp_path):
    data = copy_sample(tmp_path / "data")
    out = tmp_path / "reports"
    first = run("check", data, *PERIOD, "--output-dir", out, "--since-last", "-f", "json")
    assert first.exit_code == 1, first.output
    since = json.loads(first.stdout)["since_last"]
    assert since["previous"] is None
    assert len(since["new"]) == 10 and since["resolved"] == []
    (first_json,) = out.glob("*.json")

    edit_supervisions(data, add=[LATE_JUNE_SESSION], drop=[JULY_SESSION])
    second = run("check", data, *PERIOD, "--output-dir", out, "--since-last", "-f", "json")
    assert second.exit_code == 1, second.output
    report = json.loads(second.stdout)
    since = report["since_last"]
    assert since["previous"] == first_json.name
    assert keyed(since["resolved"]) == [("frequency", "S010", "2026-06-01", "2026-06-30")]
    assert keyed(since["new"]) == [("frequency", "S010", "2026-07-01", "2026-07-31")]
    assert since["resolved"][0]["message"].startswith("Jack Thompson had no supervision between 1 June")
    # The dated JSON in the folder carries the same key; the contract's keys are unchanged.
    newest = previous_report(out, "national", run_time()).path
    assert newest != first_json
    saved = json.loads(newest.read_text(encoding="utf-8"))
    assert saved["since_last"] == since
    assert list(saved)[:8] == [
        "supcheck_version",
        "policy",
        "policy_title",
        "period",
        "as_of",
        "not_assessed",
        "summary",
        "findings",
    ]

    console = run("check", data, *PERIOD, "--output-dir", out, "--since-last")
    text = " ".join(console.stdout.split())
    assert (
        f"Since the last report --------------------- Compared with {newest.name}: 0 new, 0 resolved." in text
    )


def test_console_and_email_show_the_section(tmp_path):
    data = copy_sample(tmp_path / "data")
    out = tmp_path / "reports"
    assert run("check", data, *PERIOD, "--output-dir", out, "--since-last", "-q").exit_code == 1
    edit_supervisions(data, add=[LATE_JUNE_SESSION])
    with MailServer() as server:
        result = run(
            "check",
            data,
            *PERIOD,
            "--output-dir",
            out,
            "--since-last",
            "--email",
            "a@council.example",
            env=server.env(),
        )
        assert result.exit_code == 1, result.output
        text = " ".join(result.stdout.split())
        assert ": 0 new, 1 resolved." in text
        assert "RESOLVED 1 Jun–30 Jun 2026 Jack Thompson had no supervision" in text
        (mail,) = server.received
        assert mail.subject.endswith("9 breaches, 0 new, 1 resolved")
        assert "RESOLVED 1 Jun–30 Jun 2026 Jack Thompson had no supervision" in mail.flat_plain
        assert "Since the last report" in mail.html and "RESOLVED" in mail.html


def test_breaches_outside_this_period_are_not_called_resolved(tmp_path):
    out = tmp_path / "reports"
    data = copy_sample(tmp_path / "data")
    assert run("check", data, *PERIOD, "--output-dir", out, "--since-last", "-q").exit_code == 1
    october = ["--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]
    result = run("check", data, *october, "--output-dir", out, "--since-last", "-f", "json")
    since = json.loads(result.stdout)["since_last"]
    assert since["resolved"] == []  # June's breach etc. were not looked at this time
    assert since["new"] == []  # October's registration breaches were reported before


def test_since_last_needs_an_output_folder(tmp_path):
    result = run("check", tmp_path, *PERIOD, "--since-last")
    assert result.exit_code == 2
    assert "--since-last needs an output folder" in result.stderr


def test_an_unreadable_newer_report_is_passed_over_and_the_run_still_reports_and_mails(tmp_path, monkeypatch):
    data = copy_sample(tmp_path / "data")
    out = tmp_path / "reports"
    monkeypatch.setattr(cli, "run_time", lambda: AT(1, 7))
    assert run("check", data, *PERIOD, "--output-dir", out, "--since-last", "-q").exit_code == 1
    (good,) = out.glob("*.json")
    truncated = out / "supcheck-national-20261202-070000.json"
    truncated.write_bytes(good.read_bytes()[:5000])  # cut off mid-finding
    binary = out / "supcheck-national-20261202-080000.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    for path, modified in ((truncated, AT(2, 7)), (binary, AT(2, 8))):  # (their times: the file system's)
        os.utime(path, (modified.timestamp(), modified.timestamp()))
    edit_supervisions(data, add=[LATE_JUNE_SESSION])
    monkeypatch.setattr(cli, "run_time", lambda: AT(3, 7))
    with MailServer() as server:
        result = run(
            "check", data, *PERIOD, "--output-dir", out, "--since-last", "--email", "a@council.example",
            env=server.env(),
        )  # fmt: skip
        assert result.exit_code == 1, result.output
        (mail,) = server.received
    text = " ".join(result.stdout.split())
    assert f"Compared with {good.name}: 0 new, 1 resolved." in text
    assert (
        "Passed over supcheck-national-20261202-080000.json: not a text file."
        " Passed over supcheck-national-20261202-070000.json: not complete JSON" in text
    )
    assert "Passed over supcheck-national-20261202-070000.json: not complete JSON" in mail.flat_plain
    assert mail.subject.endswith("9 breaches, 0 new, 1 resolved")
    own = out / "supcheck-national-20261203-070000.json"
    saved = json.loads(own.read_text(encoding="utf-8"))  # written, and complete
    assert saved["generated_at"] == AT(3, 7).isoformat()
    assert [(s["file"], s["problem"]) for s in saved["since_last"]["skipped"]] == [
        ("supcheck-national-20261202-080000.json", "unreadable"),
        ("supcheck-national-20261202-070000.json", "unreadable"),
    ]
    assert result.stderr == ""  # (not a terminal: the warning is in the report only)


# ------------------------------------------------------------------ which earlier report

TZ = timezone(timedelta(hours=1))


def AT(day: int, hour: int, month: int = 12) -> datetime:  # noqa: N802 (reads as a constant)
    return datetime(2026, month, day, hour, 0, 0, tzinfo=TZ)


NOW = AT(2, 7)
DEC_1 = AT(1, 7)
BREACH = Finding(
    kind="frequency", rule="supervision-frequency", severity="breach", staff_id="S010", message="m"
)


def report(when: datetime | None = DEC_1, policy: str = "national") -> CheckResult:
    return CheckResult(
        supcheck_version="0",
        policy=policy,
        period=Period(**{"from": "2026-11-01", "to": "2026-11-30"}),
        as_of="2026-12-01",
        summary=Summary(breaches=1),
        findings=[BREACH],
        generated_at=when,
    )


def write(folder: Path, name: str, content: bytes | CheckResult, mtime: datetime | None = None) -> None:
    from supcheck.reporters.json import JsonReporter

    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else JsonReporter().render(content).encode())
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))


GOOD = "supcheck-national-20261101-070000.json"
OLD = AT(1, 7, month=11)


@pytest.mark.parametrize(
    ("case", "newer", "skipped"),
    [
        ("truncated JSON", b'{"supcheck_version": "0", "findings": [', "not complete JSON (Expecting value at line 1)"),
        ("JSON that is not a report", b'{"rows": []}', "not a supcheck report (no list of findings)"),
        ("a list, not a report", b"[1, 2]", "not a supcheck report (no list of findings)"),
        ("binary data", b"PK\x03\x04\x00\xff\xfe", "not a text file"),
        ("an empty file", b"", "the file is empty"),
        ("another policy's report", report(AT(1, 7), "dudley"), "a report of policy 'dudley', not 'national'"),
        ("a report recorded after this run", report(AT(2, 8)), "recorded as made at 2026-12-02T08:00:00+01:00, not before this run"),
        ("a report recorded at this very time", report(NOW), "recorded as made at 2026-12-02T07:00:00+01:00, not before this run"),
    ],
)  # fmt: skip
def test_a_newer_report_that_cannot_be_used_is_passed_over(tmp_path, case, newer, skipped):
    write(tmp_path, GOOD, report(OLD))
    write(tmp_path, "supcheck-national-20261201-070000.json", newer, mtime=AT(1, 7))
    previous = previous_report(tmp_path, "national", NOW)
    assert previous.path.name == GOOD, case
    assert previous.findings == [BREACH]
    assert [(s.file, s.reason) for s in previous.skipped] == [
        ("supcheck-national-20261201-070000.json", skipped)
    ]


@pytest.mark.parametrize(
    ("case", "files", "used"),
    [
        # (name, recorded time in the report or None, file modification time)
        (
            "a future date in a file name does not make it the newest",
            [("supcheck-national-20991231-235959.json", OLD, OLD), ("supcheck-national-20261201-070000.json", AT(1, 7), AT(1, 7))],
            "supcheck-national-20261201-070000.json",
        ),
        (
            "an older report under a newer name",
            [("supcheck-national-20261201-070000.json", OLD, AT(1, 7)), ("supcheck-national-20261101-070000.json", AT(1, 6), OLD)],
            "supcheck-national-20261101-070000.json",
        ),
        (
            "reports from before generated_at: by modification time",
            [("supcheck-national-20261201-070000.json", None, OLD), ("supcheck-national-20261101-070000.json", None, AT(1, 6))],
            "supcheck-national-20261101-070000.json",
        ),
        (
            "a recorded time beats the modification time",
            [("supcheck-national-20261201-070000.json", AT(1, 6), OLD), ("supcheck-national-20261101-070000.json", OLD, AT(1, 8))],
            "supcheck-national-20261201-070000.json",
        ),
        (
            "equal times: the later name",
            [("supcheck-national-20261201-070000.json", OLD, OLD), ("supcheck-national-20261201-070000-2.json", OLD, OLD)],
            "supcheck-national-20261201-070000-2.json",
        ),
        (
            "other policies and other names are not candidates",
            [("supcheck-our-council-20261201-070000.json", AT(1, 7), AT(1, 7)), ("supcheck-national-20261101-070000.json", OLD, OLD), ("notes-national-20261201-070000.json", AT(1, 7), AT(1, 7))],
            "supcheck-national-20261101-070000.json",
        ),
    ],
)  # fmt: skip
def test_the_previous_report_is_the_newest_by_its_recorded_time(tmp_path, case, files, used):
    for name, recorded, modified in files:
        write(tmp_path, name, report(recorded), mtime=modified)
    previous = previous_report(tmp_path, "national", NOW)
    assert previous.path is not None and previous.path.name == used, case
    assert previous.skipped == []


def test_a_report_reformatted_by_hand_still_takes_its_recorded_place(tmp_path):
    """Its time is not on the last line, so it is first placed by modification time."""
    pretty = json.dumps(json.loads(JsonReporter_render(report(OLD))), indent=4).encode()
    write(tmp_path, "supcheck-national-20261201-070000.json", pretty, mtime=AT(1, 8))
    write(tmp_path, "supcheck-national-20261101-070000.json", report(AT(1, 6)), mtime=OLD)
    assert previous_report(tmp_path, "national", NOW).path.name == "supcheck-national-20261101-070000.json"


def JsonReporter_render(result: CheckResult) -> str:  # noqa: N802
    from supcheck.reporters.json import JsonReporter

    return JsonReporter().render(result)


def test_unreadable_reports_older_than_the_one_used_are_not_read(tmp_path):
    write(tmp_path, "supcheck-national-20261001-070000.json", b"{broken", mtime=AT(1, 7, month=10))
    write(tmp_path, GOOD, report(OLD))
    previous = previous_report(tmp_path, "national", NOW)
    assert previous.path.name == GOOD and previous.skipped == []


def test_no_usable_report_compares_with_none(tmp_path):
    write(tmp_path, GOOD, b"{broken", mtime=OLD)
    previous = previous_report(tmp_path, "national", NOW)
    assert previous.path is None and [s.problem for s in previous.skipped] == ["unreadable"]
    assert previous_report(tmp_path / "missing", "national", NOW).path is None


# ------------------------------------------------------------------ claiming a name


def test_dated_names_are_unique_and_all_formats_share_one(tmp_path):
    now = datetime(2026, 12, 2, 7, 0, 0)
    first = save_reports(tmp_path, "national", now, report(), ["json", "csv"])
    assert [p.name for p in first] == [
        "supcheck-national-20261202-070000.json",
        "supcheck-national-20261202-070000.csv",
    ]
    (tmp_path / "supcheck-national-20261202-070000-2.xlsx").write_bytes(b"left without its JSON")
    second = save_reports(tmp_path, "national", now, report(), ["csv"])
    assert [p.name for p in second] == [
        "supcheck-national-20261202-070000-3.json",
        "supcheck-national-20261202-070000-3.csv",
    ]
    assert (tmp_path / "supcheck-national-20261202-070000-2.xlsx").read_bytes() == b"left without its JSON"


def test_the_saved_json_ends_with_its_recorded_time(tmp_path):
    (path,) = save_reports(tmp_path, "national", AT(2, 7), report(AT(2, 7)), [])
    assert path.read_text(encoding="utf-8").endswith('  "generated_at": "2026-12-02T07:00:00+01:00"\n}\n')
    assert history._stamp_at_end(path) == AT(2, 7)


def test_runs_started_together_never_share_a_name(tmp_path, monkeypatch):
    """Six runs in the same second (one frozen time: all choose the same name first), each
    held after finding the name free until all six have: only the exclusive create can
    then keep them apart."""
    runs = 6
    start = threading.Barrier(runs)
    all_looked = threading.Barrier(runs)
    looked = threading.local()
    taken = history._taken

    def look_then_wait(folder: Path, stem: str) -> bool:
        answer = taken(folder, stem)
        if not getattr(looked, "once", False):
            looked.once = True
            assert answer is False
            all_looked.wait()
        return answer

    monkeypatch.setattr(history, "_taken", look_then_wait)
    written: list[list[Path]] = []
    errors: list[BaseException] = []

    def one_run(n: int) -> None:
        try:
            start.wait()
            result = report(AT(2, 7)).model_copy(update={"policy_title": f"run {n}"})
            written.append(save_reports(tmp_path, "national", AT(2, 7), result, ["csv"]))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=one_run, args=(n,)) for n in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stems = sorted(paths[0].stem for paths in written)
    assert stems == ["supcheck-national-20261202-070000"] + [
        f"supcheck-national-20261202-070000-{n}" for n in range(2, 7)
    ]
    titles = {json.loads(paths[0].read_text(encoding="utf-8"))["policy_title"] for paths in written}
    assert titles == {f"run {n}" for n in range(runs)}  # six complete reports, none overwritten
    assert all(paths[1].with_suffix(".json") == paths[0] for paths in written)
    assert len(list(tmp_path.iterdir())) == 2 * runs  # and no partial files left


# ------------------------------------------------------------------ where the warning shows

SKIPPED = SkippedReport(
    file="supcheck-national-20261201-070000.json",
    problem="unreadable",
    reason="not complete JSON (Expecting value at line 9)",
)
PASSED_OVER = (
    "Passed over supcheck-national-20261201-070000.json: not complete JSON (Expecting value at line 9)."
)


@pytest.mark.parametrize(
    ("previous", "sentence"),
    [
        (GOOD, f"Compared with {GOOD}: 1 new, 0 resolved."),
        (None, "No readable earlier report to compare with: 1 breach in this report, all new."),
    ],
)
@pytest.mark.parametrize("fmt", ["console", "md", "html"])
def test_every_report_that_shows_since_last_names_the_reports_passed_over(fmt, previous, sentence):
    since = SinceLast(previous=previous, new=[BREACH], skipped=[SKIPPED])
    text = get_reporter(fmt).render(report().model_copy(update={"since_last": since}))
    flat = " ".join(html.unescape(text).split())
    assert sentence in flat and PASSED_OVER in flat


def test_the_warning_goes_to_stderr_only_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    result = report().model_copy(update={"since_last": SinceLast(previous=GOOD, skipped=[SKIPPED])})
    for stream, expected in ((io.StringIO(), ""), (Terminal(), f"supcheck: warning: {PASSED_OVER}\n")):
        monkeypatch.setattr(sys, "stderr", stream)
        cli._warn_skipped(result)
        assert stream.getvalue() == expected
