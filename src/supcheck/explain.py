"""`supcheck explain`: everything the check decided about one person, with the evidence.

The view an analyst shows a manager who disputes a breach: the group the person falls
in and why (job title, case holding, NQSW), their schedule segments, every window the
run assessed with the session(s) that met it -- id, date, type, length, and the file
and row it came from -- or the absence that excused it, or why it was missed (with the
sessions in it that did not count), how often each other rule judged them and found the
requirement met, and every other finding about them with its rule, severity and citation.

Nothing is judged here: the windows and findings are the engine's, from the same run
`check` makes (`pipeline.run_pipeline`, limited to the person). This module only
gathers them into an `Explanation`; `reporters.explain` renders it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from .errors import SupcheckError
from .models import Absence, Finding, NotAssessed, Period, Session, Staff
from .packs import Group, Pack, is_nqsw
from .pipeline import PipelineRun
from .reporters.base import human_date
from .rules.frequency import schedule_spec
from .schedule import AssessedWindow, Segment, segments_for


@dataclass
class WindowEvidence:
    judged: AssessedWindow
    rule_title: str
    source: str
    met_by: list[Session] = field(default_factory=list)
    not_counted: list[Session] = field(default_factory=list)
    #: Why each of `not_counted` did not count, in words, in the same order.
    reasons: list[str] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    finding: Finding | None = None


@dataclass
class Explanation:
    staff: Staff
    manager: Staff | None
    policy: str
    policy_title: str
    period: Period
    as_of: date
    judged_on: date
    group: Group | None
    group_reasons: list[str]
    rules_applied: list[str]
    segments: list[Segment]
    windows: list[WindowEvidence]
    other_findings: list[Finding]
    not_assessed: list[NotAssessed]
    judgements: list[tuple[str, int, int]] = field(default_factory=list)
    #: What the exports do not cover (`CheckResult.not_judged`): said before anything else.
    not_judged: list[str] = field(default_factory=list)
    #: Names of the people the explanation names by id (supervisors), to show beside them.
    names: dict[str, str] = field(default_factory=dict)
    """(rule, judged, met) for the rules that are not window-based (sessions long enough,
    registration, deadlines...), from the engine's assessments."""


def _fold(role: str) -> str:
    return " ".join(role.lower().split())


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def role_match(group: Group, staff: Staff) -> str | None:
    """How the job title matches the group (a listed role or a pattern), or None."""
    role = _fold(staff.role)
    for listed in group.roles:
        if _fold(listed) == role:
            return f"job title '{staff.role}' is one of the group's roles"
    for pattern in group.role_patterns:
        if re.search(pattern, role, re.IGNORECASE):
            return f"job title '{staff.role}' matches the group's role pattern '{pattern}'"
    return None


def _conditions(group: Group, staff: Staff, on: date) -> list[tuple[str, bool]]:
    """(what the group asks and what the person has, whether it holds) for each condition."""
    out = []
    if group.case_holding is not None:
        holds = staff.case_holding is None or staff.case_holding == group.case_holding
        note = " (not recorded, so not a reason to exclude)" if staff.case_holding is None else ""
        out.append(
            (
                f"case holding: {_yes_no(staff.case_holding)}{note}; the group is for"
                f" {'case-holding' if group.case_holding else 'non-case-holding'} staff",
                holds,
            )
        )
    if group.nqsw is not None:
        nqsw = is_nqsw(staff, on)
        out.append(
            (
                f"NQSW on {human_date(on)}: {_yes_no(nqsw)}; the group is for"
                f" {'NQSWs' if group.nqsw else 'staff who are not NQSWs'}",
                nqsw == group.nqsw,
            )
        )
    return out


def group_reasons(pack: Pack, staff: Staff, group: Group | None, on: date) -> list[str]:
    """Why the person is in `group` (first match in pack order) and not in an earlier one."""
    reasons = []
    for candidate in pack.groups.values():
        if group is not None and candidate.id == group.id:
            break
        match = role_match(candidate, staff)
        if match is None:
            continue
        failed = [text for text, holds in _conditions(candidate, staff, on) if not holds]
        if failed:
            reasons.append(f"not in group {candidate.id}: {match}, but {'; '.join(failed)}")
    if group is None:
        reasons.append(f"job title '{staff.role}' matches no group of the pack: no rule applies")
        return reasons
    reasons.append(role_match(group, staff) or f"job title '{staff.role}'")
    reasons.extend(text for text, _holds in _conditions(group, staff, on))
    if staff.asye_start is not None and pack.schedules.nqsw is not None:
        until = staff.asye_start + relativedelta(months=12) - relativedelta(days=1)
        reasons.append(
            f"ASYE from {human_date(staff.asye_start)} (NQSW until {human_date(until)}):"
            f" the pack's NQSW schedule applies from the ASYE start"
        )
    if staff.enhanced_from is not None and pack.schedules.enhanced is not None:
        until = human_date(staff.enhanced_until) if staff.enhanced_until else "open"
        reasons.append(f"enhanced supervision from {human_date(staff.enhanced_from)} until {until}")
    return reasons


def explain(run: PipelineRun, staff_id: str) -> Explanation:
    """Everything `run` decided about `staff_id`; SupcheckError if there is no such person."""
    data = run.dataset
    staff = data.staff.get(staff_id)
    if staff is None:
        label = data.tables["staff"].label if "staff" in data.tables else "the staff table"
        raise SupcheckError(f"no staff member '{staff_id}' in {label}")
    pack = run.pack
    result = run.result
    judged_on = min(run.options.period.end, run.options.as_of)
    group = run.engine.groups.get(staff_id)

    segments: list[Segment] = []
    if group is not None:
        segments = segments_for(staff, schedule_spec(pack, group))

    theirs = data.sessions.take(data.sessions.map_ids("supervisee_id", staff_id.__eq__, bool))
    sessions = sorted(theirs, key=lambda s: s.date)
    by_id = {s.session_id: s for s in sessions}
    absences = list(data.absences.take(data.absences.map_ids("staff_id", staff_id.__eq__, bool)))
    findings = [f for f in result.findings if f.staff_id == staff_id]
    used: set[int] = set()

    windows = []
    for judged in sorted(
        (w for w in run.engine.windows if w.staff_id == staff_id), key=lambda w: (w.rule, w.window.start)
    ):
        w = judged.window
        spec = pack.rules.get(judged.rule)
        evidence = WindowEvidence(
            judged=judged,
            rule_title=spec.title if spec else "",
            source=spec.source if spec else "",
            met_by=[by_id[i] for i in judged.session_ids if i in by_id],
        )
        met = set(judged.session_ids)
        evidence.not_counted = [s for s in sessions if w.start <= s.date <= w.end and s.session_id not in met]
        kind = spec.kind if spec else ""
        evidence.reasons = [why_not_counted(s, kind, group, data.staff) for s in evidence.not_counted]
        evidence.absences = [a for a in absences if a.start_date <= w.end and a.end_date >= w.start]
        for index, finding in enumerate(findings):
            if finding.rule == judged.rule and finding.start == w.start and finding.end == w.end:
                evidence.finding = finding
                used.add(index)
                break
        windows.append(evidence)

    return Explanation(
        staff=staff,
        manager=data.staff.get(staff.line_manager_id) if staff.line_manager_id else None,
        policy=pack.id,
        policy_title=pack.title,
        period=run.options.period,
        as_of=run.options.as_of,
        judged_on=judged_on,
        group=group,
        group_reasons=group_reasons(pack, staff, group, judged_on),
        rules_applied=[] if group is None else [r for r in pack.rules if group.applies(r)],
        segments=segments,
        windows=windows,
        other_findings=[f for i, f in enumerate(findings) if i not in used],
        not_assessed=list(result.not_assessed),
        judgements=_judgements(run, staff_id),
        not_judged=list(result.not_judged),
        names={
            s.supervisor_id: data.staff[s.supervisor_id].name
            for s in sessions
            if s.supervisor_id in data.staff and data.staff[s.supervisor_id].name
        },
    )


def why_not_counted(session: Session, kind: str, group: Group | None, staff: dict[str, Staff]) -> str:
    """Why a session in a window did not count towards it, in words (rules.md, pinned
    detail 7: held individual sessions count; group ones only where the group allows
    them; professional ones only for professional supervision; informal never)."""
    if session.status == "cancelled":
        return "cancelled"
    if session.status != "held":
        return "not held (did not take place)"
    if session.type == "informal":
        return "informal, which never counts"
    if kind == "professional-supervision":
        if session.type != "professional":
            return f"{session.type} session; only professional supervision counts for this rule"
        supervisor = staff.get(session.supervisor_id)
        if supervisor is None:
            who = session.supervisor_id or "not recorded"
            return (
                f"supervisor {who} is not in the staff table, so not known to be a registered social worker"
            )
        return f"supervisor {supervisor.display_name} is not recorded as a registered social worker"
    if session.type == "group":
        name = group.id if group is not None else "this person's"
        return f"group session, which the {name} group may not count"
    if session.type == "professional":
        return "professional supervision counts only for the professional-supervision rule"
    return "does not count for this rule"


def _judgements(run: PipelineRun, staff_id: str) -> list[tuple[str, int, int]]:
    counts: dict[str, list[int]] = {}
    for assessment in run.engine.assessments:
        if assessment.staff_id == staff_id:
            pair = counts.setdefault(assessment.rule, [0, 0])
            pair[0] += 1
            pair[1] += bool(assessment.met)
    return [(rule, judged, met) for rule, (judged, met) in counts.items()]
