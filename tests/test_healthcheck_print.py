"""The health-check workbook as it prints: rendered by LibreOffice to PDF.

Slow (LibreOffice starts in about ten seconds) and needs `soffice` and poppler's
`pdfinfo` and `pdftotext`, so it runs only when asked:

    SUPCHECK_PRINT_CHECK=1 pytest tests/test_healthcheck_print.py

(docs/healthcheck.md, "Checking the print", says how to look at the pages yourself.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

pytestmark = pytest.mark.skipif(
    not os.environ.get("SUPCHECK_PRINT_CHECK")
    or not all(map(shutil.which, ("soffice", "pdfinfo", "pdftotext"))),
    reason="set SUPCHECK_PRINT_CHECK=1, with LibreOffice and poppler installed",
)


def test_the_sample_workbook_prints_on_a_few_landscape_pages(tmp_path):
    book = tmp_path / "health.xlsx"
    result = CliRunner().invoke(
        app,
        ["healthcheck", str(SAMPLE), "--year-type", "census", "--year", "2026", "--as-of", "2026-11-20",
         "-o", str(book), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "health.pdf"
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages <= 15
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) == pages and all(float(w) > float(h) for w, h in sizes)  # landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    last_two = text.split("\f")[pages - 2 : pages]
    assert "Supervision compliance by month" in last_two[0]
    assert "Supervision compliance by team" in last_two[1]
    # Every page names the health check and its year in the header.
    assert all("Supervision health check 2026" in page for page in text.split("\f")[:pages])
