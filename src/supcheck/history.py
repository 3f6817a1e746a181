"""The output folder of unattended runs, and `--since-last`.

With an output folder, each run writes its reports there under one dated name,
`supcheck-<policy>-<YYYYmmdd>-<HHMMSS>[-<n>].<ext>` (the run's local time; `-2`,
`-3` ... when a name is taken), the JSON report always among them.

`--since-last` compares this run's breaches with those of the newest earlier JSON
report for the same policy in that folder. A finding is the same finding when its
(kind, rule, staff_id, case_id, start, end) are. *New*: a breach now that the previous
report did not have. *Resolved*: a breach the previous report had and this run does not,
counted only when this run judged it again -- its dates overlap this run's period and
the person is within `--team`/`--staff` -- so a monthly run does not call last month's
breaches resolved just because it looks at another month. A late-recorded session that
clears a breach shows as resolved when the periods overlap.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from .engine import Scope
from .errors import SupcheckError
from .models import CheckResult, Finding, Period, SinceLast, Staff
from .reporters import ReportError, get_reporter

PREFIX = "supcheck"
SUFFIXES: dict[str, str] = {
    "console": ".txt",
    "json": ".json",
    "csv": ".csv",
    "xlsx": ".xlsx",
    "html": ".html",
    "md": ".md",
}
_NAME = re.compile(rf"^{PREFIX}-(?P<policy>.+)-(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<n>\d+))?\.json$")

Identity = tuple[str, str, str, str, str | None, str | None]


def identity(finding: Finding) -> Identity:
    """What makes two reports' findings the same finding."""
    return (
        finding.kind,
        finding.rule,
        finding.staff_id,
        finding.case_id,
        finding.start.isoformat() if finding.start else None,
        finding.end.isoformat() if finding.end else None,
    )


def _policy_part(policy: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", policy).strip("_.-") or "policy"


def report_stem(folder: Path, policy: str, now: datetime) -> str:
    """A dated name no file in `folder` has yet (without suffix)."""
    base = f"{PREFIX}-{_policy_part(policy)}-{now:%Y%m%d-%H%M%S}"
    stem, n = base, 1
    while any(folder.glob(glob.escape(stem) + ".*")):
        n += 1
        stem = f"{base}-{n}"
    return stem


def previous_report(folder: Path, policy: str) -> Path | None:
    """The newest JSON report of `policy` in `folder`, by the date in its name."""
    wanted = _policy_part(policy)
    newest: tuple[tuple[str, int], Path] | None = None
    if not folder.is_dir():
        return None
    for path in folder.glob(f"{PREFIX}-*.json"):
        match = _NAME.match(path.name)
        if match is None or match["policy"] != wanted:
            continue
        key = (match["stamp"], int(match["n"] or 1))
        if newest is None or key > newest[0]:
            newest = (key, path)
    return None if newest is None else newest[1]


def read_findings(path: Path) -> list[Finding]:
    """The findings of an earlier JSON report; SupcheckError naming the file if unreadable."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        items = report["findings"]
        if not isinstance(items, list):
            raise TypeError("'findings' is not a list")
        return [Finding.model_validate(item) for item in items]
    except OSError as exc:
        raise SupcheckError(f"cannot read the previous report {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        reason = type(exc).__name__ if isinstance(exc, ValidationError) else str(exc)
        raise SupcheckError(
            f"the previous report {path} is not a supcheck JSON report ({reason}); move it out of the folder"
        ) from None


def judged_again(period: Period, scope: Scope, staff: dict[str, Staff]) -> Callable[[Finding], bool]:
    """Whether this run would have reported an earlier finding if it still stood."""

    def judged(finding: Finding) -> bool:
        first = finding.start or finding.end
        last = finding.end or finding.start
        if first is not None and last is not None and (first > period.end or last < period.start):
            return False
        if not finding.staff_id:
            return not scope.staff_ids
        return scope.includes(staff.get(finding.staff_id))

    return judged


def compare(
    result: CheckResult,
    previous: Path | None,
    earlier: Iterable[Finding],
    judged: Callable[[Finding], bool],
) -> SinceLast:
    """Breaches new in `result` and resolved since the `earlier` findings (read from `previous`)."""
    current = [f for f in result.findings if f.severity == "breach"]
    if previous is None:
        return SinceLast(previous=None, new=current, resolved=[])
    before: dict[Identity, Finding] = {}
    for finding in earlier:
        if finding.severity == "breach":
            before.setdefault(identity(finding), finding)
    now = {identity(f) for f in current}
    new = [f for f in current if identity(f) not in before]
    resolved = sorted((f for key, f in before.items() if key not in now and judged(f)), key=Finding.sort_key)
    return SinceLast(previous=previous.name, new=new, resolved=resolved)


def save_reports(folder: Path, stem: str, result: CheckResult, formats: Iterable[str]) -> list[Path]:
    """Write the report in each format as `folder/stem.<ext>`; the folder is made if missing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot make the output folder {folder}: {exc.strerror or exc}") from None
    written = []
    for fmt in formats:
        path = folder / f"{stem}{SUFFIXES[fmt]}"
        get_reporter(fmt).write(result, path, color=False)
        written.append(path)
    return written
