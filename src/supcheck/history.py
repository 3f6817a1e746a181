"""The output folder of unattended runs, and `--since-last`.

With an output folder, each run writes its reports there under one dated name,
`supcheck-<policy>-<YYYYmmdd>-<HHMMSS>[-<n>].<ext>` (the run's local time; `-2`,
`-3` ... when a name is taken), the JSON report always among them. The name is claimed
by creating its JSON file exclusively, so runs started together never share one, and
the JSON records the run's time as its last key, `generated_at`.

`--since-last` compares this run's breaches with those of the newest earlier JSON
report for the same policy in that folder: newest by the time it records (its file's
modification time for reports older than `generated_at`), never by its name, and
earlier than this run. A newer report that cannot be used is passed over and named in
`SinceLast.skipped`; nothing in the folder can stop a run from writing its own report
and sending its mail. A finding is the same finding when its
(kind, rule, staff_id, case_id, start, end) are. *New*: a breach now that the previous
report did not have. *Resolved*: a breach the previous report had and this run does not,
counted only when this run judged it again -- its dates overlap this run's period and
the person is within `--team`/`--staff` -- so a monthly run does not call last month's
breaches resolved just because it looks at another month. A late-recorded session that
clears a breach shows as resolved when the periods overlap.
"""

from __future__ import annotations

import glob
import heapq
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from .engine import Scope
from .models import CheckResult, Finding, Period, SinceLast, SkippedReport, Staff
from .reporters import FULL_LIST_FORMATS, ReportError, get_reporter

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


def run_time() -> datetime:
    """This run's own time: local, with its UTC offset, as its reports record it."""
    return datetime.now().astimezone()


def _claim_stem(folder: Path, policy: str, now: datetime) -> str:
    """A dated name no file in `folder` has, claimed by creating `<stem>.json` exclusively
    (O_EXCL): of several runs in the same second, each gets its own name. A name is
    passed over when any file already has it (a workbook left without its JSON, say);
    every run claims its JSON first, so a concurrent run's files never go unseen."""
    base = f"{PREFIX}-{_policy_part(policy)}-{now:%Y%m%d-%H%M%S}"
    n = 1
    while True:
        stem = base if n == 1 else f"{base}-{n}"
        n += 1
        if _taken(folder, stem):
            continue
        try:
            os.close(os.open(folder / f"{stem}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return stem


def _taken(folder: Path, stem: str) -> bool:
    """Some file in `folder` already has this name, whatever its format."""
    return any(folder.glob(glob.escape(stem) + ".*"))


@dataclass
class Previous:
    """The report `--since-last` compares with (None: there is none it can use), and the
    newer ones it passed over."""

    path: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkippedReport] = field(default_factory=list)


class _Unreadable(Exception):
    """An earlier report that cannot be used; the message says why."""


@dataclass(order=True)
class _Candidate:
    """A report file in the folder, ordered by its recorded time (newest first via the
    heap's negated key); `report` is set once the file has been read in full."""

    key: tuple[float, int, int]
    path: Path = field(compare=False)
    recorded: datetime = field(compare=False)
    report: tuple[datetime | None, list[Finding]] | None = field(default=None, compare=False)


def previous_report(folder: Path, policy: str, now: datetime) -> Previous:
    """The newest readable JSON report of `policy` in `folder` made before `now`.

    "Newest" is by the time the report records (`generated_at`; the file's modification
    time for reports written before it was recorded), never by the file name, which
    anyone can rename. A report that cannot be read (truncated, not JSON, not a
    supcheck report) or that is recorded as made at or after `now` is passed over and
    listed in `skipped`; the next newest is tried. Only the reports newer than the one
    used are read in full: each file's time is taken from its last line, where the JSON
    reporter writes it, or from the file system."""
    wanted = _policy_part(policy)
    if not folder.is_dir():
        return Previous()
    heap: list[_Candidate] = []
    for path in folder.glob(f"{PREFIX}-*.json"):
        match = _NAME.match(path.name)
        if match is None or match["policy"] != wanted or not path.is_file():
            continue
        recorded = _stamp_at_end(path) or _modified(path)
        heap.append(_candidate(path, recorded, match))
    heapq.heapify(heap)
    skipped: list[SkippedReport] = []
    while heap:
        candidate = heapq.heappop(heap)
        path = candidate.path
        if candidate.recorded >= now:
            when = candidate.recorded.isoformat(timespec="seconds")
            reason = f"recorded as made at {when}, not before this run"
            skipped.append(SkippedReport(file=path.name, problem="not-earlier", reason=reason))
            continue
        if candidate.report is None:
            try:
                candidate.report = _read_report(path, policy)
            except _Unreadable as exc:
                skipped.append(SkippedReport(file=path.name, problem="unreadable", reason=str(exc)))
                continue
            recorded = candidate.report[0] or _modified(path)
            if recorded != candidate.recorded:  # (a report reformatted by hand): its real place
                heapq.heappush(heap, _candidate(path, recorded, _NAME.match(path.name), candidate.report))
                continue
        return Previous(path=path, findings=candidate.report[1], skipped=skipped)
    return Previous(skipped=skipped)


def _candidate(
    path: Path,
    recorded: datetime,
    match: re.Match[str] | None,
    report: tuple[datetime | None, list[Finding]] | None = None,
) -> _Candidate:
    """Newest first (a min-heap of negated keys); equal times by the name's stamp and number."""
    stamp = int(match["stamp"].replace("-", "")) if match else 0
    n = int(match["n"] or 1) if match else 1
    return _Candidate((-recorded.timestamp(), -stamp, -n), path, recorded, report)


#: The JSON reporter's last line before the closing brace, when the run recorded its time.
_END_STAMP = re.compile(rb'\n  "generated_at": "([^"\\]{1,64})"\n\}\s*\Z')


def _stamp_at_end(path: Path) -> datetime | None:
    """The `generated_at` of a report as supcheck writes it, from its last bytes, so that
    ordering a folder of large reports does not read them all."""
    try:
        with open(path, "rb") as stream:
            stream.seek(max(0, stream.seek(0, os.SEEK_END) - 256))
            match = _END_STAMP.search(stream.read())
    except OSError:
        return None
    return _parse_time(match.group(1).decode("ascii", "replace")) if match else None


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return datetime.fromtimestamp(0).astimezone()


def _parse_time(text: object) -> datetime | None:
    """An ISO time, with the offset it was written with; one without is local time.
    None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        recorded = datetime.fromisoformat(text)
    except ValueError:
        return None
    return recorded if recorded.tzinfo is not None else recorded.astimezone()


def _read_report(path: Path, policy: str) -> tuple[datetime | None, list[Finding]]:
    """(`generated_at`, findings) of an earlier JSON report of `policy`; `_Unreadable`
    saying why when it is not one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _Unreadable(f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise _Unreadable("the file is empty")
    try:
        report = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Unreadable("not a text file") from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"not complete JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(report, dict) or not isinstance(report.get("findings"), list):
        raise _Unreadable("not a supcheck report (no list of findings)")
    if report.get("policy") != policy:
        raise _Unreadable(f"a report of policy {report.get('policy')!r}, not {policy!r}")
    try:
        findings = [Finding.model_validate(item) for item in report["findings"]]
    except ValidationError as exc:
        raise _Unreadable(
            f"not a supcheck report (a finding is not valid: {exc.errors()[0]['msg']})"
        ) from None
    return _parse_time(report.get("generated_at")), findings


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


def compare(result: CheckResult, previous: Previous, judged: Callable[[Finding], bool]) -> SinceLast:
    """Breaches new in `result` and resolved since the `previous` report's findings."""
    current = [f for f in result.findings if f.severity == "breach"]
    if previous.path is None:
        return SinceLast(previous=None, new=current, resolved=[], skipped=previous.skipped)
    before: dict[Identity, Finding] = {}
    for finding in previous.findings:
        if finding.severity == "breach":
            before.setdefault(identity(finding), finding)
    now = {identity(f) for f in current}
    new = [f for f in current if identity(f) not in before]
    resolved = sorted((f for key, f in before.items() if key not in now and judged(f)), key=Finding.sort_key)
    return SinceLast(previous=previous.path.name, new=new, resolved=resolved, skipped=previous.skipped)


def save_reports(
    folder: Path, policy: str, now: datetime, result: CheckResult, formats: Iterable[str]
) -> list[Path]:
    """Write the report in each format as `folder/<stem>.<ext>`, under a name claimed for
    this run alone (`_claim_stem`), the JSON first; the folder is made if missing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stem = _claim_stem(folder, policy, now)
    except OSError as exc:
        raise ReportError(f"cannot write to the output folder {folder}: {exc.strerror or exc}") from None
    claimed = folder / f"{stem}.json"
    written = []
    paths = {fmt: folder / f"{stem}{SUFFIXES[fmt]}" for fmt in dict.fromkeys(["json", *formats])}
    # A report for people too long to list every finding names the files beside it that do.
    full = [str(path) for fmt, path in paths.items() if fmt in FULL_LIST_FORMATS]
    result = result.model_copy(update={"full_list": [*result.full_list, *full]})
    try:
        for fmt, path in paths.items():
            get_reporter(fmt).write(result, path, color=False)
            written.append(path)
    except BaseException:
        if claimed.is_file() and claimed.stat().st_size == 0:  # (never written: free the name)
            claimed.unlink(missing_ok=True)
        raise
    return written
