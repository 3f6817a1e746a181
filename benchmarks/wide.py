"""Time loading a "select all" export: a header with thousands of blank cells after its
named columns, and short data rows (issue 14, point 4).

The cost should follow the cells that hold something, not the header's width: the same
rows are loaded under headers padded to each width in turn, each in a fresh process, and
the times should be about equal. (The suite's structural test checks what is read and
that padding is bounded; this is where the time is measured.)

    .venv/bin/python benchmarks/wide.py [--rows 50000] [--widths 5,1000,16000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAFF = "staff_id,role,start_date\nS1,Social Worker,01/01/2020\n"

LOAD = """
import sys, time
from supcheck.loaders import load_dataset
start = time.perf_counter()
result = load_dataset(sys.argv[1])
print(time.perf_counter() - start, len(result.dataset.sessions))
"""


def write_exports(folder: Path, rows: int, width: int) -> None:
    """staff.csv, and supervisions.csv: three named columns then `width - 3` blank ones,
    and `rows` rows of three cells each."""
    (folder / "staff.csv").write_text(STAFF, encoding="utf-8")
    header = "supervisee_id,date,duration_minutes" + "," * (width - 3)
    body = "".join(f"S1,{1 + i % 28:02d}/0{1 + i % 9}/2026,90\n" for i in range(rows))
    (folder / "supervisions.csv").write_text(header + "\n" + body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--widths", default="5,1000,16000", help="header widths, comma-separated")
    args = parser.parse_args()
    print(f"{'header width':>12}  {'load':>8}  rows read")
    for width in (int(w) for w in args.widths.split(",")):
        with tempfile.TemporaryDirectory(prefix="supcheck-wide-") as name:
            folder = Path(name)
            write_exports(folder, args.rows, width)
            began = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", LOAD, str(folder)], capture_output=True, text=True, check=True
            ).stdout.split()
            wall = time.perf_counter() - began
            print(f"{width:>12,}  {float(out[0]):>7.2f}s  {int(out[1]):,} (process {wall:.2f}s)")


if __name__ == "__main__":
    main()
