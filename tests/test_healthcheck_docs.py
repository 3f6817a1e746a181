"""docs/healthcheck.md's table of figures is the code's (`healthcheck.FIGURES`): each
figure is defined once, and the reports, the JSON and the docs all print that definition.

After changing a definition, rewrite the docs' table with
`SUPCHECK_WRITE_DOCS=1 pytest tests/test_healthcheck_docs.py`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from supcheck.healthcheck import FIGURES, figures_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "healthcheck.md"
START, END = "<!-- figures: generated from supcheck.healthcheck.FIGURES -->\n", "<!-- end of figures -->\n"


def _block(text: str) -> re.Match[str]:
    match = re.search(re.escape(START) + "(.*?)" + re.escape(END), text, re.S)
    assert match, f"docs/healthcheck.md has no {START.strip()} ... {END.strip()} block"
    return match


def _table(text: str) -> str:
    return _block(text).group(1)


def test_the_docs_table_is_the_code_table():
    text = DOC.read_text(encoding="utf-8")
    if os.environ.get("SUPCHECK_WRITE_DOCS"):
        match = _block(text)
        text = text[: match.start(1)] + figures_markdown() + text[match.end(1) :]
        DOC.write_text(text, encoding="utf-8")
    assert _table(text) == figures_markdown()


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.key)
def test_every_figure_is_in_the_docs_with_its_definition(figure):
    table = _table(DOC.read_text(encoding="utf-8"))
    assert f"| `{figure.key}` | {figure.label} | {figure.definition} |" in table
