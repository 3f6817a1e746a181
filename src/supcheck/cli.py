"""The command line: parse options, call the engine, pick a reporter, set the exit code.

Exit codes (cli.md): 0 checked with no breach, 1 checked with at least one breach,
2 could not check (one line on standard error, never a traceback). Click exits 1 on
its own exceptions, so every input and configuration error is caught here and turned
into exit 2, keeping 1 for breaches only; so are usage errors (`_OneLineErrors`).

The commands only gather options: `pipeline` runs the check, `config` reads
supcheck.toml, `history` writes the output folder and compares with the last run,
`routing` and `mail` send the e-mails, `explain` explains one person.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from . import __version__, collector
from .config import Config, load_config, pick
from .errors import SupcheckError, printable
from .explain import explain as explain_person
from .history import compare, judged_again, previous_report, run_time, save_reports
from .mail import Outgoing, SmtpSettings, compose, send_all, smtp_settings
from .mail import instructions as mail_instructions
from .models import CheckResult, SinceLast
from .packs import load_pack, shipped_packs, validate_pack_file
from .pipeline import PipelineRun, resolve_options, resolve_period, run_pipeline
from .progress import StageProgress
from .reporters import FORMATS, FULL_LIST_FORMATS, SUFFIXES, Reporter, format_for_path, get_reporter
from .reporters.base import since_last_skipped, write_file, write_stdout
from .reporters.explain import EXPLAIN_FORMATS, SUFFIX_FORMATS, render_explanation
from .routing import ManagerCopy, is_address, route
from .text import quoted

__all__ = ["app", "main", "resolve_format", "resolve_period"]

EXIT_BREACHES = 1
EXIT_CANNOT_CHECK = 2

#: Click's base exception class, vendored by recent typer versions and plain click before.
_CLICK_EXCEPTION: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


class _OneLineErrors(TyperGroup):
    """Usage errors (unknown option, missing value) as one line on stderr and exit 2.

    Click would print a usage block and a boxed message; cli.md promises one line.
    """

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except _CLICK_EXCEPTION as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                exc.show()  # type: ignore[attr-defined]
                sys.exit(EXIT_CANNOT_CHECK)
            message = printable(" ".join(exc.format_message().split()))  # type: ignore[attr-defined]
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            typer.echo(f"supcheck: error: {message}{hint}", err=True)
            sys.exit(EXIT_CANNOT_CHECK)
        except typer.Abort:
            typer.echo("supcheck: error: aborted", err=True)
            sys.exit(EXIT_CANNOT_CHECK)
        sys.exit(code if isinstance(code, int) else 0)


def _plain_argument_help() -> None:
    """An argument with a metavar (`DATA`) is shown as just that in --help: typer adds its
    Python type after it (`DATA <path>`), which means nothing to an analyst. Plain click
    help (rich_markup_mode=None below) wraps every option's help at the terminal width,
    where typer's rich table truncated it at 80 columns (`SUPCHECK_PSEUDONYM…`)."""
    import typer.core

    argument = getattr(typer.core, "TyperArgument", None)
    shown = getattr(argument, "display_type_rich", None)
    if argument is None or shown is None or getattr(shown, "_supcheck", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.metavar else shown(self, ctx)

    display_type_rich._supcheck = True  # type: ignore[attr-defined]
    argument.display_type_rich = display_type_rich


_plain_argument_help()

app = typer.Typer(
    name="supcheck",
    help="Check social work supervision against a policy pack, from HR and case-system exports.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=_OneLineErrors,
)
packs_app = typer.Typer(
    help="List, show and validate policy packs.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(packs_app, name="packs")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> typer.Exit:
    """One line on stderr (control characters from the input escaped) and exit 2."""
    typer.echo(f"supcheck: error: {printable(message)}", err=True)
    return typer.Exit(EXIT_CANNOT_CHECK)


def exits_2_on_error(command: F) -> F:
    """Turn SupcheckError (and anything unexpected) into one line on stderr and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise  # BrokenPipeError: the reader left (`| head`); `main` exits quietly
        except SupcheckError as exc:
            raise fail(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - the contract is: never a traceback
            if os.environ.get("SUPCHECK_DEBUG"):
                raise
            raise fail(_last_resort(command.__name__, exc, kwargs)) from None

    return wrapper  # type: ignore[return-value]


_INPUTS = (
    ("data", "DATA"),
    ("file", "pack"),
    ("name", "pack"),
    ("policy", "--policy"),
    ("config_file", "--config"),
)


def _last_resort(name: str, exc: Exception, kwargs: dict[str, Any]) -> str:
    """What went wrong that nothing foresaw: the command, its input, and what to do."""
    command = "supcheck " + name.replace("_", " ")  # packs_validate -> supcheck packs validate
    given = [f"{label} {kwargs[name]}" for name, label in _INPUTS if kwargs.get(name) is not None]
    where = f"'{command}'" + (f" ({', '.join(given)})" if given else "")
    if isinstance(exc, OSError):  # the machine, not the data: a full disk, a permission
        reason = exc.strerror or str(exc)
        about = f" ({exc.filename})" if exc.filename else ""
        return (
            f"{where} stopped: {reason}{about}; check the disk space and the permissions of"
            " the files and folders it uses, then run it again"
        )
    if isinstance(exc, MemoryError):
        return f"{where} ran out of memory; run it on a smaller export (fewer years or teams)"
    return (
        f"{where} failed unexpectedly ({type(exc).__name__}: {exc}); this is a fault in supcheck,"
        " not in your files: please report it with this line, and set SUPCHECK_DEBUG=1 to see the"
        " traceback"
    )


def resolve_format(fmt: str | None, output: Path | None) -> str:
    """--format wins; otherwise the output file's suffix; otherwise the console report."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise SupcheckError(f"--format '{fmt}' is not one of {', '.join(FORMATS)}")
        return fmt
    return "console" if output is None else format_for_path(output)


ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", metavar="FILE", help="Config file; default ./supcheck.toml when present."),
]
PolicyOption = Annotated[
    str | None,
    typer.Option(
        "--policy", "-p", metavar="PACK", help="Shipped pack name or path of a pack file (default: national)."
    ),
]
FromOption = Annotated[
    str | None, typer.Option("--from", metavar="DATE", help="First day of the period (inclusive).")
]
ToOption = Annotated[
    str | None, typer.Option("--to", metavar="DATE", help="Last day of the period (inclusive).")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="Date the check is made; default today.")
]
MappingOption = Annotated[
    Path | None, typer.Option("--mapping", metavar="FILE", help="Mapping file for an export system.")
]
ExtractedOption = Annotated[
    str | None,
    typer.Option(
        "--extracted",
        metavar="DATE",
        help="Day the exports were taken ('today' or 'as-of': the as-of date); nothing from it on "
        "is judged. Default: a title row's date, else the last held session.",
    ),
]
PseudonymiseOption = Annotated[
    bool | None,
    typer.Option(
        "--pseudonymise/--no-pseudonymise",
        help="Stable tokens instead of staff names and case ids in every output "
        "(key from SUPCHECK_PSEUDONYM_KEY).",
    ),
]
OrganisationOption = Annotated[
    str | None,
    typer.Option(
        "--organisation",
        metavar="NAME",
        help="The council's name, for report titles, mail subjects and footers.",
    ),
]
MonthFirstOption = Annotated[
    bool | None,
    typer.Option(
        "--month-first/--day-first", help="Read ambiguous dates as month-first (default: day-first)."
    ),
]


def _progress(message: str, quiet: bool) -> None:
    """Status lines go to stderr, and only on a terminal and without --quiet (cron stays silent).

    Printed only once the progress display is closed, which would otherwise erase them.
    """
    if not quiet and sys.stderr.isatty():
        typer.echo(f"supcheck: {message}", err=True)


def _prepare_report(
    progress: StageProgress, reporter: Reporter, report: Any, output: Path | None
) -> Callable[[], None]:
    """Do what can be done while the progress display is drawn; return the rest.

    The display is erased line by line upwards from the cursor when it closes, so text
    that reaches the terminal while it is drawn would be erased with it (or glued to
    its spinner). A report file is written now, in a drawn stage; a report for standard
    output is rendered now (a large one takes a while) and written by the returned step,
    which the command runs once the display is closed. So is one for an output that is
    not a regular file (`-o /dev/stdout`, `/dev/tty`, a pipe), which may be the terminal.
    """
    if output is None:
        with progress.stage("Preparing the report"):
            payload = reporter.stdout_payload(report)
        return lambda: write_stdout(payload)
    if output.exists() and not output.is_file():
        return lambda: reporter.write(report, output)
    with progress.stage("Writing the report"):
        reporter.write(report, output)
    return lambda: None


@app.command(short_help="The monthly check: findings for a period.")
@exits_2_on_error
def check(
    data: Annotated[
        Path | None,
        typer.Argument(
            metavar="DATA",
            help="Folder of exports, or one workbook with a sheet per table (default: supcheck.toml's data).",
            show_default=False,
        ),
    ] = None,
    policy: PolicyOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    extracted: ExtractedOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT", help=f"Report format: {', '.join(FORMATS)}."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file.")
    ] = None,
    mapping: MappingOption = None,
    team: Annotated[
        list[str] | None,
        typer.Option("--team", metavar="NAME", help="Limit the report to a team (repeatable)."),
    ] = None,
    staff: Annotated[
        list[str] | None,
        typer.Option("--staff", metavar="ID", help="Limit the report to a staff id (repeatable)."),
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--no-strict", help="Data-quality findings become breaches (default: no)."),
    ] = None,
    month_first: MonthFirstOption = None,
    pseudonymise: PseudonymiseOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stdout but the report.")] = False,
    config_file: ConfigOption = None,
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            metavar="ADDRESS",
            help="Mail the report to this address (repeatable); SMTP from env/config.",
        ),
    ] = None,
    email_managers: Annotated[
        bool | None,
        typer.Option(
            "--email-managers/--no-email-managers",
            help="Also mail each line manager the breaches of their own staff (staff email column).",
        ),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir", metavar="DIR", help="Also write dated reports into this folder (JSON always)."
        ),
    ] = None,
    save_format: Annotated[
        list[str] | None,
        typer.Option(
            "--save-format",
            metavar="FORMAT",
            help="Formats for --output-dir (repeatable; default json, xlsx).",
        ),
    ] = None,
    since_last: Annotated[
        bool | None,
        typer.Option(
            "--since-last/--no-since-last",
            help="Report breaches new and resolved since the previous JSON report in --output-dir.",
        ),
    ] = None,
    organisation: OrganisationOption = None,
) -> None:
    """The monthly check: findings for a period. Exit 0 no breach, 1 breaches, 2 could not check."""
    config = load_config(config_file)
    options = resolve_options(
        data=data,
        policy=policy,
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        mapping=mapping,
        month_first=month_first,
        pseudonymise=pseudonymise,
        strict=strict,
        teams=team or (),
        staff=staff or (),
        extracted=extracted,
        config=config,
    )
    report_format = resolve_format(fmt, output)
    reporter = get_reporter(report_format)
    if reporter.binary and output is None:
        raise SupcheckError(f"the {report_format} format needs --output FILE")
    plan = _plan_outputs(config, output_dir, save_format, since_last)
    mailing = _plan_mail(config, email, email_managers)

    council = _council(organisation, config)

    with StageProgress.for_terminal(quiet) as progress:
        run = run_pipeline(options, progress=progress)
        if mailing.managers and not run.dataset.has_column("staff", "email"):
            raise SupcheckError("--email-managers needs an email column in the staff table")
        with progress.stage("Saving the dated reports") if plan.folder is not None else nullcontext():
            result, saved = _save_outputs(run, plan, council)
        result = _with_full_list(result, saved, output if report_format in FULL_LIST_FORMATS else None)
        finish_report = _prepare_report(progress, reporter, result, output)
    # The progress display is gone: from here on nothing can erase what is written.
    finish_report()
    _warn_skipped(result)
    for path in [*saved, *([output] if output is not None else [])]:
        _progress(f"wrote {path}", quiet)
    if mailing.recipients:
        sent = _send(run, result, mailing)
        _progress(f"sent {sent} message{'' if sent == 1 else 's'}", quiet)
    if result.summary.breaches:
        raise typer.Exit(EXIT_BREACHES)


def _council(organisation: str | None, config: Config) -> str:
    """The council's name from the option or the config, its spaces tidied ("" when none)."""
    return " ".join(str(pick(organisation, config.organisation, "")).split())


def _save_outputs(run: PipelineRun, plan: _OutputPlan, organisation: str) -> tuple[CheckResult, list[Path]]:
    """Compare with the last run and save the dated reports; the files written, to announce.

    The run's own time is taken once: it names the dated reports, is recorded in them
    (`generated_at`), and only reports recorded before it count as earlier runs."""
    result = run.result
    if organisation:
        result = result.model_copy(update={"organisation": organisation})
    saved: list[Path] = []
    if plan.folder is not None:
        now = run_time()
        result = result.model_copy(update={"generated_at": now})
        if plan.since_last:
            result = result.model_copy(update={"since_last": _since_last(run, plan.folder, now)})
        saved = list(save_reports(plan.folder, run.pack.id, now, result, plan.formats))
    return result, saved


def _with_full_list(result: CheckResult, saved: list[Path], output: Path | None) -> CheckResult:
    """The result, naming the files of this run that hold every finding (the dated JSON,
    CSV or workbook, and `output` when it is one), for a report for people too long to
    list them all: the console on standard output, the analyst's e-mail."""
    full = [str(path) for path in saved if SUFFIXES.get(path.suffix) in FULL_LIST_FORMATS]
    full += [str(output)] if output is not None else []
    return result.model_copy(update={"full_list": full}) if full else result


def _warn_skipped(result: CheckResult) -> None:
    """Earlier reports `--since-last` passed over: said in the report itself (since_last),
    and on stderr when someone is watching the terminal."""
    if result.since_last is None or not sys.stderr.isatty():
        return
    for line in since_last_skipped(result.since_last):
        typer.echo(f"supcheck: warning: {line}", err=True)


@dataclass(frozen=True)
class _OutputPlan:
    folder: Path | None
    formats: list[str]
    since_last: bool


def _plan_outputs(
    config: Config, output_dir: Path | None, save_format: list[str] | None, since_last: bool | None
) -> _OutputPlan:
    folder = pick(output_dir, config.output.folder, None)
    compare = bool(pick(since_last, config.output.since_last, False))
    if compare and folder is None:
        raise SupcheckError(
            "--since-last needs an output folder: --output-dir DIR or output.folder in supcheck.toml"
        )
    formats = list(save_format) if save_format else list(config.output.formats)
    for name in formats:
        if name not in FORMATS:
            raise SupcheckError(f"--save-format '{name}' is not one of {', '.join(FORMATS)}")
    return _OutputPlan(folder, list(dict.fromkeys(["json", *formats])), compare)


@dataclass(frozen=True)
class _MailPlan:
    recipients: list[str]
    managers: bool
    settings: SmtpSettings | None
    instructions: str = ""


def _plan_mail(config: Config, email: list[str] | None, email_managers: bool | None) -> _MailPlan:
    """Recipients and SMTP settings, checked before the run so a bad setting costs nothing."""
    recipients = [a.strip() for a in (email if email else config.email.to)]
    managers = bool(pick(email_managers, config.email.managers, False))
    for address in recipients:
        if not is_address(address):
            raise SupcheckError(f"--email '{address}' is not an e-mail address")
    if managers and not recipients:
        raise SupcheckError(
            "--email-managers needs --email TO (or email.to in supcheck.toml) for the analyst's copy"
        )
    settings = smtp_settings(config) if recipients else None
    return _MailPlan(recipients, managers, settings, mail_instructions(config) if managers else "")


def _since_last(run: PipelineRun, folder: Path, now: datetime) -> SinceLast:
    previous = previous_report(folder, run.pack.id, now)
    judged = judged_again(run.options.period, run.options.scope, run.dataset.staff)
    return compare(run.result, previous, judged)


def _send(run: PipelineRun, result: CheckResult, mailing: _MailPlan) -> int:
    """Compose the analyst's copy (and the managers' copies) and send them all."""
    settings = mailing.settings
    assert settings is not None
    analyst = result
    copies: list[ManagerCopy] = []
    if mailing.managers:
        from .due import DEFAULT_WITHIN, due_soon

        due = due_soon(
            run.dataset,
            run.pack,
            run.options.as_of,
            DEFAULT_WITHIN,
            coverage=run.coverage,
            scope=run.options.scope,
        )
        routing = route(run, result, due)
        analyst = result.model_copy(update={"unrouted": routing.unrouted})
        copies = routing.copies
    message = compose(analyst, mailing.recipients, settings.sender)
    outgoing = [Outgoing(mailing.recipients, message, "the analyst's copy")]
    for copy in copies:
        own = copy.result.model_copy(update={"instructions": mailing.instructions})
        message = compose(own, [copy.address], settings.sender, manager=True)
        outgoing.append(Outgoing([copy.address], message, copy.label))
    return send_all(settings, outgoing)


@app.command(short_help="Why a person's findings are what they are.")
@exits_2_on_error
def explain(
    data: Annotated[
        str,
        typer.Argument(
            metavar="DATA",
            help="Folder of exports or workbook; may be left out when supcheck.toml names it.",
            show_default=False,
        ),
    ],
    staff_id: Annotated[
        str | None, typer.Argument(metavar="STAFF_ID", help="The staff id to explain.", show_default=False)
    ] = None,
    policy: PolicyOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    as_of: AsOfOption = None,
    extracted: ExtractedOption = None,
    mapping: MappingOption = None,
    month_first: MonthFirstOption = None,
    pseudonymise: PseudonymiseOption = None,
    config_file: ConfigOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT", help="text, md, html or json (default: text)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the explanation to this file."),
    ] = None,
) -> None:
    """Why the check says what it says about one person: group, schedule, windows and evidence."""
    config = load_config(config_file)
    data_path: Path | None = Path(data)
    if staff_id is None:  # `supcheck explain S010` with DATA in supcheck.toml
        data_path, staff_id = None, data
    options = resolve_options(
        data=data_path,
        policy=policy,
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        mapping=mapping,
        month_first=month_first,
        pseudonymise=pseudonymise,
        staff=[staff_id],
        extracted=extracted,
        config=config,
    )
    explain_format = _explain_format(fmt, output)
    run = run_pipeline(options)
    from .reporters.console import terminal_width

    width = terminal_width() if output is None and sys.stdout.isatty() else 80
    text = render_explanation(explain_person(run, staff_id), width, explain_format)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_file(output, text)


def _explain_format(fmt: str | None, output: Path | None) -> str:
    """--format wins; otherwise the output file's suffix; otherwise text."""
    if fmt is not None:
        if fmt not in EXPLAIN_FORMATS:
            raise SupcheckError(f"--format {quoted(fmt)} is not one of {', '.join(EXPLAIN_FORMATS)}")
        return fmt
    if output is None:
        return "text"
    chosen = SUFFIX_FORMATS.get(output.suffix.lower())
    if chosen is None:
        raise SupcheckError(
            f"cannot tell the format from {quoted(output.name)}: give --format (text, md, html or json)"
        )
    return chosen


@app.command(short_help="Who needs supervising soon.")
@exits_2_on_error
def due(
    data: Annotated[
        Path | None,
        typer.Argument(
            metavar="DATA",
            help="Folder of exports, or one workbook with a sheet per table (default: supcheck.toml's data).",
            show_default=False,
        ),
    ] = None,
    within: Annotated[
        int,
        typer.Option(
            "--within", min=0, max=366, metavar="DAYS", help="Look this many days ahead of --as-of."
        ),
    ] = 14,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    extracted: ExtractedOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT", help=f"Report format: {', '.join(FORMATS)}."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the list to this file.")
    ] = None,
    mapping: MappingOption = None,
    team: Annotated[
        list[str] | None,
        typer.Option("--team", metavar="NAME", help="Limit the list to a team (repeatable)."),
    ] = None,
    staff: Annotated[
        list[str] | None,
        typer.Option("--staff", metavar="ID", help="Limit the list to a staff id (repeatable)."),
    ] = None,
    month_first: MonthFirstOption = None,
    pseudonymise: PseudonymiseOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stdout but the list.")] = False,
    config_file: ConfigOption = None,
    organisation: OrganisationOption = None,
) -> None:
    """Who needs supervising before a window, case-discussion deadline or annual
    requirement closes, with their bookings. Exit 0, or 2 if it could not be made."""
    from datetime import timedelta

    from .due import due_soon
    from .models import Period
    from .pipeline import load_inputs
    from .reporters.due import get_due_reporter
    from .scope import check_scope

    options = resolve_options(
        data=data,
        policy=policy,
        as_of=as_of,
        mapping=mapping,
        month_first=month_first,
        pseudonymise=pseudonymise,
        teams=team or (),
        staff=staff or (),
        extracted=extracted,
        config=(config := load_config(config_file)),
    )
    report_format = resolve_format(fmt, output)
    reporter = get_due_reporter(report_format)
    if reporter.binary and output is None:
        raise SupcheckError(f"the {report_format} format needs --output FILE")
    ahead = Period(**{"from": options.as_of, "to": options.as_of + timedelta(days=within)})
    with StageProgress.for_terminal(quiet) as progress:
        inputs = load_inputs(options, progress)
        check_scope(inputs.dataset, options.scope, ahead, inputs.findings)
        with progress.stage("Looking ahead"):
            result = due_soon(
                inputs.dataset,
                inputs.pack,
                options.as_of,
                within,
                coverage=inputs.coverage,
                scope=options.scope,
            ).model_copy(update={"organisation": _council(organisation, config)})
        finish_report = _prepare_report(progress, reporter, result, output)
    finish_report()
    if output is not None:
        _progress(f"wrote {output}", quiet)


@app.command(short_help="The annual health check: tables for a year.")
@exits_2_on_error
def healthcheck(
    data: Annotated[
        Path | None,
        typer.Argument(
            metavar="DATA",
            help="Folder of exports, or one workbook with a sheet per table (default: supcheck.toml's data).",
            show_default=False,
        ),
    ] = None,
    policy: PolicyOption = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar="YEAR",
            min=1900,
            max=2999,
            help="Financial year starting April YEAR, calendar year YEAR, or census year ending "
            "30 September YEAR (default: the last one ended by --as-of).",
        ),
    ] = None,
    year_type: Annotated[
        str | None,
        typer.Option(
            "--year-type",
            metavar="census|financial|calendar",
            help="census: October to September, snapshot on 30 September (the DfE's workforce "
            "census); financial (default): April to March; calendar: January to December.",
        ),
    ] = None,
    calendar_year: Annotated[
        bool, typer.Option("--calendar-year", help="The same as --year-type calendar.")
    ] = False,
    vacancies: Annotated[
        float | None,
        typer.Option(
            "--vacancies",
            min=0,
            metavar="FTE",
            help="FTE social worker vacancies on the year's snapshot date, for the DfE vacancy "
            "rate (a census return in DATA gives its own).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    extracted: ExtractedOption = None,
    mapping: MappingOption = None,
    month_first: MonthFirstOption = None,
    pseudonymise: PseudonymiseOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="FORMAT", help="console, json, xlsx, md or html.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the tables to this file.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stdout but the report.")] = False,
    config_file: ConfigOption = None,
) -> None:
    """The annual health check: supervision tables for a year, by team, role group and NQSWs,
    beside the previous year (docs/healthcheck.md). Exit 0, or 2 if it could not be made."""
    from .healthcheck import health_check_from_options, resolve_year
    from .reporters.health_base import get_health_reporter, health_format

    config = load_config(config_file)
    options = resolve_options(
        data=data,
        policy=policy,
        as_of=as_of,
        mapping=mapping,
        month_first=month_first,
        pseudonymise=pseudonymise,
        extracted=extracted,
        config=config,
    )
    report_format = health_format(fmt, output)
    chosen = resolve_year(year, year_type, calendar_year, config.year_type, as_of=options.as_of)
    with StageProgress.for_terminal(quiet) as progress:
        health = health_check_from_options(
            options, chosen, progress, vacancies=pick(vacancies, config.vacancies, None)
        )
        finish_report = _prepare_report(progress, get_health_reporter(report_format), health, output)
    # The progress display is gone: from here on nothing can erase what is written.
    finish_report()
    if output is not None:
        _progress(f"wrote {output}", quiet)


@packs_app.command("list")
@exits_2_on_error
def packs_list() -> None:
    """The shipped policy packs."""
    for name, path in shipped_packs().items():
        pack = load_pack(str(path))
        typer.echo(f"{name:<12} {pack.title}")


@packs_app.command("show", short_help="Print a pack fully resolved.")
@exits_2_on_error
def packs_show(name: Annotated[str, typer.Argument(metavar="PACK", help="Pack name or path.")]) -> None:
    """Print the fully resolved pack: every group, rule, parameter, severity and citation."""
    from .reporters.pack import render_pack

    typer.echo(render_pack(load_pack(name)), nl=False)


@packs_app.command("validate", short_help="Report every problem in a pack.")
@exits_2_on_error
def packs_validate(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Pack file (or shipped name).")],
) -> None:
    """Report every problem in a pack, each with file and key; exit 2 when invalid."""
    problems = validate_pack_file(file)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(EXIT_CANNOT_CHECK)
    typer.echo(f"{printable(file)}: valid")


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
    collector.tune()
    try:
        app()
    except BrokenPipeError:  # `supcheck check ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        sys.exit(0)
    except SupcheckError as exc:  # raised outside a command (should not happen, but never a traceback)
        typer.echo(f"supcheck: error: {printable(str(exc))}", err=True)
        sys.exit(EXIT_CANNOT_CHECK)
