"""`supcheck explain DATA STAFF_ID`: group and why, schedule, every assessed window with
its evidence, other findings with rule and citation. Expected windows and sessions are
those of sample_data/EXPECTED.md and supervisions.csv."""

from __future__ import annotations

import json
import os
import re

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from unattended_support import PERIOD, SAMPLE

runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def explain(*args):
    result = runner.invoke(app, ["explain", *[str(a) for a in args]])
    assert result.exit_code == 0, result.output
    return result.stdout


def window_lines(text):
    return re.findall(
        r"^  (\d.*?) \((weekly|fortnightly|monthly|quarterly), \d+ days.*?\): (\w+)$", text, re.M
    )


@pytest.fixture(scope="module")
def s010():
    return runner.invoke(app, ["explain", str(SAMPLE), "S010", *PERIOD]).stdout


def test_explain_s010_shows_the_missed_june_window_and_its_evidence(s010):
    text = s010
    assert text.startswith(
        "Jack Thompson (S010)\nSocial Worker · Assessment North · employed from 9 Jan 2023\n"
    )
    assert "Line manager: Tomasz Nowak (S005)" in text
    assert "social-workers: Social workers, including NQSWs in their ASYE" in text
    assert "job title 'Social Worker' matches the group's role pattern 'social worker'" in text
    assert "from 9 Jan 2023 onwards: monthly (the group's interval)" in text
    assert window_lines(text) == [
        ("1 Apr–30 Apr 2026", "monthly", "MET"),
        ("1 May–31 May 2026", "monthly", "MET"),
        ("1 Jun–30 Jun 2026", "monthly", "MISSED"),
        ("1 Jul–31 Jul 2026", "monthly", "MET"),
        ("1 Aug–31 Aug 2026", "monthly", "MET"),
        ("1 Sep–30 Sep 2026", "monthly", "MET"),
        ("1 Oct–31 Oct 2026", "monthly", "MET"),
    ]
    june = text.split("1 Jun–30 Jun 2026 (monthly, 30 days): MISSED\n")[1].split("\n  1 Jul")[0]
    june = " ".join(june.split())  # (long lines are wrapped at 80 columns)
    assert "missed: no session in the window counts for this rule" in june
    assert (
        "not counted (cancelled): SUP-11175, 15 Jun 2026, individual, cancelled, 90 minutes,"
        " supervisor Tomasz Nowak (S005) (supervisions.csv row 1177)" in june
    )
    assert "BREACH: Jack Thompson had no supervision between 1 June 2026 and 30 June 2026" in june
    assert (
        "met by SUP-11109, 12 May 2026, individual, held, 95 minutes, supervisor Tomasz Nowak (S005)"
        " (supervisions.csv row 1110)" in " ".join(text.split())
    )
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "rule supervision-frequency" in text and "source: SWRB Employer Standard 5" in text
    assert "Other findings\n--------------\n  none\n" in text


def test_explain_s013_shows_the_nqsw_weekly_and_fortnightly_windows():
    text = explain(SAMPLE, "S013", *PERIOD)
    assert "ASYE from 11 May 2026 (NQSW until 10 May 2027)" in text
    assert "11 May 2026 to 21 Jun 2026: weekly (NQSW schedule, from the ASYE start)" in text
    assert "22 Jun 2026 to 10 Nov 2026: fortnightly (NQSW schedule, from the ASYE start)" in text
    assert "from 11 Nov 2026 onwards: monthly (NQSW schedule, from the ASYE start)" in text
    weekly = [
        "11 May–17 May",
        "18 May–24 May",
        "25 May–31 May",
        "1 Jun–7 Jun",
        "8 Jun–14 Jun",
        "15 Jun–21 Jun",
    ]
    fortnightly = [
        "22 Jun–5 Jul",
        "6 Jul–19 Jul",
        "20 Jul–2 Aug",
        "3 Aug–16 Aug",
        "17 Aug–30 Aug",
        "31 Aug–13 Sep",
        "14 Sep–27 Sep",
        "28 Sep–11 Oct",
        "12 Oct–25 Oct",
    ]  # F10 ends after the period
    missed = {"25 May–31 May", "17 Aug–30 Aug"}
    assert window_lines(text) == [
        (f"{w} 2026", "weekly", "MISSED" if w in missed else "MET") for w in weekly
    ] + [(f"{w} 2026", "fortnightly", "MISSED" if w in missed else "MET") for w in fortnightly]
    flat = " ".join(text.split())
    assert "not counted (cancelled): SUP-11148, 27 May 2026, individual, cancelled" in flat  # 27 May
    assert "not counted (informal, which never counts): SUP-11296, 19 Aug 2026, informal" in flat
    assert "met by SUP-11116, 14 May 2026, individual, held, 90 minutes" in text


def test_explain_excused_window_and_other_findings():
    text = explain(SAMPLE, "S019", *PERIOD)
    assert "1 Jul–31 Jul 2026 (monthly, 31 days): EXCUSED" in text
    assert "excused: absent 31 of 31 days (at least half the window)" in text
    assert "absence 1 Jul–15 Aug 2026 (Sickness) (absences.xlsx row" in text

    text = explain(SAMPLE, "S036", *PERIOD)  # professional supervision, with its citation
    assert "rule professional-supervision" in text
    assert "1 Jul–30 Sep 2026 (quarterly, 92 days): MISSED" in text
    flat = " ".join(text.split())
    assert (
        "not counted (individual session; only professional supervision counts for this rule):"
        " SUP-11090, 24 Apr 2026" in flat
    )

    text = explain(SAMPLE, "S026", *PERIOD)  # a finding that is not a window
    other = text.split("Other findings\n--------------\n")[1]
    assert "BREACH  registration  31 Oct 2026" in other
    assert (
        "Liam O'Connor's social work registration expired on 31 August 2026 (judged on 31 October 2026)."
        in " ".join(other.split())
    )
    assert "source: SWRB Employer Standard 7" in other
    assert "Other rules judged" in text and "  registration: 1 judged, 0 met" in text


@pytest.mark.parametrize(
    ("case", "kind", "changes", "group_supervision", "reason"),
    [
        ("cancelled", "frequency", {"status": "cancelled"}, False, "cancelled"),
        ("did not attend", "frequency", {"status": "not held"}, False, "not held (did not take place)"),
        ("informal", "frequency", {"type": "informal"}, True, "informal, which never counts"),
        (
            "group, not allowed",
            "frequency",
            {"type": "group"},
            False,
            "group session, which the social-workers group may not count",
        ),
        (
            "professional, for frequency",
            "frequency",
            {"type": "professional"},
            False,
            "professional supervision counts only for the professional-supervision rule",
        ),
        (
            "individual, for professional supervision",
            "professional-supervision",
            {},
            False,
            "individual session; only professional supervision counts for this rule",
        ),
        (
            "professional with an unregistered supervisor",
            "professional-supervision",
            {"type": "professional", "supervisor_id": "M1"},
            False,
            "supervisor Ann Boss is not recorded as a registered social worker",
        ),
        (
            "professional with an unknown supervisor",
            "professional-supervision",
            {"type": "professional", "supervisor_id": "X9"},
            False,
            "supervisor X9 is not in the staff table, so not known to be a registered social worker",
        ),
    ],
)
def test_why_a_session_did_not_count(case, kind, changes, group_supervision, reason):
    from datetime import date

    from helpers import person, session
    from supcheck.explain import why_not_counted
    from supcheck.packs import load_pack

    group = (
        load_pack("national")
        .groups["social-workers"]
        .model_copy(update={"group_supervision": group_supervision})
    )
    staff = {"M1": person("M1", name="Ann Boss", registered_social_worker=False)}
    row = session(date(2026, 6, 3), **changes)
    assert why_not_counted(row, kind, group, staff) == reason, case


def test_explain_a_person_in_a_group_without_rules():
    text = explain(SAMPLE, "S015", *PERIOD)
    assert "other-staff" in text and "rules applied: none" in text
    assert "no supervision schedule" in text


def test_explain_unknown_staff_exits_2_with_one_line():
    result = runner.invoke(app, ["explain", str(SAMPLE), "S404", *PERIOD])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "supcheck: error: no staff member 'S404' in staff.csv; did you mean 'S034' (Mohammed Iqbal),"
        " 'S024' (Ifeoma Nwosu) or 'S014' (Rhys Jenkins)?"
    ]


def test_explain_takes_data_from_the_config(tmp_path):
    (tmp_path / "supcheck.toml").write_text(f'data = "{SAMPLE}"\n', encoding="utf-8")
    text = explain("S010", *PERIOD)
    assert "1 Jun–30 Jun 2026 (monthly, 30 days): MISSED" in text


# --------------------------------------------------------------------------- formats and -o

EXPLAIN_ARGS = [
    "explain",
    "sample_data",
    "S010",
    "--from",
    "2026-04-01",
    "--to",
    "2026-10-31",
    "--as-of",
    "2026-11-20",
]


def _explain(*extra: str):
    args = [str(SAMPLE) if a == "sample_data" else a for a in EXPLAIN_ARGS]
    return CliRunner().invoke(app, [*args, *extra])


@pytest.mark.parametrize(
    ("suffix", "marker"), [("md", "## Windows assessed"), ("html", "<h2"), ("txt", "Windows assessed\n----")]
)
def test_explain_writes_the_format_its_file_names(tmp_path, suffix, marker):
    out = tmp_path / f"s010.{suffix}"
    result = _explain("-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert marker in text
    # The missed June window and the reason a cancelled session did not count, in every form.
    assert "1 Jun–30 Jun 2026 (monthly, 30 days): MISSED" in text
    assert "not counted (cancelled): SUP-11175" in text


def test_explain_json_is_the_explanation_as_data():
    result = _explain("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["staff"]["staff_id"] == "S010"
    june = [w for w in data["windows"] if w["judged"]["window"]["start"] == "2026-06-01"][0]
    assert june["judged"]["status"] == "missed"
    assert june["reasons"] == ["cancelled"]
    assert june["finding"]["kind"] == "frequency"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "pdf"], "--format 'pdf' is not one of text, md, html, json"),
        (
            ["-o", "s010.docx"],
            "cannot tell the format from 's010.docx': give --format (text, md, html or json)",
        ),
    ],
)
def test_explain_bad_format_is_one_line(extra, message):
    result = _explain(*extra)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"supcheck: error: {message}"


def test_a_data_quality_finding_about_the_person_is_named_by_its_code():
    """S021's session of 28 April, before they started on 5 May: text names the code
    where another finding names its rule; the JSON carries it."""
    text = explain(SAMPLE, "S021", *PERIOD)
    other = text[text.index("Other findings") :].splitlines()
    assert other[2] == "  WARNING  before-start  28 Apr 2026"
    assert "supervisions.csv row 1093" in other[3]
    data = json.loads(explain(SAMPLE, "S021", *PERIOD, "--format", "json"))
    assert [(f["code"], f["row"]) for f in data["other_findings"]] == [("before-start", 1093)]
