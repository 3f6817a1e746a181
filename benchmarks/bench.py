"""Benchmark supcheck at a council's size, stage by stage, against a bare pandas read.

    python benchmarks/bench.py --staff 3000 --years 1 --pack national
    python benchmarks/bench.py --staff 35000 --years 1 --out /tmp/national --keep --skip-cli
    python benchmarks/bench.py --staff 3000 --years 1 --repeat 3     # best of three runs
    python benchmarks/bench.py --staff 3000 --years 1 --format xlsx --out /tmp/xlsx --keep

Generates realistic, messy exports (`benchmarks/generate.py`) into a folder, then, each
in a fresh Python process so that peak memory is its own:

- **stages**: one check through the CLI's own pipeline (`supcheck.pipeline.run_pipeline`:
  `load_dataset`, `check_integrity`, `run_check` with the pack), then the JSON report
  written to a file, each stage timed separately, with the peak RSS after each stage
  (`ru_maxrss`, which only grows, so it is the peak so far);
- **cli**: `supcheck check DATA -f json -o FILE` end to end, interpreter start included;
- **health check** (`--healthcheck`): `supcheck healthcheck DATA -f json -o FILE` end to
  end, the financial year before 20 November 2026 beside the year before it;
- **floor**: the same files read with pandas alone, `pd.read_csv(..., dtype=str)` per file
  (`pd.read_excel(..., sheet_name=None, dtype=str, engine="calamine")`, every sheet, for
  workbooks: `--format xlsx`), told the encoding, delimiter and title lines; timed
  both as the read alone and as its whole process (interpreter start, pandas' import,
  the read), which is what the CLI's end-to-end time is compared with like for like.

The check period is the last `--period-months` months of the data (default 12, an
annual health check; `--period-months 1` is the monthly run; `--whole-span` the whole
span of the exports), as of 20 November 2026.
Not part of the test suite: run it by hand, on an otherwise idle machine. Memory grows
with the rows: 35,000 staff over one year peaks at about 1.0 GB, over five years at about
2.3 GB, 2.6 GB over the whole five-year span (every table but staff is held as numpy
columns, and so are the findings and judgements; README's performance section says what
the peak is made of). Generating the five-year exports takes about a minute; `--keep`
reuses them. The last lines give the end-to-end time as a multiple of the bare read:
alone, with pandas' import, and as a process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

AS_OF = "2026-11-20"
PERIOD_END = date(2026, 10, 31)


def _period(months: int) -> tuple[str, str]:
    year, month = PERIOD_END.year, PERIOD_END.month - months + 1
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1).isoformat(), PERIOD_END.isoformat()


def _mb(kilobytes: int) -> float:
    return kilobytes / 1024  # Linux reports ru_maxrss in KiB


def _run_child(args: list[str]) -> tuple[dict, float, float]:
    """Run a child process; (its JSON on stdout, wall seconds, its own peak RSS in MB)."""
    with tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True)
        stdout = proc.stdout.read()  # type: ignore[union-attr]
        # wait4 rather than wait(): it gives the child's resource usage, ru_maxrss included.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - began
        proc.stdout.close()  # type: ignore[union-attr]
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{' '.join(args[:4])} ... failed ({proc.returncode}):\n{err.read()[-3000:]}")
    try:
        result = json.loads(stdout) if stdout.strip().startswith("{") else {}
    except json.JSONDecodeError:
        result = {}
    return result, wall, _mb(usage.ru_maxrss)


# --------------------------------------------------------------------------- child processes


class _StageRecorder:
    """Stands in for the CLI's progress display: times each stage the pipeline names and
    notes the peak memory so far when it ends."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float, float]] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            peak = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            self.stages.append((name, time.perf_counter() - began, peak))


def stages(data: str, pack_name: str, start: str, end: str, report: str) -> None:
    """Child: one check through the CLI's own pipeline (`supcheck.pipeline`: load, gc.freeze,
    integrity, rules), each stage timed, then the JSON report; print JSON. The collector
    and malloc are tuned as the CLI tunes them (`collector.tune`)."""
    began = time.perf_counter()
    from supcheck import collector
    from supcheck.models import Period
    from supcheck.pipeline import RunOptions, run_pipeline
    from supcheck.reporters import get_reporter

    out: dict = {"import": {"s": time.perf_counter() - began}}
    options = RunOptions(
        data=Path(data),
        period=Period(**{"from": date.fromisoformat(start), "to": date.fromisoformat(end)}),
        as_of=date.fromisoformat(AS_OF),
        policy=pack_name,
    )
    recorder = _StageRecorder()
    collector.tune()
    run = run_pipeline(options, progress=recorder)  # type: ignore[arg-type]
    for (_, seconds, peak), name in zip(recorder.stages, ("load", "integrity", "rules"), strict=True):
        out[name] = {"s": seconds, "peak_mb": peak}
    t = time.perf_counter()
    get_reporter("json").write(run.result, Path(report))
    out["report"] = {
        "s": time.perf_counter() - t,
        "peak_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    }
    dataset = run.dataset
    summary = run.result.summary
    tables = ("sessions", "absences", "allocations", "discussions", "agreements", "appraisals")
    out["result"] = {
        "records": sum(len(getattr(dataset, n)) for n in tables) + len(dataset.staff),
        "findings": len(run.result.findings),
        "data_quality": sum(f.kind == "data-quality" for f in run.result.findings),
        "breaches": summary.breaches,
        "warnings": summary.warnings,
        "windows": summary.windows_assessed,
        "not_assessed": [n.rule for n in run.result.not_assessed],
    }
    print(json.dumps(out))


def floor(manifest_path: str, data: str) -> None:
    """Child: read every file with pandas alone, as strings; print JSON."""
    began = time.perf_counter()
    import pandas as pd

    imported = time.perf_counter()
    manifest = json.loads(Path(manifest_path).read_text())
    rows = 0
    for spec in manifest["tables"].values():
        path = Path(data) / spec["file"]
        if path.suffix == ".xlsx":  # every sheet, with pandas' fastest workbook reader
            frames = pd.read_excel(
                path, sheet_name=None, skiprows=spec["skiprows"], dtype=str, engine="calamine"
            )
            frame = next(iter(frames.values()))
            rows += sum(len(f) for f in frames.values()) - len(frame)
        else:
            frame = pd.read_csv(
                path,
                sep=spec["sep"],
                encoding=spec["encoding"],
                skiprows=spec["skiprows"],
                dtype=str,
                keep_default_na=False,
            )
        rows += len(frame)
        del frame
    done = time.perf_counter()
    print(json.dumps({"import": imported - began, "read": done - imported, "rows": rows}))


# --------------------------------------------------------------------------- main


def _table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}")
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=3000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--pack", default="national", help="shropshire or national (or a pack file)")
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for the data, report and results (default: a temporary folder, removed afterwards)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse data already generated in --out at this size"
    )
    parser.add_argument("--xlsx", action="store_true", help="write workbooks instead of CSV files")
    parser.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help="csv (default) or xlsx: workbooks with real date cells (the same as --xlsx)",
    )
    parser.add_argument(
        "--period-months", type=int, default=12, help="length of the check period (default 12)"
    )
    parser.add_argument(
        "--whole-span",
        action="store_true",
        help="check the whole span of the generated exports (--years x 12 months), as a regional "
        "audit or an inspection look-back does",
    )
    parser.add_argument("--skip-cli", action="store_true", help="do not time the CLI end to end")
    parser.add_argument(
        "--healthcheck",
        action="store_true",
        help="also time `supcheck healthcheck` end to end (the last financial year and the one before)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each measurement N times, keep the fastest"
    )
    parser.add_argument("--skip-floor", action="store_true", help="do not time the bare pandas read")
    parser.add_argument("--stage", choices=("stages", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    parser.add_argument("--from", dest="start", help=argparse.SUPPRESS)
    parser.add_argument("--to", dest="end", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.xlsx = args.xlsx or args.format == "xlsx"

    if args.stage == "stages":
        stages(args.data, args.pack, args.start, args.end, args.report)
        return 0
    if args.stage == "floor":
        floor(args.manifest, args.data)
        return 0

    work = args.out or Path(tempfile.mkdtemp(prefix="supcheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    manifest_path = work / "manifest.json"
    start, end = _period(args.years * 12 if args.whole_span else args.period_months)
    try:
        manifest = json.loads(manifest_path.read_text()) if args.keep and manifest_path.exists() else None
        if manifest and (manifest["staff"], manifest["years"], manifest["xlsx"]) != (
            args.staff,
            args.years,
            args.xlsx,
        ):
            manifest = None
        generated = None
        if manifest is None:
            from generate import generate

            if data.exists():
                shutil.rmtree(data)
            began = time.perf_counter()
            manifest = generate(data, args.staff, args.years, xlsx=args.xlsx)
            generated = time.perf_counter() - began
            manifest_path.write_text(json.dumps(manifest, indent=2))
        tables = manifest["tables"]
        total_rows = sum(t["rows"] for t in tables.values())
        size_mb = sum((data / t["file"]).stat().st_size for t in tables.values()) / 1e6

        me = [sys.executable, str(Path(__file__).resolve())]
        stage_args = [*me, "--stage", "stages", "--data", str(data), "--pack", args.pack]
        stage_args += ["--from", start, "--to", end, "--report", str(work / "report.json")]
        supcheck = Path(sys.executable).with_name("supcheck")
        cli_args = [str(supcheck)] if supcheck.exists() else [sys.executable, "-m", "supcheck.cli"]
        cli_args += [
            "check",
            str(data),
            "--policy",
            args.pack,
            "--from",
            start,
            "--to",
            end,
            "--as-of",
            AS_OF,
        ]
        cli_args += ["--format", "json", "--output", str(work / "cli-report.json"), "--quiet"]
        floor_args = [*me, "--stage", "floor", "--manifest", str(manifest_path), "--data", str(data)]
        health_args = [*cli_args[: cli_args.index("check")], "healthcheck", str(data), "--policy", args.pack]
        health_args += ["--as-of", AS_OF, "--format", "json", "--output", str(work / "healthcheck.json")]
        health_args += ["--quiet"]
        stage, stage_rss, cli, bare, health = {}, 0.0, None, None, None
        # Shared machines are noisy: each measurement is repeated and the fastest kept
        # (peak memory barely varies; the largest is kept).
        for _ in range(args.repeat):
            run, _, rss = _run_child(stage_args)
            stage_rss = max(stage_rss, rss)
            for name in ("load", "integrity", "rules", "report"):
                if name not in stage or run[name]["s"] < stage[name]["s"]:
                    stage[name] = {
                        "s": run[name]["s"],
                        "peak_mb": max(run[name]["peak_mb"], stage.get(name, {}).get("peak_mb", 0)),
                    }
            stage["result"] = run["result"]
            if not args.skip_cli:
                _, wall, rss = _run_child(cli_args)
                cli = (min(wall, cli[0]), max(rss, cli[1])) if cli else (wall, rss)
            if args.healthcheck:
                _, wall, rss = _run_child(health_args)
                health = (min(wall, health[0]), max(rss, health[1])) if health else (wall, rss)
            if not args.skip_floor:
                read, wall, rss = _run_child(floor_args)
                if bare is None or read["read"] < bare["read"]:
                    bare = {**read, "peak_mb": max(rss, bare["peak_mb"] if bare else 0)}
                bare["process"] = min(wall, bare.get("process", wall))
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)

    checked = sum(stage[s]["s"] for s in ("load", "integrity", "rules", "report"))
    rows = [("stage", "time (s)", "peak RSS (MB)")]
    for name in ("load", "integrity", "rules", "report"):
        label = "report (json)" if name == "report" else name
        rows.append((label, f"{stage[name]['s']:.2f}", f"{stage[name]['peak_mb']:,.0f}"))
    rows.append(("check (4 stages)", f"{checked:.2f}", f"{stage_rss:,.0f}"))
    if cli:
        rows.append(("CLI end to end", f"{cli[0]:.2f}", f"{cli[1]:,.0f}"))
    if health:
        rows.append(("health check end to end", f"{health[0]:.2f}", f"{health[1]:,.0f}"))
    if bare:
        rows.append(("pandas read (floor)", f"{bare['read']:.2f}", f"{bare['peak_mb']:,.0f}"))
        rows.append(("  as a process", f"{bare['process']:.2f}", ""))

    print(
        f"supcheck benchmark: {args.staff:,} staff (posts) x {args.years} year"
        f"{'s' if args.years > 1 else ''}, "
        f"{args.pack} pack, {'xlsx' if args.xlsx else 'CSV'}, period {start} to {end}"
    )
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
        f"times: {'best of ' + str(args.repeat) + ' runs' if args.repeat > 1 else 'one run'}"
    )
    print(
        "rows: "
        + ", ".join(f"{name} {t['rows']:,}" for name, t in tables.items())
        + f"; total {total_rows:,} ({size_mb:,.0f} MB)"
        + (f"; generated in {generated:.1f} s" if generated else "")
    )
    print()
    print(_table(rows))
    print()
    result = stage["result"]
    print(
        f"{result['records']:,} records used after the integrity checks; {result['findings']:,} findings "
        f"({result['breaches']:,} breaches, {result['warnings']:,} warnings, of which "
        f"{result['data_quality']:,} data-quality); {result['windows']:,} windows assessed"
        + (f"; not assessed: {', '.join(result['not_assessed'])}" if result["not_assessed"] else "")
    )
    if bare:
        total = cli[0] if cli else checked
        print(f"{'CLI end to end' if cli else 'check'} / pandas read: {total / bare['read']:.1f}x")
        # Both sides pay for importing pandas: at a council's size that is most of the floor.
        with_import = bare["read"] + bare["import"]
        print(f"{'CLI end to end' if cli else 'check'} / (import pandas + read): {total / with_import:.1f}x")
        if cli:  # like for like: two processes, each from interpreter start to exit
            print(f"CLI end to end / pandas read as a process: {total / bare['process']:.1f}x")
    summary = {
        "staff": args.staff,
        "years": args.years,
        "pack": args.pack,
        "xlsx": args.xlsx,
        "period": [start, end],
        "rows": {name: t["rows"] for name, t in tables.items()},
        "stages": stage,
        "check_s": checked,
        "stages_process_peak_mb": stage_rss,
        "cli": {"s": cli[0], "peak_mb": cli[1]} if cli else None,
        "healthcheck": {"s": health[0], "peak_mb": health[1]} if health else None,
        "floor": bare,
    }
    if args.out is not None:
        (work / "results.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
