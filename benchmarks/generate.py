"""Generate a realistic, messy set of exports of any size, for the benchmark.

    python benchmarks/generate.py --staff 3000 --years 1 --out /tmp/council

This is not the sample council (`sample_data/generate.py` plants exact findings in 42
people); it is a volume generator. It models a department as teams of 16 posts (team
manager, practice supervisor, senior and advanced practitioners, social workers, an
NQSW in the ASYE, family support workers, business support) under service managers,
with turnover (a leaver's post is filled a month or three later and their open cases
pass to the successor), and writes, over the last `years` years up to 31 October 2026:

- staff: everyone employed at some time in the window: `staff` posts (the headcount on
  any day), plus the leavers and their successors (about 12% of posts turn over a year);
- supervisions: monthly per person (NQSWs weekly for six weeks, then fortnightly to six
  months), some months missed, cancelled and DNA rows with a rebooking, informal
  catch-ups, quarterly group sessions for support staff, a few bad rows;
- absences: annual leave, short and long sickness;
- allocations: 8 to 18 open cases per case-holding worker, each lasting about eight
  months, reallocated when a worker leaves;
- case_discussions: each allocated case discussed about every six weeks (from four
  months before the window, so that cases open at its start have their history);
- agreements (signed on starting and renewed yearly) and appraisals (yearly).

Formats are as messy as real exports: the staff file is Windows-1252 with title lines
above the header, supervisions are `;`-delimited UTF-8 with a byte-order mark and mixed
date and duration forms, absences have Excel's `sep=;` line, allocations are
tab-separated, case discussions mix `dd/mm/yyyy` with Excel serial numbers. `--xlsx`
writes one workbook per table instead (date cells, numbers for numeric ids).

Fast enough for the national case (35,000 staff over five years: 24 million rows, 1.1 GB,
in about two minutes and 70 MB of memory): rows are streamed to the csv module as they
are made, and every date's text forms are computed once.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

END = date(2026, 10, 31)  # the extracts run to here
DISCUSSIONS_END = date(2026, 11, 13)  # the case system's extract runs a little later
AS_OF = date(2026, 11, 20)
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_MAX_ROWS = 1_048_576
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# A team of 16 posts: (role, case holding, supervised by "tm" team manager / "ps"
# practice supervisor / "sm" service manager).
TEAM = (
    ("Team Manager", False, "sm"),
    ("Practice Supervisor", False, "tm"),
    ("Senior Social Worker", True, "tm"),
    ("Senior Social Worker", True, "tm"),
    ("Advanced Practitioner", True, "tm"),
    ("Senior Practitioner", True, "tm"),
    ("Social Worker", True, "ps"),
    ("Social Worker", True, "ps"),
    ("Social Worker", True, "ps"),
    ("Social Worker", True, "tm"),
    ("Social Worker", True, "tm"),
    ("Social Worker", True, "ps"),
    ("Social Worker (ASYE)", True, "ps"),
    ("Family Support Worker", True, "ps"),
    ("Family Support Worker", True, "tm"),
    ("Business Support Officer", False, "tm"),
)
TEAMS_PER_SERVICE = 8
TEAM_KINDS = (
    "Assessment",
    "Child Protection",
    "Children in Care",
    "Early Help",
    "Disabled Children",
    "Care Leavers",
    "Fostering",
    "MASH",
    "Court",
    "Adolescents",
)
AREAS = ("North", "South", "East", "West", "Central", "City", "County", "Valley")
FIRST = (
    "Margaret",
    "Siân",
    "Zoë",
    "Priya",
    "David",
    "Hannah",
    "Chloé",
    "Jack",
    "Amira",
    "Ewan",
    "Fatima",
    "Oliver",
    "Lucy",
    "Kwame",
    "Megan",
    "Rhys",
    "Sarah",
    "Niamh",
    "Janet",
    "Daniel",
    "Mark",
    "Joanna",
    "Ifeoma",
    "Gareth",
    "Aled",
    "Bethan",
    "Liam",
    "Ana",
    "Thomas",
    "Grace",
    "Emily",
    "Ruth",
    "Paul",
    "Kerry",
    "Mohammed",
    "Linda",
    "Hélène",
    "Craig",
    "Sophie",
    "Tomasz",
)
LAST = (
    "Okafor",
    "Whitfield",
    "Hughes",
    "Adeyemi",
    "Nowak",
    "Raman",
    "Mensah",
    "Clarke",
    "Martin",
    "Thompson",
    "Haddad",
    "MacLeod",
    "Begum",
    "Bennett",
    "Brontë",
    "Parry",
    "Asante",
    "Lloyd",
    "Jenkins",
    "Whitmore",
    "O’Sullivan",
    "Cole",
    "Fraser",
    "Sutherland",
    "Kowalska",
    "Nwosu",
    "Price",
    "Roberts",
    "Morgan",
    "O'Connor",
    "Ferreira",
    "Whitaker",
    "Shaw",
    "Davies",
    "Kershaw",
    "Walsh",
    "Iqbal",
    "Marsh",
    "Dubois",
    "Robson",
    "Turner",
    "Smith",
    "Jones",
    "Patel",
    "Evans",
)


@dataclass
class Person:
    sid: str
    name: str
    role: str
    team: str
    post: int
    start: date
    end: date | None
    case_holding: bool
    registered: bool
    asye: date | None = None
    fte: str = "1"
    agency: bool = False
    manager: str = ""

    def employed(self, lo: date, hi: date) -> bool:
        return self.start <= hi and (self.end is None or self.end >= lo)


@dataclass
class Post:
    index: int
    role: str
    case_holding: bool
    reports_to: str  # tm, ps, sm or "" (a service manager)
    team: str
    team_no: int
    holders: list[Person] = field(default_factory=list)

    def holder_on(self, day: date) -> Person | None:
        for person in self.holders:
            if person.start <= day and (person.end is None or day <= person.end):
                return person
        return None


# --------------------------------------------------------------------------- writers


class TableWriter:
    """One table's file: CSV (with the given encoding, delimiter and lines above the
    header) or a write-only workbook sheet."""

    def __init__(
        self,
        folder: Path,
        stem: str,
        header: list[str],
        *,
        xlsx: bool,
        suffix: str = ".csv",
        encoding: str = "utf-8",
        delimiter: str = ",",
        lines_above: Iterable[str] = (),
        crlf: bool = True,
        sep_line: bool = False,
    ) -> None:
        self.xlsx = xlsx
        self.rows = 0
        self.stem = stem
        above = list(lines_above)
        if xlsx:
            from openpyxl import Workbook

            self.path = folder / f"{stem}.xlsx"
            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet(stem.replace("_", " ").capitalize())
            for line in above:
                self.sheet.append([line] if line else [])
            self.sheet.append(header)
            self.read = {"file": self.path.name, "skiprows": len(above), "sheet": self.sheet.title}
            self.append = self._append_xlsx
        else:
            self.path = folder / f"{stem}{suffix}"
            self.handle = open(self.path, "w", encoding=encoding, newline="", errors="strict")  # noqa: SIM115
            if sep_line:
                self.handle.write(f"sep={delimiter}\r\n")
            for line in above:
                self.handle.write(line + ("\r\n" if crlf else "\n"))
            self.writer = csv.writer(
                self.handle, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n"
            )
            self.writer.writerow(header)
            self.read = {
                "file": self.path.name,
                "encoding": encoding,
                "sep": delimiter,
                "skiprows": len(above) + (1 if sep_line else 0),
            }
            self.append = self._append_csv

    def _append_csv(self, cells: list[Any]) -> None:
        self.rows += 1
        self.writer.writerow(cells)

    def _append_xlsx(self, cells: list[Any]) -> None:
        self.rows += 1
        if self.rows >= EXCEL_MAX_ROWS - 10:
            raise SystemExit(
                f"{self.stem}: more than {EXCEL_MAX_ROWS:,} rows do not fit in one Excel sheet; "
                "use CSV (leave out --xlsx) at this size"
            )
        self.sheet.append(cells)

    def blank_line(self) -> None:
        """A blank line in the middle of the data, as some exports have (not a row)."""
        if not self.xlsx:
            self.handle.write("\r\n")

    def close(self) -> None:
        if self.xlsx:
            self.book.save(self.path)
        else:
            self.handle.close()


# --------------------------------------------------------------------------- the generator


class Council:
    def __init__(self, staff: int, years: int, seed: int = 20261120) -> None:
        self.rng = random.Random(seed)
        self.target = staff
        self.years = years
        self.start = date(END.year - years, END.month, END.day) + timedelta(days=1)  # 1 Nov
        self.people: list[Person] = []
        self.posts: list[Post] = []
        self.managers: dict[tuple[int, str], Post] = {}  # (team number, tm/ps) -> post
        self.service_managers: dict[int, Post] = {}  # service number -> post
        self.days = [
            self.start - timedelta(days=400) + timedelta(days=i)
            for i in range((DISCUSSIONS_END - self.start).days + 430)
        ]
        self.working = [d for d in self.days if d.weekday() < 5]
        self._uk: dict[date, str] = {}
        self._forms: dict[date, tuple[str, str, str, str]] = {}
        self.case_no = 4_100_000
        self.session_no = 100_000
        self._build_people()

    # ---------------------------------------------------------------- people

    def _id(self, n: int) -> str:
        # Most payroll numbers are 7 digits with leading zeros that must survive; some
        # systems prefix them.
        return f"{n:07d}" if n % 10 < 7 else f"E{n:06d}"

    def _name(self) -> str:
        rng = self.rng
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    def _build_people(self) -> None:
        rng = self.rng
        n = 1
        post_index = 0
        team_no = -1
        teams_done = 0
        while len(self.posts) < self.target:
            slot = post_index % (len(TEAM) * TEAMS_PER_SERVICE + 1)
            service = post_index // (len(TEAM) * TEAMS_PER_SERVICE + 1)
            if slot == 0:
                role, holding, reports, team = "Service Manager", False, "", f"Service {service + 1}"
            else:
                position = (slot - 1) % len(TEAM)
                if position == 0:
                    team_no = teams_done
                    teams_done += 1
                role, holding, reports = TEAM[position]
                team = f"{TEAM_KINDS[team_no % len(TEAM_KINDS)]} {AREAS[(team_no // 10) % len(AREAS)]}"
                if team_no >= 80:
                    team += f" {team_no // 80 + 1}"
            post = Post(post_index, role, holding, reports, team, team_no)
            self.posts.append(post)
            if slot == 0:
                self.service_managers[service] = post
            elif role in ("Team Manager", "Practice Supervisor"):
                self.managers[(team_no, "tm" if role == "Team Manager" else "ps")] = post
            post_index += 1
            # The first holder started before the window; turnover about 12% a year.
            begin = self.start - timedelta(days=rng.randint(30, 15 * 365))
            if role == "Social Worker (ASYE)":
                begin = self.start - timedelta(days=rng.randint(0, 300))
            while True:
                # Turnover of about 12% a year: an exponential time in post from the later of
                # starting and the window's start (it has no memory of earlier years).
                leave = max(begin, self.start) + timedelta(days=20 + int(rng.expovariate(0.12 / 365)))
                if leave >= END:
                    leave = None
                person = self._person(n, post, begin, leave)
                n += 1
                post.holders.append(person)
                self.people.append(person)
                if leave is None:
                    break
                begin = leave + timedelta(days=rng.randint(20, 100))
                if begin > END:
                    break
        # A few roles the pack does not know, a few agency workers, a few leavers'
        # end dates before the start date (re-hires), as HR extracts have.
        for person in rng.sample(self.people, max(1, len(self.people) // 500)):
            person.role = rng.choice(("Transformation Lead", "Quality Assurance Officer"))
        for person in self.people:
            post = self.posts[person.post]
            boss = self._supervisor_post(post)
            holder = boss.holder_on(min(END, person.end or END)) if boss else None
            if holder is None and boss is not None and boss.holders:
                holder = boss.holders[-1]
            person.manager = holder.sid if holder is not None and holder is not person else ""

    def _person(self, n: int, post: Post, begin: date, leave: date | None) -> Person:
        rng = self.rng
        asye = begin if post.role == "Social Worker (ASYE)" else None
        registered = post.role not in ("Family Support Worker", "Business Support Officer")
        return Person(
            sid=self._id(n),
            name=self._name(),
            role=post.role,
            team=post.team,
            post=post.index,
            start=begin,
            end=leave,
            case_holding=post.case_holding,
            registered=registered,
            asye=asye,
            fte=rng.choice(("1", "1", "1", "1", "0.8", "0.6", "1.0")),
            agency=post.case_holding and rng.random() < 0.08,
        )

    def _supervisor_post(self, post: Post) -> Post | None:
        if post.reports_to == "sm":
            return self.service_managers.get(post.index // (len(TEAM) * TEAMS_PER_SERVICE + 1))
        if post.reports_to in ("tm", "ps"):
            return self.managers.get((post.team_no, post.reports_to)) or self.managers.get(
                (post.team_no, "tm")
            )
        return None

    def supervisor_on(self, person: Person, day: date) -> str:
        post = self._supervisor_post(self.posts[person.post])
        if post is None:
            return ""
        holder = post.holder_on(day)
        if holder is None and post.reports_to != "sm":
            sm = self.service_managers.get(post.index // (len(TEAM) * TEAMS_PER_SERVICE + 1))
            holder = sm.holder_on(day) if sm else None
        return holder.sid if holder is not None else ""

    # ---------------------------------------------------------------- date text

    def uk(self, day: date) -> str:
        text = self._uk.get(day)
        if text is None:
            text = self._uk[day] = f"{day.day:02d}/{day.month:02d}/{day.year}"
        return text

    def mixed(self, day: date) -> str:
        forms = self._forms.get(day)
        if forms is None:
            month = MONTHS[day.month - 1]
            forms = self._forms[day] = (
                self.uk(day),
                f"{day.day} {month} {day.year}",
                day.isoformat(),
                f"{day.day:02d}-{month}-{day.year}",
            )
        k = self.rng.random()
        return forms[0] if k < 0.45 else forms[1] if k < 0.7 else forms[2] if k < 0.95 else forms[3]

    def workday(self, lo: date, hi: date) -> date | None:
        """A random working day in [lo, hi], or None."""
        if hi < lo:
            return None
        for _ in range(4):
            day = lo + timedelta(days=int(self.rng.random() * ((hi - lo).days + 1)))
            if day.weekday() < 5:
                return day
        return None


# --------------------------------------------------------------------------- tables


def _yn(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


DURATION_FORMS = (
    lambda m, h, mm: f"{m}",
    lambda m, h, mm: f"{m}",
    lambda m, h, mm: f"{h}:{mm:02d}",
    lambda m, h, mm: f"{h}h{mm:02d}",
    lambda m, h, mm: f"{m} mins",
    lambda m, h, mm: f"{h:02d}:{mm:02d}:00",
)


def write_staff(c: Council, folder: Path, xlsx: bool) -> TableWriter:
    header = [
        "Employee Number",
        "Full Name",
        "Job Title",
        "Team",
        "Line Manager",
        "Start Date",
        "Leaving Date",
        "Case Holder",
        "SWE Registered",
        "Registration Expiry",
        "ASYE Start Date",
        "FTE",
        "Agency",
        "Email",
    ]
    out = TableWriter(
        folder,
        "staff",
        header,
        xlsx=xlsx,
        encoding="cp1252",
        lines_above=["Children's Services - Staff Establishment", "Extracted 01/11/2026 07:02", ""],
    )
    day: Callable[[date | None], Any] = (lambda d: d) if xlsx else (lambda d: c.uk(d) if d else "")
    for p in c.people:
        expiry = date(END.year + 1, 11, 30) if p.registered else None
        email = p.name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + "@example.gov.uk"
        out.append(
            [
                p.sid,
                p.name,
                p.role,
                p.team,
                p.manager,
                day(p.start),
                day(p.end),
                _yn(p.case_holding),
                _yn(p.registered),
                day(expiry),
                day(p.asye),
                p.fte,
                _yn(p.agency),
                email,
            ]
        )
    out.close()
    return out


def _session_days(c: Council, p: Person, month_start: date, month_end: date) -> list[tuple[date, str]]:
    """(day, type) of this person's planned sessions in one month."""
    rng = c.rng
    lo = max(month_start, p.start)
    hi = min(month_end, p.end) if p.end else month_end
    if hi < lo:
        return []
    planned: list[tuple[date, str]] = []
    if p.asye is not None and p.asye <= hi and lo <= p.asye + timedelta(days=183):
        step = 7
        day = p.asye + timedelta(days=2)
        while day <= hi and day <= p.asye + timedelta(days=183):
            if day >= lo:
                planned.append((day if day.weekday() < 5 else day - timedelta(days=2), "individual"))
            step = 7 if day < p.asye + timedelta(days=42) else 14
            day += timedelta(days=step)
        if planned:
            return planned
    if rng.random() < 0.03:
        return []  # a month missed
    day = c.workday(max(lo, month_start + timedelta(days=4)), min(hi, month_start + timedelta(days=24)))
    if day is None:
        day = c.workday(lo, hi)
    if day is not None:
        planned.append((day, "individual"))
    return planned


def write_supervisions(c: Council, folder: Path, xlsx: bool) -> TableWriter:
    header = [
        "Supervision ID",
        "Supervisee",
        "Supervisor",
        "Supervision Date",
        "Duration",
        "Type",
        "Status",
        "Interrupted",
        "Signed by Supervisee",
        "Signed by Supervisor",
    ]
    out = TableWriter(folder, "supervisions", header, xlsx=xlsx, encoding="utf-8-sig", delimiter=";")
    rng = c.rng
    r = rng.random
    month = date(c.start.year, c.start.month, 1)
    people = c.people
    support = {"Family Support Worker", "Business Support Officer"}
    while month <= END:
        nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        rows: list[tuple[date, list[str]]] = []
        for p in people:
            if not p.employed(month, last):
                continue
            for day, kind in _session_days(c, p, month, last):
                if r() < 0.05:  # cancelled or DNA, rebooked a week later
                    status = "DNA" if r() < 0.3 else ("Cancelled" if r() < 0.7 else "Cancelled - staff sick")
                    rows.append((day, _session(c, p, day, kind, status)))
                    day = day + timedelta(days=7)
                    if p.end is not None and day > p.end or day > END:
                        continue
                rows.append((day, _session(c, p, day, kind, "held")))
            if r() < 0.06:
                day = c.workday(max(month, p.start), min(last, p.end) if p.end else last)
                if day is not None:
                    rows.append((day, _session(c, p, day, "informal", "held")))
            if month.month % 3 == 0 and p.role in support:
                day = c.workday(max(month, p.start), min(last, p.end) if p.end else last)
                if day is not None:
                    rows.append((day, _session(c, p, day, "group", "held")))
        rows.sort(key=lambda row: row[0])
        for day, cells in rows:
            c.session_no += 1
            cells[0] = f"SUP-{c.session_no}" if r() > 0.01 else ""
            if xlsx and r() < 0.5:
                cells[3] = day  # a real date cell
            k = r()
            if k < 0.0005:
                cells[3] = f"31/02/{day.year}"  # an impossible date: a data-quality finding
            elif k < 0.0008:
                cells[6] = "Planned"  # an unknown status word
            elif k < 0.0011:
                cells[1] = "9999999"  # an unknown supervisee
            out.append(cells)
            if k > 0.9994:
                c.session_no += 1
                cells = list(cells)
                cells[0] = f"SUP-{c.session_no}"
                out.append(cells)  # the same session entered twice
        if r() < 0.2:
            out.blank_line()
        month = nxt
    out.close()
    return out


def _session(c: Council, p: Person, day: date, kind: str, status: str) -> list[Any]:
    r = c.rng.random
    if kind == "informal":
        minutes = 15 + 5 * int(r() * 6)
        duration = f"{minutes} mins" if r() < 0.5 else str(minutes)
    else:
        minutes = 90 if r() < 0.7 else 90 + 15 * int(r() * 3)
        if r() < 0.02:
            minutes = 45 if r() < 0.5 else 60  # too short: a finding
        hours, rest = divmod(minutes, 60)
        duration = DURATION_FORMS[int(r() * 6)](minutes, hours, rest)
        if minutes == 90 and r() < 0.1:
            duration = "1.5h" if r() < 0.5 else "1 hr 30 mins"
    held = status == "held"
    type_word = {
        "individual": "1:1" if r() < 0.6 else "Individual",
        "group": "Group",
        "informal": "Informal",
    }[kind]
    status_word = ("Completed" if r() < 0.7 else "Held") if held else status
    signed = ("Yes" if r() < 0.7 else "Y") if held and r() < 0.95 else ("No" if held else "")
    interrupted = ("No" if r() < 0.7 else "N") if r() < 0.99 else "Yes"
    return [
        "",
        p.sid,
        c.supervisor_on(p, day),
        c.mixed(day),
        duration if held else "",
        type_word,
        status_word,
        interrupted if held else "",
        signed,
        signed,
    ]


def write_absences(c: Council, folder: Path, xlsx: bool) -> TableWriter:
    header = ["Employee Number", "Start Date", "End Date", "Reason", "Days"]
    out = TableWriter(
        folder,
        "absences",
        header,
        xlsx=xlsx,
        delimiter=";",
        sep_line=True,
        lines_above=["Absence report - Children's Services"],
    )
    rng = c.rng
    day: Callable[[date], Any] = (
        (lambda d: d) if xlsx else (lambda d: f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}")
    )
    for p in c.people:
        lo = max(p.start, c.start)
        hi = min(p.end, END) if p.end else END
        if hi <= lo:
            continue
        blocks = []
        for _ in range(max(1, round((hi - lo).days / 365 * 3))):
            start = c.workday(lo, hi)
            if start is not None:
                blocks.append((start, start + timedelta(days=rng.choice((4, 7, 11, 14))), "Annual leave"))
        if rng.random() < 0.3 * c.years:
            start = c.workday(lo, hi)
            if start is not None:
                blocks.append((start, start + timedelta(days=rng.randint(0, 6)), "Sickness"))
        if rng.random() < 0.03 * c.years:
            start = c.workday(lo, hi)
            if start is not None:
                blocks.append((start, start + timedelta(days=rng.randint(21, 60)), "Sickness - long term"))
        for start, end, reason in sorted(blocks):
            out.append([p.sid, day(start), day(end), reason, str((end - start).days + 1)])
    out.close()
    return out


def write_cases(c: Council, folder: Path, xlsx: bool) -> tuple[TableWriter, TableWriter]:
    """Allocations and case discussions together: each allocation's discussions are written
    as it is made, so nothing is held in memory."""
    allocations = TableWriter(
        folder,
        "allocations",
        ["Child ID", "Allocated Worker", "Allocation Start", "Allocation End", "Team"],
        xlsx=xlsx,
        suffix=".tsv",
        delimiter="\t",
        crlf=False,
    )
    discussions = TableWriter(
        folder,
        "case_discussions",
        ["Case Number", "Worker", "Discussion Date", "Date Recorded", "Supervision ID", "Decided By"],
        xlsx=xlsx,
    )
    rng = c.rng
    r = rng.random
    uk = c.uk
    if xlsx:

        def when(d: date) -> Any:
            return d if r() < 0.7 else (d - EXCEL_EPOCH).days
    else:

        def when(d: date) -> Any:
            return uk(d) if r() < 0.7 else str((d - EXCEL_EPOCH).days)

    def new_case() -> str:
        c.case_no += 1
        return str(c.case_no)

    def allocate(case: str, p: Person, start: date, end: date | None) -> None:
        numeric = xlsx and p.sid.isdigit() and p.sid[0] != "0"
        worker: Any = float(p.sid) if numeric else p.sid
        allocations.append([case, p.sid, day(start), day(end) if end else ("" if not xlsx else None), p.team])
        stop = min(end, DISCUSSIONS_END) if end else DISCUSSIONS_END
        d = start + timedelta(days=3 + int(r() * 12))
        manager = p.manager
        while d <= stop:
            if d >= history:  # the case system's extract has the discussions of open cases
                recorded = d + timedelta(days=int(r() * 6))
                discussions.append([case, worker, when(d), when(recorded), "", manager if r() < 0.2 else ""])
            d += timedelta(days=32 + int(r() * 21))

    day: Callable[[date], Any] = (lambda d: d) if xlsx else uk
    history = c.start - timedelta(days=120)
    for post in c.posts:
        if not post.case_holding:
            continue
        slots: list[tuple[str, date] | None] = [None] * rng.randint(8, 18)
        for n, p in enumerate(post.holders):
            lo = max(p.start, c.start)
            leaves = p.end is not None and p.end < END
            limit = p.end if leaves else END
            for i in range(len(slots)):
                carried = slots[i]
                slots[i] = None
                if carried is not None and carried[1] > lo:
                    case, close, start = carried[0], carried[1], lo
                else:
                    case = new_case()
                    if n == 0 and p.start < c.start:  # already open when the extract starts
                        start = max(p.start, c.start - timedelta(days=int(r() * 240)))
                    else:
                        start = lo + timedelta(days=int(r() * 21))
                    close = start + timedelta(days=14 + int(rng.expovariate(1 / 240)))
                while start <= limit:
                    if close <= limit:
                        allocate(case, p, start, close)
                        start = close + timedelta(days=1 + int(r() * 10))
                        case = new_case()
                        close = start + timedelta(days=14 + int(rng.expovariate(1 / 240)))
                        continue
                    allocate(case, p, start, p.end if leaves else None)
                    if leaves:
                        slots[i] = (case, close)  # passes to the next holder of the post
                    break
    allocations.close()
    discussions.close()
    return allocations, discussions


def write_agreements(c: Council, folder: Path, xlsx: bool) -> TableWriter:
    header = ["Staff ID", "Supervisor ID", "Signed Date", "Signed by Supervisee", "Signed by Supervisor"]
    out = TableWriter(folder, "agreements", header, xlsx=xlsx, crlf=False)
    rng = c.rng
    for p in c.people:
        signed = p.start + timedelta(days=rng.randint(0, 20))
        hi = min(p.end, END) if p.end else END
        oldest = c.start - timedelta(days=400)  # the system holds the latest one before the window
        while signed <= hi:
            if signed >= oldest:
                out.append(
                    [
                        p.sid,
                        c.supervisor_on(p, signed),
                        signed if xlsx else signed.isoformat(),
                        "Y",
                        "Y" if rng.random() < 0.97 else "N",
                    ]
                )
            signed += timedelta(days=365 + rng.randint(-20, 40))
    out.close()
    return out


def write_appraisals(c: Council, folder: Path, xlsx: bool) -> TableWriter:
    out = TableWriter(folder, "appraisals", ["Staff ID", "Appraisal Date"], xlsx=xlsx, crlf=False)
    rng = c.rng
    for p in c.people:
        day = date(c.start.year - 1, rng.randint(4, 6), rng.randint(1, 28))
        hi = min(p.end, END) if p.end else END
        while day <= hi:
            if day >= p.start and rng.random() < 0.93:
                out.append([p.sid, day if xlsx else day.isoformat()])
            day = date(day.year + 1, day.month, day.day)
    out.close()
    return out


def generate(folder: Path, staff: int, years: int, *, xlsx: bool = False, seed: int = 20261120) -> dict:
    """Write the exports into `folder` (created if needed). Returns what was written:
    per table its file, row count and how pandas reads it (encoding, delimiter, lines
    above the header), and the window the data covers."""
    folder.mkdir(parents=True, exist_ok=True)
    council = Council(staff, years, seed)
    tables = {}
    for name, writer in (
        ("staff", write_staff),
        ("supervisions", write_supervisions),
        ("absences", write_absences),
        ("agreements", write_agreements),
        ("appraisals", write_appraisals),
    ):
        tables[name] = writer(council, folder, xlsx)
    tables["allocations"], tables["case_discussions"] = write_cases(council, folder, xlsx)
    return {
        "staff": staff,
        "years": years,
        "xlsx": xlsx,
        "window": [council.start.isoformat(), END.isoformat()],
        "as_of": AS_OF.isoformat(),
        "tables": {name: {**t.read, "rows": t.rows} for name, t in tables.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=3000, help="posts: the headcount on any day")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the exports into")
    parser.add_argument("--xlsx", action="store_true", help="write workbooks instead of CSV")
    parser.add_argument("--seed", type=int, default=20261120)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    manifest = generate(args.out, args.staff, args.years, xlsx=args.xlsx, seed=args.seed)
    took = time.perf_counter() - began
    rows = sum(t["rows"] for t in manifest["tables"].values())
    json.dump(manifest, sys.stdout, indent=2)
    print(f"\n{rows:,} rows in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
