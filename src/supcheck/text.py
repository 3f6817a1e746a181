"""Plain-English wording shared by rules: dates as a manager reads them."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from .errors import printable


@lru_cache(maxsize=8192)
def long_date(day: date) -> str:
    """4 June 2026 (no leading zero, as in a letter). (Cached: tens of thousands of
    messages name the same few hundred days.)"""
    return f"{day.day} {day:%B %Y}"


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def minutes(value: float) -> str:
    return f"{value:g} minutes"


def date_range(first: date, last: date) -> str:
    """1–30 November 2026, 24 October – 2 November 2026, 30 December 2026 – 2 January 2027."""
    if first == last:
        return long_date(first)
    if first.year != last.year:
        return f"{long_date(first)} – {long_date(last)}"
    if first.month != last.month:
        return f"{first.day} {first:%B} – {long_date(last)}"
    return f"{first.day}–{long_date(last)}"


def quoted(value: str) -> str:
    """`'value'`, escaped by `errors.printable`, for echoing input in a message."""
    return f"'{printable(value)}'"
