"""Closing the class of issue 18: property tests over packs, config files and command lines.

Hypothesis writes policy packs and supcheck.toml files from the keys the models know
(`PackMeta`, `Group`, `RuleSpec` and every rule kind's parameters; `Config` and its
tables), each value either a plausible one or one of a random TOML type (text with
control characters, huge and negative numbers, nan and inf, dates, lists, tables), with
misspelt keys mixed in, in random encodings (UTF-8 with or without a byte-order mark,
Windows-1252, UTF-16, a stray byte). It also writes command lines of dates and numbers
and the environment variables that take numbers. The invariant everywhere: success, or
exit 2 with one line per problem, each naming where it is (file and key, option or
variable); never "internal error", never a traceback, never a control character.

A pack that validates is also run (`check` and `packs show`) on a small export of every
table, so that a value in range cannot crash a rule either. Example counts are small:
the strategies, not the volume, find the bugs; the file runs in a few seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.config import Config, ConfigError, load_config
from supcheck.errors import NOT_PRINTABLE, PackError, SupcheckError
from supcheck.mail import smtp_settings
from supcheck.packs import Group, PackMeta, RuleSpec, load_pack, shipped_packs, validate_pack_file
from supcheck.pipeline import resolve_options
from supcheck.rules import RULE_KINDS, params_model

runner = CliRunner()

PROPERTY = settings(
    max_examples=30,
    deadline=5000,  # milliseconds: generous for a loaded machine, and still catches a hang
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,  # only the cleaned environment: the same for every example
    ],
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)


# ---------------------------------------------------------------- TOML values and files

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
) | st.sampled_from(["", " ", "a\nb", "x\r\ny", "\x1b[31m", "\u2028", "é", "日本", "\x7f"])
NUMBERS = st.one_of(
    st.integers(-(10**25), 10**25),
    st.integers(-3, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 1e308, -0.0, 10**400]),
)
SCALARS = st.one_of(
    TEXT,
    NUMBERS,
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
ANY_VALUE = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "id"]), inner, max_size=2)
    ),
    max_leaves=5,
)
KEY = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True) | st.sampled_from(["a b", "col\nour", "ü", "x.y"])


def _typo(key: str) -> st.SearchStrategy[str]:
    return st.sampled_from([key + key[-1], key[:-1] or "x", key.upper(), key.replace("_", "-")])


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def dump_toml(document: dict[str, Any]) -> str:
    """A document: top-level values first, then each table (nested tables as [a.b])."""
    lines: list[str] = []

    def table(path: list[str], content: dict[str, Any]) -> None:
        if path:
            lines.append("[" + ".".join(toml_key(p) for p in path) + "]")
        for key, value in content.items():
            if not isinstance(value, dict) or not value:
                lines.append(f"{toml_key(key)} = {toml_value(value)}")
        for key, value in content.items():
            if isinstance(value, dict) and value:
                table([*path, key], value)

    table([], document)
    return "\n".join(lines) + "\n"


ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "stray byte"])


def encode(text: str, encoding: str) -> bytes:
    if encoding == "stray byte":
        data = text.encode("utf-8")
        return data[: len(data) // 2] + b"\xff" + data[len(data) // 2 :]
    return text.encode(encoding, errors="replace")


# Each example draws a noise level: 0 writes only values the models allow (so that valid
# files, and the runs they allow, are common); ONE_EDGE writes a valid file but for one
# key set to an edge value (so that the value is judged alone, not hidden behind others);
# higher levels mix in edge values, values of any type and misspelt keys.
ONE_EDGE = -1.0
NOISE = st.sampled_from([0.0, ONE_EDGE, 0.05, 0.2, 0.5])


def noisy(draw: st.DrawFn, noise: float) -> bool:
    """Whether to put noise here (never at levels 0 and ONE_EDGE)."""
    return noise > 0 and draw(st.floats(0, 1)) < noise


def pick(
    draw: st.DrawFn,
    noise: float,
    valid: st.SearchStrategy[Any],
    edge: st.SearchStrategy[Any],
    wild: bool = True,
) -> Any:
    """A valid value, or (with probability `noise`) an edge value or (`wild`) one of any type."""
    if noisy(draw, noise):
        return draw(edge | ANY_VALUE if wild else edge)
    return draw(valid)


def table(
    draw: st.DrawFn,
    noise: float,
    fields: dict[str, tuple[st.SearchStrategy, st.SearchStrategy]],
    spots: list[tuple[dict, str, st.SearchStrategy]] | None = None,
) -> dict[str, Any]:
    """Some of the known keys with values, and (with noise) a misspelt or unknown key.
    Each key that could be set is added to `spots`, with its edge values."""
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=len(fields)))
    content = {key: pick(draw, noise, *fields[key]) for key in chosen}
    if spots is not None:
        spots += [(content, key, edge) for key, (_, edge) in fields.items()]
    if noisy(draw, noise):
        content[draw(_typo(draw(st.sampled_from(sorted(fields)))) | KEY)] = draw(ANY_VALUE)
    return content


def _bounds(info: Any) -> dict[str, float]:
    """The ge/gt/le/lt of a pydantic field, looking inside `Annotated` and `X | None`."""
    found: dict[str, float] = {}
    stack = [*info.metadata, *get_args(info.annotation)]
    while stack:
        item = stack.pop()
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(getattr(item, name, None), int | float):
                found[name] = getattr(item, name)
        stack += list(getattr(item, "metadata", []) or []) + list(get_args(item))
    return found


def model_fields(model: Any, by_name: dict[str, tuple], skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """(valid, edge) strategies for each key of `model`: named ones from `by_name`, the
    rest from the field's type and declared range."""
    fields = {}
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        if name in by_name:
            fields[name] = by_name[name]
            continue
        annotation, bounds = str(info.annotation), _bounds(info)
        literals = [a for a in get_args(info.annotation) if get_origin(a) is Literal]
        if literals or get_origin(info.annotation) is Literal:
            options = get_args(literals[0] if literals else info.annotation)
            fields[name] = (st.sampled_from(options), st.sampled_from([o.upper() for o in options] + [""]))
        elif "bool" in annotation:
            fields[name] = (st.booleans(), st.sampled_from(["yes", 1, 0]))
        elif "int" in annotation or "float" in annotation:
            low = bounds.get("ge", bounds.get("gt", 0) + 1)
            high = bounds.get("le", bounds.get("lt", 10**6))
            valid = st.integers(int(low), int(high))
            if "float" in annotation:
                valid = valid | st.floats(low, high)
            edge = st.sampled_from([low - 1, high + 1, 10**30, -(10**30), float("nan"), float("inf"), 0.5])
            fields[name] = (valid, edge)
        else:
            fields[name] = (TEXT, ANY_VALUE)
    return fields


# ---------------------------------------------------------------- packs

NATIONAL = load_pack("national")
NATIONAL_GROUPS = sorted(NATIONAL.groups)
NATIONAL_RULES = sorted(NATIONAL.rules)
ROLES = st.sampled_from(["Social Worker", "Team Manager", "Family Support Worker", "Advanced Practitioner"])
UNITS = st.sampled_from(["day", "days", "week", "weeks", "month", "months", "year", "years"])
LENGTH = (
    st.builds(lambda n, unit: f"{n} {unit}", st.integers(1, 10), UNITS),
    st.builds(lambda n, unit: f"{n} {unit}", st.integers(0, 10**12), UNITS | st.just("fortnight"))
    | st.sampled_from(["522 weeks", "3654 days", "121 months", "11 years", "0 days", "99999999999 weeks"])
    | st.sampled_from(["100000 years", "10000 months", "six weeks", "", "-1 weeks", "1.5 months"]),
)
INTERVAL = (
    st.sampled_from(["week", "fortnight", "month", "quarter"]),
    st.sampled_from(["year", "Month", "", "2 months"]),
)
SOURCE = (st.just('Policy 1.2: "a sentence"') | TEXT, ANY_VALUE)
NEW_GROUPS = ["new-group", "social-worker"]
NEW_RULES = ["new-rule", "session-lenght"]

PACK_FIELDS = {
    "id": (st.sampled_from(["council", "example-council"]) | TEXT.filter(bool), st.just("")),
    "extends": (st.sampled_from(["national", "shropshire", "dudley"]), st.sampled_from(["nowhere", ""])),
    "disable": (
        st.lists(st.sampled_from(NATIONAL_RULES), unique=True, max_size=2),
        st.lists(st.sampled_from(NEW_RULES)),
    ),
    "remove_groups": (
        st.lists(st.sampled_from(NATIONAL_GROUPS), unique=True, max_size=1),
        st.lists(st.sampled_from(NEW_GROUPS)),
    ),
    "group_order": (
        st.lists(st.sampled_from(NATIONAL_GROUPS), unique=True, max_size=3),
        st.lists(st.sampled_from(NEW_GROUPS), min_size=1),
    ),
}
GROUP_FIELDS = {
    "roles": (st.lists(ROLES, min_size=1, max_size=3), st.just("Social Worker")),
    "role_patterns": (
        st.lists(st.sampled_from(["social worker", "\\bmanager\\b"]), max_size=2),
        st.just(["(", "[a-"]),
    ),
    "interval": INTERVAL,
    "rules": (
        st.lists(st.sampled_from(NATIONAL_RULES), unique=True, max_size=3),
        st.lists(st.sampled_from(NEW_RULES), min_size=1),
    ),
}
RULE_FIELDS = {
    "kind": (st.sampled_from(sorted(RULE_KINDS)), st.just("nonsense")),
    "severity": (st.sampled_from(["breach", "warning"]), st.sampled_from(["Breach", "error"])),
    "source": SOURCE,
    "valid_for": LENGTH,
    "every": LENGTH,
}


@st.composite
def rule_table(draw: st.DrawFn, noise: float, spots: list) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(RULE_KINDS)))
    model = params_model(kind)
    by_name = {**RULE_FIELDS, "interval": LENGTH if kind == "case-discussion" else INTERVAL}
    fields = model_fields(RuleSpec, by_name, skip=("id",)) | model_fields(model, by_name)
    content = table(draw, noise, fields, spots)
    if not noisy(draw, noise):  # a rule table lacking kind or source now and then
        content.update(kind=kind, source=content.get("source", 'Policy 1.2: "a sentence"'))
    return content


@st.composite
def schedules(draw: st.DrawFn, noise: float, spots: list) -> dict[str, Any]:
    phases = [{"until": "6 weeks", "interval": "week"}, {"until": "6 months", "interval": "fortnight"}]
    phases = draw(st.sampled_from([[], phases[:1], phases])) + [{"interval": "month"}]
    for phase in phases:
        for key, edge in (("until", LENGTH[1]), ("interval", INTERVAL[1])):
            spots.append((phase, key, edge))
            if key in phase and noisy(draw, noise):
                phase[key] = draw(edge | ANY_VALUE)
    content: dict[str, Any] = {"nqsw": {"phases": phases, "source": "s"}}
    if draw(st.booleans()):
        content["enhanced"] = table(draw, noise, {"interval": INTERVAL, "source": SOURCE}, spots)
    return content


@st.composite
def packs(draw: st.DrawFn) -> dict[str, Any]:
    noise = draw(NOISE)
    spots: list[tuple[dict, str, st.SearchStrategy]] = []
    meta = table(draw, noise, model_fields(PackMeta, PACK_FIELDS), spots)
    if draw(st.integers(0, 4)):
        meta["extends"] = "national"
    document: dict[str, Any] = {"pack": meta}
    if draw(st.booleans()):
        document["schedules"] = draw(schedules(noise, spots))
    group_fields = model_fields(Group, GROUP_FIELDS, skip=("id",))
    group_ids = st.sampled_from(NATIONAL_GROUPS + NEW_GROUPS)
    groups = {}
    for group_id in draw(st.lists(group_ids, unique=True, max_size=3)):
        content = table(draw, noise, group_fields, spots)
        if group_id in NEW_GROUPS and not (noisy(draw, noise)):
            content.setdefault("roles", ["Senior Practitioner"])
        groups[group_id] = content
    rule_ids = st.sampled_from(NATIONAL_RULES + NEW_RULES)
    rules = {
        rule_id: draw(rule_table(noise, spots))
        for rule_id in draw(st.lists(rule_ids, unique=True, max_size=3))
    }
    document["groups"] = pick(draw, noise, st.just(groups), st.just(groups))
    document["rules"] = pick(draw, noise, st.just(rules), st.just(rules))
    if noisy(draw, noise):
        document[draw(KEY)] = draw(ANY_VALUE)
    if noise == ONE_EDGE and spots:
        content, key, edge = draw(st.sampled_from(spots))
        content[key] = draw(edge)
    return document


# ---------------------------------------------------------------- a small export of every table

EXPORT = {
    "staff.csv": (
        "staff_id,name,role,team,line_manager_id,start_date,case_holding,registered_social_worker,"
        "registration_expires,asye_start,enhanced_from,enhanced_until,fte,email\n"
        "M1,Mina Manager,Team Manager,North,,2015-01-01,N,Y,2030-01-01,,,,1,m1@council.example\n"
        "S1,Sam Social,Social Worker,North,M1,2020-01-01,Y,Y,2030-01-01,,2026-01-01,2026-03-31,0.8,\n"
        "S2,Nia New,Social Worker (ASYE),North,M1,2025-09-01,Y,Y,2030-01-01,2025-09-01,,,1,\n"
        "F1,Fay Support,Family Support Worker,North,M1,2019-01-01,N,N,,,,,1,\n"
    ),
    "supervisions.csv": (
        "session_id,supervisee_id,supervisor_id,date,duration_minutes,type,status,interrupted,"
        "signed_by_supervisee,signed_by_supervisor\n"
        "A1,S1,M1,2026-01-10,90,individual,held,N,Y,Y\n"
        "A2,S1,M1,2026-03-02,60,individual,held,Y,Y,N\n"
        "A3,S2,M1,2026-01-05,90,individual,held,N,Y,Y\n"
        "A4,F1,M1,2026-02-11,45,group,held,N,N,N\n"
        "A5,M1,,2026-02-20,90,professional,held,N,Y,Y\n"
    ),
    "absences.csv": "staff_id,start_date,end_date,reason\nS1,2026-02-01,2026-02-28,sick\n",
    "allocations.csv": "case_id,worker_id,start_date,end_date\nC1,S1,2025-06-01,\nC2,S2,2025-12-01,2026-02-15\n",
    "case_discussions.csv": (
        "case_id,worker_id,date,recorded_date,decided_by\nC1,S1,2026-01-10,2026-01-14,M1\nC2,S2,2026-01-05,,\n"
    ),
    "agreements.csv": "staff_id,supervisor_id,signed_date\nS1,M1,2025-03-01\n",
    "appraisals.csv": "staff_id,date\nS1,2025-05-01\nM1,2024-01-01\n",
}
EXPORT_PERIOD = ["--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "2026-04-20"]


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    for name, text in EXPORT.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example (hypothesis examples share the test's fixtures)."""
    folder = Path(tempfile.mkdtemp(prefix="supcheck-prop-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def assert_clean_lines(lines: list[str], *starts: str) -> None:
    """Each line names where its problem is, on its own line, escaped, foreseen."""
    assert lines
    for line in lines:
        assert line.startswith(starts), line
        assert not NOT_PRINTABLE.search(line), line
        assert "internal error" not in line and "failed unexpectedly" not in line, line
        assert "Traceback" not in line


def assert_exit_2_one_line(result, prefix: str = "supcheck: error: ") -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert_clean_lines(lines, prefix)
    return lines[0]


SHIPPED = tuple(str(p) for p in shipped_packs().values())


def assert_pack_outcome(export: Path, path: Path) -> list[str]:
    """`packs validate` lists the problems one a line, each naming file and key, and
    `check` names them on its one line; or the pack is valid and `packs show` and `check`
    run with it. The problems found."""
    problems = validate_pack_file(str(path))
    result = runner.invoke(app, ["packs", "validate", str(path)])
    if problems:
        assert_clean_lines(problems, f"{path}: ", *SHIPPED)
        with pytest.raises(PackError) as raised:
            load_pack(str(path))
        assert_clean_lines([str(raised.value)], f"{path}: ", *SHIPPED)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == problems
        line = assert_exit_2_one_line(
            runner.invoke(app, ["check", str(export), *EXPORT_PERIOD, "-p", str(path)])
        )
        assert str(path) in line
        return problems
    assert result.exit_code == 0, result.output
    # A valid pack runs: no value in range can crash a rule or the pack's rendering.
    shown = runner.invoke(app, ["packs", "show", str(path)])
    assert shown.exit_code == 0, shown.output
    checked = runner.invoke(app, ["check", str(export), *EXPORT_PERIOD, "-p", str(path), "-f", "json"])
    assert checked.exit_code in (0, 1) or assert_exit_2_one_line(checked), checked.output
    return problems


@PROPERTY
@given(document=packs(), encoding=ENCODINGS)
def test_random_packs_validate_or_name_every_problem(export, document, encoding):
    with scratch() as folder:
        path = folder / "pack.toml"
        path.write_bytes(encode(dump_toml(document), encoding))
        problems = assert_pack_outcome(export, path)
        event("valid pack" if not problems else "one problem" if len(problems) == 1 else "several problems")


def _base_pack() -> dict[str, Any]:
    """A valid pack with a rule of every kind, the schedules and a group of its own."""
    rules = {}
    for kind in sorted(RULE_KINDS):
        rules[f"my-{kind}"] = {"kind": kind, "source": 'Policy 1.2: "a sentence"'}
    return {
        "pack": {"id": "council", "extends": "national"},
        "schedules": {
            "nqsw": {
                "phases": [{"until": "6 weeks", "interval": "week"}, {"interval": "month"}],
                "source": "s",
            },
            "enhanced": {"interval": "fortnight", "source": "s"},
        },
        "groups": {"seniors": {"roles": ["Senior Practitioner"], "interval": "month"}},
        "rules": rules,
    }


def _key_tree() -> list[tuple[tuple[str, ...], st.SearchStrategy]]:
    """Every key a pack may set (in `_base_pack`'s tables), with its edge values."""
    tree: list[tuple[tuple[str, ...], st.SearchStrategy]] = []
    tree += [(("pack", key), edge) for key, (_, edge) in model_fields(PackMeta, PACK_FIELDS).items()]
    group_fields = model_fields(Group, GROUP_FIELDS, skip=("id",))
    tree += [(("groups", "seniors", key), edge) for key, (_, edge) in group_fields.items()]
    tree += [(("schedules", "nqsw", "phases", 0, "until"), LENGTH[1])]
    tree += [(("schedules", "nqsw", "phases", 0, "interval"), INTERVAL[1])]
    tree += [(("schedules", "enhanced", "interval"), INTERVAL[1])]
    common = model_fields(RuleSpec, RULE_FIELDS, skip=("id",))
    tree += [(("rules", "my-frequency", key), edge) for key, (_, edge) in common.items()]
    for kind in sorted(RULE_KINDS):  # each kind's own parameters
        by_name = {**RULE_FIELDS, "interval": LENGTH if kind == "case-discussion" else INTERVAL}
        fields = model_fields(params_model(kind), by_name)
        tree += [(("rules", f"my-{kind}", key), edge) for key, (_, edge) in fields.items()]
    return tree


KEY_TREE = _key_tree()


@st.composite
def one_edge_packs(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The valid base pack with one key of the key tree set to an edge value; and the key."""
    document = _base_pack()
    path, edge = draw(st.sampled_from(KEY_TREE))
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = draw(edge)
    return document, path


@settings(PROPERTY, max_examples=40)
@given(changed=one_edge_packs())
def test_one_edge_value_at_a_time_validates_and_runs_or_is_named(export, changed):
    document, key = changed
    with scratch() as folder:
        path = folder / "pack.toml"
        path.write_text(dump_toml(document), encoding="utf-8")
        problems = assert_pack_outcome(export, path)
        # Only the key changed is named (its table, for a check across keys).
        table_key = f"{path}: {key[0]}.{key[1]}" if key[0] != "pack" else f"{path}: pack."
        assert all(p.startswith(table_key) for p in problems), (key, problems)
        event("valid" if not problems else "named")


# ---------------------------------------------------------------- config files

SAFE_PATH = st.from_regex(r"[a-z]{1,6}(/[a-z]{1,6})?", fullmatch=True)
"""Relative, under the example's own folder: a config's output folder is written to."""

CONFIG_FIELDS_BY_NAME = {
    "data": (st.just("export"), st.just("nowhere") | SAFE_PATH),
    "policy": (
        st.sampled_from(["national", "dudley", "shropshire"]),
        st.sampled_from(["nowhere", "pack.toml"]),
    ),
    "mapping": (st.just("mapping.toml"), SAFE_PATH),
    "folder": (SAFE_PATH, st.just("export/staff.csv")),
    "password_file": (st.just("password"), SAFE_PATH),
    "formats": (
        st.lists(st.sampled_from(["json", "xlsx", "csv", "html", "md", "console"]), max_size=3),
        st.just(["pdf"]) | st.just("json"),
    ),
    "to": (
        st.lists(st.just("a@council.example"), max_size=1),
        st.sampled_from([["not an address"], "a@council.example"]),
    ),
    "host": (st.just("127.0.0.1"), st.just("")),
    "user": (st.sampled_from(["svc"]), st.just("")),
    "sender": (st.just("supcheck@council.example"), st.just("nobody")),
}


TABLES = ("output", "email", "smtp")


def config_fields(model: Any) -> dict[str, tuple]:
    """(valid, edge) strategies for the keys of `model` (its tables are drawn apart)."""
    return model_fields(model, CONFIG_FIELDS_BY_NAME, skip=("path", *TABLES))


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    noise = draw(NOISE)
    document = table(draw, noise, config_fields(Config))
    for name in TABLES:
        if draw(st.booleans()):
            document[name] = table(draw, noise, config_fields(Config.model_fields[name].annotation))
    if noisy(draw, noise):  # a password (refused, never echoed) or the reserved `path`
        key = draw(st.sampled_from(["password", "path"]))
        smtp = document.get("smtp")
        where = smtp if isinstance(smtp, dict) and draw(st.booleans()) else document
        where[key] = "s3cret"
    return document


@PROPERTY
@given(document=configs(), encoding=ENCODINGS)
def test_random_config_files_load_or_name_every_problem(export, document, encoding):
    with scratch() as folder:
        shutil.copytree(export, folder / "export")
        (folder / "password").write_text("s3cret\n", encoding="utf-8")
        (folder / "mapping.toml").write_text("", encoding="utf-8")
        path = folder / "supcheck.toml"
        path.write_bytes(encode(dump_toml(document), encoding))
        try:
            config = load_config(path)
            event("valid config")
        except ConfigError as exc:
            event("invalid config")
            assert_clean_lines([str(exc)], f"{path}: ")
            assert "s3cret" not in str(exc)
            result = runner.invoke(app, ["check", *EXPORT_PERIOD, "--config", str(path)])
            assert_exit_2_one_line(result)
            return
        # What the commands do with a valid config before any network or data: no surprise.
        for use in (
            lambda: resolve_options(data=None, config=config, today=date(2026, 4, 20)),
            lambda: smtp_settings(config, env={}),
        ):
            try:
                use()
            except SupcheckError as exc:
                assert_clean_lines([str(exc)], "")
        closed = {"SUPCHECK_SMTP_HOST": "127.0.0.1", "SUPCHECK_SMTP_PORT": "9"}  # discard port: refused
        result = runner.invoke(app, ["check", *EXPORT_PERIOD, "--config", str(path), "-q"], env=closed)
        assert result.exit_code in (0, 1) or assert_exit_2_one_line(result), result.output


# ---------------------------------------------------------------- command lines of dates and numbers

DATE_TEXT = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(date(1890, 1, 1), date(3010, 12, 31)).map(date.isoformat),
    st.dates(date(2025, 1, 1), date(2026, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.integers(-10, 3_000_000).map(str),
    st.sampled_from(["1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "0001-01-01", "9999-12-31"]),
    st.sampled_from(["31/02/2026", "2026-13-01", "nan", "1e999", "", " ", "tomorrow", "2026-04-01\n"]),
)
NUMBER_TEXT = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["0", "1", "-1", "1e999", "nan", "inf", "1e-300", "²", " 5 ", "0x10", "", "3600", "3601"]
    ),
)
NUMBER_VARIABLES = [
    "SUPCHECK_MAX_FILE_MB",
    "SUPCHECK_MAX_UNCOMPRESSED_MB",
    "SUPCHECK_SMTP_TIMEOUT",
    "SUPCHECK_SMTP_PORT",
]


VALID_NUMBERS = {
    "SUPCHECK_MAX_FILE_MB": st.integers(1, 10**6).map(str) | st.sampled_from(["0.5", "2048", "1e6"]),
    "SUPCHECK_MAX_UNCOMPRESSED_MB": st.integers(1, 10**6).map(str) | st.sampled_from(["0.5", "512"]),
    "SUPCHECK_SMTP_TIMEOUT": st.integers(1, 3600).map(str) | st.sampled_from(["0.5", "3600"]),
    "SUPCHECK_SMTP_PORT": st.just("9"),  # the discard port: refused at once, never a real server
}


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[list[str], dict[str, str]]:
    noise = draw(NOISE)
    command = draw(st.sampled_from(["check", "healthcheck", "explain"]))
    start = draw(st.dates(date(1900, 1, 1), date(2990, 1, 1)))
    end = start + timedelta(days=draw(st.integers(0, 800)))
    as_of = end + timedelta(days=draw(st.integers(0, 100)))
    dates = {"--from": start, "--to": end, "--as-of": as_of}
    options = ["--as-of"] if command == "healthcheck" else ["--from", "--to", "--as-of"]
    if command != "healthcheck" and draw(st.booleans()):
        options = ["--as-of"]  # the default period: the last complete month
    args: list[str] = []
    for option in options:
        args += [option, pick(draw, noise, st.just(dates[option].isoformat()), DATE_TEXT, wild=False)]
    if draw(st.booleans()):  # the day the exports were taken: a date, or the as-of date's words
        taken = as_of - timedelta(days=draw(st.integers(-30, 400)))
        words = st.sampled_from(["today", "as-of", "AS-OF "])
        args += ["--extracted", pick(draw, noise, st.just(taken.isoformat()) | words, DATE_TEXT, wild=False)]
    if command == "healthcheck" and draw(st.booleans()):
        args += [
            "--year",
            pick(draw, noise, st.integers(1900, max(1900, as_of.year - 1)).map(str), NUMBER_TEXT, wild=False),
        ]
    names = draw(st.lists(st.sampled_from(NUMBER_VARIABLES), unique=True))
    env = {name: pick(draw, noise, VALID_NUMBERS[name], NUMBER_TEXT, wild=False) for name in names}
    if command == "check" and ("SUPCHECK_SMTP_TIMEOUT" in env or "SUPCHECK_SMTP_PORT" in env):
        args += ["--email", "a@council.example"]
        env = {"SUPCHECK_SMTP_HOST": "127.0.0.1", "SUPCHECK_SMTP_SENDER": "s@council.example", **env}
        env.setdefault("SUPCHECK_SMTP_PORT", "9")
    return [command, *args], env


@PROPERTY
@given(line=command_lines())
def test_random_command_lines_run_or_name_the_problem(export, line):
    args, env = line
    if args[0] == "explain":
        args = ["explain", str(export), "S1", *args[1:]]
    else:
        args = [args[0], str(export), *args[1:]]
    result = runner.invoke(app, args, env=env)
    event(f"exit {result.exit_code}")
    if result.exit_code in (0, 1):
        return
    message = assert_exit_2_one_line(result)
    # The line names what is wrong: an option or variable given, or the period judged
    # (nobody employed in it, or none of it covered by the exports).
    named = [a.lstrip("-") for a in args if a.startswith("--")] + list(env)
    named += ["mail", "period", "nobody to check", "could be judged"]
    assert any(name in message for name in named), message


def test_the_base_pack_of_the_one_edge_test_is_valid(tmp_path):
    path = tmp_path / "base.toml"
    path.write_text(dump_toml(_base_pack()), encoding="utf-8")
    assert validate_pack_file(str(path)) == []
