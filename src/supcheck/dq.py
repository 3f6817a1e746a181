"""Building data-quality findings: every doubtful cell is named by file, row, column and value."""

from __future__ import annotations

from datetime import date

from .models import Finding, Record


def data_quality(
    message: str,
    *,
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    staff_id: str = "",
    case_id: str = "",
    day: date | None = None,
) -> Finding:
    """A `data-quality` finding (severity warning; `--strict` raises it to breach later).

    `message` should already say what happened to the row ("row not used", "read as ...").
    It is prefixed with `file row N:` when a location is given.
    """
    where = ""
    if file:
        where = f"{file} row {row}: " if row else f"{file}: "
    return Finding(
        kind="data-quality",
        rule="data-quality",
        severity="warning",
        staff_id=staff_id,
        case_id=case_id,
        start=day,
        end=day,
        message=where + message,
        file=file,
        row=row,
        column=column,
        value=None if value is None else str(value),
    )


def about_record(
    record: Record,
    message: str,
    *,
    column: str,
    value: object,
    staff_id: str = "",
    day: date | None = None,
) -> Finding:
    """A data-quality finding about a loaded row, located by the row's own file and row."""
    ref = record.ref
    return data_quality(
        message,
        file=ref.file if ref else None,
        row=ref.row if ref else None,
        column=column,
        value=value,
        staff_id=staff_id,
        day=day,
    )
