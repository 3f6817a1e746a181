"""The DfE workforce census return: recognised by content, read safely, and the source of
the health check's DfE indicators.

tests/fixtures/census/csww_2025.xml is a hand-written return for census year 2025
(1 October 2024 to 30 September 2025, 253 working days): six workers and LA-level
vacancies of 3.5 FTE. On 30 September 2025:

- W1 employed, FTE 1, 15 cases, 4 days lost;
- W2 employed, FTE 0.5, started 13 January 2025 (a starter), 8 cases, 2.5 days lost;
- W3 employed, FTE 0.8, left 30 April 2025 (a leaver, not in post; 10 days lost not
  counted);
- W4 agency, FTE 1, started 2 June 2025 (not a DfE starter), 20 cases;
- W5 employed, FTE 1 but FTE30 0.6 (the FTE on the reference date is used), 0 cases,
  0 days lost, and an element supcheck does not know (`Favourite`);
- W6 employed, with five bad values (SWENo, FTE, OrgRole, RoleStartDate, Cases30), each
  read as blank: in post (no start date), no FTE, no cases; 1 day lost.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.loaders import load_dataset
from supcheck.loaders.census import read_census, sniff

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CENSUS = FIXTURES / "census"
RETURN = CENSUS / "csww_2025.xml"
ARGS = ["--year-type", "census", "--year", "2025", "--as-of", "2025-11-01", "--format", "json"]

runner = CliRunner()


def healthcheck(data: Path, *args: str):
    return runner.invoke(app, ["healthcheck", str(data), *args])


@pytest.fixture(scope="module")
def census_json():
    result = healthcheck(CENSUS, *ARGS)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- reading


def test_the_return_is_read():
    census, findings = read_census(RETURN)
    assert (census.reference_date, census.year, census.lea) == (date(2025, 9, 30), 2025, "999")
    assert (census.vacancies, census.agency_fte, census.agency_headcount) == (3.5, 1.0, 1)
    assert [w.position for w in census.workers] == [1, 2, 3, 4, 5, 6]
    first, second, third, _, fifth, sixth = census.workers
    assert first.swe_number == "SW10001"  # SW0000010001, normalised
    assert (first.agency, first.fte, first.org_role, first.cases30, first.days_lost) == (
        False,
        1.0,
        5,
        15,
        4.0,
    )
    assert (second.start_origin, second.cfkss_status, second.role_start) == (1, 1, date(2025, 1, 13))
    assert (third.role_end, third.reason_leave) == (date(2025, 4, 30), 1)
    assert (fifth.fte, fifth.fte30) == (1.0, 0.6)
    assert (sixth.swe_number, sixth.fte, sixth.org_role, sixth.role_start, sixth.cases30) == (None,) * 5
    assert sixth.days_lost == 1.0


@pytest.mark.parametrize(
    ("element", "message"),
    [
        ("SWENo", "csww_2025.xml: CSWWWorker 6: SWENo 'SW12X' is not a Social Work England number"),
        ("FTE", "csww_2025.xml: CSWWWorker 6: FTE '1.5' is not a full-time equivalent above 0 and at most 1"),
        ("OrgRole", "csww_2025.xml: CSWWWorker 6: OrgRole '9' is not a code from 1 to 6; read as blank."),
        (
            "RoleStartDate",
            "csww_2025.xml: CSWWWorker 6: RoleStartDate '2020-02-30' is not a date (YYYY-MM-DD)",
        ),
        ("Cases30", "csww_2025.xml: CSWWWorker 6: Cases30 '-3' is not a whole number of 0 or more; read as"),
    ],
)
def test_bad_values_are_findings_naming_the_element_and_the_worker(element, message):
    _, findings = read_census(RETURN)
    assert [f.column for f in findings] == ["SWENo", "FTE", "OrgRole", "RoleStartDate", "Cases30"]
    found = next(f for f in findings if f.column == element)
    assert found.message.startswith(message)
    assert found.kind == "data-quality" and found.file == "csww_2025.xml"


def test_unknown_elements_are_ignored():
    _, findings = read_census(RETURN)
    assert not any("Favourite" in f.message for f in findings)


@pytest.mark.parametrize(
    ("head", "is_return"),
    [
        (b'<?xml version="1.0"?>\n<Message><Header/></Message>', True),
        (b"\xef\xbb\xbf  <Message>", True),  # a byte order mark and spaces first
        (b'<?xml version="1.0"?><!-- CSWW --><!DOCTYPE Message [<!ENTITY a "b">]><Message>', True),
        (b'<m:Message xmlns:m="urn:x">', True),
        (b"<Workbook>", False),
        (b"staff_id,role\nS1,<Message>", False),
        (b"", False),
    ],
)
def test_sniff(tmp_path, head, is_return):
    path = tmp_path / "any.name"
    path.write_bytes(head)
    assert sniff(path) is is_return


def test_a_return_is_recognised_by_content_whatever_its_name(tmp_path):
    shutil.copy(RETURN, tmp_path / "staff.csv")  # named like a table, but a census return
    loaded = load_dataset(tmp_path, census=True)
    assert [c.label for c in loaded.dataset.census] == ["staff.csv"]
    assert not loaded.dataset.has_table("staff")


def test_check_does_not_need_it_and_is_not_confused_by_it(tmp_path):
    (tmp_path / "staff.csv").write_text("staff_id,role,start_date\nS1,Social Worker,2020-01-01\n")
    (tmp_path / "supervisions.csv").write_text("supervisee_id,date\nS1,2025-09-10\n")
    shutil.copy(RETURN, tmp_path / "CSWW return.xml")
    loaded = load_dataset(tmp_path)
    assert loaded.dataset.census == [] and not any("CSWW" in (f.file or "") for f in loaded.findings)


def _write(tmp_path: Path, text: str, name: str = "return.xml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _refused(data: Path) -> str:
    result = healthcheck(data, *ARGS)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stdout == ""
    return lines[0]


def test_an_entity_declaration_is_refused_with_one_line(tmp_path):
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        "<Message><Header><CollectionDetails><Collection>CSWW</Collection><Year>2025</Year>"
        "</CollectionDetails></Header><CSWWWorker><SWENo>&lol2;</SWENo></CSWWWorker></Message>\n"
    )
    line = _refused(_write(tmp_path, hostile))
    assert line.startswith("supcheck: error: return.xml: refused: the census return declares a document type")


def test_an_external_entity_is_refused(tmp_path):
    hostile = '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message>&x;</Message>'
    assert "refused: the census return declares" in _refused(_write(tmp_path, hostile))


def test_a_return_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    shutil.copy(RETURN, tmp_path / "csww.xml")
    monkeypatch.setenv("SUPCHECK_MAX_FILE_MB", "0.001")  # 1 kB: the fixture is larger
    assert "csww.xml: refused: the file is" in _refused(tmp_path)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<Message><Header><CollectionDetails><Collection>CSWW</Collection></CollectionDetails></Header>"
         "</Message>", "return.xml: the census return has no readable ReferenceDate or Year"),
        ("<Message><Header><CollectionDetails><Collection>CSWW", "return.xml: not a readable census return (not "
         "well-formed XML"),
    ],
)  # fmt: skip
def test_an_unreadable_return_stops_the_run(tmp_path, xml, message):
    assert message in _refused(_write(tmp_path, xml))


def test_two_returns_for_one_year_stop_the_run(tmp_path):
    shutil.copy(RETURN, tmp_path / "a.xml")
    shutil.copy(RETURN, tmp_path / "b.xml")
    assert "two census returns for 2025-09-30" in _refused(tmp_path)


def test_another_collection_is_not_a_census_return(tmp_path):
    shutil.copy(RETURN, tmp_path / "csww.xml")
    _write(tmp_path, "<Message><Header><CollectionDetails><Collection>SC</Collection><Year>2025</Year>"
           "</CollectionDetails></Header></Message>", "school census.xml")  # fmt: skip
    loaded = load_dataset(tmp_path, census=True)
    assert [c.label for c in loaded.dataset.census] == ["csww.xml"]
    assert any(
        f.file == "school census.xml"
        and "not a CSWW census return (its Collection is 'SC'); ignored" in f.message
        for f in loaded.findings
    )


def test_a_missing_reference_date_falls_back_to_the_year(tmp_path):
    path = _write(tmp_path, "<Message><Header><CollectionDetails><Collection>CSWW</Collection><Year>2024</Year>"
                  "</CollectionDetails></Header></Message>") / "return.xml"  # fmt: skip
    census, findings = read_census(path)
    assert census.reference_date == date(2024, 9, 30)
    assert findings[0].message == (
        "return.xml: no ReferenceDate; the census return is read as of 30 September 2024 (its Year)."
    )


# ---------------------------------------------------------------- the DfE figures from it

EXPECTED = {
    # In post on 30 September 2025: W1, W2, W5, W6 employed (W3 left), W4 agency.
    "dfe_headcount": 4,
    "dfe_fte": 2.1,  # 1 + 0.5 + 0.6 (W5's FTE30) + W6 none
    "dfe_agency_headcount": 1,  # W4, listed (the LA-level NoAgencyFTE is not added to it)
    "dfe_agency_fte": 1.0,
    "dfe_starters": 1,  # W2 (W4 is agency)
    "dfe_starters_fte": 0.5,
    "dfe_leavers": 1,  # W3
    "dfe_leavers_fte": 0.8,
    "dfe_turnover_rate": round(0.8 / 2.1, 4),  # 38.1 %
    "dfe_agency_rate": round(1.0 / 3.1, 4),  # 1 / (1 + 2.1) = 32.3 %
    "dfe_vacancies_fte": 3.5,
    "dfe_vacancy_rate": 0.625,  # 3.5 / (3.5 + 2.1)
    "dfe_cases": 43,  # W1 15 + W2 8 + W4 20 (W5 holds none; W6's Cases30 unreadable)
    "dfe_case_holder_fte": 2.5,  # 1 + 0.5 + 1
    "dfe_caseload": 17.2,  # 43 / 2.5
    "dfe_working_days": 253,
    "dfe_days_lost": 6.5,  # W1 4 + W2 2.5 + W5 0 (W6 has no FTE; W3 and W4 not counted)
    "dfe_absence_rate": round(6.5 / (2.1 * 253), 4),  # 6.5 / 531.3 = 1.2 %
}


@pytest.mark.parametrize("key", EXPECTED)
def test_dfe_figures_from_the_return_alone(census_json, key):
    assert census_json["breakdowns"]["service"]["units"][0]["figures"][key]["value"] == EXPECTED[key]


def test_without_other_exports_every_other_figure_says_no_data(census_json):
    figures = census_json["breakdowns"]["service"]["units"][0]["figures"]
    assert all(v["value"] is None for k, v in figures.items() if not k.startswith("dfe_"))
    assert census_json["dfe_source"] == "the census return csww_2025.xml (reference date 30 September 2025)"
    notes = census_json["notes"]
    assert any("there is no staff table" in n and "every figure but the DfE indicators" in n for n in notes)
    assert "csww_2025.xml: CSWWWorker 6: OrgRole '9' is not a code from 1 to 6; read as blank" in notes


def test_a_return_for_another_year_is_not_used(tmp_path):
    shutil.copy(RETURN, tmp_path / "csww.xml")
    result = healthcheck(
        tmp_path, "--year-type", "census", "--year", "2026", "--as-of", "2026-11-01", "-f", "json"
    )
    assert result.exit_code == 0, result.output
    health = json.loads(result.stdout)
    assert health["breakdowns"]["service"]["units"][0]["figures"]["dfe_fte"]["value"] is None
    assert health["breakdowns"]["service"]["units"][0]["figures"]["dfe_fte"]["previous"] == 2.1  # 2025
    assert health["previous_dfe_source"].startswith("the census return csww.xml")


# ---------------------------------------------------------------- the sample data's return

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

# Census year 2026 (1 October 2025 to 30 September 2026), as README's health-check
# section prints them: from sample_data/csww_2026.xml, and the same from the staff,
# allocations and absences tables it was generated from.
SAMPLE_2026 = {
    "dfe_headcount": 28,
    "dfe_fte": 27.4,
    "dfe_agency_headcount": 2,
    "dfe_agency_fte": 2.0,
    "dfe_starters": 4,
    "dfe_leavers": 2,
    "dfe_turnover_rate": 0.073,  # 2 / 27.4
    "dfe_agency_rate": 0.068,  # 2 / 29.4
    "dfe_vacancies_fte": 3.5,
    "dfe_vacancy_rate": 0.1133,  # 3.5 / 30.9
    "dfe_cases": 292,
    "dfe_caseload": 11.97,  # 292 / 24.4
    "dfe_working_days": 253,
    "dfe_days_lost": 43.0,  # S008 5, S012 3, S019 33 (1 July-15 August 2026), 1187 2
    "dfe_absence_rate": 0.0062,  # 43 / (27.4 x 253)
}


def test_the_sample_return_agrees_with_the_tables_it_was_made_from():
    from supcheck.healthcheck import HealthYear, build_health_check
    from supcheck.pipeline import RunOptions, load_inputs, run_pipeline
    from supcheck.reporters.health_json import health_object

    year = HealthYear(2026, "census")
    options = RunOptions(data=SAMPLE, period=year.period, as_of=date(2026, 11, 20))
    inputs = load_inputs(options, census=True)
    run = run_pipeline(options, inputs)
    previous = run_pipeline(
        RunOptions(data=SAMPLE, period=year.previous().period, as_of=options.as_of), inputs
    )
    with_return = build_health_check(run.dataset, run.pack, year, options.as_of, run.engine, previous.engine)
    without = run.dataset.model_copy(update={"census": []})
    from_tables = build_health_check(without, run.pack, year, options.as_of, run.engine, previous.engine)
    assert with_return.dfe_source.startswith("the census return csww_2026.xml")
    assert from_tables.dfe_source == "the staff table, staff.csv"
    figures = health_object(with_return)["breakdowns"]["service"]["units"][0]["figures"]
    assert {k: figures[k]["value"] for k in SAMPLE_2026} == SAMPLE_2026
    same = [k for k in SAMPLE_2026 if not k.startswith("dfe_vacanc")]
    table = health_object(from_tables)["breakdowns"]["service"]["units"][0]["figures"]
    assert {k: table[k]["value"] for k in same} == {k: SAMPLE_2026[k] for k in same}


def test_the_console_says_no_window_was_assessed_rather_than_counting_none():
    result = healthcheck(CENSUS, *ARGS[:-2])  # (without --format json)
    assert result.exit_code == 0, result.output
    last = " ".join(result.stdout.split("\n\n")[-1].split())  # the last paragraph, unwrapped
    assert (
        last == "As `check` reports 2025: no supervision window assessed \u00b7 0 breaches \u00b7 5 warnings"
    )
