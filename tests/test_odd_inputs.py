"""Issue 18: packs, the config file and odd inputs. Every numbered case of the issue,
with the message the user now gets: every problem named at once, with file and key;
every number range-checked; nothing read from what is not a regular file; nothing
personal left by --pseudonymise; and never "internal error" for anything foreseen."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.errors import PackError
from supcheck.packs import load_pack, validate_pack_file
from unattended_support import PERIOD, SAMPLE, MailServer, copy_sample

runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """No SMTP settings, limits or supcheck.toml from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env or {})


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    (line,) = result.stderr.splitlines()
    return line


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


TINY_PERIOD = ["--from", "2026-06-01", "--to", "2026-07-31", "--as-of", "2026-08-10"]


def tiny_data(folder: Path, manager_email: str = "tomasz.nowak@example.gov.uk") -> Path:
    """Two staff: S1, a social worker supervised in June only, and M1 their manager
    (whose own line manager is not recorded), with `manager_email` in M1's email cell."""
    folder.mkdir()
    write(
        folder,
        "staff.csv",
        "Report run: 10/08/2026 07:00\n"  # (the exports cover to 9 August: `coverage`)
        "staff_id,name,role,team,line_manager_id,start_date,email\n"
        f'M1,Tomasz Nowak,Team Manager,North,,2020-01-01,"{manager_email}"\n'
        "S1,Beth Evans,Social Worker,North,M1,2020-01-01,beth.evans@example.gov.uk\n",
    )
    write(
        folder,
        "supervisions.csv",
        "session_id,supervisee_id,supervisor_id,date,duration_minutes,type,status\n"
        "X1,S1,M1,2026-06-03,90,individual,held\n",
    )
    return folder


def council_pack(folder: Path, body: str) -> Path:
    return write(folder, "council.toml", '[pack]\nextends = "national"\n' + body)


# ---------------------------------------------------------------- 1: every problem at once


def test_1_packs_validate_lists_every_problem(tmp_path):
    path = write(
        tmp_path,
        "bad.toml",
        '[pack]\nextends = "national"\ncolour = "blue"\n'
        '[groups.other-staff]\nintervall = "month"\n'
        '[rules.supervision-frequency]\nseverty = "breach"\n',
    )
    result = run("packs", "validate", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}: pack.colour: unknown key",
        f"{path}: groups.other-staff.intervall: unknown key (did you mean 'interval'?)",
        f"{path}: rules.supervision-frequency.severty: unknown key (did you mean 'severity'?)",
    ]


def test_1_a_bad_group_value_does_not_hide_a_bad_rule_parameter(tmp_path):
    path = council_pack(
        tmp_path,
        '[groups.other-staff]\nmin_minutes = "ninety"\n'
        '[rules.cd]\nkind = "case-discussion"\nsource = "s"\ninterval = "fortnightly"\n',
    )
    assert validate_pack_file(str(path)) == [
        f"{path}: groups.other-staff.min_minutes: Input should be a valid number (given 'ninety')",
        f"{path}: rules.cd.interval: 'fortnightly' is not a length such as '6 weeks' or '2 months'",
    ]


def test_1_check_names_every_pack_problem_on_its_one_line(tmp_path):
    path = council_pack(tmp_path, 'colour = "blue"\n[groups.other-staff]\nintervall = "month"\n')
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--policy", path))
    assert line == (
        f"supcheck: error: {path}: pack.colour: unknown key; "
        "groups.other-staff.intervall: unknown key (did you mean 'interval'?)"
    )


def test_1_the_config_file_names_every_problem_in_file_order(tmp_path):
    path = write(tmp_path, "supcheck.toml", 'colour = "blue"\n[output]\nfolderr = "x"\n')
    line = one_line_error(run("check", SAMPLE, *PERIOD))
    assert line == (
        f"supcheck: error: {path}: colour: unknown key; output.folderr: unknown key (did you mean 'folder'?)"
    )


def test_1_a_problem_inherited_from_a_local_parent_names_the_parent_file(tmp_path):
    parent = write(
        tmp_path, "parent.toml", '[pack]\nextends = "national"\n[groups.g]\nroles = ["x"]\nmin_minutes = 0\n'
    )
    child = write(tmp_path, "child.toml", '[pack]\nextends = "parent.toml"\nshade = 1\n')
    assert validate_pack_file(str(child)) == [
        f"{child}: pack.shade: unknown key",
        f"{parent}: groups.g.min_minutes: Input should be greater than or equal to 1 (given 0)",
    ]


def test_1_a_problem_made_by_changing_an_inherited_rule_is_the_childs(tmp_path):
    """national's professional-supervision sets interval; made a frequency rule here, the
    inherited parameter no longer fits. The user cannot edit national.toml: the problem is
    reported in their file, saying where the key came from."""
    path = council_pack(tmp_path, '[rules.professional-supervision]\nkind = "frequency"\n')
    assert validate_pack_file(str(path)) == [
        f"{path}: rules.professional-supervision.interval: unknown key (inherited from national.toml)"
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('id = ""', "pack.id: String should have at least 1 character (given '')"),
        ('extends = ""', "pack.extends: String should have at least 1 character (given '')"),
    ],
)
def test_1_an_empty_id_or_extends_is_named(tmp_path, line, problem):
    path = write(tmp_path, "pack.toml", f'[pack]\n{line}\n[groups.g]\nroles = ["x"]\n')
    assert validate_pack_file(str(path)) == [f"{path}: {problem}"]


def test_1_extends_naming_a_folder_is_named(tmp_path):
    (tmp_path / "packs").mkdir()
    path = write(tmp_path, "pack.toml", '[pack]\nextends = "packs"\n')
    assert validate_pack_file(str(path)) == [
        f"{path}: pack.extends: {tmp_path / 'packs'} is a folder, not a file"
    ]


def test_1_a_cycle_spelt_two_ways_is_still_a_cycle(tmp_path):
    (tmp_path / "sub").mkdir()
    a = write(tmp_path, "a.toml", '[pack]\nextends = "sub/../b.toml"\n')
    write(tmp_path, "b.toml", '[pack]\nextends = "./a.toml"\n')
    [problem] = validate_pack_file(str(a))
    assert "pack.extends makes a cycle" in problem


@pytest.mark.parametrize(("length", "allowed"), [(15, True), (16, False)])
def test_1_an_extends_chain_has_at_most_16_packs(tmp_path, length, allowed):
    """Packs p1 ... pN, each extending the next; the last extends national, the N+1st."""
    for n in range(1, length):
        write(tmp_path, f"p{n}.toml", f'[pack]\nextends = "p{n + 1}.toml"\n')
    write(tmp_path, f"p{length}.toml", '[pack]\nextends = "national"\n')
    problems = validate_pack_file(str(tmp_path / "p1.toml"))
    assert problems == (
        [] if allowed else [f"{tmp_path / 'p1.toml'}: pack.extends: a chain of more than 16 packs"]
    )


def test_1_every_problem_has_a_code_for_scripts(tmp_path):
    from supcheck.packs import pack_problems

    path = council_pack(
        tmp_path,
        'colour = "blue"\ndisable = ["nope"]\n[groups.g]\nroles = "Social Worker"\nmin_minutes = 0\n'
        '[rules.x]\nkind = "frequency"\n',
    )
    assert [(p.key, p.code) for p in pack_problems(str(path))] == [
        ("pack.colour", "unknown-key"),
        ("pack.disable", "not-allowed"),
        ("groups.g.roles", "wrong-type"),
        ("groups.g.min_minutes", "out-of-range"),
        ("rules.x.source", "missing"),
    ]


# ---------------------------------------------------------------- 2: wrong types in [pack]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('disable = "uninterrupted"', "pack.disable: Input should be a valid list (given 'uninterrupted')"),
        ("remove_groups = {a = 1}", "pack.remove_groups: Input should be a valid list (given a table)"),
        ("disable = 5", "pack.disable: Input should be a valid list (given 5)"),
        ("group_order = 5", "pack.group_order: Input should be a valid list (given 5)"),
        ("disable = [5]", "pack.disable.0: Input should be a valid string (given 5)"),
        (
            'disable = ["uninterupted"]',
            "pack.disable: no inherited rule 'uninterupted' (did you mean 'uninterrupted'?)",
        ),
        ('group_order = ["managers", "nobody"]', "pack.group_order: no group 'nobody'"),
        ("title = 2026-04-01", "pack.title: Input should be a valid string (given 2026-04-01)"),
    ],
)
def test_2_wrong_types_in_pack_are_named(tmp_path, line, problem):
    path = council_pack(tmp_path, line + "\n")
    assert validate_pack_file(str(path)) == [f"{path}: {problem}"]
    with pytest.raises(PackError):
        load_pack(str(path))


@pytest.mark.parametrize(
    ("key", "noun"), [('disable = ["uninterrupted"]', "rule"), ('remove_groups = ["managers"]', "group")]
)
def test_2_disable_without_extends_is_a_problem_not_ignored(tmp_path, key, noun):
    path = write(tmp_path, "alone.toml", f'[pack]\n{key}\n[groups.g]\nroles = ["Social Worker"]\n')
    key_name = key.split(" ")[0]
    assert validate_pack_file(str(path)) == [
        f"{path}: pack.{key_name}: there is no inherited {noun} to drop: set pack.extends"
    ]


# ---------------------------------------------------------------- 3: numeric ranges


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "[groups.other-staff]\nmin_minutes = -90",
            "groups.other-staff.min_minutes: Input should be greater than or equal to 1 (given -90)",
        ),
        (
            "[groups.other-staff]\nmin_minutes = 0.5",
            "groups.other-staff.min_minutes: Input should be greater than or equal to 1 (given 0.5)",
        ),
        ("[groups.other-staff]\nmin_minutes = 1", None),
        ("[groups.other-staff]\nmin_minutes = 480", None),
        (
            "[groups.other-staff]\nmin_minutes = 481",
            "groups.other-staff.min_minutes: Input should be less than or equal to 480 (given 481)",
        ),
        (
            "[groups.other-staff]\nmin_minutes = nan",
            "groups.other-staff.min_minutes: Input should be a finite number (given nan)",
        ),
        (
            "[groups.other-staff]\nmin_minutes = inf",
            "groups.other-staff.min_minutes: Input should be a finite number (given inf)",
        ),
        (
            "[groups.other-staff]\nmin_minutes = true",
            "groups.other-staff.min_minutes: Input should be a valid number (given true)",
        ),
        (
            '[groups.other-staff]\nmin_minutes = "90"',
            "groups.other-staff.min_minutes: Input should be a valid number (given '90')",
        ),
        (
            '[groups.other-staff]\ncase_holding = "yes"',
            "groups.other-staff.case_holding: Input should be a valid boolean (given 'yes')",
        ),
        (
            "[rules.session-length]\nmin_minutes = 0",
            "rules.session-length.min_minutes: Input should be greater than or equal to 1 (given 0)",
        ),
        ("[rules.session-length]\nmin_minutes = 60", None),
        (
            "[rules.m]\nkind = 'annual-minimum'\nsource = 's'\nminimum = 0",
            "rules.m.minimum: Input should be greater than or equal to 1 (given 0)",
        ),
        ("[rules.m]\nkind = 'annual-minimum'\nsource = 's'\nminimum = 365", None),
        (
            "[rules.m]\nkind = 'annual-minimum'\nsource = 's'\nminimum = 366",
            "rules.m.minimum: Input should be less than or equal to 365 (given 366)",
        ),
        (
            "[rules.m]\nkind = 'annual-minimum'\nsource = 's'\nminimum = 10.0",
            "rules.m.minimum: Input should be a valid integer (given 10.0)",
        ),
        (
            "[rules.c]\nkind = 'consecutive-missed'\nsource = 's'\nmax_missed = -1",
            "rules.c.max_missed: Input should be greater than or equal to 0 (given -1)",
        ),
        ("[rules.c]\nkind = 'consecutive-missed'\nsource = 's'\nmax_missed = 24", None),
        (
            "[rules.c]\nkind = 'consecutive-missed'\nsource = 's'\nmax_missed = 25",
            "rules.c.max_missed: Input should be less than or equal to 24 (given 25)",
        ),
        ("[rules.a]\nkind = 'agreement'\nsource = 's'\ngrace_days = 366", None),
        (
            "[rules.a]\nkind = 'agreement'\nsource = 's'\ngrace_days = 367",
            "rules.a.grace_days: Input should be less than or equal to 366 (given 367)",
        ),
        ("[rules.r]\nkind = 'case-recording'\nsource = 's'\nlimit_working_days = 260", None),
        (
            "[rules.r]\nkind = 'case-recording'\nsource = 's'\nlimit_working_days = 261",
            "rules.r.limit_working_days: Input should be less than or equal to 260 (given 261)",
        ),
        (
            "[rules.r]\nkind = 'case-recording'\nsource = 's'\nnon_case_holder_limit_working_days = -1",
            "rules.r.non_case_holder_limit_working_days: Input should be greater than or equal to 0 (given -1)",
        ),
        (
            "[rules.r]\nkind = 'case-recording'\nsource = 's'\nlimit_working_days = 99999999999999999999999",
            "rules.r.limit_working_days: Input should be less than or equal to 260 (given 99999999999999999999999)",
        ),
    ],
)
def test_3_every_numeric_parameter_has_a_range(tmp_path, body, problem):
    path = council_pack(tmp_path, body + "\n")
    assert validate_pack_file(str(path)) == ([f"{path}: {problem}"] if problem else [])


def test_3_a_negative_minimum_stops_the_check_instead_of_dropping_breaches(tmp_path):
    path = council_pack(tmp_path, "[groups.social-workers]\nmin_minutes = -90\n")
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--policy", path))
    assert line == (
        f"supcheck: error: {path}: groups.social-workers.min_minutes: "
        "Input should be greater than or equal to 1 (given -90)"
    )


# ---------------------------------------------------------------- 4: lengths


@pytest.mark.parametrize(
    ("length", "longest"),
    [
        ("3653 days", None),
        ("3654 days", "3653 days"),
        ("521 weeks", None),
        ("522 weeks", "521 weeks"),
        ("120 months", None),
        ("121 months", "120 months"),
        ("10 years", None),
        ("11 years", "10 years"),
        ("99999999999 weeks", "521 weeks"),
        ("1" + "0" * 5000 + " days", "3653 days"),
    ],
)
def test_4_a_length_is_at_most_ten_years(tmp_path, length, longest):
    path = council_pack(
        tmp_path, f'[rules.cd]\nkind = "case-discussion"\nsource = "s"\ninterval = "{length}"\n'
    )
    problems = validate_pack_file(str(path))
    if longest is None:
        assert problems == []
        return
    (problem,) = problems
    assert problem.startswith(f"{path}: rules.cd.interval: '")
    assert problem.endswith(
        f"' is longer than ten years, the longest length a pack may give (at most {longest})"
    )


def test_4_an_overlong_length_is_a_range_message_in_check_too(tmp_path):
    path = council_pack(
        tmp_path, '[rules.cd]\nkind = "case-discussion"\nsource = "s"\ninterval = "99999999999 weeks"\n'
    )
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--policy", path))
    assert line == (
        f"supcheck: error: {path}: rules.cd.interval: '99999999999 weeks' is longer than ten years, "
        "the longest length a pack may give (at most 521 weeks)"
    )


@pytest.mark.parametrize(
    "phases",
    [
        '[{ until = "6 months", interval = "week" }, { until = "6 weeks", interval = "fortnight" }, { interval = "month" }]',
        '[{ until = "0 weeks", interval = "week" }, { interval = "month" }]',
    ],
)
def test_4_nqsw_phases_must_lengthen(tmp_path, phases):
    path = council_pack(tmp_path, f"[schedules.nqsw]\nphases = {phases}\n")
    assert validate_pack_file(str(path)) == [
        f"{path}: schedules.nqsw.phases: each phase's 'until' must be longer than the one before (and than no time)"
    ]


# ---------------------------------------------------------------- 5: encodings


def test_5_a_pack_that_is_not_utf8_is_named(tmp_path):
    path = write(
        tmp_path, "latin.toml", '[pack]\nextends = "national"\ntitle = "Caf\xe9"\n'.encode("latin-1")
    )
    assert validate_pack_file(str(path)) == [
        f"{path}: not UTF-8 text (byte 0xe9 on line 3); save the file with UTF-8 encoding"
    ]
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--policy", path))
    assert (
        line
        == f"supcheck: error: {path}: not UTF-8 text (byte 0xe9 on line 3); save the file with UTF-8 encoding"
    )


def test_5_a_config_that_is_not_utf8_is_named(tmp_path):
    path = write(tmp_path, "supcheck.toml", 'policy = "national"\n# caf\xe9\n'.encode("cp1252"))
    line = one_line_error(run("check", SAMPLE, *PERIOD))
    assert (
        line
        == f"supcheck: error: {path}: not UTF-8 text (byte 0xe9 on line 2); save the file with UTF-8 encoding"
    )


def test_5_a_byte_order_mark_is_allowed(tmp_path):
    path = write(tmp_path, "bom.toml", '\ufeff[pack]\nextends = "national"\n'.encode())
    assert validate_pack_file(str(path)) == []


# ---------------------------------------------------------------- 6: SMTP timeout


@pytest.mark.parametrize("value", ["inf", "1e999", "nan", "0", "-1", "3601", "thirty"])
def test_6_smtp_timeout_from_the_environment_is_range_checked(value):
    env = {
        "SUPCHECK_SMTP_HOST": "127.0.0.1",
        "SUPCHECK_SMTP_SENDER": "supcheck@council.example",
        "SUPCHECK_SMTP_TIMEOUT": value,
    }
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--email", "a@council.example", env=env))
    assert line == (
        f"supcheck: error: SUPCHECK_SMTP_TIMEOUT '{value}' is not a number of seconds from more than 0 to 3600"
    )


@pytest.mark.parametrize("value", ["0.5", "3600"])
def test_6_smtp_timeout_in_range_is_used(value):
    from supcheck.mail import smtp_settings

    env = {"SUPCHECK_SMTP_HOST": "h", "SUPCHECK_SMTP_SENDER": "s@c.example", "SUPCHECK_SMTP_TIMEOUT": value}
    assert smtp_settings(env=env).timeout == float(value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1e999", "Input should be a finite number (given inf)"),
        ("nan", "Input should be a finite number (given nan)"),
        ("0", "Input should be greater than 0 (given 0)"),
        ("3601", "Input should be less than or equal to 3600 (given 3601)"),
        ('"30"', "Input should be a valid number (given '30')"),
    ],
)
def test_6_smtp_timeout_in_the_config_is_range_checked(tmp_path, value, problem):
    path = write(tmp_path, "supcheck.toml", f"[smtp]\ntimeout = {value}\n")
    line = one_line_error(run("check", SAMPLE, *PERIOD))
    assert line == f"supcheck: error: {path}: smtp.timeout: {problem}"


@pytest.mark.parametrize("value", ["0", "65536", "²", "٥٨٧", "5e2"])
def test_6_smtp_port_from_the_environment_is_range_checked(value):
    env = {"SUPCHECK_SMTP_HOST": "h", "SUPCHECK_SMTP_SENDER": "s@c.example", "SUPCHECK_SMTP_PORT": value}
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--email", "a@council.example", env=env))
    assert line == f"supcheck: error: SUPCHECK_SMTP_PORT '{value}' is not a port number (1 to 65535)"


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e999", "lots"])
def test_6_file_size_limit_from_the_environment_is_range_checked(value):
    line = one_line_error(run("check", SAMPLE, *PERIOD, env={"SUPCHECK_MAX_FILE_MB": value}))
    assert (
        line == f"supcheck: error: SUPCHECK_MAX_FILE_MB must be a positive number of megabytes, not '{value}'"
    )


# ---------------------------------------------------------------- 7: dates and standard output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "0001-01-01", "--to", "9999-12-31", "--as-of", "9999-12-31"],
            "--as-of 9999-12-31 is outside the dates supcheck checks (1 January 1900 to 31 December 2999)",
        ),
        (
            ["--from", "1899-12-31", "--to", "2026-10-31", "--as-of", "2026-11-20"],
            "--from 1899-12-31 is outside the dates supcheck checks (1 January 1900 to 31 December 2999)",
        ),
        (
            ["--from", "2026-04-01", "--to", "3000-01-01", "--as-of", "2026-11-20"],
            "--to 3000-01-01 is outside the dates supcheck checks (1 January 1900 to 31 December 2999)",
        ),
        (
            ["--from", "2006-04-01", "--to", "2026-04-01", "--as-of", "2026-11-20"],
            "--from 2006-04-01 to --to 2026-04-01 is more than 20 years, the longest period a check"
            " covers (is a year mistyped?)",
        ),
        (
            ["--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "99999999999"],
            "--as-of '99999999999' is not a date (try 2026-03-31 or 31/03/2026)",
        ),
    ],
)
def test_7_dates_out_of_range_get_a_range_message(args, message):
    assert one_line_error(run("check", SAMPLE, *args)) == f"supcheck: error: {message}"


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (date(2006, 4, 1), date(2026, 3, 31), True),  # twenty years exactly
        (date(2006, 4, 1), date(2026, 4, 1), False),  # and a day
        (date(2080, 2, 29), date(2100, 2, 27), True),  # 2100 is no leap year: twenty years
        (date(2080, 2, 29), date(2100, 2, 28), False),  # from 29 February 2080 end on the 27th
        (date(1900, 1, 1), date(1900, 1, 1), True),
        (date(2999, 12, 31), date(2999, 12, 31), True),
    ],
)
def test_7_a_period_is_at_most_twenty_years(start, end, allowed):
    from supcheck.errors import SupcheckError
    from supcheck.pipeline import resolve_period

    if allowed:
        period = resolve_period(start, end, date(2026, 11, 20))
        assert (period.start, period.end) == (start, end)
    else:
        with pytest.raises(SupcheckError, match="more than 20 years"):
            resolve_period(start, end, date(2026, 11, 20))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", "tiny", *TINY_PERIOD, "-f", "json"],
            "supcheck: error: cannot write the report to standard output: No space left on device",
        ),
        (
            ["packs", "show", "national"],
            "supcheck: error: 'supcheck packs show' (pack national) stopped: No space left on device;"
            " check the disk space and the permissions of the files and folders it uses, then run it again",
        ),
    ],
)
def test_7_standard_output_on_a_full_disk_is_one_line(tmp_path, monkeypatch, capsys, args, message):
    """`supcheck ... > /dev/full`, run through `main` as the console script runs it."""
    from supcheck.cli import main

    tiny_data(tmp_path / "tiny")
    monkeypatch.setattr(sys, "argv", ["supcheck", *args])
    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 (closing it fails: see below)
    monkeypatch.setattr(sys, "stdout", full)
    with pytest.raises(SystemExit) as stopped:
        main()
    monkeypatch.undo()
    with contextlib.suppress(OSError):  # what stays in its buffer cannot be written either
        full.close()
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines() == [message]


# ---------------------------------------------------------------- 8: echoed input stays on one line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "a@b.org\r\nBcc: x@y.org"],
            "--email 'a@b.org\\r\\nBcc: x@y.org' is not an e-mail address",
        ),
        (
            ["--policy", "nat\nional"],
            "no policy pack 'nat\\nional': not a shipped pack (dudley, national, shropshire) nor a file",
        ),
        (
            ["--format", "json\x1b[31m"],
            "--format 'json\\x1b[31m' is not one of console, json, csv, xlsx, html, md",
        ),
    ],
)
def test_8_input_echoed_in_an_error_is_escaped(args, message):
    assert one_line_error(run("check", SAMPLE, *PERIOD, *args)) == f"supcheck: error: {message}"


def test_8_a_pack_key_with_a_line_break_is_escaped(tmp_path):
    path = council_pack(tmp_path, '"col\\nour" = 1\n')
    result = run("packs", "validate", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{path}: pack.col\\nour: unknown key"]


# ---------------------------------------------------------------- 9: not regular files


def _sample_without_absences(folder: Path) -> Path:
    data = copy_sample(folder)
    (data / "absences.xlsx").unlink()
    return data


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_9_a_named_pipe_named_like_a_table_is_refused(tmp_path):
    data = _sample_without_absences(tmp_path / "data")
    os.mkfifo(data / "absences.csv")
    line = one_line_error(run("check", data, *PERIOD))
    assert line == (
        "supcheck: error: absences.csv: a named pipe, not a regular file; the absences table must be"
        " an ordinary file (copy the export into the folder)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_9_a_link_to_a_device_named_like_a_table_is_refused(tmp_path):
    data = _sample_without_absences(tmp_path / "data")
    (data / "absences.csv").symlink_to("/dev/zero")
    assert "absences.csv: a device, not a regular file" in one_line_error(run("check", data, *PERIOD))


def test_9_a_folder_named_like_a_table_is_refused(tmp_path):
    data = _sample_without_absences(tmp_path / "data")
    (data / "absences.csv").mkdir()
    assert "absences.csv: a folder, not a file" in one_line_error(run("check", data, *PERIOD))


def test_9_a_folder_or_pipe_not_named_like_a_table_is_left_alone(tmp_path):
    data = tiny_data(tmp_path / "data")
    (data / "old exports.csv").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(data / "notes.txt")
    result = run("check", data, *TINY_PERIOD, "-f", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["summary"]["breaches"] == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("data", "x.xlsx: a named pipe, not a regular file"),
        ("--policy", "x.xlsx: a named pipe, not a regular file"),
        ("--config", "x.xlsx: a named pipe, not a regular file"),
        ("--mapping", "cannot read the mapping file: not a regular file"),
    ],
)
def test_9_a_named_pipe_given_as_a_file_is_refused_without_waiting(tmp_path, where, message):
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    unblock = threading.Timer(10, _open_for_writing, [fifo])  # a regression fails, not hangs
    unblock.start()
    try:
        args = [fifo, *PERIOD] if where == "data" else [SAMPLE, *PERIOD, where, fifo]
        line = one_line_error(run("check", *args))
    finally:
        unblock.cancel()
    assert message in line


def _open_for_writing(fifo: Path) -> None:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_9_a_password_file_that_is_a_device_is_refused(tmp_path):
    env = {
        "SUPCHECK_SMTP_HOST": "127.0.0.1",
        "SUPCHECK_SMTP_SENDER": "supcheck@council.example",
        "SUPCHECK_SMTP_USER": "svc",
        "SUPCHECK_SMTP_PASSWORD_FILE": "/dev/zero",
    }
    line = one_line_error(run("check", SAMPLE, *PERIOD, "--email", "a@council.example", env=env))
    assert line == (
        "supcheck: error: cannot read the SMTP password file /dev/zero (SUPCHECK_SMTP_PASSWORD_FILE):"
        " a device, not a regular file"
    )


# ---------------------------------------------------------------- 10: --pseudonymise and e-mail cells


ANALYST = "performance@council.example"
NOT_AN_ADDRESS = "Tomasz Nowak <tomasz.nowak@example.gov.uk>"


def test_10_pseudonymise_quotes_no_email_cell_in_the_analysts_mail(tmp_path):
    data = tiny_data(tmp_path / "data", manager_email=NOT_AN_ADDRESS)
    with MailServer() as server:
        result = run(
            "check",
            data,
            *TINY_PERIOD,
            "-q",
            "--pseudonymise",
            "--email",
            ANALYST,
            "--email-managers",
            env=server.env(),
        )
        assert result.exit_code == 1, result.output
        (mail,) = server.received  # M1 cannot be mailed: only the analyst's copy
    workbook = mail.workbook()
    cells = " ".join(str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row)
    everything = "\n".join([mail.subject, mail.plain, mail.html, cells, result.output])
    assert "has an e-mail cell that is not an address" in mail.flat_plain
    for personal in ("Tomasz", "Nowak", "Beth", "Evans"):
        assert personal not in everything


def test_10_without_pseudonymise_the_cell_is_quoted_for_the_analyst(tmp_path):
    data = tiny_data(tmp_path / "data", manager_email=NOT_AN_ADDRESS)
    with MailServer() as server:
        result = run(
            "check", data, *TINY_PERIOD, "-q", "--email", ANALYST, "--email-managers", env=server.env()
        )
        assert result.exit_code == 1, result.output
        (mail,) = server.received
    assert f"has e-mail '{NOT_AN_ADDRESS}', which is not an address" in mail.flat_plain


# ---------------------------------------------------------------- 11: the last resort


def test_11_the_unforeseen_is_one_line_naming_command_input_and_what_to_do(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("no one\nforesaw this")

    monkeypatch.setattr("supcheck.cli.run_pipeline", boom)
    result = run("check", SAMPLE, *PERIOD, "--policy", "dudley")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line == (
        f"supcheck: error: 'supcheck check' (DATA {SAMPLE}, --policy dudley) failed unexpectedly"
        " (RuntimeError: no one\\nforesaw this); this is a fault in supcheck, not in your files:"
        " please report it with this line, and set SUPCHECK_DEBUG=1 to see the traceback"
    )


def test_11_supcheck_debug_shows_the_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("supcheck.cli.run_pipeline", boom)
    result = run("check", SAMPLE, *PERIOD, env={"SUPCHECK_DEBUG": "1"})
    assert isinstance(result.exception, RuntimeError)


def test_11_an_operating_system_error_says_what_to_check(monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "/srv/reports/x.json")

    monkeypatch.setattr("supcheck.cli.run_pipeline", full)
    line = one_line_error(run("check", SAMPLE, *PERIOD))
    assert line == (
        f"supcheck: error: 'supcheck check' (DATA {SAMPLE}) stopped: No space left on device"
        " (/srv/reports/x.json); check the disk space and the permissions of the files and folders"
        " it uses, then run it again"
    )
