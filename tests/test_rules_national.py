"""Table-driven boundary tests for the national pack's rules. Expectations by hand."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import absence, check, dataset, kinds, person, session

D = date
JUNE = (D(2026, 6, 1), D(2026, 6, 30))
AS_OF = D(2026, 7, 15)
MANAGER = person("M1", role="Team Manager", name="Mina Manager")


# ------------------------------------------------------------------ frequency


@pytest.mark.parametrize(
    ("case", "sessions", "absences", "expected"),
    [
        ("session on the window's first day", [session(D(2026, 6, 1))], [], []),
        ("session on the window's last day", [session(D(2026, 6, 30))], [], []),
        ("session the day before the window", [session(D(2026, 5, 31))], [], [JUNE]),
        ("session the day after the window", [session(D(2026, 7, 1))], [], [JUNE]),
        ("cancelled session", [session(D(2026, 6, 10), status="cancelled")], [], [JUNE]),
        ("informal session never counts", [session(D(2026, 6, 10), type="informal")], [], [JUNE]),
        (
            "group session where the group has no group supervision",
            [session(D(2026, 6, 10), type="group")],
            [],
            [JUNE],
        ),
        (
            "professional session counts only for its own rule",
            [session(D(2026, 6, 10), type="professional")],
            [],
            [JUNE],
        ),
        ("short session still meets the window", [session(D(2026, 6, 10), duration_minutes=30)], [], None),
        ("absence of exactly half the window excuses it", [], [absence(D(2026, 6, 16), D(2026, 6, 30))], []),
        ("absence one day under half does not", [], [absence(D(2026, 6, 17), D(2026, 6, 30))], [JUNE]),
    ],
)
def test_monthly_frequency(case, sessions, absences, expected):
    data = dataset([person(), MANAGER], sessions, absences)
    run = check(data, *JUNE, AS_OF, staff=frozenset({"S1"}))
    got = [(f[2], f[3]) for f in kinds(run, "frequency")]
    if expected is None:  # the duration rule reports it instead
        assert got == []
        assert kinds(run, "duration") == [("duration", "S1", D(2026, 6, 10), D(2026, 6, 10))]
    else:
        assert got == expected, case


@pytest.mark.parametrize(
    ("as_of", "assessed"),
    [
        (D(2026, 6, 29), False),  # the window ends after as_of: nothing can be known yet
        (D(2026, 6, 30), True),  # on its last day it is judged
        (D(2026, 7, 1), True),
    ],
)
def test_window_assessed_only_once_as_of_reaches_its_end(as_of, assessed):
    run = check(dataset([person(), MANAGER]), *JUNE, as_of, staff=frozenset({"S1"}))
    assert run.result.summary.windows_assessed == (1 if assessed else 0)
    assert bool(kinds(run, "frequency")) is assessed


def test_window_ending_after_the_period_is_not_assessed():
    # Period 1-29 June: the June window ends on 30 June, outside the period.
    run = check(dataset([person(), MANAGER]), D(2026, 6, 1), D(2026, 6, 29), AS_OF, staff=frozenset({"S1"}))
    assert run.result.summary.windows_assessed == 0


def test_summary_counts_met_missed_and_excused():
    people = [person("S1"), person("S2"), person("S3"), MANAGER]
    sessions = [session(D(2026, 6, 5), "S1"), session(D(2026, 6, 5), "M1")]
    absences = [absence(D(2026, 6, 1), D(2026, 6, 30), "S3")]
    s = check(dataset(people, sessions, absences), *JUNE, AS_OF).result.summary
    assert (s.staff, s.windows_assessed, s.windows_met, s.windows_missed, s.windows_excused) == (
        4,
        4,
        2,
        1,
        1,
    )
    assert s.breaches == 1  # S2's June


def test_nqsw_weekly_windows_from_asye_start():
    # ASYE from Mon 11 May 2026. Weekly: 11-17, 18-24, 25-31 May, 1-7, 8-14, 15-21 Jun;
    # fortnightly from 22 Jun: 22 Jun-5 Jul. Sessions in every window but 18-24 May.
    nqsw = person("N1", role="Social Worker (ASYE)", start=D(2026, 5, 11), asye_start=D(2026, 5, 11))
    dates = [D(2026, 5, 12), D(2026, 5, 26), D(2026, 6, 2), D(2026, 6, 9), D(2026, 6, 16), D(2026, 7, 3)]
    run = check(
        dataset([nqsw, MANAGER], [session(d, "N1") for d in dates]),
        D(2026, 5, 1),
        D(2026, 7, 31),
        D(2026, 8, 15),
        staff={"N1"},
    )
    assert kinds(run, "frequency") == [
        ("frequency", "N1", D(2026, 5, 18), D(2026, 5, 24)),
        # 6-19 Jul fortnight and 20 Jul-2 Aug (ends after the period) : 6-19 Jul missed.
        ("frequency", "N1", D(2026, 7, 6), D(2026, 7, 19)),
    ]
    assert "weekly required" in run.result.findings[0].message


def test_starter_mid_month_window_merged_and_met_by_a_session_in_the_earlier_part():
    # Starts 17 Sep 2026: 17-30 Sep is 14 days, merged into October (17 Sep - 31 Oct).
    starter = person("S5", start=D(2026, 9, 17))
    run = check(
        dataset([starter, MANAGER], [session(D(2026, 9, 20), "S5")]),
        D(2026, 9, 1),
        D(2026, 10, 31),
        D(2026, 11, 20),
        staff=frozenset({"S5"}),
    )
    assert kinds(run) == []
    assert [(w.window.start, w.window.end, w.status) for w in run.windows] == [
        (D(2026, 9, 17), D(2026, 10, 31), "met")
    ]


def test_leaver_short_final_window_merged_backwards():
    leaver = person("S6", end_date=D(2026, 8, 8))
    run = check(
        dataset([leaver, MANAGER]), D(2026, 7, 1), D(2026, 8, 31), D(2026, 9, 10), staff=frozenset({"S6"})
    )
    assert kinds(run) == [("frequency", "S6", D(2026, 7, 1), D(2026, 8, 8))]


def test_no_absences_table_means_nothing_is_excused_but_rule_is_assessed():
    run = check(dataset([person(), MANAGER]), *JUNE, AS_OF, staff=frozenset({"S1"}))
    assert [n.rule for n in run.result.not_assessed] == []
    assert len(kinds(run, "frequency")) == 1


def test_staff_in_a_group_without_rules_are_not_judged():
    fsw = person("F1", role="Family Support Worker", registered_social_worker=False)
    run = check(dataset([fsw, MANAGER]), *JUNE, AS_OF, staff=frozenset({"F1"}))
    assert kinds(run) == []


def test_role_matching_no_group_is_a_data_quality_finding():
    odd = person("T1", role="Transformation Lead")
    run = check(dataset([odd, MANAGER]), *JUNE, AS_OF, staff=frozenset({"T1"}))
    [finding] = run.result.findings
    assert (finding.kind, finding.column, finding.value, finding.row) == (
        "data-quality",
        "role",
        "Transformation Lead",
        None,
    )


# ------------------------------------------------------------------ duration


@pytest.mark.parametrize(
    ("case", "row", "expected"),
    [
        ("89 minutes is short", session(D(2026, 6, 10), duration_minutes=89), ["duration"]),
        ("90 minutes is enough", session(D(2026, 6, 10), duration_minutes=90), []),
        ("89.5 minutes is short", session(D(2026, 6, 10), duration_minutes=89.5), ["duration"]),
        (
            "informal sessions are not judged",
            session(D(2026, 6, 10), type="informal", duration_minutes=10),
            None,
        ),
        (
            "cancelled sessions are not judged",
            session(D(2026, 6, 10), status="cancelled", duration_minutes=0.5),
            None,
        ),
        (
            "a group session is formal",
            session(D(2026, 6, 10), type="group", duration_minutes=60),
            ["duration"],
        ),
        (
            "no duration is a data-quality finding",
            session(D(2026, 6, 10), duration_minutes=None),
            ["data-quality"],
        ),
        ("before the period", session(D(2026, 5, 31), duration_minutes=60), None),
        ("on the period's last day", session(D(2026, 6, 30), duration_minutes=60), ["duration"]),
    ],
)
def test_duration(case, row, expected):
    run = check(dataset([person(), MANAGER], [row]), *JUNE, AS_OF, staff=frozenset({"S1"}))
    got = [f.kind for f in run.result.findings if f.kind in ("duration", "data-quality")]
    assert got == (expected or []), case
    for f in run.result.findings:
        if f.kind == "duration":
            assert (f.start, f.end) == (row.date, row.date)
            assert "under the 90 minutes required" in f.message


def test_duration_rule_not_assessed_without_a_duration_column():
    cols = frozenset({"session_id", "supervisee_id", "date", "type", "status"})
    run = check(dataset([person(), MANAGER], [session(D(2026, 6, 10))], session_columns=cols), *JUNE, AS_OF)
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["session-length"] == "no duration_minutes column in the supervisions table"
    assert reasons["uninterrupted"] == "no interrupted column in the supervisions table"


# ------------------------------------------------------------------ uninterrupted


@pytest.mark.parametrize(
    ("interrupted", "found"),
    [(True, True), (False, False), (None, False)],
)
def test_uninterrupted(interrupted, found):
    run = check(
        dataset([person(), MANAGER], [session(D(2026, 6, 10), interrupted=interrupted)]),
        *JUNE,
        AS_OF,
        staff=frozenset({"S1"}),
    )
    assert bool(kinds(run, "uninterrupted")) is found


# ------------------------------------------------------------------ registration

J = D(2026, 6, 30)


@pytest.mark.parametrize(
    ("case", "fields", "as_of", "expected"),
    [
        ("expired the day before J", {"registration_expires": D(2026, 6, 29)}, AS_OF, "registration"),
        ("expires on J is still in date", {"registration_expires": J}, AS_OF, None),
        ("expires after J", {"registration_expires": D(2026, 7, 1)}, AS_OF, None),
        ("not registered", {"registered_social_worker": False}, AS_OF, "registration"),
        ("blank flag is a data-quality finding", {"registered_social_worker": None}, AS_OF, "data-quality"),
        ("left before J", {"registered_social_worker": False, "end_date": D(2026, 6, 29)}, AS_OF, None),
        (
            "leaves on J: still employed",
            {"registered_social_worker": False, "end_date": J},
            AS_OF,
            "registration",
        ),
        # J is as_of when as_of is earlier than the period's end.
        ("as_of before period end", {"registration_expires": D(2026, 6, 20)}, D(2026, 6, 21), "registration"),
        ("as_of on the expiry day", {"registration_expires": D(2026, 6, 20)}, D(2026, 6, 20), None),
    ],
)
def test_registration(case, fields, as_of, expected):
    run = check(
        dataset([person(**fields), MANAGER], [session(D(2026, 6, 10))]), *JUNE, as_of, staff=frozenset({"S1"})
    )
    got = [f for f in run.result.findings if f.kind in ("registration", "data-quality")]
    assert [f.kind for f in got] == ([expected] if expected else []), case
    for f in got:
        assert f.start == f.end == min(J, as_of)


@pytest.mark.parametrize(
    ("expires", "as_of", "judged"),
    [
        (D(2026, 6, 29), AS_OF, "30 June 2026"),  # J is the period's last day
        (D(2026, 6, 20), D(2026, 6, 21), "21 June 2026"),  # J is as_of, earlier
    ],
)
def test_registration_message_names_expiry_and_the_day_judged(expires, as_of, judged):
    """The finding is dated J: its message says so beside the expiry date."""
    run = check(
        dataset([person(registration_expires=expires), MANAGER]), *JUNE, as_of, staff=frozenset({"S1"})
    )
    (found,) = [f for f in run.result.findings if f.kind == "registration"]
    expiry = f"{expires.day} June 2026"
    assert found.message.endswith(f"registration expired on {expiry} (judged on {judged}).")
    assert f"{found.start.day} June 2026" == judged


def test_registration_not_required_for_support_roles():
    fsw = person("F1", role="Family Support Worker", registered_social_worker=False)
    run = check(dataset([fsw, MANAGER]), *JUNE, AS_OF)
    assert kinds(run, "registration") == []


# ------------------------------------------------------------------ professional supervision

Q2 = (D(2026, 4, 1), D(2026, 6, 30))
EARLY_HELP = person("M2", role="Service Manager", name="Eve Early", registered_social_worker=False)
PSW = person("P1", role="Principal Social Worker", name="Pat Principal")


@pytest.mark.parametrize(
    ("case", "line_manager", "rows", "expected"),
    [
        (
            "professional session with a registered supervisor",
            "M2",
            [session(D(2026, 5, 5), type="professional", supervisor_id="P1")],
            [],
        ),
        (
            "supervisor not registered",
            "M2",
            [session(D(2026, 5, 5), type="professional", supervisor_id="M2")],
            [Q2],
        ),
        ("ordinary session does not count", "M2", [session(D(2026, 5, 5), supervisor_id="P1")], [Q2]),
        (
            "session just before the quarter",
            "M2",
            [session(D(2026, 3, 31), type="professional", supervisor_id="P1")],
            [Q2],
        ),
        ("line manager registered: rule does not apply", "M1", [], []),
    ],
)
def test_professional_supervision(case, line_manager, rows, expected):
    worker = person(line_manager_id=line_manager)
    ordinary = [session(D(2026, m, 10)) for m in (4, 5, 6)]
    run = check(
        dataset([worker, MANAGER, EARLY_HELP, PSW], ordinary + rows), *Q2, AS_OF, staff=frozenset({"S1"})
    )
    assert [(f[2], f[3]) for f in kinds(run, "professional-supervision")] == expected, case


def test_professional_supervision_not_assessed_without_registration_column():
    cols = frozenset({"staff_id", "role", "start_date", "line_manager_id"})
    run = check(dataset([person(), MANAGER], staff_columns=cols), *JUNE, AS_OF)
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["professional-supervision"] == "no registered_social_worker column in the staff table"
    assert reasons["registration"] == "no registered_social_worker column in the staff table"


def test_strict_mode_makes_data_quality_findings_breaches():
    odd = person("T1", role="Transformation Lead")
    run = check(dataset([odd, MANAGER], [session(D(2026, 6, 3), "M1")]), *JUNE, AS_OF, strict=True)
    assert [(f.kind, f.severity) for f in run.result.findings] == [("data-quality", "breach")]
