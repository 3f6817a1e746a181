"""One run of the check, from resolved options: load, integrity checks, engine.

`check`, `explain` (and the health check) all call `run_pipeline`, so the steps and
their order live in one place. `resolve_options` merges the command line with
`supcheck.toml` (command line beats config beats defaults) and parses the dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from dateutil.relativedelta import relativedelta

from . import collector
from .config import NO_CONFIG, Config, pick
from .coverage import Coverage, coverage_of
from .engine import EngineRun, Scope, default_period, run_check
from .errors import SupcheckError
from .integrity import check_integrity
from .loaders import load_dataset
from .loaders.values import parse_date
from .models import CheckResult, Dataset, Period
from .packs import Pack, load_pack
from .progress import NO_PROGRESS, StageProgress
from .pseudonymise import Pseudonymiser
from .rules.base import IndexedSessions, index_sessions
from .scope import check_scope
from .text import long_date, quoted

DEFAULT_POLICY = "national"

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
"""The dates `--from`, `--to` and `--as-of` may name. Supervision records are recent;
the margin of centuries either side keeps every window, deadline and look-back a pack
can ask for (at most ten years, `packs.MAX_LENGTH`) inside the calendar, which ends
at year 9999."""

MAX_PERIOD_YEARS = 20
"""The longest period from --from to --to: a check over a century is a typed year
gone wrong (`--from 1926-04-01`), and would take minutes and gigabytes to say so."""


@dataclass(frozen=True)
class RunOptions:
    """Everything a run needs, already merged and parsed."""

    data: Path
    period: Period
    as_of: date
    policy: str = DEFAULT_POLICY
    mapping: Path | None = None
    month_first: bool = False
    strict: bool = False
    pseudonymise: bool = False
    scope: Scope = field(default_factory=Scope)
    #: The day the exports were taken (`--extracted`), when the user says so.
    extracted: date | None = None


@dataclass
class PipelineRun:
    options: RunOptions
    pack: Pack
    dataset: Dataset
    engine: EngineRun
    #: How far the exports reach (`supcheck due` under `--email-managers` reads it).
    coverage: Coverage | None = None

    @property
    def result(self) -> CheckResult:
        return self.engine.result


@dataclass
class Inputs:
    """The pack and the loaded, integrity-checked exports, with the findings made so far."""

    pack: Pack
    dataset: Dataset
    findings: list
    coverage: Coverage

    @cached_property
    def sessions(self) -> IndexedSessions:
        """The sessions sorted by supervisee, then date (`index_sessions`): made once, by the
        first run, for every period checked on this load."""
        return index_sessions(self.dataset.sessions)


def load_inputs(
    options: RunOptions, progress: StageProgress = NO_PROGRESS, *, census: bool = False
) -> Inputs:
    """Load the pack and the exports and check their integrity (once, however many
    periods are then checked: the health check runs two years on one load, and reads the
    census returns too: `census`)."""
    pack = load_pack(options.policy)
    with progress.stage("Reading exports"):
        loaded = load_dataset(
            options.data, mapping=options.mapping, month_first=options.month_first, census=census
        )
    collector.freeze()  # (the loaded rows: later passes need not rescan them)
    collector.release()  # (the files' text and the loaders' temporaries)
    dataset = Pseudonymiser().dataset(loaded.dataset) if options.pseudonymise else loaded.dataset
    with progress.stage("Checking data quality"):
        dataset, integrity_findings = check_integrity(dataset, options.as_of)
    coverage = coverage_of(dataset, options.as_of, options.extracted)
    return Inputs(
        pack=pack,
        dataset=dataset,
        findings=[*loaded.findings, *integrity_findings],
        coverage=coverage,
    )


def run_pipeline(
    options: RunOptions, inputs: Inputs | None = None, progress: StageProgress = NO_PROGRESS
) -> PipelineRun:
    """Load the exports (unless given), check their integrity, make sure the run has
    somebody to check (`scope.check_scope`), run the pack's rules."""
    inputs = inputs or load_inputs(options, progress)
    check_scope(inputs.dataset, options.scope, options.period, inputs.findings)
    with progress.stage(f"Applying the {inputs.pack.id} rules"):
        engine = run_check(
            inputs.dataset,
            inputs.pack,
            options.period,
            options.as_of,
            load_findings=inputs.findings,
            strict=options.strict,
            scope=options.scope,
            coverage=inputs.coverage,
            indexed=inputs.sessions,
        )
    if engine.judged_nothing is not None:
        raise SupcheckError(engine.judged_nothing)
    return PipelineRun(
        options=options, pack=inputs.pack, dataset=inputs.dataset, engine=engine, coverage=inputs.coverage
    )


# ---------------------------------------------------------------- options


def parse_date_option(value: str | None, option: str, month_first: bool) -> date | None:
    """A command-line date in any form the loaders accept; SupcheckError if it is none."""
    if value is None:
        return None
    try:
        parsed = parse_date(value, month_first=month_first)
    except ValueError:
        parsed = None
    if parsed is None:
        raise SupcheckError(f"{option} {quoted(value)} is not a date (try 2026-03-31 or 31/03/2026)")
    if not EARLIEST <= parsed <= LATEST:
        raise SupcheckError(
            f"{option} {parsed.isoformat()} is outside the dates supcheck checks"
            f" ({long_date(EARLIEST)} to {long_date(LATEST)})"
        )
    return parsed


def resolve_period(start: date | None, end: date | None, as_of: date) -> Period:
    """--from/--to default to the last complete calendar month before as_of."""
    if start is None and end is None:
        return default_period(as_of)
    if start is None or end is None:
        raise SupcheckError("give both --from and --to, or neither (default: last complete month)")
    if end < start:
        raise SupcheckError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    if end >= start + relativedelta(years=MAX_PERIOD_YEARS):
        raise SupcheckError(
            f"--from {start.isoformat()} to --to {end.isoformat()} is more than {MAX_PERIOD_YEARS} years,"
            f" the longest period a check covers (is a year mistyped?)"
        )
    return Period(**{"from": start, "to": end})


def resolve_options(
    *,
    data: Path | None,
    policy: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    as_of: str | None = None,
    mapping: Path | None = None,
    month_first: bool | None = None,
    strict: bool | None = None,
    pseudonymise: bool | None = None,
    teams: Iterable[str] = (),
    staff: Iterable[str] = (),
    extracted: str | None = None,
    config: Config = NO_CONFIG,
    today: date | None = None,
) -> RunOptions:
    """Merge the command line (None: not given) with the config file and the defaults."""
    data_path = pick(data, config.data, None)
    if data_path is None:
        where = f" or set data in {config.path}" if config.path else " or set data in supcheck.toml"
        raise SupcheckError(f"no DATA: give the folder or workbook of exports{where}")
    first_month = bool(pick(month_first, config.month_first, False))
    checked_on = parse_date_option(as_of, "--as-of", first_month) or today or date.today()
    period = resolve_period(
        parse_date_option(date_from, "--from", first_month),
        parse_date_option(date_to, "--to", first_month),
        checked_on,
    )
    return RunOptions(
        data=Path(data_path),
        period=period,
        as_of=checked_on,
        policy=pick(policy, config.policy, DEFAULT_POLICY),
        mapping=pick(mapping, config.mapping, None),
        month_first=first_month,
        strict=bool(pick(strict, config.strict, False)),
        pseudonymise=bool(pick(pseudonymise, config.pseudonymise, False)),
        scope=Scope(teams=frozenset(teams), staff_ids=frozenset(staff)),
        extracted=_extraction_day(pick(extracted, config.extracted, None), checked_on, first_month),
    )


#: `--extracted` words for "the exports were taken on the day the check is made" (a cron
#: line that exports, then checks, says so once in supcheck.toml).
SAME_DAY = frozenset({"as-of", "today"})


def _extraction_day(value: str | date | None, as_of: date, month_first: bool) -> date | None:
    if isinstance(value, date):  # (a TOML date in supcheck.toml)
        return value
    if value is not None and value.strip().casefold() in SAME_DAY:
        return as_of
    return parse_date_option(value, "--extracted", month_first)
