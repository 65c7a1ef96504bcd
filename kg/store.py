"""Store: rdflib Dataset → embedded Oxigraph store on disk, and opening it for queries.

Input: the Dataset built by ``kg.graph`` and an output folder. Output: the
folder ``store/`` inside it, a RocksDB-backed Oxigraph store holding every
named graph of the dataset plus the ontology files (``ontology/*.ttl``) in
their own named graph ``kgid:graph/ontology``, so that queries can use metric
and class labels while ``graph.ttl`` stays data only.

The default graph holds every triple of every named graph once (the merge of
data and ontology), so named queries need no GRAPH clauses and see no
duplicates; GRAPH clauses still reach one document's graph. rdflib stays the graph model for building;
Oxigraph answers SPARQL (rdflib's own engine is orders of magnitude slower).
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
        self._memo[term] = out
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
