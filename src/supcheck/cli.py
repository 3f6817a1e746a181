"""The command line: parse options, call the engine, pick a reporter, set the exit code.

Exit codes (cli.md): 0 checked with no breach, 1 checked with at least one breach,
2 could not check (one line on standard error, never a traceback). Click exits 1 on
its own exceptions, so every input and configuration error is caught here and turned
into exit 2, keeping 1 for breaches only.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .engine import Scope, default_period, run_check
from .errors import SupcheckError
from .integrity import check_integrity
from .loaders import load_dataset
from .loaders.values import parse_date
from .models import Period
from .packs import load_pack, shipped_packs, validate_pack_file
from .reporters import FORMATS, format_for_path, get_reporter

app = typer.Typer(
    name="supcheck",
    help="Check social work supervision against a policy pack, from HR and case-system exports.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
packs_app = typer.Typer(help="List, show and validate policy packs.", no_args_is_help=True)
app.add_typer(packs_app, name="packs")

F = TypeVar("F", bound=Callable[..., Any])

EXIT_BREACHES = 1
EXIT_CANNOT_CHECK = 2


def fail(message: str) -> typer.Exit:
    typer.echo(f"supcheck: error: {message}", err=True)
    return typer.Exit(EXIT_CANNOT_CHECK)


def exits_2_on_error(command: F) -> F:
    """Turn SupcheckError (and anything unexpected) into one line on stderr and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except SupcheckError as exc:
            raise fail(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - the contract is: never a traceback
            if os.environ.get("SUPCHECK_DEBUG"):
                raise
            raise fail(
                f"internal error ({type(exc).__name__}: {exc}); set SUPCHECK_DEBUG=1 to see the traceback"
            ) from None

    return wrapper  # type: ignore[return-value]


def _date_option(value: str | None, option: str, month_first: bool) -> date | None:
    if value is None:
        return None
    try:
        parsed = parse_date(value, month_first=month_first)
    except ValueError:
        parsed = None
    if parsed is None:
        raise SupcheckError(f"{option} '{value}' is not a date (try 2026-03-31 or 31/03/2026)")
    return parsed


def resolve_period(start: date | None, end: date | None, as_of: date) -> Period:
    """--from/--to default to the last complete calendar month before as_of."""
    if start is None and end is None:
        return default_period(as_of)
    if start is None or end is None:
        raise SupcheckError("give both --from and --to, or neither (default: last complete month)")
    if end < start:
        raise SupcheckError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    return Period(**{"from": start, "to": end})


def resolve_format(fmt: str | None, output: Path | None) -> str:
    """--format wins; otherwise the output file's suffix; otherwise the console report."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise SupcheckError(f"--format '{fmt}' is not one of {', '.join(FORMATS)}")
        return fmt
    return "console" if output is None else format_for_path(output)


@app.command()
@exits_2_on_error
def check(
    data: Annotated[Path, typer.Argument(help="Folder of exports, or one workbook with a sheet per table.")],
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="Shipped pack name or path of a pack file.")
    ] = "national",
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day of the period (inclusive).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day of the period (inclusive).")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the check is made; default today.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help=f"Report format: {', '.join(FORMATS)}.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file for an export system.")
    ] = None,
    team: Annotated[
        list[str] | None, typer.Option("--team", help="Limit the report to a team (repeatable).")
    ] = None,
    staff: Annotated[
        list[str] | None, typer.Option("--staff", help="Limit the report to a staff id (repeatable).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Data-quality findings become breaches.")] = False,
    month_first: Annotated[
        bool, typer.Option("--month-first", help="Read ambiguous dates as month-first.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stdout but the report.")] = False,
) -> None:
    """The monthly check: findings for a period. Exit 0 no breach, 1 breaches, 2 could not check."""
    checked_on = _date_option(as_of, "--as-of", month_first) or date.today()
    period = resolve_period(
        _date_option(date_from, "--from", month_first),
        _date_option(date_to, "--to", month_first),
        checked_on,
    )
    report_format = resolve_format(fmt, output)
    reporter = get_reporter(report_format)
    if reporter.binary and output is None:
        raise SupcheckError(f"the {report_format} format needs --output FILE")
    pack = load_pack(policy)
    loaded = load_dataset(data, mapping=mapping, month_first=month_first)
    dataset, integrity_findings = check_integrity(loaded.dataset, checked_on)
    engine_run = run_check(
        dataset,
        pack,
        period,
        checked_on,
        load_findings=[*loaded.findings, *integrity_findings],
        strict=strict,
        scope=Scope(teams=frozenset(team or ()), staff_ids=frozenset(staff or ())),
    )
    result = engine_run.result
    reporter.write(result, output)
    if output is not None and not quiet and sys.stderr.isatty():
        typer.echo(f"supcheck: wrote {output}", err=True)
    if result.summary.breaches:
        raise typer.Exit(EXIT_BREACHES)


@packs_app.command("list")
@exits_2_on_error
def packs_list() -> None:
    """The shipped policy packs."""
    for name, path in shipped_packs().items():
        pack = load_pack(str(path))
        typer.echo(f"{name:<12} {pack.title}")


@packs_app.command("show")
@exits_2_on_error
def packs_show(name: Annotated[str, typer.Argument(help="Pack name or path.")]) -> None:
    """Print the fully resolved pack: every group, rule, parameter, severity and citation."""
    from .reporters.pack import render_pack

    typer.echo(render_pack(load_pack(name)), nl=False)


@packs_app.command("validate")
@exits_2_on_error
def packs_validate(file: Annotated[str, typer.Argument(help="Pack file (or shipped name).")]) -> None:
    """Report every problem in a pack, each with file and key; exit 2 when invalid."""
    problems = validate_pack_file(file)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(EXIT_CANNOT_CHECK)
    typer.echo(f"{file}: valid")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """supcheck: social work supervision compliance checks for employers in England."""


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `supcheck check ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        sys.exit(0)
    except SupcheckError as exc:  # raised outside a command (should not happen, but never a traceback)
        typer.echo(f"supcheck: error: {exc}", err=True)
        sys.exit(EXIT_CANNOT_CHECK)
