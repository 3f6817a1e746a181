"""The health check as JSON, for other tools (documented in docs/healthcheck.md).

One object:

- `report`: `"healthcheck"`; `supcheck_version`, `policy`, `policy_title`;
- `year` and `previous_year`: `label` (`2025-26`), `basis` (`financial`, `calendar` or `census`),
  `from`, `to` (ISO dates); `previous_year.has_data` is false when the data do not reach
  back (every previous value is then null);
- `as_of`, `judged_on` (J: the year's last day, or as_of if earlier);
- `dfe_source`, `previous_dfe_source`: where each year's DfE indicators come from (the
  staff table or a census return), as a phrase; the previous one is null without a
  previous year;
- `figures`: the definitions, in order: `key`, `label`, `unit` (`count`, `rate`, `fte`,
  `days`, `cases`), `section`, `definition`;
- `summary`, `previous_summary`: the engine's counts for each year, as `check` reports
  them (null when there is no previous year);
- `breakdowns`: an object with `service`, `teams`, `role_groups` and `nqsws`, each
  `{"title", "units": [...]}`; a unit is `{"id", "name", "figures", "monthly"}`, where
  `figures` maps each key to `{"value", "previous", "change"}` and `monthly` lists the
  twelve months: `month` (`2025-04`), `windows_assessed`, `windows_met`,
  `windows_missed`, `windows_excused`, `compliance`, `previous_compliance`, `change`;
- `not_assessed`, `previous_not_assessed`: `{"rule", "reason"}`; `notes`: sentences.

Numbers: rates are fractions from 0 to 1 (rounded to 4 places); the change of a rate is
in percentage points (2 places); FTE, days and caseloads are rounded to 2 places; counts
are integers. A figure with no data is null, never 0.
"""

from __future__ import annotations

import json
from typing import Any

from ..healthcheck import FIGURES, FIGURES_BY_KEY, HealthCheck, HealthYear, MonthRow, UnitFigures
from ..models import Summary
from .health_base import HealthReporter


def _round(key: str, value: Any, *, change: bool = False) -> Any:
    if value is None or isinstance(value, int):
        return value
    if FIGURES_BY_KEY[key].unit == "rate" and not change:
        return round(value, 4)
    return round(value, 2)


def _year(year: HealthYear) -> dict[str, Any]:
    return {
        "label": year.label,
        "basis": year.type,
        "from": year.first.isoformat(),
        "to": year.last.isoformat(),
    }


def _summary(summary: Summary | None) -> dict[str, Any] | None:
    return None if summary is None else summary.model_dump()


def _month(row: MonthRow) -> dict[str, Any]:
    now = row.current
    return {
        "month": now.month.strftime("%Y-%m"),
        "windows_assessed": now.assessed,
        "windows_met": now.met,
        "windows_missed": now.missed,
        "windows_excused": now.excused,
        "compliance": _round("compliance", now.compliance),
        "previous_compliance": _round("compliance", row.previous.compliance if row.previous else None),
        "change": _round("compliance", row.change, change=True),
    }


def _unit(unit: UnitFigures) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "figures": {
            f.key: {
                "value": _round(f.key, unit.value(f.key)),
                "previous": _round(f.key, unit.previous_value(f.key)),
                "change": _round(f.key, unit.changes[f.key], change=True),
            }
            for f in FIGURES
        },
        "monthly": [_month(row) for row in unit.monthly],
    }


def health_object(health: HealthCheck) -> dict[str, Any]:
    """The health check as plain JSON-ready data."""
    return {
        "report": "healthcheck",
        "supcheck_version": health.supcheck_version,
        "policy": health.policy,
        "policy_title": health.policy_title,
        "year": _year(health.year),
        "previous_year": {**_year(health.previous_year), "has_data": health.previous_has_data},
        "as_of": health.as_of.isoformat(),
        "judged_on": health.judged_on.isoformat(),
        "dfe_source": health.dfe_source,
        "previous_dfe_source": health.previous_dfe_source or None,
        "figures": [
            {"key": f.key, "label": f.label, "unit": f.unit, "section": f.section, "definition": f.definition}
            for f in FIGURES
        ],
        "summary": _summary(health.summary),
        "previous_summary": _summary(health.previous_summary),
        "breakdowns": {
            b.id: {"title": b.title, "units": [_unit(u) for u in b.units]} for b in health.breakdowns
        },
        "not_assessed": [{"rule": n.rule, "reason": n.reason} for n in health.not_assessed],
        "previous_not_assessed": [{"rule": n.rule, "reason": n.reason} for n in health.previous_not_assessed],
        "notes": list(health.notes),
    }


class HealthJsonReporter(HealthReporter):
    name = "json"

    def render(self, health: HealthCheck) -> str:
        return json.dumps(health_object(health), indent=2, ensure_ascii=False) + "\n"
