"""The mapping file: how one export system's files, headers and words map to supcheck's.

A TOML file (see `docs/data.md`) lets a user read, say, a Liquidlogic export without
editing it: which file or sheet holds each table, which header is which column, which
outcome words mean held or cancelled, and the date order. It is validated strictly
(unknown keys are errors) so that a typo is reported rather than silently ignored;
every error names the mapping file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..models import TABLES
from .headers import SYNONYMS, fold_key
from .limits import MAX_MAPPING_BYTES, MB
from .sources import Source
from .specs import SPECS
from .values import FALSE_WORDS, TRUE_WORDS, fold_word

SESSION_TYPES = ("individual", "group", "professional", "informal")
SESSION_STATUSES = ("held", "cancelled", "not held")
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


class _TableModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str | None = None
    sheet: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str | bool]] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list)
    header_row: int | None = Field(default=None, ge=1)
    delimiter: str | None = None
    encoding: str | None = None


class _OptionsModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date_order: Literal["day-first", "month-first"] = "day-first"


class _MappingModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tables: dict[str, _TableModel] = Field(default_factory=dict)
    options: _OptionsModel = Field(default_factory=_OptionsModel)


@dataclass
class TableMapping:
    """One table's mapping, ready to use: header keys folded, values folded."""

    columns: dict[str, str] = field(default_factory=dict)  # folded header key -> column
    headers: dict[str, str] = field(default_factory=dict)  # folded key -> header as written
    ignore: frozenset[str] = frozenset()  # folded header keys
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # column -> word -> value
    source: Source | None = None


@dataclass
class Mapping:
    path: Path | None = None
    tables: dict[str, TableMapping] = field(default_factory=dict)
    month_first: bool = False

    def table(self, name: str) -> TableMapping:
        return self.tables.get(name) or TableMapping()


def _error(path: Path, key: str, message: str) -> InputError:
    return InputError(f"{path}: {key}: {message}")


def load_mapping(path: Path, data: Path) -> Mapping:
    """Read and check a mapping file. `file` entries are relative to the DATA folder (or to
    the folder holding the DATA workbook)."""
    try:
        if path.exists() and not path.is_file() and not path.is_dir():  # /dev/zero, a pipe
            raise InputError(f"{path}: cannot read the mapping file: not a regular file")
        if path.is_file() and path.stat().st_size > MAX_MAPPING_BYTES:
            raise InputError(f"{path}: not a mapping file (larger than {MAX_MAPPING_BYTES // MB} MB)")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: mapping file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the mapping file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise InputError(f"{path}: the mapping file is not UTF-8 text") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    try:
        model = _MappingModel.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        more = len(exc.errors()) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise _error(path, key, first["msg"] + tail) from None

    mapping = Mapping(path=path, month_first=model.options.date_order == "month-first")
    for table, entry in model.tables.items():
        if table not in TABLES:
            raise _error(path, f"tables.{table}", f"not a table (tables: {', '.join(TABLES)})")
        mapping.tables[table] = _table(path, data, table, entry)
    return mapping


def _table(path: Path, data: Path, table: str, entry: _TableModel) -> TableMapping:
    where = f"tables.{table}"
    known = tuple(SYNONYMS[table])
    result = TableMapping()
    for header, column in entry.columns.items():
        key = fold_key(header)
        if not key:
            raise _error(path, f"{where}.columns", f"'{header}' is not a header name")
        if column not in known:
            raise _error(
                path,
                f"{where}.columns.{header}",
                f"'{column}' is not a column of {table} (columns: {', '.join(known)})",
            )
        if key in result.columns and result.columns[key] != column:
            raise _error(
                path,
                f"{where}.columns.{header}",
                f"'{result.headers[key]}' and '{header}' are the same header mapped to different columns",
            )
        result.columns[key] = column
        result.headers[key] = header
    result.ignore = frozenset(fold_key(h) for h in entry.ignore)
    spec = SPECS[table]
    for column, words in entry.values.items():
        kind = spec.kind(column)
        if kind not in ("status", "type", "bool"):
            raise _error(
                path,
                f"{where}.values.{column}",
                "values can be mapped only for status, type and yes/no columns",
            )
        folded: dict[str, object] = {}
        for word, target in words.items():
            key = f"{where}.values.{column}.{word}"
            folded[fold_word(word)] = _value_target(path, key, kind, target)
        result.values[column] = folded
    if entry.file is not None or entry.sheet is not None:
        result.source = _source(path, data, table, entry)
    return result


def _value_target(path: Path, key: str, kind: str, target: str | bool) -> object:
    if kind == "bool":
        if isinstance(target, bool):
            return target
        word = target.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise _error(path, key, f"'{target}' is not yes or no")
    allowed = SESSION_STATUSES if kind == "status" else SESSION_TYPES
    if isinstance(target, bool) or target not in allowed:
        raise _error(path, key, f"'{target}' is not one of {', '.join(allowed)}")
    return target


def _source(path: Path, data: Path, table: str, entry: _TableModel) -> Source:
    where = f"tables.{table}"
    is_workbook = data.is_file() and data.suffix.lower() in (".xlsx", ".xlsm")
    base = data.parent if data.is_file() else data
    delimiter = entry.delimiter
    if delimiter is not None:
        delimiter = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1:
            raise _error(
                path,
                f"{where}.delimiter",
                f"'{entry.delimiter}' is not one character (or comma, semicolon, tab, pipe)",
            )
    if entry.file is not None:
        file_path = base / entry.file
        if not file_path.is_file():
            raise _error(path, f"{where}.file", f"'{entry.file}' not found in {base}")
        label = entry.file if entry.sheet is None else f"{entry.file}[{entry.sheet}]"
    else:
        if not is_workbook:
            raise _error(
                path, f"{where}.sheet", "a sheet without a file needs DATA to be a workbook; add file = ..."
            )
        file_path = data
        label = f"{data.name}[{entry.sheet}]"
    return Source(
        table=table,
        path=file_path,
        label=label,
        sheet=entry.sheet,
        delimiter=delimiter,
        encoding=entry.encoding,
        header_row=entry.header_row,
        mapped=True,
    )
