"""The ontology folder: every .ttl parses, every term is documented, and the
Python namespace matches the ontology in both directions (STYLE rule 3)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.graph.namespace import MKG, ONTOLOGY

ROOT = Path(__file__).resolve().parents[1]
TTL = sorted((ROOT / "ontology").rglob("*.ttl")) + sorted((ROOT / "shapes").rglob("*.ttl"))


@pytest.mark.parametrize("path", TTL, ids=[p.name for p in TTL])
def test_every_turtle_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def _mining() -> Graph:
    return Graph().parse(ROOT / "ontology" / "mining.ttl", format="turtle")


def test_namespace_matches_ontology_both_ways() -> None:
    g = _mining()
    base = str(MKG._NS)
    in_ontology = {str(s)[len(base):] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(base)}
    in_python = set(MKG.__annotations__)
    assert in_ontology == in_python


def test_misspelt_term_raises() -> None:
    with pytest.raises(AttributeError):
        MKG.Obsrvation  # noqa: B018


def test_every_term_has_label_definition_and_is_defined_by() -> None:
    g = _mining()
    base = str(MKG._NS)
    for term in {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(base)}:
        assert g.value(term, RDFS.label) is not None, term
        assert g.value(term, SKOS.definition) is not None or g.value(term, SKOS.prefLabel) is not None, term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in g, term


def test_metrics_cover_the_contract(shared_dir: Path) -> None:
    path = ROOT / "ontology" / "metrics.ttl"
    if not path.exists():
        pytest.fail("ontology/metrics.ttl is missing")
    g = Graph().parse(path, format="turtle")
    notations = {str(o) for o in g.objects(None, SKOS.notation)}
    with open(shared_dir / "contract" / "metrics.csv", newline="") as f:
        codes = {row["code"] for row in csv.DictReader(f)}
    assert codes <= notations, sorted(codes - notations)
