"""The content shared by the Markdown and HTML health checks, as plain tables of text.

Layout: the title and the facts of the run (policy, year, previous year, as-of date);
the whole service's figures with the previous year and the change, under section rows;
the monthly compliance of the whole service; then each breakdown (teams, role groups,
NQSWs) as one table per section of figures, a row per unit, each cell reading
`92.0% (was 94.2%, -2.2 pp)`; the rules not assessed, the notes, and the definition of
every figure. Values are already computed; this module only turns them into text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..healthcheck import FIGURES, SECTIONS, Breakdown, HealthCheck, Value, figures_in
from .health_base import (
    NO_DATA,
    format_change,
    format_count,
    format_points,
    format_rate,
    format_value,
    header_facts,
    month_label,
    no_data_lines,
)


@dataclass
class Table:
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    numeric_columns: tuple[int, ...] = ()
    section_rows: set[int] = field(default_factory=set)
    """Indexes of rows that are section headings (their first cell only)."""


@dataclass
class MonthBar:
    """A month's compliance for a bar in the HTML page (None: no data)."""

    label: str
    compliance: float | None


@dataclass
class HealthDocument:
    title: str
    facts: list[tuple[str, str]]
    headline: Table
    monthly: Table
    bars: list[MonthBar]
    breakdowns: list[tuple[str, str, list[tuple[str, Table]]]]
    """(title, note, [(section, table)]) for each breakdown but the whole service."""
    not_assessed: list[tuple[str, list[tuple[str, str]]]]
    notes: list[str]
    definitions: list[tuple[str, str]]
    no_data: list[str] = field(default_factory=list)
    """Each reason a figure of the whole service says "no data", once (`no_data_lines`)."""


def _cell(key: str, value: Value, previous: Value, change: Value, has_previous: bool) -> str:
    """`92.0% (was 94.2%, -2.2 pp)`; "no data" said once: `no data`, `92.0% (was no
    data)`, `no data (was 94.2%)`."""
    text = format_value(key, value)
    if not has_previous or (value is None and previous is None):
        return text
    if value is None or previous is None:
        return f"{text} (was {format_value(key, previous)})"
    return f"{text} (was {format_value(key, previous)}, {format_change(key, change)})"


def _breakdown_tables(health: HealthCheck, breakdown: Breakdown) -> list[tuple[str, Table]]:
    tables = []
    for section in SECTIONS:
        figures = figures_in(section)
        table = Table(
            (breakdown.unit_label, *(f.label for f in figures)),
            numeric_columns=tuple(range(1, len(figures) + 1)),
        )
        for unit in breakdown.units:
            table.rows.append(
                (
                    unit.name,
                    *(
                        _cell(
                            f.key,
                            unit.value(f.key),
                            unit.previous_value(f.key),
                            unit.changes[f.key],
                            health.previous_has_data,
                        )
                        for f in figures
                    ),
                )
            )
        tables.append((section, table))
    return tables


def build_health_document(health: HealthCheck) -> HealthDocument:
    year, previous = health.year.label, health.previous_year.label
    service = health.service

    headline = Table(("Figure", year, previous, "Change"), numeric_columns=(1, 2, 3))
    for section in SECTIONS:
        headline.section_rows.add(len(headline.rows))
        headline.rows.append((section, "", "", ""))
        for figure in figures_in(section):
            key = figure.key
            headline.rows.append(
                (
                    figure.label,
                    format_value(key, service.value(key)),
                    format_value(key, service.previous_value(key)),
                    format_change(key, service.changes[key]),
                )
            )

    monthly = Table(
        ("Month", "Windows assessed", "Met", "Missed", "Excused", "Compliance", f"{previous} (same month)",
         "Change"),
        numeric_columns=(1, 2, 3, 4, 5, 6, 7),
    )  # fmt: skip
    bars = []
    for row in service.monthly:
        now = row.current
        monthly.rows.append(
            (
                month_label(now.month),
                format_count(now.assessed),
                format_count(now.met),
                format_count(now.missed),
                format_count(now.excused),
                format_rate(now.compliance),
                format_rate(row.previous.compliance) if row.previous else NO_DATA,
                format_points(row.change),
            )
        )
        bars.append(MonthBar(month_label(now.month), now.compliance))

    note = (
        f"Each cell gives the {year} figure, then the {previous} figure and the change."
        if health.previous_has_data
        else f"Figures for {year}; there are no data for {previous}."
    )
    breakdowns = [
        (b.title, note, _breakdown_tables(health, b)) for b in health.breakdowns if b.id != "service"
    ]
    not_assessed = [
        (label, [(item.rule, item.reason) for item in items])
        for label, items in (
            (f"Not assessed in {year}", health.not_assessed),
            (f"Not assessed in {previous}", health.previous_not_assessed),
        )
        if items
    ]
    return HealthDocument(
        title=health.title,
        facts=header_facts(health),
        headline=headline,
        monthly=monthly,
        bars=bars,
        breakdowns=breakdowns,
        not_assessed=not_assessed,
        notes=list(health.notes),
        definitions=[(f.label, f.definition) for f in FIGURES],
        no_data=no_data_lines(health, [f.key for f in FIGURES]),
    )


__all__ = ["HealthDocument", "MonthBar", "Table", "build_health_document"]
