"""Policy packs: load a TOML pack, resolve `extends`, validate, and match staff to groups.

A pack is data, not code (like yamllint's configs): a council writes one without
touching Python. `extends = "national"` names a shipped pack; anything else is a
path relative to the extending file. The child's tables update the parent's key by
key; `disable = ["rule-id"]` drops inherited rules. The merged result is validated
with pydantic in one pass: every problem of every file of the chain is collected
(unknown keys, wrong types, values out of range, rules and groups that do not exist),
each naming its file and dotted key, and `packs validate` prints them all.

Ranges, so that no value a pack can give makes a silent wrong answer or a crash:
a session length (`min_minutes`) is 1 to 480 minutes, and a length (`"6 weeks"`) is a
whole number of days, weeks, months or years of at most ten years (`MAX_LENGTH`).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import PackError, printable
from .files import regular_file_problem
from .models import Interval, Severity, Staff
from .validation import Problem, dotted, in_file_order, one_line, problems, read_toml

_OFFSET_RE = re.compile(r"^\s*([0-9]+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)

MAX_LENGTH = {"day": 3653, "week": 521, "month": 120, "year": 10}
"""The longest length a pack may give, ten years, in each unit. An appraisal every
12 months or an agreement valid for 2 years is policy; "99999999999 weeks" is a typo,
and date arithmetic with it would overflow."""

SessionMinutes = Annotated[float, Field(ge=1, le=480, allow_inf_nan=False)]
"""A minimum session length: from 1 minute to 8 hours (a working day)."""


@functools.lru_cache(maxsize=256)
def parse_offset(text: str) -> relativedelta:
    """'6 weeks' -> relativedelta(weeks=6). Months are calendar months (31 Jan + 1 month = 28/29 Feb).

    Cached: schedules ask for the same few lengths once per person. (relativedelta's
    arithmetic returns new objects; nothing changes the one returned.)"""
    match = _OFFSET_RE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a length such as '6 weeks' or '2 months'")
    digits, unit = match.group(1), match.group(2).lower()
    if len(digits) > 6 or int(digits) > MAX_LENGTH[unit]:
        raise ValueError(
            f"'{' '.join(text.split())}' is longer than ten years, the longest length a pack may give"
            f" (at most {MAX_LENGTH[unit]} {unit}s)"
        )
    return relativedelta(**{unit + "s": int(digits)})


class _Strict(BaseModel):
    """Unknown keys are errors, and a value must have the type written in the file (no
    `"90"` for 90, no `1` for true): a pack is read by people who meant something."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Phase(_Strict):
    """One phase of the NQSW schedule: `interval` until `until` after the ASYE start."""

    until: str | None = None
    interval: Interval

    @field_validator("until")
    @classmethod
    def _check_until(cls, value: str | None) -> str | None:
        if value is not None:
            parse_offset(value)
        return value

    @property
    def offset(self) -> relativedelta | None:
        return parse_offset(self.until) if self.until else None


class NqswSchedule(_Strict):
    phases: list[Phase] = Field(min_length=1)
    source: str = ""

    @field_validator("phases")
    @classmethod
    def _last_phase_open(cls, phases: list[Phase]) -> list[Phase]:
        if phases[-1].until is not None:
            raise ValueError("the last phase must have no 'until' (it continues)")
        if any(p.until is None for p in phases[:-1]):
            raise ValueError("every phase but the last needs 'until'")
        # Each phase must end after the one before (on a day where months differ in length).
        anchor = date(2001, 1, 31)
        ends = [anchor + p.offset for p in phases[:-1] if p.offset is not None]
        if any(b <= a for a, b in zip([anchor, *ends], ends, strict=False)):
            raise ValueError("each phase's 'until' must be longer than the one before (and than no time)")
        return phases


class EnhancedSchedule(_Strict):
    """Returners and role changers: `interval` between the staff row's enhanced_from and enhanced_until."""

    interval: Interval = "fortnight"
    source: str = ""


class Schedules(_Strict):
    nqsw: NqswSchedule | None = None
    enhanced: EnhancedSchedule | None = None


class Group(_Strict):
    """A set of staff with the same requirements (a row of Shropshire's table in section 3.5)."""

    id: str
    title: str = ""
    roles: list[str] = Field(default_factory=list)
    role_patterns: list[str] = Field(default_factory=list)
    case_holding: bool | None = None
    nqsw: bool | None = None
    interval: Interval | None = None
    group_supervision: bool = False
    min_minutes: SessionMinutes = 90
    requires_registration: bool = False
    rules: list[str] | None = None

    @field_validator("role_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(
                    f"role pattern '{pattern}' is not a valid regular expression: {exc}"
                ) from None
        return patterns

    @cached_property
    def _role_set(self) -> frozenset[str]:
        return frozenset(_fold_role(r) for r in self.roles)

    @cached_property
    def _compiled(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.IGNORECASE) for p in self.role_patterns]

    def matches(self, staff: Staff, on: date) -> bool:
        role = _fold_role(staff.role)
        if not (role in self._role_set or any(p.search(role) for p in self._compiled)):
            return False
        if self.case_holding is not None and staff.case_holding is not None:
            if staff.case_holding != self.case_holding:
                return False
        if self.nqsw is not None and is_nqsw(staff, on) != self.nqsw:
            return False
        return True

    def applies(self, rule_id: str) -> bool:
        return self.rules is None or rule_id in self.rules


class RuleSpec(BaseModel):
    """A rule instance: its kind, severity, citation, and kind-specific parameters (extra
    keys, validated by the kind's `Params` model)."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    id: str
    kind: str
    severity: Severity = "breach"
    title: str = ""
    source: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Pack(_Strict):
    id: str = Field(min_length=1)
    title: str = ""
    description: str = ""
    files: list[str] = Field(default_factory=list)
    schedules: Schedules = Field(default_factory=Schedules)
    groups: dict[str, Group]
    rules: dict[str, RuleSpec]

    def group_for(self, staff: Staff, on: date) -> Group | None:
        """The first group, in pack order, that the staff member matches on date `on`."""
        for group in self.groups.values():
            if group.matches(staff, on):
                return group
        return None


def _fold_role(role: str) -> str:
    return " ".join(role.lower().split())


def is_nqsw(staff: Staff, on: date) -> bool:
    """An NQSW for 12 months from the ASYE start (data.md)."""
    a = staff.asye_start
    return a is not None and a <= on < a + relativedelta(months=12)


# ---------------------------------------------------------------- loading


def packs_dir() -> Path:
    """Where the shipped packs live: inside the installed wheel, or `rules/` in a checkout."""
    bundled = resources.files("supcheck") / "_packs"
    if bundled.is_dir():
        return Path(str(bundled))
    return Path(__file__).resolve().parents[2] / "rules"


def shipped_packs() -> dict[str, Path]:
    return {p.stem: p for p in sorted(packs_dir().glob("*.toml"))}


def resolve_pack_path(name_or_path: str, relative_to: Path | None = None) -> Path:
    shipped = shipped_packs()
    if name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path).expanduser()
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if path.exists():
        return path  # read_toml refuses it if it is not a regular file, and says why
    names = ", ".join(shipped) or "none"
    raise PackError(f"no policy pack '{name_or_path}': not a shipped pack ({names}) nor a file")


MAX_EXTENDS = 16
"""The longest `extends` chain: a council's pack over a regional one over a shipped one
is three."""


class PackMeta(_Strict):
    """The `[pack]` table of one file of the chain."""

    id: str | None = Field(default=None, min_length=1)
    title: str | None = None
    description: str | None = None
    extends: str | None = Field(default=None, min_length=1)
    disable: list[str] = Field(default_factory=list)
    remove_groups: list[str] = Field(default_factory=list)
    group_order: list[str] | None = None


class _PackFile(_Strict):
    """What may be at the top of a pack file. The tables are validated again, merged,
    as a `Pack`; here only their place is checked."""

    pack: dict[str, Any] = Field(default_factory=dict)
    schedules: dict[str, Any] = Field(default_factory=dict)
    groups: dict[str, Any] = Field(default_factory=dict)
    rules: dict[str, Any] = Field(default_factory=dict)


@dataclass
class _Layer:
    """One file of an `extends` chain: its raw tables and the valid part of its `[pack]`."""

    path: Path
    raw: dict[str, Any]
    meta: PackMeta


@dataclass
class _Build:
    """The chain read so far and the problems found, each placed in the file that sets the key."""

    layers: list[_Layer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stop: bool = False
    """Set when `extends` itself is unusable: without the parent, the rest would mislead."""

    def add(self, layer: _Layer, key: str, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(str(layer.path), key, message, code))

    def _depths(self, loc: tuple[Any, ...]) -> list[tuple[_Layer, int]]:
        """Each layer, child first, with how many parts of `loc` it sets."""
        found = []
        for layer in reversed(self.layers):
            node: Any = layer.raw
            n = 0
            for part in loc:
                if not isinstance(node, dict) or part not in node:
                    break
                node, n = node[part], n + 1
            found.append((layer, n))
        return found

    def file_for(self, loc: tuple[Any, ...]) -> str:
        """The file a problem at `loc` is reported in: of the files a user wrote (a shipped
        pack is valid on its own, so a problem in the merge comes from its extender), the
        one that sets the deepest part of `loc`, the child on a tie."""
        depths = self._depths(loc)
        own = [(layer, n) for layer, n in depths if str(layer.path) not in _shipped_files()] or depths
        return str(max(own, key=lambda item: item[1])[0].path)  # max keeps the first (child) on a tie

    def inherited_note(self, loc: tuple[Any, ...]) -> str:
        """' (inherited from national.toml)' when the key itself is set only by a file other
        than the one the problem is reported in: the user's change made it a problem."""
        chosen = self.file_for(loc)
        setters = [layer for layer, n in self._depths(loc) if n == len(loc)]
        if setters and all(str(layer.path) != chosen for layer in setters):
            return f" (inherited from {setters[0].path.name})"
        return ""

    def at(self, loc: tuple[Any, ...], message: str, code: str = "invalid") -> None:
        self.problems.append(
            Problem(self.file_for(loc), dotted(loc), message + self.inherited_note(loc), code)
        )


@functools.lru_cache(maxsize=1)
def _shipped_files() -> frozenset[str]:
    return frozenset(str(p) for p in shipped_packs().values())


def load_pack(name_or_path: str) -> Pack:
    """Load and validate a pack; PackError naming every problem (file and key) on one line."""
    pack, found = _build_pack(name_or_path)
    if found:
        raise PackError(one_line(found))
    assert pack is not None
    return pack


def validate_pack_file(name_or_path: str) -> list[str]:
    """Every problem in a pack, each naming file and key, for `packs validate`; empty means valid."""
    try:
        return [str(p) for p in pack_problems(name_or_path)]
    except PackError as exc:
        return [printable(str(exc))]


def pack_problems(name_or_path: str) -> list[Problem]:
    """Every problem in a pack, with its file, dotted key and code (`unknown-key`,
    `wrong-type`, `out-of-range`, ...); PackError when the pack cannot be read at all."""
    return _build_pack(name_or_path)[1]


def _build_pack(name_or_path: str) -> tuple[Pack | None, list[Problem]]:
    """The validated pack (None when it has problems) and every problem found."""
    path = resolve_pack_path(name_or_path)
    build = _Build()
    _read_chain(path, build, ())
    if build.stop:
        return None, build.problems
    raw, meta = _inherit(build)
    data = _pack_data(raw, meta, build)
    try:
        pack: Pack | None = Pack.model_validate(data)
    except ValidationError as exc:
        build.problems += problems(exc, build.file_for, model=Pack, note=build.inherited_note)
        pack = None
    _rule_param_problems(data.get("rules"), build)
    _cross_reference_problems(data, build)
    return (pack if not build.problems else None), _in_file_order(build)


def _in_file_order(build: _Build) -> list[Problem]:
    """The problems of the extending file first, then its parents', each file's in the
    order their keys are written: the order a reader fixes them in."""
    found = []
    for layer in reversed(build.layers):
        found += in_file_order([p for p in build.problems if p.file == str(layer.path)], layer.raw)
    return found + [p for p in build.problems if p not in found]


def _read_chain(path: Path, build: _Build, chain: tuple[Path, ...]) -> None:
    """Read `path` and, before it, the packs it extends (root first) into `build.layers`.
    An unreadable file, a cycle or a parent that does not exist stops the reading."""
    if path.resolve() in {p.resolve() for p in chain}:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise PackError(f"{path}: pack.extends makes a cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS:
        raise PackError(f"{chain[0]}: pack.extends: a chain of more than {MAX_EXTENDS} packs")
    raw = read_toml(path, PackError, "policy pack")
    try:
        _PackFile.model_validate(raw)
    except ValidationError as exc:
        for problem in problems(exc, str(path), model=_PackFile):
            if problem.code == "unknown-key":
                known = ", ".join(_PackFile.model_fields)
                message = f"unknown top-level key (expected one of {known})"
                problem = Problem(problem.file, problem.key, message, problem.code)
            build.problems.append(problem)
    meta = raw.get("pack", {})
    meta = meta if isinstance(meta, dict) else {}
    try:
        layer = _Layer(path, raw, PackMeta.model_validate(meta))
    except ValidationError as exc:
        build.problems += problems(exc, str(path), model=PackMeta, prefix=("pack",))
        bad = {err["loc"][0] for err in exc.errors()}
        build.stop = build.stop or "extends" in bad
        layer = _Layer(path, raw, PackMeta.model_validate({k: v for k, v in meta.items() if k not in bad}))
    if layer.meta.extends is not None:
        try:
            parent = resolve_pack_path(layer.meta.extends, relative_to=path.parent)
        except PackError as exc:
            raise PackError(f"{path}: pack.extends: {exc}") from None
        problem = regular_file_problem(parent)
        if problem is not None:
            raise PackError(f"{path}: pack.extends: {parent} is {problem}")
        _read_chain(parent, build, (*chain, path))
    build.layers.append(layer)


def _inherit(build: _Build) -> tuple[dict[str, Any], dict[str, Any]]:
    """The chain merged, root first: a child's tables update its parent's key by key,
    after its `disable` and `remove_groups` are applied. Also the merged `[pack]` values."""
    merged: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    for number, layer in enumerate(build.layers):
        own = layer.meta
        for key, table, noun in (("disable", "rules", "rule"), ("remove_groups", "groups", "group")):
            ids = getattr(own, key)
            if ids and number == 0:
                build.add(layer, f"pack.{key}", f"there is no inherited {noun} to drop: set pack.extends")
                continue
            inherited = merged.get(table)
            inherited = inherited if isinstance(inherited, dict) else {}
            for item in ids:
                if item in inherited:
                    inherited.pop(item)
                else:
                    hint = _suggest(item, inherited)
                    build.add(layer, f"pack.{key}", f"no inherited {noun} '{item}'{hint}", "not-allowed")
        meta.update(own.model_dump(exclude_unset=True, exclude={"extends", "disable", "remove_groups"}))
        merged = _merge(merged, {k: v for k, v in layer.raw.items() if k != "pack"})
    return merged, meta


def _suggest(item: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(item, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Child tables update the parent's key by key; lists and values replace."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict):
            parent_value = merged.get(key)
            merged[key] = _merge(parent_value if isinstance(parent_value, dict) else {}, value)
        else:
            merged[key] = value
    return merged


def _pack_data(raw: dict[str, Any], meta: dict[str, Any], build: _Build) -> dict[str, Any]:
    """The merged pack as the input of `Pack`: ids from the table names, groups in
    `group_order`. A table's own `id` key is a problem (its name is its id)."""
    child = build.layers[-1]
    tables: dict[str, Any] = {}
    for name in ("groups", "rules"):
        value = raw.get(name, {})
        if isinstance(value, dict):
            items = {}
            for item_id, item in value.items():
                if isinstance(item, dict):
                    if "id" in item:
                        message = f"unknown key (the id is the table's name, '{item_id}')"
                        build.at((name, item_id, "id"), message, "unknown-key")
                    item = {**item, "id": item_id}
                items[item_id] = item
            value = items
        tables[name] = value
    order = meta.get("group_order")
    groups = tables["groups"]
    if order is not None and isinstance(groups, dict):
        for group_id in order:
            if group_id not in groups:
                hint = _suggest(group_id, groups)
                build.add(child, "pack.group_order", f"no group '{group_id}'{hint}", "not-allowed")
        tables["groups"] = {g: groups[g] for g in order if g in groups} | groups
    return {
        "id": meta.get("id", child.path.stem),
        "title": meta.get("title", ""),
        "description": meta.get("description", ""),
        "files": [str(layer.path) for layer in build.layers],
        "schedules": raw.get("schedules", {}),
        **tables,
    }


def _rule_param_problems(rules: Any, build: _Build) -> None:
    """Each rule's kind and kind-specific parameters, whether or not the rest is valid."""
    from .rules import RULE_KINDS, params_model  # late import: rule modules import this one

    if not isinstance(rules, dict):
        return
    common = frozenset(RuleSpec.model_fields)
    for rule_id, spec in rules.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
            continue  # reported by Pack's validation
        kind = spec["kind"]
        model = params_model(kind)
        if model is None:
            known = ", ".join(sorted(RULE_KINDS))
            message = f"unknown rule kind '{kind}'{_suggest(kind, RULE_KINDS)} (known: {known})"
            build.at(("rules", rule_id, "kind"), message, "not-allowed")
            continue
        params = {k: v for k, v in spec.items() if k not in common}
        try:
            model.model_validate(params, strict=True)
        except ValidationError as exc:
            build.problems += problems(
                exc,
                build.file_for,
                model=model,
                prefix=("rules", rule_id),
                also_known=common,
                note=build.inherited_note,
            )


def _cross_reference_problems(data: dict[str, Any], build: _Build) -> None:
    """Groups that match nothing or name rules the pack does not have."""
    groups, rules = data.get("groups"), data.get("rules")
    if not isinstance(groups, dict) or not isinstance(rules, dict):
        return
    if not groups:
        build.add(build.layers[-1], "groups", "a pack needs at least one group", "missing")
    for group_id, group in groups.items():
        if not isinstance(group, dict):
            continue
        named = group.get("rules")
        if isinstance(named, list):
            for rule_id in named:
                if isinstance(rule_id, str) and rule_id not in rules:
                    message = f"no rule '{rule_id}' in the pack{_suggest(rule_id, rules)}"
                    build.at(("groups", group_id, "rules"), message, "not-allowed")
        if not group.get("roles") and not group.get("role_patterns"):
            build.at(("groups", group_id), "matches nothing (give roles or role_patterns)", "missing")
