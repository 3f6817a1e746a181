"""What every rule kind shares: the context it reads and the base class it extends.

Like yamllint's rules, a rule kind is one small module: a docstring that says what it
checks and why, a pydantic model of its parameters, the tables and columns it needs,
and a `check()` generator that yields findings. Rules never print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import chain
from typing import Any, ClassVar, NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..column_tables import SessionTable, day_objects, isin_keys, optional_days
from ..models import FORMAL_TYPES, Dataset, Finding, Period, Staff
from ..packs import Group, Pack, RuleSpec
from ..schedule import AssessedWindow, SessionIndex, Window
from ..window_judging import AbsenceCover, DatedEvents, ListedWindows, WindowColumns, judge_windows, ordinals


class Assessment(NamedTuple):
    """One thing a rule judged, met or not: a deadline, a recording, a person's year.

    Findings are only the failures; the health check needs the denominators too, and
    reads them from here so that no figure is computed by a second implementation.
    `value` and `required` carry the rule's own numbers (working days taken, sessions
    counted against sessions required) where it has them. (A named tuple: a large
    export makes hundreds of thousands of them.)
    """

    rule: str
    kind: str
    staff_id: str
    met: bool
    start: date | None = None
    end: date | None = None
    case_id: str = ""
    value: float | None = None
    required: float | None = None


class Ids(Sequence[str]):
    """A column of ids as the tables hold theirs: int32 codes into the distinct ids.
    The case rules judge 14 million deadlines over five years of a national export;
    their ids then take 4 bytes each, not 8 (a reference), and are made into strings
    only when read."""

    def __init__(self, codes: np.ndarray, ids: np.ndarray):
        self.codes = codes
        self.ids = ids

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index: Any) -> Any:
        """One id (a position), or an array of them (a slice, positions, a mask)."""
        return self.ids[self.codes[index]]

    def __iter__(self) -> Iterator[str]:
        for a in range(0, len(self), _BLOCK):
            yield from self.ids[self.codes[a : a + _BLOCK]].tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.ids[self.codes] if dtype is None else self.ids[self.codes].astype(dtype)


class Days(Sequence[date]):
    """A column of days as int32 numbers (days since 1970-01-01, as `datetime64[D]`
    counts them, none missing): half the memory of `datetime64[D]` for the 14 million
    deadlines of five years of a national export. Read as `datetime64[D]` arrays."""

    def __init__(self, numbers: np.ndarray):
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index: Any) -> Any:
        """The days at `index` (a slice, positions, a mask) as `datetime64[D]`, or one `date`."""
        picked = self.numbers[index]
        if isinstance(picked, np.ndarray):
            return picked.astype("datetime64[D]")
        return np.datetime64(int(picked), "D").astype(date)

    def __iter__(self) -> Iterator[date]:
        for a in range(0, len(self), _BLOCK):
            yield from day_objects(self[a : a + _BLOCK])

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        days = self.numbers.astype("datetime64[D]")
        return days if dtype is None else days.astype(dtype)


@dataclass
class AssessmentColumns:
    """Many judgements of one rule as columns (equal-length sequences or numpy arrays,
    dates as `datetime64[D]`), for the rules that judge a whole table at once: the case
    rules make millions over a long period, and a check that only reports never needs
    them as tuples (iterating builds them a block at a time)."""

    rule: str
    kind: str
    staff_id: Sequence[str]
    met: Sequence[bool]
    start: Sequence[date | None]
    end: Sequence[date | None]
    case_id: Sequence[str]
    value: Sequence[float | None] | None = None
    required: Sequence[float | None] | None = None

    def __len__(self) -> int:
        return len(self.staff_id)

    def __iter__(self) -> Iterator[Assessment]:
        n = len(self)
        for a in range(0, n, _BLOCK):
            b = min(a + _BLOCK, n)
            columns = [
                _python(column[a:b])
                for column in (self.staff_id, self.met, self.start, self.end, self.case_id)
            ]
            for extra in (self.value, self.required):
                columns.append([None] * (b - a) if extra is None else _python(extra[a:b]))
            for sid, met, start, end, case_id, value, required in zip(*columns, strict=True):
                yield Assessment(self.rule, self.kind, sid, bool(met), start, end, case_id, value, required)


_BLOCK = 1 << 16


def _python(column: Sequence[Any]) -> list[Any]:
    """A block of a column as Python values (`date`s for `datetime64` days, None for NaT)."""
    if isinstance(column, np.ndarray):
        return optional_days(column) if column.dtype.kind == "M" else column.tolist()
    return list(column)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


IndexedSessions = tuple[SessionTable, dict[str, slice]]


def index_sessions(sessions: SessionTable) -> IndexedSessions:
    """The sessions sorted by supervisee id, then date (file order on the same day), and
    each supervisee's rows in that order. Sessions already in that order (`integrity`
    keeps them so) are not copied: at national size each copy is 160 MB."""
    if not len(sessions):
        return sessions, {}

    ordered = sessions.in_rule_order()
    codes, people = ordered.codes("supervisee_id")
    starts = np.r_[0, np.flatnonzero(np.diff(codes)) + 1]
    ends = np.r_[starts[1:], len(codes)]
    rows = {
        people[code]: slice(a, b)
        for code, a, b in zip(codes[starts].tolist(), starts.tolist(), ends.tolist(), strict=True)
    }
    return ordered, rows


@dataclass
class RuleContext:
    """Everything a rule may read, indexed once per run.

    `sessions` is the supervisions table sorted by supervisee, then date, and
    `session_rows` each supervisee's slice of it: rules read a person's sessions as
    array slices, or judge the whole table at once with the masks below."""

    data: Dataset
    pack: Pack
    period: Period
    as_of: date
    groups: dict[str, Group]
    #: The first day the rule's tables cover (`coverage`): a window, month or gap that
    #: starts before it is not judged (the export may lack its sessions). None: no limit.
    #: (The last day they cover is already `as_of`: the engine brings it back.)
    known_from: date | None = None
    sessions: SessionTable = field(default_factory=SessionTable.empty)
    session_rows: dict[str, slice] = field(default_factory=dict)
    #: Every window judged by a window-based rule (a rule's at a time, as columns), for
    #: the summary and the health check.
    windows: list[WindowColumns] = field(default_factory=list)
    #: Every other judgement (met or not) of the rules that are not window-based...
    assessments: list[Assessment] = field(default_factory=list)
    #: ... and those made a table at a time.
    assessment_columns: list[AssessmentColumns] = field(default_factory=list)
    #: Masks over `sessions` that rules share, computed once (`mask`).
    masks: dict[tuple, np.ndarray] = field(default_factory=dict)
    #: `dated_sessions`' and `session_index`'s lists, by mask.
    _listed: dict[Any, tuple] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ session masks

    @cached_property
    def held(self) -> np.ndarray:
        return self.sessions["status"] == "held"

    @cached_property
    def held_formal(self) -> np.ndarray:
        """Held individual, group or professional sessions (the ones a record is kept of)."""
        return self.held & isin_keys(self.sessions["type"], FORMAL_TYPES)

    @cached_property
    def sessions_in_run(self) -> np.ndarray:
        """Sessions dated in the period and on or before as_of (`in_period`)."""
        day = self.sessions["date"]
        return (day >= np.datetime64(self.period.start)) & (day <= np.datetime64(self.judged))

    def mask(self, key: tuple, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The mask over `sessions` named `key`, made by `make()` the first time it is asked
        for (rules share them, and `dated_sessions` lists each mask's sessions once)."""
        mask = self.masks.get(key)
        if mask is None:
            mask = self.masks[key] = make()
        return mask

    def qualifying(self, group_supervision: bool) -> np.ndarray:
        """Over `sessions`: the sessions that count towards a frequency window (pinned
        detail 7): held individual ones, and group ones where the group allows them.
        Rules and the health check (its gaps between sessions) read the same mask."""
        counted = {"individual", "group"} if group_supervision else {"individual"}
        return self.mask(
            ("qualifying", group_supervision), lambda: self.held & isin_keys(self.sessions["type"], counted)
        )

    def applies_to_supervisee(self, rule_id: str) -> np.ndarray:
        """Sessions of staff whose group applies the rule."""
        groups = self.groups
        return self.sessions.map_ids(
            "supervisee_id", lambda i: i in groups and groups[i].applies(rule_id), bool
        )

    def judged_sessions(self, rule_id: str) -> np.ndarray:
        """Positions in `sessions` of the held formal sessions in the run of staff under
        the rule: in staff id order, then date order, as `staff_under` would visit them."""
        return np.flatnonzero(self.held_formal & self.sessions_in_run & self.applies_to_supervisee(rule_id))

    def sessions_at(self, positions: np.ndarray) -> list[tuple[Staff, date, str]]:
        """The supervisee, date and type of each session at `positions` of `sessions` (for
        the messages of findings about them; converted together, not one at a time)."""
        staff = self.data.staff
        people = [staff[i] for i in self.sessions.at("supervisee_id", positions).tolist()]
        days = day_objects(self.sessions["date"][positions])
        return list(zip(people, days, self.sessions["type"][positions].tolist(), strict=True))

    def session_index(self, staff_id: str, counted: np.ndarray) -> SessionIndex:
        """One person's sessions where `counted` (a mask over `sessions`), by date.

        Read from `dated_sessions`: everyone's are listed once per mask as dates and
        ids, and each person's are a slice of those lists (the health check asks for
        tens of thousands of people)."""
        events, ids = self.dated_sessions(counted)
        key = ("index", id(counted))
        listed = self._listed.get(key)
        if listed is None:
            dates = day_objects(self.sessions["date"][events.positions])
            listed = self._listed[key] = (counted, events.person_bounds(), dates, ids.tolist())
        _, bounds, dates, id_list = listed
        rank = events.rank.get(staff_id)
        if rank is None:
            return SessionIndex()
        lo, hi = bounds[rank], bounds[rank + 1]
        return SessionIndex(dates[lo:hi], id_list[lo:hi])

    def dated_sessions(self, counted: np.ndarray) -> tuple[DatedEvents, np.ndarray]:
        """The sessions where `counted` (a mask over `sessions`), as person-day keys for
        judging windows on arrays, and their session ids; made once per mask."""
        key = ("dated", id(counted))
        made = self._listed.get(key)
        if made is None:
            people = list(self.session_rows)
            lengths = [rows.stop - rows.start for rows in self.session_rows.values()]
            ranks = np.repeat(np.arange(len(people)), lengths)
            days = self.sessions["date"]
            positions = np.flatnonzero(counted & ~np.isnat(days))
            events = DatedEvents(people, ranks[positions], ordinals(days[positions]), positions)
            made = self._listed[key] = (counted, events, self.sessions.at("session_id", positions))
        return made[1], made[2]

    @cached_property
    def absence_cover(self) -> AbsenceCover:
        """Everyone's absences, for counting absent days on arrays."""
        table = self.data.absences
        codes, people = table.codes("staff_id")
        first, last = table["start_date"], table["end_date"]
        known = ~np.isnat(first) & ~np.isnat(last)
        return AbsenceCover(people.tolist(), codes[known], ordinals(first[known]), ordinals(last[known]))

    def judge_windows(
        self, rule_id: str, listed: ListedWindows, counted: np.ndarray
    ) -> Iterator[tuple[Staff, Window]]:
        """Judge the listed windows of staff (`listed.people`) against their sessions where
        `counted` (a mask over `sessions`) and their absences; keep the judgements for
        the summary and the health check, and return the missed windows with whose
        they are, in the order listed."""
        sessions, session_ids = self.dated_sessions(counted)
        ids = [staff.staff_id for staff in listed.people]
        judged = judge_windows(rule_id, ids, listed, sessions, session_ids, self.absence_cover)
        self.windows.append(judged)
        owner = judged.owner
        return ((listed.people[owner[i]], listed.windows[i]) for i in judged.missed().tolist())

    def covered(self, windows: tuple[Window, ...]) -> tuple[Window, ...]:
        """The windows (in date order) that start on or after `known_from`."""
        known_from = self.known_from
        if known_from is None or not windows or windows[0].start >= known_from:
            return windows
        return tuple(w for w in windows if w.start >= known_from)

    def all_windows(self) -> Iterator[AssessedWindow]:
        return chain.from_iterable(self.windows)

    def all_assessments(self) -> Iterator[Assessment]:
        return chain(self.assessments, *self.assessment_columns)

    @property
    def judged(self) -> date:
        """J: the date staff-level rules are judged on (the period's end, or as_of if earlier)."""
        return min(self.period.end, self.as_of)

    def staff_under(self, rule_id: str) -> list[tuple[Staff, Group]]:
        """Staff whose group applies the rule, in staff id order."""
        applies = {id(group): group.applies(rule_id) for group in self.groups.values()}
        return [(staff, group) for staff, group in self._staff_in_order if applies[id(group)]]

    @cached_property
    def _staff_in_order(self) -> list[tuple[Staff, Group]]:
        """Every staff member with a group, in staff id order (sorted once, not per rule)."""
        return [(self.data.staff[staff_id], self.groups[staff_id]) for staff_id in sorted(self.groups)]

    def in_period(self, day: date) -> bool:
        """A dated event belongs to this run: in the period and knowable on as_of."""
        return day in self.period and day <= self.as_of


class Rule:
    """Base of every rule kind. Subclasses set `kind`, `Params`, `needs` and `check()`."""

    kind: ClassVar[str]
    Params: ClassVar[type[BaseModel]] = NoParams
    #: (table, column) pairs the rule cannot be assessed without; column None = table only.
    needs: ClassVar[tuple[tuple[str, str | None], ...]] = (("supervisions", None),)

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self.params = self.Params.model_validate(spec.params)

    def missing_input(self, data: Dataset) -> str | None:
        """Why the rule cannot be assessed on this data, or None when it can."""
        for table, column in self.needs:
            if not data.has_table(table):
                return data.unread.get(table) or f"no {table} table"
            if column is not None and not data.has_column(table, column):
                return data.tables[table].unread.get(column) or f"no {column} column in the {table} table"
        return None

    def not_assessable(self, ctx: RuleContext) -> str | None:
        """Why the rule cannot be judged for this period and as_of (e.g. its year has not
        ended yet), or None when it can. Checked by the engine after `missing_input`."""
        return None

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def assess(
        self,
        ctx: RuleContext,
        staff: Staff,
        met: bool,
        start: date | None = None,
        end: date | None = None,
        *,
        case_id: str = "",
        value: float | None = None,
        required: float | None = None,
    ) -> None:
        """Record one judgement, met or not, for the summary figures of the health check."""
        ctx.assessments.append(
            Assessment(self.spec.id, self.kind, staff.staff_id, met, start, end, case_id, value, required)
        )

    def finding(
        self,
        staff: Staff,
        start: date | None,
        end: date | None,
        message: str,
        *,
        case_id: str = "",
    ) -> Finding:
        return Finding(
            kind=self.kind,
            rule=self.spec.id,
            severity=self.spec.severity,
            staff_id=staff.staff_id,
            case_id=case_id,
            start=start,
            end=end,
            message=message,
            source=self.spec.source,
            team=staff.team,
            staff_name=staff.name,
        )
