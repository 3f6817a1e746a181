"""Plain-English wording shared by rules: dates as a manager reads them."""

from __future__ import annotations

from datetime import date
from functools import lru_cache


@lru_cache(maxsize=8192)
def long_date(day: date) -> str:
    """4 June 2026 (no leading zero, as in a letter). (Cached: tens of thousands of
    messages name the same few hundred days.)"""
    return f"{day.day} {day:%B %Y}"


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def minutes(value: float) -> str:
    return f"{value:g} minutes"
