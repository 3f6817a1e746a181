"""`--help` of every command fits 80 columns: plain metavars, nothing cut off."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from supcheck.cli import app

runner = CliRunner()

COMMANDS = [[], ["check"], ["due"], ["explain"], ["healthcheck"], ["packs"], ["packs", "list"]]
COMMANDS += [["packs", "show"], ["packs", "validate"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "supcheck")
def test_help_is_readable_at_80_columns(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, color=False)
    assert result.exit_code == 0, result.output
    text = result.output
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert "\u2026" not in text  # rich's ellipsis: a sentence cut off
    assert not [line for line in lines if line.endswith("...") and not line.startswith("Usage:")]
    assert not re.search(r"<(str|path|int|float|bool|list\[[a-z]+\])>", text)  # Python types as metavars
    assert not re.search(r"\b(TEXT|PATH|INTEGER)\b", text)  # click's defaults: say what, not the type


def test_check_help_names_its_values():
    text = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "80"}).output
    for shown in ("--from DATE", "--as-of DATE", "-o, --output FILE", "-f, --format FORMAT", "--team NAME"):
        assert shown in text
    assert "--output-dir DIR" in text and "--organisation NAME" in text and "[DATA]" in text
    # the option help that rich cut off at 80 columns is whole
    flat = " ".join(text.split())
    assert "(key from SUPCHECK_PSEUDONYM_KEY)." in flat
    assert "--email-managers / --no-email-managers" in text
