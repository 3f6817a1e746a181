"""Every reader hands the converter the same rows: pandas' C parser and pyarrow's (for
large files), which read a delimited file a chunk of columns at a time, and the csv
module, which reads any file exactly (quirks, ragged rows) and takes over from them when
they cannot. There is one converter (`loaders.convert`), so what is compared here is the
readers: the same tables, and the same findings in the same order.

The csv module is forced by making `Reader.frames` return None; chunks are made small so
that files span several of them, and pyarrow is made to read files of any size.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supcheck.errors import InputError
from supcheck.loaders import dataset as dataset_module
from supcheck.loaders import load_dataset, sources
from supcheck.loaders.sources import Reader
from test_fuzz_loaders import FUZZ, export_files, folder

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [
    ROOT / "sample_data",
    ROOT / "tests" / "fixtures" / "healthcheck",
    ROOT / "tests" / "fixtures" / "loaders" / "messy",
]


FAST_READERS = ["pandas", "arrow"]


def _use(patch: pytest.MonkeyPatch, reader: str) -> None:
    if reader == "arrow":
        patch.setattr(sources, "ARROW_MIN_BYTES", 0)
        patch.setattr(sources, "ARROW_BLOCK_BYTES", 1024)  # many blocks, even in a small file
    else:
        patch.setattr(sources, "ARROW_MIN_BYTES", 1 << 62)
        patch.setattr(sources, "FRAME_ROWS", 7)  # many chunks, even in a small file


def _load_both(path: Path, monkeypatch: pytest.MonkeyPatch, reader: str = "pandas", **options):
    """(fast outcome, exact outcome); an outcome is the LoadResult or the InputError text."""

    def attempt():
        try:
            return load_dataset(path, **options)
        except InputError as exc:
            return str(exc)

    with monkeypatch.context() as patch:
        _use(patch, reader)
        fast = attempt()
    with monkeypatch.context() as patch:
        patch.setattr(Reader, "frames", lambda self, source, width, skip: None)
        exact = attempt()
    return fast, exact


def assert_same(fast, exact) -> None:
    if isinstance(exact, str) or isinstance(fast, str):
        assert fast == exact
        return
    a, b = fast.dataset, exact.dataset
    assert a.staff == b.staff
    assert a.sessions == b.sessions
    assert a.absences == b.absences
    assert list(a.allocations) == list(b.allocations)
    assert list(a.discussions) == list(b.discussions)
    assert a.agreements == b.agreements
    assert a.appraisals == b.appraisals
    assert a.tables == b.tables
    assert fast.findings == exact.findings


@pytest.mark.parametrize("reader", FAST_READERS)
@pytest.mark.parametrize("path", FOLDERS, ids=lambda p: p.name)
def test_bundled_folders_read_the_same_both_ways(path, reader, monkeypatch):
    if not path.exists():
        pytest.skip(f"{path} not present")
    fast, exact = _load_both(path, monkeypatch, reader)
    assert not isinstance(fast, str), fast
    assert_same(fast, exact)


@pytest.mark.parametrize("reader", FAST_READERS)
def test_the_fast_reader_is_used_for_plain_csv(tmp_path, reader, monkeypatch):
    (tmp_path / "staff.csv").write_text("staff_id,role,start_date\nS1,Social Worker,01/01/2020\n")
    (tmp_path / "supervisions.csv").write_text("supervisee_id,date\nS1,04/03/2026\n")
    (tmp_path / "case_discussions.csv").write_text("case_id,worker_id,date\nC1,S1,04/03/2026\n")

    def refuse(rows):
        raise AssertionError("the csv module was used")

    monkeypatch.setattr(dataset_module, "_blocks", refuse)
    _use(monkeypatch, reader)
    loaded = load_dataset(tmp_path)
    assert len(loaded.dataset.sessions) == 1
    assert [d.case_id for d in loaded.dataset.discussions] == ["C1"]


@pytest.mark.parametrize("reader", FAST_READERS)
def test_a_row_wider_than_the_header_area_hands_over_to_the_exact_reader(tmp_path, reader, monkeypatch):
    """A ragged row far down the file: the rows before it come from the fast reader, the
    rest from the csv module, and nothing is read twice or lost."""
    (tmp_path / "staff.csv").write_text("staff_id,role,start_date\nS1,Social Worker,01/01/2020\n")
    lines = ["case_id,worker_id,date"] + [f"C{i},S1,04/03/2026" for i in range(40)]
    lines[30] += ",stray"
    (tmp_path / "supervisions.csv").write_text("supervisee_id,date\nS1,04/03/2026\n")
    (tmp_path / "case_discussions.csv").write_text("\n".join(lines) + "\n")
    fast, exact = _load_both(tmp_path, monkeypatch, reader)
    assert_same(fast, exact)
    assert [d.case_id for d in fast.dataset.discussions] == [f"C{i}" for i in range(40)]
    assert [f.row for f in fast.findings] == [31]  # the stray cell, reported once


@pytest.mark.parametrize("reader", FAST_READERS)
def test_rows_with_problems_keep_their_place(tmp_path, reader, monkeypatch):
    (tmp_path / "staff.csv").write_text("staff_id,role,start_date\nS1,Social Worker,01/01/2020\n")
    (tmp_path / "supervisions.csv").write_text("supervisee_id,date\nS1,04/03/2026\n")
    (tmp_path / "allocations.csv").write_text(
        "case_id,worker_id,start_date,end_date\n"
        "C1,S1,01/03/2026,\n"
        "C2,S1,01/03/2026,not a date\n"  # read as open, with a finding
        "C3,S1,01/03/2026,01/02/2026\n"  # ends before it starts: not used
        "case_id,worker_id,start_date,end_date\n"  # a repeated header
        "C4,S1,01/03/2026,31/03/2026\n"
    )
    fast, exact = _load_both(tmp_path, monkeypatch, reader)
    assert_same(fast, exact)
    assert [(a.case_id, a.ref.row) for a in fast.dataset.allocations] == [("C1", 2), ("C2", 3), ("C4", 6)]
    assert [f.row for f in fast.findings] == [3, 4, 5]


@pytest.mark.parametrize("reader", FAST_READERS)
@pytest.mark.parametrize(
    "header", [b"Employee Number,Job Title,Start Date", b"Start,Employee Number,Job Title"]
)
def test_a_chunk_narrower_than_the_header_reads_as_blank_cells(tmp_path, reader, header, monkeypatch):
    """The csv module's block of a file whose only data row is one empty quoted cell:
    the planned columns past it are blank (found by hypothesis)."""
    (tmp_path / "staff.csv").write_bytes(header + b'\r\n""\r\n')
    (tmp_path / "supervisions.csv").write_bytes(b"\r\n")
    fast, exact = _load_both(tmp_path, monkeypatch, reader)
    assert_same(fast, exact)


@pytest.mark.parametrize("reader", FAST_READERS)
@settings(FUZZ, max_examples=120)
@given(files=export_files())
def test_random_tables_read_the_same_both_ways(reader, files):
    with folder(files) as path, pytest.MonkeyPatch.context() as monkeypatch:
        assert_same(*_load_both(path, monkeypatch, reader))


_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "\xa0", "\u2003", "\t", "NaN", "n/a", "N/A", "null", "nil", "S-1", "a b", "1.5e3"]
    ),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_/#:.-]{0,8}", fullmatch=True),
)


@settings(FUZZ, max_examples=200)
@given(cells=st.lists(_CELLS, min_size=1, max_size=30, unique=True))
def test_the_arrow_reader_judges_blank_and_plain_cells_as_python_does(cells):
    """pyarrow's regular expressions (RE2) decide what Python's would: a blank cell is
    empty or `str.isspace`, a plain id matches `values.PLAIN_ID`."""
    import numpy as np
    import pyarrow as pa

    from supcheck.loaders.values import PLAIN_ID

    coded = sources.coded(np.arange(len(cells)), pa.array(cells, type=pa.string()))
    assert coded.blank.tolist() == [not c or c.isspace() for c in cells]
    assert coded.plain.tolist() == [bool(PLAIN_ID.fullmatch(c)) for c in cells]
