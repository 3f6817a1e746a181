"""`supcheck.toml`: what a cron line should not have to repeat.

Found in the working directory, or named with `--config FILE`. Command-line options
override it, and it overrides the built-in defaults. Relative paths in it are relative
to the file itself, so the same file works whatever directory cron starts in.

    data = "exports"                  # DATA: a folder of exports or one workbook
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

    [smtp]
    host = "smtp.council.example"
    port = 587
    security = "starttls"             # starttls | ssl | none
    user = "svc-supcheck"
    sender = "supcheck@council.example"
    password_file = "/etc/supcheck/smtp-password"

A password is never read from this file: `password` is rejected with an error that
says where a password may come from (`SUPCHECK_SMTP_PASSWORD`, or a file named by
`SUPCHECK_SMTP_PASSWORD_FILE` or `smtp.password_file`). Every problem names the file
and the dotted key, and the CLI exits 2 on it.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import SupcheckError
from .packs import shipped_packs
from .reporters import FORMATS

CONFIG_NAME = "supcheck.toml"

Security = Literal["starttls", "ssl", "none"]

DEFAULT_SAVE_FORMATS: tuple[str, ...] = ("json", "xlsx")

PASSWORD_HELP = (
    "a password is never read from the config file; set SUPCHECK_SMTP_PASSWORD, or name a file "
    "holding it with SUPCHECK_SMTP_PASSWORD_FILE or smtp.password_file"
)


class ConfigError(SupcheckError):
    """The config file cannot be read or is invalid; the message names the file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmtpConfig(_Strict):
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security | None = None
    user: str | None = None
    sender: str | None = None
    password_file: Path | None = None
    timeout: float | None = Field(default=None, gt=0)


class EmailConfig(_Strict):
    to: list[str] = Field(default_factory=list)
    managers: bool = False

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class OutputConfig(_Strict):
    folder: Path | None = None
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

    data: Path | None = None
    policy: str | None = None
    mapping: Path | None = None
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
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such config file")
        return explicit
    candidate = (cwd or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(explicit: Path | None = None, cwd: Path | None = None) -> Config:
    """The config in effect: the file's settings with relative paths made absolute."""
    path = find_config(explicit, cwd)
    if path is None:
        return NO_CONFIG
    raw = _read(path)
    _reject_passwords(raw, path)
    if "path" in raw:
        raise ConfigError(f"{path}: path: unknown key")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_key(err['loc'])}: {_message(err)}" for err in exc.errors()]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ConfigError(f"{path}: {problems[0]}{more}") from None
    return _resolve_paths(config, path)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _reject_passwords(raw: dict[str, Any], path: Path, prefix: str = "") -> None:
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if key.strip().lower() in {"password", "pass", "passwd", "smtp_password"}:
            raise ConfigError(f"{path}: {dotted}: {PASSWORD_HELP}")
        if isinstance(value, dict):
            _reject_passwords(value, path, f"{dotted}.")


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key"
    message = str(err["msg"])
    return message.removeprefix("Value error, ")


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
