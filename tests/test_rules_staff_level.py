"""Table-driven boundary tests for `agreement` and `appraisal` (pinned details 8 and 9).

J is the period's last day (or as_of if earlier); the expectations are worked by hand.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from helpers import check, dataset, kinds, person
from supcheck.models import Agreement, Appraisal
from supcheck.packs import load_pack, validate_pack_file

D = date
PERIOD = (D(2026, 4, 1), D(2026, 10, 31))
AS_OF = D(2026, 11, 20)
J = D(2026, 10, 31)  # J - 12 months = 31 October 2025
MANAGER = person("M1", role="Team Manager", name="Mina Manager")
OLD_MANAGER = person("M0", role="Team Manager", name="Olu Old")

AGREEMENT_COLUMNS = (
    "staff_id",
    "supervisor_id",
    "signed_date",
    "signed_by_supervisee",
    "signed_by_supervisor",
)
APPRAISAL_COLUMNS = ("staff_id", "date")

PACK = """
[pack]
id = "staff-level-test"
extends = "national"

[rules.agreement]
kind = "agreement"
severity = "warning"
source = "Shropshire 3.5 and appendix 1; Dudley standard 2"
{agreement}

[rules.appraisal]
kind = "appraisal"
severity = "warning"
source = "Dudley standard 4"
"""


@pytest.fixture
def pack(tmp_path):
    def write(agreement_params: str = "") -> str:
        path = tmp_path / "pack.toml"
        path.write_text(PACK.format(agreement=agreement_params))
        return str(path)

    return write


def agreement(day: date, supervisor="M1", supervisee_signed=True, supervisor_signed=True, staff_id="S1"):
    return Agreement(
        staff_id=staff_id,
        supervisor_id=supervisor,
        signed_date=day,
        signed_by_supervisee=supervisee_signed,
        signed_by_supervisor=supervisor_signed,
    )


def with_agreements(people, rows, columns=AGREEMENT_COLUMNS, **kw):
    return dataset(people, agreements=("agreements", rows, columns), **kw)


# ------------------------------------------------------------------ agreement


@pytest.mark.parametrize(
    ("case", "staff_kw", "rows", "expected"),
    [
        ("no agreement at all", {}, [], "none signed by both is on record"),
        (
            "signed exactly 12 months before J is out of date",
            {},
            [agreement(D(2025, 10, 31))],
            "dated 31 October 2025",
        ),
        ("signed the day after that is in date", {}, [agreement(D(2025, 11, 1))], None),
        ("signed on J", {}, [agreement(J)], None),
        # Signed after J (but before as_of): not known on J.
        ("signed after J", {}, [agreement(D(2026, 11, 5))], "none signed by both is on record"),
        (
            "signed by the supervisee only",
            {},
            [agreement(D(2026, 5, 1), supervisor_signed=False)],
            "none signed by both is on record",
        ),
        (
            "supervisor's signature blank",
            {},
            [agreement(D(2026, 5, 1), supervisor_signed=None)],
            "none signed by both is on record",
        ),
        (
            "names the old line manager",
            {},
            [agreement(D(2026, 5, 1), supervisor="M0")],
            "names Olu Old (M0) as supervisor, but the line manager on 31 October 2026 is Mina Manager (M1)",
        ),
        (
            "latest names the old line manager though an earlier one names the current",
            {},
            [agreement(D(2026, 2, 1)), agreement(D(2026, 5, 1), supervisor="M0")],
            "supervision agreement of 1 May 2026 names Olu Old (M0)",
        ),
        (
            "newest not countersigned; the older one, signed by both, names the line manager",
            {},
            [agreement(D(2026, 2, 1)), agreement(D(2026, 10, 20), supervisor_signed=False)],
            None,
        ),
        (
            "newest not countersigned; the older one names the old line manager",
            {},
            [agreement(D(2026, 2, 1), supervisor="M0"), agreement(D(2026, 10, 20), supervisor_signed=False)],
            "supervision agreement of 1 February 2026 names Olu Old (M0)",
        ),
        (
            "two on the same day, one naming the line manager",
            {},
            [agreement(D(2026, 5, 1), supervisor="M0"), agreement(D(2026, 5, 1))],
            None,
        ),
        (
            "two on the same day, neither naming the line manager: the first is the one named",
            {},
            [agreement(D(2026, 5, 1), supervisor="M0"), agreement(D(2026, 5, 1), supervisor="X9")],
            "names Olu Old (M0) as supervisor",
        ),
        (
            "blank supervisor, blank line manager",
            {"line_manager_id": ""},
            [agreement(D(2026, 5, 1), supervisor="")],
            None,
        ),
        (
            "blank supervisor, line manager recorded",
            {},
            [agreement(D(2026, 5, 1), supervisor="")],
            "names no supervisor, but the line manager on 31 October 2026 is Mina Manager (M1)",
        ),
        (
            "supervisor named, no line manager recorded",
            {"line_manager_id": ""},
            [agreement(D(2026, 5, 1))],
            "names Mina Manager (M1) as supervisor, but no line manager is recorded on 31 October 2026",
        ),
        # (J - start) + 1 day: start 4 Oct 2026 -> 27 + 1 = 28 days, not more than 28.
        ("employed 28 days", {"start": D(2026, 10, 4)}, [], None),
        # start 3 Oct 2026 -> 28 + 1 = 29 days.
        ("employed 29 days", {"start": D(2026, 10, 3)}, [], "none signed by both is on record"),
        ("left the day before J", {"end_date": D(2026, 10, 30)}, [], None),
        ("leaves on J", {"end_date": J}, [], "none signed by both is on record"),
    ],
)
def test_agreement(pack, case, staff_kw, rows, expected):
    people = [person(name="Beth Evans", **{"line_manager_id": "M1", **staff_kw}), MANAGER, OLD_MANAGER]
    run = check(with_agreements(people, rows), *PERIOD, AS_OF, policy=pack(), staff={"S1"})
    found = [f for f in run.result.findings if f.kind == "agreement"]
    if expected is None:
        assert found == [], case
        return
    assert len(found) == 1, case  # at most one agreement finding per person
    [f] = found
    assert (f.start, f.end, f.rule, f.severity) == (J, J, "agreement", "warning")
    assert expected in f.message, (case, f.message)


def test_agreement_messages_in_full(pack):
    people = [person(name="Beth Evans", line_manager_id="M1"), MANAGER, OLD_MANAGER]
    run = check(
        with_agreements(people, [agreement(D(2025, 3, 1))]), *PERIOD, AS_OF, policy=pack(), staff={"S1"}
    )
    [f] = [f for f in run.result.findings if f.kind == "agreement"]
    assert f.message == (
        "Beth Evans has no supervision agreement signed by both parties in the 12 months to "
        "31 October 2026 (the last one signed by both is dated 1 March 2025)."
    )
    run = check(
        with_agreements(people, [agreement(D(2026, 1, 20), supervisor="M0")]),
        *PERIOD,
        AS_OF,
        policy=pack(),
        staff={"S1"},
    )
    [f] = [f for f in run.result.findings if f.kind == "agreement"]
    assert f.message == (
        "Beth Evans' supervision agreement of 20 January 2026 names Olu Old (M0) as supervisor, but "
        "the line manager on 31 October 2026 is Mina Manager (M1); a new supervisory relationship "
        "needs a new agreement."
    )


def test_agreement_judged_at_as_of_when_earlier(pack):
    # as_of 30 Oct 2026: J = 30 Oct, J - 12 months = 30 Oct 2025: 31 Oct 2025 is in date.
    people = [person(line_manager_id="M1"), MANAGER]
    run = check(
        with_agreements(people, [agreement(D(2025, 10, 31))]),
        *PERIOD,
        D(2026, 10, 30),
        policy=pack(),
        staff={"S1"},
    )
    assert kinds(run, "agreement") == []
    run = check(
        with_agreements(people, [agreement(D(2025, 10, 30))]),
        *PERIOD,
        D(2026, 10, 30),
        policy=pack(),
        staff={"S1"},
    )
    assert kinds(run, "agreement") == [("agreement", "S1", D(2026, 10, 30), D(2026, 10, 30))]


def test_agreement_parameters(pack):
    # valid_for 6 months: J - 6 months = 30 April 2026 (exclusive); grace 61 days.
    params = 'valid_for = "6 months"\ngrace_days = 61'
    people = [
        person("S1", line_manager_id="M1"),
        person("S2", line_manager_id="M1"),
        person("S3", line_manager_id="M1", start=D(2026, 9, 1)),  # 30 + 31 = 61 days: not more than 61
        person("S4", line_manager_id="M1", start=D(2026, 8, 31)),  # 1 + 30 + 31 = 62 days
        MANAGER,
    ]
    rows = [agreement(D(2026, 4, 30)), agreement(D(2026, 5, 1), staff_id="S2")]
    run = check(
        with_agreements(people, rows), *PERIOD, AS_OF, policy=pack(params), staff={"S1", "S2", "S3", "S4"}
    )
    assert kinds(run, "agreement") == [("agreement", "S1", J, J), ("agreement", "S4", J, J)]


def test_agreement_without_supervisor_columns_checks_existence_only(pack):
    people = [person(line_manager_id="M1"), MANAGER, OLD_MANAGER]
    columns = ("staff_id", "signed_date", "signed_by_supervisee", "signed_by_supervisor")
    run = check(
        with_agreements(people, [agreement(D(2026, 5, 1), supervisor="M0")], columns),
        *PERIOD,
        AS_OF,
        policy=pack(),
        staff={"S1"},
    )
    assert kinds(run, "agreement") == []
    run = check(with_agreements(people, [], columns), *PERIOD, AS_OF, policy=pack(), staff={"S1"})
    assert kinds(run, "agreement") == [("agreement", "S1", J, J)]


@pytest.mark.parametrize(
    ("tables", "reason"),
    [
        ({}, "no agreements table"),
        (
            {"agreements": ("agreements", [], ("staff_id", "signed_date", "signed_by_supervisee"))},
            "no signed_by_supervisor column in the agreements table",
        ),
    ],
)
def test_agreement_not_assessed(pack, tables, reason):
    run = check(dataset([person(), MANAGER], **tables), *PERIOD, AS_OF, policy=pack())
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["agreement"] == reason
    assert kinds(run, "agreement") == []


def test_bad_lengths_are_pack_errors(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[pack]\nextends = "national"\n'
        '[rules.a]\nkind = "agreement"\nsource = "x"\nvalid_for = "12 moons"\n'
        '[rules.b]\nkind = "appraisal"\nsource = "x"\nevery = "a year"\n'
    )
    problems = validate_pack_file(str(path))
    assert any("rules.a.valid_for:" in p and "12 moons" in p for p in problems), problems
    assert any("rules.b.every:" in p and "a year" in p for p in problems), problems


# ------------------------------------------------------------------ appraisal


def appraised(*days: date, staff_id="S1"):
    return [Appraisal(staff_id=staff_id, date=d) for d in days]


@pytest.mark.parametrize(
    ("case", "staff_kw", "days", "expected"),
    [
        ("never appraised", {}, [], "(no appraisal on record)."),
        # start + 12 months = 31 Oct 2026 = J: employed 12 months, the rule applies.
        ("employed exactly 12 months", {"start": D(2025, 10, 31)}, [], "(no appraisal on record)."),
        # start + 12 months = 1 Nov 2026 > J: not yet.
        ("employed one day less", {"start": D(2025, 11, 1)}, [], None),
        # J - 12 months = 31 Oct 2025 is excluded.
        ("appraised exactly 12 months before J", {}, [D(2025, 10, 31)], "(last appraisal 31 October 2025)."),
        ("appraised the day after that", {}, [D(2025, 11, 1)], None),
        ("appraised on J", {}, [J], None),
        ("appraised after J only", {}, [D(2026, 11, 5)], "(no appraisal on record)."),
        (
            "last of several is out of date",
            {},
            [D(2024, 9, 1), D(2025, 9, 15)],
            "(last appraisal 15 September 2025).",
        ),
        ("left before J", {"end_date": D(2026, 10, 30)}, [], None),
        ("leaves on J", {"end_date": J}, [], "(no appraisal on record)."),
    ],
)
def test_appraisal(pack, case, staff_kw, days, expected):
    people = [person(name="David Mensah", **staff_kw), MANAGER]
    data = dataset(people, appraisals=("appraisals", appraised(*days), APPRAISAL_COLUMNS))
    run = check(data, *PERIOD, AS_OF, policy=pack(), staff={"S1"})
    found = [f for f in run.result.findings if f.kind == "appraisal"]
    if expected is None:
        assert found == [], case
        return
    [f] = found
    assert (f.start, f.end, f.severity) == (J, J, "warning")
    assert f.message == f"David Mensah has had no appraisal in the 12 months to 31 October 2026 {expected}", (
        case
    )


@pytest.mark.parametrize(
    ("case", "period_end", "days", "applies"),
    [
        # Starts 29 Feb 2024: + 12 months = 28 Feb 2025.
        ("29 Feb start, J = 28 Feb 2025: employed 12 months", D(2025, 2, 28), [], True),
        ("29 Feb start, J = 27 Feb 2025: not yet", D(2025, 2, 27), [], False),
        # J = 28 Feb 2025: J - 12 months = 28 Feb 2024 (excluded); 29 Feb 2024 is in.
        ("appraised 28 Feb 2024: out of date", D(2025, 2, 28), [D(2024, 2, 28)], True),
        ("appraised 29 Feb 2024: in date", D(2025, 2, 28), [D(2024, 2, 29)], False),
    ],
)
def test_appraisal_leap_day(pack, case, period_end, days, applies):
    people = [person(start=D(2024, 2, 29)), MANAGER]
    data = dataset(people, appraisals=("appraisals", appraised(*days), APPRAISAL_COLUMNS))
    run = check(data, D(2025, 2, 1), period_end, D(2025, 3, 20), policy=pack(), staff={"S1"})
    assert kinds(run, "appraisal") == ([("appraisal", "S1", period_end, period_end)] if applies else []), case


def test_appraisal_not_assessed_without_table(pack):
    run = check(dataset([person(), MANAGER]), *PERIOD, AS_OF, policy=pack())
    reasons = {n.rule: n.reason for n in run.result.not_assessed}
    assert reasons["appraisal"] == "no appraisals table"


def test_staff_level_rules_not_applied_to_groups_without_them(pack):
    fsw = person("F1", role="Family Support Worker", registered_social_worker=False)
    data = dataset(
        [fsw, MANAGER],
        agreements=("agreements", [], AGREEMENT_COLUMNS),
        appraisals=("appraisals", [], APPRAISAL_COLUMNS),
    )
    run = check(data, *PERIOD, AS_OF, policy=pack(), staff={"F1"})
    assert kinds(run, "agreement") == kinds(run, "appraisal") == []


def test_pack_loads(pack):
    assert {"agreement", "appraisal"} <= set(load_pack(pack()).rules)


# ------------------------------------------------------------------ agreement: arrays vs. a person-by-person reading

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _reference_agreement_outcomes(people, rows):
    """The module docstring read person by person: staff id -> (latest date signed by both
    on or before J, or None; whether that day's agreement is with the line manager;
    the supervisor named by the first of that day's, in file order)."""
    out = {}
    for staff in people:
        signed = [
            a
            for a in rows
            if a.staff_id == staff.staff_id
            and a.signed_by_supervisee is True
            and a.signed_by_supervisor is True
            and a.signed_date <= J
        ]
        if not signed:
            out[staff.staff_id] = (None, False, "")
            continue
        latest = max(a.signed_date for a in signed)
        of_day = [a for a in signed if a.signed_date == latest]
        manager = staff.line_manager_id.strip()
        out[staff.staff_id] = (
            latest,
            any(a.supervisor_id.strip() == manager for a in of_day),
            of_day[0].supervisor_id.strip(),
        )
    return out


_who = st.sampled_from(["S1", "S2", "S3", "M1"])
_signature = st.sampled_from([True, True, False, None])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    managers=st.lists(st.sampled_from(["M1", "M0", " M1 ", ""]), min_size=3, max_size=3),
    rows=st.lists(
        st.builds(
            agreement,
            st.dates(min_value=D(2025, 6, 1), max_value=D(2026, 11, 20)),
            supervisor=st.sampled_from(["M1", "M0", "M1 ", "", "X9"]),
            supervisee_signed=_signature,
            supervisor_signed=_signature,
            staff_id=_who,
        ),
        max_size=12,
    ),
)
def test_latest_agreements_read_as_person_by_person(managers, rows, pack):
    people = [
        person(f"S{i + 1}", name=f"Person {i + 1}", start=D(2020, 1, 1), line_manager_id=m)
        for i, m in enumerate(managers)
    ] + [MANAGER, OLD_MANAGER]
    run = check(with_agreements(people, rows), *PERIOD, AS_OF, policy=pack())
    from supcheck.rules.agreement import LatestAgreements

    latest = LatestAgreements.of(run.context, J)
    expected = _reference_agreement_outcomes(people, list(run.context.data.agreements))
    for staff in people:
        i = latest.index.get(staff.staff_id)
        got = (
            (None, False, "")
            if i is None or np.isnat(latest.latest[i])
            else (latest.latest[i].astype(object), bool(latest.names_manager[i]), latest.named[i])
        )
        assert got == expected[staff.staff_id], staff.staff_id
