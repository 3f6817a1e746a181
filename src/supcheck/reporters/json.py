"""The JSON report: the machine-readable contract of `docs/cli.md`.

One object, keys in the order of the spec. Beyond the contract it carries
`policy_title`, `summary.windows_missed`, `summary.compliance`, on every finding `team`,
`staff_name`, `line_manager_id` and `line_manager_name`, a `teams` list (each team's
summary), after `findings` a `since_last` object when the run compared itself
with its previous report (`--since-last`), and last `generated_at` (the run's local
time with its offset) when the run wrote to an output folder. Data-quality findings have
`file`, `row`, `column` and `value`; other findings omit those keys. Dates are
ISO strings; values are not altered (no spreadsheet quoting: this is for programs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

from ..models import CheckResult, Finding, FindingRow, Summary, finding_rows
from .base import DQ_FIELDS, Reporter

_FINDING_FIELDS = ("kind", "rule", "severity", "staff_id", "case_id", "start", "end", "message")
_SUMMARY_FIELDS = (
    "staff",
    "windows_assessed",
    "windows_met",
    "windows_excused",
    "windows_missed",
    "breaches",
    "warnings",
)


def summary_object(summary: Summary) -> dict[str, Any]:
    """The contract's summary counts, then `compliance` (a fraction rounded to 4 places,
    as in the health check's JSON; null when no window was met or missed)."""
    obj: dict[str, Any] = {field: getattr(summary, field) for field in _SUMMARY_FIELDS}
    obj["compliance"] = None if summary.compliance is None else round(summary.compliance, 4)
    return obj


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def finding_object(finding: Finding | FindingRow) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for field in _FINDING_FIELDS:
        value = getattr(finding, field)
        obj[field] = _iso(value) if field in ("start", "end") else value
    obj["source"] = finding.source
    if finding.is_data_quality:
        for field in DQ_FIELDS:
            obj[field] = getattr(finding, field)
    obj["team"] = finding.team
    obj["staff_name"] = finding.staff_name
    obj["line_manager_id"] = finding.line_manager_id
    obj["line_manager_name"] = finding.line_manager_name
    return obj


def report_object(result: CheckResult) -> dict[str, Any]:
    """The report as plain JSON-ready data, keys in the contract's order (the findings'
    objects made as they are written: `Objects`)."""
    return {
        "supcheck_version": result.supcheck_version,
        "policy": result.policy,
        "policy_title": result.policy_title,
        "period": {"from": _iso(result.period.start), "to": _iso(result.period.end)},
        "as_of": _iso(result.as_of),
        "not_assessed": [{"rule": item.rule, "reason": item.reason} for item in result.not_assessed],
        "summary": summary_object(result.summary),
        "findings": Objects(finding_object, result.findings),
        "not_judged": list(result.not_judged),
        "coverage": [
            {
                "table": span.table,
                "file": span.file,
                "begins": _iso(span.begins),
                "ends": _iso(span.ends),
                "first_row": _iso(span.first_row),
                "basis": span.basis,
            }
            for span in result.coverage
        ],
        "teams": [{"team": item.team, **summary_object(item.summary)} for item in result.teams],
        **_since_last(result),
        **_generated_at(result),
    }


def _generated_at(result: CheckResult) -> dict[str, Any]:
    """The extra last key `generated_at`, when the run wrote to an output folder: the line
    `--since-last` reads first (history.py), so it stays the last."""
    if result.generated_at is None:
        return {}
    return {"generated_at": result.generated_at.isoformat()}


def _since_last(result: CheckResult) -> dict[str, Any]:
    """The extra `since_last` key (`--since-last`), only when the run compared reports."""
    since = result.since_last
    if since is None:
        return {}
    return {
        "since_last": {
            "previous": since.previous,
            "new": [finding_object(finding) for finding in since.new],
            "resolved": [finding_object(finding) for finding in since.resolved],
            "skipped": [item.model_dump() for item in since.skipped],
        }
    }


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))

#: Findings written a block at a time (`Objects`).
_BLOCK = 1000


class Objects:
    """A list of JSON objects, each made from a finding's row (`finding_rows`) as it is
    written: the findings of five years of a national export are 250,000 objects, half a
    gigabyte held at once."""

    def __init__(self, make: Callable[[Any], dict[str, Any]], items: Sequence[Any]):
        self.make = make
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self.make, finding_rows(self.items))


def dumps(value: Any, indent: str = "") -> str:
    """`value` as JSON (`pieces`, joined)."""
    return "".join(pieces(value, indent))


def pieces(value: Any, indent: str = "") -> Iterator[str]:
    """`value` as JSON, in pieces, indented two spaces a level, except that a list of
    objects (the findings) has one object a line: as readable, and the whole report is
    encoded by the C encoder (`json.dumps(..., indent=2)` uses the pure-Python one, a
    second for 50,000 findings). A list of objects comes `_BLOCK` lines a piece."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        separator = "{\n"
        for key, item in value.items():
            yield f"{separator}{inner}{_ONE_LINE.encode(key)}: "
            yield from pieces(item, inner)
            separator = ",\n"
        yield "\n" + indent + "}"
    elif isinstance(value, Objects | list) and len(value):
        yield "[\n"
        if isinstance(value, Objects) or all(isinstance(item, dict) for item in value):
            lines = (inner + _ONE_LINE.encode(item) for item in value)
        else:
            lines = (inner + dumps(item, inner) for item in value)
        separator = ""
        while block := list(islice(lines, _BLOCK)):
            yield separator + ",\n".join(block)
            separator = ",\n"
        yield "\n" + indent + "]"
    else:
        yield _ONE_LINE.encode([] if isinstance(value, Objects) else value)


class JsonReporter(Reporter):
    name = "json"

    def render(self, result: CheckResult) -> str:
        return "".join(self.pieces(result, terminal=False, color=None))

    def pieces(self, result: CheckResult, *, terminal: bool, color: bool | None) -> Iterator[str]:
        yield from pieces(report_object(result))
        yield "\n"
