"""`supcheck due`: what closes within the horizon with nothing yet counting, and bookings.

Expectations by hand. A social worker (monthly, national pack) with no session in
October 2026: the October window closes on 31 October. As of 20 October with 14 days
(until 3 November) it is due; as of 16 October (until 30 October) it is not.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import absence, dataset, person, session
from supcheck.cli import app
from supcheck.due import due_soon
from supcheck.integrity import check_integrity
from supcheck.packs import load_pack

D = date
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
runner = CliRunner()


AS_OF = D(2026, 10, 20)


def due(staff, sessions=(), absences=None, as_of=AS_OF, within=14, policy="national"):
    data, _ = check_integrity(dataset(staff, sessions, absences), as_of)
    return due_soon(data, load_pack(policy), as_of, within)


@pytest.mark.parametrize(
    ("case", "as_of", "within", "sessions", "absences", "expected"),
    [
        ("window closes inside the horizon", D(2026, 10, 20), 14, [], None, [D(2026, 10, 31)]),
        ("closes on the horizon's last day", D(2026, 10, 17), 14, [], None, [D(2026, 10, 31)]),
        ("closes the day after the horizon", D(2026, 10, 16), 14, [], None, []),
        ("closes on the as-of date itself", D(2026, 10, 31), 0, [], None, [D(2026, 10, 31)]),
        ("met already", D(2026, 10, 20), 14, [session(D(2026, 10, 2))], None, []),
        (
            "only an informal session",
            D(2026, 10, 20),
            14,
            [session(D(2026, 10, 2), type="informal")],
            None,
            [D(2026, 10, 31)],
        ),
        (
            "a cancelled one does not count",
            D(2026, 10, 20),
            14,
            [session(D(2026, 10, 2), status="cancelled")],
            None,
            [D(2026, 10, 31)],
        ),
        (
            "excused by booked leave (16 of 31 days)",
            D(2026, 10, 20),
            14,
            [],
            [absence(D(2026, 10, 16), D(2026, 10, 31))],
            [],
        ),
        (
            "15 of 31 days away: still due",
            D(2026, 10, 20),
            14,
            [],
            [absence(D(2026, 10, 17), D(2026, 10, 31))],
            [D(2026, 10, 31)],
        ),
        (
            "September and October within 45 days; September already a breach",
            D(2026, 10, 20),
            45,
            [],
            None,
            [D(2026, 10, 31), D(2026, 11, 30)],
        ),
    ],
)
def test_monthly_window_due(case, as_of, within, sessions, absences, expected):
    result = due([person()], sessions, absences, as_of=as_of, within=within)
    assert [i.deadline for i in result.items if i.kind == "frequency"] == expected, case


@pytest.mark.parametrize(
    ("case", "bookings", "booked", "in_time", "words"),
    [
        ("nothing booked", [], None, False, "nothing booked"),
        (
            "booked before the deadline",
            [session(D(2026, 10, 27))],
            D(2026, 10, 27),
            True,
            "booked for 27 October 2026",
        ),
        (
            "booked on the deadline",
            [session(D(2026, 10, 31))],
            D(2026, 10, 31),
            True,
            "booked for 31 October 2026",
        ),
        (
            "booked after the deadline",
            [session(D(2026, 12, 9))],
            D(2026, 12, 9),
            False,
            "booked for 9 December 2026, after the deadline",
        ),
        (
            "a cancelled booking",
            [session(D(2026, 10, 27), status="cancelled")],
            None,
            False,
            "nothing booked",
        ),
        ("an informal booking", [session(D(2026, 10, 27), type="informal")], None, False, "nothing booked"),
        (
            "the first counting booking",
            [session(D(2026, 11, 2)), session(D(2026, 10, 28))],
            D(2026, 10, 28),
            True,
            "booked for 28 October 2026",
        ),
    ],
)
def test_bookings_named_never_counted(case, bookings, booked, in_time, words):
    result = due([person()], bookings)
    [item] = result.items
    assert (item.deadline, item.booked, item.booked_in_time, item.booking) == (
        D(2026, 10, 31),
        booked,
        in_time,
        words,
    ), case


@pytest.mark.parametrize(
    ("case", "expires", "deadline"),
    [
        ("expires on the as-of date: last valid day today", D(2026, 10, 20), D(2026, 10, 20)),
        ("expires inside the horizon", D(2026, 10, 25), D(2026, 10, 25)),
        ("expires the day before the horizon ends", D(2026, 11, 2), D(2026, 11, 2)),
        ("expires on the horizon's last day: still valid then", D(2026, 11, 3), None),
        ("expired yesterday: a breach, not due", D(2026, 10, 19), None),
    ],
)
def test_registration_lapsing(case, expires, deadline):
    """Registration is valid up to and including its expiry date (a finding when it is
    before J); it is due when it lapses inside the horizon."""
    result = due([person(registration_expires=expires)], [session(D(2026, 10, 2))])
    got = [i.deadline for i in result.items if i.kind == "registration"]
    assert got == ([] if deadline is None else [deadline]), case


def test_grouped_by_team_then_manager_with_names():
    staff = [
        person("M1", role="Team Manager", team="North", name="Ann Boss"),
        person("S1", team="North", line_manager_id="M1", name="Bea Worker"),
        person("S2", team="East", line_manager_id="M1", name="Cy Worker"),
    ]
    result = due(staff, [session(D(2026, 10, 2), "M1")])
    assert [(i.team, i.line_manager_id, i.line_manager_name, i.staff_id) for i in result.items] == [
        ("East", "M1", "Ann Boss", "S2"),
        ("North", "M1", "Ann Boss", "S1"),
    ]


def test_sample_due_before_3_november_with_bookings():
    """sample_data as of 20 October 2026: the exports are dated 1 November (staff.csv's
    title row), so they cover the as-of date. Those with nothing counting yet in the
    window that closes by 3 November (checked against supervisions.csv by hand: 1023
    and S010 only a group session on 14 October, which the national pack does not count;
    1187 nothing before 21 October; S013's fortnight 12-25 October only a group session)."""
    result = runner.invoke(app, ["due", str(SAMPLE), "--as-of", "2026-10-20", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["until"] == "2026-11-03"
    assert report["not_judged"] == []
    assert [
        (d["team"], d["line_manager_id"], d["staff_id"], d["start"], d["deadline"], d["booked"])
        for d in report["due"]
    ] == [
        ("Assessment North", "S003", "1023", "2026-10-01", "2026-10-31", "2026-10-21"),
        ("Assessment North", "S005", "S013", "2026-10-12", "2026-10-25", "2026-10-23"),
        ("Assessment North", "S005", "S010", "2026-10-01", "2026-10-31", "2026-10-21"),
        ("Child Protection South", "S022", "1187", "2026-10-01", "2026-10-31", "2026-10-21"),
    ]
    text = runner.invoke(app, ["due", str(SAMPLE), "--as-of", "2026-10-20"]).stdout
    assert "Megan Lloyd (S013): Fortnightly supervision (window 12–25 October 2026)" in text
    assert "booked for 23 October 2026" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_sample_exports_not_reaching_the_as_of_date_list_nobody():
    """As of 20 November the exports end on 31 October: nobody is listed as due (every
    window would look open); the report says why instead."""
    result = runner.invoke(app, ["due", str(SAMPLE), "--as-of", "2026-11-20", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["due"] == []
    assert report["not_judged"] and all("ends on 31 October 2026" in s for s in report["not_judged"])


@pytest.mark.parametrize("suffix", ["csv", "html", "md", "xlsx"])
def test_sample_due_every_format(tmp_path, suffix):
    out = tmp_path / f"due.{suffix}"
    result = runner.invoke(app, ["due", str(SAMPLE), "--as-of", "2026-10-20", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if suffix == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(out)["Due"]
        assert [c.value for c in ws[1]][:6] == [
            "team",
            "line_manager_id",
            "line_manager_name",
            "staff_id",
            "staff_name",
            "deadline",
        ]
        assert ws.max_row == 5
    else:
        assert "Megan Lloyd" in data.decode("utf-8-sig")


def test_due_bad_within_exits_2():
    result = runner.invoke(app, ["due", str(SAMPLE), "--within", "-1"])
    assert result.exit_code == 2


def test_the_organisation_titles_the_list_from_the_option_or_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["due", str(SAMPLE), "--as-of", "2026-10-20"]
    assert runner.invoke(app, args).stdout.splitlines()[0] == "Due by 3 Nov 2026"
    named = runner.invoke(app, [*args, "--organisation", "  Northshire   County Council "]).stdout
    assert named.splitlines()[0] == "Supervision due by 3 Nov 2026: Northshire County Council"
    (tmp_path / "supcheck.toml").write_text('organisation = "Southshire Council"\n', encoding="utf-8")
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert data["organisation"] == "Southshire Council"
