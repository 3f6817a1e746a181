"""The compact columns rules keep their judgements in (rules.base.Ids, Days), read back
as the ids, dates and `Assessment`s they stand for."""

from __future__ import annotations

from datetime import date

import numpy as np

from helpers import session, table_of
from supcheck.column_tables import SessionTable
from supcheck.rules import base
from supcheck.rules.base import Assessment, AssessmentColumns, Days, Ids, index_sessions

D = date


def test_ids_read_back_as_strings():
    ids = Ids(np.array([1, 0, 1], dtype=np.int32), np.array(["S1", "S2"], dtype=object))
    assert len(ids) == 3
    assert ids[0] == "S2"
    assert ids[1:].tolist() == ["S1", "S2"]
    assert list(ids) == ["S2", "S1", "S2"]
    assert np.asarray(ids, dtype=object).tolist() == ["S2", "S1", "S2"]


def test_days_read_back_as_dates():
    # 2026-01-01 is day 20,454 since 1970-01-01; 28 February 2026 is 58 days later
    days = Days(np.array([20454, 20454 + 58], dtype=np.int32))
    assert days[1] == D(2026, 2, 28)
    assert days[:1].tolist() == [D(2026, 1, 1)]
    assert list(days) == [D(2026, 1, 1), D(2026, 2, 28)]


def test_assessment_columns_of_arrays_iterate_as_python_values(monkeypatch):
    monkeypatch.setattr(base, "_BLOCK", 2)  # (three rows: two blocks)
    columns = AssessmentColumns(
        "case-discussion",
        "case-discussion",
        Ids(np.array([0, 0, 1], dtype=np.int32), np.array(["S1", "S2"], dtype=object)),
        np.array([True, False, True]),
        Days(np.array([20454, 20455, 20456], dtype=np.int32)),
        np.array(["2026-03-01", "2026-03-02", "NaT"], dtype="datetime64[D]"),
        Ids(np.array([0, 1, 1], dtype=np.int32), np.array(["C1", "C2"], dtype=object)),
        value=np.array([1.5, 2.0, 3.0]),
    )
    kind = "case-discussion"
    assert list(columns) == [
        Assessment(kind, kind, "S1", True, D(2026, 1, 1), D(2026, 3, 1), "C1", 1.5, None),
        Assessment(kind, kind, "S1", False, D(2026, 1, 2), D(2026, 3, 2), "C2", 2.0, None),
        Assessment(kind, kind, "S2", True, D(2026, 1, 3), None, "C2", 3.0, None),
    ]
    first = next(iter(columns))
    assert type(first.met) is bool and type(first.value) is float and type(first.staff_id) is str


def test_sessions_in_the_rules_order_sort_by_id_then_date_then_file_order():
    rows = [  # (in file order; ids first seen out of order, so codes are not id order)
        session(D(2026, 3, 1), "S2", session_id="a"),
        session(D(2026, 1, 5), "S10", session_id="b"),
        session(D(2026, 2, 1), "S2", session_id="c"),
        session(D(2026, 3, 1), "S2", session_id="d"),  # same day as "a": after it
        session(D(2026, 1, 1), "S1", session_id="e"),
    ]
    table = table_of(SessionTable, rows)
    ordered = table.in_rule_order()
    assert ordered["session_id"].tolist() == ["e", "b", "c", "a", "d"]  # S1 < S10 < S2 as text
    assert ordered.in_rule_order() is ordered  # already in order: itself, not a copy
    kept = table.in_rule_order(np.array([True, True, False, True, True]))
    assert kept["session_id"].tolist() == ["e", "b", "a", "d"]
    indexed, rows_of = index_sessions(ordered)
    assert indexed is ordered
    assert {k: (v.start, v.stop) for k, v in rows_of.items()} == {"S1": (0, 1), "S10": (1, 2), "S2": (2, 5)}
