"""Parsers for single cell values: dates, durations, times, booleans, ids, status and type words.

Pure functions, no I/O. Each parser takes what a cell holds (a string from a CSV, or
the Python object openpyxl gives for an Excel cell) and either returns the value or
raises `ValueError` whose text completes the sentence "column 'value' ..." (for
example "is not a date"). Blank cells are the caller's business: call `is_blank` first.

Text parsing is done with explicit regular expressions rather than dateutil's
liberal guessing, so that what is accepted is exactly what `docs/data.md` lists and
anything else becomes a data-quality finding instead of a silent guess. String
parses are cached: exports repeat the same date strings many thousands of times.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

# --------------------------------------------------------------------------- blanks

NULL_WORDS: frozenset[str] = frozenset({"n/a", "na", "null", "none", "nil", "-", "--", "nan", "nat", "#n/a"})
"""Placeholders that mean "no value" in a date, number, duration, bool or optional id
column. Not applied to text or required id columns, where `NA` could be initials or an id.
"""


def is_blank(value: object) -> bool:
    """True for an empty cell: None, or a string of whitespace only."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return False


def is_null(value: object) -> bool:
    """Blank, or a placeholder word such as `N/A` (for typed, non-text columns)."""
    if is_blank(value):
        return True
    return isinstance(value, str) and null_text(value)


@lru_cache(maxsize=1024)
def null_text(value: str) -> bool:
    """A placeholder word such as `N/A` (cached: called for every typed cell)."""
    return value.strip().lower() in NULL_WORDS


_ID_CHARS = "[A-Za-z0-9][A-Za-z0-9_/#:-]*"
_ID_PLACEHOLDERS = "(?i:na|nan|nat|nil|none|null|n/a)"

PLAIN_ID = re.compile(f"(?!{_ID_PLACEHOLDERS}$){_ID_CHARS}")
"""An id cell that reads as itself: no spaces, no decimal point or exponent, not a
placeholder word. Whole blocks of such cells (nearly every id column) skip the memo."""

PLAIN_ID_RE2 = (f"^{_ID_CHARS}$", f"^{_ID_PLACEHOLDERS}$")
"""The same test for pyarrow's RE2, which has no lookahead: a plain id matches the first
and not the second. Both are made from the two patterns above, so they cannot drift."""


# --------------------------------------------------------------------------- numbers as text


def number_text(value: float) -> str:
    """Write a number as a person would type it: 123.0 -> "123", 0.30000000000000004 -> "0.3"."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(round(value, 9))


def to_text(value: object) -> str:
    """Any cell as stripped text (for names, roles, teams, reasons)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split()) if ("\n" in value or "\xa0" in value) else value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


_DECIMAL_COMMA = re.compile(r"(\d),(\d{1,2})(?!\d)")
"""`0,5` and `1,5h` as typed where the comma is the decimal point (not `1,000`)."""
_ID_FLOAT = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


def parse_id(value: object) -> str:
    """An identifier, always text.

    Excel turns numeric ids into numbers, so 123.0 (number or text) becomes "123";
    leading zeros in text are kept ("007" stays "007"). Whitespace is stripped.
    """
    if isinstance(value, str):
        return id_text(value)
    return to_text(value)


@lru_cache(maxsize=65536)
def id_text(value: str) -> str:
    """`parse_id` for text cells, cached (ids repeat on every row of a person)."""
    text = value.strip()
    if "\xa0" in text:
        text = text.replace("\xa0", " ").strip()
    if text.endswith("0") and "." in text:
        match = _ID_FLOAT.match(text)
        if match:
            return match.group(1)
    return text


def looks_scientific(text: str) -> bool:
    """An id Excel has shown in scientific notation (1.23457E+11): its digits may be lost."""
    return bool(_SCIENTIFIC.match(text))


def parse_number(value: object) -> float:
    """A plain number such as an FTE: `0.5`, `1`, `50%`."""
    if isinstance(value, bool):
        raise ValueError("is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        text = _DECIMAL_COMMA.sub(r"\1.\2", text) if "." not in text else text
        text = text.replace(",", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if math.isnan(number) or math.isinf(number):
            raise ValueError("is not a number")
        return round(number / 100, 9) if percent else number
    raise ValueError("is not a number")


# --------------------------------------------------------------------------- dates

EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN = 18264  # 1950-01-01
SERIAL_MAX = 73050  # 2099-12-31
"""Excel serial numbers accepted as dates (1900 date system). Outside 1950-2099 a bare
number is more likely an id or a count than a date, so it is rejected, not guessed."""

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("jan", "january"),
        ("feb", "february"),
        ("mar", "march"),
        ("apr", "april"),
        ("may",),
        ("jun", "june"),
        ("jul", "july"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("oct", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_TIME = r"(?:[ T]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)?"
_ZONE = r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|BST))?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"

_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + _ZONE + r"$", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + r"$", re.IGNORECASE)
_DAY_NAME = re.compile(
    r"^"
    + _WEEKDAY
    + r"(\d{1,2})"
    + _ORD
    + r"(?:\s+of)?[\s\-/.]*([a-z]+)\.?,?[\s\-/.]*(\d{4}|\d{2})"
    + _TIME
    + r"$",
    re.IGNORECASE,
)
_NAME_DAY = re.compile(
    r"^" + _WEEKDAY + r"([a-z]+)\.?[\s\-/.]+(\d{1,2})" + _ORD + r",?[\s\-/.]+(\d{4}|\d{2})" + _TIME + r"$",
    re.IGNORECASE,
)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def _year(text: str) -> int:
    """Four-digit years as written; two-digit years are 20yy (these are current records)."""
    return 2000 + int(text) if len(text) == 2 else int(text)


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("is not a date") from None


def _serial(number: float) -> date:
    if not SERIAL_MIN <= number < SERIAL_MAX + 1:
        raise ValueError("is not a date")
    return EXCEL_EPOCH + timedelta(days=int(number))


@lru_cache(maxsize=65536)
def _parse_date_text(text: str, month_first: bool) -> date:
    match = _ISO.match(text)
    if match:
        return _make(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    match = _NUMERIC.match(text)
    if match:
        first, second = int(match.group(1)), int(match.group(3))
        day, month = (second, first) if month_first else (first, second)
        return _make(_year(match.group(4)), month, day)
    match = _DAY_NAME.match(text)
    if match and match.group(2).lower() in MONTHS:
        return _make(_year(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    match = _NAME_DAY.match(text)
    if match and match.group(1).lower() in MONTHS:
        return _make(_year(match.group(3)), MONTHS[match.group(1).lower()], int(match.group(2)))
    if _SERIAL.match(text):
        return _serial(float(text))
    match = _COMPACT.match(text)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    raise ValueError("is not a date")


@lru_cache(maxsize=65536)
def _parse_date_raw(value: str, month_first: bool) -> date:
    return _parse_date_text(" ".join(value.split()), month_first)


def parse_date(value: object, *, month_first: bool = False) -> date:
    """A calendar date from a cell; any time of day is dropped.

    Order matters: ISO (year first) is tried before the day/month forms, because
    `2020-01-02` read day-first would be 1 February. `month_first` only changes how
    the ambiguous numeric forms (`04/03/2026`, `4-3-26`) are read.
    """
    if value.__class__ is str:
        return _parse_date_raw(value, month_first)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError("is not a date")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise ValueError("is not a date")
        return _serial(value)
    raise ValueError("is not a date")


# --------------------------------------------------------------------------- durations

HOURS_UP_TO = 8
"""A bare number in a duration column with no unit in its header is read as hours when it
is at most this, otherwise as minutes: nobody records an 8-minute supervision, and
nobody records a 90-hour one."""

_HOUR_WORDS = r"(?:h|hr|hrs|hour|hours)"
_MIN_WORDS = r"(?:m|min|mins|minute|minutes)"
_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_DUR_NUMBER = re.compile(r"^" + _NUM + r"$")
_DUR_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_DUR_HOURS = re.compile(
    r"^"
    + _NUM
    + r"\s*"
    + _HOUR_WORDS
    + r"\.?(?:\s*,?\s*(?:and\s+)?(\d{1,2})\s*(?:"
    + _MIN_WORDS
    + r"\.?)?)?$",
    re.IGNORECASE,
)
_DUR_MINUTES = re.compile(r"^" + _NUM + r"\s*" + _MIN_WORDS + r"\.?$", re.IGNORECASE)


def _positive(minutes: float) -> float:
    if minutes <= 0:
        raise ValueError("is not a positive duration")
    return round(minutes, 4)


def _bare_number(number: float, unit: str | None) -> float:
    if unit == "hours":
        return number * 60
    if unit == "minutes":
        return number
    return number * 60 if number <= HOURS_UP_TO else number


@lru_cache(maxsize=4096)
def _parse_duration_text(text: str, unit: str | None) -> float:
    match = _DUR_NUMBER.match(text)
    if match:
        return _positive(_bare_number(float(match.group(1)), unit))
    match = _DUR_CLOCK.match(text)
    if match:
        hours, minutes, seconds = match.group(1), match.group(2), match.group(3)
        if int(minutes) >= 60 or (seconds and int(seconds) >= 60):
            raise ValueError("is not a duration")
        return _positive(int(hours) * 60 + int(minutes) + int(seconds or 0) / 60)
    match = _DUR_HOURS.match(text)
    if match:
        extra = int(match.group(2)) if match.group(2) else 0
        if extra >= 60:
            raise ValueError("is not a duration")
        return _positive(float(match.group(1)) * 60 + extra)
    match = _DUR_MINUTES.match(text)
    if match:
        return _positive(float(match.group(1)))
    raise ValueError("is not a duration")


@lru_cache(maxsize=4096)
def _duration_key(value: str) -> str:
    return _DECIMAL_COMMA.sub(r"\1.\2", " ".join(value.split()).lower())


def parse_duration(value: object, *, unit: str | None = None) -> float:
    """Minutes, from `90`, `1:30`, `01:30:00`, `1h30`, `1.5 hrs`, `1 hr 30 mins`, `90m`, or an
    Excel time or duration cell.

    `unit` ("hours" or "minutes") comes from the column header (`Duration (hours)`) and
    only affects bare numbers; see `HOURS_UP_TO` for numbers with no unit.
    """
    if value.__class__ is str:
        return _parse_duration_text(_duration_key(value), unit)
    if isinstance(value, bool):
        raise ValueError("is not a duration")
    if isinstance(value, timedelta):
        return _positive(value.total_seconds() / 60)
    if isinstance(value, time):
        return _positive(value.hour * 60 + value.minute + value.second / 60)
    if isinstance(value, datetime):
        raise ValueError("is not a duration")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise ValueError("is not a duration")
        return _positive(_bare_number(float(value), unit))
    raise ValueError("is not a duration")


# --------------------------------------------------------------------------- times of day

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2})(?:\.\d+)?)?\s*([ap])?\.?(m\.?)?$")
_HHMM = re.compile(r"^(\d{2})(\d{2})$")
_WITH_DATE = re.compile(r"^(.*\d)[ Tt]+(\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)$")


@lru_cache(maxsize=4096)
def _parse_time_text(text: str) -> time:
    match = _WITH_DATE.match(text)
    if match:
        text = match.group(2)
    match = _HHMM.match(text)
    if match:
        hour, minute, second, meridiem = int(match.group(1)), int(match.group(2)), 0, None
    else:
        match = _CLOCK.match(text)
        if not match or (match.group(4) is None and match.group(5)):
            raise ValueError("is not a time")
        if match.group(2) is None and match.group(4) is None:
            raise ValueError("is not a time")  # a bare "9" is not a time
        hour = int(match.group(1))
        minute = int(match.group(2) or 0)
        second = int(match.group(3) or 0)
        meridiem = match.group(4)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError("is not a time")
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError("is not a time")
    return time(hour, minute, second)


def parse_time(value: object) -> time:
    """A time of day: `09:30`, `9.30am`, `2pm`, `14:00:00`, `0930`, an Excel time cell, a
    date-time (the time part), or an Excel day fraction (0.395833 = 09:30)."""
    if isinstance(value, datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, time):
        return value.replace(microsecond=0)
    if isinstance(value, bool):
        raise ValueError("is not a time")
    if isinstance(value, (int, float)):
        if not 0 <= value < 1:
            raise ValueError("is not a time")
        seconds = min(round(value * 86400), 86399)
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if isinstance(value, str):
        text = " ".join(value.split()).lower()
        if not text:
            raise ValueError("is not a time")
        return _parse_time_text(text)
    raise ValueError("is not a time")


def minutes_between(start: time, end: time) -> float:
    """End minus start in minutes; not positive raises (no overnight supervision)."""
    minutes = (end.hour * 60 + end.minute + end.second / 60) - (
        start.hour * 60 + start.minute + start.second / 60
    )
    if minutes <= 0:
        raise ValueError("is not after the start time")
    return round(minutes, 4)


# --------------------------------------------------------------------------- booleans

TRUE_WORDS: frozenset[str] = frozenset({"yes", "y", "true", "t", "1", "1.0", "x", "✓", "✔", "☑"})
FALSE_WORDS: frozenset[str] = frozenset({"no", "n", "false", "f", "0", "0.0", "✗", "✘", "☐"})


def parse_bool(value: object) -> bool:
    """yes/no, y/n, true/false, t/f, 1/0, x or a tick (true). Blank is unknown: check first."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value == 1:
            return True
        if value == 0:
            return False
        raise ValueError("is not yes or no")
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError("is not yes or no")


# --------------------------------------------------------------------------- status and type words

STATUS_WORDS: dict[str, str] = {
    "held": "held",
    "completed": "held",
    "complete": "held",
    "took place": "held",
    "attended": "held",
    "happened": "held",
    "yes": "held",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "did not attend": "cancelled",
    "dna": "cancelled",
    "postponed": "cancelled",
    "rescheduled": "cancelled",
    "re-scheduled": "cancelled",
    "no show": "cancelled",
    "not held": "not held",
    "no": "not held",
}
"""Session outcomes as export systems word them. Anything else is reported, not guessed."""

_STATUS_PREFIX = re.compile(
    r"^(cancelled|canceled|postponed|rescheduled|did not attend|not held)\b\s*[-–:(,/]"
)
"""`Cancelled - staff sick`, `Postponed (supervisor on leave)`: the first word decides."""

TYPE_WORDS: dict[str, str] = {
    "individual": "individual",
    "1:1": "individual",
    "1-1": "individual",
    "1 to 1": "individual",
    "one-to-one": "individual",
    "one to one": "individual",
    "formal": "individual",
    "supervision": "individual",
    "group": "group",
    "group supervision": "group",
    "reflective group": "group",
    "professional": "professional",
    "professional supervision": "professional",
    "clinical": "professional",
    "informal": "informal",
    "ad hoc": "informal",
    "ad-hoc": "informal",
    "unplanned": "informal",
    "responsive": "informal",
}
"""Session types as export systems word them; a trailing word "supervision" is ignored
(`1:1 supervision` is `1:1`, `clinical supervision` is `clinical`)."""


def fold_word(value: object) -> str:
    """Lower case, single spaces: how status, type and mapped values are compared."""
    return " ".join(to_text(value).lower().replace("_", " ").split())


@lru_cache(maxsize=1024)
def _status(word: str) -> str:
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    match = _STATUS_PREFIX.match(word)
    if match:
        return STATUS_WORDS[match.group(1)]
    raise ValueError("is not a known status (held, cancelled, not held)")


def parse_status(value: object) -> str:
    """`held`, `cancelled` or `not held` from an outcome word."""
    if value.__class__ is str:
        return _status_raw(value)
    return _status(fold_word(value))


@lru_cache(maxsize=1024)
def _status_raw(value: str) -> str:
    return _status(fold_word(value))


@lru_cache(maxsize=1024)
def _type(word: str) -> str:
    if word in TYPE_WORDS:
        return TYPE_WORDS[word]
    if word.endswith(" supervision"):
        stem = word[: -len(" supervision")].strip()
        if stem in TYPE_WORDS:
            return TYPE_WORDS[stem]
    raise ValueError("is not a known session type (individual, group, professional, informal)")


def parse_type(value: object) -> str:
    """`individual`, `group`, `professional` or `informal` from a session type word."""
    if value.__class__ is str:
        return _type_raw(value)
    return _type(fold_word(value))


@lru_cache(maxsize=1024)
def _type_raw(value: str) -> str:
    return _type(fold_word(value))
