"""Shapes (compiled) + data in a pyoxigraph Store → sh:ValidationReport results.

Input: the NodeShapeSpecs of kg/validate/shapes.py and a pyoxigraph Store
holding the built graph (named graphs queried as their union). Output: a list
of :class:`Result`, the same fields pySHACL writes into a validation report.

Why a second engine: pySHACL runs each SPARQL constraint once per focus node on
rdflib's SPARQL engine, which takes minutes on large graphs (see bench/validate.py).
Here each sh:select runs once on Oxigraph with ``$this`` left unbound, and the
solutions are kept for the shape's focus nodes. That equals SHACL's pre-binding
because the shapes obey SHACL's pre-binding rules (no VALUES, MINUS or
subqueries hiding ``$this``; pySHACL refuses the first two). Core property
constraints are evaluated from index scans, never with SPARQL text.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from kg.validate.shapes import NodeShapeSpec, PropertySpec

log = logging.getLogger(__name__)

Term = URIRef | BNode | Literal
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Result:
    """One sh:ValidationResult."""

    focus: Term
    severity: URIRef
    message: str
    source_shape: URIRef
    component: URIRef
    path: URIRef | None = None
    value: Term | None = None
    source_constraint: URIRef | BNode | None = None


def to_rdflib(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def to_oxigraph(term: object) -> ox.NamedNode | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    return ox.BlankNode(str(term))


class OxigraphEngine:
    """Evaluate compiled shapes over one Store."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._values: dict[URIRef, dict[OxTerm, set[OxTerm]]] = {}
        self._focus: dict[URIRef, set[OxTerm]] = {}

    # ---------------------------------------------------------- data access

    def query(self, text: str) -> Iterable[ox.QuerySolution]:
        return self.store.query(text, use_default_graph_as_union=True)

    def values_of(self, path: URIRef) -> dict[OxTerm, set[OxTerm]]:
        """subject → objects of ``path`` over all graphs (one scan per predicate, cached).

        Kept as pyoxigraph terms: converting a million literals to rdflib costs more
        than every query together; only the terms of results are converted.
        """
        cached = self._values.get(path)
        if cached is None:
            cached = defaultdict(set)
            for q in self.store.quads_for_pattern(None, ox.NamedNode(str(path)), None, None):
                cached[q.subject].add(q.object)
            self._values[path] = cached
        return cached

    def focus_nodes(self, shape: NodeShapeSpec) -> set[OxTerm]:
        """The shape's focus nodes (computed once per shape and engine)."""
        cached = self._focus.get(shape.node)
        if cached is not None:
            return cached
        nodes: set[OxTerm] = {to_oxigraph(n) for n in shape.target_nodes}
        for cls in shape.target_classes:
            c = ox.NamedNode(str(cls))
            nodes.update(q.subject for q in self.store.quads_for_pattern(None, _RDF_TYPE, c, None))
        for text in shape.target_queries:
            for row in self.query(text):
                this = row["this"]
                if this is not None:
                    nodes.add(this)
        self._focus[shape.node] = nodes
        return nodes

    def not_evaluable(self, shape: NodeShapeSpec) -> dict[Term, str]:
        """Focus node → why its identity cannot be evaluated, from the shape's census queries
        (the first reason in sort order when several are given, so the counts are stable)."""
        focus = self.focus_nodes(shape)
        out: dict[Term, str] = {}
        for census in shape.census:
            for row in self.query(census.query):
                this, reason = row["this"], row["reason"]
                if this is None or this not in focus:
                    continue
                f, why = to_rdflib(this), reason.value if reason is not None else "not evaluable"
                if f not in out or why < out[f]:
                    out[f] = why
        return out

    # ---------------------------------------------------------- evaluation

    def validate(self, shapes: Iterable[NodeShapeSpec]) -> list[Result]:
        results: list[Result] = []
        for shape in shapes:
            focus = self.focus_nodes(shape)
            if not focus:
                continue
            for prop in shape.properties:
                results.extend(self._property(prop, focus))
            for constraint in shape.sparql:
                results.extend(
                    self._sparql(shape, constraint.node, constraint.query, constraint.message, focus)
                )
        return results

    def _property(self, prop: PropertySpec, focus: set[OxTerm]) -> Iterable[Result]:
        values = self.values_of(prop.path)

        def result(node: OxTerm, component: URIRef, value: OxTerm | None = None) -> Result:
            v = to_rdflib(value) if value is not None else None
            return Result(to_rdflib(node), prop.severity, prop.message, prop.node, component, prop.path, v)

        for param, arg in prop.constraints:
            if param == SH.minCount:
                n = int(arg)
                yield from (
                    result(f, SH.MinCountConstraintComponent) for f in focus if len(values.get(f, ())) < n
                )
            elif param == SH.maxCount:
                n = int(arg)
                yield from (
                    result(f, SH.MaxCountConstraintComponent) for f in focus if len(values.get(f, ())) > n
                )
            elif param == SH.datatype:
                datatype = ox.NamedNode(str(arg))
                for f in focus:
                    for v in values.get(f, ()):
                        if not (isinstance(v, ox.Literal) and v.datatype == datatype and _well_formed(v)):
                            yield result(f, SH.DatatypeConstraintComponent, v)
            elif param == SH.lessThanOrEquals:
                others = self.values_of(arg)
                for f in focus:
                    for v in values.get(f, ()):
                        for w in others.get(f, ()):
                            if not _less_or_equal(to_rdflib(v), to_rdflib(w)):
                                yield result(f, SH.LessThanOrEqualsConstraintComponent, v)

    def _sparql(
        self, shape: NodeShapeSpec, node: URIRef | BNode, text: str, message: str, focus: set[OxTerm]
    ) -> Iterable[Result]:
        seen = set()
        solutions = self.query(text)
        names = {v.value for v in solutions.variables}
        for row in solutions:
            this = row["this"]
            if this is None or this not in focus:
                continue
            f = to_rdflib(this)
            value = row["value"] if "value" in names else None
            v = to_rdflib(value) if value is not None else f
            path = row["path"] if "path" in names else None
            msg = row["message"] if "message" in names else None
            key = (f, v, path, msg)
            if key in seen:
                continue
            seen.add(key)
            yield Result(
                focus=f,
                severity=shape.severity,
                message=msg.value if msg is not None else message,
                source_shape=shape.node,
                component=SH.SPARQLConstraintComponent,
                path=URIRef(path.value) if path is not None else None,
                value=v,
                source_constraint=node,
            )


_NUMERIC = {XSD.integer, XSD.decimal, XSD.int, XSD.long}
_RDF_TYPE = ox.NamedNode(str(RDF.type))


_LEXICAL = {
    str(XSD.decimal): re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.date): re.compile(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?"),
}


def _well_formed(value: ox.Literal) -> bool:
    """The literal's lexical form is valid for its datatype (checked for the datatypes the shapes use)."""
    pattern = _LEXICAL.get(value.datatype.value)
    return pattern is None or pattern.fullmatch(value.value) is not None


def _less_or_equal(a: Term, b: Term) -> bool:
    if not (isinstance(a, Literal) and isinstance(b, Literal)):
        return False
    if a.datatype in _NUMERIC and b.datatype in _NUMERIC:
        try:
            return Decimal(str(a)) <= Decimal(str(b))
        except InvalidOperation:
            return False
    try:
        return a.toPython() <= b.toPython()
    except TypeError:
        return False
