"""`supcheck.toml`: what a cron line should not have to repeat.

Found in the working directory, or named with `--config FILE`. Command-line options
override it, and it overrides the built-in defaults. Relative paths in it are relative
to the file itself, so the same file works whatever directory cron starts in.

    data = "exports"                  # DATA: a folder of exports or one workbook
    organisation = "Northshire County Council"   # in titles, mail subjects and footers
    policy = "national"               # a shipped pack, or a pack file
    mapping = "mosaic.toml"           # optional mapping file
    month_first = false
    strict = false
    extracted = "as-of"               # the exports are taken on the day the check runs
                                      # (or a date; default: from the files, see coverage)
    year_type = "census"              # healthcheck: financial (default), calendar or census
    vacancies = 12.5                  # healthcheck: FTE vacancies on the snapshot date

    [output]
    folder = "reports"                # each run writes dated reports here
    formats = ["json", "xlsx"]        # json is always written when a folder is set
    since_last = true                 # compare with the previous run's JSON report

    [email]
    to = ["performance@council.example"]   # the analyst's copy (`--email`)
    managers = true                         # `--email-managers`
    instructions = "Please book the sessions listed by the end of the month; questions to the QA team."
                                            # or instructions_file = "mail-instructions.txt"

    [smtp]
    host = "smtp.council.example"
    port = 587
    security = "starttls"             # starttls | ssl | none
    user = "svc-supcheck"
    sender = "supcheck@council.example"
    password_file = "/etc/supcheck/smtp-password"

A password is never read from this file: `password` is rejected with an error that
says where a password may come from (`SUPCHECK_SMTP_PASSWORD`, or a file named by
`SUPCHECK_SMTP_PASSWORD_FILE` or `smtp.password_file`). Every problem is found in one
pass (unknown keys, wrong types, values out of range) and named with the file and the
dotted key, all on the one error line; the CLI exits 2 on it. Values have the type the
example shows (`strict = "yes"` is an error, not true); `smtp.timeout` is more than 0
and at most 3600 seconds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import SupcheckError
from .files import regular_file_problem
from .packs import shipped_packs
from .reporters import FORMATS
from .validation import Problem, in_file_order, one_line, problems, read_toml

CONFIG_NAME = "supcheck.toml"

Security = Literal["starttls", "ssl", "none"]

DEFAULT_SAVE_FORMATS: tuple[str, ...] = ("json", "xlsx")

MAX_TIMEOUT = 3600.0
"""The longest SMTP timeout, in seconds (config or SUPCHECK_SMTP_TIMEOUT): an hour."""

PASSWORD_HELP = (
    "a password is never read from the config file; set SUPCHECK_SMTP_PASSWORD, or name a file "
    "holding it with SUPCHECK_SMTP_PASSWORD_FILE or smtp.password_file"
)


class ConfigError(SupcheckError):
    """The config file cannot be read or is invalid; the message names the file and key."""


class _Strict(BaseModel):
    """Unknown keys are errors, and values must have their TOML type (paths are text)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _path() -> Any:
    return Field(default=None, strict=False)  # text in the file, a Path here


class SmtpConfig(_Strict):
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security | None = None
    user: str | None = None
    sender: str | None = None
    password_file: Path | None = _path()
    timeout: float | None = Field(default=None, gt=0, le=MAX_TIMEOUT, allow_inf_nan=False)


class EmailConfig(_Strict):
    to: list[str] = Field(default_factory=list)
    managers: bool = False
    #: A short paragraph above each line manager's list: inline, or a UTF-8 text file.
    instructions: str | None = None
    instructions_file: Path | None = _path()

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class OutputConfig(_Strict):
    folder: Path | None = _path()
    formats: list[str] = Field(default_factory=lambda: list(DEFAULT_SAVE_FORMATS))
    since_last: bool = False

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, formats: list[str]) -> list[str]:
        for fmt in formats:
            if fmt not in FORMATS:
                raise ValueError(f"'{fmt}' is not one of {', '.join(FORMATS)}")
        return list(dict.fromkeys(formats))


class Config(_Strict):
    """The validated file. `path` is where it was read from (None: no file)."""

    data: Path | None = _path()
    #: The council's name, in report titles, mail subjects and footers (`--organisation`).
    organisation: str | None = None
    policy: str | None = None
    mapping: Path | None = _path()
    month_first: bool | None = None
    strict: bool | None = None
    pseudonymise: bool | None = None
    extracted: date | str | None = None
    #: The health check's year type (`--year-type`) and the FTE vacancies on its
    #: snapshot date (`--vacancies`, for the DfE vacancy rate without a census return).
    year_type: Literal["financial", "calendar", "census"] | None = None
    vacancies: float | None = Field(default=None, ge=0)
    output: OutputConfig = Field(default_factory=OutputConfig)
    email: EmailConfig = Field(default_factory=EmailConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)

    path: Path | None = Field(default=None, exclude=True)


NO_CONFIG = Config()


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """`--config FILE` if given (it must exist), else `supcheck.toml` in the working directory."""
    if explicit is not None:
        if not explicit.exists():
            raise ConfigError(f"{explicit}: no such config file")
        return explicit  # read_toml refuses it, saying why, if it is not a regular file
    candidate = (cwd or Path.cwd()) / CONFIG_NAME
    if not candidate.exists():
        return None
    problem = regular_file_problem(candidate)
    if problem is not None:
        raise ConfigError(f"{candidate}: {problem}")
    return candidate


def load_config(explicit: Path | None = None, cwd: Path | None = None) -> Config:
    """The config in effect: the file's settings with relative paths made absolute.
    ConfigError naming every problem, each with its dotted key, on one line."""
    path = find_config(explicit, cwd)
    if path is None:
        return NO_CONFIG
    raw = read_toml(path, ConfigError, "config file")
    found = _password_problems(raw, str(path))
    if "path" in raw:
        found.append(Problem(str(path), "path", "unknown key", "unknown-key"))
    try:
        config = Config.model_validate({k: v for k, v in raw.items() if k != "path"})
    except ValidationError as exc:
        password_keys = {p.key for p in found}
        found += [p for p in problems(exc, str(path), model=Config) if p.key not in password_keys]
    if found:
        raise ConfigError(one_line(in_file_order(found, raw)))
    return _resolve_paths(config, path)


def _password_problems(raw: dict[str, Any], file: str, prefix: str = "") -> list[Problem]:
    found = []
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if key.strip().lower() in {"password", "pass", "passwd", "smtp_password"}:
            found.append(Problem(file, dotted, PASSWORD_HELP, "password"))
        elif isinstance(value, dict):
            found += _password_problems(value, file, f"{dotted}.")
    return found


def _resolve_paths(config: Config, path: Path) -> Config:
    base = path.resolve().parent

    def under(value: Path | None) -> Path | None:
        if value is None:
            return None
        value = value.expanduser()
        return value if value.is_absolute() else base / value

    policy = config.policy
    if policy is not None and policy not in shipped_packs():
        candidate = Path(policy).expanduser()
        policy = str(candidate if candidate.is_absolute() else base / candidate)
    return config.model_copy(
        update={
            "path": path,
            "data": under(config.data),
            "mapping": under(config.mapping),
            "policy": policy,
            "output": config.output.model_copy(update={"folder": under(config.output.folder)}),
            "email": config.email.model_copy(
                update={"instructions_file": under(config.email.instructions_file)}
            ),
            "smtp": config.smtp.model_copy(update={"password_file": under(config.smtp.password_file)}),
        }
    )


def pick(cli_value: Any, config_value: Any, default: Any) -> Any:
    """Command line beats config file beats default (None means "not given")."""
    if cli_value is not None:
        return cli_value
    if config_value is not None:
        return config_value
    return default
