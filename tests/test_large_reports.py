"""Reports of a run too large to list (issue 15): the console, HTML and Markdown reports
summarise a long section and say where the full list is; the workbook splits its findings
across sheets Excel can open.

The limits are monkeypatched small (`digest.LIST_LIMIT`, `digest.WORST_CASES`,
`excel.FINDINGS_PER_SHEET`), so a dozen hand-made findings stand for a national run.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.mail import compose
from supcheck.models import CheckResult, Finding, Period, SinceLast, Summary, TeamSummary
from supcheck.reporters import digest, excel, get_reporter
from supcheck.reporters.console import ConsoleReporter
from unattended_support import MailServer

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
PERIOD = ["--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]
HOW = "For the full list, run again with -f csv -o FILE (or -f xlsx, -f json), or with --output-dir DIR."


def _person(staff_id: str, rule: str, severity: str, month: int, **fields) -> Finding:
    names = {"S001": ("Beth Evans", "Assessment"), "S002": ("Chloé Dubois", "Children in Care")}
    name, team = names.get(staff_id, ("Dan Ode", "Assessment"))
    manager = {} if staff_id == "S002" else {"line_manager_id": "S009", "line_manager_name": "Ola Nwosu"}
    return Finding(
        kind=fields.pop("kind", rule),
        rule=rule,
        severity=severity,
        staff_id=staff_id,
        staff_name=name,
        team=team,
        start=date(2026, month, 1),
        end=date(2026, month, 28),
        message=f"{name}: {rule} {severity} in month {month}.",
        **manager,
        **fields,
    )


def _quality(file: str, row: int | None, column: str | None, code: str, severity: str = "warning") -> Finding:
    return Finding(
        kind="data-quality",
        rule="data-quality",
        code=code,
        severity=severity,
        file=file,
        row=row,
        column=column,
        message=f"{file} row {row}: {column} is odd.",
    )


FINDINGS = [
    _person("S001", "monthly-supervision", "breach", 6, kind="frequency"),
    _person("S001", "monthly-supervision", "breach", 7, kind="frequency"),
    _person("S001", "monthly-supervision", "breach", 8, kind="frequency"),
    _person("S001", "session-length", "warning", 9, kind="duration"),
    _person("S002", "monthly-supervision", "breach", 6, kind="frequency"),
    _person("S002", "registration", "breach", 9),
    _person("S003", "session-length", "warning", 5, kind="duration"),
    _quality("supervisions.csv", 10, "date", "not-a-date"),
    _quality("supervisions.csv", 12, "date", "missing-value"),
    _quality("supervisions.csv", 14, "duration_minutes", "not-a-duration", "breach"),
    _quality("staff.csv", None, None, "unrecognised-file"),
]
"""7 findings about 3 staff (5 breaches, 2 warnings) and 4 data-quality ones (1 breach)."""


def make_result(**update) -> CheckResult:
    result = CheckResult(
        supcheck_version="1.0.0",
        policy="national",
        period=Period(start=date(2026, 4, 1), end=date(2026, 9, 30)),
        as_of=date(2026, 10, 15),
        summary=Summary(staff=3, breaches=6, warnings=5),
        findings=FINDINGS,
        rule_titles={"monthly-supervision": "Monthly supervision", "session-length": "Session length"},
    )
    return result.model_copy(update=update)


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "LIST_LIMIT", 3)
    monkeypatch.setattr(digest, "WORST_CASES", 2)


def _text(fmt: str, result: CheckResult) -> str:
    text = get_reporter(fmt).render(result)
    assert isinstance(text, str)
    return text


# --- the summary, worked by hand -----------------------------------------------------------------


def test_people_digest_counts_by_rule_and_names_the_staff_with_most_breaches(small_limits: None) -> None:
    people = FINDINGS[:7]
    got = digest.people_digest(make_result(), people)
    assert (got.count, got.breaches, got.warnings, got.staff) == (7, 5, 2, 3)
    assert got.by_rule == [  # most breaches first, then most warnings
        ("Monthly supervision", 4, 0, 2),
        ("registration", 1, 0, 1),  # no title in the pack: the id
        ("Session length", 0, 2, 2),
    ]
    assert got.worst == [  # WORST_CASES = 2: Dan Ode (no breach) is left out
        (
            "Beth Evans (S001)",
            "Assessment",
            "Ola Nwosu (S009)",
            3,
            1,
            "Monthly supervision: 3 · Session length: 1",
        ),
        ("Chloé Dubois (S002)", "Children in Care", "", 2, 0, "Monthly supervision: 1 · registration: 1"),
    ]
    assert got.worst_heading() == "Staff with the most breaches: 2 of the 3 with findings"
    assert got.line() == (
        "7 findings about staff (5 breaches, 2 warnings): too many to list here (more than 3),"
        " so they are counted below."
    )


def test_quality_digest_counts_by_file_column_and_code() -> None:
    got = digest.quality_digest(FINDINGS[7:])
    assert (got.count, got.breaches, got.warnings) == (4, 1, 3)
    assert got.by_file == [
        ("staff.csv", "(the whole file)", "unrecognised-file", 0, 1),
        ("supervisions.csv", "date", "missing-value", 0, 1),  # codes apart, alphabetical
        ("supervisions.csv", "date", "not-a-date", 0, 1),
        ("supervisions.csv", "duration_minutes", "not-a-duration", 1, 0),
    ]


def test_counts_have_thousands_separators() -> None:
    assert digest.severities_text(1204, 1) == "1,204 breaches, 1 warning"
    assert digest.changes_line(2001).startswith("2,001 changes (new and resolved breaches): too many")


@pytest.mark.parametrize(
    ("full_list", "line"),
    [
        ([], HOW),
        (["out/a.json", "out/a.xlsx"], "The full list is in out/a.json and out/a.xlsx."),
        (["the attached workbook x.xlsx"], "The full list is in the attached workbook x.xlsx."),
    ],
)
def test_full_list_line_names_the_files_or_says_how(full_list: list[str], line: str) -> None:
    assert digest.full_list_line(make_result(full_list=full_list)) == line


def _team(name: str, breaches: int, compliance: float | None) -> TeamSummary:
    return TeamSummary(team=name, summary=Summary(staff=1, breaches=breaches, compliance=compliance))


TEAMS = [_team("A", 2, 0.9), _team("B", 5, 0.8), _team("C", 5, 0.7), _team("D", 0, None), _team("E", 2, None)]


def test_too_many_teams_shows_those_with_most_breaches_then_lowest_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(digest, "WORST_CASES", 3)
    monkeypatch.setattr(digest, "TEAM_LIMIT", 5)
    assert digest.shown_teams(make_result(teams=TEAMS)) == (TEAMS, "")  # all, in the table's order
    monkeypatch.setattr(digest, "TEAM_LIMIT", 4)
    shown, note = digest.shown_teams(make_result(teams=TEAMS))
    assert [item.team for item in shown] == ["C", "B", "A"]  # E ties A on breaches but has no rate
    assert note == (
        "5 teams, too many to list here (more than 4): these are the 3 with the most breaches."
        " The JSON report and the workbook's Summary sheet have every team."
    )


@pytest.mark.parametrize("fmt", ["console", "md", "html"])
def test_by_team_table_of_too_many_teams(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "WORST_CASES", 2)
    monkeypatch.setattr(digest, "TEAM_LIMIT", 4)
    text = " ".join(_text(fmt, make_result(teams=TEAMS)).split())
    assert "5 teams, too many to list here (more than 4): these are the 2 with the most breaches." in text
    cell = {"console": " {} 1 ", "md": "| {} | 1 |", "html": ">{}</td>"}[fmt]
    assert [name for name in "ABCDE" if cell.format(name) in text] == ["B", "C"]


def test_workbook_has_every_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "TEAM_LIMIT", 2)
    ws = _sheets(make_result(teams=TEAMS), tmp_path)["Summary"]
    assert [row[0] for row in ws.iter_rows(values_only=True) if row[0] in set("ABCDE")] == list("ABCDE")


# --- each report for people --------------------------------------------------------------------


def test_console_summarises_both_sections(small_limits: None) -> None:
    lines = ConsoleReporter().render(make_result(full_list=["out/a.json"])).splitlines()
    assert not any(finding.message in line for finding in FINDINGS for line in lines)
    at = lines.index("Findings")
    assert lines[at + 2 : at + 5] == [
        "7 findings about staff (5 breaches, 2 warnings): too many to list here (more",
        "than 3), so they are counted below.",
        "The full list is in out/a.json.",
    ]
    rule = lines.index("By rule")
    assert lines[rule + 2 : rule + 6] == [  # figures right-aligned at their headers' width
        "  Rule" + " " * 47 + "  Breaches  Warnings  Staff",
        "  Monthly supervision" + " " * 32 + "         4         0      2",
        "  registration" + " " * 39 + "         1         0      1",
        "  Session length" + " " * 37 + "         0         2      2",
    ]
    worst = lines.index("Staff with the most breaches: 2 of the 3 with findings")
    assert lines[worst + 2 : worst + 10] == [
        "",
        "  Beth Evans (S001): 3 breaches, 1 warning",
        "    Assessment · line manager Ola Nwosu (S009)",
        "    Monthly supervision: 3 · Session length: 1",
        "",
        "  Chloé Dubois (S002): 2 breaches, 0 warnings",
        "    Children in Care",
        "    Monthly supervision: 1 · registration: 1",
    ]
    quality = lines.index("Data quality")
    assert lines[quality + 2 : quality + 12] == [
        "",
        "4 data-quality findings (1 breach, 3 warnings): too many to list here (more than",
        "3), so they are counted below.",
        "The full list is in out/a.json.",
        "",
        "  File: column (code)" + " " * 39 + "  Breaches  Warnings",
        "  staff.csv: (the whole file) (unrecognised-file)" + " " * 11 + "         0         1",
        "  supervisions.csv: date (missing-value)" + " " * 20 + "         0         1",
        "  supervisions.csv: date (not-a-date)" + " " * 23 + "         0         1",
        "  supervisions.csv: duration_minutes (not-a-duration)" + " " * 7 + "         1         0",
    ]


def test_markdown_summarises_both_sections(small_limits: None) -> None:
    text = _text("md", make_result())
    assert not any(finding.message in text for finding in FINDINGS)
    assert HOW in text
    expected = [
        "### By rule",
        "",
        "| Rule | Breaches | Warnings | Staff |",
        "| --- | ---: | ---: | ---: |",
        "| Monthly supervision | 4 | 0 | 2 |",
        "| registration | 1 | 0 | 1 |",
        "| Session length | 0 | 2 | 2 |",
        "",
        "### Staff with the most breaches: 2 of the 3 with findings",
        "",
        "| Staff | Team | Line manager | Breaches | Warnings | Findings by rule |",
        "| --- | --- | --- | ---: | ---: | --- |",
        "| Beth Evans (S001) | Assessment | Ola Nwosu (S009) | 3 | 1 | Monthly supervision: 3 · Session length: 1 |",
        "| Chloé Dubois (S002) | Children in Care |  | 2 | 0 | Monthly supervision: 1 · registration: 1 |",
        "",
        "## Data quality",
        "",
        "4 data-quality findings (1 breach, 3 warnings): too many to list here (more than 3), so they are"
        " counted below.",
        "",
        HOW,
        "",
        "| File | Column | Code | Breaches | Warnings |",
        "| --- | --- | --- | ---: | ---: |",
        "| staff.csv | (the whole file) | unrecognised-file | 0 | 1 |",
        "| supervisions.csv | date | missing-value | 0 | 1 |",
        "| supervisions.csv | date | not-a-date | 0 | 1 |",
        "| supervisions.csv | duration\\_minutes | not-a-duration | 1 | 0 |",
    ]
    lines = text.splitlines()
    start = lines.index("### By rule")
    assert lines[start : start + len(expected)] == expected


def test_html_summarises_both_sections(small_limits: None) -> None:
    text = _text("html", make_result(full_list=["out/a&b.json"]))
    assert not any(finding.message in text for finding in FINDINGS)
    assert "The full list is in out/a&amp;b.json." in text
    assert ">By rule</h3>" in text and ">Staff with the most breaches: 2 of the 3 with findings</h3>" in text
    assert ">Assessment</h3>" not in text  # no table of findings per team
    assert ">(the whole file)</td>" in text


@pytest.mark.parametrize("fmt", ["console", "md", "html"])
def test_a_section_at_the_limit_is_listed_and_one_over_is_summarised(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, quality = FINDINGS[0].message, FINDINGS[7].message
    monkeypatch.setattr(digest, "LIST_LIMIT", 7)  # 7 findings about staff, 4 data-quality ones
    text = " ".join(_text(fmt, make_result()).split())  # the console wraps
    assert first in text and quality in text and "too many to list" not in text
    monkeypatch.setattr(digest, "LIST_LIMIT", 6)
    text = " ".join(_text(fmt, make_result()).split())  # the console wraps
    assert first not in text and quality in text
    assert "7 findings about staff (5 breaches, 2 warnings): too many to list" in text


@pytest.mark.parametrize("fmt", ["console", "md", "html"])
def test_too_many_changes_since_the_last_report_are_counted(fmt: str, small_limits: None) -> None:
    new = [f for f in FINDINGS if f.severity == "breach" and not f.is_data_quality]  # 5
    since = SinceLast(previous="2026-09-15-national.json", new=new[:3], resolved=new[3:])
    text = " ".join(_text(fmt, make_result(findings=[], since_last=since)).split())
    assert "Compared with 2026-09-15-national.json: 3 new, 2 resolved." in text
    assert "5 changes (new and resolved breaches): too many to list here (more than 3)." in text
    assert "NEW" not in text and "RESOLVED" not in text


def test_mail_names_the_attached_workbook(small_limits: None) -> None:
    message = compose(make_result(), ["a@example.org"], "supcheck@example.org")
    plain = message.get_body(("plain",)).get_content()
    name = "supcheck-national-2026-04-01-to-2026-09-30.xlsx"
    assert f"The full list is in the attached workbook {name}." in " ".join(plain.split())
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == name


def test_a_workbook_too_large_to_mail_is_not_attached_and_the_body_says_where_the_list_is(
    small_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import supcheck.mail

    monkeypatch.setattr(supcheck.mail, "MAX_ATTACHMENT_BYTES", 1000)  # (this workbook is ~8 kB)
    result = make_result(full_list=["out/x.json", "out/x.xlsx"])
    message = compose(result, ["a@example.org"], "supcheck@example.org")
    plain = " ".join(message.get_body(("plain",)).get_content().split())
    assert "The full list is in out/x.json and out/x.xlsx." in plain
    assert "attached" not in plain
    assert list(message.iter_attachments()) == []


# --- through the command line ----------------------------------------------------------------------


def test_cli_names_the_dated_reports_holding_the_full_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sample_data has 10 findings about staff and 7 data-quality ones: with a limit of 9,
    the first section is summarised and the second listed."""
    monkeypatch.setattr(digest, "LIST_LIMIT", 9)
    out = tmp_path / "out"
    args = ["check", str(SAMPLE), *PERIOD, "-q", "--output-dir", str(out), "--save-format", "html"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    (saved,) = out.glob("*.json")
    stdout = "".join(result.stdout.split())  # the console wraps, and breaks a long path
    assert f"The full list is in {saved}.".replace(" ", "") in stdout
    assert "10findingsaboutstaff(10breaches,0warnings):toomanytolisthere" in stdout
    assert "supervisions.csvrow994" in stdout  # data quality, 7 findings, listed
    html = saved.with_suffix(".html").read_text(encoding="utf-8")
    assert f"The full list is in {saved}." in html
    assert len(json.loads(saved.read_text(encoding="utf-8"))["findings"]) == 17  # the JSON has all


def test_cli_without_a_full_list_file_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "LIST_LIMIT", 9)
    result = CliRunner().invoke(app, ["check", str(SAMPLE), *PERIOD, "-q"])
    assert result.exit_code == 1, result.output
    assert HOW in " ".join(result.stdout.split())


def test_mailed_copies_name_their_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The analyst's copy names the output folder's files and the attached workbook; a line
    manager's copy only its own attachment (the folder is the analyst's)."""
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(digest, "LIST_LIMIT", 4)  # Tomasz Nowak's staff have 5 breaches
    out = tmp_path / "out"
    with MailServer() as server:
        args = ["check", str(SAMPLE), *PERIOD, "-q", "--output-dir", str(out), "--email", "a@council.example"]
        result = CliRunner().invoke(app, [*args, "--email-managers"], env=server.env())
        assert result.exit_code == 1, result.output
        analyst = "".join(server.to("a@council.example")[0].plain.split())
        manager = server.to("tomasz.nowak@example.gov.uk")[0].flat_plain
    name = "supcheck-national-2026-04-01-to-2026-10-31.xlsx"
    (saved,) = out.glob("*.json")
    expected = f"The full list is in {saved}, {saved.with_suffix('.xlsx')} and the attached workbook {name}."
    assert expected.replace(" ", "") in analyst
    assert "5 findings about staff (5 breaches, 0 warnings): too many to list here (more than 4)" in manager
    assert f"The full list is in the attached workbook {name}." in manager


# --- the workbook ------------------------------------------------------------------------------------


def _sheets(result: CheckResult, tmp_path: Path):
    path = tmp_path / "r.xlsx"
    get_reporter("xlsx").write(result, path)
    return load_workbook(path)


@pytest.mark.parametrize(
    ("count", "rows"),
    [(0, [0]), (4, [4]), (5, [5]), (6, [5, 1]), (11, [5, 5, 1]), (15, [5, 5, 5])],
)
def test_findings_split_across_sheets_of_at_most_the_limit(
    count: int, rows: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "FINDINGS_PER_SHEET", 5)
    findings = [
        _person("S001", "monthly-supervision", "breach", 1 + i % 12, case_id=f"C{i}") for i in range(count)
    ]
    workbook = _sheets(make_result(findings=findings), tmp_path)
    names = ["Findings", *(f"Findings ({n})" for n in range(2, len(rows) + 1))]
    assert workbook.sheetnames == ["Summary", *names]
    cases = []
    for name, data_rows in zip(names, rows, strict=True):
        ws = workbook[name]
        assert ws.max_row == data_rows + 1
        assert [c.value for c in ws[1]] == list(excel.SHEET_COLUMNS)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:R{data_rows + 1}"
        assert ws.print_title_rows == "$1:$1"
        assert ws.print_area == f"'{name}'!$A$1:$J${data_rows + 1}"
        assert ws.oddHeader.center.text == name
        case = excel.SHEET_COLUMNS.index("case_id") + 1
        cases += [ws.cell(row=r, column=case).value for r in range(2, data_rows + 2)]
    assert cases == [f"C{i}" for i in range(count)]  # every finding, once, in order
    notes = [c.value for row in workbook["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    split = [note for note in notes if "more than a sheet can hold" in note]
    if len(rows) == 1:
        assert split == []
    else:
        assert split == [
            f"{count} findings, more than a sheet can hold (5 rows): they are on {len(rows)} sheets,"
            f" in order: {', '.join(names)}."
        ]


def test_a_sheet_holds_excels_row_limit() -> None:
    assert excel.FINDINGS_PER_SHEET + 1 == 1_048_576  # the header and 1,048,575 findings
    assert excel.findings_sheet_names(1_048_575) == ["Findings"]
    assert excel.findings_sheet_names(1_048_576) == ["Findings", "Findings (2)"]
    assert excel.findings_sheet_names(3 * 1_048_575 + 1)[-1] == "Findings (4)"


@pytest.mark.parametrize("width", [40, 52, 80, 120])
def test_console_summary_fits_the_width(
    width: int, small_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(digest, "TEAM_LIMIT", 4)
    result = make_result(teams=TEAMS, full_list=["out/supcheck-national-2026-10-15.json"])
    lines = ConsoleReporter().render_text(result, color=False, width=width).splitlines()
    assert max(len(line) for line in lines) <= width
    assert "By rule" in lines and "Data quality" in lines
