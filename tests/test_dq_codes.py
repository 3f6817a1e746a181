"""Data-quality codes: documented in one table, every finding carries one, and the
message of each is built from its code and values (`dq.message`), here checked once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings

from supcheck.dq import CODES, data_quality, message
from supcheck.loaders import load_dataset
from test_fuzz_loaders import FUZZ, export_files, folder

ROOT = Path(__file__).resolve().parent.parent


def _documented_codes() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    section = text.split("### Data-quality codes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", section, flags=re.MULTILINE)


def test_the_docs_table_is_the_code_table():
    assert _documented_codes() == [(code, c.meaning) for code, c in CODES.items()]


# What each message says, from its code and values: the one place wording is tested.
MESSAGES = [
    ("not-a-date", {"column": "date", "value": "31/02/2026", "detail": "is not a date", "outcome": "row not used"},
     "date '31/02/2026' is not a date; row not used."),
    ("missing-value", {"column": "role", "detail": "is missing", "outcome": "row not used"},
     "role is missing; row not used."),
    ("end-before-start",
     {"column": "end_date", "value": "2015-01-01", "detail": "is before start_date 2016-05-01",
      "outcome": "read as blank (no end date: treated as still employed)"},
     "end_date '2015-01-01' is before start_date 2016-05-01; read as blank (no end date: treated as "
     "still employed)."),
    ("repeated-header", {}, "repeats the header row; row not used."),
    ("no-header", {"column": "J", "value": "x"}, "column J has data but no header; ignored"),
    ("unknown-staff", {"column": "worker_id", "value": "S9"}, "worker_id 'S9' is not in the staff table; row not used."),
    ("after-as-of", {"column": "date", "value": "2026-12-01", "as_of": "2026-11-20"},
     "date 2026-12-01 is after the as-of date 2026-11-20; row not used."),
    ("before-start", {"on": "3 March 2026", "name": "Ann Lee", "start": "4 March 2026"},
     "session on 3 March 2026 is before Ann Lee started on 4 March 2026; row not used."),
    ("duplicate-staff", {"value": "S001", "where": " (first on row 2)"},
     "staff_id 'S001' appears again (first on row 2); row not used."),
    ("tied-columns",
     {"column": "'A', 'B'", "headers": "'A' and 'B'", "both": "both", "target": "worker_id", "none": "neither"},
     "columns 'A' and 'B' both read as worker_id; neither used"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "values", "expected"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_messages_are_built_from_the_code(code, values, expected):
    assert message(code, **values) == expected


def test_a_located_finding_names_the_file_and_row_first():
    finding = data_quality(
        "not-a-date",
        file="s.csv",
        row=7,
        column="date",
        value="x",
        detail="is not a date",
        outcome="row not used",
    )
    assert (finding.code, finding.kind, finding.message) == (
        "not-a-date",
        "data-quality",
        "s.csv row 7: date 'x' is not a date; row not used.",
    )


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        data_quality("no-such-code")


@settings(FUZZ, max_examples=60)
@given(files=export_files())
def test_every_loading_finding_carries_a_known_code(files):
    with folder(files) as path:
        try:
            result = load_dataset(path)
        except Exception:  # noqa: BLE001 (a file refused whole: test_fuzz_loaders checks the line)
            return
    assert all(f.code in CODES for f in result.findings), [f.message for f in result.findings if not f.code]


def test_the_sample_council_findings_are_all_coded(tmp_path):
    from typer.testing import CliRunner

    from supcheck.cli import app

    out = tmp_path / "r.json"
    args = [
        "check",
        str(ROOT / "sample_data"),
        "--from",
        "2026-04-01",
        "--to",
        "2026-10-31",
        "--as-of",
        "2026-11-20",
    ]
    CliRunner().invoke(app, [*args, "-f", "json", "-o", str(out)])
    import json

    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    quality = [f for f in findings if f["kind"] == "data-quality"]
    assert quality and all(f["code"] in CODES for f in quality)
    assert all("code" not in f for f in findings if f["kind"] != "data-quality")
