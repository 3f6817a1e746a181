"""Benchmark the reports of a large run: render time, size and peak memory per format.

    python benchmarks/reports.py --findings 60000            # every format, one process each
    python benchmarks/reports.py --findings 1100000 --format xlsx --check-sheets

Builds a result of `--findings` made-up findings (35,000 staff in 2,500 teams, five
rules, one in ten data-quality), so that no export has to be generated or checked, and
renders each format in a fresh Python process (peak memory is then the format's own,
over the result's). Not part of the test suite: run it by hand on an otherwise idle
machine. `--check-sheets` reads the workbook back and prints each sheet's rows (a
findings sheet holds at most 1,048,575 under its header).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

FORMATS = ("console", "html", "md", "json", "csv", "xlsx")
RULES = ("monthly-supervision", "session-length", "uninterrupted", "signed-record", "appraisal")


def make_result(count: int):
    from supcheck.models import CheckResult, Finding, Period, Summary

    findings = []
    for i in range(count):
        staff = i % 35_000
        name = f"Person {staff}"
        day = date(2025, 11, 1) + timedelta(days=i % 365)
        if i % 10 == 9:
            findings.append(
                Finding(
                    kind="data-quality",
                    rule="data-quality",
                    severity="warning",
                    staff_id=f"S{staff:05d}",
                    staff_name=name,
                    team=f"Team {staff % 2500}",
                    start=day,
                    end=day,
                    file="supervisions.csv",
                    row=i + 2,
                    column="date",
                    value="31/02/2026",
                    message=f"supervisions.csv row {i + 2}: date '31/02/2026' is not a date; row not used.",
                )
            )
            continue
        rule = RULES[i % len(RULES)]
        findings.append(
            Finding(
                kind=rule,
                rule=rule,
                severity="breach" if i % 3 else "warning",
                staff_id=f"S{staff:05d}",
                staff_name=name,
                team=f"Team {staff % 2500}",
                line_manager_id=f"M{staff % 2500:04d}",
                line_manager_name=f"Manager {staff % 2500}",
                start=day,
                end=day + timedelta(days=29),
                message=f"{name} had no supervision between {day} and {day + timedelta(days=29)}"
                " (monthly required).",
                source="SWRB Employer Standard 5",
            )
        )
    findings.sort(key=lambda f: f.sort_key())
    breaches = sum(f.severity == "breach" for f in findings)
    return CheckResult(
        supcheck_version="bench",
        policy="national",
        period=Period(**{"from": date(2025, 11, 1), "to": date(2026, 10, 31)}),
        as_of=date(2026, 11, 20),
        summary=Summary(staff=35_000, breaches=breaches, warnings=count - breaches),
        findings=findings,
    )


def one(count: int, fmt: str, check_sheets: bool) -> None:
    """Render one format in this process and print a line of figures."""
    from supcheck.reporters import get_reporter

    result = make_result(count)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report.{fmt}"
        began = time.perf_counter()
        get_reporter(fmt).write(result, path)
        seconds = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
        lines = path.read_bytes().count(b"\n") if fmt != "xlsx" else 0
        print(
            f"{fmt:8} {seconds:7.2f} s {size / 1e6:8.2f} MB {lines:9,} lines"
            f"  peak {peak / 1024:6.0f} MB (result alone {before / 1024:.0f} MB)",
            flush=True,
        )
        if check_sheets and fmt == "xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            for ws in workbook:
                print(f"  {ws.title}: {sum(1 for _ in ws.iter_rows(values_only=True)):,} rows", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--findings", type=int, default=60_000)
    parser.add_argument("--format", choices=FORMATS, action="append")
    parser.add_argument("--check-sheets", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = args.format or list(FORMATS)
    if args.one:
        one(args.findings, formats[0], args.check_sheets)
        return
    print(f"{args.findings:,} findings")
    for fmt in formats:
        command = [sys.executable, __file__, "--one", "--findings", str(args.findings), "--format", fmt]
        subprocess.run([*command, *(["--check-sheets"] if args.check_sheets else [])], check=True)


if __name__ == "__main__":
    main()
