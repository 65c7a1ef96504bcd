"""End to end: the build of the bundled corpus, determinism, per-document isolation
and atomic outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.pipeline import build

CONTRACT_FILES = (
    "graph.ttl",
    "graph.trig",
    "graph.jsonld",
    "observations.csv",
    "validation.txt",
    "validation.ttl",
    "graph.html",
    "report.html",
)


def test_corpus_build_writes_every_contract_file(corpus_out: Path) -> None:
    for name in CONTRACT_FILES:
        path = corpus_out / name
        assert path.is_file() and path.stat().st_size > 0, name
    assert not [p for p in corpus_out.iterdir() if p.name.startswith(".kg-build-")]


def test_observations_csv_has_contract_columns(corpus_out: Path) -> None:
    header = (corpus_out / "observations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:9] == [
        "doc", "line", "subject", "metric", "category", "period_start", "period_end", "value", "unit",
    ]


def test_rebuild_is_byte_identical(corpus_out: Path, corpus_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build([corpus_dir], again)
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "observations.csv"):
        assert (again / name).read_bytes() == (corpus_out / name).read_bytes(), name


def _bad_corpus(corpus_dir: Path, root: Path) -> Path:
    src = root / "in"
    src.mkdir()
    good = (corpus_dir / "001_b40d7d91d7a92ff1.txt").read_bytes()
    (src / "good.txt").write_bytes(good)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    (src / "truncated.txt").write_bytes(good[: len(good) * 6 // 10])  # cut off mid-table
    (src / "cp1252.txt").write_bytes(good.replace(b"COEUR D'ALENE", b"COEUR D\x92ALENE"))
    lines = good.decode().splitlines(keepends=True)
    garbled = "".join(line.replace(",", "#").replace("  ", " ~") if 440 < i < 520 else line for i, line in enumerate(lines))
    (src / "garbled.txt").write_text(garbled)
    return src


def test_bad_documents_are_reported_and_the_others_build(corpus_dir: Path, tmp_path: Path) -> None:
    src = _bad_corpus(corpus_dir, tmp_path)
    out = tmp_path / "out"
    report = build([src], out)
    assert report.exit_code == 3
    failed = {p.doc: p.message for p in report.failed}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert "empty file" in failed["empty.txt"] and "binary" in failed["binary.txt"]
    assert sorted(report.documents) == ["cp1252.txt", "garbled.txt", "good.txt", "truncated.txt"]
    csv_text = (out / "observations.csv").read_text(encoding="utf-8")
    assert "good.txt" in csv_text and "truncated.txt" in csv_text
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-build-")]


def test_failed_write_leaves_previous_outputs_untouched(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(corpus_dir / "003_f30b3e34200e5f68.txt", src)
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous")

    from kg import report as report_page

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_page, "write_report_html", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build([src], out)
    assert (out / "graph.ttl").read_text() == "previous"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]


def test_outputs_are_readable_by_others(corpus_out: Path) -> None:
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    for name in CONTRACT_FILES:
        mode = stat.S_IMODE((corpus_out / name).stat().st_mode)
        assert mode == 0o666 & ~umask, (name, oct(mode))
