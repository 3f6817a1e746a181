"""Plain-text rendering of an `Explanation`, for `supcheck explain`.

Sections: the person; their group and why; their schedule; each assessed window, with
the session(s) that met it (id, date, type, status, length, file and row), or the
absences that excused it, or what made it missed; then every other finding about
them. Text from the exports has control characters shown as U+FFFD.
"""

from __future__ import annotations

import re
import textwrap

from ..explain import Explanation, WindowEvidence
from ..models import Finding, Session
from ..schedule import INTERVAL_WORDS
from .base import DOT, NOT_JUDGED_HEADING, date_range, human_date, severity_label

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

SEGMENT_REASONS = {
    "group": "the group's interval",
    "nqsw": "NQSW schedule, from the ASYE start",
    "enhanced": "enhanced supervision",
}
STATUS_LABELS = {"met": "MET", "missed": "MISSED", "excused": "EXCUSED"}


def _c(text: object) -> str:
    return _CONTROL.sub("\ufffd", str(text).replace("\t", " ").replace("\n", " ").replace("\r", " "))


def _heading(lines: list[str], text: str) -> None:
    lines += ["", text, "-" * len(text)]


def _minutes(value: float | None) -> str:
    return "no duration" if value is None else f"{value:g} minutes"


def session_line(session: Session, names: dict[str, str] | None = None) -> str:
    """`SUP-11116, 14 May 2026, individual, held, 90 minutes, supervisor Tomasz Nowak
    (S005) (supervisions.csv row 1117)`."""
    parts = [
        _c(session.session_id),
        human_date(session.date),
        session.type,
        session.status,
        _minutes(session.duration_minutes),
    ]
    if session.supervisor_id:
        name = (names or {}).get(session.supervisor_id)
        who = f"{_c(name)} ({_c(session.supervisor_id)})" if name else _c(session.supervisor_id)
        parts.append(f"supervisor {who}")
    text = ", ".join(parts)
    if session.ref is not None:
        text += f" ({_c(session.ref.file)} row {session.ref.row})"
    return text


def _finding_lines(finding: Finding, indent: str) -> list[str]:
    dates = date_range(finding.start, finding.end)
    head = f"{indent}{severity_label(finding.severity)}  {finding.rule}"
    if finding.case_id:
        head += f"  case {_c(finding.case_id)}"
    if dates:
        head += f"  {dates}"
    lines = [head, f"{indent}  {_c(finding.message)}"]
    if finding.source:
        lines.append(f"{indent}  source: {_c(finding.source)}")
    return lines


def _window_lines(evidence: WindowEvidence, names: dict[str, str]) -> list[str]:
    judged = evidence.judged
    w = judged.window
    interval = INTERVAL_WORDS.get(w.interval, w.interval)
    merged = ", a short window merged into its neighbour" if w.merged else ""
    lines = [
        f"  {date_range(w.start, w.end)} ({interval}, {w.days} days{merged}): {STATUS_LABELS[judged.status]}"
    ]
    pad = "      "
    if judged.status == "met":
        for session in evidence.met_by:
            lines.append(f"{pad}met by {session_line(session, names)}")
    elif judged.status == "excused":
        lines.append(f"{pad}excused: absent {judged.absent_days} of {w.days} days (at least half the window)")
    else:
        lines.append(f"{pad}missed: no session in the window counts for this rule")
        if judged.absent_days:
            lines.append(f"{pad}absent {judged.absent_days} of {w.days} days, under half: not excused")
    if judged.status != "met":
        for absence in evidence.absences:
            reason = f" ({_c(absence.reason)})" if absence.reason else ""
            where = f" ({_c(absence.ref.file)} row {absence.ref.row})" if absence.ref else ""
            lines.append(f"{pad}absence {date_range(absence.start_date, absence.end_date)}{reason}{where}")
    for session, reason in zip(evidence.not_counted, evidence.reasons, strict=True):
        lines.append(f"{pad}not counted ({_c(reason)}): {session_line(session, names)}")
    if evidence.finding is not None:
        f = evidence.finding
        lines.append(f"{pad}{severity_label(f.severity)}: {_c(f.message)}")
    return lines


def render_explanation(ex: Explanation, width: int = 80) -> str:
    """The explanation as text, every line wrapped at `width` (continuations indented
    under their line, words never broken)."""
    lines = _explanation_lines(ex)
    return "\n".join(wrapped for line in lines for wrapped in _wrap_line(line, width)) + "\n"


def _wrap_line(line: str, width: int) -> list[str]:
    if len(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    return textwrap.wrap(
        line.strip(),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_long_words=False,
        break_on_hyphens=False,
    ) or [line]


def _explanation_lines(ex: Explanation) -> list[str]:
    staff = ex.staff
    lines = [f"{_c(staff.display_name)} ({_c(staff.staff_id)})"]
    facts = [_c(staff.role)]
    if staff.team:
        facts.append(_c(staff.team))
    employed = f"employed from {human_date(staff.start_date)}"
    if staff.end_date is not None:
        employed += f" to {human_date(staff.end_date)}"
    facts.append(employed)
    lines.append(DOT.join(facts))
    if staff.line_manager_id:
        manager = (
            f"{_c(ex.manager.display_name)} ({_c(staff.line_manager_id)})"
            if ex.manager is not None
            else f"{_c(staff.line_manager_id)} (not in the staff table)"
        )
        lines.append(f"Line manager: {manager}")
    policy = f"Policy {ex.policy}" + (f" ({_c(ex.policy_title)})" if ex.policy_title else "")
    lines.append(
        DOT.join(
            [
                policy,
                f"Period {date_range(ex.period.start, ex.period.end)}",
                f"as of {human_date(ex.as_of)}",
            ]
        )
    )
    if ex.not_judged:
        _heading(lines, NOT_JUDGED_HEADING)
        lines += [f"  {_c(line)}" for line in ex.not_judged]

    _heading(lines, "Group")
    if ex.group is not None:
        title = f": {_c(ex.group.title)}" if ex.group.title else ""
        lines.append(f"  {ex.group.id}{title} (matched on {human_date(ex.judged_on)})")
    for reason in ex.group_reasons:
        lines.append(f"  - {_c(reason)}")
    if ex.group is not None:
        lines.append(f"  rules applied: {', '.join(ex.rules_applied) or 'none'}")

    _heading(lines, "Schedule")
    if not ex.segments:
        lines.append("  no supervision schedule: the group has no interval")
    for segment in ex.segments:
        span = (
            f"{human_date(segment.start)} to {human_date(segment.end)}"
            if segment.end
            else f"from {human_date(segment.start)} onwards"
        )
        interval = INTERVAL_WORDS.get(segment.interval, segment.interval)
        reason = SEGMENT_REASONS.get(segment.reason, segment.reason)
        lines.append(f"  {span}: {interval} ({reason})")

    _heading(lines, "Windows assessed")
    if not ex.windows:
        lines.append("  none: no window of this person ends in the period (or no window rule applies)")
    rule = None
    for evidence in ex.windows:
        if evidence.judged.rule != rule:
            rule = evidence.judged.rule
            title = f": {_c(evidence.rule_title)}" if evidence.rule_title else ""
            lines.append(f"  rule {rule}{title}")
            if evidence.source:
                lines.append(f"  source: {_c(evidence.source)}")
        lines.extend(_window_lines(evidence, ex.names))

    if ex.judgements:
        _heading(lines, "Other rules judged")
        for rule, judged, met in ex.judgements:
            lines.append(f"  {rule}: {judged} judged, {met} met")

    _heading(lines, "Other findings")
    if not ex.other_findings:
        lines.append("  none")
    for finding in ex.other_findings:
        lines.extend(_finding_lines(finding, "  "))

    if ex.not_assessed:
        _heading(lines, "Not assessed")
        for item in ex.not_assessed:
            lines.append(f"  {item.rule}: {_c(item.reason)}")
    return lines
