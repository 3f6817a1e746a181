"""Recognising column headers: folding, synonyms per table, and finding the header row.

Exports name columns in their own words (`Employee Number`, `Sup Date`, `Duration
(hours)`). A header is folded (case, spaces, punctuation, camelCase and bracketed
notes removed) and then matched, in order of confidence, against:

3. the user's mapping file (`columns = {"Emp Ref" = "staff_id"}`);
2. the canonical name or one of the documented synonyms for this table;
1. the same after dropping a prefix that names the table or event (`Supervision
   Date`, `Allocation Start Date`) or a suffix `of <table>` (`Date of Appraisal`).

A header's name may mean more than one column (`Allocated To` is the allocated worker,
or after the prefix `Allocated` the end date). Which header is which column, where
names compete, is decided in one place, `decide_columns`: the values of the first rows
settle it when they can (a column of dates is not an id column); a tie they cannot
settle is reported and neither column is used, never guessed. Every synonym here is
listed in `docs/data.md` (a test checks that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .values import is_null, parse_date, to_text

# --------------------------------------------------------------------------- synonyms

#: Case-table headers for the child or case reference (allocations and case discussions).
CASE_ID_SYNONYMS: tuple[str, ...] = (
    "child id",
    "client id",
    "person id",
    "case reference",
    "case number",
    "mosaic id",
    "lcs id",
    "case ref",
    "child number",
    "client number",
    "person number",
    "case",
)


SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "staff": {
        "staff_id": (
            "employee number",
            "employee no",
            "employee id",
            "employee ref",
            "person number",
            "person id",
            "payroll number",
            "payroll no",
            "payroll id",
            "worker id",
            "staff number",
            "staff no",
            "staff ref",
            "assignment number",
        ),
        "name": ("full name", "staff name", "employee name", "worker name", "display name"),
        "first_name": ("forename", "forenames", "given name", "first names"),
        "last_name": ("surname", "family name", "last names"),
        "role": ("job title", "post title", "position", "job role", "job name"),
        "team": ("team name", "service", "unit", "department", "service area"),
        "line_manager_id": (
            "manager id",
            "line manager",
            "manager employee number",
            "reports to",
            "line manager employee number",
            "line manager number",
            "manager number",
            "manager",
            "line manager ref",
            "manager ref",
        ),
        "start_date": (
            "start date",
            "date started",
            "employment start",
            "hire date",
            "contract start",
            "start",
            "date joined",
            "continuous service date",
            "employment start date",
            "contract start date",
        ),
        "end_date": (
            "leaving date",
            "leave date",
            "termination date",
            "date left",
            "contract end",
            "end",
            "leaver date",
            "contract end date",
            "employment end date",
        ),
        "case_holding": ("case holder", "holds cases", "case holding worker"),
        "registered_social_worker": (
            "swe registered",
            "registered",
            "sw registered",
            "registration",
            "registered sw",
            "social work england registered",
            "registered social worker",
        ),
        "registration_expires": (
            "registration expiry",
            "swe expiry",
            "registration expiry date",
            "registration renewal date",
            "swe registration expiry",
        ),
        "asye_start": ("asye start date", "nqsw start", "nqsw start date"),
        "enhanced_from": (
            "enhanced supervision from",
            "enhanced start",
            "enhanced supervision start",
            "fortnightly supervision from",
        ),
        "enhanced_until": (
            "enhanced supervision until",
            "enhanced end",
            "enhanced supervision end",
            "enhanced to",
            "enhanced supervision to",
            "fortnightly supervision until",
        ),
        "fte": ("full time equivalent", "wte", "whole time equivalent"),
        "agency": ("agency worker", "is agency", "locum", "agency staff"),
        "email": ("email address", "e mail", "work email", "email addr"),
        "registration_number": (
            "swe reg no",
            "swe registration number",
            "swe registration no",
            "swe number",
            "swe no",
            "swe id",
            "social work england number",
            "social work england registration number",
            "registration number",
            "registration no",
            "professional registration number",
            "hcpc number",
            "hcpc registration number",
        ),
    },
    "supervisions": {
        "session_id": ("supervision id", "record id", "session ref", "supervision ref", "id"),
        "supervisee_id": (
            "supervisee",
            "employee number",
            "staff id",
            "worker id",
            "supervisee number",
            "employee id",
            "person number",
            "payroll number",
            "worker",
            "staff number",
        ),
        "supervisor_id": (
            "supervisor",
            "supervised by",
            "manager id",
            "supervisor number",
            "supervisor employee number",
            "supervisor ref",
        ),
        "date": ("date", "supervision date", "session date", "date held", "meeting date"),
        "duration_minutes": (
            "duration",
            "length",
            "duration mins",
            "minutes",
            "mins",
            "duration minutes",
            "duration hours",
            "duration hrs",
            "hours",
            "time spent",
        ),
        "start_time": ("time started", "from", "time from", "start"),
        "end_time": ("time ended", "finish time", "to", "time to", "end", "finish"),
        "type": ("supervision type", "session type"),
        "status": ("outcome", "held", "took place", "attendance", "session status"),
        "interrupted": ("was interrupted", "disrupted"),
        "signed_by_supervisee": (
            "supervisee signed",
            "signed supervisee",
            "signed off by supervisee",
            "supervisee sign off",
        ),
        "signed_by_supervisor": (
            "supervisor signed",
            "signed supervisor",
            "signed off by supervisor",
            "supervisor sign off",
        ),
    },
    "absences": {
        "staff_id": (
            "employee number",
            "employee id",
            "person number",
            "payroll number",
            "worker id",
            "staff number",
        ),
        "start_date": ("start date", "first day", "date from", "from", "start", "absence from"),
        "end_date": ("end date", "last day", "date to", "to", "end", "absence to", "until"),
        "reason": ("absence reason", "absence type", "type", "leave type", "category"),
    },
    "allocations": {
        "case_id": CASE_ID_SYNONYMS,
        "worker_id": (
            "allocated worker",
            "practitioner",
            "worker",
            "social worker id",
            "staff id",
            "allocated worker id",
            "worker number",
            "employee number",
            "practitioner id",
            "allocated to",
            "key worker",
            "lead worker",
        ),
        "start_date": (
            "start date",
            "allocation start",
            "allocated from",
            "allocation from",
            "allocated date",
            "date allocated",
            "date from",
            "from",
            "start",
        ),
        "end_date": (
            "end date",
            "allocation end",
            "allocation to",
            "allocated to date",
            "allocated until",
            "deallocated date",
            "date deallocated",
            "date ended",
            "date to",
            "to",
            "until",
            "end",
        ),
    },
    "case_discussions": {
        "case_id": CASE_ID_SYNONYMS,
        "worker_id": (
            "allocated worker",
            "practitioner",
            "worker",
            "social worker id",
            "staff id",
            "worker number",
            "employee number",
            "practitioner id",
            "supervisee",
        ),
        "date": ("date", "discussion date", "date discussed", "date of discussion"),
        "recorded_date": (
            "date recorded",
            "recorded on",
            "date on file",
            "entered date",
            "recorded",
            "date entered",
            "recorded date",
        ),
        "session_id": ("supervision id", "supervision session id", "session ref"),
        "decided_by": ("decision maker", "decided by", "decision by", "manager", "supervisor"),
    },
    "agreements": {
        "staff_id": (
            "employee number",
            "employee id",
            "person number",
            "payroll number",
            "worker id",
            "supervisee",
            "supervisee id",
            "staff number",
        ),
        "supervisor_id": ("supervisor", "manager id", "supervisor number"),
        "signed_date": ("date signed", "agreement date", "signed on", "date agreed"),
        "signed_by_supervisee": ("supervisee signed", "signed supervisee"),
        "signed_by_supervisor": ("supervisor signed", "signed supervisor"),
    },
    "appraisals": {
        "staff_id": (
            "employee number",
            "employee id",
            "person number",
            "payroll number",
            "worker id",
            "staff number",
        ),
        "date": ("date", "appraisal date", "review date", "date held", "date completed"),
    },
}
"""Header synonyms per table and canonical column (the canonical name always matches)."""

AUX_COLUMNS: dict[str, frozenset[str]] = {
    "staff": frozenset({"first_name", "last_name"}),
    "supervisions": frozenset({"start_time", "end_time"}),
}
"""Columns that are not model fields but feed one (name; duration_minutes)."""

PREFIXES: dict[str, tuple[str, ...]] = {
    "staff": ("staff", "employee", "employment", "worker", "person", "contract"),
    "supervisions": ("supervision", "session", "sup", "supervision session", "meeting"),
    "absences": ("absence", "leave", "sickness", "absence period"),
    "allocations": ("allocation", "allocated", "case", "case allocation", "involvement", "worker allocation"),
    "case_discussions": ("discussion", "case discussion", "case supervision", "supervision", "case"),
    "agreements": ("agreement", "supervision agreement", "contract"),
    "appraisals": ("appraisal", "annual appraisal", "review", "pdr"),
}
"""Words naming the table or event that may come before a column name, or after it as
`of <prefix>` (`Supervision Date`, `Date of Supervision`)."""

IGNORED: dict[str, tuple[str, ...]] = {
    "staff": ("notes", "comments"),
    "supervisions": (
        "supervisee name",
        "supervisor name",
        "worker name",
        "staff name",
        "employee name",
        "name",
        "team",
        "team name",
        "notes",
        "comments",
        "location",
        "venue",
    ),
    "absences": (
        "name",
        "employee name",
        "staff name",
        "team",
        "notes",
        "comments",
        "days",
        "duration",
        "hours",
    ),
    "allocations": ("child name", "client name", "person name", "worker name", "team", "name", "notes"),
    "case_discussions": (
        "child name",
        "client name",
        "person name",
        "worker name",
        "team",
        "notes",
        "summary",
        "discussion",
        "decision",
        "actions",
    ),
    "agreements": ("name", "supervisee name", "supervisor name", "team", "notes"),
    "appraisals": ("name", "employee name", "staff name", "team", "notes", "outcome", "rating"),
}
"""Columns exports commonly carry that supcheck does not need (names for display, free
text). They are skipped without a finding; any other unknown header gets one."""

UNIT_WORDS: dict[str, str] = {
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
}
"""Units recognised in a duration header, in brackets (`Duration (hours)`) or trailing."""

_SYNONYM_UNITS: dict[str, str] = {
    "durationmins": "minutes",
    "minutes": "minutes",
    "mins": "minutes",
    "durationminutes": "minutes",
    "durationhours": "hours",
    "durationhrs": "hours",
    "hours": "hours",
}

# --------------------------------------------------------------------------- folding

_BRACKETS = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")
_CAMEL_1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL_2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Folded:
    """A header reduced to words, with any unit found in brackets.

    `words` (and `key`) leave out bracketed notes, for matching synonyms; `exact` is the
    whole header folded, brackets and their content included, for matching the keys of
    a mapping file, which name headers as the export writes them."""

    text: str
    words: tuple[str, ...]
    unit: str | None
    exact: str = ""

    @property
    def key(self) -> str:
        return "".join(self.words)


def fold_words(text: str) -> tuple[str, ...]:
    """`Staff ID`, `staff-id`, `STAFF_ID`, `StaffId` -> ("staff", "id")."""
    text = text.replace("#", " number ").replace("\ufeff", "")
    text = _CAMEL_2.sub(" ", _CAMEL_1.sub(" ", text))
    return tuple(word for word in _NON_ALNUM.split(text.lower()) if word)


def fold_key(text: str) -> str:
    """Words run together: the key headers, synonyms and file names are compared by."""
    return "".join(fold_words(text))


def fold_header(cell: object) -> Folded:
    text = to_text(cell).replace("\ufeff", "").strip()
    unit = None
    for inner in _BRACKETS.findall(text):
        words = fold_words(inner)
        if len(words) == 1 and words[0] in UNIT_WORDS:
            unit = UNIT_WORDS[words[0]]
        elif len(words) == 2 and words[0] == "in" and words[1] in UNIT_WORDS:
            unit = UNIT_WORDS[words[1]]
    return Folded(text, fold_words(_BRACKETS.sub(" ", text)), unit, fold_key(text))


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    column: str
    level: int  # 3 mapping, 2 exact name or synonym, 1 after dropping a prefix
    unit: str | None = None


@dataclass
class HeaderMatcher:
    """Matches folded headers against one table's canonical columns and synonyms.

    `mapped` and `ignored` hold a mapping file's headers folded with their brackets
    (`fold_key`), and are compared with `Folded.exact`: `Boss (Worker No)` in a mapping
    names that header and no other."""

    table: str
    mapped: Mapping[str, str] = field(default_factory=dict)  # fold_key(header) -> canonical
    ignored: frozenset[str] = frozenset()  # fold_key(header) the mapping says to ignore

    def __post_init__(self) -> None:
        self.exact: dict[str, str] = {}
        for column, synonyms in SYNONYMS[self.table].items():
            for phrase in (column, *synonyms):
                self.exact.setdefault(fold_key(phrase), column)
        self.prefixes = sorted((fold_words(p) for p in PREFIXES[self.table]), key=len, reverse=True)
        self.skip = frozenset(fold_key(p) for p in IGNORED.get(self.table, ()))
        self._cache: dict[str, tuple[Match, ...]] = {}

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(SYNONYMS[self.table])

    def is_ignored(self, folded: Folded) -> bool:
        return folded.exact in self.ignored or folded.key in self.skip

    def match(self, folded: Folded) -> Match | None:
        """The canonical column a header most likely means, or None."""
        readings = self.readings(folded)
        return readings[0] if readings else None

    def readings(self, folded: Folded) -> tuple[Match, ...]:
        """Every canonical column a header's name can mean, most confident first: the
        mapping file's column alone, else the synonym it is, then what it means after
        dropping a prefix (`Allocated To`: worker_id, then end_date)."""
        if folded.exact and folded.exact in self.mapped:
            return (Match(self.mapped[folded.exact], 3, folded.unit),)
        if not folded.words or folded.exact in self.ignored:
            return ()
        cache_key = folded.key
        if cache_key not in self._cache:
            self._cache[cache_key] = self._match_words(folded.words)
        found = []
        for reading in self._cache[cache_key]:
            unit = (folded.unit or reading.unit) if reading.column == "duration_minutes" else None
            found.append(Match(reading.column, reading.level, unit))
        return tuple(found)

    def _exact(self, words: Sequence[str]) -> Match | None:
        key = "".join(words)
        column = self.exact.get(key)
        if column is not None:
            return Match(column, 2, _SYNONYM_UNITS.get(key))
        if len(words) >= 2 and words[-1] in UNIT_WORDS:
            stem = list(words[:-1])
            if len(stem) >= 2 and stem[-1] == "in":
                stem.pop()
            column = self.exact.get("".join(stem))
            if column == "duration_minutes":
                return Match(column, 2, UNIT_WORDS[words[-1]])
        return None

    def _match_words(self, words: tuple[str, ...]) -> tuple[Match, ...]:
        """The exact reading first, then those after a prefix (longest prefix first), one
        per column."""
        found: dict[str, Match] = {}
        exact = self._exact(words)
        if exact is not None:
            found[exact.column] = exact
        for prefix in self.prefixes:
            n = len(prefix)
            stems = []
            if len(words) > n and words[:n] == prefix:
                stems.append(words[n:])
            if len(words) > n + 1 and words[-n:] == prefix and words[-n - 1] == "of":
                stems.append(words[: -n - 1])
            for stem in stems:
                match = self._exact(stem)
                if match is not None and match.column not in found:
                    found[match.column] = Match(match.column, 1, match.unit)
        return tuple(found.values())

    def spellings(self, column: str) -> list[str]:
        """What was looked for, for error messages."""
        mapped = [key for key, target in self.mapped.items() if target == column]
        return [column, *SYNONYMS[self.table][column], *mapped]


# --------------------------------------------------------------------------- competing headers

SAMPLE_ROWS = 200
"""Data rows below the header whose cells may settle which header is which column. They
are looked at only where names compete, a few hundred cells per column at most."""

DATE_KINDS = frozenset({"date", "end_date"})
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Fit:
    """How a column's first values suit a column kind: `score` 2 they fit, 1 they cannot
    tell (blank, or only numbers that could be Excel date serials), 0 they contradict
    it; `says` describes them for a finding ("its values are mostly dates")."""

    score: int
    says: str


def _value_class(cell: object) -> str | None:
    """None (blank or a placeholder), "date" (a date cell or a written date), "serial"
    (digits that could be an Excel date serial or a yyyymmdd date, or an id) or "other"."""
    if cell is None or is_null(cell):
        return None
    if isinstance(cell, date):  # datetime too
        return "date"
    if isinstance(cell, bool):
        return "other"
    if isinstance(cell, (int, float)) or (isinstance(cell, str) and _DIGITS.match(cell.strip())):
        try:
            parse_date(cell)
        except ValueError:
            return "other"
        return "serial"
    if isinstance(cell, str):
        for month_first in (False, True):
            try:
                parse_date(cell, month_first=month_first)
            except ValueError:
                continue
            return "date"
    return "other"


def value_fit(kind: str | None, cells: Iterable[object]) -> Fit:
    """How `cells` (a column's first values) suit a column of `kind`. Only dates and ids
    are told apart: "mostly" is more than half of the non-blank cells."""
    counts = {"date": 0, "serial": 0, "other": 0}
    for cell in cells:
        found = _value_class(cell)
        if found is not None:
            counts[found] += 1
    total = sum(counts.values())
    if total == 0:
        return Fit(1, f"it is blank in its first {SAMPLE_ROWS} rows")
    dates = counts["date"]
    if kind in DATE_KINDS:
        if dates * 2 > total:
            return Fit(2, "its values are dates")
        if (dates + counts["serial"]) * 2 > total:
            return Fit(1, "its values are numbers, not written dates")
        return Fit(0, "its values are mostly not dates")
    if kind == "id":
        if dates * 2 > total:
            return Fit(0, "its values are mostly dates")
        return Fit(2, "its values are not dates")
    return Fit(1, "")


@dataclass
class Heading:
    """One header cell and the columns its name can mean (`HeaderMatcher.readings`)."""

    index: int
    text: str
    readings: tuple[Match, ...]


@dataclass(frozen=True)
class Ignored:
    """A header that reads as `column` but is not used for it: `used` is the header that
    is (None when the top headers tie), `why` what settled it, or ""."""

    heading: Heading
    column: str
    used: Heading | None
    why: str = ""


@dataclass
class Decision:
    used: dict[str, tuple[Heading, Match]] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)
    tied: dict[str, list[Heading]] = field(default_factory=dict)  # column -> headers, none used


def decide_columns(
    headings: Sequence[Heading],
    kinds: Mapping[str, str],
    sample: Callable[[], Sequence[Sequence[object]]],
) -> Decision:
    """Which header is which column, where names compete.

    1. A header whose name can mean several columns keeps only those its values do not
       contradict (while one is left): `Allocated To` over dates is the end date, over
       ids the worker.
    2. Where several headers read as one column, they rank by: the mapping file (the
       user said so); then their values (`value_fit`: dates for a date column, anything
       but dates for an id column, and values that fit beat a blank column); then the
       name (a listed synonym over one found after dropping a prefix); then a name that
       can mean only this column over one that can mean another. The first is used if
       it ranks above every other; the others go on to their next reading, if they have
       one (`Allocated To` beside `Worker ID`), and the offers are compared again.
    3. Headers left with no other reading are ignored; headers that tie at the top are
       all left unused (`tied`), for the caller to report, and to stop on when the
       column is needed.

    `kinds` gives each column's kind; `sample` the data rows below the header (read
    only if values are needed, and at most `SAMPLE_ROWS` of them)."""
    rows: list[Sequence[object]] | None = None
    fits: dict[tuple[int, str], Fit] = {}

    def fit(heading: Heading, column: str) -> Fit:
        nonlocal rows
        key = (heading.index, kinds.get(column, ""))
        if key not in fits:
            if rows is None:
                rows = list(sample())[:SAMPLE_ROWS]
            index = heading.index
            cells = (row[index] for row in rows if index < len(row))
            fits[key] = value_fit(kinds.get(column), cells)
        return fits[key]

    readings: dict[int, list[Match]] = {}
    for heading in headings:
        offered = list(heading.readings)
        if len(offered) > 1:
            fitting = [r for r in offered if fit(heading, r.column).score > 0]
            offered = fitting or offered
        readings[heading.index] = offered
    at = dict.fromkeys(readings, 0)  # which reading each header offers now

    def rank(heading: Heading) -> tuple[bool, int, int, bool]:
        reading = readings[heading.index][at[heading.index]]
        column = reading.column
        last = at[heading.index] == len(readings[heading.index]) - 1
        return (reading.level == 3, fit(heading, column).score, reading.level, last)

    def offers() -> dict[str, list[Heading]]:
        by_column: dict[str, list[Heading]] = {}
        for heading in headings:
            if readings[heading.index]:
                column = readings[heading.index][at[heading.index]].column
                by_column.setdefault(column, []).append(heading)
        return by_column

    def ranked(group: list[Heading]) -> tuple[list[Heading], list[Heading]]:
        """The group's top headers (one, or several that tie) and the rest, best first."""
        order = sorted(group, key=rank, reverse=True)  # (stable: ties keep header order)
        top = rank(order[0])
        count = sum(1 for heading in order if rank(heading) == top)
        return order[:count], order[count:]

    moved = True
    while moved:
        moved = False
        for group in offers().values():
            if len(group) < 2:
                continue
            for loser in ranked(group)[1]:
                if at[loser.index] + 1 < len(readings[loser.index]):
                    at[loser.index] += 1
                    moved = True

    decision = Decision()
    for column, group in offers().items():
        if len(group) == 1:
            decision.used[column] = (group[0], readings[group[0].index][at[group[0].index]])
            continue
        best, rest = ranked(group)
        winner = best[0] if len(best) == 1 else None
        if winner is None:
            decision.tied[column] = best
        else:
            decision.used[column] = (winner, readings[winner.index][at[winner.index]])
        top = rank(best[0])
        for loser in rest:
            why = ""
            if winner is not None and not top[0] and rank(loser)[1] < top[1]:
                why = fit(loser, column).says  # the values settled it
            decision.ignored.append(Ignored(loser, column, winner, why))
    return decision


# --------------------------------------------------------------------------- header row

HEADER_SEARCH_ROWS = 30
"""How many rows at the top of a file may be titles ("Supervision Activity Report",
"Run date: ...") before the header row."""


def _row_columns(matcher: HeaderMatcher, cells: Iterable[object]) -> set[str]:
    found: set[str] = set()
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if not isinstance(cell, str):
            continue  # headers are text; numbers and dates are data
        match = matcher.match(fold_header(cell))
        if match is not None:
            found.add(match.column)
    return found


def find_header_row(
    matcher: HeaderMatcher,
    rows: Sequence[tuple[int, Sequence[object]]],
    required: frozenset[str],
) -> int:
    """Index into `rows` of the header: among the first rows, the one that names the most
    known columns (all the required ones if any row does), at least two; the earliest on
    a tie. With no such row, the first non-blank row (whose missing columns are then
    reported by name)."""
    best_index, best_score = -1, (False, 1)
    first_nonblank = -1
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if first_nonblank < 0:
            first_nonblank = index
        found = _row_columns(matcher, cells)
        score = (required <= found, len(found))
        if score > best_score:
            best_index, best_score = index, score
    return best_index if best_index >= 0 else first_nonblank
