"""Rendering an `Explanation`, for `supcheck explain`: text, Markdown, HTML or JSON.

Sections: the person; what the exports do not cover; their group and why; their
schedule; each assessed window, with the session(s) that met it (id, date, type,
status, length, file and row), or the absences that excused it, or what made it missed;
then every other finding about them. Text from the exports has control characters
shown as U+FFFD.

The text, Markdown and HTML forms are one list of lines (`_explanation_lines`): a line
is a heading (`_Heading`) or text indented two spaces a level; each form renders those
(text: underlined headings, lines wrapped at the width; Markdown: `##` headings and
nested lists; HTML: `<h2>` and nested lists, inline styles only, for a mail client).
JSON is the `Explanation` itself, dates as ISO strings.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

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


@dataclass(frozen=True)
class _Heading:
    text: str


def _heading(lines: list, text: str) -> None:
    lines.append(_Heading(text))


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
    # A data-quality finding's rule is just "data-quality": its code says which problem.
    head = f"{indent}{severity_label(finding.severity)}  {finding.code or finding.rule}"
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


EXPLAIN_FORMATS = ("text", "md", "html", "json")
SUFFIX_FORMATS = {".txt": "text", ".md": "md", ".html": "html", ".htm": "html", ".json": "json"}


def render_explanation(ex: Explanation, width: int = 80, fmt: str = "text") -> str:
    """The explanation in `fmt`; as text, every line wrapped at `width` (continuations
    indented under their line, words never broken)."""
    if fmt == "json":
        return json.dumps(_plain(ex), indent=2, ensure_ascii=False) + "\n"
    lines = _explanation_lines(ex)
    if fmt == "md":
        return _markdown(lines)
    if fmt == "html":
        return _html(lines)
    out: list[str] = []
    for line in lines:
        if isinstance(line, _Heading):
            out += ["", line.text, "-" * len(line.text)]
        else:
            out += _wrap_line(line, width)
    return "\n".join(out) + "\n"


def _level(line: str) -> tuple[int, str]:
    """How deep an indented line is (0 for a top line, 1 for two spaces, ...), and its text
    (without the text form's own `- ` bullet)."""
    text = line.lstrip(" ")
    return (len(line) - len(text)) // 2, text.removeprefix("- ")


def _markdown(lines: list) -> str:
    special = re.compile(r"([\\`*_\[\]|<>#])")
    out: list[str] = []
    for i, line in enumerate(lines):
        if isinstance(line, _Heading):
            out += ["", f"## {line.text}", ""]
            continue
        level, text = _level(line)
        text = special.sub(r"\\\1", text)
        out.append(f"# {text}" if i == 0 else (f"{'  ' * (level - 1)}- {text}" if level else f"{text}  "))
    return "\n".join(out).strip("\n") + "\n"


_FONT = "font-family:Arial,Helvetica,sans-serif;"


def _html(lines: list) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(lines[0])}</title></head>",
        f'<body style="{_FONT}font-size:14px;color:#222;">',
    ]
    depth = 0
    for i, line in enumerate(lines):
        level = 0 if isinstance(line, _Heading) else _level(line)[0]
        while depth > level:
            out.append("</ul>")
            depth -= 1
        while depth < level:
            out.append('<ul style="margin:2px 0;">')
            depth += 1
        if isinstance(line, _Heading):
            out.append(f'<h2 style="{_FONT}font-size:16px;margin:16px 0 4px;">{html.escape(line.text)}</h2>')
        elif i == 0:
            out.append(f'<h1 style="{_FONT}font-size:20px;">{html.escape(line)}</h1>')
        elif level:
            out.append(f"<li>{html.escape(_level(line)[1])}</li>")
        else:
            out.append(f'<p style="margin:2px 0;">{html.escape(line)}</p>')
    out += ["</ul>"] * depth + ["</body></html>"]
    return "\n".join(out) + "\n"


def _plain(value: Any) -> Any:
    """An `Explanation` (dataclasses, models, named tuples, dates) as JSON-ready data."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "_asdict"):  # a named tuple (windows, segments)
        return {key: _plain(item) for key, item in value._asdict().items()}
    if hasattr(value, "__dataclass_fields__"):
        return {key: _plain(getattr(value, key)) for key in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return value


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


def _explanation_lines(ex: Explanation) -> list:
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
