#!/usr/bin/env python3
"""Write supcheck's bundled sample data: a small, fictional children's services department.

Run from anywhere:

    python sample_data/generate.py            # rewrite the files and EXPECTED.md, then self-check
    python sample_data/generate.py --check    # self-check only (rebuilds in memory, writes nothing)

Only the standard library, openpyxl and dateutil.relativedelta are used. The output is
deterministic: a fixed random seed, no dependence on today's date, and the Excel
workbooks are written with fixed zip timestamps and document properties, so that two
runs give byte-identical files.

Everyone is compliant with the national pack by default; the problems listed in
`PLANTED` (and `PLANTED_LATER` for the local packs' rules) are put in on purpose.
The self-check at the end re-reads the values exactly as written (strings, as they
appear in the files), recomputes every national-pack finding for the check period with
the arithmetic of `spec/rules.md`, and fails if the result differs from `PLANTED`.
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from dateutil.relativedelta import relativedelta

HERE = Path(__file__).resolve().parent
SEED = 20261120

PERIOD_FROM = date(2026, 4, 1)
PERIOD_TO = date(2026, 10, 31)
AS_OF = date(2026, 11, 20)
JUDGED = min(PERIOD_TO, AS_OF)  # `J` in rules.md
DATA_START = date(2024, 4, 1)  # supervision history starts here (system migration)
DATA_END = date(2026, 10, 31)  # supervision extract runs to here
DISCUSSION_END = date(2026, 11, 13)  # case-system extract runs a little later
HORIZON = date(2027, 12, 31)

# England and Wales bank holidays (gov.uk; identical to holidays.country_holidays("GB",
# subdiv="ENG") for these years, Boxing Day 2026 observed on Monday 28 December).
BANK_HOLIDAYS = frozenset(
    date.fromisoformat(d)
    for d in (
        "2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 "
        "2024-12-26 2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 "
        "2025-12-25 2025-12-26 2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 "
        "2026-08-31 2026-12-25 2026-12-26 2026-12-28"
    ).split()
)

D = date.fromisoformat

# --------------------------------------------------------------------------- staff


@dataclass
class Person:
    sid: str
    name: str
    role: str
    team: str
    lm: str
    start: date
    end: date | None = None
    case_holding: bool = False
    rsw: bool = False
    reg_expires: date | None = None
    asye: date | None = None
    fte: str = "1"
    agency: bool = False

    def employed(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


TEAMS = {
    "AN": "Assessment North",
    "CPS": "Child Protection South",
    "EH": "Early Help",
    "SM": "Service Management",
}
AN, CPS, EH = TEAMS["AN"], TEAMS["CPS"], TEAMS["EH"]

# id | name | role | team | line manager | start | end | case holder | RSW | registration
# expires | ASYE start | FTE | agency        ("-" is blank)
STAFF_TABLE = """
S001|Margaret Okafor|Service Manager|SM|-|2018-09-03|-|N|Y|2027-11-30|-|1|N
S002|Graham Whitfield|Service Manager - Early Help|EH|-|2020-01-06|-|N|N|-|-|1|N
S003|Siân Hughes|Team Manager|AN|S001|2019-05-13|-|N|Y|2027-11-30|-|1|N
S004|Rebecca Adeyemi|Team Manager|CPS|S001|2017-11-20|-|N|Y|2026-11-30|-|1|N
S005|Tomasz Nowak|Practice Supervisor|AN|S003|2021-02-01|-|N|Y|2027-11-30|-|1|N
S006|Priya Raman|Senior Social Worker|AN|S005|2020-10-05|-|Y|Y|2027-11-30|-|0.8|N
S007|David Mensah|Senior Social Worker|AN|S003|2016-04-04|-|Y|Y|2027-11-30|-|1|N
S008|Hannah Clarke|Advanced Practitioner|AN|S003|2015-09-07|-|Y|Y|2026-11-30|-|1|N
S009|Chloé Martin|Social Worker|AN|S005|2022-03-14|-|Y|Y|2027-11-30|-|1|N
S010|Jack Thompson|Social Worker|AN|S005|2023-01-09|-|Y|Y|2027-11-30|-|1|N
S011|Amira Haddad|Social Worker|AN|S005|2023-09-04|-|Y|Y|2027-11-30|-|1|N
00417|Ewan MacLeod|Social Worker|AN|S005|2021-08-02|-|Y|Y|2027-11-30|-|1|N
1023|Fatima Begum|Social Worker|AN|S003|2024-02-05|-|Y|Y|2027-11-30|-|0.6|N
S012|Oliver Bennett|Social Worker|AN|S003|2019-11-04|-|Y|Y|2026-11-30|-|1|N
S019|Zoë Brontë|Social Worker|AN|S005|2022-06-20|-|Y|Y|2027-11-30|-|1|N
S020|Lucy Parry|Social Worker|AN|S003|2024-04-08|2026-08-08|Y|Y|2026-11-30|-|1|N
S021|Kwame Asante|Social Worker|AN|S005|2026-05-05|-|Y|Y|2027-11-30|-|1|N
S013|Megan Lloyd|Social Worker (ASYE)|AN|S005|2026-05-11|-|Y|Y|2027-11-30|2026-05-11|1|N
S014|Rhys Jenkins|Social Worker (ASYE)|AN|S005|2025-11-03|-|Y|Y|2026-11-30|2025-11-03|1|N
S015|Sarah Whitmore|Family Support Worker|AN|S003|2018-03-05|-|N|N|-|-|1|N
S016|Niamh O\u2019Sullivan|Family Support Worker|AN|S003|2024-09-02|-|N|N|-|-|0.8|N
S017|Janet Cole|Business Support Officer|AN|S003|2012-06-11|-|N|N|-|-|0.6|N
S018|Daniel Fraser|Transformation Lead|SM|S001|2025-04-07|-|N|N|-|-|1|N
S022|Mark Sutherland|Practice Supervisor|CPS|S004|2019-02-11|-|N|Y|2027-11-30|-|1|N
S023|Joanna Kowalska|Senior Social Worker|CPS|S022|2018-07-02|-|Y|Y|2027-11-30|-|1|N
S024|Ifeoma Nwosu|Senior Social Worker|CPS|S004|2020-01-13|-|Y|Y|2027-11-30|-|1|N
S025|Gareth Price|Advanced Practitioner|CPS|S004|2014-05-19|-|Y|Y|2026-11-30|-|1|N
00452|Aled Roberts|Social Worker|CPS|S022|2020-09-14|-|Y|Y|2027-11-30|-|1|N
1187|Bethan Morgan|Social Worker|CPS|S022|2024-08-19|-|Y|Y|2027-11-30|-|1|N
S026|Liam O'Connor|Social Worker|CPS|S022|2021-03-01|-|Y|Y|2026-08-31|-|1|N
S027|Ana Ferreira|Social Worker|CPS|S004|2025-03-03|-|Y|N|-|-|1|Y
S028|Thomas Hughes|Social Worker|CPS|S022|2026-06-15|-|Y|Y|2027-11-30|-|1|Y
S029|Grace Whitaker|Social Worker|CPS|S004|2026-09-17|-|Y|Y|2027-11-30|-|1|N
S030|Emily Shaw|Social Worker|CPS|S022|2024-06-03|2026-10-16|Y|Y|2026-11-30|-|1|N
S031|Ruth Davies|Social Worker (ASYE)|CPS|S022|2025-09-01|-|Y|Y|2027-11-30|2026-01-05|1|N
S032|Paul Kershaw|Social Worker|CPS|S004|2021-01-04|2025-12-19|Y|Y|2026-11-30|-|1|N
S033|Kerry Walsh|Family Support Worker|CPS|S004|2019-10-07|-|N|N|-|-|1|N
S034|Mohammed Iqbal|Family Support Worker|CPS|S004|2023-05-15|-|N|N|-|-|1|N
S035|Linda Marsh|Business Support Officer|CPS|S077|2016-01-11|-|N|N|-|-|1|N
S036|Hélène Dubois|Social Worker|EH|S002|2024-11-04|-|Y|Y|2027-11-30|-|1|N
S037|Craig Robson|Family Support Worker|EH|S002|2021-06-07|-|N|N|-|-|1|N
S038|Sophie Turner|Family Support Worker|EH|S002|2025-07-14|-|N|N|-|-|0.8|N
"""


def _person(line: str) -> Person:
    f = [x if x != "-" else "" for x in line.split("|")]
    day = lambda t: D(t) if t else None  # noqa: E731
    return Person(
        f[0],
        f[1],
        f[2],
        TEAMS[f[3]],
        f[4],
        D(f[5]),
        day(f[6]),
        f[7] == "Y",
        f[8] == "Y",
        day(f[9]),
        day(f[10]),
        f[11],
        f[12] == "Y",
    )


STAFF: list[Person] = [_person(x) for x in STAFF_TABLE.strip().splitlines()]
BY_ID = {p.sid: p for p in STAFF}


def swe_number(p: Person) -> int | None:
    """The person's Social Work England number (registered staff only): invented, fixed."""
    return 40000 + 173 * STAFF.index(p) if p.rsw else None


def swe_text(p: Person) -> str:
    """As the HR system writes it: `SW40173`, and every third one with the leading zero
    of the HCPC register's numbers (`SW040519`), which supcheck normalises."""
    n = swe_number(p)
    if n is None:
        return ""
    return f"SW0{n}" if STAFF.index(p) % 3 == 2 else f"SW{n}"


# Roles the pack is expected to know; the Transformation Lead is deliberately not one.
KNOWN_ROLES = {
    "service manager",
    "service manager - early help",
    "team manager",
    "practice supervisor",
    "senior social worker",
    "social worker",
    "advanced practitioner",
    "social worker (asye)",
    "family support worker",
    "business support officer",
}
# Roles assumed to require Social Work England registration in the national pack.
REGISTRATION_ROLES = {
    "service manager",
    "team manager",
    "practice supervisor",
    "senior social worker",
    "social worker",
    "advanced practitioner",
    "social worker (asye)",
}
# Bethan Morgan (1187) moved from Rebecca Adeyemi (S004) to Mark Sutherland (S022) on
# 1 June 2026; her latest agreement still names S004.
LM_CHANGES = {"1187": (D("2026-06-01"), "S004")}
PROFESSIONAL_SUPERVISOR = "S022"  # an RSW who gives S036 her professional supervision

ABSENCES: list[tuple[str, date, date, str]] = [
    ("S019", D("2026-07-01"), D("2026-08-15"), "Sickness"),
    ("S003", D("2026-08-10"), D("2026-08-21"), "Annual leave"),
    ("S005", D("2025-07-28"), D("2025-08-08"), "Annual leave"),
    ("S010", D("2026-04-06"), D("2026-04-17"), "Annual leave"),
    ("S023", D("2026-07-20"), D("2026-07-31"), "Annual leave"),
    ("S024", D("2025-12-22"), D("2026-01-02"), "Annual leave"),
    ("00417", D("2026-05-26"), D("2026-06-05"), "Annual leave"),
    ("S031", D("2026-08-03"), D("2026-08-14"), "Annual leave"),
    ("S025", D("2026-10-12"), D("2026-10-23"), "Annual leave"),
    ("S033", D("2026-09-07"), D("2026-09-18"), "Annual leave"),
    ("S009", D("2025-08-11"), D("2025-08-22"), "Annual leave"),
    ("S015", D("2024-12-23"), D("2025-01-03"), "Annual leave"),
    ("S012", D("2026-03-09"), D("2026-03-11"), "Sickness"),
    ("1187", D("2026-09-21"), D("2026-09-22"), "Sickness"),
    ("S008", D("2025-11-17"), D("2025-11-21"), "Sickness"),
    ("S030", D("2025-02-10"), D("2025-02-14"), "Sickness"),
]
ABSENT: dict[str, set[date]] = defaultdict(set)
for _sid, _a, _b, _r in ABSENCES:
    ABSENT[_sid].update(_a + timedelta(i) for i in range((_b - _a).days + 1))

# --------------------------------------------------------------------------- what is planted

# National pack, `supcheck check sample_data --from 2026-04-01 --to 2026-10-31 --as-of 2026-11-20`.
# (kind, staff_id, start, end, note). Data-quality rows are added once row numbers are known.
PLANTED: list[tuple[str, str, str, str, str]] = [
    (
        "frequency",
        "S010",
        "2026-06-01",
        "2026-06-30",
        "no session in June 2026 (a cancelled one on 15 June does not count)",
    ),
    (
        "frequency",
        "00452",
        "2026-09-01",
        "2026-09-30",
        "no session in September 2026 (a DNA on 9 Sep and an informal chat on 16 Sep do not count)",
    ),
    (
        "frequency",
        "S013",
        "2026-05-25",
        "2026-05-31",
        "NQSW weekly window 3 (ASYE from 2026-05-11); a cancelled session on 27 May does not count",
    ),
    (
        "frequency",
        "S013",
        "2026-08-17",
        "2026-08-30",
        "NQSW fortnightly window 5; an informal session on 19 Aug does not count",
    ),
    (
        "duration",
        "1023",
        "2026-05-19",
        "2026-05-19",
        "held 1:1 of 60 minutes (written `60`); it is her only May session and still meets May",
    ),
    (
        "duration",
        "00417",
        "2026-07-14",
        "2026-07-14",
        "held 1:1 of 75 minutes written `1:15`; his only July session, still meets July",
    ),
    (
        "uninterrupted",
        "S006",
        "2026-08-12",
        "2026-08-12",
        "held 1:1 recorded Interrupted = Yes; her only August session, still meets August",
    ),
    (
        "professional-supervision",
        "S036",
        "2026-07-01",
        "2026-09-30",
        "line manager S002 is not an RSW; professional sessions in Q2 (2026-05-20) and Q4 "
        "(2026-10-21) but none held in Q3 (one on 12 Aug was cancelled)",
    ),
    ("registration", "S026", "2026-10-31", "2026-10-31", "registration expired 2026-08-31"),
    ("registration", "S027", "2026-10-31", "2026-10-31", "SWE Registered = N (agency social worker)"),
]

# Session dates fixed by hand (staff_id, window start) -> date. Others are drawn at random.
FIXED_SESSION_DATES = {
    ("1023", D("2026-05-01")): D("2026-05-19"),
    ("00417", D("2026-07-01")): D("2026-07-14"),
    ("S006", D("2026-08-01")): D("2026-08-12"),
    ("S009", D("2026-06-01")): D("2026-06-10"),  # duplicated row
    ("S012", D("2026-06-01")): D("2026-06-09"),  # a blank-duration extra follows on 23 June
    ("S029", D("2026-09-17")): D("2026-10-08"),  # merged window 17 Sep - 31 Oct: October only
    ("S020", D("2026-07-01")): D("2026-08-04"),  # merged window 1 Jul - 8 Aug: August only
    ("S019", D("2026-08-01")): D("2026-08-17"),  # first day back after sickness
    ("S021", D("2026-05-05")): D("2026-05-12"),
    ("S028", D("2026-06-15")): D("2026-06-22"),
    ("S030", D("2026-10-01")): D("2026-10-13"),
    ("S011", D("2026-05-01")): D("2026-05-12"),
}
# Windows deliberately left without a session: (staff_id, window start).
MISSED = {
    ("S010", D("2026-06-01")),
    ("00452", D("2026-09-01")),
    ("S013", D("2026-05-25")),
    ("S013", D("2026-08-17")),
}
# Windows that are excused and therefore get no session: (staff_id, window start).
EXCUSED_EMPTY = {("S019", D("2026-07-01"))}
PROFESSIONAL_MISSED_QUARTER = D("2026-07-01")

# --------------------------------------------------------------------------- calendar helpers


def days(a: date, b: date) -> int:
    return (b - a).days + 1


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return month_start(d) + relativedelta(months=1)


def working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in BANK_HOLIDAYS


def add_working_days(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(1)
        if working_day(d):
            n -= 1
    return d


def working_days_after(a: date, b: date) -> int:
    """Working days after `a` up to and including `b` (rules.md case-recording)."""
    return sum(1 for i in range(1, (b - a).days + 1) if working_day(a + timedelta(i)))


# --------------------------------------------------------------------------- windows (rules.md)

SHORT = {"week": 4, "fortnight": 7, "month": 15, "quarter": 45}


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    interval: str

    @property
    def length(self) -> int:
        return days(self.start, self.end)


def raw_windows(seg_start: date, seg_end: date, interval: str) -> list[Window]:
    out: list[Window] = []
    d = seg_start
    while d <= seg_end:
        if interval in ("week", "fortnight"):
            nxt = d + timedelta(7 if interval == "week" else 14)
        elif interval == "month":
            nxt = next_month(d)
        else:  # quarter
            q = (d.month - 1) // 3
            nxt = date(d.year, q * 3 + 1, 1) + relativedelta(months=3)
        out.append(Window(d, min(nxt - timedelta(1), seg_end), interval))
        d = nxt
    return out


def merged(ws: list[Window]) -> list[Window]:
    """Merge a short first window into the next and a short last one into the previous."""
    if not ws:
        return ws
    thr = SHORT[ws[0].interval]
    ws = list(ws)
    if len(ws) > 1 and ws[0].length < thr:
        ws[1] = Window(ws[0].start, ws[1].end, ws[1].interval)
        ws.pop(0)
    if len(ws) > 1 and ws[-1].length < thr:
        ws[-2] = Window(ws[-2].start, ws[-1].end, ws[-2].interval)
        ws.pop()
    if len(ws) == 1 and ws[0].length < thr:
        return []  # no neighbour: not assessed
    return ws


def segments(p: Person) -> list[tuple[date, date, str]]:
    segs: list[tuple[date, date, str]] = []
    if p.asye:
        a = p.asye
        if p.start < a:
            segs.append((p.start, a - timedelta(1), "month"))
        six_w, six_m = a + timedelta(weeks=6), a + relativedelta(months=6)
        segs += [
            (a, six_w - timedelta(1), "week"),
            (six_w, six_m - timedelta(1), "fortnight"),
            (six_m, HORIZON, "month"),
        ]
    else:
        segs.append((p.start, HORIZON, "month"))
    end = p.end or HORIZON
    return [(s, min(e, end), i) for s, e, i in segs if s <= end]


def windows(p: Person) -> list[Window]:
    out: list[Window] = []
    for s, e, interval in segments(p):
        out += merged(raw_windows(s, e, interval))
    return out


def quarter_windows(p: Person) -> list[Window]:
    return merged(raw_windows(p.start, p.end or HORIZON, "quarter"))


def assessed(w: Window) -> bool:
    return PERIOD_FROM <= w.end <= PERIOD_TO and w.end <= AS_OF


def excused(sid: str, w: Window) -> bool:
    absent = sum(1 for i in range(w.length) if w.start + timedelta(i) in ABSENT[sid])
    return 2 * absent >= w.length


# --------------------------------------------------------------------------- sessions


@dataclass
class Sess:
    supervisee: str
    supervisor: str
    day: date | None
    minutes: int | None
    type: str  # individual | group | professional | informal
    status: str = "held"  # held | cancelled | dna
    interrupted: bool | None = False
    signed: bool | None = True
    # Exact strings to write instead of formatting (planted values).
    date_text: str | None = None
    duration_text: str | None = None
    interrupted_text: str | None = None
    sid: str = ""
    tag: str = ""  # planted marker
    row: int = 0
    cells: list[str] = field(default_factory=list)


def supervisor_on(sid: str, day: date) -> str:
    change = LM_CHANGES.get(sid)
    if change and day < change[0]:
        return change[1]
    p = BY_ID[sid]
    if p.lm == "S077":  # the Business Support Officer's HR manager id is wrong; S004 supervises
        return "S004"
    return p.lm


def free_day(p: Person, d: date) -> bool:
    return working_day(d) and p.employed(d) and d not in ABSENT[p.sid] and DATA_START <= d <= DATA_END


def pick_day(
    rng: random.Random, p: Person, lo: date, hi: date, prefer_mid_month: bool, required: bool = True
) -> date | None:
    cands = [lo + timedelta(i) for i in range((hi - lo).days + 1)]
    cands = [d for d in cands if free_day(p, d)]
    if prefer_mid_month:
        mid = [d for d in cands if 5 <= d.day <= 25]
        cands = mid or cands
    if not cands:
        if not required:
            return None
        raise SystemExit(f"no free day for {p.sid} in {lo}..{hi}")
    return rng.choice(cands)


def build_sessions(rng: random.Random) -> list[Sess]:
    out: list[Sess] = []
    minutes_choices = [90, 90, 90, 95, 100, 105, 110, 120, 120]
    for p in STAFF:
        for w in windows(p):
            if w.end < DATA_START or w.start > DATA_END:
                continue
            if (p.sid, w.start) in MISSED or (p.sid, w.start) in EXCUSED_EMPTY:
                continue
            fixed = FIXED_SESSION_DATES.get((p.sid, w.start))
            if fixed:
                day = fixed
            else:
                lo, hi = max(w.start, DATA_START), min(w.end, DATA_END)
                first = w.start == p.start and p.start >= DATA_START
                if first:  # a starter's first session within 10 days of starting
                    hi = min(hi, p.start + timedelta(10))
                day = pick_day(rng, p, lo, hi, w.interval == "month" and not first)
            assert w.start <= day <= w.end and free_day(p, day), (p.sid, w, day)
            s = Sess(p.sid, supervisor_on(p.sid, day), day, rng.choice(minutes_choices), "individual")
            out.append(s)
            # some cancelled / DNA sessions a few days before the held one
            if rng.random() < 0.06:
                cday = day - timedelta(rng.randint(2, 9))
                if free_day(p, cday) and w.start <= cday:
                    out.append(
                        Sess(
                            p.sid,
                            s.supervisor,
                            cday,
                            rng.choice([90, None]),
                            "individual",
                            rng.choice(["cancelled", "cancelled", "dna"]),
                            None,
                            None,
                        )
                    )
            # some informal catch-ups
            if rng.random() < 0.05:
                iday = pick_day(rng, p, max(w.start, DATA_START), min(w.end, DATA_END), False, required=False)
                if iday:
                    out.append(
                        Sess(
                            p.sid,
                            s.supervisor,
                            iday,
                            rng.choice([20, 30, 30, 45]),
                            "informal",
                            "held",
                            None,
                            None,
                        )
                    )
    by_key = {(s.supervisee, s.day): s for s in out if s.type == "individual" and s.status == "held"}
    by_key[("1023", D("2026-05-19"))].minutes = 60
    by_key[("1023", D("2026-05-19"))].duration_text = "60"
    by_key[("00417", D("2026-07-14"))].minutes = 75
    by_key[("00417", D("2026-07-14"))].duration_text = "1:15"
    by_key[("S006", D("2026-08-12"))].interrupted = True
    by_key[("S006", D("2026-08-12"))].interrupted_text = "Yes"
    by_key[("S009", D("2026-06-10"))].tag = "duplicated"

    # traps in the missed windows: rows that must not count
    out += [
        Sess("S010", "S005", D("2026-06-15"), 90, "individual", "cancelled", None, None),
        Sess("00452", "S022", D("2026-09-09"), None, "individual", "dna", None, None),
        Sess("00452", "S022", D("2026-09-16"), 30, "informal", "held", None, None),
        Sess("S013", "S005", D("2026-05-27"), 90, "individual", "cancelled", None, None),
        Sess("S013", "S005", D("2026-08-19"), 40, "informal", "held", None, None),
        # an informal chat marked interrupted: informal is not formal, no finding
        Sess("S011", "S005", D("2026-09-29"), 25, "informal", "held", True, None, interrupted_text="Yes"),
    ]

    # quarterly team group supervision (formal, 2 hours), for case holders present that day
    groups = {
        AN: (
            "S005",
            [
                "2024-06-19",
                "2024-10-16",
                "2025-01-22",
                "2025-06-18",
                "2025-10-15",
                "2026-01-21",
                "2026-04-22",
                "2026-07-15",
                "2026-10-14",
            ],
        ),
        CPS: (
            "S022",
            [
                "2024-05-15",
                "2024-09-11",
                "2025-02-12",
                "2025-05-14",
                "2025-09-10",
                "2026-02-11",
                "2026-05-20",
                "2026-08-19",
            ],
        ),
    }
    for team, (leader, ds) in groups.items():
        for d in map(D, ds):
            for p in STAFF:
                if p.team != team or not p.case_holding or not free_day(p, d):
                    continue
                if p.sid == "S020" and d.month == 7 and d.year == 2026:
                    continue  # keep the leaver's merged July-August window a clean test
                out.append(Sess(p.sid, leader, d, 120, "group"))

    # professional supervision for S036 (line manager S002 is not an RSW), one a quarter
    p = BY_ID["S036"]
    for w in quarter_windows(p):
        if w.start > DATA_END:
            break
        if w.start == PROFESSIONAL_MISSED_QUARTER:
            out.append(
                Sess(
                    "S036",
                    PROFESSIONAL_SUPERVISOR,
                    D("2026-08-12"),
                    90,
                    "professional",
                    "cancelled",
                    None,
                    None,
                )
            )
            continue
        fixed = {D("2026-04-01"): D("2026-05-20"), D("2026-10-01"): D("2026-10-21")}
        day = fixed.get(w.start) or pick_day(rng, p, w.start + timedelta(20), w.end - timedelta(20), True)
        out.append(Sess("S036", PROFESSIONAL_SUPERVISOR, day, rng.choice([90, 105, 120]), "professional"))

    # planted data-quality rows
    out += [
        Sess(
            "S999",
            "S003",
            D("2026-05-05"),
            90,
            "individual",
            date_text="05/05/2026",
            duration_text="90",
            tag="unknown-staff",
        ),
        Sess("S007", "S003", None, 90, "individual", date_text="31/02/2026", tag="bad-date"),
        Sess("S008", "S003", D("2026-12-03"), 90, "individual", date_text="03/12/2026", tag="future"),
        Sess("S021", "S005", D("2026-04-28"), 90, "individual", date_text="2026-04-28", tag="before-start"),
        Sess("S012", "S003", D("2026-06-23"), None, "individual", duration_text="", tag="blank-duration"),
    ]
    return out


# --------------------------------------------------------------------------- formatting

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def fmt_date_mixed(rng: random.Random, d: date) -> str:
    k = rng.random()
    if k < 0.45:
        return d.strftime("%d/%m/%Y")
    if k < 0.70:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if k < 0.95:
        return d.isoformat()
    return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}"


def fmt_duration(rng: random.Random, m: int) -> str:
    h, mm = divmod(m, 60)
    forms = [f"{m}", f"{m}", f"{h}:{mm:02d}", f"{h}h{mm:02d}", f"{m} mins", f"{h:02d}:{mm:02d}:00"]
    if m == 90:
        forms += ["1.5h", "1 hr 30 mins"]
    return rng.choice(forms)


def uk(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def yn(b: bool | None) -> str:
    return "" if b is None else ("Y" if b else "N")


TYPE_WORDS = {
    "individual": ["1:1", "1:1", "Individual"],
    "group": ["Group"],
    "professional": ["Professional"],
    "informal": ["Informal"],
}


def session_cells(rng: random.Random, s: Sess) -> list[str]:
    day = s.date_text if s.date_text is not None else fmt_date_mixed(rng, s.day)
    if s.duration_text is not None:
        dur = s.duration_text
    elif s.minutes is None:
        dur = ""
    elif s.type == "informal":
        dur = rng.choice([f"{s.minutes}", f"{s.minutes} mins", f"0:{s.minutes:02d}"])
    else:
        dur = fmt_duration(rng, s.minutes)
    if s.status == "held":
        status = rng.choice(["Completed", "Completed", "Held"])
    else:
        status = {"cancelled": "Cancelled", "dna": "DNA"}[s.status]
    if s.interrupted_text is not None:
        intr = s.interrupted_text
    elif s.interrupted is None:
        intr = ""
    else:
        intr = rng.choice(["No", "No", "N"]) if not s.interrupted else "Yes"
    signed = "" if s.signed is None else (rng.choice(["Yes", "Yes", "Y"]) if s.signed else "No")
    signed2 = "" if s.signed is None else (rng.choice(["Yes", "Yes", "Y"]) if s.signed else "No")
    if s.status != "held" and s.signed is None:
        signed, signed2 = "", ""
    return [
        s.sid,
        s.supervisee,
        s.supervisor,
        day,
        dur,
        rng.choice(TYPE_WORDS[s.type]),
        status,
        intr,
        signed,
        signed2,
    ]


SUPERVISION_HEADER = [
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


def order_sessions(rng: random.Random, sessions: list[Sess]) -> list[Sess]:
    """Sort as the case system lists them (by date), number them, format, add the duplicate."""
    type_rank = {"individual": 0, "professional": 1, "group": 2, "informal": 3}
    sessions.sort(key=lambda s: (s.day or D("2026-02-28"), type_rank[s.type], s.supervisee, s.status))
    rows: list[Sess] = []
    for i, s in enumerate(sessions):
        s.sid = f"SUP-{10001 + i}"
        s.cells = session_cells(rng, s)
        rows.append(s)
        if s.tag == "duplicated":
            dup = replace(s, tag="duplicate", cells=list(s.cells))
            rows.append(dup)
    for n, s in enumerate(rows):
        s.row = n + 2  # header is spreadsheet row 1
    return rows


# --------------------------------------------------------------------------- cases


@dataclass
class Alloc:
    case: str
    worker: str
    start: date
    end: date | None


@dataclass
class Disc:
    case: str
    worker: str
    day: date
    recorded: date
    session: str = ""
    decided_by: str = ""
    tag: str = ""
    row: int = 0


def next_weekday(d: date) -> date:
    while not working_day(d):
        d += timedelta(1)
    return d


def build_allocations(rng: random.Random) -> list[Alloc]:
    used: set[int] = set()

    def new_case() -> str:
        while True:
            n = rng.randint(10001, 99999)
            if n not in used:
                used.add(n)
                return f"C{n}"

    allocs: list[Alloc] = []
    holders = [p for p in STAFF if p.case_holding]
    for p in holders:
        earliest = max(p.start + timedelta(1), D("2025-01-06"))
        asye = p.asye is not None
        if p.sid in ("S021", "S029", "S028"):
            n_open = 8 if p.sid == "S029" else 10
        elif asye:
            n_open = rng.randint(8, 9)
        else:
            n_open = rng.randint(9, 13)
        last = p.end or D("2026-10-23")
        for _ in range(n_open):
            start = next_weekday(earliest + timedelta(rng.randint(0, (last - earliest).days)))
            if start > last:
                start = earliest
            allocs.append(Alloc(new_case(), p.sid, start, None))
        for _ in range(rng.randint(2, 6)):
            hi = min(last, D("2026-08-31")) - timedelta(45)
            if hi <= earliest:
                break
            start = next_weekday(earliest + timedelta(rng.randint(0, (hi - earliest).days)))
            end = start + timedelta(rng.randint(45, 300))
            end = min(end, last, D("2026-10-30"))
            allocs.append(Alloc(new_case(), p.sid, start, end))
    # leavers: cases open at the leaving date close then and pass to a colleague
    receivers = {
        "S020": ["S011", "S012", "S021", "S009"],
        "S032": ["S026", "00452", "S023"],
        "S030": ["S028", "S024", "1187"],
    }
    extra: list[Alloc] = []
    for a in allocs:
        p = BY_ID[a.worker]
        if p.end and (a.end is None or a.end > p.end):
            a.end = p.end
            to = receivers[p.sid][len(extra) % len(receivers[p.sid])]
            extra.append(Alloc(a.case, to, next_weekday(p.end + timedelta(1)), None))
    allocs += extra
    allocs.sort(key=lambda a: (a.start, a.case))
    return allocs


def adhoc_day(rng: random.Random, p: Person, last: date, first: bool) -> date | None:
    """A case consultation outside supervision: some days after `last`, avoiding absences."""

    def ok(d: date) -> bool:
        return working_day(d) and p.employed(d) and d not in ABSENT[p.sid]

    target = last + timedelta(rng.randint(3, 10) if first else rng.randint(20, 35))
    lowest = last if first else last + timedelta(1)
    d = target
    while d >= lowest:  # backwards first, so that an absence does not stretch the gap
        if ok(d):
            return d
        d -= timedelta(1)
    for i in range(1, 56):
        if ok(target + timedelta(i)):
            return target + timedelta(i)
    return None


def build_discussions(rng: random.Random, allocs: list[Alloc], sessions: list[Sess]) -> list[Disc]:
    sess_by_worker: dict[str, list[Sess]] = defaultdict(list)
    for s in sessions:
        if s.type == "individual" and s.status == "held" and s.day and s.tag == "" and s.supervisee in BY_ID:
            sess_by_worker[s.supervisee].append(s)
    for v in sess_by_worker.values():
        v.sort(key=lambda s: s.day)

    out: list[Disc] = []
    for a in allocs:
        p = BY_ID[a.worker]
        bound = min(a.end or DISCUSSION_END, p.end or DISCUSSION_END, DISCUSSION_END)
        last = a.start
        first = True
        while True:
            lo = a.start if first else last + timedelta(14)
            hi = a.start + timedelta(21) if first else last + timedelta(42)
            cand = next((s for s in sess_by_worker[p.sid] if lo <= s.day <= hi), None)
            if cand is not None and cand.day <= bound:
                day, sess = cand.day, cand.sid
            else:
                day, sess = adhoc_day(rng, p, last, first), ""
                if day is None or day > bound:
                    break
            out.append(Disc(a.case, p.sid, day, day, sess))
            last, first = day, False
    return out


def record_discussions(rng: random.Random, discs: list[Disc]) -> None:
    for d in discs:
        k = rng.random()
        lm = BY_ID[d.worker].lm
        if k < 0.06:
            d.decided_by = "S001"  # a senior manager, not the worker's line manager
        elif k < 0.10 and d.worker not in LM_CHANGES and lm:
            d.decided_by = lm
        limit = 1 if d.decided_by == "S001" else 2
        lag = rng.choices([0, 1, 2], [50, 35, 15])[0]
        d.recorded = add_working_days(d.day, min(lag, limit))


def plant_case_problems(allocs: list[Alloc], discs: list[Disc]) -> dict[str, str]:
    """Put in the later-pack problems; returns {name: case_id}."""

    def open_case(worker: str, lo: date, hi: date) -> Alloc:
        for a in allocs:
            if a.worker == worker and a.start <= lo and (a.end is None or a.end > hi):
                return a
        raise SystemExit(f"no case for {worker} open {lo}..{hi}")

    cases = {}
    # a gap of more than two months: discussed 12 May, next 20 July (deadline 12 July)
    a = open_case("S011", D("2026-03-01"), D("2026-08-31"))
    discs[:] = [
        d
        for d in discs
        if not (d.case == a.case and d.worker == a.worker and D("2026-05-12") <= d.day <= D("2026-07-20"))
    ]
    discs += [
        Disc(a.case, "S011", D("2026-05-12"), D("2026-05-12"), tag="gap-before"),
        Disc(a.case, "S011", D("2026-07-20"), D("2026-07-21"), tag="gap-after"),
    ]
    cases["gap"] = a.case
    # trap: discussed on the deadline day itself (15 Apr + 2 months = 15 Jun): on time
    a = open_case("S025", D("2026-03-01"), D("2026-08-31"))
    discs[:] = [
        d
        for d in discs
        if not (d.case == a.case and d.worker == a.worker and D("2026-04-15") <= d.day <= D("2026-06-15"))
    ]
    discs += [
        Disc(a.case, "S025", D("2026-04-15"), D("2026-04-16"), tag="deadline-a"),
        Disc(a.case, "S025", D("2026-06-15"), D("2026-06-15"), tag="deadline-b"),
    ]
    cases["deadline"] = a.case
    # late recording over Easter: Thu 2 Apr 2026, recorded Thu 9 Apr (3 working days)
    a = open_case("S023", D("2026-04-02"), D("2026-04-02"))
    discs.append(Disc(a.case, "S023", D("2026-04-02"), D("2026-04-09"), tag="late"))
    cases["late"] = a.case
    # trap: Fri 28 Aug 2026, recorded Wed 2 Sep: 2 working days (31 Aug is a bank holiday)
    a = open_case("S024", D("2026-08-28"), D("2026-09-02"))
    discs.append(Disc(a.case, "S024", D("2026-08-28"), D("2026-09-02"), tag="bank-holiday-ok"))
    cases["bank_holiday_ok"] = a.case
    discs.sort(key=lambda d: (d.day, d.worker, d.case))
    return cases


# --------------------------------------------------------------------------- agreements, appraisals


def build_agreements(rng: random.Random) -> list[tuple[str, str, date, str, str]]:
    rows = []
    for p in STAFF:
        d = (
            p.start + timedelta(rng.randint(3, 20))
            if p.start >= D("2024-03-01")
            else D("2024-04-08") + timedelta(rng.randint(0, 80))
        )
        end = min(p.end or DATA_END, DATA_END)
        if p.sid == "1187":
            dates = [D("2024-09-02"), D("2025-08-26"), D("2026-01-20")]  # last names S004
        else:
            dates = []
            while d <= end:
                dates.append(next_weekday(d))
                d = dates[-1] + timedelta(rng.randint(300, 355))
        for d in dates:
            sup = LM_CHANGES[p.sid][1] if p.sid in LM_CHANGES else p.lm
            rows.append((p.sid, sup, d, "Y", "Y"))
    # trap: Gareth Price's newest agreement is not yet countersigned; the February one stands
    rows = [r for r in rows if not (r[0] == "S025" and r[2] >= D("2025-11-01"))]
    rows += [("S025", "S004", D("2026-02-10"), "Y", "Y"), ("S025", "S004", D("2026-10-20"), "Y", "N")]
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def build_appraisals(rng: random.Random) -> list[tuple[str, date]]:
    rows = []
    for p in STAFF:
        for year in (2024, 2025, 2026):
            d = next_weekday(date(year, 5, 1) + timedelta(rng.randint(0, 120)))
            if p.sid == "S007":
                d = {2024: D("2024-09-12"), 2025: D("2025-09-15"), 2026: None}[year]
                if d is None:
                    continue  # overdue: last appraisal 15 Sep 2025
            if p.start + relativedelta(months=6) <= d and p.employed(d) and d <= DATA_END:
                rows.append((p.sid, d))
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


# --------------------------------------------------------------------------- writers


def ascii_email(name: str) -> str:
    base = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z ]", "", base).lower().split()
    return f"{base[0]}.{''.join(base[1:])}@example.gov.uk"


STAFF_TITLE = ["Children's Services - Staff Establishment", "Extracted 01/11/2026 07:02", ""]
STAFF_HEADER = [
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
    "SWE Number",
    "ASYE Start Date",
    "FTE",
    "Agency",
    "Email",
]


def staff_rows() -> list[list[str]]:
    return [
        [
            p.sid,
            p.name,
            p.role,
            p.team,
            p.lm,
            uk(p.start),
            uk(p.end),
            yn(p.case_holding),
            yn(p.rsw),
            uk(p.reg_expires),
            swe_text(p),
            uk(p.asye),
            p.fte,
            yn(p.agency),
            ascii_email(p.name),
        ]
        for p in sorted(STAFF, key=lambda p: p.sid)
    ]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


FIXED_TIME = datetime(2026, 11, 1, 7, 2, 0)


def save_workbook(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps, so runs are byte-identical."""
    wb.properties.creator = "supcheck sample data"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 7, 2, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


# --------------------------------------------------------------------------- self-check


def parse_date_text(t: str) -> date | None:
    t = t.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            return date.fromisoformat(t)
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[ -](\d{4})", t)
        if m:
            return date(int(m[3]), MONTHS.index(m[2].title()) + 1, int(m[1]))
    except ValueError:
        return None
    return None


def parse_duration_text(t: str) -> float | None:
    t = t.strip()
    if not t:
        return None
    for pat, f in [
        (r"(\d+)", lambda m: int(m[1])),
        (r"(\d+) mins", lambda m: int(m[1])),
        (r"(\d+):(\d{2})", lambda m: int(m[1]) * 60 + int(m[2])),
        (r"(\d+):(\d{2}):00", lambda m: int(m[1]) * 60 + int(m[2])),
        (r"(\d+)h(\d{2})", lambda m: int(m[1]) * 60 + int(m[2])),
        (r"(\d+(?:\.\d+)?)h", lambda m: float(m[1]) * 60),
        (r"(\d+) hr (\d+) mins", lambda m: int(m[1]) * 60 + int(m[2])),
    ]:
        m = re.fullmatch(pat, t)
        if m:
            return f(m)
    raise SystemExit(f"self-check: cannot read duration {t!r}")


@dataclass
class Finding:
    kind: str
    staff: str
    start: str
    end: str
    note: str = ""
    extra: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.staff, self.start, self.end)


def national_findings(rows: list[Sess]) -> tuple[list[Finding], list[Finding], dict]:
    """Recompute the national pack's findings from the cells exactly as written."""
    found: list[Finding] = []
    dq: list[Finding] = []
    parsed = []  # (row, supervisee, supervisor, day, minutes, type, held, interrupted)
    seen: dict[tuple, int] = {}
    type_map = {
        "1:1": "individual",
        "individual": "individual",
        "group": "group",
        "professional": "professional",
        "informal": "informal",
    }
    for s in rows:
        c = s.cells
        key = tuple(c)
        if key in seen:
            dq.append(
                Finding(
                    "data-quality",
                    c[1],
                    "",
                    "",
                    "",
                    f"supervisions.csv row {s.row}: duplicate of row {seen[key]}",
                )
            )
            continue
        seen[key] = s.row
        day = parse_date_text(c[3])
        if day is None:
            dq.append(
                Finding(
                    "data-quality",
                    c[1],
                    "",
                    "",
                    "",
                    f"supervisions.csv row {s.row}: date {c[3]!r} unparseable",
                )
            )
            continue
        p = BY_ID.get(c[1])
        if p is None:
            dq.append(
                Finding(
                    "data-quality",
                    c[1],
                    day.isoformat(),
                    day.isoformat(),
                    "",
                    f"supervisions.csv row {s.row}: unknown staff {c[1]!r}",
                )
            )
            continue
        if c[2] and c[2] not in BY_ID:
            dq.append(
                Finding(
                    "data-quality",
                    c[1],
                    day.isoformat(),
                    day.isoformat(),
                    "",
                    f"supervisions.csv row {s.row}: unknown supervisor {c[2]!r}",
                )
            )
        if day > AS_OF:
            continue  # a diary booking: not held yet, and not a data-quality doubt
        if not p.employed(day):
            dq.append(
                Finding(
                    "data-quality",
                    c[1],
                    day.isoformat(),
                    day.isoformat(),
                    "",
                    f"supervisions.csv row {s.row}: outside employment",
                )
            )
            continue
        held = c[6] in ("Completed", "Held")
        typ = type_map[c[5].lower()]
        minutes = parse_duration_text(c[4])
        if held and typ != "informal" and minutes is None:
            dq.append(
                Finding(
                    "data-quality",
                    c[1],
                    day.isoformat(),
                    day.isoformat(),
                    "",
                    f"supervisions.csv row {s.row}: held session without duration",
                )
            )
        parsed.append((s.row, c[1], c[2], day, minutes, typ, held, c[7] == "Yes"))
        if not held and c[7] or (not held and (c[8] or c[9])):
            raise SystemExit(f"self-check: not-held row {s.row} has interrupted/signed values")
        if held and typ != "informal" and not (c[8] in ("Yes", "Y") and c[9] in ("Yes", "Y")):
            raise SystemExit(f"self-check: held formal row {s.row} not signed by both")

    for p in STAFF:
        if p.role.lower() not in KNOWN_ROLES:
            dq.append(Finding("data-quality", p.sid, "", "", "", f"role {p.role!r}"))
        if p.lm and p.lm not in BY_ID:
            dq.append(Finding("data-quality", p.sid, "", "", "", f"line manager {p.lm!r}"))

    summary: dict = {"assessed": defaultdict(int), "missed": 0, "excused": []}
    for p in STAFF:
        if p.role.lower() not in KNOWN_ROLES:
            continue
        category = (
            "social-work"
            if p.role.lower() in REGISTRATION_ROLES
            else "early-help-manager"
            if p.sid == "S002"
            else "support"
        )
        mine = [x for x in parsed if x[1] == p.sid]
        for w in windows(p):
            if not assessed(w):
                continue
            summary["assessed"][category] += 1
            if excused(p.sid, w):
                summary["excused"].append((p.sid, w))
                continue
            ok = any(x[6] and x[5] == "individual" and w.start <= x[3] <= w.end for x in mine)
            if not ok:
                summary["missed"] += 1
                found.append(Finding("frequency", p.sid, w.start.isoformat(), w.end.isoformat()))
        # professional supervision
        lm = BY_ID.get(p.lm)
        if p.rsw and lm is not None and not lm.rsw:
            for w in quarter_windows(p):
                if not assessed(w):
                    continue
                ok = any(
                    x[6]
                    and x[5] == "professional"
                    and w.start <= x[3] <= w.end
                    and BY_ID.get(x[2])
                    and BY_ID[x[2]].rsw
                    for x in mine
                )
                if not ok:
                    found.append(
                        Finding("professional-supervision", p.sid, w.start.isoformat(), w.end.isoformat())
                    )
        if p.employed(JUDGED) and p.role.lower() in REGISTRATION_ROLES:
            if not p.rsw or (p.reg_expires and p.reg_expires < JUDGED):
                found.append(Finding("registration", p.sid, JUDGED.isoformat(), JUDGED.isoformat()))
    for _row, sid, _sup, day, minutes, typ, held, intr in parsed:
        if not (held and typ != "informal" and PERIOD_FROM <= day <= PERIOD_TO):
            continue
        if minutes is not None and minutes < 90:
            found.append(Finding("duration", sid, day.isoformat(), day.isoformat()))
        if intr:
            found.append(Finding("uninterrupted", sid, day.isoformat(), day.isoformat()))
    return found, dq, summary


def later_findings(allocs: list[Alloc], discs: list[Disc], agreements, appraisals) -> list[Finding]:
    """Shropshire case-discussion (2 months), Dudley case-recording, agreement, appraisal."""
    out: list[Finding] = []
    by_pair: dict[tuple[str, str], list[date]] = defaultdict(list)
    for d in discs:
        by_pair[(d.case, d.worker)].append(d.day)
    for a in allocs:
        p = BY_ID[a.worker]
        if not p.case_holding:
            continue
        dates = sorted(x for x in by_pair[(a.case, a.worker)] if x >= a.start)
        last = a.start
        stop = min(a.end or date.max, p.end or date.max)
        while True:
            deadline = last + relativedelta(months=2)
            if deadline >= stop or deadline > AS_OF:
                break
            nxt = next((x for x in dates if x > last), None)
            if nxt is not None and nxt <= deadline:
                last = nxt
                continue
            if PERIOD_FROM <= deadline <= PERIOD_TO:
                out.append(
                    Finding("case-discussion", a.worker, last.isoformat(), deadline.isoformat(), extra=a.case)
                )
            if nxt is None:
                break
            last = nxt
    for d in discs:
        p = BY_ID[d.worker]
        limit = 1 if d.decided_by and d.decided_by not in (d.worker, p.lm) else 2
        limit_day = add_working_days(d.day, limit)
        if working_days_after(d.day, d.recorded) > limit and PERIOD_FROM <= limit_day <= PERIOD_TO:
            out.append(
                Finding("case-recording", d.worker, d.day.isoformat(), limit_day.isoformat(), extra=d.case)
            )
        if d.recorded < d.day or d.recorded > AS_OF or not p.employed(d.day):
            raise SystemExit(f"self-check: odd discussion {d}")
    year_ago = JUDGED - relativedelta(months=12)
    for p in STAFF:
        if not p.employed(JUDGED):
            continue
        if (JUDGED - p.start).days + 1 > 28:
            mine = [
                r
                for r in agreements
                if r[0] == p.sid and r[3] == "Y" and r[4] == "Y" and year_ago < r[2] <= JUDGED
            ]
            if not mine:
                out.append(Finding("agreement", p.sid, JUDGED.isoformat(), JUDGED.isoformat(), extra="none"))
            elif max(mine, key=lambda r: r[2])[1] != p.lm:
                out.append(
                    Finding("agreement", p.sid, JUDGED.isoformat(), JUDGED.isoformat(), extra="supervisor")
                )
        if p.start + relativedelta(months=12) <= JUDGED:
            if not any(r[0] == p.sid and year_ago < r[1] <= JUDGED for r in appraisals):
                out.append(Finding("appraisal", p.sid, JUDGED.isoformat(), JUDGED.isoformat()))
    return out


# --------------------------------------------------------------------------- main


def build():
    rng = random.Random(SEED)
    sessions = build_sessions(rng)
    rows = order_sessions(rng, sessions)
    allocs = build_allocations(rng)
    discs = build_discussions(rng, allocs, rows)
    record_discussions(rng, discs)
    cases = plant_case_problems(allocs, discs)
    for n, d in enumerate(discs):
        d.row = n + 2
    agreements = build_agreements(rng)
    appraisals = build_appraisals(rng)
    return rng, rows, allocs, discs, cases, agreements, appraisals


def staff_row_number(sid: str) -> int:
    ids = [r[0] for r in staff_rows()]
    return len(STAFF_TITLE) + 1 + ids.index(sid) + 1


def expected_dq(rows: list[Sess]) -> list[tuple[str, str, str, str, str]]:
    by_tag = {s.tag: s for s in rows if s.tag}
    orig = by_tag["duplicated"]
    out = []
    for tag, col, header, note in [
        ("unknown-staff", "supervisee_id", "Supervisee", "supervisee `S999` is not in the staff table"),
        ("bad-date", "date", "Supervision Date", "`31/02/2026` is not a date (row not used)"),
        (
            "duplicate",
            "",
            "",
            f"exact duplicate of row {orig.row} (`{orig.sid}`, S009's 1:1 on 10 June 2026)",
        ),
        ("before-start", "date", "Supervision Date", "`2026-04-28` is before S021's start date 2026-05-05"),
        (
            "blank-duration",
            "duration_minutes",
            "Duration",
            "held 1:1 with a blank duration (S012's second June session; the 9 June one meets June anyway)",
        ),
    ]:
        s = by_tag[tag]
        day = s.day.isoformat() if s.day else ""
        where = f", column {col} (header `{header}`)" if col else " (whole row)"
        out.append(("data-quality", s.supervisee, day, day, f"supervisions.csv row {s.row}{where}: {note}"))
    out.append(
        (
            "data-quality",
            "S018",
            "",
            "",
            f"staff.csv row {staff_row_number('S018')}, column role (header `Job Title`), "
            "value `Transformation Lead`: the role matches no group",
        )
    )
    out.append(
        (
            "data-quality",
            "S035",
            "",
            "",
            f"staff.csv row {staff_row_number('S035')}, column line_manager_id (header "
            "`Line Manager`), value `S077`: not in the staff table",
        )
    )
    return out


def self_check(rows, allocs, discs, cases, agreements, appraisals) -> dict:
    found, dq, summary = national_findings(rows)
    got = sorted(f.key for f in found)
    want = sorted(tuple(p[:4]) for p in PLANTED)
    if got != want:
        raise SystemExit(
            "self-check FAILED (national findings)\n  got:  "
            + "\n        ".join(map(str, got))
            + "\n  want: "
            + "\n        ".join(map(str, want))
        )
    dq_staff = sorted(f.staff for f in dq)
    want_dq = sorted(x[1] for x in expected_dq(rows))
    if dq_staff != want_dq:
        raise SystemExit(f"self-check FAILED (data quality)\n  got {dq}\n  want {want_dq}")
    if [(s, w.start, w.end) for s, w in summary["excused"]] != [("S019", D("2026-07-01"), D("2026-07-31"))]:
        raise SystemExit(f"self-check FAILED (excused) {summary['excused']}")
    later = later_findings(allocs, discs, agreements, appraisals)
    got_l = sorted((f.kind, f.staff, f.start, f.end, f.extra) for f in later)
    want_l = sorted((k, s, a, b, x) for k, s, a, b, x, _n in planted_later(cases))
    if got_l != want_l:
        raise SystemExit(f"self-check FAILED (later packs)\n  got  {got_l}\n  want {want_l}")
    # caseloads at the end of the period
    for p in STAFF:
        if p.case_holding and p.employed(PERIOD_TO):
            n = sum(
                1
                for a in allocs
                if a.worker == p.sid and a.start <= PERIOD_TO and (a.end is None or a.end > PERIOD_TO)
            )
            if not 8 <= n <= 18:
                raise SystemExit(f"self-check FAILED: {p.sid} holds {n} cases on {PERIOD_TO}")
    return summary


def planted_later(cases: dict[str, str]) -> list[tuple[str, str, str, str, str, str]]:
    return [
        (
            "case-discussion",
            "S011",
            "2026-05-12",
            "2026-07-12",
            cases["gap"],
            "Shropshire: discussed 12 May, next on 20 July; deadline 12 May + 2 months = 12 July",
        ),
        (
            "case-recording",
            "S023",
            "2026-04-02",
            "2026-04-08",
            cases["late"],
            "Dudley: discussed Thu 2 Apr 2026, recorded Thu 9 Apr; Good Friday 3 Apr and Easter "
            "Monday 6 Apr are bank holidays, so 7 Apr = 1, 8 Apr = 2 (limit), 9 Apr = 3 working days",
        ),
        (
            "agreement",
            "1187",
            "2026-10-31",
            "2026-10-31",
            "supervisor",
            "latest agreement (2026-01-20) names S004; line manager has been S022 since 1 Jun 2026",
        ),
        (
            "appraisal",
            "S007",
            "2026-10-31",
            "2026-10-31",
            "",
            "employed since 2016; last appraisal 2025-09-15, not after 2025-10-31",
        ),
    ]


def write_files(rows, allocs, discs, agreements, appraisals, rng: random.Random) -> None:
    # staff.csv: Windows-1252, title lines, export headers, dd/mm/yyyy, Y/N
    text = "\r\n".join(STAFF_TITLE) + "\r\n" + csv_text([STAFF_HEADER] + staff_rows())
    (HERE / "staff.csv").write_bytes(text.encode("cp1252"))

    # supervisions.csv: UTF-8 with BOM, ';' delimited, mixed formats, trailing blank lines
    text = csv_text([SUPERVISION_HEADER] + [s.cells for s in rows], ";") + "\r\n\r\n"
    (HERE / "supervisions.csv").write_bytes(text.encode("utf-8-sig"))

    # absences.xlsx: a title row above the header, real date cells
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Absences"
    ws.append(["Absence report - Children's Services, 1 April 2024 to 31 October 2026"])
    ws.append(["Employee Number", "Start Date", "End Date", "Reason"])
    for sid, a, b, reason in sorted(ABSENCES, key=lambda x: (x[1], x[0])):
        ws.append([sid, a, b, reason])
    for row in ws.iter_rows(min_row=3):
        for c in row[1:3]:
            c.number_format = "dd/mm/yyyy"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 14
    save_workbook(wb, HERE / "absences.xlsx")

    # allocations.tsv
    lines = [["Child ID", "Allocated Worker", "Allocation Start", "Allocation End"]]
    lines += [[a.case, a.worker, uk(a.start), uk(a.end)] for a in allocs]
    (HERE / "allocations.tsv").write_text(csv_text(lines, "\t"), encoding="utf-8", newline="")

    # case_discussions.xlsx: serial numbers in some rows, date cells in others; ids without
    # a leading zero that Excel turned into numbers (1023 -> 1023.0)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Case discussions"
    ws.append(["Case ID", "Worker ID", "Discussion Date", "Recorded Date", "Session ID", "Decided By"])
    for d in discs:
        worker: object = float(d.worker) if d.worker.isdigit() and d.worker[0] != "0" else d.worker
        serial = rng.random() < 0.3
        day: object = excel_serial(d.day) if serial else d.day
        rec: object = excel_serial(d.recorded) if serial else d.recorded
        ws.append([d.case, worker, day, rec, d.session or None, d.decided_by or None])
        if not serial:
            ws.cell(row=ws.max_row, column=3).number_format = "dd/mm/yyyy"
            ws.cell(row=ws.max_row, column=4).number_format = "dd/mm/yyyy"
    for col, width in zip("ABCDEF", (10, 10, 15, 15, 12, 11), strict=True):
        ws.column_dimensions[col].width = width
    save_workbook(wb, HERE / "case_discussions.xlsx")

    # agreements.csv, appraisals.csv: plain UTF-8, ISO dates
    lines = [["Staff ID", "Supervisor ID", "Signed Date", "Signed by Supervisee", "Signed by Supervisor"]]
    lines += [[s, sup, d.isoformat(), a, b] for s, sup, d, a, b in agreements]
    (HERE / "agreements.csv").write_text(csv_text(lines).replace("\r\n", "\n"), encoding="utf-8", newline="")
    lines = [["Staff ID", "Appraisal Date"]] + [[s, d.isoformat()] for s, d in appraisals]
    (HERE / "appraisals.csv").write_text(csv_text(lines).replace("\r\n", "\n"), encoding="utf-8", newline="")

    # csww_2026.xml: the DfE workforce census return for census year 2026
    (HERE / "csww_2026.xml").write_text(census_xml(allocs), encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- census return

CENSUS_FIRST = D("2025-10-01")  # census year 2026: 1 October 2025 to 30 September 2026
CENSUS_DATE = D("2026-09-30")
CENSUS_VACANCIES = "3.5"
# OrgRole: 1 senior manager, 2 middle manager, 3 first line manager, 4 senior
# practitioner, 5 case holder, 6 qualified without cases.
ORG_ROLES = {
    "service manager": 2,
    "team manager": 3,
    "practice supervisor": 3,
    "senior social worker": 4,
    "advanced practitioner": 4,
    "social worker": 5,
    "social worker (asye)": 5,
}


def census_population() -> list[Person]:
    """The DfE's census population of census year 2026, as supcheck finds it from the
    staff table with the national pack: social-work posts, and anyone else registered."""
    return [
        p
        for p in STAFF
        if (p.role.lower() in REGISTRATION_ROLES or p.rsw)
        and p.start <= CENSUS_DATE
        and (p.end is None or p.end >= CENSUS_FIRST)
    ]


def census_xml(allocs: list[Alloc]) -> str:
    """The department's CSWW census return for 2026 (`csww_2026.xml`), made from the same
    staff, allocations and absences as the other files: one CSWWWorker per person of the
    census population, in staff-id order."""
    open_cases: dict[str, set[str]] = defaultdict(set)
    for a in allocs:
        if a.start <= CENSUS_DATE and (a.end is None or a.end >= CENSUS_DATE):
            open_cases[a.worker].add(a.case)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "  <Header>",
        "    <CollectionDetails>",
        "      <Collection>CSWW</Collection>",
        "      <Year>2026</Year>",
        f"      <ReferenceDate>{CENSUS_DATE.isoformat()}</ReferenceDate>",
        "    </CollectionDetails>",
        "    <Source>",
        "      <SourceLevel>L</SourceLevel>",
        "      <LEA>999</LEA>",
        "      <SoftwareCode>supcheck sample data</SoftwareCode>",
        "      <Release>2026.1</Release>",
        "      <SerialNo>1</SerialNo>",
        "      <DateTime>2026-10-21T10:15:00</DateTime>",
        "    </Source>",
        "  </Header>",
    ]
    in_post = [p for p in census_population() if p.employed(CENSUS_DATE)]
    agency = [p for p in in_post if p.agency]
    agency_fte = sum(float(p.fte) for p in agency)
    out += [
        "  <LALevelVacancies>",
        f"    <NumberOfVacancies>{CENSUS_VACANCIES}</NumberOfVacancies>",
        f"    <NoAgencyFTE>{agency_fte:g}</NoAgencyFTE>",
        f"    <NoAgencyHeadcount>{len(agency)}</NoAgencyHeadcount>",
        "  </LALevelVacancies>",
    ]
    for i, p in enumerate(sorted(census_population(), key=lambda p: p.sid)):
        current = p.employed(CENSUS_DATE)
        number = swe_number(p)
        lost = 0.0
        for sid, a, b, reason in ABSENCES:
            if sid == p.sid and reason == "Sickness":
                day = max(a, CENSUS_FIRST)
                while day <= min(b, CENSUS_DATE):
                    lost += working_day(day) * float(p.fte)
                    day += timedelta(1)
        born = date(1965 + (i * 7) % 30, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
        fields = [
            ("AgencyWorker", "1" if p.agency else "0"),
            ("SWENo", f"SW{number:010d}" if number is not None else ""),
            ("FTE", p.fte),
            ("PersonBirthDate", born.isoformat()),
            ("OrgRole", str(ORG_ROLES[p.role.lower()])),
            ("RoleStartDate", p.start.isoformat()),
            ("StartOrigin", "1" if p.asye is not None and p.start >= CENSUS_FIRST else ""),
            ("RoleEndDate", p.end.isoformat() if p.end is not None and p.end <= CENSUS_DATE else ""),
            ("ReasonLeave", "1" if p.end is not None and p.end <= CENSUS_DATE else ""),
            ("FTE30", p.fte if current else ""),
            ("Cases30", str(len(open_cases[p.sid])) if current and p.case_holding else ""),
            ("WorkingDaysLost", f"{lost:g}" if current and not p.agency else ""),
            (
                "CFKSSstatus",
                "1" if p.asye is not None and p.asye <= CENSUS_DATE < p.asye + relativedelta(years=1) else "",
            ),
        ]
        out.append("  <CSWWWorker>")
        out += [f"    <{name}>{value}</{name}>" for name, value in fields if value]
        out.append("  </CSWWWorker>")
    out.append("</Message>")
    return "\n".join(out) + "\n"


def write_expected(rows, discs, cases, summary) -> None:
    lines = [
        "# Expected findings for the sample data",
        "",
        "Generated by `python sample_data/generate.py` (do not edit by hand: change the "
        "generator and rerun it; the generator's self-check recomputes every line below "
        "from the files' cells and fails if anything else would be found).",
        "",
        "## National pack",
        "",
        "```",
        "supcheck check sample_data --from 2026-04-01 --to 2026-10-31 --as-of 2026-11-20",
        "```",
        "",
        f"Period 2026-04-01 to 2026-10-31, as-of 2026-11-20, so the judged date `J` is "
        f"{JUDGED.isoformat()}. Every finding planted in the data, and nothing else:",
        "",
        "| kind | staff_id | start | end | note |",
        "| --- | --- | --- | --- | --- |",
    ]
    all_rows = list(PLANTED) + expected_dq(rows)
    order = [
        "frequency",
        "duration",
        "uninterrupted",
        "professional-supervision",
        "registration",
        "data-quality",
    ]
    all_rows.sort(key=lambda r: (order.index(r[0]), r[1], r[2]))
    for k, s, a, b, note in all_rows:
        lines.append(f"| {k} | {s} | {a} | {b} | {note} |")
    n_breach = sum(1 for r in all_rows if r[0] != "data-quality")
    n_dq = len(all_rows) - n_breach
    lines += [
        "",
        f"That is {n_breach} non-data-quality findings (severity `breach` in the national pack, "
        f"so the exit code is 1) and {n_dq} data-quality warnings.",
        "",
        "Data-quality start/end: the session's date where the row has a readable one, else blank "
        "(a tool may leave them blank for a row it does not use, e.g. the S999 row); the row "
        "numbers are spreadsheet rows as Excel shows the file (supervisions.csv: header on row 1; "
        "staff.csv: two title lines and a blank line, header on row 4, first person on row 5). "
        "The duplicate is reported on the second of the two identical rows.",
        "",
        "Sessions dated after the as-of date are diary bookings, not data-quality doubts: "
        "S008's 1:1 on 3 December 2026 (supervisions.csv row 1420, written `03/12/2026`) is "
        "not counted as held by `check` and raises no warning; `supcheck due` shows it "
        '("booked for 3 December 2026"). (Earlier versions reported it as a data-quality '
        'warning, "after the as-of date": a real export holds the diary too.)',
        "",
        "### NQSW windows, by hand",
        "",
        "Megan Lloyd (S013), `asye_start` = start_date = Monday 2026-05-11, national pack.",
        "",
        "- Weekly segment `[a, a + 6 weeks)` = 2026-05-11 to 2026-06-21, 7-day blocks: "
        "W1 05-11..05-17, W2 05-18..05-24, **W3 05-25..05-31 (missed)**, W4 06-01..06-07, "
        "W5 06-08..06-14, W6 06-15..06-21.",
        "- Fortnightly segment `[a + 6 weeks, a + 6 months)` = 2026-06-22 to 2026-11-10, 14-day "
        "blocks: F1 06-22..07-05, F2 07-06..07-19, F3 07-20..08-02, F4 08-03..08-16, "
        "**F5 08-17..08-30 (missed)**, F6 08-31..09-13, F7 09-14..09-27, F8 09-28..10-11, "
        "F9 10-12..10-25, F10 10-26..11-08, and 11-09..11-10 (2 days, under 7, merged into F10 at "
        "the segment end: F10 = 10-26..11-10).",
        "- Monthly from 2026-11-11: 11-11..11-30 (20 days, kept), December, ...",
        "- Assessed (last day in the period and on or before as-of): W1-W6 and F1-F9. F10 ends "
        "2026-11-10, after the period: not assessed (she has a session on it anyway).",
        "",
        "The other two NQSWs are compliant; their windows in the period, for tests:",
        "",
    ]
    for sid in ("S014", "S031"):
        p = BY_ID[sid]
        ws = [w for w in windows(p) if assessed(w)]
        lines.append(
            f"- {p.name} ({sid}), start {p.start}, `asye_start` {p.asye}: "
            + ", ".join(f"{w.start}..{w.end} ({w.interval})" for w in ws)
            + "."
        )
    lines += [
        "",
        "### Windows that are short and merged (all met: the sessions test the merging)",
        "",
        "- Grace Whitaker (S029) starts Thu 2026-09-17: 17-30 Sep is 14 days (< 15), merged into "
        "October: window 2026-09-17..2026-10-31, met by her only session on 2026-10-08. An "
        "implementation that does not merge would report 17-30 Sep.",
        "- Lucy Parry (S020) leaves Sat 2026-08-08: 1-8 Aug is 8 days (< 15), merged into July: "
        "window 2026-07-01..2026-08-08, met by her only session in it, on 2026-08-04.",
        "- Emily Shaw (S030) leaves 2026-10-16: 1-16 Oct is 16 days, kept (session 2026-10-13).",
        "- Thomas Hughes (S028, agency) starts 2026-06-15: 15-30 Jun is 16 days, kept (session 2026-06-22).",
        "",
        "### Excused windows",
        "",
        "| staff_id | window | reason |",
        "| --- | --- | --- |",
    ]
    for sid, w in summary["excused"]:
        lines.append(
            f"| {sid} | {w.start}..{w.end} | sickness 2026-07-01..2026-08-15 covers "
            f"all {w.length} days; no session that month |"
        )
    lines += [
        "",
        "Zoë Brontë's August window (1-31 Aug) is not excused (15 of 31 days absent, under "
        "half) and is met by her session on 2026-08-17, her first day back. No other assessed "
        "window has absences covering half its days (annual leave is at most 12 days).",
        "",
        "### Things that must NOT be findings (traps)",
        "",
        "- Shortest-but-valid values: held 1:1 sessions of exactly 90 minutes in every format "
        "(`90`, `1:30`, `1h30`, `1.5h`, `1 hr 30 mins`, `01:30:00`, `90 mins`).",
        "- Cancelled and DNA rows (some with a blank duration) never count and never need a "
        "duration or signatures.",
        "- Informal sessions (20-45 minutes, unsigned; one on 2026-09-29 for S011 is marked "
        "Interrupted = Yes) are not formal: no duration or uninterrupted finding, and they never "
        "meet a window.",
        "- Group sessions (120 minutes, quarterly per team) are extra; no planted missed window "
        "contains one, so whether the national pack counts group supervision does not change "
        "the result.",
        "- The 60-minute, 75-minute and interrupted sessions are each the person's only session "
        "in that month: the month is met (rules.md pinned detail 7: a short session still meets "
        "its window).",
        "- Bethan Morgan (1187) and Ewan MacLeod (00417), Aled Roberts (00452): ids must stay "
        "text with leading zeros (`00417`, not `417`); in case_discussions.xlsx 1023 and 1187 "
        "are numeric cells (1023.0).",
        "- Service managers S001 and S002 have no line manager in the extract (blank, not a "
        "data-quality finding) and their sessions have a blank supervisor.",
        "",
    ]
    n = summary["assessed"]
    n_ex, n_miss = len(summary["excused"]), summary["missed"]
    with_s002 = n["social-work"] + n["early-help-manager"]
    n_staff = sum(1 for p in STAFF if p.start <= PERIOD_TO and (p.end is None or p.end >= PERIOD_FROM))
    lines += [
        "### Window counts (for a summary test)",
        "",
        f"Frequency windows assessed in the period: {n['social-work']} for the registered "
        f"social-work roles (Service Manager, Team Managers, Practice Supervisors, Senior Social "
        f"Workers, Social Workers, Advanced Practitioners, NQSWs), {n['early-help-manager']} for "
        f"the Service Manager - Early Help (S002) and {n['support']} for family support and "
        f"business support staff; the Transformation Lead (S018) matches no group and has none. "
        f"Of these, {n_ex} is excused and {n_miss} are missed, all among the social-work roles. "
        f"With the shipped national pack as it stands (support staff in a group without rules, "
        f"S002 matched as a manager and assessed monthly): windows_assessed = {with_s002}, "
        f"windows_excused = {n_ex}, windows_missed = {n_miss}, windows_met = "
        f"{with_s002 - n_ex - n_miss}; summary `staff` = {n_staff} "
        f"(everyone employed at some time in the period; Paul Kershaw, S032, left on 2025-12-19 "
        f"and is in the staff file only as history).",
        "",
        "### Open point for the national pack: S002",
        "",
        'Graham Whitfield (S002), "Service Manager - Early Help", is not a registered social '
        "worker (`SWE Registered` = N), by design: an early help service is commonly managed by "
        "someone from another profession, which is why his report Hélène Dubois (S036) needs "
        "professional supervision. The post is not a designated social work post, so the table "
        "above has no `registration` finding for him. A role pattern such as "
        "`\\bservice manager\\b` also matches this title and would add `registration S002 "
        "2026-10-31 2026-10-31`; the pack should place early help managers in a group that does "
        "not require registration (or the test should add that line if the pack decides "
        "otherwise).",
        "",
        "## Other tables: problems for the local packs (shropshire, dudley)",
        "",
        "Not judged by the national pack. With `--policy shropshire` / `--policy dudley` and the "
        "same dates these are the planted findings of these kinds (other rules of those packs, "
        "such as quarterly support-staff windows or the annual minimum, are not covered here):",
        "",
        "| kind | staff_id | case_id | start | end | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for k, s, a, b, case, note in planted_later(cases):
        lines.append(f"| {k} | {s} | {case if k.startswith('case') else ''} | {a} | {b} | {note} |")
    late = next(d for d in discs if d.tag == "late")
    ok = next(d for d in discs if d.tag == "bank-holiday-ok")
    dl = [d for d in discs if d.tag.startswith("deadline")]
    lines += [
        "",
        f"The late recording is case_discussions.xlsx row {late.row}. Traps (no finding): "
        f"row {ok.row}, case {cases['bank_holiday_ok']} (S024), discussed Fri 2026-08-28 and "
        "recorded Wed 2026-09-02, is 2 working days because Mon 31 Aug is the August bank "
        'holiday in England (the `holidays` package needs `subdiv="ENG"` for it); case '
        f"{cases['deadline']} (S025) is discussed on 2026-04-15 (row {dl[0].row}) and next on "
        f"the deadline day itself, 2026-06-15 (row {dl[1].row}): on time. Gareth Price's (S025) "
        "newest agreement (2026-10-20) is not countersigned, but his 2026-02-10 one is signed by "
        "both and names his line manager: no agreement finding. Decisions with `Decided By` = "
        "S001 (a senior manager) are all recorded within 1 working day; those naming the "
        "worker's own line manager within 2. Zoë Brontë's (S019) cases are discussed on "
        "2026-06-30 and next on 2026-08-17, after her sickness absence: 48 days, inside the "
        "2 months (deadline 2026-08-30).",
        "",
    ]
    (HERE / "EXPECTED.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str]) -> int:
    rng, rows, allocs, discs, cases, agreements, appraisals = build()
    summary = self_check(rows, allocs, discs, cases, agreements, appraisals)
    if "--check" in argv:
        print("self-check passed")
        return 0
    write_files(rows, allocs, discs, agreements, appraisals, rng)
    write_expected(rows, discs, cases, summary)
    print(
        f"wrote {len(STAFF)} staff, {len(rows)} supervision rows, {len(ABSENCES)} absences, "
        f"{len(allocs)} allocations, {len(discs)} case discussions, {len(agreements)} "
        f"agreements, {len(appraisals)} appraisals; self-check passed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
