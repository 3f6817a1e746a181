"""Policy packs: loading, extends, validation errors that name file and key, group matching."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.errors import PackError
from supcheck.models import Staff
from supcheck.packs import load_pack, parse_offset, shipped_packs, validate_pack_file

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def staff(role, **kw):
    return Staff(staff_id="S1", role=role, start_date=date(2020, 1, 1), **kw)


def test_every_shipped_pack_is_valid():
    assert "national" in shipped_packs()
    for name in shipped_packs():
        assert validate_pack_file(name) == [], name


def test_every_shipped_rule_cites_its_source():
    for name in shipped_packs():
        pack = load_pack(name)
        for spec in pack.rules.values():
            assert spec.source.startswith(("SWRB", "Shropshire", "Dudley")), (name, spec.id)
            assert '"' in spec.source, f"{name}:{spec.id} should quote the sentence it comes from"


@pytest.mark.parametrize(
    ("role", "group"),
    [
        ("Social Worker", "social-workers"),
        ("SOCIAL  WORKER", "social-workers"),
        ("Senior Social Worker", "social-workers"),
        ("Social Worker (ASYE)", "social-workers"),
        ("Advanced Practitioner", "social-workers"),
        ("Team Manager", "managers"),
        ("Practice Supervisor", "managers"),
        ("Family Support Worker", "other-staff"),
        ("Business Support Officer", "other-staff"),
        ("Transformation Lead", None),
    ],
)
def test_national_groups_match_roles_case_insensitively(role, group):
    matched = load_pack("national").group_for(staff(role), date(2026, 6, 30))
    assert (matched.id if matched else None) == group


def test_offsets_are_calendar_arithmetic():
    assert date(2026, 1, 31) + parse_offset("1 month") == date(2026, 2, 28)
    assert date(2024, 1, 31) + parse_offset("1 month") == date(2024, 2, 29)
    assert date(2026, 1, 10) + parse_offset("6 weeks") == date(2026, 2, 21)
    with pytest.raises(ValueError):
        parse_offset("six weeks")


def test_extends_overrides_a_group_parameter_and_disables_a_rule(tmp_path):
    path = write(
        tmp_path,
        "council.toml",
        """
[pack]
id = "council"
extends = "national"
disable = ["uninterrupted"]

[groups.other-staff]
rules = ["session-length"]
min_minutes = 60
""",
    )
    pack = load_pack(str(path))
    assert "uninterrupted" not in pack.rules
    assert pack.groups["other-staff"].min_minutes == 60
    assert pack.groups["other-staff"].rules == ["session-length"]
    # Inherited keys of the overridden group are kept.
    assert "family support" in pack.groups["other-staff"].role_patterns
    assert pack.schedules.nqsw is not None
    assert pack.files[-1] == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[pack]\nextends = "national"\n[rules.x]\nkind = "nonsense"\nsource = "s"\n',
            "rules.x.kind: unknown rule kind 'nonsense'",
        ),
        (
            '[pack]\nextends = "national"\n[groups.g]\nroles = ["a"]\ninterval = "daily"\n',
            "groups.g.interval",
        ),
        ('[pack]\nextends = "national"\n[groups.g]\ninterval = "month"\n', "groups.g: matches nothing"),
        ('[pack]\nextends = "national"\ndisable = ["nope"]\n', "pack.disable: no inherited rule 'nope'"),
        ('[pack]\nextends = "nowhere"\n', "pack.extends: no policy pack 'nowhere'"),
        (
            '[pack]\nextends = "national"\n[rules.professional-supervision]\ninterval = "year"\n',
            "rules.professional-supervision.interval",
        ),
        ('[pack]\nextends = "national"\n[rules.session-length]\nlimit = 3\n', "rules.session-length.limit"),
        ('[pack]\nextends = "national"\n[groups.g]\nrole_patterns = ["("]\n', "groups.g.role_patterns"),
        ("[pack\n", "not valid TOML"),
    ],
)
def test_invalid_pack_names_file_and_key(tmp_path, text, message):
    path = write(tmp_path, "bad.toml", text)
    problems = validate_pack_file(str(path))
    assert problems, "the pack should be invalid"
    assert any(str(path) in p and message in p for p in problems), problems
    with pytest.raises(PackError):
        load_pack(str(path))


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path, "a.toml", '[pack]\nextends = "b.toml"\n')
    b = write(tmp_path, "b.toml", '[pack]\nextends = "a.toml"\n')
    [problem] = validate_pack_file(str(b))
    assert "cycle" in problem


def test_cli_packs_list_show_validate(tmp_path):
    listed = runner.invoke(app, ["packs", "list"])
    assert listed.exit_code == 0 and "national" in listed.output
    shown = runner.invoke(app, ["packs", "show", "national"])
    assert shown.exit_code == 0
    assert "supervision-frequency [frequency, breach]" in shown.output
    assert "SWRB Employer Standard 5" in shown.output
    assert "week until ASYE start + 6 weeks" in shown.output
    good = runner.invoke(app, ["packs", "validate", "national"])
    assert good.exit_code == 0 and "valid" in good.output
    bad = write(
        tmp_path, "bad.toml", '[pack]\nextends = "national"\n[rules.x]\nkind = "nope"\nsource = "s"\n'
    )
    invalid = runner.invoke(app, ["packs", "validate", str(bad)])
    assert invalid.exit_code == 2
    missing = runner.invoke(app, ["packs", "show", "no-such-pack"])
    assert missing.exit_code == 2
    assert "no policy pack 'no-such-pack'" in missing.output


EXAMPLE = Path(__file__).resolve().parents[1] / "rules" / "examples" / "council.toml"


def test_example_council_pack_extends_national():
    pack = load_pack(str(EXAMPLE))
    assert validate_pack_file(str(EXAMPLE)) == []
    assert pack.id == "example-council"
    support = pack.groups["other-staff"]
    assert (support.interval, support.min_minutes) == ("month", 60)
    assert pack.rules["case-discussion"].params == {"interval": "6 weeks"}
    # Everything national had is still there.
    assert {"supervision-frequency", "session-length", "registration"} <= set(pack.rules)


def test_example_council_pack_runs_on_its_own_rules():
    from helpers import check, dataset, kinds, person, session
    from supcheck.models import Allocation, Discussion

    fsw = person("F1", role="Family Support Worker", registered_social_worker=False)
    worker = person("S1")
    sessions = [
        session(date(2026, 6, 3), "F1", duration_minutes=60),  # an hour is enough for support staff
        session(date(2026, 6, 4), "S1", duration_minutes=60),  # but not for a social worker
    ]
    allocations = [Allocation(case_id="C1", worker_id="S1", start_date=date(2026, 4, 1))]
    # Discussed 1 May; 1 May + 6 weeks = 12 June is the deadline, missed (next on 20 June).
    discussions = [
        Discussion(case_id="C1", worker_id="S1", date=date(2026, 5, 1)),
        Discussion(case_id="C1", worker_id="S1", date=date(2026, 6, 20)),
    ]
    data = dataset(
        [fsw, worker],
        sessions,
        allocations=("allocations", allocations, {"case_id", "worker_id", "start_date"}),
        case_discussions=("discussions", discussions, {"case_id", "worker_id", "date"}),
    )
    run = check(data, date(2026, 6, 1), date(2026, 6, 30), date(2026, 7, 15), policy=str(EXAMPLE))
    assert kinds(run) == [
        ("case-discussion", "S1", date(2026, 5, 1), date(2026, 6, 12)),
        ("duration", "S1", date(2026, 6, 4), date(2026, 6, 4)),
    ]


@pytest.mark.parametrize("name", sorted(shipped_packs()))
def test_every_shipped_rule_has_a_title_for_the_reports(name):
    """Reports and e-mails name rules by their titles; an id is what a manager must not see."""
    pack = load_pack(name)
    assert {rule.id: bool(rule.title.strip()) for rule in pack.rules.values()} == dict.fromkeys(
        pack.rules, True
    )


def test_an_extending_pack_titles_its_own_frequency_rule():
    """Dudley's NQSWs are seen fortnightly, not weekly: the inherited national title would mislead."""
    assert "weekly" not in load_pack("dudley").rules["supervision-frequency"].title
