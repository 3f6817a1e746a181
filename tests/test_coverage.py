"""Export coverage: what the exports can speak for, and that nothing past it is judged.

Every expected date below is worked out by hand in the comment beside it. The rules are
in `supcheck.coverage`'s docstring and docs/data.md ("How far the exports reach").
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from helpers import check, dataset, kinds, person, session
from supcheck.cli import app
from supcheck.coverage import coverage_of
from supcheck.loaders import load_dataset
from supcheck.loaders.extraction import extraction_date
from supcheck.models import Allocation, Discussion, TableInfo

D = date
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


# ---------------------------------------------------------------- title rows


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Report run: 01/11/2026 09:14", D(2026, 11, 1)),
        ("Extracted 01/11/2026 07:02", D(2026, 11, 1)),
        ("Extracted on 3 Nov 2026", D(2026, 11, 3)),
        ("Data as at 31/10/2026", D(2026, 10, 31)),
        ("As at 2026-10-31", D(2026, 10, 31)),
        ("Date extracted: 04-11-2026", D(2026, 11, 4)),
        ("Run date November 5, 2026", D(2026, 11, 5)),
        ("Generated on 06.11.2026 at 10:00", D(2026, 11, 6)),
        # A date with no word saying what it is, or words with no date: not an extraction.
        ("Supervisions 01/04/2026 to 31/10/2026", None),
        ("Children's Services - Staff Establishment", None),
        ("Extracted by the performance team", None),
    ],
)
def test_title_row_extraction_dates(title, expected):
    found = extraction_date([(1, [title])], month_first=False)
    assert (found.day if found else None) == expected


def test_title_row_dates_follow_month_first():
    found = extraction_date([(1, ["Report run: 11/01/2026"])], month_first=True)
    assert found is not None and found.day == D(2026, 11, 1)


def test_title_date_in_the_cell_after_its_label():
    rows = [(1, ["Staff list", None]), (2, ["Extracted on:", "", datetime(2026, 11, 1, 7, 2)])]
    found = extraction_date(rows, month_first=False)
    assert found is not None and found.day == D(2026, 11, 1)
    assert found.text == "Extracted on: 01/11/2026 07:02"


def _write_folder(folder: Path, staff_title: str = "", supervisions: str = "") -> None:
    title = f"{staff_title}\n\n" if staff_title else ""
    (folder / "staff.csv").write_text(
        title + "staff_id,name,role,start_date,registered_social_worker,line_manager_id\n"
        "S1,Ann Lee,Social Worker,01/01/2020,Y,M1\n"
        "M1,Max Ray,Team Manager,01/01/2015,Y,\n",
        encoding="utf-8",
    )
    (folder / "supervisions.csv").write_text(
        supervisions
        or (
            "supervisee_id,supervisor_id,date,duration_minutes\n"
            "S1,M1,10/09/2026,90\nM1,M1,10/09/2026,90\n"
            "S1,M1,12/10/2026,90\nM1,M1,12/10/2026,90\n"
        ),
        encoding="utf-8",
    )


def test_a_csv_title_row_dates_every_table(tmp_path):
    _write_folder(tmp_path, "Report run: 01/11/2026 09:14")
    data = load_dataset(tmp_path).dataset
    assert data.tables["staff"].extracted == D(2026, 11, 1)
    coverage = coverage_of(data, as_of=D(2026, 12, 2))
    # Taken on 1 November: the last whole day is 31 October, for the staff table and for
    # supervisions.csv, which has no title row of its own.
    assert {t: c.ends for t, c in coverage.tables.items()} == {
        "staff": D(2026, 10, 31),
        "supervisions": D(2026, 10, 31),
    }
    assert "title row says: 'Report run: 01/11/2026 09:14'" in coverage.tables["supervisions"].basis


def test_a_workbook_title_row_with_a_date_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "staff"
    sheet.append(["Staff establishment"])
    sheet.append(["As at", datetime(2026, 10, 15)])
    sheet.append([])
    sheet.append(["staff_id", "role", "start_date"])
    sheet.append(["S1", "Social Worker", datetime(2020, 1, 1)])
    sessions = book.create_sheet("supervisions")
    sessions.append(["supervisee_id", "date"])
    sessions.append(["S1", datetime(2026, 10, 1)])
    book.save(tmp_path / "exports.xlsx")
    data = load_dataset(tmp_path / "exports.xlsx").dataset
    assert data.tables["staff"].extracted == D(2026, 10, 15)
    assert coverage_of(data, as_of=D(2026, 11, 1)).tables["supervisions"].ends == D(2026, 10, 14)


# ---------------------------------------------------------------- where exports end and begin


def _data(sessions, titles=None, **tables):
    data = dataset([person("S1"), person("M1", role="Team Manager")], sessions, **tables)
    for name, day in (titles or {}).items():
        data.tables[name] = data.tables[name].model_copy(update={"extracted": day, "extracted_text": "As at"})
    return data


@pytest.mark.parametrize(
    ("titles", "extracted", "expected_ends"),
    [
        # No extraction date: the last held session on or before as-of (20 October; the
        # cancelled 25 October and the booking for 3 December do not count).
        ({}, None, D(2026, 10, 20)),
        # A title row: the day before it, for every table.
        ({"staff": D(2026, 11, 1)}, None, D(2026, 10, 31)),
        # --extracted beats a title row.
        ({"staff": D(2026, 11, 1)}, D(2026, 11, 15), D(2026, 11, 14)),
        # Never after as-of (2 December).
        ({}, D(2027, 1, 1), D(2026, 12, 2)),
    ],
)
def test_where_the_exports_end(titles, extracted, expected_ends):
    data = _data(
        [
            session(D(2026, 10, 20)),
            session(D(2026, 10, 25), status="cancelled"),
            session(D(2026, 12, 3)),
        ],
        titles,
    )
    coverage = coverage_of(data, D(2026, 12, 2), extracted)
    assert coverage.tables["supervisions"].ends == expected_ends
    assert coverage.tables["staff"].ends == expected_ends


def test_a_table_with_its_own_title_row_keeps_it():
    data = _data([session(D(2026, 10, 20))], {"staff": D(2026, 11, 1), "supervisions": D(2026, 10, 16)})
    coverage = coverage_of(data, D(2026, 12, 2))
    assert coverage.tables["supervisions"].ends == D(2026, 10, 15)
    assert coverage.tables["staff"].ends == D(2026, 10, 31)


def test_dense_exports_begin_with_the_month_of_their_first_row():
    allocation = Allocation(case_id="C1", worker_id="S1", start_date=D(2025, 1, 6))
    data = _data(
        [session(D(2024, 4, 5)), session(D(2026, 10, 20))],
        allocations=("allocations", [allocation], {"case_id", "worker_id", "start_date"}),
    )
    coverage = coverage_of(data, D(2026, 12, 2))
    assert coverage.tables["supervisions"].begins == D(2024, 4, 1)
    assert coverage.tables["allocations"].begins == D(2025, 1, 1)
    assert coverage.tables["allocations"].first_row == D(2025, 1, 6)
    assert coverage.tables["staff"].begins is None  # (start dates are not where an export begins)


# ---------------------------------------------------------------- nothing past the export is judged


def _judged(data, start, end, as_of, extracted=None):
    return check(data, start, end, as_of, coverage=coverage_of(data, as_of, extracted))


@pytest.mark.parametrize(
    ("extracted", "missed_months"),
    [
        # Sessions in September only. Taken on 1 December: October and November are missed.
        (D(2026, 12, 1), [(D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 11, 30))]),
        # Taken on 30 November: 30 November is not covered, so November is not judged.
        (D(2026, 11, 30), [(D(2026, 10, 1), D(2026, 10, 31))]),
        # Taken on 1 November: October is covered to its last day; November is not.
        (D(2026, 11, 1), [(D(2026, 10, 1), D(2026, 10, 31))]),
        # Taken on 31 October: October's last day is not covered: nothing missed.
        (D(2026, 10, 31), []),
    ],
)
def test_a_window_ending_after_the_export_is_not_judged(extracted, missed_months):
    data = _data([session(D(2026, 9, 10), staff_id="S1"), session(D(2026, 9, 10), staff_id="M1")])
    run = _judged(data, D(2026, 10, 1), D(2026, 11, 30), D(2026, 12, 2), extracted)
    missed = sorted({(start, end) for _kind, sid, start, end, *_ in kinds(run, "frequency") if sid == "S1"})
    assert missed == missed_months


def test_the_report_says_what_was_not_judged():
    data = _data([session(D(2026, 9, 10))], {"staff": D(2026, 11, 1)})
    result = _judged(data, D(2026, 10, 1), D(2026, 11, 30), D(2026, 12, 2)).result
    assert result.not_judged == [
        "supervisions.csv and staff.csv end on 31 October 2026 (taken on 1 November 2026, as "
        "staff.csv's title row says: 'As at'); 1–30 November 2026 was not judged: export again, "
        "or pass --to 2026-10-31."
    ]


def test_nothing_is_said_when_the_exports_reach_the_as_of_date():
    data = _data([session(D(2026, 9, 10))], {"staff": D(2026, 12, 5)})
    result = _judged(data, D(2026, 10, 1), D(2026, 11, 30), D(2026, 12, 2)).result
    assert result.not_judged == []


def test_windows_before_the_export_begins_are_not_judged():
    # Supervisions begin in October 2025 (the month of the first row): April to September
    # are not judged; October's window is (it starts on the first day covered).
    data = _data([session(D(2025, 10, 24)), session(D(2026, 3, 10))], {"staff": D(2026, 4, 1)})
    run = _judged(data, D(2025, 4, 1), D(2026, 3, 31), D(2026, 5, 1))
    missed = sorted({start for _k, sid, start, *_ in kinds(run, "frequency") if sid == "S1"})
    assert missed == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert (
        "supervisions.csv begins on 24 October 2025: windows, months and deadlines that start "
        "before October 2025 were not judged."
    ) in run.result.not_judged


def test_case_discussion_deadlines_after_the_export_are_not_judged():
    # Allocated 1 August 2026, never discussed: the two-month deadline is 1 October
    # (Shropshire). Exports taken on 1 October: 30 September is the last day covered, so
    # the deadline is not judged; taken on 2 October it is.
    allocation = Allocation(case_id="C1", worker_id="S1", start_date=D(2026, 8, 1))
    tables = {
        "allocations": ("allocations", [allocation], {"case_id", "worker_id", "start_date"}),
        "case_discussions": ("discussions", [], {"case_id", "worker_id", "date"}),
    }

    def deadlines(extracted):
        data = dataset(
            [person("S1", case_holding=True), person("M1", role="Team Manager")],
            [session(D(2026, 9, 10))],
            **tables,
        )
        as_of = D(2026, 11, 1)
        run = check(
            data,
            D(2026, 9, 1),
            D(2026, 10, 31),
            as_of,
            "shropshire",
            coverage=coverage_of(data, as_of, extracted),
        )
        return [(start, end) for kind, _sid, start, end, *_ in kinds(run, "case-discussion")]

    assert deadlines(D(2026, 10, 1)) == []
    assert deadlines(D(2026, 10, 2)) == [(D(2026, 8, 1), D(2026, 10, 1))]


def test_staff_level_rules_are_judged_on_the_last_covered_day():
    # Registration expired 31 August 2026; the period is October to November, the exports
    # end on 31 October: the registration finding is dated 31 October, not 30 November.
    data = dataset(
        [person("S1", registration_expires=D(2026, 8, 31)), person("M1", role="Team Manager")],
        [session(D(2026, 10, 10)), session(D(2026, 10, 10), staff_id="M1")],
    )
    data.tables["staff"] = data.tables["staff"].model_copy(update={"extracted": D(2026, 11, 1)})
    run = _judged(data, D(2026, 10, 1), D(2026, 11, 30), D(2026, 12, 2))
    assert [(start, end) for _k, _s, start, end, *_ in kinds(run, "registration")] == [
        (D(2026, 10, 31), D(2026, 10, 31))
    ]


def test_consecutive_missed_months_before_the_export_begin_are_not_counted():
    # Shropshire: two missed months in a row is a breach. The supervisions begin in
    # October 2025; S1 has sessions in October and December only. Months before October
    # are not known, so the only judged months missed are November (one: no breach).
    data = _data([session(D(2025, 10, 20)), session(D(2025, 12, 10))], {"staff": D(2026, 1, 1)})
    as_of = D(2026, 1, 5)
    run = check(data, D(2025, 4, 1), D(2025, 12, 31), as_of, "shropshire", coverage=coverage_of(data, as_of))
    assert [f for f in kinds(run, "consecutive-missed") if f[1] == "S1"] == []


# ---------------------------------------------------------------- the command line


def test_sample_checked_in_december_exits_2_with_the_extraction_line():
    result = run("check", str(SAMPLE), "--as-of", "2026-12-02")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        "supcheck: error: nothing in 1–30 November 2026 could be judged: supervisions.csv ends on "
        "31 October 2026 (taken on 1 November 2026, as staff.csv's title row says: 'Extracted "
        "01/11/2026 07:02'): export again, or give a period the exports cover with --from and --to"
    )


def test_sample_over_october_and_november_has_no_november_finding():
    result = run(
        "check",
        str(SAMPLE),
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-30",
        "--as-of",
        "2026-12-02",
        "-f",
        "json",
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["not_judged"][0].startswith("supervisions.csv and staff.csv end on 31 October 2026")
    assert all(
        f["end"] is None or f["end"] <= "2026-10-31"
        for f in report["findings"]
        if f["kind"] != "data-quality"
    )
    assert report["summary"]["windows_assessed"] > 0


def test_console_report_says_it_in_its_first_lines():
    result = run("check", str(SAMPLE), "--from", "2026-10-01", "--to", "2026-11-30", "--as-of", "2026-12-02")
    head = result.stdout.splitlines()[:8]
    assert "Not judged: the exports end or begin inside the period" in head
    assert any("1–30" in line for line in head)


def test_extracted_option_and_the_as_of_word(tmp_path):
    _write_folder(tmp_path)
    args = (
        "check",
        str(tmp_path),
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--as-of",
        "2026-11-02",
        "-f",
        "json",
    )
    # Without an extraction date the last held session (12 October) ends the exports:
    # the October windows are not judged (the sessions' lengths are), and the report says so.
    bare = run(*args)
    assert bare.exit_code == 0, bare.output
    report = json.loads(bare.stdout)
    assert report["summary"]["windows_assessed"] == 0
    assert report["not_judged"] == [
        "supervisions.csv and staff.csv end on 12 October 2026 (no extraction date was found: the "
        "last held session in supervisions.csv; pass --extracted DATE if the exports reach further); "
        "13–31 October 2026 was not judged: export again, or pass --to 2026-10-12."
    ]
    # A period wholly after it: nothing could be judged, exit 2.
    later = run("check", str(tmp_path), "--as-of", "2026-12-02")
    assert later.exit_code == 2
    assert later.stderr.startswith("supcheck: error: nothing in 1–30 November 2026 could be judged: ")
    for word in ("as-of", "today", "2026-11-02"):
        taken = run(*args, "--extracted", word)
        assert taken.exit_code == 0, taken.output
        report = json.loads(taken.stdout)
        assert report["summary"]["windows_met"] == 2 and report["not_judged"] == []


def test_extracted_from_the_config_file(tmp_path):
    _write_folder(tmp_path)
    config = tmp_path / "supcheck.toml"
    config.write_text('extracted = "as-of"\n', encoding="utf-8")
    result = run(
        "check", str(tmp_path), "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-11-02",
        "--config", str(config), "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_a_bad_extracted_date_is_one_line():
    result = run("check", str(SAMPLE), "--extracted", "soon")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "supcheck: error: --extracted 'soon' is not a date (try 2026-03-31 or 31/03/2026)"
    )


def test_table_info_keeps_the_title_text():
    info = load_dataset(SAMPLE).dataset.tables["staff"]
    assert isinstance(info, TableInfo)
    assert (info.extracted, info.extracted_text) == (D(2026, 11, 1), "Extracted 01/11/2026 07:02")


def test_discussions_are_not_a_coverage_start():
    discussion = Discussion(case_id="C1", worker_id="S1", date=D(2025, 5, 10))
    data = _data(
        [session(D(2025, 4, 5))],
        case_discussions=("discussions", [discussion], {"case_id", "worker_id", "date"}),
    )
    assert coverage_of(data, D(2026, 1, 1)).tables["case_discussions"].begins is None


# ---------------------------------------------------------------- the health check


def _half_year_folder(folder: Path) -> None:
    """Two social workers and their manager; supervisions begin on 24 October 2025 (the
    export reaches back no further), monthly on the 24th to March 2026; exports taken on
    1 May 2026."""
    (folder / "staff.csv").write_text(
        "Report run: 01/05/2026 08:00\n"
        "staff_id,name,role,team,start_date,registered_social_worker,line_manager_id\n"
        "S1,Ann Lee,Social Worker,North,01/01/2020,Y,M1\n"
        "S2,Bob Kay,Social Worker,North,01/01/2021,Y,M1\n"
        "M1,Max Ray,Team Manager,North,01/01/2015,Y,\n",
        encoding="utf-8",
    )
    rows = ["supervisee_id,supervisor_id,date,duration_minutes"]
    for month in ("10/2025", "11/2025", "12/2025", "01/2026", "02/2026", "03/2026"):
        rows += [f"{sid},M1,24/{month},90" for sid in ("S1", "S2", "M1")]
    (folder / "supervisions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_health_check_of_a_year_half_outside_the_supervisions(tmp_path):
    _half_year_folder(tmp_path)
    result = run("healthcheck", str(tmp_path), "--year", "2025", "--as-of", "2026-05-15", "-f", "json")
    assert result.exit_code == 0, result.output
    health = json.loads(result.stdout)
    service = health["breakdowns"]["service"]["units"][0]
    values = {key: figure["value"] for key, figure in service["figures"].items()}
    # Supervisions begin on 24 October 2025 (covered from 1 October): the year's windows
    # and sessions are not a year's, so they say no data; the workforce is known.
    assert values["windows_assessed"] is None and values["compliance"] is None
    assert values["sessions_held"] is None and values["breaches"] is None
    assert values["headcount_end"] == 3
    months = [{"compliance": m["compliance"], "assessed": m["windows_assessed"]} for m in service["monthly"]]
    # April to September: no data (not 0 %); October to March: 3 windows a month, all met.
    assert [m["compliance"] for m in months] == [None] * 6 + [1.0] * 6
    assert [m["assessed"] for m in months] == [None] * 6 + [3] * 6
    assert any(
        note.startswith(
            "2025-26: supervisions.csv begins on 24 October 2025, so it does not cover 1 April 2025"
        )
        for note in health["notes"]
    )


def test_sample_health_check_shows_no_caseload_before_the_allocations_begin():
    result = run(
        "healthcheck",
        str(SAMPLE),
        "--year",
        "2025",
        "--as-of",
        "2026-11-20",
        "--policy",
        "shropshire",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    health = json.loads(result.stdout)
    figures = health["breakdowns"]["service"]["units"][0]["figures"]
    # Allocations begin on 6 January 2025: 2024-25's caseload and case-discussion figures
    # are not known (once 2.8 against 8.7), so neither are their changes.
    for key in ("caseload_mean", "case_deadlines_judged", "case_discussion_compliance"):
        assert figures[key]["previous"] is None and figures[key]["change"] is None
        assert figures[key]["value"] is not None
    assert (
        "2024-25: allocations.tsv begins on 6 January 2025, so it does not cover 1 April 2024 to "
        "31 March 2025: the case discussion, caseload and DfE cases held, FTE of case holders and "
        "average caseload figures for 2024-25 say no data, and their changes are not comparable."
    ) in health["notes"]
    assert figures["dfe_caseload"]["previous"] is None and figures["dfe_caseload"]["value"] is not None


@pytest.mark.parametrize("suffix", ["xlsx", "md", "html"])
def test_every_report_says_what_was_not_judged(tmp_path, suffix):
    out = tmp_path / f"report.{suffix}"
    result = run(
        "check",
        str(SAMPLE),
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-30",
        "--as-of",
        "2026-12-02",
        "-o",
        str(out),
    )
    assert result.exit_code == 1, result.output
    if suffix == "xlsx":
        sheet = openpyxl.load_workbook(out)["Summary"]
        text = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
        first = text.index("Not judged: the exports end or begin inside the period")
        line = text[first + 1]
    else:
        line = " ".join(out.read_text(encoding="utf-8").split())
    assert "supervisions.csv and staff.csv end on 31 October 2026" in line
    assert "1–30 November 2026 was not judged" in line


def test_explain_says_what_was_not_judged_first():
    result = run(
        "explain", str(SAMPLE), "S010", "--from", "2026-10-01", "--to", "2026-11-30", "--as-of", "2026-12-02"
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index("Not judged: the exports end or begin inside the period") < text.index("Group")
    assert "1–30 November 2026 was not judged" in " ".join(text.split())
