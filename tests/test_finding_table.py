"""FindingTable: findings as columns, read back as the findings they were."""

from __future__ import annotations

from datetime import date

from supcheck.models import CheckResult, Finding, FindingTable, Period, Summary

D = date


def _findings() -> list[Finding]:
    return [
        Finding(kind="frequency", rule="monthly", severity="breach", staff_id="S2", start=D(2026, 6, 1),
                end=D(2026, 6, 30), message="no supervision in June", team="Assessment"),
        Finding(kind="data-quality", rule="data-quality", severity="warning", message="bad date",
                file="supervisions.csv", row=14, column="date", value="31/02/2026"),
        Finding(kind="frequency", rule="monthly", severity="breach", staff_id="S1", start=D(2026, 5, 1),
                end=D(2026, 5, 31), message="no supervision in May", line_manager_id="S9"),
    ]  # fmt: skip


def test_every_finding_field_is_a_column():
    assert list(FindingTable().columns) == list(Finding.model_fields)


def test_a_table_reads_back_the_findings_it_was_given():
    findings = _findings()
    table = FindingTable.of(findings)
    assert len(table) == 3
    assert list(table) == findings
    assert table[2] == findings[2]
    assert list(table[1:]) == findings[1:]
    assert [row.message for row in table.rows()] == [
        "no supervision in June",
        "bad date",
        "no supervision in May",
    ]
    assert [row.is_data_quality for row in table.rows()] == [False, True, False]


def test_sorted_is_the_reports_order():
    findings = _findings()
    # data-quality about no one first (empty staff id), then S1, then S2
    assert list(FindingTable.of(findings).sorted()) == sorted(findings, key=Finding.sort_key)
    assert [f.staff_id for f in FindingTable.of(findings).sorted()] == ["", "S1", "S2"]


def test_a_result_given_a_list_holds_a_table():
    result = CheckResult(
        supcheck_version="1",
        policy="national",
        period=Period(start=D(2026, 4, 1), end=D(2026, 9, 30)),
        as_of=D(2026, 10, 1),
        summary=Summary(staff=2),
        findings=_findings(),
    )
    assert isinstance(result.findings, FindingTable)
    assert result.findings == _findings()
