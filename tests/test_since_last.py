"""`--since-last`: with an output folder, a run reports the breaches new and resolved
since the previous run's JSON report (written there under a dated name)."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.history import previous_report, report_stem
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
    newest = previous_report(out, "national")
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


def test_a_damaged_previous_report_is_one_line(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "supcheck-national-20261101-070000.json").write_text("{not json", encoding="utf-8")
    data = copy_sample(tmp_path / "data")
    result = run("check", data, *PERIOD, "--output-dir", out, "--since-last")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "supcheck-national-20261101-070000.json is not a supcheck JSON report" in line


def test_dated_names_are_unique_and_the_newest_is_previous(tmp_path):
    now = datetime(2026, 12, 2, 7, 0, 0)
    first = report_stem(tmp_path, "national", now)
    assert first == "supcheck-national-20261202-070000"
    (tmp_path / f"{first}.json").write_text("{}")
    second = report_stem(tmp_path, "national", now)
    assert second == "supcheck-national-20261202-070000-2"
    (tmp_path / f"{second}.json").write_text("{}")
    (tmp_path / "supcheck-our-council-20261203-070000.json").write_text("{}")
    (tmp_path / "supcheck-national-20261101-070000.json").write_text("{}")
    assert previous_report(tmp_path, "national").name == f"{second}.json"
    assert previous_report(tmp_path, "our-council").name == "supcheck-our-council-20261203-070000.json"
    assert previous_report(tmp_path, "dudley") is None
