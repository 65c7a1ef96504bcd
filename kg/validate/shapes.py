"""Shapes files → a compiled, engine-neutral description of every check.

Input: the Turtle files of ``shapes/`` (SHACL core and SHACL-SPARQL, prefixes
declared with ``sh:declare``). Output: an rdflib Graph of the shapes (for the
pySHACL reference engine) and a tuple of :class:`NodeShapeSpec` (for the fast
Oxigraph engine): targets, core property constraints and SPARQL constraints
with their prefixes already prepended, and each shape's census queries
(``mkgsh:notEvaluable``: the focus nodes whose identity cannot be evaluated, and
why), which both engines' reports count. No SPARQL text lives here: every query
is taken from the shapes graph.

Load-time errors say how to fix the shape (an unnamed shape, a missing
message or severity, a constraint the fast engine does not implement).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import ConfigError
from kg.graph.namespace import SHAPES
from kg.resources import data_dir

log = logging.getLogger(__name__)

# Core components the Oxigraph engine evaluates itself; anything else is refused
# at load time (use engine="pyshacl" or add the component to kg/validate/engine.py).
CORE_COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
_IGNORED = {RDF.type, RDFS.label, RDFS.comment, SH.path, SH.severity, SH.message, SH.name, SH.description}
# A shape's census: a SELECT of ?this and ?reason for the focus nodes whose identity cannot be evaluated
# (a term is not printed, or printed twice with different values). Not SHACL: validation ignores it.
NOT_EVALUABLE = SHAPES.notEvaluable


@dataclass(frozen=True)
class SparqlConstraint:
    node: URIRef | BNode
    query: str  # prefixes prepended
    message: str


@dataclass(frozen=True)
class CensusQuery:
    node: URIRef
    query: str  # prefixes prepended; projects ?this and ?reason


@dataclass(frozen=True)
class PropertySpec:
    node: URIRef
    path: URIRef
    severity: URIRef
    message: str
    constraints: tuple[tuple[URIRef, object], ...]  # (constraint parameter, its value)


@dataclass(frozen=True)
class NodeShapeSpec:
    node: URIRef
    severity: URIRef
    message: str
    target_classes: tuple[URIRef, ...]
    target_nodes: tuple[URIRef, ...]
    target_queries: tuple[str, ...]
    properties: tuple[PropertySpec, ...]
    sparql: tuple[SparqlConstraint, ...]
    census: tuple[CensusQuery, ...] = ()

    @property
    def name(self) -> str:
        return local_name(self.node)


def local_name(node: object) -> str:
    text = str(node)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


def shapes_files(folder: Path | None = None) -> list[Path]:
    folder = folder or data_dir("shapes")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ConfigError(f"no shapes (*.ttl) found in {folder}")
    return files


@cache
def shapes_graph(folder: Path | None = None) -> Graph:
    """All shapes files parsed into one graph (cached: treat as read-only)."""
    g = Graph()
    for path in shapes_files(folder):
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # a syntax error must name the file
            raise ConfigError(f"cannot parse shapes file {path.name}: {exc}") from exc
    return g


def _prefix_header(g: Graph, constraint: URIRef | BNode) -> str:
    lines = []
    for ontology in g.objects(constraint, SH.prefixes):
        for decl in g.objects(ontology, SH.declare):
            prefix = g.value(decl, SH.prefix)
            namespace = g.value(decl, SH.namespace)
            if prefix is None or namespace is None:
                raise ConfigError(f"sh:declare of {ontology} needs sh:prefix and sh:namespace")
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _one(g: Graph, node: object, prop: URIRef, what: str) -> object:
    values = list(g.objects(node, prop))
    if len(values) != 1:
        raise ConfigError(f"shape {local_name(node)} needs exactly one {what} (found {len(values)})")
    return values[0]


def _message(g: Graph, node: object) -> str:
    return str(_one(g, node, SH.message, "sh:message"))


def _check_named(g: Graph, node: object) -> URIRef:
    if not isinstance(node, URIRef):
        raise ConfigError("shapes must be named IRIs, not blank nodes: give the shape an IRI in mkgsh:")
    if g.value(node, RDFS.comment) is None:
        raise ConfigError(f"shape {local_name(node)} needs an rdfs:comment saying what it checks")
    return node


def _property_spec(g: Graph, node: object) -> PropertySpec:
    node = _check_named(g, node)
    path = _one(g, node, SH.path, "sh:path")
    if not isinstance(path, URIRef):
        raise ConfigError(f"property shape {local_name(node)}: only predicate paths are supported")
    constraints = []
    for p, o in sorted(g.predicate_objects(node)):
        if p in CORE_COMPONENTS:
            constraints.append((p, o))
        elif p not in _IGNORED:
            raise ConfigError(
                f"property shape {local_name(node)} uses {p}, which the Oxigraph engine does not implement; "
                "express it as SHACL-SPARQL or add it to kg/validate/engine.py"
            )
    return PropertySpec(
        node=node,
        path=path,
        severity=_one(g, node, SH.severity, "sh:severity"),
        message=_message(g, node),
        constraints=tuple(constraints),
    )


def _select(g: Graph, node: object) -> str:
    return _prefix_header(g, node) + str(_one(g, node, SH.select, "sh:select"))


def compile_shapes(g: Graph) -> tuple[NodeShapeSpec, ...]:
    """Every sh:NodeShape of ``g`` as a NodeShapeSpec, sorted by name."""
    specs = []
    for node in sorted(set(g.subjects(RDF.type, SH.NodeShape))):
        node = _check_named(g, node)
        targets = []
        for t in g.objects(node, SH.target):
            if (t, RDF.type, SH.SPARQLTarget) not in g:
                raise ConfigError(
                    f"shape {local_name(node)}: only sh:SPARQLTarget custom targets are supported"
                )
            targets.append(_select(g, t))
        sparql = tuple(
            SparqlConstraint(c, _select(g, c), _message(g, c)) for c in sorted(g.objects(node, SH.sparql))
        )
        props = tuple(_property_spec(g, p) for p in sorted(g.objects(node, SH.property)))
        census = tuple(
            CensusQuery(_check_named(g, c), _select(g, c)) for c in sorted(g.objects(node, NOT_EVALUABLE))
        )
        specs.append(
            NodeShapeSpec(
                node=node,
                severity=_one(g, node, SH.severity, "sh:severity"),
                message=_message(g, node),
                target_classes=tuple(sorted(g.objects(node, SH.targetClass))),
                target_nodes=tuple(sorted(g.objects(node, SH.targetNode))),
                target_queries=tuple(targets),
                properties=props,
                sparql=sparql,
                census=census,
            )
        )
    return tuple(specs)
