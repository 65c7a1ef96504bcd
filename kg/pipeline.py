"""The build: files → DocumentFacts → Resolution → Dataset → output folder.

Input: paths of press releases and an output folder. Output: the files of the
contract (graph.ttl/.trig/.jsonld, observations.csv, validation.txt/.ttl,
graph.html, report.html, the Oxigraph store) and a BuildReport.

Each document is extracted in isolation: a bad file becomes a Problem naming
the file (and line) and the others still build; every file is held to the
limits of :class:`kg.settings.BuildLimits` (over one, that file, line, block or
table is reported and the rest builds). The output folder is claimed before any
work (:func:`kg.outdir.claim`: new, empty or kg's own, writable, locked), the
outputs are written into a build folder of their own inside it, and one rename
makes them the folder's outputs (:func:`kg.outdir.switch`), so a failed or
killed build leaves the previous outputs whole.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path

from kg.errors import InputError, KGError
from kg.facts import Block, Document, DocumentFacts, Problem
from kg.settings import BuildLimits

log = logging.getLogger(__name__)

# Below this many documents a process pool costs more than it saves (tables take
# a few milliseconds per document; spaCy runs once over all prose afterwards).
POOL_THRESHOLD = 16

Progress = Callable[[str, int, int], None]  # (stage, done, total)
MAX_SHOWN_WARNINGS = 50  # warnings listed in the summary (the rest are counted)


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
    findings: dict[str, int] = field(default_factory=dict)  # validation findings by severity, as kg validate counts them
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


def extract_file(path: str, limits: BuildLimits | None = None) -> Extracted:
    """Ingest, layout and tables for one file, within ``limits``; never raises for bad input.
    Warnings of ingest and the limits join the document's problems."""
    from kg.ingest import read_document
    from kg.layout import segment
    from kg.tables import extract_tables

    limits = limits or BuildLimits()
    name = Path(path).name
    warnings: list[Problem] = []
    try:
        doc = read_document(path, limits=limits, problems=warnings)
        blocks = _within_table_limit(doc, segment(doc, max_block_chars=limits.max_prose_chars), limits, warnings)
        facts = extract_tables(doc, blocks)
    except KGError as exc:
        return Extracted(path, None, (), None, Problem(exc.doc or name, exc.line or 0, exc.message, "error"))
    except MemoryError:
        return Extracted(path, None, (), None, Problem(name, 0, "out of memory reading this file; lower the limits (kg build --help)", "error"))
    except RecursionError:
        return Extracted(path, None, (), None, Problem(name, 0, "nested too deeply to read", "error"))
    except Exception as exc:  # a bug must not stop the other documents; report it with its file
        log.debug("unexpected failure on %s", path, exc_info=True)
        return Extracted(path, None, (), None, Problem(name, 0, f"internal error: {type(exc).__name__}: {exc}", "error"))
    if warnings:
        facts = replace(facts, problems=tuple(warnings) + facts.problems)
    return Extracted(path, doc, blocks, facts, None)


def _within_table_limit(doc: Document, blocks: tuple[Block, ...], limits: BuildLimits, warnings: list[Problem]) -> tuple[Block, ...]:
    """The blocks with the tables beyond ``limits.max_tables`` left out (and reported)."""
    tables = [b for b in blocks if b.kind == "table"]
    if len(tables) <= limits.max_tables:
        return blocks
    dropped = tables[limits.max_tables :]
    first = dropped[0].first_line
    warnings.append(
        Problem(
            doc.name, doc.source_line(first),
            f"{len(dropped)} table(s) beyond the limit of {limits.max_tables} per document (max_tables) left out, the first here",
            "warning",
        )
    )
    gone = set(map(id, dropped))
    return tuple(b for b in blocks if id(b) not in gone)


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
    limits: BuildLimits | None = None,
    force: bool = False,
    follow_links: bool = False,
) -> BuildReport:
    """Build the knowledge graph of ``paths`` into the folder ``out``.

    Raises UsageError when ``out`` may not be written (before any work), InputError when a named
    path does not exist or nothing is found, and EnvironmentFailure when the machine fails the
    writing (disk full, read-only file system); the previous outputs stay whole in each case.
    """
    from kg import outdir
    from kg.ingest import discover

    def tick(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    limits = limits or BuildLimits()
    if workers is not None and workers < 1:
        from kg.errors import UsageError

        raise UsageError(f"--workers must be 1 or more, not {workers}")
    report = BuildReport(out=out)
    t0 = time.perf_counter()
    outdir.check(out, force=force)  # a folder that may not be written is refused first
    found: list[Problem] = []
    files = [str(p) for p in discover(list(paths), follow_links=follow_links, skip=[out], problems=found)]
    report.problems.extend(found)
    for p in found:
        log.warning("%s", p)
    if not files:
        raise InputError("no press releases found (.txt, .htm, .html) in " + ", ".join(str(p) for p in paths))
    output = outdir.claim(out, force=force)  # before the work: a folder that cannot be written fails now
    try:
        settings = (*((f.name, str(getattr(limits, f.name))) for f in fields(limits)), ("follow_links", str(follow_links).lower()))
        facts, dataset, documents = _extract(files, report, workers, limits, tick, settings)
        build_dir = output.new_build()
        try:
            try:
                write_outputs(dataset, facts, report, build_dir, tick, documents)
            except OSError as exc:
                raise outdir.environment_error(exc, f"the outputs into {out}") from exc
            t = time.perf_counter()
            outdir.switch(output, build_dir)
            report.timings["switch"] = time.perf_counter() - t
        except BaseException:
            if outdir.current_build(out) != build_dir.resolve():
                shutil.rmtree(build_dir, ignore_errors=True)
            raise
    finally:
        output.release()
    report.timings["total"] = time.perf_counter() - t0
    return report


def _extract(
    files: list[str], report: BuildReport, workers: int | None, limits: BuildLimits, tick: Progress,
    settings: tuple[tuple[str, str], ...] = (),
) -> tuple[list[DocumentFacts], object, list[Document]]:
    """Extraction (isolated per document), narrative, resolution and the graph; fills ``report``."""
    t0 = time.perf_counter()
    extracted: list[Extracted] = []
    one = partial(extract_file, limits=limits)
    if len(files) >= POOL_THRESHOLD and (workers or os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, e in enumerate(pool.map(one, files, chunksize=4), start=1):
                extracted.append(e)
                tick("tables", i, len(files))
    else:
        for i, f in enumerate(files, start=1):
            extracted.append(one(f))
            tick("tables", i, len(files))
    extracted = _unique_ids(extracted)
    for e in extracted:
        if e.error:
            report.failed.append(e.error)
            log.error("%s", e.error)
    good = [e for e in extracted if e.facts is not None and e.document is not None]
    report.timings["tables"] = time.perf_counter() - t0

    # narrative (spaCy over the prose of all documents at once: the model loads once)
    t = time.perf_counter()
    narrative = _narrative(good, report)
    by_doc = {n.doc: n for n in narrative}
    facts: list[DocumentFacts] = []
    for e in good:
        f = e.facts
        if f is None:
            continue
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

    # resolution and the graph
    t = time.perf_counter()
    from kg import __version__
    from kg.graph import BuildInfo, build_dataset
    from kg.resolve import resolve, resolve_facts

    resolution = resolve(facts)
    fact_index = resolve_facts(facts, resolution)
    dataset = build_dataset(facts, resolution, fact_index, BuildInfo(__version__, settings))
    report.counts = {"triples": len(dataset)}  # the rest is counted in the graph (count_graph)
    report.timings["graph"] = time.perf_counter() - t
    tick("graph", 1, 1)
    return facts, dataset, [e.document for e in good if e.document is not None]


def _narrative(good: list[Extracted], report: BuildReport) -> list[DocumentFacts]:
    """The narrative stage over every document at once; should it fail as a whole, document by
    document, so that the one that breaks it is reported and the others keep their facts."""
    from kg.nlp import extract_narrative

    pairs = [(e.document, e.blocks) for e in good if e.document is not None]
    if not pairs:
        return []
    try:
        return extract_narrative(pairs)
    except Exception:  # noqa: BLE001 - isolated below, document by document
        log.debug("narrative stage failed over all documents; retrying one at a time", exc_info=True)
    out: list[DocumentFacts] = []
    for doc, blocks in pairs:
        try:
            out.extend(extract_narrative([(doc, blocks)]))
        except Exception as exc:  # noqa: BLE001 - this document is reported, the others build
            log.debug("narrative stage failed on %s", doc.name, exc_info=True)
            problem = Problem(doc.name, 0, f"narrative extraction failed: {type(exc).__name__}: {exc}", "error")
            report.failed.append(problem)
            log.error("%s", problem)
    return out


def write_outputs(
    dataset, facts: list[DocumentFacts], report: BuildReport, tmp: Path, tick: Progress,
    documents: Sequence[Document] = (),
) -> None:
    """Every consumer of the graph, in order; each reads what the one before wrote."""
    from kg import export, network, sources, store, validate, viz
    from kg import report as report_page

    sources.write_sources(tmp, documents)  # the lines every FILE:LINE of the pages opens at

    t = time.perf_counter()
    export.write_graph_files(dataset, tmp)
    report.timings["serialise"] = time.perf_counter() - t
    tick("write", 1, 5)

    t = time.perf_counter()
    store.create(tmp, dataset)
    export.write_observations_csv(tmp)
    report.counts = {**count_graph(tmp), **report.counts}
    report.timings["store"] = time.perf_counter() - t
    tick("write", 2, 5)

    t = time.perf_counter()
    result = validate.validate_dir(tmp)
    report.conforms = result.conforms
    report.findings = {s: result.count(s) for s in ("Violation", "Warning", "Info")}
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


# The counts the summary, report.html, graph.html and the README give, in this order (queries/counts.rq).
COUNT_KINDS = (
    "documents", "observations", "facts", "mentions", "relation statements", "relation edges", "entities",
)


def count_graph(out_dir: Path) -> dict[str, int]:
    """What the graph in ``out_dir`` holds, counted by the named query ``counts``."""
    from kg.network import select

    rows = {r["kind"]: int(r["count"] or 0) for r in select(out_dir, "counts")["counts"]}
    return {k: rows.get(k, 0) for k in COUNT_KINDS}


def counts_line(counts: dict[str, int]) -> str:
    """The counts as one line: "5 documents, 3573 observations (printings of 3117 facts), ..."."""
    parts = []
    for k, v in counts.items():
        if k == "facts":
            continue
        text = f"{v} {k}"
        if k == "observations" and "facts" in counts:
            text += f" (printings of {counts['facts']} facts)"
        parts.append(text)
    return ", ".join(parts)


def findings_line(findings: dict[str, int]) -> str:
    """The validation findings by severity, as `kg validate` counts them."""
    names = {"Violation": "violation(s)", "Warning": "warning(s)", "Info": "note(s)"}
    return "validation: " + ", ".join(f"{findings.get(s, 0)} {n}" for s, n in names.items()) + " (kg validate DIR lists them)"


def summary_lines(report: BuildReport) -> list[str]:
    """The build summary as plain lines (printed by the CLI, shown in report.html)."""
    lines = [f"built {len(report.documents)} document(s) into {report.out}"]
    if report.counts:
        lines.append(counts_line(report.counts))
    if report.findings:
        lines.append(findings_line(report.findings))
    for p in report.failed:
        lines.append(f"FAILED {p}")
    warnings = [p for p in report.problems if p.severity in ("error", "warning")]
    for p in warnings[:MAX_SHOWN_WARNINGS]:
        lines.append(str(p))
    if len(warnings) > MAX_SHOWN_WARNINGS:
        lines.append(f"... and {len(warnings) - MAX_SHOWN_WARNINGS} more warning(s)")
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
