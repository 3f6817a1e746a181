"""The small TOML files a user writes (policy packs, supcheck.toml): read them safely and
turn every validation problem into a line that names the file and the dotted key.

Both kinds of file are validated by pydantic models that declare what is allowed
(`extra="forbid"`, `Literal` choices, strict types, `Field(ge=..., le=...)` ranges).
pydantic gathers every error of one validation; `problems()` turns them into
`Problem`s, one per error, with the value given echoed (escaped, shortened) and, for a
misspelt key, the key that was probably meant. Nothing stops at the first problem.
"""

from __future__ import annotations

import difflib
import tomllib
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import SupcheckError, printable
from .files import read_regular

MAX_TOML_BYTES = 1024 * 1024
"""A pack or a config file is a few kB; anything over 1 MB is refused unread."""


@dataclass(frozen=True)
class Problem:
    """One problem in a file: where (`file`, dotted `key`; "" for the whole file), what,
    and a stable `code` for scripts and tests (`unknown-key`, `wrong-type`,
    `out-of-range`, `not-allowed`, `missing`, `invalid`)."""

    file: str
    key: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return printable(f"{where}: {self.message}")


def one_line(problems: list[Problem]) -> str:
    """Every problem on one line: `FILE: a: ...; b: ...` when they share a file."""
    files = {p.file for p in problems}
    if len(files) == 1 and all(p.key for p in problems):
        (file,) = files
        return printable(f"{file}: " + "; ".join(f"{p.key}: {p.message}" for p in problems))
    return "; ".join(str(p) for p in problems)


def in_file_order(found: list[Problem], raw: dict[str, Any]) -> list[Problem]:
    """`found` in the order their keys are written in the file (`raw`), which is the
    order a reader fixes them in; keys not in the file (missing ones) come last."""

    def position(problem: Problem) -> tuple[int, ...]:
        node: Any = raw
        place = []
        for part in problem.key.split("."):
            if not isinstance(node, dict) or part not in node:
                place.append(1 << 30)
                break
            place.append(list(node).index(part))
            node = node[part]
        return tuple(place)

    return sorted(found, key=position)


def read_toml(path: Path, error: type[SupcheckError], what: str) -> dict[str, Any]:
    """The parsed TOML file, or `error` with one line naming it: not a regular file,
    over 1 MB, not UTF-8 (a byte-order mark is allowed), or not TOML."""
    data = read_regular(path, str(path), MAX_TOML_BYTES, error, what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save the file with UTF-8 encoding"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: not valid TOML: its lists or tables are nested too deeply") from None


def dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def shown(value: Any) -> str:
    """A value as given, short and on one line, for echoing in a message."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, str | list):
        text = repr(value)
    else:
        text = str(value)
    return printable(text if len(text) <= 60 else text[:57] + "...")


_CODES = {
    "extra_forbidden": "unknown-key",
    "missing": "missing",
    "literal_error": "not-allowed",
    "enum": "not-allowed",
    "value_error": "invalid",
    "assertion_error": "invalid",
}
_RANGE_TYPES = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "finite_number",
        "too_short",
        "too_long",
        "string_too_long",
        "string_too_short",
    }
)


def _code(error_type: str) -> str:
    if error_type in _CODES:
        return _CODES[error_type]
    if error_type in _RANGE_TYPES:
        return "out-of-range"
    if error_type.endswith(("_type", "_parsing")):
        return "wrong-type"
    return "invalid"


def problems(
    exc: ValidationError,
    file: str | Callable[[tuple[Any, ...]], str],
    model: type[BaseModel] | None = None,
    prefix: tuple[Any, ...] = (),
    also_known: frozenset[str] = frozenset(),
    note: Callable[[tuple[Any, ...]], str] | None = None,
) -> list[Problem]:
    """Every error of `exc` as a Problem in `file` (or in `file(location)`, for a key
    that may come from several files), its key `prefix` + the error's location.
    `model` (the validated model) lets an unknown key suggest a known one; `also_known`
    adds keys allowed beside the model's own (a rule's common keys); `note(location)`
    is appended to each message (where an inherited key came from)."""
    found = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        code = _code(err["type"])
        message = str(err["msg"]).removeprefix("Value error, ")
        if code == "unknown-key":
            known = (fields_at(model, loc[:-1]) if model is not None else set()) | also_known
            message = "unknown key" + _did_you_mean(str(loc[-1]), known)
        elif code == "missing":
            message = "missing (this key is required)"
        elif code != "invalid":
            message += f" (given {shown(err.get('input'))})"
        where = file(prefix + loc) if callable(file) else file
        if note is not None:
            message += note(prefix + loc)
        found.append(Problem(where, dotted(prefix + loc), message, code))
    return found


def _did_you_mean(key: str, known: set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> set[str]:
    """The keys the table at `loc` of `model` may hold (empty when it is not a model)."""
    annotation: Any = model
    for part in loc:
        annotation = _bare(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return set()
            annotation = field.annotation
        elif get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
        else:
            return set()
    annotation = _bare(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return set(annotation.model_fields)
    return set()


def _bare(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` -> X."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation
