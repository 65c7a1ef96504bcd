"""The build: files → DocumentFacts → Resolution → Dataset → output folder.

Input: paths of press releases and an output folder. Output: the files of the
contract (graph.ttl/.trig/.jsonld, observations.csv, validation.txt/.ttl,
graph.html, report.html, the Oxigraph store) and a BuildReport.

Each document is extracted in isolation: a bad file becomes a Problem naming
the file (and line) and the others still build. Everything is written into a
temporary folder beside the output first and moved into place at the end, so a
failed or interrupted build never leaves half-written outputs.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import KGError
from kg.facts import Block, Document, DocumentFacts, Problem

log = logging.getLogger(__name__)

# Below this many documents a process pool costs more than it saves (tables take
# a few milliseconds per document; spaCy runs once over all prose afterwards).
POOL_THRESHOLD = 16

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildReport:
    out: Path
    documents: list[str] = field(default_factory=list)  # built
    failed: list[Problem] = field(default_factory=list)  # one per document that could not be built
    problems: list[Problem] = field(default_factory=list)  # warnings from documents that built
    unmapped: Counter[str] = field(default_factory=Counter)  # row labels matching no known metric
    # per document: tables found, numbers printed in them, observations made from them, unread numbers
    coverage: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    conforms: bool | None = None

    @property
    def exit_code(self) -> int:
        return 3 if self.failed else 0


@dataclass(frozen=True)
class Extracted:
    """What the per-document step returns (picklable)."""

    path: str
    document: Document | None
    blocks: tuple[Block, ...]
    facts: DocumentFacts | None
    error: Problem | None


def extract_file(path: str) -> Extracted:
    """Ingest, layout and tables for one file; never raises for bad input."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.tables import extract_tables

    name = Path(path).name
    try:
        doc = read_document(path)
        blocks = segment(doc)
        facts = extract_tables(doc, blocks)
    except KGError as exc:
        return Extracted(path, None, (), None, Problem(exc.doc or name, exc.line or 0, exc.message, "error"))
    except Exception as exc:  # a bug must not stop the other documents; report it with its file
        log.debug("unexpected failure on %s", path, exc_info=True)
        return Extracted(path, None, (), None, Problem(name, 0, f"internal error: {type(exc).__name__}: {exc}", "error"))
    return Extracted(path, doc, blocks, facts, None)


def _unique_ids(items: list[Extracted]) -> list[Extracted]:
    """Two files with the same stem (from different folders) get distinct ids."""
    seen: Counter[str] = Counter(e.document.id for e in items if e.document)
    fixed = []
    for e in items:
        if e.document and seen[e.document.id] > 1:
            doc = replace(e.document, id=f"{e.document.id}-{e.document.sha256[:8]}")
            e = replace(e, document=doc, facts=replace(e.facts, doc_id=doc.id) if e.facts else None)
        fixed.append(e)
    return fixed


def build(
    paths: Sequence[Path],
    out: Path,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the knowledge graph of ``paths`` into the folder ``out``."""
    from kg.ingest import discover

    def tick(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    report = BuildReport(out=out)
    t0 = time.perf_counter()
    files = [str(p) for p in discover(list(paths))]
    if not files:
        raise KGError("no press releases found (.txt, .htm, .html) in " + ", ".join(str(p) for p in paths))

    # 1. per-document extraction (ingest → layout → tables), isolated per file
    extracted: list[Extracted] = []
    if len(files) >= POOL_THRESHOLD and (workers or os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, e in enumerate(pool.map(extract_file, files, chunksize=4), start=1):
                extracted.append(e)
                tick("tables", i, len(files))
    else:
        for i, f in enumerate(files, start=1):
            extracted.append(extract_file(f))
            tick("tables", i, len(files))
    extracted = _unique_ids(extracted)
    for e in extracted:
        if e.error:
            report.failed.append(e.error)
            log.error("%s", e.error)
    good = [e for e in extracted if e.facts is not None and e.document is not None]
    report.timings["tables"] = time.perf_counter() - t0

    # 2. narrative (spaCy over the prose of all documents at once: the model loads once)
    t = time.perf_counter()
    from kg.nlp import extract_narrative

    narrative = extract_narrative([(e.document, e.blocks) for e in good]) if good else []
    by_doc = {n.doc: n for n in narrative}
    facts: list[DocumentFacts] = []
    for e in good:
        f = e.facts
        n = by_doc.get(f.doc)
        if n is not None:
            f = replace(
                f,
                observations=f.observations + n.observations,
                mentions=f.mentions + n.mentions,
                relations=f.relations + n.relations,
                problems=f.problems + n.problems,
            )
        facts.append(f)
        report.documents.append(f.doc)
        report.problems.extend(f.problems)
        report.unmapped.update(o.minted_from or o.label for o in f.observations if not o.mapped)
        report.coverage[f.doc] = (
            len(f.tables),
            sum(t.numbers for t in f.tables),
            sum(1 for o in f.observations if o.source.extractor == "table"),
            sum(len(t.unread) for t in f.tables),
        )
    tick("narrative", len(good), len(good))
    report.timings["narrative"] = time.perf_counter() - t

    # 3. resolution and the graph
    t = time.perf_counter()
    from kg.graph import build_dataset
    from kg.resolve import resolve

    resolution = resolve(facts)
    dataset = build_dataset(facts, resolution)
    report.counts = {
        "documents": len(facts),
        "observations": sum(len(f.observations) for f in facts),
        "mentions": sum(len(f.mentions) for f in facts),
        "relations": sum(len(f.relations) for f in facts),
        "entities": len(resolution.entities),
        "triples": len(dataset),
    }
    report.timings["graph"] = time.perf_counter() - t
    tick("graph", 1, 1)

    # 4. outputs, written into a temporary folder and moved into place at the end
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out))
    try:
        write_outputs(dataset, facts, report, tmp, tick)
        _move_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.timings["total"] = time.perf_counter() - t0
    return report


def write_outputs(dataset, facts: list[DocumentFacts], report: BuildReport, tmp: Path, tick: Progress) -> None:
    """Every consumer of the graph, in order; each reads what the one before wrote."""
    from kg import export, network, store, validate, viz
    from kg import report as report_page

    t = time.perf_counter()
    export.write_graph_files(dataset, tmp)
    report.timings["serialise"] = time.perf_counter() - t
    tick("write", 1, 5)

    t = time.perf_counter()
    store.create(tmp, dataset)
    export.write_observations_csv(tmp)
    report.timings["store"] = time.perf_counter() - t
    tick("write", 2, 5)

    t = time.perf_counter()
    result = validate.validate_dir(tmp)
    report.conforms = result.conforms
    report.timings["validate"] = time.perf_counter() - t
    tick("write", 3, 5)

    t = time.perf_counter()
    # The page and the report share entity-observations, the costliest page query: run each once.
    rows = network.select(tmp, *dict.fromkeys(viz.PAGE_QUERIES + report_page.REPORT_QUERIES))
    viz.write_graph_html(tmp, rows)
    report.timings["viz"] = time.perf_counter() - t
    tick("write", 4, 5)

    t = time.perf_counter()
    report_page.write_report_html(tmp, build_summary=summary_lines(report), rows=rows)
    report.timings["report"] = time.perf_counter() - t
    tick("write", 5, 5)


def summary_lines(report: BuildReport) -> list[str]:
    """The build summary as plain lines (printed by the CLI, shown in report.html)."""
    lines = [f"built {len(report.documents)} document(s) into {report.out}"]
    if report.counts:
        lines.append(", ".join(f"{v} {k}" for k, v in report.counts.items()))
    for p in report.failed:
        lines.append(f"FAILED {p}")
    if report.coverage:
        lines.append(
            "tables per document: tables, numbers printed, observations made, numbers read into none"
        )
        for doc, (tables, numbers, observed, unread) in sorted(report.coverage.items()):
            flag = "  <- no figure read" if tables and not observed else ""
            lines.append(
                f"  {doc}: {tables} table(s), {numbers} number(s), {observed} observation(s), {unread} unread{flag}"
            )
    if report.unmapped:
        lines.append(
            f"{sum(report.unmapped.values())} observation(s) under minted metrics, from {len(report.unmapped)} "
            "row label(s) or column header(s) that match no known metric:"
        )
        for label, n in sorted(report.unmapped.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {n:4d}  {label}")
    return lines


def _move_into_place(tmp: Path, out: Path) -> None:
    """Replace each output in ``out`` by its new version from ``tmp`` (same filesystem: atomic renames)."""
    for item in sorted(tmp.iterdir()):
        target = out / item.name
        if item.is_dir():
            old = out / f".{item.name}.old"
            if target.exists():
                shutil.rmtree(old, ignore_errors=True)
                target.rename(old)
            item.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(item, target)
