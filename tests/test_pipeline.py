"""End to end: the build of the bundled corpus, determinism, per-document isolation
and atomic outputs."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
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
    assert sorted(p.name for p in (corpus_out / ".kg" / "builds").iterdir()) == [os.readlink(corpus_out / ".kg" / "current").split("/")[-1]]


def test_observations_csv_has_contract_columns(corpus_out: Path) -> None:
    header = (corpus_out / "observations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[:9] == [
        "doc", "line", "subject", "metric", "category", "period_start", "period_end", "value", "unit",
    ]


_ON_A_LOCAL_CLUSTER = """
import sys
from pathlib import Path
from distributed import LocalCluster
from kg.pipeline import build

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        report = build([Path(sys.argv[1])], Path(sys.argv[2]), scheduler=cluster.scheduler_address, cache=False)
    print(report.extracted, report.reused, len(report.failed))
"""


@pytest.mark.slow
def test_rebuild_on_a_dask_cluster_is_byte_identical(corpus_out: Path, corpus_dir: Path, tmp_path: Path) -> None:
    """The corpus extracted again, without the cache, by the workers of a local Dask cluster (other
    processes, files sent as bytes) gives the bytes of the shared build (made in this process)."""
    pytest.importorskip("distributed", reason="dask[distributed] is in the dev extras")
    again = tmp_path / "again"
    # The cluster and its client run in a child process: Dask's threads left in this one would be
    # inherited by the forked children of later tests (kg query's isolated query process).
    result = subprocess.run(
        [sys.executable, "-c", _ON_A_LOCAL_CLUSTER, str(corpus_dir), str(again)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-3:] == ["5", "0", "0"], result.stdout  # extracted, reused, failed
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "observations.csv", "validation.txt", "graph.html"):
        assert (again / name).read_bytes() == (corpus_out / name).read_bytes(), name
    assert not (again / ".kg" / "cache").exists()  # --no-cache keeps no facts


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
    report = build([src], out, workers=2)  # a pool: a bad file fails in its worker, the others build
    assert report.exit_code == 3
    failed = {p.doc: p.message for p in report.failed}
    assert set(failed) == {"empty.txt", "binary.txt"}
    assert "empty file" in failed["empty.txt"] and "binary" in failed["binary.txt"]
    assert sorted(report.documents) == ["cp1252.txt", "garbled.txt", "good.txt", "truncated.txt"]
    csv_text = (out / "observations.csv").read_text(encoding="utf-8")
    assert "good.txt" in csv_text and "truncated.txt" in csv_text


SMALL = Path(__file__).resolve().parent / "data" / "ingest" / "exhibit.htm"


def test_failed_write_leaves_previous_outputs_untouched(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(corpus_dir / "003_f30b3e34200e5f68.txt", src)
    out = tmp_path / "out"
    build([SMALL], out)
    previous = (out / "graph.ttl").read_bytes()

    from kg import report as report_page

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the report page")

    monkeypatch.setattr(report_page, "write_report_html", boom)
    with pytest.raises(RuntimeError, match="a bug"):
        build([src], out)
    assert (out / "graph.ttl").read_bytes() == previous
    assert len(list((out / ".kg" / "builds").iterdir())) == 1  # the failed build's folder is gone


@pytest.mark.parametrize(
    ("code", "says"), [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied")]
)
def test_the_machine_failing_the_write_is_a_message_and_the_previous_outputs_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, says: str
) -> None:
    from kg import viz
    from kg.outdir import EnvironmentFailure

    out = tmp_path / "out"
    build([SMALL], out)
    previous = (out / "graph.ttl").read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(out / "graph.html"))

    monkeypatch.setattr(viz, "write_graph_html", full)
    with pytest.raises(EnvironmentFailure, match=says):
        build([SMALL], out)
    assert (out / "graph.ttl").read_bytes() == previous
    assert len(list((out / ".kg" / "builds").iterdir())) == 1


def test_an_unwritable_output_folder_is_refused_before_the_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg import pipeline
    from kg.errors import UsageError

    out = tmp_path / "locked"
    out.mkdir()
    real_mkdir = Path.mkdir

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        if self.name in ("builds", ".kg"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("extraction ran before the output folder was checked")

    monkeypatch.setattr(Path, "mkdir", denied)
    monkeypatch.setattr(pipeline, "_extract", no_work)
    with pytest.raises(UsageError, match="permission denied"):
        build([SMALL], out)


def test_a_folder_of_someone_elses_files_is_refused_and_untouched(tmp_path: Path) -> None:
    from kg.errors import UsageError

    out = tmp_path / "mine"
    (out / "store").mkdir(parents=True)
    (out / "store" / "data.bin").write_bytes(b"mine")
    (out / "report.html").write_text("my report")
    with pytest.raises(UsageError, match="not empty"):
        build([SMALL], out)
    assert (out / "store" / "data.bin").read_bytes() == b"mine" and (out / "report.html").read_text() == "my report"


def test_the_input_folder_as_output_is_refused_and_outputs_are_never_read_back(tmp_path: Path) -> None:
    from kg.errors import UsageError

    src = tmp_path / "releases"
    src.mkdir()
    shutil.copy(SMALL, src)
    with pytest.raises(UsageError, match="not empty"):
        build([src], src)
    out = src / "out"  # an output folder inside the input folder
    first = build([src], out)
    again = build([src], out)
    assert first.documents == again.documents == ["exhibit.htm"]
    assert again.exit_code == 0


def test_an_oversized_file_beside_good_ones_is_reported_and_the_others_build(tmp_path: Path) -> None:
    from kg.settings import BuildLimits

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SMALL, src / "good.htm")
    (src / "huge.txt").write_bytes(b"x" * 5000 + b"\n")
    report = build([src], tmp_path / "out", limits=BuildLimits(max_file_bytes=4096, max_line_chars=1000, max_prose_chars=2000))
    assert report.documents == ["good.htm"] and report.exit_code == 3
    [failed] = report.failed
    assert failed.doc == "huge.txt" and "over the limit of 4,096" in failed.message


def test_a_huge_line_and_a_huge_paragraph_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 5 MB line is left out with its FILE:LINE; a prose paragraph over spaCy's million
    characters reaches the narrative stage in pieces it accepts (spaCy's E088 ended the whole
    build). The stage is stood in for here: spaCy would take a minute over that much prose."""
    import kg.nlp
    from kg.facts import DocumentFacts
    from kg.settings import BuildLimits

    seen: list[int] = []

    def narrative(docs):
        for _doc, blocks in docs:
            seen.extend(sum(map(len, b.lines)) + len(b.lines) - 1 for b in blocks if b.kind != "table")
        if max(seen) > 1_000_000:
            raise ValueError("[E088] Text of length over 1000000 exceeds maximum")
        return [DocumentFacts(doc=d.name, doc_id=d.id, meta=d.meta) for d, _ in docs]

    monkeypatch.setattr(kg.nlp, "extract_narrative", narrative)
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SMALL, src / "good.htm")
    words = "The mill processed ore at the Acme mine in Nevada during the quarter. "
    prose = "\n".join(words * 12 for _ in range(1500))  # 1.3 M characters over 1,500 lines, one paragraph
    (src / "long.txt").write_text("Acme Gold Corporation reports\n\n" + prose + "\n\n" + "y" * 5_000_000 + "\n")
    report = build([src], tmp_path / "out", workers=1)  # the stand-in runs in this process
    assert report.exit_code == 0, [str(p) for p in report.failed]
    assert sorted(report.documents) == ["good.htm", "long.txt"]
    assert 0 < max(seen) <= BuildLimits().max_prose_chars
    [line] = [p for p in report.problems if "max_line_chars" in p.message]
    assert (line.doc, line.line) == ("long.txt", 1504)


def test_tables_beyond_the_limit_are_left_out_with_a_warning(corpus_dir: Path) -> None:
    from kg.pipeline import extract_file
    from kg.settings import BuildLimits

    path = str(corpus_dir / "003_f30b3e34200e5f68.txt")
    whole = extract_file(path)
    cut = extract_file(path, BuildLimits(max_tables=2))
    assert sum(b.kind == "table" for b in cut.blocks) == 2 < sum(b.kind == "table" for b in whole.blocks)
    [warning] = [p for p in cut.facts.problems if "max_tables" in p.message]
    assert warning.line > 0


def test_outputs_are_readable_by_others(corpus_out: Path) -> None:
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    for name in CONTRACT_FILES:
        mode = stat.S_IMODE((corpus_out / name).stat().st_mode)
        assert mode == 0o666 & ~umask, (name, oct(mode))


def test_unchanged_files_are_reused_from_the_cache_and_a_changed_one_is_extracted_again(
    corpus_out: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    """A copy of the shared build's folder (its cache included) rebuilt from the same files extracts
    nothing and writes the same bytes; after one file changes, only that file is extracted."""
    src = tmp_path / "in"
    shutil.copytree(corpus_dir, src)
    out = tmp_path / "out"
    shutil.copytree(corpus_out, out, symlinks=True)
    again = build([src], out)
    assert (again.extracted, again.reused) == (0, 5)
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "observations.csv", "validation.txt"):
        assert (out / name).read_bytes() == (corpus_out / name).read_bytes(), name
    kept = sorted((out / "sources").iterdir())  # the lines of a reused document come from the cache
    assert [p.read_bytes() for p in kept] == [(corpus_out / "sources" / p.name).read_bytes() for p in kept]
    assert len(kept) == 5

    changed = src / "000_ab7ab8a88c10b9e9.txt"
    changed.write_bytes(changed.read_bytes().replace(b"70,272", b"70,372", 1))
    once_more = build([src], out)
    assert (once_more.extracted, once_more.reused) == (1, 4)
    assert ",70372000," in (out / "observations.csv").read_text(encoding="utf-8")
    # facts, summary and lines per file: the old entries of the changed file are gone
    assert len(list((out / ".kg" / "cache").glob("*.facts"))) == 3 * 5


def test_compact_facts_resolve_like_the_full_facts(corpus_out: Path) -> None:
    """Resolution runs on the compact facts the build keeps in memory; it must give what the full
    facts give (a change to what resolution reads must widen compact_for_resolution's keys)."""
    from kg.cache import FactsCache
    from kg.facts import DocumentFacts
    from kg.pipeline import compact_for_resolution
    from kg.resolve import resolve

    cache = FactsCache(corpus_out / ".kg" / "cache")
    full = [f for p in sorted(cache.folder.glob("*.facts")) if isinstance(f := cache.get(p.stem), DocumentFacts)]
    assert len(full) == 5
    compact = [compact_for_resolution(f) for f in full]
    assert sum(len(set(map(id, c.observations))) for c in compact) < sum(len(f.observations) for f in full) // 20
    assert resolve(compact) == resolve(full)
