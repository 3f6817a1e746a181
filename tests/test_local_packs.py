"""The shipped local packs end to end, through typer's CliRunner.

1. `tests/fixtures/local_packs/council.xlsx`: one council's exports as one workbook (one
   sheet per table), written by `make_fixture.py` next to it, with problems planted for
   both packs. Every finding each pack must make, and the arithmetic behind it, is in
   `tests/fixtures/local_packs/EXPECTED.md`; the tests check those and no others.
2. The bundled sample council (`sample_data/`, see its EXPECTED.md) under each local pack.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from supcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "local_packs"
COUNCIL = FIXTURE_DIR / "council.xlsx"
COUNCIL_PERIOD = ["--from", "2026-01-01", "--to", "2026-06-30", "--as-of", "2026-07-20"]
SAMPLE = ROOT / "sample_data"
SAMPLE_PERIOD = ["--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]

runner = CliRunner()

# (kind, rule, staff_id, case_id, start, end), in report order: EXPECTED.md.
EXPECTED_SHROPSHIRE = [
    ("appraisal", "appraisal", "4103", "", "2026-06-30", "2026-06-30"),
    ("consecutive-missed", "consecutive-missed", "4104", "", "2026-02-01", "2026-03-31"),
    ("frequency", "supervision-frequency", "4104", "", "2026-02-01", "2026-02-28"),
    ("frequency", "supervision-frequency", "4104", "", "2026-03-01", "2026-03-31"),
    ("annual-minimum", "annual-minimum", "4105", "", "2025-07-01", "2026-06-30"),
    ("signed-record", "signed-record", "4106", "", "2026-05-07", "2026-05-07"),
    ("frequency", "supervision-frequency", "4107", "", "2026-02-16", "2026-02-22"),
    ("frequency", "supervision-frequency", "4108", "", "2026-04-27", "2026-05-10"),
    ("agreement", "agreement", "4110", "", "2026-06-30", "2026-06-30"),
    ("frequency", "supervision-frequency", "4111", "", "2026-01-01", "2026-03-31"),
    ("case-discussion", "case-discussion", "4114", "310082", "2026-01-12", "2026-03-12"),
]

EXPECTED_DUDLEY = [
    ("appraisal", "appraisal", "4103", "", "2026-06-30", "2026-06-30"),
    ("case-recording", "case-recording", "4103", "310001", "2026-05-22", "2026-05-26"),
    ("frequency", "supervision-frequency", "4104", "", "2026-02-01", "2026-02-28"),
    ("frequency", "supervision-frequency", "4104", "", "2026-03-01", "2026-03-31"),
    ("case-recording", "case-recording", "4106", "310031", "2026-04-02", "2026-04-08"),
    ("frequency", "supervision-frequency", "4108", "", "2026-04-27", "2026-05-10"),
    ("frequency", "supervision-frequency", "4109", "", "2026-03-16", "2026-03-29"),
    ("agreement", "agreement", "4110", "", "2026-06-30", "2026-06-30"),
]

# Frequency windows assessed / met / excused / missed, counted in EXPECTED.md.
EXPECTED_WINDOWS = {
    "shropshire": {"windows_assessed": 99, "windows_met": 91, "windows_excused": 3, "windows_missed": 5},
    "dudley": {"windows_assessed": 79, "windows_met": 73, "windows_excused": 2, "windows_missed": 4},
}


def check(data: Path, policy: str, period: list[str]):
    result = runner.invoke(app, ["check", str(data), "--policy", policy, *period, "--format", "json"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def keys(report) -> list[tuple]:
    return [
        (f["kind"], f["rule"], f["staff_id"], f["case_id"], f["start"], f["end"]) for f in report["findings"]
    ]


@pytest.fixture(scope="module")
def shropshire():
    return check(COUNCIL, "shropshire", COUNCIL_PERIOD)


@pytest.fixture(scope="module")
def dudley():
    return check(COUNCIL, "dudley", COUNCIL_PERIOD)


# ---------------------------------------------------------------------------- the council fixture


def test_fixture_is_what_make_fixture_writes():
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE_DIR / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build()
    saved = openpyxl.load_workbook(COUNCIL)
    assert saved.sheetnames == built.sheetnames == [
        "Staff", "Supervisions", "Absences", "Allocations", "Case Discussions", "Agreements", "Appraisals",
    ]  # fmt: skip
    for name in built.sheetnames:
        want = [tuple(_cell(c.value) for c in row) for row in built[name].iter_rows()]
        got = [tuple(_cell(c.value) for c in row) for row in saved[name].iter_rows()]
        assert got == want, f"{name}: council.xlsx is stale; rerun make_fixture.py"


def _cell(value):
    """Date cells are written as dates and read back as datetimes at midnight."""
    return value.date() if isinstance(value, datetime) else value


@pytest.mark.parametrize(
    ("policy", "expected"), [("shropshire", EXPECTED_SHROPSHIRE), ("dudley", EXPECTED_DUDLEY)]
)
def test_council_findings_are_exactly_the_planted_ones(policy, expected, shropshire, dudley):
    report = {"shropshire": shropshire, "dudley": dudley}[policy]
    assert report["policy"] == policy
    assert report["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert report["as_of"] == "2026-07-20"
    assert report["not_assessed"] == []
    assert keys(report) == expected
    summary = report["summary"]
    assert {k: summary[k] for k in EXPECTED_WINDOWS[policy]} == EXPECTED_WINDOWS[policy]
    assert summary["staff"] == 16


def test_council_severities_and_sources(shropshire, dudley):
    warnings = {"signed-record", "agreement", "appraisal"}
    for finding in shropshire["findings"]:
        assert finding["severity"] == ("warning" if finding["kind"] in warnings else "breach"), finding
        assert finding["source"].startswith("Shropshire"), finding
    assert (shropshire["summary"]["breaches"], shropshire["summary"]["warnings"]) == (8, 3)
    for finding in dudley["findings"]:
        assert finding["severity"] == "breach", finding
        assert finding["source"].startswith("Dudley"), finding
    assert (dudley["summary"]["breaches"], dudley["summary"]["warnings"]) == (8, 0)


def _message(report, kind: str, staff_id: str) -> str:
    (finding,) = [f for f in report["findings"] if f["kind"] == kind and f["staff_id"] == staff_id]
    return finding["message"]


def test_council_shropshire_messages(shropshire):
    assert _message(shropshire, "annual-minimum", "4105") == (
        "Leah Morris had 7 supervisions of at least 90 minutes between 1 July 2025 and 30 June 2026; "
        "at least 9 required (pro rata for 360 days employed and not absent)."
    )
    assert _message(shropshire, "consecutive-missed", "4104") == (
        "Tom Fletcher had no supervision for 2 months in a row, 1 February 2026 to 31 March 2026 "
        "(no more than 1 month in a row may be missed)."
    )
    assert _message(shropshire, "case-discussion", "4114") == (
        "Case 310082 allocated to Owen Griffiths on 12 January 2026 was not discussed in supervision "
        "by 12 March 2026 (every 2 months required)."
    )
    assert _message(shropshire, "frequency", "4111") == (
        "Joanne Pike had no supervision between 1 January 2026 and 31 March 2026 (quarterly required)."
    )
    assert _message(shropshire, "frequency", "4107") == (
        "Chloe Evans had no supervision between 16 February 2026 and 22 February 2026 (weekly required)."
    )
    assert _message(shropshire, "signed-record", "4106") == (
        "Marcus Bell's individual supervision record of 7 May 2026 is not signed by the supervisor."
    )


def test_council_dudley_messages(dudley):
    recording = {f["case_id"]: f["message"] for f in dudley["findings"] if f["kind"] == "case-recording"}
    assert recording == {
        "310001": "The discussion of case 310001 with Aisha Khan on 22 May 2026 was recorded on 27 May 2026, "
        "2 working days later (limit 1 working day, by 26 May 2026, as the decision was made by Sandra Okafor).",
        "310031": "The discussion of case 310031 with Marcus Bell on 2 April 2026 was recorded on 9 April 2026, "
        "3 working days later (limit 2 working days, by 8 April 2026).",
    }
    assert _message(dudley, "frequency", "4109") == (
        "Nadia Hussain had no supervision between 16 March 2026 and 29 March 2026 (fortnightly required)."
    )
    assert _message(dudley, "agreement", "4110") == (
        "Karen Wilde has no supervision agreement signed by both parties in the 12 months to 30 June 2026 "
        "(the last one signed by both is dated 3 March 2025)."
    )
    assert _message(dudley, "appraisal", "4103") == (
        "Aisha Khan has had no appraisal in the 12 months to 30 June 2026 (last appraisal 30 June 2025)."
    )


# ---------------------------------------------------------------------------- sample_data

RULE = {
    "duration": "session-length",
    "frequency": "supervision-frequency",
    "uninterrupted": "uninterrupted",
    "registration": "registration",
    "professional-supervision": "professional-supervision",
    "data-quality": "data-quality",
    "agreement": "agreement",
    "appraisal": "appraisal",
    "case-discussion": "case-discussion",
    "case-recording": "case-recording",
}


def f(kind, staff_id, start, end, case_id=""):
    return (kind, RULE[kind], staff_id, case_id, start, end)


# The national findings (tests/test_cli.py, sample_data/EXPECTED.md) and the local ones
# listed under "Other tables" in sample_data/EXPECTED.md, in report order.
SAMPLE_SHROPSHIRE = [
    f("duration", "00417", "2026-07-14", "2026-07-14"),
    f("frequency", "00452", "2026-09-01", "2026-09-30"),
    f("duration", "1023", "2026-05-19", "2026-05-19"),
    f("agreement", "1187", "2026-10-31", "2026-10-31"),
    f("uninterrupted", "S006", "2026-08-12", "2026-08-12"),
    f("appraisal", "S007", "2026-10-31", "2026-10-31"),
    f("data-quality", "S007", None, None),
    f("data-quality", "S009", "2026-06-10", "2026-06-10"),
    f("frequency", "S010", "2026-06-01", "2026-06-30"),
    f("case-discussion", "S011", "2026-05-12", "2026-07-12", "C91961"),
    f("data-quality", "S012", "2026-06-23", "2026-06-23"),
    f("frequency", "S013", "2026-05-25", "2026-05-31"),
    f("frequency", "S013", "2026-08-17", "2026-08-30"),
    f("data-quality", "S018", None, None),
    f("data-quality", "S021", "2026-04-28", "2026-04-28"),
    f("registration", "S026", "2026-10-31", "2026-10-31"),
    f("registration", "S027", "2026-10-31", "2026-10-31"),
    f("data-quality", "S035", None, None),
    f("professional-supervision", "S036", "2026-07-01", "2026-09-30"),
    f("data-quality", "S999", None, None),
]

# Dudley: no weekly NQSW phase (S013's 25-31 May week is inside a met fortnight), a
# catch-all group (S018's "Transformation Lead" matches it), no case-discussion rule,
# and case recording.
SAMPLE_DUDLEY = [
    x
    for x in SAMPLE_SHROPSHIRE
    if x[0] != "case-discussion"
    and x != f("frequency", "S013", "2026-05-25", "2026-05-31")
    and x != f("data-quality", "S018", None, None)
]
SAMPLE_DUDLEY.insert(
    SAMPLE_DUDLEY.index(f("registration", "S026", "2026-10-31", "2026-10-31")),
    f("case-recording", "S023", "2026-04-02", "2026-04-08", "C70400"),
)


@pytest.mark.parametrize(
    ("policy", "expected"), [("shropshire", SAMPLE_SHROPSHIRE), ("dudley", SAMPLE_DUDLEY)]
)
def test_sample_data_under_local_packs(policy, expected):
    report = check(SAMPLE, policy, SAMPLE_PERIOD)
    assert report["policy"] == policy
    assert report["not_assessed"] == []
    assert keys(report) == expected
