"""Loaders: read HR and case-system exports (CSV or Excel) into a `Dataset`.

`load_dataset` is the entry point; `parse_date` is exported for command-line dates
(`--from`, `--to`, `--as-of`), so that they accept exactly the forms the data does.
"""

from .dataset import LoadResult, load_dataset
from .values import parse_date

__all__ = ["LoadResult", "load_dataset", "parse_date"]
