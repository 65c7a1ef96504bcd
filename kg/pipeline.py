"""The build: files → DocumentFacts (one process per core, or a Dask cluster) → Resolution → the
store, one document's graph at a time → the output folder.

Input: paths of press releases and an output folder. Output: the files of the
contract (graph.ttl/.trig/.jsonld, observations.csv, validation.txt/.ttl,
graph.html, report.html, the Oxigraph store) and a BuildReport.

Each document is extracted in isolation by one function, :func:`extract_document` (ingest →
layout → tables → narrative → its DocumentFacts), which runs in a pool of processes that each load
spaCy once (``workers``, default one per core), in this process for a single worker, or on a Dask
cluster (``scheduler``). A bad file becomes a Problem naming the file (and line) and the others
still build; every file is held to the limits of :class:`kg.settings.BuildLimits`.

The build streams: each document's facts go to the cache folder (``.kg/cache``; :mod:`kg.cache`) as
they arrive and only their compact entity facts stay in memory for resolution; then each document's
facts come back, become the triples of its named graph and go into the store, one at a time; every
output is written from the store. An unchanged file (same bytes, limits, code and ontology) is not
extracted again: its facts come from the cache (``BuildReport.reused``).

The output folder is claimed before any work (:func:`kg.outdir.claim`: new, empty or kg's own,
writable, locked), the outputs are written into a build folder of their own inside it, and one
rename makes them the folder's outputs (:func:`kg.outdir.switch`), so a failed or killed build
leaves the previous outputs whole.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from kg.cache import FactsCache
from kg.errors import InputError, KGError, UsageError
from kg.facts import Block, Document, DocumentFacts, Problem
from kg.settings import BuildLimits

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
MAX_SHOWN_WARNINGS = 50  # warnings listed in the summary (the rest are counted)
CACHE_DIR = "cache"  # inside the output folder's .kg/
# With the default number of workers, fewer documents than this are extracted in this process: each
# worker loads spaCy (about 2 s), which a few documents (about 1 s each) do not pay back.
POOL_THRESHOLD = 8


def _workers(asked: int | None, documents: int) -> int:
    """Processes to extract ``documents`` with: as asked, else one per core for a corpus large
    enough to pay for loading spaCy in each (``POOL_THRESHOLD``), else this process alone."""
    if asked is not None:
        return asked
    return (os.cpu_count() or 1) if documents >= POOL_THRESHOLD else 1


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
    reused: int = 0  # documents whose facts came from the cache
    extracted: int = 0  # documents extracted by this build

    @property
    def exit_code(self) -> int:
        return 3 if self.failed else 0


@dataclass(frozen=True)
class Extracted:
    """What the per-document step returns (picklable). :func:`extract_document` leaves out the
    Document and its blocks (they are large and nothing after extraction reads them)."""

    path: str
    document: Document | None
    blocks: tuple[Block, ...]
    facts: DocumentFacts | None
    error: Problem | None  # the document failed (with facts: the narrative failed, its tables stand)
    source: dict[str, object] | None = None  # its lines as sources/ keeps them (kg.sources.source_body)


def extract_file(path: str, limits: BuildLimits | None = None, *, data: bytes | None = None) -> Extracted:
    """Ingest, layout and tables for one file (or its bytes ``data``), within ``limits``; never
    raises for bad input. Warnings of ingest and the limits join the document's problems."""
    from kg.ingest import parse_document, read_document
    from kg.layout import segment
    from kg.tables import extract_tables

    limits = limits or BuildLimits()
    name = Path(path).name
    warnings: list[Problem] = []
    try:
        if data is None:
            doc = read_document(path, limits=limits, problems=warnings)
        else:
            doc = parse_document(data, name=name, path=str(path), limits=limits, problems=warnings)
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


def extract_document(path: str, limits: BuildLimits | None = None, data: bytes | None = None) -> Extracted:
    """The per-document function of the build: ingest → layout → tables → narrative → the
    document's facts, never raising for bad input. ``data``: the file's bytes when the caller has
    them (a cluster's worker may not see the caller's files); else the file at ``path`` is read."""
    from kg.sources import source_body

    e = extract_file(path, limits, data=data)
    if e.facts is None or e.document is None:
        return replace(e, document=None, blocks=())
    source = source_body(e.document)
    facts, error = e.facts, None
    try:
        from kg.nlp import extract_narrative

        [n] = extract_narrative([(e.document, e.blocks)])
        facts = replace(
            facts,
            observations=facts.observations + n.observations,
            mentions=facts.mentions + n.mentions,
            relations=facts.relations + n.relations,
            problems=facts.problems + n.problems,
        )
    except Exception as exc:  # noqa: BLE001 - this document is reported, its tables and the others build
        log.debug("narrative stage failed on %s", e.document.name, exc_info=True)
        error = Problem(e.document.name, 0, f"narrative extraction failed: {type(exc).__name__}: {exc}", "error")
    return Extracted(path, None, (), facts, error, source)


def warm_worker() -> None:
    """Load spaCy's pipeline and the gazetteer once in a worker process, before its first document."""
    from kg.nlp.pipeline import get_pipeline

    get_pipeline()


# ---------------------------------------------------------------- what stays in memory per document


def compact_for_resolution(facts: DocumentFacts) -> DocumentFacts:
    """The facts resolution reads, small: each observation, mention and relation is replaced by the
    first one of the document with the same entity references (and extractor, or surface text), so
    the tuples keep their lengths (resolution counts how often a name is used) but hold a few
    distinct objects. ``resolve(compact)`` equals ``resolve(full)`` (tests/test_pipeline.py checks
    it on the corpus); a change to what resolution reads must widen these keys."""

    def interned(items: Iterable, key: Callable) -> tuple:
        first: dict = {}
        return tuple(first.setdefault(key(x), x) for x in items)

    return DocumentFacts(
        doc=facts.doc,
        doc_id=facts.doc_id,
        meta=facts.meta,
        sha256=facts.sha256,
        observations=interned(facts.observations, lambda o: (o.subject, o.source.extractor)),
        mentions=interned(facts.mentions, lambda m: (m.entity, m.text)),
        relations=interned(facts.relations, lambda r: (r.subject, r.object)),
    )


@dataclass(frozen=True)
class Summary:
    """One built document as the build keeps it in memory: its compact facts and report figures;
    the full facts wait in the cache folder under ``key``."""

    key: str
    compact: DocumentFacts
    problems: tuple[Problem, ...]
    unmapped: tuple[str, ...]  # row labels (or headers) of its minted-metric observations
    coverage: tuple[int, int, int, int]
    counts: tuple[int, int, int]  # observations, mentions, relations
    error: Problem | None = None  # the narrative failed (its tables stand)

    @classmethod
    def of(cls, key: str, e: Extracted) -> Summary:
        f = e.facts
        assert f is not None
        return cls(
            key,
            compact_for_resolution(f),
            f.problems,
            tuple(o.minted_from or o.label for o in f.observations if not o.mapped),
            (
                len(f.tables),
                sum(t.numbers for t in f.tables),
                sum(1 for o in f.observations if o.source.extractor == "table"),
                sum(len(t.unread) for t in f.tables),
            ),
            (len(f.observations), len(f.mentions), len(f.relations)),
            e.error,
        )


META = ".meta"  # the Summary beside each cache entry, read without the full facts
SOURCE = ".source"  # the document's lines beside each cache entry, for the build's sources/


# ---------------------------------------------------------------- running the per-document function


@dataclass(frozen=True)
class _Task:
    index: int  # position among the files (the build's document order)
    path: str
    key: str  # cache key ("" when the file could not be hashed: it fails in extraction)


def _read_for_hash(path: str, limits: BuildLimits) -> bytes | None:
    """The file's bytes when it is a regular file within the size limit, else None (extraction
    reports why it cannot be read)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_file_bytes:
            return None
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError:
        return None
    return data if len(data) <= limits.max_file_bytes else None


def _local(tasks: list[_Task], limits: BuildLimits, workers: int) -> Iterator[tuple[_Task, Extracted]]:
    """Results of the per-document function in this process (one worker) or a process pool, in
    the order they finish; at most two documents per worker in flight."""
    if workers <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield t, extract_document(t.path, limits)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=warm_worker) as pool:
        todo = iter(tasks)
        running: dict[Future, _Task] = {}
        for t in todo:
            running[pool.submit(extract_document, t.path, limits)] = t
            if len(running) >= 2 * workers:
                break
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                t = running.pop(fut)
                yield t, fut.result()
                nxt = next(todo, None)
                if nxt is not None:
                    running[pool.submit(extract_document, nxt.path, limits)] = nxt


def _on_cluster(tasks: list[_Task], limits: BuildLimits, scheduler: str) -> Iterator[tuple[_Task, Extracted]]:
    """Results of the per-document function on the Dask cluster at ``scheduler``, as they finish.
    Files are read here and sent as bytes (the workers need not see this machine's files); a few
    documents per worker thread are in flight, so memory here stays bounded."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise UsageError(
            f"--scheduler needs Dask's distributed package ({exc.name} is missing): pip install 'mining-kg[cluster]'"
        ) from None
    try:
        client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        slots = max(1, sum(client.nthreads().values())) * 2

        def submit(t: _Task) -> Future:
            data = _read_for_hash(t.path, limits)
            return client.submit(extract_document, t.path, limits, data, key=f"kg-extract-{t.index}-{t.key[:16]}", pure=False)

        todo = iter(tasks)
        owner: dict[str, _Task] = {}
        first = []
        for t in todo:
            f = submit(t)
            owner[f.key] = t
            first.append(f)
            if len(first) >= slots:
                break
        pending = as_completed(first, with_results=True)
        for fut, result in pending:
            yield owner.pop(fut.key), result
            fut.release()
            nxt = next(todo, None)
            if nxt is not None:
                f = submit(nxt)
                owner[f.key] = nxt
                pending.add(f)
    finally:
        client.close()


# ---------------------------------------------------------------- the build


def build(
    paths: Sequence[Path],
    out: Path,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    limits: BuildLimits | None = None,
    force: bool = False,
    follow_links: bool = False,
    cache: bool = True,
    scheduler: str | None = None,
) -> BuildReport:
    """Build the knowledge graph of ``paths`` into the folder ``out``.

    ``workers``: processes extracting documents (default: one per core); ``cache``: reuse the facts
    of unchanged files from the last builds into ``out`` (``out/.kg/cache``); ``scheduler``: the
    address of a Dask scheduler (``tcp://HOST:PORT``) to extract the documents on instead.

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
        # every setting that changes the outputs, for the build's PROV activity (not the workers,
        # the cache or the scheduler: they change how the build runs, not what it writes)
        settings = (*((f.name, str(getattr(limits, f.name))) for f in fields(limits)), ("follow_links", str(follow_links).lower()))
        build_dir = output.new_build()
        try:
            spool = output.kg_dir / CACHE_DIR if cache else build_dir / ".facts"
            try:
                facts_cache = FactsCache(spool)
            except OSError as exc:
                raise outdir.environment_error(exc, f"the cache in {out}") from exc
            docs = _extract(files, report, workers, limits, tick, facts_cache, scheduler, reuse=cache)
            try:
                write_outputs(docs, facts_cache, report, build_dir, tick, settings)
            except OSError as exc:
                raise outdir.environment_error(exc, f"the outputs into {out}") from exc
            if cache:
                facts_cache.prune({k for s in docs for k in (s.key, s.key + META, s.key + SOURCE)})
            else:
                shutil.rmtree(spool, ignore_errors=True)
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
    files: list[str],
    report: BuildReport,
    workers: int | None,
    limits: BuildLimits,
    tick: Progress,
    facts_cache: FactsCache,
    scheduler: str | None = None,
    *,
    reuse: bool = True,
) -> list[Summary]:
    """Every document's facts into ``facts_cache`` (extracted, or reused when ``reuse`` finds them
    there), their summaries returned in the files' order; fills ``report``."""
    from kg.cache import code_version, entry_key

    t0 = time.perf_counter()
    version = code_version()
    by_index: dict[int, Summary] = {}
    failed: dict[int, Problem] = {}
    tasks: list[_Task] = []
    for i, path in enumerate(files):
        data = _read_for_hash(path, limits)
        key = entry_key(Path(path).name, hashlib.sha256(data).hexdigest(), limits, version) if data is not None else ""
        hit = facts_cache.get(key + META) if key and reuse else None
        if isinstance(hit, Summary) and facts_cache.path(key).is_file():
            by_index[i] = hit
            report.reused += 1
        else:
            tasks.append(_Task(i, path, key))
    total, done = len(files), len(by_index)
    tick("extract", done, total)
    n_workers = min(_workers(workers, len(tasks)), max(1, len(tasks)))
    results = _on_cluster(tasks, limits, scheduler) if scheduler else _local(tasks, limits, n_workers)
    for t, e in results:
        done += 1
        tick("extract", done, total)
        if e.facts is None:
            failed[t.index] = e.error or Problem(Path(t.path).name, 0, "not extracted", "error")
            continue
        key = t.key or hashlib.sha256(f"{t.path}\0{e.facts.sha256}".encode()).hexdigest()
        summary = Summary.of(key, e)
        facts_cache.put(key, e.facts)
        if e.source is not None:
            facts_cache.put(key + SOURCE, e.source)
        if summary.error is None and t.key:  # a document whose narrative failed is extracted again next time
            facts_cache.put(key + META, summary)
        by_index[t.index] = summary
    report.extracted = len(tasks)
    report.timings["extract"] = time.perf_counter() - t0

    docs: list[Summary] = []
    for i in range(len(files)):
        if i in failed:
            report.failed.append(failed[i])
            log.error("%s", failed[i])
            continue
        s = by_index.get(i)
        if s is None:
            continue
        if s.error is not None:
            report.failed.append(s.error)
            log.error("%s", s.error)
        docs.append(s)
    docs = _unique_ids(docs)
    for s in docs:
        f = s.compact
        report.documents.append(f.doc)
        report.problems.extend(s.problems)
        report.unmapped.update(s.unmapped)
        report.coverage[f.doc] = s.coverage
    return docs


def _unique_ids(docs: list[Summary]) -> list[Summary]:
    """Two files with the same stem (from different folders) get distinct ids."""
    seen: Counter[str] = Counter(s.compact.doc_id for s in docs)
    fixed = []
    for s in docs:
        f = s.compact
        if seen[f.doc_id] > 1:
            s = replace(s, compact=replace(f, doc_id=f"{f.doc_id}-{f.sha256[:8]}"))
        fixed.append(s)
    return fixed


def _document_facts(docs: list[Summary], facts_cache: FactsCache) -> Iterator[DocumentFacts]:
    """The full facts of ``docs``, one at a time from the cache folder, in the graph's order (by file name)."""
    for s in sorted(docs, key=lambda s: s.compact.doc):
        f = facts_cache.get(s.key)
        if not isinstance(f, DocumentFacts):
            raise KGError(f"the extracted facts of {s.compact.doc} vanished from {facts_cache.folder} during the build")
        yield f if f.doc_id == s.compact.doc_id else replace(f, doc_id=s.compact.doc_id)


def _observation_facts(docs: list[Summary], facts_cache: FactsCache) -> Iterator[DocumentFacts]:
    """What fact resolution reads of each document (its metadata and observations), one document
    at a time from the cache folder, without its mentions, relations and tables."""
    for f in _document_facts(docs, facts_cache):
        yield replace(f, mentions=(), relations=(), tables=(), problems=())


def write_outputs(
    docs: list[Summary],
    facts_cache: FactsCache,
    report: BuildReport,
    tmp: Path,
    tick: Progress,
    settings: tuple[tuple[str, str], ...] = (),
) -> None:
    """Resolution, then the graph into the store one document at a time, then every output from
    the store: graph files, observations.csv, sources/, validation, graph.html and report.html."""
    from kg import __version__, export, network, sources, viz
    from kg import report as report_page
    from kg.graph import BuildInfo, named_graphs
    from kg.resolve import resolve, resolve_facts
    from kg.store import StoreWriter
    from kg.validate import validate_store

    t = time.perf_counter()
    resolution = resolve([s.compact for s in docs])
    # Facts are resolved across releases from every printed figure: the observations of all
    # documents are read (one document at a time) and those of the corpus held for this step.
    fact_index = resolve_facts(list(_observation_facts(docs, facts_cache)), resolution)
    report.timings["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    for s in docs:  # the lines every FILE:LINE of the pages opens at
        body = facts_cache.get(s.key + SOURCE)
        if isinstance(body, dict):
            sources.write_source(tmp, body)
    writer = StoreWriter(tmp)
    graphs = named_graphs(_document_facts(docs, facts_cache), resolution, fact_index, BuildInfo(__version__, settings))
    for k, (graph, triples) in enumerate(graphs, start=1):
        writer.add_graph(graph, triples)
        tick("graph", min(k, len(docs)), len(docs))
    del fact_index
    store = writer.finish()
    report.timings["graph"] = time.perf_counter() - t
    tick("write", 1, 5)

    t = time.perf_counter()
    targets = {fmt: tmp / name for fmt, name in export.GRAPH_FILES.items()}
    triples = export.write_store_files(store, targets, prefixes=writer.prefixes)
    export.write_observations_csv_from(store, tmp / "observations.csv")
    report.timings["serialise"] = time.perf_counter() - t
    tick("write", 2, 5)

    t = time.perf_counter()
    if writer.mirror is not None:  # the named graphs in memory: the checks read their union
        result = validate_store(writer.mirror)
        writer.mirror = None
    else:
        result = validate_store(store, merged=True)
    export.write_atomic(tmp / "validation.txt", result.text.encode("utf-8"))
    assert result.graph is not None
    export.write_atomic(tmp / "validation.ttl", result.graph.serialize(format="turtle").encode("utf-8"))
    report.conforms = result.conforms
    report.findings = {s: result.count(s) for s in ("Violation", "Warning", "Info")}
    report.timings["validate"] = time.perf_counter() - t
    tick("write", 3, 5)

    t = time.perf_counter()
    # The page and the report share entity-observations, the costliest page query: run each once.
    rows = network.select(tmp, *dict.fromkeys(viz.PAGE_QUERIES + report_page.REPORT_QUERIES), store=store)
    report.counts = {**counts_of(rows["counts"]), "triples": triples}
    findings = viz.findings_of(result)
    viz.write_graph_html(tmp, rows, findings=findings)
    report.timings["viz"] = time.perf_counter() - t
    tick("write", 4, 5)

    t = time.perf_counter()
    report_page.write_report_html(
        tmp, build_summary=summary_lines(report), rows=rows, findings=findings,
        check_counts=report_page.check_counts_of(result),
    )
    report.timings["report"] = time.perf_counter() - t
    tick("write", 5, 5)
    del store, writer.store  # closes the store before the build folder becomes the outputs


def cache_line(report: BuildReport) -> str:
    """How many documents this build extracted and how many it reused from the cache (printed by
    the CLI; not in report.html, which stays the same whichever way the facts came)."""
    return f"extracted {report.extracted} document(s), reused {report.reused} from the cache"


# The counts the summary, report.html, graph.html and the README give, in this order (queries/counts.rq).
COUNT_KINDS = (
    "documents", "observations", "facts", "mentions", "relation statements", "relation edges", "entities",
)


def counts_of(rows: list[dict[str, str]]) -> dict[str, int]:
    """The rows of the named query ``counts`` as kind → count, in the order of COUNT_KINDS."""
    by_kind = {r["kind"]: int(r["count"] or 0) for r in rows}
    return {k: by_kind.get(k, 0) for k in COUNT_KINDS}


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
