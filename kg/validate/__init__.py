"""Validate: a built graph folder → SHACL findings (validation.txt, validation.ttl).

Input: a folder written by ``kg build`` (its ``graph.trig``). Output: a
:class:`ValidationResult` (conforms = no sh:Violation), and with ``write=True``
the files ``validation.txt`` (readable report) and ``validation.ttl`` (the
sh:ValidationReport) in that folder.

Two engines give the same findings: ``"oxigraph"`` (default, fast: each shape's
SPARQL runs once on an in-memory pyoxigraph Store) and ``"pyshacl"`` (the
reference semantics, slow on large graphs). tests/test_validate.py checks they
agree on slices of the corpus and of the development set.

Besides the findings, the result counts per shape how many identities were
evaluated, how many held and how many could not be evaluated and why
(kg/validate/coverage.py); the readable report prints those counts.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.graph.namespace import MKG
from kg.store import ONTOLOGY_GRAPH, VOCABULARY_FILES, load_ontology
from kg.validate.coverage import Coverage, coverage
from kg.validate.engine import OxigraphEngine, Result, to_oxigraph, to_rdflib
from kg.validate.report import Finding, ValidationResult, build_report, results_from_graph
from kg.validate.shapes import compile_shapes, shapes_graph

log = logging.getLogger(__name__)

ENGINES = ("oxigraph", "pyshacl")
_PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")

__all__ = ["ENGINES", "Coverage", "Finding", "ValidationResult", "load_store", "validate_dir", "validate_store"]


def load_store(path: Path) -> ox.Store:
    """The graph of a build folder (``graph.trig``) in an in-memory Store."""
    trig = path / "graph.trig"
    if not trig.is_file():
        raise InputError(f"no graph.trig in {path}: run `kg build --out {path}` first")
    store = ox.Store()
    with open(trig, "rb") as f:
        store.bulk_load(f, ox.RdfFormat.TRIG)
    return store


def _citer(store: ox.Store):
    """focus node → (FILE:LINE,) from its mkg:sourceLine and its document's mkg:fileName."""
    line_p = ox.NamedNode(str(MKG.sourceLine))
    file_p = ox.NamedNode(str(MKG.fileName))

    def cite(node: object) -> tuple[str, ...]:
        if not isinstance(node, URIRef):
            return ()
        s = to_oxigraph(node)
        lines = [q.object.value for q in store.quads_for_pattern(s, line_p, None, None)]
        docs = [q.object for q in store.quads_for_pattern(s, _PROV_DERIVED, None, None)]
        files = [q.object.value for d in docs for q in store.quads_for_pattern(d, file_p, None, None)]
        if not files:
            return ()
        return tuple(sorted({f"{f}:{n}" for f in files for n in lines})) or tuple(sorted(set(files)))

    return cite


def validate_store(
    store: ox.Store, *, engine: str = "oxigraph", shapes_dir: Path | None = None, counts: bool = True
) -> ValidationResult:
    """Run every shape over ``store`` with the chosen engine; with ``counts``, also count per shape the
    identities evaluated and not evaluable (the censuses: about a third of the fast path's time)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; expected one of {', '.join(ENGINES)}")
    shapes = shapes_graph(shapes_dir)
    _with_vocabulary(store)
    specs = compile_shapes(shapes)
    fast = OxigraphEngine(store)
    t = time.perf_counter()
    if engine == "oxigraph":
        results = fast.validate(specs)
    else:
        results = _pyshacl_results(store, shapes)
    log.info("validation with %s: %d result(s) in %.2f s", engine, len(results), time.perf_counter() - t)
    # which identities each shape could evaluate: focus nodes and censuses run on Oxigraph for either
    # engine (they describe the data, not the engine); the failures are the engine's own results
    checked = coverage(fast, specs, results) if counts else []
    return build_report(results, shapes, _citer(store), engine, checked)


def _with_vocabulary(store: ox.Store) -> None:
    """Load the metric and unit vocabularies the shapes read (a metric's period kind) into
    ``store``'s ontology graph, unless it holds them already (a build's store does)."""
    if next(iter(store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH)), None) is None:
        load_ontology(store, VOCABULARY_FILES)


def _pyshacl_results(store: ox.Store, shapes: Graph) -> list[Result]:
    """The reference path: pySHACL over the union of all named graphs, as one rdflib Graph."""
    import pyshacl

    data = Graph()
    # The union of all named graphs as one graph: pySHACL validates a Dataset graph by
    # graph, but these checks span documents and the shared graph.
    for q in store:
        data.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, inference="none", allow_warnings=False
    )
    return results_from_graph(report)


def validate_dir(path: Path, *, write: bool = True, engine: str = "oxigraph") -> ValidationResult:
    """Validate the graph in the build folder ``path``; with ``write``, save validation.txt/.ttl there."""
    path = Path(path)
    result = validate_store(load_store(path), engine=engine)
    if write:
        (path / "validation.txt").write_text(result.text, encoding="utf-8")
        assert result.graph is not None
        (path / "validation.ttl").write_text(result.graph.serialize(format="turtle"), encoding="utf-8")
    return result
