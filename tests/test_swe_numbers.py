"""Social Work England numbers: normalised between the forms in use, read from the staff
table under the headers exports use, implying registration, and joining a census return's
workers to staff rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.loaders import load_dataset
from supcheck.swe import normalise

ROOT = Path(__file__).resolve().parents[1]
LIQUIDLOGIC = ROOT / "sample_data" / "liquidlogic"
RETURN = ROOT / "tests" / "fixtures" / "census" / "csww_2025.xml"
SESSIONS = "supervisee_id,date\nA1,10/09/2025\n"

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("SW12345", "SW12345"),  # the register's own form
        ("SW012345", "SW12345"),  # a leading zero from before 2019
        ("SW0000012345", "SW12345"),  # the census's SW + ten digits
        (" sw 12345 ", "SW12345"),
        ("SW-104522", "SW104522"),
        ("SW1", "SW1"),
    ],
)
def test_forms_of_one_number(text, number):
    assert normalise(text) == number


@pytest.mark.parametrize(
    "text", ["12345", "SW", "SW0", "SW12X", "SW12345678901", "HCPC12345", "S W12345", ""]
)
def test_not_a_number(text):
    with pytest.raises(ValueError, match="is not a Social Work England number"):
        normalise(text)


def _staff(tmp_path: Path, header: str, *values: str) -> Path:
    rows = "".join(f"S{n},Social Worker,01/01/2020,{value}\n" for n, value in enumerate(values, start=1))
    (tmp_path / "staff.csv").write_text(f"staff_id,role,start_date,{header}\n{rows}", encoding="utf-8")
    (tmp_path / "supervisions.csv").write_text("supervisee_id,date\nS1,04/03/2026\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "header",
    ["SWE Reg No", "SWE number", "Social Work England number", "Registration number", "SWE No",
     "registration_number", "Social Work England Registration Number", "HCPC number"],
)  # fmt: skip
def test_headers_for_the_number(tmp_path, header):
    loaded = load_dataset(_staff(tmp_path, header, "SW012345"))
    assert loaded.findings == []
    person = loaded.dataset.staff["S1"]
    assert person.registration_number == "SW12345"
    assert person.registered_social_worker is True  # implied by the number
    assert {"registration_number", "registered_social_worker"} <= loaded.dataset.tables["staff"].columns


def test_the_number_and_the_flag_together(tmp_path):
    (tmp_path / "staff.csv").write_text(
        "staff_id,role,start_date,SWE Registered,SWE number\n"
        "S1,Social Worker,01/01/2020,,SW0000012345\n"  # blank flag, a number: registered
        "S2,Social Worker,01/01/2020,N,SW54321\n"  # an explicit no is kept
        "S3,Social Worker,01/01/2020,,\n"  # neither: unknown, as before
        "S4,Social Worker,01/01/2020,,SW12X\n",  # malformed: a finding, and unknown
        encoding="utf-8",
    )
    (tmp_path / "supervisions.csv").write_text(SESSIONS, encoding="utf-8")
    loaded = load_dataset(tmp_path)
    staff = loaded.dataset.staff
    assert [
        (staff[s].registration_number, staff[s].registered_social_worker) for s in ("S1", "S2", "S3", "S4")
    ] == [
        ("SW12345", True),
        ("SW54321", False),
        ("", None),
        ("", None),
    ]
    [finding] = loaded.findings
    assert finding.message == (
        "staff.csv row 5: registration_number 'SW12X' is not a Social Work England number (SW and up to "
        "ten digits, as SW12345); read as blank."
    )
    assert (finding.column, finding.value, finding.staff_id) == ("registration_number", "SW12X", "S4")


def test_liquidlogic_registration_and_professional_supervision_are_assessed():
    result = runner.invoke(
        app,
        ["check", str(LIQUIDLOGIC), "--mapping", str(LIQUIDLOGIC / "mapping.toml"), "--from", "2026-04-01",
         "--to", "2026-09-30", "--as-of", "2026-10-15", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    not_assessed = {item["rule"] for item in report["not_assessed"]}
    assert not_assessed == {"uninterrupted"}  # registration, professional-supervision now assessed
    assert not any(f["rule"] == "registration" for f in report["findings"])  # all six registered


def test_census_workers_join_staff_rows_by_number(tmp_path):
    # The census fixture's workers 1, 2, 4 and 5 are on staff rows, each number written
    # another way; worker 3 (a leaver) has no row, worker 6's number is unreadable. A7 is
    # in post with a number the return does not have; A8's number is malformed.
    (tmp_path / "staff.csv").write_text(
        "staff_id,role,team,start_date,SWE number,fte\n"
        "A1,Social Worker,North,01/05/2018,SW10001,1\n"
        "A2,Social Worker,North,13/01/2025,SW010002,0.5\n"
        "A4,Social Worker,South,02/06/2025,SW 10004,1\n"
        "A5,Team Manager,South,03/09/2012,sw0000010005,1\n"
        "A7,Social Worker,South,01/01/2019,SW99999,1\n"
        "A8,Social Worker,South,01/01/2019,XX123,1\n",
        encoding="utf-8",
    )
    (tmp_path / "supervisions.csv").write_text(SESSIONS, encoding="utf-8")
    shutil.copy(RETURN, tmp_path / "csww_2025.xml")
    result = runner.invoke(
        app,
        ["healthcheck", str(tmp_path), "--year-type", "census", "--year", "2025", "--as-of", "2025-11-01",
         "--extracted", "2025-10-15", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    health = json.loads(result.stdout)
    teams = {u["id"]: u["figures"] for u in health["breakdowns"]["teams"]["units"]}
    service = health["breakdowns"]["service"]["units"][0]["figures"]

    def values(figures, *keys):
        return tuple(figures[k]["value"] for k in keys)

    keys = ("dfe_headcount", "dfe_fte", "dfe_agency_fte", "dfe_starters", "dfe_cases", "dfe_caseload")
    # North: W1 (FTE 1, 15 cases) and W2 (0.5, a starter, 8 cases): 23 cases / 1.5 FTE.
    assert values(teams["North"], *keys) == (2, 1.5, 0.0, 1, 23, round(23 / 1.5, 2))
    # South: W5 (FTE30 0.6, no cases) employed; W4 agency (1, 20 cases): 20 / 1.
    assert values(teams["South"], *keys) == (1, 0.6, 1.0, 0, 20, 20.0)
    assert teams["South"]["dfe_agency_rate"]["value"] == 0.625  # 1 / (1 + 0.6)
    # The whole service is the whole return (workers 3 and 6 included), as without a staff table.
    assert values(service, *keys) == (4, 2.1, 1.0, 1, 43, 17.2)
    notes = health["notes"]
    assert (
        "2025: 1 of 5 workers in post in csww_2025.xml have no Social Work England number found in the staff "
        "table: they count in the whole service's DfE figures only, not in a team's, role group's or the NQSWs'."
    ) in notes
    assert (
        "2025: 1 staff in post on 30 September 2025 with a Social Work England number are not in csww_2025.xml."
    ) in notes
