"""What the health-check reporters share: the write lifecycle, the registry of formats,
and how a figure is written as text.

The health check (`supcheck.healthcheck.HealthCheck`) is computed before any of these
run; a reporter only lays it out. The lifecycle is the check reporters' (`base.Reporter`:
standard output or a file renamed into place), with a `HealthCheck` in place of a
`CheckResult`.

Text forms, used by the console, Markdown and HTML reports (the workbook keeps numbers
as numbers with number formats, and JSON keeps them as numbers):

- no data: `no data`, for a figure and for a change with no data on either side;
- rates: `92.0%`; their changes in percentage points: `+5.0 pp`, `-2.2 pp`, `0.0 pp`;
- counts: `52`, changes `+3`, `-1`, `0`;
- FTE: `3.80`; days and caseloads: `31`, `30.5`, `1.3`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from ..healthcheck import FIGURES_BY_KEY, HealthCheck, HealthYear
from .base import Reporter, ReportError, human_date

NO_DATA = "no data"

HEALTH_FORMATS: tuple[str, ...] = ("console", "json", "xlsx", "md", "html")

_SUFFIXES: dict[str, str] = {
    ".json": "json",
    ".xlsx": "xlsx",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "console",
}


class HealthReporter(Reporter):
    """Base of the health-check reporters: `render(health)` returns the whole report."""

    name: ClassVar[str] = ""

    def render(self, health: HealthCheck) -> str | bytes:  # type: ignore[override]
        raise NotImplementedError

    def render_for(self, health: Any, *, terminal: bool, color: bool | None) -> str | bytes:
        return self.render(health)


def health_format(fmt: str | None, output: Path | None) -> str:
    """--format wins; otherwise the output file's suffix; otherwise the console summary.
    Checked before the run, so a bad option costs nothing: the workbook needs a file."""
    if fmt is not None:
        if fmt not in HEALTH_FORMATS:
            raise ReportError(f"--format '{fmt}' is not one of {', '.join(HEALTH_FORMATS)}")
        found = fmt
    elif output is None:
        found = "console"
    else:
        found = _SUFFIXES.get(output.suffix.lower(), "")
        if not found:
            raise ReportError(
                f"cannot tell the report format from {str(output)!r}; use --format or one of "
                f"{', '.join(_SUFFIXES)}"
            )
    if found == "xlsx" and output is None:
        raise ReportError("the xlsx format needs --output FILE")
    return found


def get_health_reporter(fmt: str) -> HealthReporter:
    from .health_console import HealthConsoleReporter
    from .health_excel import HealthExcelReporter
    from .health_html import HealthHtmlReporter
    from .health_json import HealthJsonReporter
    from .health_markdown import HealthMarkdownReporter

    reporters: dict[str, type[HealthReporter]] = {
        "console": HealthConsoleReporter,
        "json": HealthJsonReporter,
        "xlsx": HealthExcelReporter,
        "md": HealthMarkdownReporter,
        "html": HealthHtmlReporter,
    }
    cls = reporters.get(fmt)
    if cls is None:
        raise ReportError(f"unknown health check format {fmt!r}; choose one of {', '.join(HEALTH_FORMATS)}")
    return cls()


def write_health(health: HealthCheck, fmt: str, output: Path | None) -> None:
    """Render `health` in `fmt` to `output` (None: standard output)."""
    reporter = get_health_reporter(fmt)
    if reporter.binary and output is None:
        raise ReportError(f"the {fmt} health check is a binary file; give --output FILE")
    reporter.write(health, output)  # type: ignore[arg-type]


# ---------------------------------------------------------------- text forms


def format_value(key: str, value: Any) -> str:
    """A figure's value as text; None is `no data`."""
    if value is None:
        return NO_DATA
    unit = FIGURES_BY_KEY[key].unit
    if unit == "rate":
        return format_rate(value)
    if unit == "fte":
        return f"{value:.2f}"
    if unit == "count":
        return str(int(value))
    return _number(value)


def format_change(key: str, change: Any) -> str:
    """A change as text: `+5.0 pp` for rates, `+3` for counts; `no data` when None."""
    if change is None:
        return NO_DATA
    unit = FIGURES_BY_KEY[key].unit
    if unit == "rate":
        return format_points(change)
    if unit == "count":
        return f"{int(change):+d}" if change else "0"
    if unit == "fte":
        rounded = round(change, 2)
        return f"{rounded:+.2f}" if rounded else "0.00"
    rounded = round(change, 1)
    if not rounded:
        return "0"
    return ("+" if rounded > 0 else "") + _number(rounded)


def format_rate(value: float | None) -> str:
    return NO_DATA if value is None else f"{value * 100:.1f}%"


def format_points(change: float | None) -> str:
    if change is None:
        return NO_DATA
    rounded = round(change, 1)
    return f"{rounded:+.1f} pp" if rounded else "0.0 pp"


def format_count(value: int | None) -> str:
    return NO_DATA if value is None else str(value)


def _number(value: float) -> str:
    """`31`, `30.5`, `1.3`: at most one decimal, none when whole."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def month_label(day: Any) -> str:
    """`Apr 2025`."""
    return human_date(day).split(" ", 1)[1]


def policy_line(health: HealthCheck) -> str:
    """`Health check fixture pack (healthcheck-fixture)`, or the id alone."""
    if health.policy_title:
        return f"{health.policy_title} ({health.policy})"
    return health.policy


def year_line(year: HealthYear) -> str:
    """`2025-26: 1 April 2025 to 31 March 2026 (financial year)`."""
    return f"{year.label}: {year.description}"


def previous_line(health: HealthCheck) -> str:
    line = year_line(health.previous_year)
    return line if health.previous_has_data else f"{line}: {NO_DATA}"


def no_data_lines(health: HealthCheck, keys: Sequence[str], *, both_years: bool = True) -> list[str]:
    """Each reason for "no data" once, with the figures (of `keys`) it applies to:
    `2025-26: Annual minimum met and ...: no data, because the national pack has no
    annual-minimum rule.`"""
    years = [(health.year.label, health.no_data)]
    if both_years:
        years.append((health.previous_year.label, health.previous_no_data))
    lines = []
    for label, reasons in years:
        grouped: dict[str, list[str]] = {}
        for key in keys:
            if key in reasons:
                grouped.setdefault(reasons[key], []).append(FIGURES_BY_KEY[key].label)
        for reason, labels in grouped.items():
            lines.append(f"{label}: {_listed(labels)}: {NO_DATA}, because {reason}.")
    return lines


def _listed(labels: list[str]) -> str:
    if len(labels) > 4:
        return ", ".join(labels[:3]) + f" and {len(labels) - 3} more figures"
    return ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]


def _sources(health: HealthCheck) -> str:
    """`the staff table, staff.csv`, or each year's source when the two differ."""
    now, before = health.dfe_source, health.previous_dfe_source
    if not before or before == now:
        return now
    return f"{health.year.label}: {now}; {health.previous_year.label}: {before}"


def header_facts(health: HealthCheck) -> list[tuple[str, str]]:
    """(label, text) lines for the top of every format."""
    return [
        ("Employer policy", policy_line(health)),
        ("Year", year_line(health.year)),
        ("Compared with", previous_line(health)),
        ("As of", human_date(health.as_of)),
        ("Staff-level figures judged on", human_date(health.judged_on)),
        ("DfE indicators from", _sources(health)),
        ("supcheck version", health.supcheck_version),
    ]
