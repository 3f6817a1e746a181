"""What one column's cells read as, by the column's kind (`specs.ColumnSpec.kind`).

A cell reads as a value, as `BLANK` (the field is simply not set), or as a
`CellProblem`: the data-quality code and words of a finding, whether the row can still
be used, and the value the field keeps. Reading is a pure function of the cell, so a
column's reader is called once per distinct cell (`functools.lru_cache`): exports repeat
the same dates, words and ids on thousands of rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..swe import normalise as normalise_swe_number
from .specs import END_DATE_MEANING
from .values import (
    fold_word,
    id_text,
    looks_scientific,
    null_text,
    parse_bool,
    parse_date,
    parse_duration,
    parse_id,
    parse_number,
    parse_status,
    parse_time,
    parse_type,
    to_text,
)


class _Blank:
    """A blank cell, or a placeholder such as `N/A`: the field is not set."""

    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover (debugging aid)
        return "BLANK"


BLANK = _Blank()


NOT_USED = "row not used"
"""The outcome of a problem that stops its row (`CellProblem.fatal`)."""


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A cell that gives a data-quality finding (`dq.CODES[code]`).

    `detail` is what is wrong, in the parser's words ("is not a date"); `outcome` what
    was done about it ("read as blank", or `NOT_USED` when the problem stops the row). `kept`
    is the value the field still gets (an id that Excel showed in scientific notation),
    or `BLANK`; `shown` says whether the finding quotes the cell (not for a missing one).
    """

    code: str
    detail: str
    fatal: bool
    outcome: str = NOT_USED
    kept: object = BLANK
    shown: bool = True


MISSING = CellProblem("missing-value", "is missing", fatal=True, shown=False)

KIND_CODES: dict[str, str] = {
    "date": "not-a-date",
    "end_date": "not-a-date",
    "duration": "not-a-duration",
    "time": "not-a-time",
    "bool": "not-yes-no",
    "number": "not-a-number",
    "status": "unknown-status",
    "type": "unknown-type",
    "swe": "not-a-swe-number",
}
"""The data-quality code of a cell its column's kind cannot read."""

MEMO_SIZE = 65536
"""Distinct cells a column remembers what it read them as (ids of millions of cases are
not worth remembering)."""


def _parser(kind: str, month_first: bool, unit: str | None) -> Callable[[Any], Any]:
    if kind in ("date", "end_date"):
        return lambda value: parse_date(value, month_first=month_first)
    if kind == "duration":
        return lambda value: parse_duration(value, unit=unit)
    return {
        "time": parse_time,
        "bool": parse_bool,
        "number": parse_number,
        "status": parse_status,
        "type": parse_type,
        "swe": normalise_swe_number,
    }[kind]


def _soft_outcome(table: str, kind: str) -> str:
    """What a cell that cannot be read leaves its (optional) field as."""
    if kind == "end_date":
        return f"read as blank ({END_DATE_MEANING[table]})"
    if kind == "time":
        return "duration read as blank"
    return "read as blank"


def cell_reader(
    table: str,
    kind: str,
    required: bool,
    *,
    words: Mapping[str, object] | None = None,
    month_first: bool = False,
    unit: str | None = None,
) -> Callable[[Any], Any]:
    """One column's cell -> its value, `BLANK` or a `CellProblem`, remembered per
    distinct cell (`typed`: a workbook's True is not its 1)."""
    parse = None if kind in ("id", "text") else _parser(kind, month_first, unit)
    code = KIND_CODES.get(kind, "")
    # An optional status or type column still stops the row: a session whose status
    # cannot be read would otherwise count as held.
    stops = required or kind in ("status", "type")
    outcome = NOT_USED if stops else _soft_outcome(table, kind)

    def read(raw: Any) -> Any:
        if (
            raw is None
            or raw == ""
            or (raw.__class__ is str and raw.isspace())
            or (raw.__class__ is float and raw != raw)
        ):
            return MISSING if required else BLANK
        if kind == "id":
            if not required and raw.__class__ is str and len(raw) <= 6 and null_text(raw):
                return BLANK  # "N/A" as a line manager or supervisor: none
            value = id_text(raw) if raw.__class__ is str else parse_id(raw)
            if ("E+" in value or "e+" in value) and looks_scientific(value):
                return CellProblem(
                    "scientific-id",
                    "looks like an id Excel showed in scientific notation (digits may be lost)",
                    fatal=False,
                    outcome="read as it is",
                    kept=value,
                )
            return value
        if kind == "text":
            return to_text(raw)
        if not required and raw.__class__ is str and len(raw) <= 6 and null_text(raw):
            return BLANK
        if words is not None:
            word = fold_word(raw)
            if word in words:
                return words[word]
        try:
            return parse(raw)  # type: ignore[misc]
        except ValueError as exc:
            return CellProblem(code, str(exc), fatal=stops, outcome=outcome)

    return functools.lru_cache(maxsize=MEMO_SIZE, typed=True)(read)
