"""Reporters: render an already computed `CheckResult` in one format.

    reporter = get_reporter("xlsx")        # or format_for_path(path)
    reporter.write(result, Path("out.xlsx"))   # None: standard output

Formats: `console` (terminal or plain text for mail), `json` (the contract of
`docs/cli.md`), `csv` and `xlsx` (for spreadsheets: values neutralised with
`safe_text`), `html` (self-contained, mail-safe) and `md`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from .base import Reporter, ReportError
from .safety import safe_text

FORMATS: tuple[str, ...] = ("console", "json", "csv", "xlsx", "html", "md")

FULL_LIST_FORMATS: tuple[str, ...] = ("json", "csv", "xlsx")
"""The formats that always hold every finding; the reports for people summarise a long
list (`digest`) and name the file of one of these that the run wrote."""

SUFFIXES: dict[str, str] = {
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".txt": "console",
}
"""Output file suffix -> format, for `--output` without `--format`."""

_REPORTERS: dict[str, tuple[str, str]] = {
    "console": ("console", "ConsoleReporter"),
    "json": ("json", "JsonReporter"),
    "csv": ("csv", "CsvReporter"),
    "xlsx": ("excel", "ExcelReporter"),
    "html": ("html", "HtmlReporter"),
    "md": ("markdown", "MarkdownReporter"),
}
"""Format -> (module, class). Imported when first asked for: openpyxl alone takes a
fifth of a second to import, which a run writing JSON should not pay."""


def get_reporter(fmt: str) -> Reporter:
    """A new reporter for `fmt` (one of `FORMATS`); `ReportError` (a ValueError) if unknown."""
    where = _REPORTERS.get(fmt)
    if where is None:
        raise ReportError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module, name = where
    return getattr(import_module(f".{module}", __name__), name)()


def __getattr__(name: str) -> Any:
    """`from supcheck.reporters import ExcelReporter` still works, lazily."""
    for module, cls in _REPORTERS.values():
        if cls == name:
            return getattr(import_module(f".{module}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def format_for_path(path: Path | str) -> str:
    """The format an output file's suffix implies (case-insensitive); `ReportError` if none."""
    suffix = Path(path).suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        known = ", ".join(SUFFIXES)
        raise ReportError(f"cannot tell the report format from {str(path)!r}; use --format or one of {known}")
    return fmt


__all__ = [
    "FORMATS",
    "FULL_LIST_FORMATS",
    "SUFFIXES",
    "ConsoleReporter",
    "CsvReporter",
    "ExcelReporter",
    "HtmlReporter",
    "JsonReporter",
    "MarkdownReporter",
    "ReportError",
    "Reporter",
    "format_for_path",
    "get_reporter",
    "safe_text",
]
