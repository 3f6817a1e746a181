"""Cell value parsers: every accepted form, with expectations worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from supcheck.loaders import parse_date as exported_parse_date
from supcheck.loaders.values import (
    is_blank,
    is_null,
    looks_scientific,
    minutes_between,
    parse_bool,
    parse_date,
    parse_duration,
    parse_id,
    parse_number,
    parse_status,
    parse_time,
    parse_type,
    to_text,
)

MARCH_4 = date(2026, 3, 4)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-04",
        "2026-03-04T09:30:00",
        "2026-03-04T09:30:00.000Z",
        "2026-03-04 09:30",
        "2026/03/04",
        "04/03/2026",
        "4/3/2026",
        "4/3/26",
        "04-03-2026",
        "04.03.2026",
        "4 Mar 2026",
        "04-Mar-2026",
        "04-Mar-26",
        "4 March 2026",
        "4th March 2026",
        "Wed 4 Mar 2026",
        "Wednesday, 4 March 2026",
        "Mar 4 2026",
        "March 4, 2026",
        "04/03/2026 14:30",
        "04/03/2026 2:30 PM",
        "4-mar-2026",
        "  04/03/2026  ",
        "46085",
        "46085.0",
        "46085.75",
        "20260304",
    ],
)
def test_dates_read_as_4_march_2026(text):
    assert parse_date(text) == MARCH_4


def test_iso_is_never_read_day_first():
    # dateutil's dayfirst=True would make this 1 February.
    assert parse_date("2020-01-02") == date(2020, 1, 2)
    assert parse_date("2020-01-02", month_first=True) == date(2020, 1, 2)


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("04/03/2026", date(2026, 3, 4), date(2026, 4, 3)),
        ("4/3/26", date(2026, 3, 4), date(2026, 4, 3)),
        ("12-01-2026", date(2026, 1, 12), date(2026, 12, 1)),
        ("4 Mar 2026", MARCH_4, MARCH_4),  # month names are not ambiguous
        ("Mar 4 2026", MARCH_4, MARCH_4),
        ("2026-03-04", MARCH_4, MARCH_4),
    ],
)
def test_month_first_switches_only_ambiguous_forms(text, day_first, month_first):
    assert parse_date(text) == day_first
    assert parse_date(text, month_first=True) == month_first


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("29/02/2024", date(2024, 2, 29)),  # leap year
        ("01/01/00", date(2000, 1, 1)),
        ("31/12/99", date(2099, 12, 31)),  # two-digit years are 20yy
        (45292, date(2024, 1, 1)),
        (45292.0, date(2024, 1, 1)),
        (46085, MARCH_4),
        (18264, date(1950, 1, 1)),
        (73050, date(2099, 12, 31)),
        (datetime(2026, 3, 4, 9, 30), MARCH_4),
        (MARCH_4, MARCH_4),
    ],
)
def test_date_values(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "29/02/2025",  # not a leap year
        "31/02/2026",
        "13/13/2026",
        "00/01/2026",
        "32/01/2026",
        "2026-13-01",
        "4 Foo 2026",
        "soon",
        "TBC",
        "N/A",
        "04/03",
        "1/2/3/4",
        "",
        18263,  # 1949-12-31: too early to be a supervision-era date
        73051,  # 2100-01-01
        100,
        "12345",
        True,
        float("nan"),
        time(9, 30),
    ],
)
def test_not_dates(value):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(value)


def test_parse_date_is_exported_for_the_cli():
    assert exported_parse_date("4/3/26") == MARCH_4


@pytest.mark.parametrize(
    ("value", "unit", "minutes"),
    [
        ("90", None, 90),
        ("90.0", None, 90),
        ("1.5", None, 90),  # bare numbers up to 8 are hours
        ("8", None, 480),
        ("9", None, 9),  # above 8: minutes
        ("60", None, 60),
        ("1:30", None, 90),
        ("01:30:00", None, 90),
        ("0:45", None, 45),
        ("1h30", None, 90),
        ("1h 30m", None, 90),
        ("1h30m", None, 90),
        ("1.5h", None, 90),
        ("1.5 hrs", None, 90),
        ("1 hr 30 mins", None, 90),
        ("1 hour and 30 minutes", None, 90),
        ("1 hour, 30 minutes", None, 90),
        ("90 mins", None, 90),
        ("90 Minutes", None, 90),
        ("90m", None, 90),
        ("2 hours", None, 120),
        ("1,5h", None, 90),
        (".5 hours", None, 30),
        ("2", "hours", 120),
        ("1.5", "hours", 90),
        ("10", "hours", 600),
        ("2", "minutes", 2),
        ("45", "minutes", 45),
        ("1:30", "minutes", 90),  # a clock form is never scaled
        (90, None, 90),
        (1.5, None, 90),
        (1.1, None, 66),  # float noise rounded away
        (2, "minutes", 2),
        (time(1, 30), None, 90),
        (timedelta(minutes=75), None, 75),
        (timedelta(hours=1, seconds=30), None, 60.5),
    ],
)
def test_durations(value, unit, minutes):
    assert parse_duration(value, unit=unit) == minutes


@pytest.mark.parametrize("value", ["0", "-30", "0:00", "abc", "1:75", "1h75", "ninety", "", True, time(0, 0)])
def test_not_durations(value):
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9:30", time(9, 30)),
        ("9.30am", time(9, 30)),
        ("9.30 am", time(9, 30)),
        ("2pm", time(14, 0)),
        ("2:15 PM", time(14, 15)),
        ("12:15am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("14:00", time(14, 0)),
        ("14:00:30", time(14, 0, 30)),
        ("0930", time(9, 30)),
        ("04/03/2026 09:30", time(9, 30)),
        ("2026-03-04T14:00:00", time(14, 0)),
        (time(9, 30), time(9, 30)),
        (datetime(2026, 3, 4, 9, 30), time(9, 30)),
        (0.395833333333, time(9, 30)),  # 9.5 / 24
        (0.5, time(12, 0)),
    ],
)
def test_times(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["25:00", "9", "13pm", "09:61", "soon", 1.5, True])
def test_not_times(value):
    with pytest.raises(ValueError, match="is not a time"):
        parse_time(value)


def test_minutes_between():
    assert minutes_between(time(9, 30), time(11, 0)) == 90
    with pytest.raises(ValueError):
        minutes_between(time(11, 0), time(9, 30))
    with pytest.raises(ValueError):
        minutes_between(time(11, 0), time(11, 0))


@pytest.mark.parametrize(
    "value",
    ["yes", "Yes", "Y", "y", "TRUE", "true", "t", "T", "1", "1.0", "x", "X", "✓", "✔", 1, 1.0, True],
)
def test_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["no", "No", "N", "n", "FALSE", "false", "f", "0", "0.0", 0, 0.0, False])
def test_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["maybe", "2", 2, "signed", "?"])
def test_not_bools(value):
    with pytest.raises(ValueError, match="is not yes or no"):
        parse_bool(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (123.0, "123"),
        (123, "123"),
        ("123.0", "123"),
        ("123", "123"),
        ("007", "007"),  # leading zeros in text are kept
        ("00123.0", "00123"),
        ("  S001 ", "S001"),
        ("S001\xa0", "S001"),
        ("S-1.0", "S-1.0"),
        (1.5, "1.5"),
        (0.30000000000000004, "0.3"),
    ],
)
def test_ids(value, expected):
    assert parse_id(value) == expected


def test_scientific_ids_are_noticed():
    assert looks_scientific("1.23457E+11")
    assert looks_scientific("1E+05")
    assert not looks_scientific("123457")
    assert not looks_scientific("E+05")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  Social Worker  ", "Social Worker"),
        ("Line\nbreak", "Line break"),
        (0.30000000000000004, "0.3"),
        (2.0, "2"),
        (datetime(2026, 3, 4), "2026-03-04"),
        (datetime(2026, 3, 4, 9, 30), "2026-03-04 09:30:00"),
        (True, "TRUE"),
    ],
)
def test_to_text(value, expected):
    assert to_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 0.5), ("1", 1.0), ("0,5", 0.5), ("50%", 0.5), ("1,000", 1000.0), (0.8, 0.8)],
)
def test_numbers(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize("value", ["half", "nan", True])
def test_not_numbers(value):
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(value)


def test_blank_and_null():
    assert is_blank(None) and is_blank("") and is_blank("  \t") and is_blank(float("nan"))
    assert not is_blank("N/A") and not is_blank(0)
    assert is_null("N/A") and is_null(" n/a ") and is_null("-") and is_null("NULL")
    assert not is_null("NA1")


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("held", "held"),
        ("Held", "held"),
        ("completed", "held"),
        ("Complete", "held"),
        ("took place", "held"),
        ("Took  Place", "held"),
        ("attended", "held"),
        ("happened", "held"),
        ("Yes", "held"),
        ("cancelled", "cancelled"),
        ("Canceled", "cancelled"),
        ("did not attend", "cancelled"),
        ("DNA", "cancelled"),
        ("postponed", "cancelled"),
        ("rescheduled", "cancelled"),
        ("no show", "cancelled"),
        ("Cancelled - staff sick", "cancelled"),
        ("Postponed (supervisor on leave)", "cancelled"),
        ("not held", "not held"),
        ("Not_Held", "not held"),
        ("No", "not held"),
    ],
)
def test_status_words(word, status):
    assert parse_status(word) == status


@pytest.mark.parametrize("word", ["planned", "booked", "cancelledx", "maybe"])
def test_unknown_status_words(word):
    with pytest.raises(ValueError, match="is not a known status"):
        parse_status(word)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("individual", "individual"),
        ("Individual supervision", "individual"),
        ("1:1", "individual"),
        ("1-1", "individual"),
        ("1 to 1", "individual"),
        ("One-to-one", "individual"),
        ("one to one", "individual"),
        ("1:1 supervision", "individual"),
        ("formal", "individual"),
        ("Supervision", "individual"),
        ("group", "group"),
        ("Group Supervision", "group"),
        ("reflective group", "group"),
        ("professional", "professional"),
        ("Professional supervision", "professional"),
        ("clinical", "professional"),
        ("informal", "informal"),
        ("ad hoc", "informal"),
        ("Ad-hoc", "informal"),
        ("unplanned", "informal"),
        ("responsive", "informal"),
    ],
)
def test_type_words(word, kind):
    assert parse_type(word) == kind


@pytest.mark.parametrize("word", ["peer", "reflective", "team meeting"])
def test_unknown_type_words(word):
    with pytest.raises(ValueError, match="is not a known session type"):
        parse_type(word)


@pytest.mark.parametrize(
    ("cell", "plain"),
    [
        ("S001", True),
        ("00123", True),
        ("A-1/2#3:4_5", True),
        ("nana", True),
        ("na", False),
        ("N/A", False),
        ("NaN", False),
        ("null", False),
        ("1.5", False),
        ("1E+05", False),
        ("a b", False),
        ("-1", False),
        ("", False),
    ],
)
def test_the_plain_id_test_is_the_same_for_python_and_pyarrow(cell, plain):
    import pyarrow as pa
    import pyarrow.compute as pc

    from supcheck.loaders.values import PLAIN_ID, PLAIN_ID_RE2

    cells = pa.array([cell])
    arrow = pc.match_substring_regex(cells, PLAIN_ID_RE2[0])[0].as_py() and not (
        pc.match_substring_regex(cells, PLAIN_ID_RE2[1])[0].as_py()
    )
    assert (PLAIN_ID.fullmatch(cell) is not None, arrow) == (plain, plain)
