"""Which cell of a header row is which canonical column.

Headers are folded and matched against each table's synonyms (`headers`); headers that
compete for one column are settled by the values below them (`headers.decide_columns`).
Unknown, duplicate and tied headers become data-quality findings; a required column
that is missing or tied stops the table (`UnreadableTable`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..dq import data_quality
from ..errors import InputError
from ..models import Finding
from .headers import PREFIXES, HeaderMatcher, Heading, decide_columns, fold_header
from .specs import ColumnSpec, TableSpec
from .values import is_blank, to_text


@dataclass
class Column:
    """One canonical column as found in a file."""

    spec: ColumnSpec
    index: int
    header: str
    unit: str | None = None
    words: Mapping[str, object] | None = None  # mapped value words (folded) -> value


DEFAULTED_KINDS = frozenset({"end_date", "status", "type"})
"""Column kinds whose blank cell means something the rules rely on (still employed or
allocated, held, individual). Two headers that tie for such a column stop the table as
a tie on a required column does: reading neither would quietly give every row that
meaning."""


class UnreadableTable(InputError):
    """A table cannot be read without a column it lacks or cannot tell apart. The loader
    stops on it for a required table; an optional table is left unread (`reason` is why,
    for the rules that are then not assessed; `what` and `advice` make its finding)."""

    def __init__(
        self, label: str, header_row: int, column: str, headers: Sequence[str], what: str, advice: str
    ) -> None:
        self.label, self.header_row, self.column, self.headers = label, header_row, column, list(headers)
        self.what, self.advice = what, advice
        self.reason = f"{label}: {what}"
        super().__init__(f"{self.reason}; {advice}")


class AmbiguousColumns(UnreadableTable):
    """Headers tie for a column the table cannot be read without, and their values do
    not settle it."""

    def __init__(self, label: str, header_row: int, column: str, headers: Sequence[str]) -> None:
        what = f"columns {_and(headers)} {_both(headers)} read as {column}"
        super().__init__(label, header_row, column, headers, what, "rename one or map it in a mapping file")


class MissingColumn(UnreadableTable):
    """No header names a column the table cannot be read without."""

    def __init__(self, label: str, header_row: int, column: str, looked_for: str) -> None:
        super().__init__(label, header_row, column, [], f"no {column} column", looked_for)
        self.args = (f"{self.reason} ({looked_for})",)


def resolve_columns(
    matcher: HeaderMatcher,
    spec: TableSpec,
    label: str,
    header_row: int,
    header_cells: Sequence[object],
    value_words: Mapping[str, Mapping[str, object]] | None = None,
    mapped_headers: Mapping[str, str] | None = None,
    sample: Callable[[], Sequence[Sequence[object]]] = lambda: (),
) -> tuple[dict[str, Column], list[int], list[Finding], dict[str, str]]:
    """Which cell of the header is which canonical column (`headers.decide_columns`
    settles competing headers, from `sample`, the data rows below the header, if need be).

    Returns the columns found, the positions of blank header cells (to notice data
    without a header), findings for unknown, duplicate and ambiguous headers, and why
    a column that tied is not read (column -> reason). Raises InputError when a
    required column is missing, and `AmbiguousColumns` when a required or
    `DEFAULTED_KINDS` column ties.
    """
    findings: list[Finding] = []
    headings: list[Heading] = []
    unnamed: list[int] = []
    seen_keys: set[str] = set()
    bracketed: dict[str, list[str]] = {}  # header key without brackets -> headers with them
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            unnamed.append(index)
            continue
        folded = fold_header(cell)
        seen_keys.add(folded.exact)
        if folded.exact != folded.key:
            bracketed.setdefault(folded.key, []).append(folded.text)
        readings = matcher.readings(folded)
        if not readings:
            if not matcher.is_ignored(folded):
                findings.append(
                    data_quality(
                        "unrecognised-column",
                        file=label,
                        row=header_row,
                        column=folded.text,
                    )
                )
            continue
        headings.append(Heading(index, folded.text, readings))
    for key, header in (mapped_headers or {}).items():
        if key not in seen_keys:
            near = bracketed.get(key, [])
            hint = (
                f" (the header has {_and(near)}: a mapping key names a header as the export "
                "writes it, brackets included)"
                if near
                else ""
            )
            findings.append(
                data_quality(
                    "mapped-column-absent",
                    file=label,
                    row=header_row,
                    column=header,
                    hint=hint,
                )
            )

    kinds = {c.name: c.kind for c in spec.columns}
    decision = decide_columns(headings, kinds, sample)
    columns: dict[str, Column] = {}
    for name, (heading, match) in decision.used.items():
        column_spec = next(c for c in spec.columns if c.name == name)
        columns[name] = Column(
            column_spec, heading.index, heading.text, match.unit, (value_words or {}).get(name)
        )
    unread: dict[str, str] = {}
    notes: list[tuple[int, Finding]] = []  # (header position, finding): in header order
    for name, tied in decision.tied.items():
        headers = [h.text for h in tied]
        unread[name] = f"{label}: columns {_and(headers)} {_both(headers)} read as {name}"
        notes.append(
            (
                tied[0].index,
                data_quality(
                    "tied-columns",
                    file=label,
                    row=header_row,
                    column=", ".join(headers),
                    headers=_and(headers),
                    both=_both(headers),
                    target=name,
                    none="none" if len(headers) > 2 else "neither",
                ),
            )
        )
    for ignored in decision.ignored:
        used = f", but '{ignored.used.text}' is used" if ignored.used is not None else ""
        why = f" ({ignored.why})" if ignored.why else ""
        notes.append(
            (
                ignored.heading.index,
                data_quality(
                    "duplicate-column",
                    file=label,
                    row=header_row,
                    column=ignored.heading.text,
                    target=ignored.column,
                    used=used,
                    why=why,
                ),
            )
        )
    findings.extend(finding for _, finding in sorted(notes, key=lambda note: note[0]))

    fatal = [name for name in decision.tied if name in spec.required or kinds[name] in DEFAULTED_KINDS]
    if fatal:  # (the first in the header is named)
        name = min(fatal, key=lambda name: decision.tied[name][0].index)
        raise AmbiguousColumns(label, header_row, name, [h.text for h in decision.tied[name]])
    for name in sorted(spec.required):
        if name in columns:
            continue
        spellings = ", ".join(f"'{s}'" for s in matcher.spellings(name))
        prefixes = ", ".join(f"'{p} ...'" for p in PREFIXES[spec.name][:3])
        shown = ", ".join(f"'{to_text(c)}'" for c in header_cells if not is_blank(c))
        raise MissingColumn(
            label,
            header_row,
            name,
            f"looked for {spellings}, also after a prefix such as {prefixes}; header taken "
            f"from row {header_row}: {shown or 'blank'}",
        )
    return columns, unnamed, findings, unread


def _both(items: Sequence[str]) -> str:
    return "both" if len(items) == 2 else "all"


def _and(items: Sequence[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]
