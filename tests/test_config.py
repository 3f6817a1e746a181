"""supcheck.toml: found in the working directory or named with --config; the command line
beats it and it beats the defaults; every problem names the file and key (exit 2); a
password is never read from it. Also the README's crontab line, run end to end."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from supcheck.cli import app
from supcheck.config import load_config
from unattended_support import PERIOD, SAMPLE, MailServer, free_port

runner = CliRunner()
ANALYST = "performance@council.example"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("SUPCHECK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env or {})


def write_config(folder, text):
    path = folder / "supcheck.toml"
    path.write_text(text, encoding="utf-8")
    return path


def one_line_error(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    return line


def test_config_in_the_working_directory_supplies_data_and_options(tmp_path):
    write_config(tmp_path, f'data = "{SAMPLE}"\nstrict = true\n')
    result = run("check", *PERIOD, "-f", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["summary"]["breaches"] == 17  # strict from the config


def test_command_line_beats_config_beats_defaults(tmp_path):
    write_config(tmp_path, f'data = "{SAMPLE}"\npolicy = "no-such-pack"\nstrict = true\n')
    # the config's policy is used (and fails) unless the command line names one
    assert "no policy pack" in one_line_error(run("check", *PERIOD))
    result = run("check", *PERIOD, "-f", "json", "--policy", "national", "--no-strict")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["policy"] == "national"
    assert report["summary"]["breaches"] == 10
    # DATA on the command line beats the config's
    assert "nowhere" in one_line_error(run("check", tmp_path / "nowhere", *PERIOD, "--policy", "national"))


def test_defaults_without_a_config(tmp_path):
    result = run("check", SAMPLE, *PERIOD, "-f", "json")
    report = json.loads(result.stdout)
    assert (report["policy"], report["summary"]["breaches"]) == ("national", 10)
    assert "no DATA" in one_line_error(run("check", *PERIOD))


def test_relative_paths_are_relative_to_the_config_file(tmp_path, monkeypatch):
    config_dir = tmp_path / "etc"
    config_dir.mkdir()
    (config_dir / "data").symlink_to(SAMPLE, target_is_directory=True)
    path = write_config(config_dir, 'data = "data"\n[output]\nfolder = "reports"\nformats = ["html"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("check", *PERIOD, "--config", path, "-q", "-o", elsewhere / "r.json")
    assert result.exit_code == 1, result.output
    assert sorted(p.suffix for p in (config_dir / "reports").iterdir()) == [".html", ".json"]
    config = load_config(path)
    assert config.data == config_dir.resolve() / "data"
    assert config.output.folder == config_dir.resolve() / "reports"


def test_explicit_config_that_does_not_exist(tmp_path):
    assert "no such config file" in one_line_error(run("check", SAMPLE, "--config", tmp_path / "nope.toml"))


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("[smtp]\nprot = 25\n", "smtp.prot", "unknown key"),
        ("[smtp]\nport = 'twenty-five'\n", "smtp.port", "valid integer"),
        ("[smtp]\nsecurity = 'tls'\n", "smtp.security", "'starttls', 'ssl' or 'none'"),
        ("[output]\nformats = ['pdf']\n", "output.formats", "'pdf' is not one of"),
        ("polcy = 'national'\n", "polcy", "unknown key"),
        ("[email]\nto = 5\n", "email.to", "valid list"),
        ("data = \n", None, "not valid TOML"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path, text, key, message):
    path = write_config(tmp_path, text)
    line = one_line_error(run("check", SAMPLE, *PERIOD))
    assert line.startswith(f"supcheck: error: {path}: ")
    if key:
        assert f": {key}: " in line
    assert message in line


@pytest.mark.parametrize("table", ["[smtp]\n", "[email]\n", ""])
def test_a_password_in_the_config_is_refused(tmp_path, table):
    write_config(tmp_path, f'{table}password = "s3cret"\n')
    line = one_line_error(run("check", SAMPLE, *PERIOD))
    assert "password: a password is never read from the config file" in line
    assert "SUPCHECK_SMTP_PASSWORD" in line and "password_file" in line
    assert "s3cret" not in line


def test_smtp_from_config_and_environment_beats_config(tmp_path):
    with MailServer() as server:
        closed = free_port()
        write_config(
            tmp_path,
            f'data = "{SAMPLE}"\n[email]\nto = "{ANALYST}"\n'
            f'[smtp]\nhost = "127.0.0.1"\nport = {closed}\nsecurity = "none"\nsender = "cfg@council.example"\n',
        )
        line = one_line_error(run("check", *PERIOD, "-q"))
        assert f"127.0.0.1:{closed}" in line  # the config's (closed) port was used
        result = run("check", *PERIOD, "-q", env={"SUPCHECK_SMTP_PORT": str(server.port)})
        assert result.exit_code == 1, result.output
        (mail,) = server.received
        assert mail.rcpt_tos == [ANALYST] and mail.mail_from == "cfg@council.example"
        # --email on the command line replaces the config's recipients
        result = run(
            "check",
            *PERIOD,
            "-q",
            "--email",
            "other@council.example",
            env={"SUPCHECK_SMTP_PORT": str(server.port)},
        )
        assert server.received[-1].rcpt_tos == ["other@council.example"]


def test_password_file_named_in_the_config(tmp_path):
    (tmp_path / "secret").write_text("s3cret\n", encoding="utf-8")
    with MailServer(user="svc", password="s3cret") as server:
        write_config(
            tmp_path,
            f'data = "{SAMPLE}"\n[email]\nto = ["{ANALYST}"]\n'
            f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\nuser = "svc"\n'
            'sender = "supcheck@council.example"\npassword_file = "secret"\n',
        )
        result = run("check", *PERIOD, "-q")
        assert result.exit_code == 1, result.output
        assert len(server.received) == 1
    (tmp_path / "secret").unlink()
    assert "cannot read the SMTP password file" in one_line_error(run("check", *PERIOD, "-q"))


CRON_CONFIG = """\
data = "{data}"
policy = "national"

[output]
folder = "reports"
formats = ["xlsx", "html"]
since_last = true

[email]
to = ["{analyst}"]
managers = false

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "supcheck@council.example"
"""


def test_the_readme_crontab_line(tmp_path):
    """`cd /srv/supcheck && .venv/bin/supcheck check --quiet --email-managers` (period pinned)."""
    with MailServer() as server:
        write_config(tmp_path, CRON_CONFIG.format(data=SAMPLE, analyst=ANALYST, port=server.port))
        result = run("check", "--quiet", "--email-managers", *PERIOD)
        assert result.exit_code == 1, result.output
        assert result.stderr == ""
        assert result.stdout.startswith("Supervision check: national")  # the report, nothing else
        assert "No earlier report to compare with" in result.stdout
        assert len(server.received) == 6  # the analyst and five line managers
        assert sorted(p.suffix for p in (tmp_path / "reports").iterdir()) == [".html", ".json", ".xlsx"]


def test_quiet_with_an_output_file_prints_nothing(tmp_path):
    result = run("check", SAMPLE, *PERIOD, "-q", "-o", tmp_path / "r.html", "--output-dir", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr == ""


def test_usage_errors_are_one_line_and_exit_2():
    line = one_line_error(run("check", SAMPLE, "--format"))
    assert line.startswith("supcheck: error: Option '--format' requires an argument.")
    line = one_line_error(run("check", SAMPLE, "--bogus"))
    assert line == "supcheck: error: No such option: --bogus (see 'supcheck check --help')"
    line = one_line_error(run("nope"))
    assert "No such command 'nope'" in line
