"""The health check on the console: a summary that reads at 80 columns.

Top to bottom: the title, the policy, the year and the year compared with; the headline
figures of the whole service (the year, the previous year, the change) under section
headings; the monthly compliance as a bar per month (block characters, eighths of a
cell) with the percentage and the same month of the previous year; a short table per
breakdown (staff in post at the end, compliance, its change, breaches); the rules not
assessed and the notes; and the engine's counts for the year as `check` reports them.
No line is longer than 80 characters; no colour, so the text is the same in a terminal,
a file and a cron e-mail. Control characters from the data are shown as U+FFFD.
"""

from __future__ import annotations

import re
import textwrap

from ..healthcheck import FIGURES_BY_KEY, HEADLINE_KEYS, SECTIONS, Breakdown, HealthCheck
from .base import DOT, human_date, plural
from .health_base import (
    NO_DATA,
    HealthReporter,
    format_change,
    format_count,
    format_points,
    format_rate,
    format_value,
    month_label,
    policy_line,
    previous_line,
    year_line,
)

WIDTH = 80
BAR_WIDTH = 20
_EIGHTHS = " ▏▎▍▌▋▊▉█"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def _fit(text: str, width: int) -> str:
    text = _clean(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(_clean(text), WIDTH, initial_indent=indent, subsequent_indent=indent) or [""]


def bar(rate: float | None, width: int = BAR_WIDTH) -> str:
    """`rate` (0 to 1) as block characters `width` cells wide, in eighths; blank for None."""
    if rate is None:
        return " " * width
    eighths = round(max(0.0, min(1.0, rate)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


class HealthConsoleReporter(HealthReporter):
    name = "console"

    def render(self, health: HealthCheck) -> str:
        out: list[str] = []
        out += _wrap(health.title)
        out += _wrap(policy_line(health))
        out += _wrap(f"{year_line(health.year)}{DOT}as of {human_date(health.as_of)}")
        out += _wrap(f"Compared with {previous_line(health)}")
        out += self._headline(health)
        out += self._monthly(health)
        for breakdown in health.breakdowns:
            if breakdown.id != "service":
                out += self._breakdown(health, breakdown)
        for label, items in (
            (f"Not assessed in {health.year.label}", health.not_assessed),
            (f"Not assessed in {health.previous_year.label}", health.previous_not_assessed),
        ):
            if items:
                out += ["", label]
                for item in items:
                    out += _wrap(f"{item.rule}: {item.reason}", "  ")
        if health.notes:
            out += ["", "Notes"]
            for note in health.notes:
                out += _wrap(note, "  ")
        s = health.summary
        windows = (  # (a census return alone: no window, and "0 met, 0 missed" says nothing)
            f"{plural(s.windows_assessed, 'window')} assessed, {s.windows_met} met, "
            f"{s.windows_excused} excused, {s.windows_missed} missed"
            if s.windows_assessed
            else "no supervision window assessed"
        )
        out += [""]
        out += _wrap(
            f"As `check` reports {health.year.label}: {windows}{DOT}"
            f"{plural(s.breaches, 'breach', 'breaches')}{DOT}{plural(s.warnings, 'warning')}"
        )
        return "\n".join(line.rstrip() for line in out) + "\n"

    @staticmethod
    def _headline(health: HealthCheck) -> list[str]:
        service = health.service
        label_width = WIDTH - 3 * 12
        out = ["", f"{'Whole service':<{label_width}}"
               f"{health.year.label:>12}{health.previous_year.label:>12}{'Change':>12}"]  # fmt: skip
        out.append("-" * WIDTH)
        for section in SECTIONS:
            keys = [k for k in HEADLINE_KEYS if FIGURES_BY_KEY[k].section == section]
            if not keys:
                continue
            out.append(section)
            for key in keys:
                label = _fit("  " + FIGURES_BY_KEY[key].label, label_width - 1)
                out.append(
                    f"{label:<{label_width}}{format_value(key, service.value(key)):>12}"
                    f"{format_value(key, service.previous_value(key)):>12}"
                    f"{format_change(key, service.changes[key]):>12}"
                )
        return out

    @staticmethod
    def _monthly(health: HealthCheck) -> list[str]:
        previous = health.previous_year.label
        out = ["", "Monthly compliance (windows met / windows assessed less excused)", "-" * WIDTH]
        for row in health.service.monthly:
            now = row.current.compliance
            before = row.previous.compliance if row.previous else None
            line = (
                f"{month_label(row.month):<9} {bar(now)} {format_rate(now):>8}"
                f"   {previous}: {format_rate(before):>7} {format_points(row.change):>9}"
            )
            out.append(line)
        return out

    @staticmethod
    def _breakdown(health: HealthCheck, breakdown: Breakdown) -> list[str]:
        name_width = WIDTH - (8 + 12 + 12 + 10)
        out = [
            "",
            f"{_fit(breakdown.title, name_width - 1):<{name_width}}{'In post':>8}{'Compliance':>12}"
            f"{'Change':>12}{'Breaches':>10}",
            "-" * WIDTH,
        ]
        for unit in breakdown.units:
            out.append(
                f"{_fit(unit.name, name_width - 1):<{name_width}}"
                f"{format_count(unit.value('headcount_end')):>8}"
                f"{format_rate(unit.value('compliance')):>12}"
                f"{format_points(unit.changes['compliance']):>12}"
                f"{format_count(unit.value('breaches')):>10}"
            )
        if not breakdown.units:
            out.append(f"  {NO_DATA}")
        return out
