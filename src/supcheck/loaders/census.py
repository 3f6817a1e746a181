"""The DfE's Children's Social Work Workforce (CSWW) census return, read safely.

Every local authority in England files the return each year: an XML message

    <Message>
      <Header>
        <CollectionDetails><Collection>CSWW</Collection><Year>2025</Year>
          <ReferenceDate>2025-09-30</ReferenceDate></CollectionDetails>
        <Source><LEA>894</LEA>...</Source>
      </Header>
      <LALevelVacancies><NumberOfVacancies>4.5</NumberOfVacancies>
        <NoAgencyFTE>2.0</NoAgencyFTE><NoAgencyHeadcount>2</NoAgencyHeadcount></LALevelVacancies>
      <CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW0000012345</SWENo><FTE>1</FTE>...
      </CSWWWorker>
      ...
    </Message>

**Recognised by its content**, whatever the file is called: a file in DATA whose first
element is `Message` (`sniff`). It is then parsed to the end; a `Message` whose
`Collection` is not CSWW is not a census return, and says so.

**Read safely**: the file size limit of every export (`limits.check_file_size`); no
document type or entity declaration at all (defusedxml with `forbid_dtd`: a CSWW
return never has one, and the "billion laughs" and external-entity attacks need one),
refused with one line, as in a workbook; parsed as a stream, each worker's element
dropped once read, so memory follows the workers, not the file.

**Values.** Element names are matched without their namespace. Elements supcheck does
not use (`GenderCurrent`, `Ethnicity`, `QualInst`, ...) and any it does not know are
ignored. Each value it uses is checked (codes against the DfE's lists, dates ISO,
FTE above 0 and at most 1, counts whole and not negative); a bad one is a data-quality
finding naming the element, the worker's position (`CSWWWorker 3`, counting from 1)
and the value, and is read as blank. A header without a usable `ReferenceDate` falls
back to 30 September of `Year`; without either the return cannot be placed in a year and
the run stops (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..dq import data_quality
from ..errors import InputError
from ..models import Finding
from ..swe import normalise
from .limits import check_file_size

SNIFF_BYTES = 65536
_FIRST_ELEMENT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")

ORG_ROLES = {
    1: "senior manager",
    2: "middle manager",
    3: "first line manager",
    4: "senior practitioner",
    5: "case holder",
    6: "qualified without cases",
}
ABSENCE_REASONS = frozenset({"MAT", "OTH", "PUB", "SIC", "TRN", "UNA", "UNP"})


@dataclass(frozen=True)
class CensusWorker:
    """One `CSWWWorker`: the elements supcheck uses, each None when absent or unreadable."""

    position: int
    agency: bool | None = None
    swe_number: str | None = None
    fte: float | None = None
    fte30: float | None = None
    birth_date: date | None = None
    org_role: int | None = None
    role_start: date | None = None
    role_end: date | None = None
    start_origin: int | None = None
    reason_leave: int | None = None
    cases30: int | None = None
    days_lost: float | None = None
    absent_30_sept: bool | None = None
    reason_absence: str | None = None
    cfkss_status: int | None = None

    @property
    def name(self) -> str:
        """`CSWWWorker 3 (SW12345)`: how findings and notes name the worker."""
        return f"CSWWWorker {self.position}" + (f" ({self.swe_number})" if self.swe_number else "")


@dataclass(frozen=True)
class CensusReturn:
    """A whole return: its header, LA-level figures and workers."""

    label: str
    reference_date: date
    year: int | None
    lea: str
    vacancies: float | None
    agency_fte: float | None
    agency_headcount: int | None
    workers: tuple[CensusWorker, ...]
    #: Worker elements present (readable) on at least one worker, to tell "none given"
    #: from "zero".
    given: frozenset[str] = field(default_factory=frozenset)


# ---------------------------------------------------------------- recognising


def sniff(path: Path) -> bool:
    """Whether the file's first element is `Message` (an XML message, as a census return
    is). Only the first 64 kB are read; an unreadable file is not one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<"):
        return False
    # Skip the declaration, comments, and a document type (which is refused later, but
    # must not hide the file from being recognised).
    rest = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S)
    rest = re.sub(rb"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", b"", rest, flags=re.S)
    match = _FIRST_ELEMENT.search(rest)
    return match is not None and match.group(1) == b"Message"


# ---------------------------------------------------------------- values


class _Bad(ValueError):
    pass


class NotACensusReturn(InputError):
    """An XML message that is not a CSWW return (another DfE collection): not ours."""


def _int(low: int, high: int | None = None) -> Callable[[str], int]:
    def read(text: str) -> int:
        if not re.fullmatch(r"[+]?\d+", text):
            raise _Bad("is not a whole number" + (" of 0 or more" if low == 0 else ""))
        value = int(text)
        if value < low or (high is not None and value > high):
            raise _Bad(f"is not a code from {low} to {high}" if high is not None else f"is below {low}")
        return value

    return read


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _Bad("is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise _Bad("is not a number of 0 or more")
    return value


def _fte(text: str) -> float:
    value = _number(text)
    if not 0 < value <= 1:
        raise _Bad("is not a full-time equivalent above 0 and at most 1")
    return value


def _flag(text: str) -> bool:
    if text in ("0", "1"):
        return text == "1"
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise _Bad("is not 0 or 1")


def _date(text: str) -> date:
    """An XML date (`2025-09-30`, a time after it ignored)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise _Bad("is not a date (YYYY-MM-DD)")


def _swe(text: str) -> str:
    try:
        return normalise(text)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _absence(text: str) -> str:
    code = text.upper()
    if code not in ABSENCE_REASONS:
        raise _Bad(f"is not one of {', '.join(sorted(ABSENCE_REASONS))}")
    return code


#: Worker element -> (CensusWorker field, reader).
WORKER_ELEMENTS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "AgencyWorker": ("agency", _flag),
    "SWENo": ("swe_number", _swe),
    "FTE": ("fte", _fte),
    "FTE30": ("fte30", _fte),
    "PersonBirthDate": ("birth_date", _date),
    "OrgRole": ("org_role", _int(1, 6)),
    "RoleStartDate": ("role_start", _date),
    "RoleEndDate": ("role_end", _date),
    "StartOrigin": ("start_origin", _int(1, 10)),
    "ReasonLeave": ("reason_leave", _int(1, 10)),
    "Cases30": ("cases30", _int(0)),
    "WorkingDaysLost": ("days_lost", _number),
    "Absat30Sept": ("absent_30_sept", _flag),
    "ReasonAbsence": ("reason_absence", _absence),
    "CFKSSstatus": ("cfkss_status", _int(1, 4)),
}
VACANCY_ELEMENTS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "NumberOfVacancies": ("vacancies", _number),
    "NoAgencyFTE": ("agency_fte", _number),
    "NoAgencyHeadcount": ("agency_headcount", _int(0)),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Any) -> str:
    return (element.text or "").strip()


# ---------------------------------------------------------------- reading


def read_census(path: Path, label: str | None = None) -> tuple[CensusReturn, list[Finding]]:
    """The return in `path`, and the data-quality findings about its values. InputError
    (one line) when it cannot be read, is refused, or is not a CSWW return."""
    label = label or path.name
    check_file_size(path, label)
    findings: list[Finding] = []
    header: dict[str, str] = {}
    vacancies: dict[str, Any] = {}
    workers: list[CensusWorker] = []
    given: set[str] = set()
    root: Any = None
    try:
        for event, element in iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                if root is None:
                    root = element
                    if name != "Message":
                        raise NotACensusReturn(f"{label}: not a census return (its first element is {name})")
                continue
            if name in ("Collection", "Year", "ReferenceDate", "LEA") and not workers:
                header.setdefault(name, _text(element))
            elif name == "LALevelVacancies":
                vacancies = _read_vacancies(element, label, findings)
                element.clear()
                root.clear()
            elif name == "CSWWWorker":
                worker, seen = _read_worker(element, len(workers) + 1, label, findings)
                workers.append(worker)
                given |= seen
                element.clear()
                root.clear()  # (the header is already read; the parser holds its own path)
    except DefusedXmlException:
        raise InputError(
            f"{label}: refused: the census return declares a document type or entities, which a "
            'CSWW return never has and an XML attack ("billion laughs", external entities) uses'
        ) from None
    except SyntaxError as exc:  # xml.etree's ParseError
        raise InputError(f"{label}: not a readable census return (not well-formed XML: {exc})") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None
    collection = header.get("Collection", "")
    if collection.upper() != "CSWW":
        shown = f"'{collection}'" if collection else "none"
        raise NotACensusReturn(
            f"{label}: an XML message, but not a CSWW census return (its Collection is {shown})"
        )
    reference, year = _reference_date(header, label, findings)
    census = CensusReturn(
        label=label,
        reference_date=reference,
        year=year,
        lea=header.get("LEA", ""),
        vacancies=vacancies.get("vacancies"),
        agency_fte=vacancies.get("agency_fte"),
        agency_headcount=vacancies.get("agency_headcount"),
        workers=tuple(workers),
        given=frozenset(given),
    )
    return census, findings


def _reference_date(header: dict[str, str], label: str, findings: list[Finding]) -> tuple[date, int | None]:
    year_text = header.get("Year", "")
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
    text = header.get("ReferenceDate", "")
    try:
        return _date(text), year
    except _Bad:
        pass
    if year is None:
        raise InputError(
            f"{label}: the census return has no readable ReferenceDate or Year in "
            "Header/CollectionDetails, so its year is not known"
        )
    findings.append(
        data_quality(
            "census-reference-date",
            what=f"ReferenceDate '{text}' is not a date" if text else "no ReferenceDate",
            year=year,
            file=label,
            column="ReferenceDate",
            value=text or None,
        )
    )
    return date(year, 9, 30), year


def _read_vacancies(element: Any, label: str, findings: list[Finding]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for child in element:
        name = _local(child.tag)
        if name not in VACANCY_ELEMENTS:
            continue
        key, read = VACANCY_ELEMENTS[name]
        text = _text(child)
        if not text:
            continue
        try:
            values[key] = read(text)
        except _Bad as exc:
            findings.append(
                data_quality(
                    "census-value",
                    where="LALevelVacancies: ",
                    detail=exc,
                    file=label,
                    column=name,
                    value=text,
                )
            )
    return values


def _read_worker(
    element: Any, position: int, label: str, findings: list[Finding]
) -> tuple[CensusWorker, set[str]]:
    raw = {_local(child.tag): _text(child) for child in element}
    values: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for name, (key, read) in WORKER_ELEMENTS.items():
        text = raw.get(name, "")
        if not text:
            continue
        try:
            values[key] = read(text)
        except _Bad as exc:
            problems.append((name, text, str(exc)))
    start, end = values.get("role_start"), values.get("role_end")
    if start is not None and end is not None and end < start:
        problems.append(("RoleEndDate", raw["RoleEndDate"], f"is before RoleStartDate {start.isoformat()}"))
        del values["role_end"]
    worker = CensusWorker(position=position, **values)
    for name, text, problem in problems:
        findings.append(
            data_quality(
                "census-value",
                where=f"{worker.name}: ",
                detail=problem,
                file=label,
                column=name,
                value=text,
            )
        )
    seen = {name for name, (key, _) in WORKER_ELEMENTS.items() if key in values}
    return worker, seen


__all__ = [
    "ABSENCE_REASONS",
    "ORG_ROLES",
    "CensusReturn",
    "CensusWorker",
    "NotACensusReturn",
    "read_census",
    "sniff",
]
