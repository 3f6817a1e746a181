"""`--email` and `--email-managers` against a real SMTP server (aiosmtpd on 127.0.0.1).

No mocking of smtplib: the CLI connects, sends, and the tests read what the server got.
Expected breaches are the planted ones of sample_data/EXPECTED.md; line managers and
addresses are those of sample_data/staff.csv.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from unattended_support import PERIOD, SAMPLE, SENDER, MailServer, copy_sample, edit_staff_csv, free_port

runner = CliRunner()
ANALYST = "performance@council.example"

# The national pack's planted breaches (EXPECTED.md), by the staff.csv line manager's address.
BREACHES_BY_MANAGER = {
    "tomasz.nowak@example.gov.uk": {  # S005
        ("duration", "00417", "2026-07-14"),
        ("uninterrupted", "S006", "2026-08-12"),
        ("frequency", "S010", "2026-06-01"),
        ("frequency", "S013", "2026-05-25"),
        ("frequency", "S013", "2026-08-17"),
    },
    "mark.sutherland@example.gov.uk": {  # S022
        ("frequency", "00452", "2026-09-01"),
        ("registration", "S026", "2026-10-31"),
    },
    "sian.hughes@example.gov.uk": {("duration", "1023", "2026-05-19")},  # S003
    "rebecca.adeyemi@example.gov.uk": {("registration", "S027", "2026-10-31")},  # S004
    "graham.whitfield@example.gov.uk": {("professional-supervision", "S036", "2026-07-01")},  # S002
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """No SMTP settings or supcheck.toml from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def server():
    with MailServer() as srv:
        yield srv


def run(args, env):
    return runner.invoke(app, [str(a) for a in args], env=env)


def _rows(received):
    return {(r["kind"], r["staff_id"], r["start"].date().isoformat()) for r in received.finding_rows()}


def test_email_sends_the_report_with_both_bodies_and_the_workbook(server, tmp_path):
    result = run(["check", SAMPLE, *PERIOD, "--email", ANALYST, "-o", tmp_path / "r.json"], server.env())
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    (mail,) = server.received
    assert mail.rcpt_tos == [ANALYST]
    assert mail.mail_from == SENDER
    assert mail.message["From"] == SENDER and mail.message["To"] == ANALYST
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.subject == "Supervision check (national, 1 Apr\u201331 Oct 2026): 10 breaches"

    plain = mail.flat_plain
    assert "41 staff · 226 windows assessed, 221 met, 1 excused, 4 missed" in plain
    assert "10 breaches · 7 warnings" in plain
    assert (
        "Jack Thompson had no supervision between 1 June 2026 and 30 June 2026 (monthly required)." in plain
    )
    assert "\x1b[" not in mail.plain
    assert max(len(line) for line in mail.plain.splitlines()) <= 80

    html = mail.html
    assert "<table" in html and "Jack Thompson had no supervision between 1 June 2026" in html
    assert "<script" not in html.lower()
    assert not re.search(r"<img|<link|url\(|src=", html, re.IGNORECASE)  # nothing fetched from outside

    (attachment,) = mail.attachments()
    assert (
        attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert attachment.get_filename() == "supcheck-national-2026-04-01-to-2026-10-31.xlsx"
    workbook = mail.workbook()
    assert workbook.sheetnames[:2] == ["Summary", "Findings"]
    assert len(mail.finding_rows()) == 17
    # The report file was written as usual.
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["breaches"] == 10


def test_several_recipients_share_one_message(server):
    result = run(
        ["check", SAMPLE, *PERIOD, "--email", ANALYST, "--email", "head@council.example"], server.env()
    )
    assert result.exit_code == 1, result.output
    (mail,) = server.received
    assert sorted(mail.rcpt_tos) == sorted([ANALYST, "head@council.example"])


def test_email_managers_sends_each_manager_only_their_own_staffs_breaches(server):
    result = run(["check", SAMPLE, *PERIOD, "--quiet", "--email", ANALYST, "--email-managers"], server.env())
    assert result.exit_code == 1, result.output
    assert result.stderr == ""
    recipients = sorted(address for mail in server.received for address in mail.rcpt_tos)
    assert recipients == sorted([ANALYST, *BREACHES_BY_MANAGER])

    for address, expected in BREACHES_BY_MANAGER.items():
        (mail,) = server.to(address)
        assert mail.rcpt_tos == [address]
        assert _rows(mail) == expected, address
        n = len(expected)
        assert mail.subject.endswith(f"{n} {'breach' if n == 1 else 'breaches'} among staff you manage")
        assert f"{n} {'breach' if n == 1 else 'breaches'} · 0 warnings" in mail.flat_plain
        assert "whose line manager you are" in mail.flat_plain
        assert "Not sent to a line manager" not in mail.plain
        assert "<table" in mail.html and "<script" not in mail.html.lower()

    tomasz = server.to("tomasz.nowak@example.gov.uk")[0]
    assert "For Tomasz Nowak (S005)" in tomasz.flat_plain
    assert "Megan Lloyd had no supervision between 25 May 2026 and 31 May 2026" in tomasz.flat_plain
    assert "Aled Roberts" not in tomasz.plain  # S022's report
    assert "supervisions.csv row" not in tomasz.plain  # data-quality warnings stay with the analyst

    (analyst,) = server.to(ANALYST)
    assert len(analyst.finding_rows()) == 17  # the whole report
    plain = analyst.flat_plain
    assert "Not sent to a line manager" in plain
    assert "Margaret Okafor (S001): no line manager recorded (no breach)" in plain
    assert "Graham Whitfield (S002): no line manager recorded (no breach)" in plain
    assert "Linda Marsh (S035): line manager S077 is not in the staff table (no breach)" in plain
    assert "Linda Marsh (S035)" in analyst.html


def test_staff_whose_manager_has_no_email_are_listed_in_the_analysts_copy(server, tmp_path):
    data = copy_sample(tmp_path / "data")
    edit_staff_csv(data, ",N,mark.sutherland@example.gov.uk", ",N,")
    result = run(["check", data, *PERIOD, "-q", "--email", ANALYST, "--email-managers"], server.env())
    assert result.exit_code == 1, result.output
    assert server.to("mark.sutherland@example.gov.uk") == []
    (analyst,) = server.to(ANALYST)
    plain = analyst.flat_plain
    no_email = "line manager Mark Sutherland (S022) has no e-mail address"
    assert f"Aled Roberts (00452): {no_email} (1 breach)" in plain
    assert f"Liam O'Connor (S026): {no_email} (1 breach)" in plain
    assert f"Bethan Morgan (1187): {no_email} (no breach)" in plain
    # The others still get theirs.
    assert (
        _rows(server.to("rebecca.adeyemi@example.gov.uk")[0])
        == BREACHES_BY_MANAGER["rebecca.adeyemi@example.gov.uk"]
    )


def test_a_line_manager_of_themself_is_not_mailed_their_own_breaches(server, tmp_path):
    # Jack Thompson (S010, June breach) recorded as his own line manager instead of S005.
    data = copy_sample(tmp_path / "data")
    edit_staff_csv(
        data,
        "S010,Jack Thompson,Social Worker,Assessment North,S005,",
        "S010,Jack Thompson,Social Worker,Assessment North,S010,",
    )
    result = run(["check", data, *PERIOD, "-q", "--email", ANALYST, "--email-managers"], server.env())
    assert result.exit_code == 1, result.output
    assert server.to("jack.thompson@example.gov.uk") == []
    (tomasz,) = server.to("tomasz.nowak@example.gov.uk")
    assert _rows(tomasz) == BREACHES_BY_MANAGER["tomasz.nowak@example.gov.uk"] - {
        ("frequency", "S010", "2026-06-01")
    }
    (analyst,) = server.to(ANALYST)
    plain = analyst.flat_plain
    assert "Jack Thompson (S010): recorded as their own line manager (1 breach)" in plain
    assert (
        "staff.csv row 18: line_manager_id 'S010' is Jack Thompson's own staff id; row used, but --email-managers does not mail them their own breaches."
        in plain
    )
    assert len(analyst.finding_rows()) == 18  # the 17 planted findings and this warning


def test_email_managers_without_an_analyst_copy_is_refused():
    result = run(["check", SAMPLE, *PERIOD, "--email-managers"], {})
    assert result.exit_code == 2
    assert "--email-managers needs --email TO" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_send_failure_exits_2_with_one_line_after_the_reports_are_written(tmp_path):
    closed = free_port()
    env = {
        "SUPCHECK_SMTP_HOST": "127.0.0.1",
        "SUPCHECK_SMTP_PORT": str(closed),
        "SUPCHECK_SMTP_SECURITY": "none",
        "SUPCHECK_SMTP_SENDER": SENDER,
    }
    out = tmp_path / "reports"
    result = run(
        [
            "check",
            SAMPLE,
            *PERIOD,
            "-q",
            "-o",
            tmp_path / "report.xlsx",
            "--output-dir",
            out,
            "--email",
            ANALYST,
        ],
        env,
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"supcheck: error: cannot send mail through 127.0.0.1:{closed}:")
    assert "refused" in lines[0].lower()
    assert (tmp_path / "report.xlsx").stat().st_size > 0
    assert [p.suffix for p in sorted(out.iterdir())] == [".json", ".xlsx"]


def test_refused_recipient_exits_2_and_the_other_messages_still_go(server):
    result = run(
        ["check", SAMPLE, *PERIOD, "-q", "--email", "nobody@refused.example", "--email-managers"],
        server.env(),
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "recipient refused" in lines[0] and "nobody@refused.example: 550" in lines[0]
    assert "5 of 6 sent" in lines[0]
    assert len(server.received) == 5  # every manager got theirs


def test_login_with_password_from_a_file(tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    with MailServer(user="svc-supcheck", password="s3cret") as server:
        env = server.env(SUPCHECK_SMTP_USER="svc-supcheck", SUPCHECK_SMTP_PASSWORD_FILE=str(secret))
        result = run(["check", SAMPLE, *PERIOD, "-q", "--email", ANALYST], env)
        assert result.exit_code == 1, result.output
        assert len(server.received) == 1

        result = run(
            ["check", SAMPLE, *PERIOD, "-q", "--email", ANALYST],
            server.env(SUPCHECK_SMTP_USER="svc-supcheck", SUPCHECK_SMTP_PASSWORD="wrong"),
        )
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert f"SMTP login as svc-supcheck on 127.0.0.1:{server.port} failed: 535" in line
        assert "wrong" not in line
        assert len(server.received) == 1


def test_starttls_required_but_not_offered_is_one_line(server):
    result = run(
        ["check", SAMPLE, *PERIOD, "-q", "--email", ANALYST], server.env(SUPCHECK_SMTP_SECURITY="starttls")
    )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "does not offer STARTTLS" in line
    assert server.received == []


@pytest.mark.parametrize("option", ["--password", "--smtp-password"])
def test_no_password_option_on_the_command_line(server, option):
    result = run(["check", SAMPLE, *PERIOD, "--email", ANALYST, option, "s3cret"], server.env())
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"No such option: {option}" in line
    assert server.received == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SUPCHECK_SMTP_PORT": "25"}, "no SMTP server: set SUPCHECK_SMTP_HOST"),
        ({"SUPCHECK_SMTP_HOST": "127.0.0.1"}, "no sender address: set SUPCHECK_SMTP_SENDER"),
        (
            {"SUPCHECK_SMTP_HOST": "h", "SUPCHECK_SMTP_SENDER": SENDER, "SUPCHECK_SMTP_PORT": "x"},
            "SUPCHECK_SMTP_PORT 'x'",
        ),
        (
            {"SUPCHECK_SMTP_HOST": "h", "SUPCHECK_SMTP_SENDER": SENDER, "SUPCHECK_SMTP_SECURITY": "tls"},
            "SUPCHECK_SMTP_SECURITY 'tls' is not one of starttls, ssl, none",
        ),
        (
            {"SUPCHECK_SMTP_HOST": "h", "SUPCHECK_SMTP_SENDER": SENDER, "SUPCHECK_SMTP_USER": "u"},
            "an SMTP user is set but no password",
        ),
        (
            {
                "SUPCHECK_SMTP_HOST": "mail.example",
                "SUPCHECK_SMTP_SENDER": SENDER,
                "SUPCHECK_SMTP_USER": "u",
                "SUPCHECK_SMTP_PASSWORD": "p",
                "SUPCHECK_SMTP_SECURITY": "none",
            },
            "will not send the SMTP password unencrypted to mail.example",
        ),
    ],
)
def test_bad_smtp_settings_exit_2_before_checking(env, message, tmp_path):
    result = run(["check", SAMPLE, *PERIOD, "--email", ANALYST, "-o", tmp_path / "r.json"], env)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert message in line
    assert not (tmp_path / "r.json").exists()


def test_the_readme_crontab_line_mails_each_manager_their_own_breaches(server, tmp_path):
    # The crontab line exactly as README.md gives it, run from a folder holding a
    # supcheck.toml (data, recipients, managers); SMTP from the environment, as cron has it.
    # Only --as-of is added, so that the default period (the last complete month) is fixed.
    readme = (SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    [line] = re.findall(r"^0 7 2 \* \* cd \S+ && \.venv/bin/supcheck (.+)$", readme, flags=re.MULTILINE)
    (tmp_path / "supcheck.toml").write_text(
        f'data = "{SAMPLE.as_posix()}"\n[email]\nto = ["{ANALYST}"]\nmanagers = true\n', encoding="utf-8"
    )
    result = run([*line.split(), "--as-of", "2026-11-20"], server.env())
    assert result.exit_code == 1, result.output
    assert result.stdout.strip() and result.stderr == ""  # --quiet: the report only
    # October 2026 (the last complete month): the two registration breaches, judged on 31 October.
    october = {
        "mark.sutherland@example.gov.uk": {("registration", "S026", "2026-10-31")},
        "rebecca.adeyemi@example.gov.uk": {("registration", "S027", "2026-10-31")},
    }
    assert sorted(a for mail in server.received for a in mail.rcpt_tos) == sorted([ANALYST, *october])
    for address, expected in october.items():
        (mail,) = server.to(address)
        assert _rows(mail) == expected


def test_a_managers_mail_holds_their_breaches_and_their_staffs_due_list(server):
    """September 2026 checked on 20 October: Mark Sutherland (S022) gets Aled Roberts's
    September breach, Liam O'Connor's registration (expired 31 August) and Bethan Morgan's
    October window, due by 31 October and booked
    for 21 October (tests/test_due.py); Tomasz Nowak (S005) has no September breach
    but two of his staff have something due, so he is mailed too."""
    period = ["--from", "2026-09-01", "--to", "2026-09-30", "--as-of", "2026-10-20"]
    result = run(["check", SAMPLE, *period, "-q", "--email", ANALYST, "--email-managers"], server.env())
    assert result.exit_code == 1, result.output
    (mark,) = server.to("mark.sutherland@example.gov.uk")
    assert _rows(mark) == {("frequency", "00452", "2026-09-01"), ("registration", "S026", "2026-09-30")}
    plain = mark.flat_plain
    assert "Due by 3 Nov 2026: nothing yet counts towards these" in plain
    assert (
        "Bethan Morgan (1187): Monthly supervision (window 1–31 October 2026), by 31 Oct 2026;"
        " booked for 21 October 2026" in plain
    )
    assert "Bethan Morgan (1187)" in mark.html and "booked for 21 October 2026" in mark.html
    assert "<script" not in mark.html.lower()
    (tomasz,) = server.to("tomasz.nowak@example.gov.uk")
    assert _rows(tomasz) == set()
    assert "Megan Lloyd (S013): Fortnightly supervision (window 12–25 October 2026)" in tomasz.flat_plain
    assert "Jack Thompson (S010)" in tomasz.flat_plain
    assert "Bethan Morgan" not in tomasz.plain  # Mark's staff


def _staff_of(manager_id: str) -> list[str]:
    """The staff ids whose Line Manager cell is `manager_id`, read straight from staff.csv."""
    import csv

    lines = (
        (SAMPLE / "staff.csv").read_text(encoding="cp1252").splitlines()[3:]
    )  # (the export is Windows-1252)
    return [row["Employee Number"] for row in csv.DictReader(lines) if row["Line Manager"] == manager_id]


def test_a_managers_mail_reads_as_from_the_council(server, tmp_path):
    """Organisation in subject, title and footer; the config's instructions above the
    manager's list; rules by title; their compliance rate; no filler; still plain HTML."""
    (tmp_path / "ask.txt").write_text(
        "Please book the sessions below before the end of the month.\nQuestions: qa@council.example\n",
        encoding="utf-8",
    )
    (tmp_path / "supcheck.toml").write_text(
        'organisation = "Northshire County Council"\n[email]\ninstructions_file = "ask.txt"\n',
        encoding="utf-8",
    )
    result = run(["check", SAMPLE, *PERIOD, "-q", "--email", ANALYST, "--email-managers"], server.env())
    assert result.exit_code == 1, result.output
    (mail,) = server.to("tomasz.nowak@example.gov.uk")
    assert mail.subject == (
        "Northshire County Council supervision check, 1 Apr\u201331 Oct 2026: 5 breaches among staff you manage"
    )
    html, plain = mail.html, mail.flat_plain
    assert "<title>Supervision check: Northshire County Council</title>" in html
    assert plain.startswith("Supervision check: Northshire County Council ")
    footer = "From Northshire County Council: supervision check against SWRB Standards"
    assert footer in plain and footer in html
    ask = "Please book the sessions below before the end of the month. Questions: qa@council.example"
    assert ask in plain and ask in html
    assert html.index(ask) < html.index("Jack Thompson") and plain.index(ask) < plain.index("Jack Thompson")
    # rules in words, not ids; no filler line; no table of counts ("Windows assessed 72")
    assert ">Regular supervision (monthly; NQSW weekly then fortnightly)</td>" in html
    assert ">supervision-frequency<" not in html
    assert "Every rule in the policy was assessed." not in html + plain
    assert ">Windows assessed</td>" not in html
    # his staff's compliance rate, as a check limited to them (by another path) counts it
    scoped = run(
        [
            "check",
            SAMPLE,
            *PERIOD,
            "-q",
            "-f",
            "json",
            *(a for s in _staff_of("S005") for a in ("--staff", s)),
        ],
        {},
    )
    summary = json.loads(scoped.stdout)["summary"]
    rate = f"{summary['compliance'] * 100:.1f}%"
    met, judged = summary["windows_met"], summary["windows_met"] + summary["windows_missed"]
    assert f"Compliance rate {rate}: {met} of {judged} windows met" in plain
    assert f"Compliance rate {rate}: {met} of {judged} windows met" in html
    assert "Due by " in plain  # and what his staff have due, under the breaches
    lowered = html.lower()
    assert (
        "<script" not in lowered
        and "<style" not in lowered
        and "<img" not in lowered
        and "<link" not in lowered
    )
    # the analyst's copy is titled for the council too, without a manager's instructions
    (analyst,) = server.to(ANALYST)
    assert (
        analyst.subject == "Northshire County Council supervision check, 1 Apr\u201331 Oct 2026: 10 breaches"
    )
    assert ask not in analyst.flat_plain


@pytest.mark.parametrize(
    ("config", "option", "expected"),
    [
        ('organisation = "Northshire County Council"\n', [], "Northshire County Council supervision check"),
        (
            'organisation = "Northshire County Council"\n',
            ["--organisation", "Southby"],
            "Southby supervision check",
        ),
        ("", ["--organisation", "  Southby   Council "], "Southby Council supervision check"),
        ("", [], "Supervision check (national"),
    ],
)
def test_organisation_from_config_or_option(server, tmp_path, config, option, expected):
    (tmp_path / "supcheck.toml").write_text(config, encoding="utf-8")
    result = run(["check", SAMPLE, *PERIOD, "-q", "--email", ANALYST, *option], server.env())
    assert result.exit_code == 1, result.output
    (mail,) = server.received
    assert mail.subject.startswith(expected)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (
            'instructions = "x"\ninstructions_file = "ask.txt"\n',
            "give email.instructions or email.instructions_file, not both",
        ),
        ('instructions_file = "missing.txt"\n', "cannot read the instructions file"),
        ("instructions = 3\n", "email.instructions"),
    ],
)
def test_bad_instructions_exit_2_with_one_line(server, tmp_path, email, message):
    (tmp_path / "ask.txt").write_text("x", encoding="utf-8")
    (tmp_path / "supcheck.toml").write_text("[email]\n" + email, encoding="utf-8")
    result = run(["check", SAMPLE, *PERIOD, "-q", "--email", ANALYST, "--email-managers"], server.env())
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert server.received == []
