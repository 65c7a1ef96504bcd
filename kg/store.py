"""Store: the graph stage's named graphs → embedded Oxigraph store on disk, and opening it for queries.

Input: the named graphs ``kg.graph`` yields, one document at a time (:class:`StoreWriter`; or a
whole rdflib Dataset, :func:`create`) and an output folder. Output: the folder ``store/`` inside
it, a RocksDB-backed Oxigraph store holding every named graph, the vocabulary the consistency
checks read (``metrics.ttl``, ``units.ttl``) in the named graph ``kgid:graph/ontology``, and in
the default graph every triple of the data and of every ontology file once (the merge), so named
queries need no GRAPH clauses, see no duplicates and can use metric, class and place labels,
while ``graph.ttl`` stays data only. GRAPH clauses still reach one document's graph; the union of
the named graphs is exactly data plus vocabulary, what the checks run over.

The writer streams: each document's triples are converted to Oxigraph terms, written into its
named graph and the default graph and forgotten; the store, not Python, holds the corpus.
rdflib stays the model the graph stage mints terms in; Oxigraph answers SPARQL (rdflib's own
engine is orders of magnitude slower).
"""

from __future__ import annotations

import logging
import shutil
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import KGError
from kg.graph.namespace import KGID
from kg.resources import data_dir

log = logging.getLogger(__name__)

STORE_DIR = "store"
RDF_TYPE_REF = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# Data quads (one per named graph) kept in memory as well for the checks: about 300 bytes each,
# so 3 million (some 230 releases) cost about 1 GB.
MIRROR_LIMIT = 3_000_000
ONTOLOGY_GRAPH = ox.NamedNode(str(KGID["graph/ontology"]))


def store_path(out_dir: Path) -> Path:
    """Where ``create`` writes the store inside a build output folder."""
    return Path(out_dir) / STORE_DIR


class _TermConverter:
    """rdflib terms → pyoxigraph terms, memoised (IRIs and datatypes repeat a lot)."""

    def __init__(self) -> None:
        self._memo: dict[object, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def __call__(self, term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        hit = self._memo.get(term)
        if hit is not None:
            return hit
        out = self._memo[term] = self.convert(term)
        return out

    def convert(self, term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """``term`` converted without remembering it (only its datatype is)."""
        if isinstance(term, URIRef):
            out: ox.NamedNode | ox.BlankNode | ox.Literal = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            out = ox.BlankNode(str(term))
        elif isinstance(term, Literal):
            if term.language:
                out = ox.Literal(str(term), language=term.language)
            elif term.datatype is not None:
                out = ox.Literal(str(term), datatype=self(term.datatype))  # type: ignore[arg-type]
            else:
                out = ox.Literal(str(term))
        else:
            raise KGError(f"cannot store RDF term {term!r} of type {type(term).__name__}")
        return out


def to_oxigraph_quads(dataset: Dataset) -> Iterator[ox.Quad]:
    """Every quad of ``dataset`` as a pyoxigraph Quad (the default graph stays the default graph)."""
    conv = _TermConverter()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        gid = getattr(g, "identifier", g)
        if gid is None or gid == DATASET_DEFAULT_GRAPH_ID:
            graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph = ox.DefaultGraph()
        else:
            graph = conv(gid)  # type: ignore[assignment]
        yield ox.Quad(conv(s), conv(p), conv(o), graph)  # type: ignore[arg-type]


_last_conversion: tuple[weakref.ref[Dataset], int, list[ox.Quad]] | None = None


def oxigraph_quads(dataset: Dataset) -> list[ox.Quad]:
    """``to_oxigraph_quads`` as a list, remembered for the last dataset converted.

    The build serialises the graph files and then creates the store from the same
    Dataset; converting once saves about a second per 100k triples.
    """
    global _last_conversion
    n = len(dataset)
    if _last_conversion is not None:
        ref, size, quads = _last_conversion
        if ref() is dataset and size == n:
            return quads
    quads = list(to_oxigraph_quads(dataset))
    _last_conversion = (weakref.ref(dataset), n, quads)
    return quads


def ontology_files() -> list[Path]:
    """The ontology's Turtle files (mining.ttl, gazetteer.ttl, metric vocabularies, ...), sorted."""
    return sorted(data_dir("ontology").glob("*.ttl"))


# What the consistency checks read of the ontology: each metric's unit and period kind.
VOCABULARY_FILES = ("metrics.ttl", "units.ttl")


def load_ontology(store: ox.Store, names: Iterable[str] | None = None) -> None:
    """Load ``ontology/*.ttl`` (or only the files ``names``) into the named graph
    ``kgid:graph/ontology`` of ``store``."""
    paths = ontology_files() if names is None else [data_dir("ontology") / n for n in names]
    for path in paths:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
        except SyntaxError as exc:
            raise KGError(f"ontology file does not parse: {exc}", doc=path.name) from exc


def create(out_dir: Path, dataset: Dataset) -> None:
    """Write the Oxigraph store of ``dataset`` (plus the ontology) to ``out_dir/store``.

    The store is built in a sibling temporary folder and renamed into place, so a
    failure never leaves a half-written store behind.
    """
    global _last_conversion
    quads = oxigraph_quads(dataset)
    _last_conversion = None  # the build needs the converted quads no longer
    create_from_quads(out_dir, quads)


def create_from_quads(out_dir: Path, quads: Iterable[ox.Quad]) -> None:
    """Like ``create`` for quads that are already pyoxigraph terms."""
    target = store_path(out_dir)
    tmp = target.with_name(f".{STORE_DIR}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(tmp))
    try:
        store.bulk_extend(quads)
        load_ontology(store)
        merge_into_default_graph(store)
        store.flush()
        n = len(store)
    finally:
        del store  # closes RocksDB before the rename
    if target.exists():
        old = target.with_name(f".{STORE_DIR}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(target)
    log.info("store: %d quads in %s", n, target)


class StoreWriter:
    """Writes named graphs of rdflib triples into a new store at ``out_dir/store``, one at a time.

    The build folder is new (``kg.outdir``), so the store is written in place. Terms are converted
    once per graph (a document's IRIs repeat a dozen times within it and never outside), the
    vocabulary's once per build; quads go to the store in batches of ``batch`` through its bulk
    loader. ``prefixes`` gathers the project prefixes the data uses, for the serialisers.
    """

    def __init__(self, out_dir: Path, *, batch: int = 200_000, mirror_limit: int = MIRROR_LIMIT) -> None:
        from kg.export import _Prefixer

        self.path = store_path(out_dir)
        # The named data graphs also in memory while they fit: the consistency checks run there
        # (Oxigraph's in-memory store answers their joins 2-3x faster than RocksDB); past the limit
        # the copy is dropped and the checks read the store on disk.
        self.mirror: ox.Store | None = ox.Store() if mirror_limit > 0 else None
        self.mirror_limit = mirror_limit
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.store = ox.Store(str(self.path))
        self.batch = batch
        self.graphs: list[ox.NamedNode] = []
        self.quads = 0
        self._pending: list[ox.Quad] = []
        self._shared = _TermConverter()  # predicates, classes, datatypes: few, met in every graph
        self._prefixer = _Prefixer()

    def add_graph(self, graph: URIRef, triples: Iterable[tuple[object, object, object]]) -> None:
        """Write ``triples`` into the named graph ``graph`` and into the default graph."""
        g = ox.NamedNode(str(graph))
        self.graphs.append(g)
        self._prefixer.note(g)
        shared, note, default, pending = self._shared, self._prefixer.note, ox.DefaultGraph(), self._pending
        memo: dict[object, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        for s, p, o in triples:
            ts = memo.get(s)
            if ts is None:
                ts = memo[s] = shared.convert(s)
                note(ts)
            tp = shared._memo.get(p)
            if tp is None:
                tp = shared(p)
                note(tp)
            to = memo.get(o)
            if to is None:
                to = memo[o] = shared(o) if p == RDF_TYPE_REF else shared.convert(o)
                note(to)
            pending.append(ox.Quad(ts, tp, to, g))  # type: ignore[arg-type]
            pending.append(ox.Quad(ts, tp, to, default))  # type: ignore[arg-type]
        if len(pending) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.store.bulk_extend(self._pending)
            self.quads += len(self._pending)
            if self.mirror is not None:
                if self.quads // 2 > self.mirror_limit:
                    log.info("store: over %d data quads, the checks will read the store on disk", self.mirror_limit)
                    self.mirror = None
                else:
                    self.mirror.bulk_extend(q for q in self._pending if not isinstance(q.graph_name, ox.DefaultGraph))
            self._pending.clear()

    @property
    def prefixes(self) -> dict[str, str]:
        """The project prefixes (``ontology/context.jsonld``) whose namespaces the data uses."""
        return self._prefixer.prefixes()

    def finish(self) -> ox.Store:
        """Add the ontology, flush and return the open store (read-write, for the build's readers).
        ``mirror`` is then the in-memory copy of the named data graphs and the vocabulary (what the
        checks read, as ``kg.validate.load_store`` gives it), or None past ``mirror_limit``."""
        default, vocabulary = ox.DefaultGraph(), set(VOCABULARY_FILES)
        ontology: list[ox.Quad] = []
        for path in ontology_files():  # parsed here and loaded with the last batch: one bulk load, not ten
            try:
                triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
            except SyntaxError as exc:
                raise KGError(f"ontology file does not parse: {exc}", doc=path.name) from exc
            ontology.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)
            if path.name in vocabulary:
                ontology.extend(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH) for t in triples)
        mirror = self.mirror
        self._flush()
        self.store.bulk_extend(ontology)
        if mirror is not None and self.mirror is not None:
            mirror.bulk_extend(q for q in ontology if q.graph_name == ONTOLOGY_GRAPH)
        self.store.flush()
        log.info("store: %d data quads in %d graphs at %s", self.quads, len(self.graphs), self.path)
        return self.store


def data_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The store's named data graphs (one per document and the shared graph), by IRI."""
    return sorted((g for g in store.named_graphs() if g != ONTOLOGY_GRAPH), key=str)  # type: ignore[arg-type]


def open_store(data_dir: Path) -> ox.Store:
    """Open the store of a build output folder read-only.

    Raises KGError naming the folder when it holds no store (not a `kg build` output).
    """
    folder = Path(data_dir)
    path = store_path(folder)
    if not folder.is_dir():
        raise KGError(f"{folder}: no such folder; expected the output folder of `kg build --out {folder}`")
    if not path.is_dir():
        raise KGError(
            f"{folder} is not a `kg build` output folder: it has no {STORE_DIR}/ (run `kg build --out {folder}` first)"
        )
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise KGError(f"{path}: cannot open the query store read-only: {exc}") from exc


def merge_into_default_graph(store: ox.Store) -> None:
    """Copy every triple of every named graph once into the default graph.

    Queries run over the default graph: each triple once, however many graphs
    state it (the union of named graphs repeats a triple per graph, which both
    duplicates rows and costs joins about twice the work). Named graphs stay
    for provenance (GRAPH clauses, TriG export).
    """
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)}
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)


def data_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad of the store's named data graphs: the knowledge graph itself (not the
    ontology graph, not the merged default graph)."""
    return [
        q
        for q in store.quads_for_pattern(None, None, None)
        if q.graph_name != ONTOLOGY_GRAPH and not isinstance(q.graph_name, ox.DefaultGraph)
    ]
