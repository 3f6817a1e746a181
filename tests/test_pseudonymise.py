"""--pseudonymise: names and case ids become stable tokens in every output."""

from __future__ import annotations

from datetime import date

from helpers import check, dataset, person, session
from supcheck.models import Allocation, Discussion
from supcheck.pseudonymise import Pseudonymiser


def test_tokens_are_stable_keyed_and_distinct():
    a, b = Pseudonymiser("k1"), Pseudonymiser("k1")
    assert a.token("Person", "Zoë Brontë") == b.token("Person", "Zoë Brontë")
    assert a.token("Person", "Zoë Brontë").startswith("Person-")
    assert a.token("Person", "Zoë Brontë") != a.token("Person", "Zoe Bronte")
    assert a.token("Person", "X") != Pseudonymiser("k2").token("Person", "X")
    assert a.token("Case", "C1") != a.token("Person", "C1")
    assert a.token("Person", "") == ""


def test_findings_carry_tokens_not_names_or_case_ids():
    worker = person("S1", name="Beth Evans", case_holding=True)
    allocations = [Allocation(case_id="C10234", worker_id="S1", start_date=date(2026, 1, 5))]
    discussions = [Discussion(case_id="C10234", worker_id="S1", date=date(2026, 6, 1))]
    data = dataset(
        [worker, person("M1", role="Team Manager", name="Mina Manager")],
        [session(date(2026, 5, 5), "S1")],
        allocations=("allocations", allocations, {"case_id", "worker_id", "start_date"}),
        case_discussions=("discussions", discussions, {"case_id", "worker_id", "date"}),
    )
    tokens = Pseudonymiser("secret")
    run = check(
        tokens.dataset(data), date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 10), policy="shropshire"
    )
    text = " ".join(f.message + f.staff_name + f.case_id for f in run.result.findings)
    assert run.result.findings, "the fixture should produce findings to inspect"
    assert "Beth" not in text and "Evans" not in text and "C10234" not in text
    assert tokens.token("Person", "Beth Evans") in text
    assert tokens.token("Case", "C10234") in text
    # Staff ids are kept: they are the employer's own references, needed to act.
    assert {f.staff_id for f in run.result.findings} <= {"S1", "M1"}


def test_cli_pseudonymise_leaves_no_name_or_case_id_in_any_report(tmp_path):
    import csv
    import json
    from pathlib import Path

    import openpyxl
    from typer.testing import CliRunner

    from supcheck.cli import app
    from supcheck.loaders import load_dataset

    sample = Path(__file__).resolve().parents[1] / "sample_data"
    loaded = load_dataset(sample).dataset
    names = {s.name for s in loaded.staff.values() if s.name}
    cases = {a.case_id for a in loaded.allocations}
    period = ["--from", "2026-04-01", "--to", "2026-10-31", "--as-of", "2026-11-20"]
    runner = CliRunner()
    texts = []
    for policy in ("national", "shropshire"):
        result = runner.invoke(
            app, ["check", str(sample), *period, "--policy", policy, "-f", "json", "--pseudonymise"]
        )
        assert result.exit_code == 1
        texts.append(result.stdout)
        report = json.loads(result.stdout)
        assert any(f["staff_name"].startswith("Person-") for f in report["findings"])
    xlsx = tmp_path / "r.xlsx"
    runner.invoke(
        app, ["check", str(sample), *period, "--policy", "shropshire", "-o", str(xlsx), "--pseudonymise"]
    )
    sheet = openpyxl.load_workbook(xlsx)["Findings"]
    texts.append(" ".join(str(c.value) for row in sheet.iter_rows() for c in row))
    csv_path = tmp_path / "r.csv"
    runner.invoke(
        app, ["check", str(sample), *period, "--policy", "shropshire", "-o", str(csv_path), "--pseudonymise"]
    )
    texts.append(" ".join(" ".join(r) for r in csv.reader(csv_path.open(encoding="utf-8-sig"))))
    everything = "\n".join(texts)
    assert [n for n in names if n in everything] == []
    assert [c for c in cases if c in everything] == []
