"""Policy packs: load a TOML pack, resolve `extends`, validate, and match staff to groups.

A pack is data, not code (like yamllint's configs): a council writes one without
touching Python. `extends = "national"` names a shipped pack; anything else is a
path relative to the extending file. The child's tables update the parent's key by
key; `disable = ["rule-id"]` drops inherited rules. The merged result is validated
with pydantic, and every error names the file and the dotted key.
"""

from __future__ import annotations

import functools
import re
import tomllib
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import PackError
from .models import Interval, Severity, Staff

_OFFSET_RE = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def parse_offset(text: str) -> relativedelta:
    """'6 weeks' -> relativedelta(weeks=6). Months are calendar months (31 Jan + 1 month = 28/29 Feb).

    Cached: schedules ask for the same few lengths once per person. (relativedelta's
    arithmetic returns new objects; nothing changes the one returned.)"""
    match = _OFFSET_RE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a length such as '6 weeks' or '2 months'")
    n, unit = int(match.group(1)), match.group(2).lower()
    return relativedelta(**{unit + "s": n})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    min_minutes: float = 90
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
    """A rule instance: its kind, severity, citation, and kind-specific parameters (extra keys)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    kind: str
    severity: Severity = "breach"
    title: str = ""
    source: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Pack(_Strict):
    id: str
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
    if path.is_file():
        return path
    names = ", ".join(shipped) or "none"
    raise PackError(f"no policy pack '{name_or_path}': not a shipped pack ({names}) nor a file")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror}") from None


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Child tables update the parent's key by key; lists and values replace."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _raw_resolved(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], list[str]]:
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise PackError(f"{path}: pack.extends makes a cycle: {cycle}")
    raw = _read_toml(path)
    meta = raw.get("pack", {})
    if not isinstance(meta, dict):
        raise PackError(f"{path}: 'pack' must be a table")
    extends = meta.get("extends")
    files = [str(path)]
    if extends is not None:
        if not isinstance(extends, str):
            raise PackError(f"{path}: pack.extends must be a pack name or a path")
        try:
            parent_path = resolve_pack_path(extends, relative_to=path.parent)
        except PackError as exc:
            raise PackError(f"{path}: pack.extends: {exc}") from None
        parent, parent_files = _raw_resolved(parent_path, (*chain, path))
        for rule_id in meta.get("disable", []):
            if rule_id not in parent.get("rules", {}):
                raise PackError(f"{path}: pack.disable: no inherited rule '{rule_id}'")
            parent["rules"].pop(rule_id)
        for group_id in meta.get("remove_groups", []):
            if group_id not in parent.get("groups", {}):
                raise PackError(f"{path}: pack.remove_groups: no inherited group '{group_id}'")
            parent["groups"].pop(group_id)
        parent_meta = parent.get("pack", {})
        raw = _merge(parent, raw)
        raw["pack"] = {**parent_meta, **meta}
        files = parent_files + files
    return raw, files


def _error_key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def load_pack(name_or_path: str) -> Pack:
    """Load and validate a pack; raise PackError naming the file and the key of the first problem."""
    pack, problems = _build_pack(name_or_path)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'supcheck packs validate')" if len(problems) > 1 else ""
        raise PackError(problems[0] + more)
    assert pack is not None
    return pack


def validate_pack_file(name_or_path: str) -> list[str]:
    """Every problem in a pack, each naming file and key, for `packs validate`; empty means valid."""
    try:
        return _build_pack(name_or_path)[1]
    except PackError as exc:
        return [str(exc)]


def _build_pack(name_or_path: str) -> tuple[Pack | None, list[str]]:
    from .rules import validate_rule_params  # late import: rule modules import this one

    path = resolve_pack_path(name_or_path)
    raw, files = _raw_resolved(path, ())
    known_top = {"pack", "schedules", "groups", "rules"}
    problems = [
        f"{path}: unknown top-level key '{key}' (expected one of {', '.join(sorted(known_top))})"
        for key in sorted(set(raw) - known_top)
    ]
    meta = {k: v for k, v in raw.get("pack", {}).items() if k not in _INHERITANCE_KEYS}
    groups_raw = _tables(raw.get("groups", {}), "groups", path)
    order = meta.pop("group_order", None)
    if order is not None:
        unknown = [g for g in order if g not in groups_raw]
        problems += [f"{path}: pack.group_order: no group '{g}'" for g in unknown]
        ordered = [g for g in order if g in groups_raw]
        groups_raw = {g: groups_raw[g] for g in ordered} | groups_raw
    try:
        pack = Pack(
            id=meta.pop("id", path.stem),
            title=meta.pop("title", ""),
            description=meta.pop("description", ""),
            files=files,
            schedules=raw.get("schedules", {}),
            groups={gid: {"id": gid, **g} for gid, g in groups_raw.items()},
            rules={rid: {"id": rid, **r} for rid, r in _tables(raw.get("rules", {}), "rules", path).items()},
        )
    except ValidationError as exc:
        return None, problems + [f"{path}: {_error_key(err['loc'])}: {err['msg']}" for err in exc.errors()]
    problems += [f"{path}: pack.{key}: unknown key" for key in sorted(meta)]
    problems += [f"{path}: {p}" for p in validate_rule_params(pack) + _cross_reference_problems(pack)]
    return pack, problems


_INHERITANCE_KEYS = frozenset({"extends", "disable", "remove_groups"})


def _tables(value: Any, key: str, path: Path) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise PackError(f"{path}: '{key}' must be a table")
    for name, item in value.items():
        if not isinstance(item, dict):
            raise PackError(f"{path}: {key}.{name} must be a table")
    return value


def _cross_reference_problems(pack: Pack) -> list[str]:
    problems = []
    if not pack.groups:
        problems.append("groups: a pack needs at least one group")
    for group in pack.groups.values():
        for rule_id in group.rules or []:
            if rule_id not in pack.rules:
                problems.append(f"groups.{group.id}.rules: no rule '{rule_id}' in the pack")
        if not group.roles and not group.role_patterns:
            problems.append(f"groups.{group.id}: matches nothing (give roles or role_patterns)")
    return problems
