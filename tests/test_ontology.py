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


def test_every_rate_unit_is_its_numerator_over_its_denominator_with_si_factors() -> None:
    """QUDT's way: a rate's factor units, and SI multipliers of the masses, lengths and days, are
    enough to convert any two units of one kind (1 oz/ton is 34.2857 g/t)."""
    from decimal import Decimal

    from rdflib import Literal, Namespace

    qudt = Namespace("http://qudt.org/schema/qudt/")
    g = Graph()
    g.parse(ROOT / "ontology" / "units.ttl")
    unit = Namespace("https://w3id.org/mining-kg/unit/")
    codes = {str(n) for n in g.objects(None, SKOS.notation)}
    for code in codes:
        factors = {(g.value(f, qudt.hasUnit), int(g.value(f, qudt.exponent))) for f in g.objects(unit[code], qudt.hasFactorUnit)}
        if "-PER-" in code:
            num, den = code.split("-PER-", 1)
            assert factors == {(unit[num], 1), (unit[{"SHARE": "SHARES"}.get(den, den)], -1)}, code
        else:
            assert not factors, code

    def si(code: str) -> Decimal:
        out = Decimal(1)
        for f in g.objects(unit[code], qudt.hasFactorUnit):
            m = g.value(g.value(f, qudt.hasUnit), qudt.conversionMultiplier)
            assert isinstance(m, Literal), (code, g.value(f, qudt.hasUnit))
            out *= Decimal(str(m)) ** int(g.value(f, qudt.exponent))
        return out

    assert (si("OZ-PER-TON") / si("G-PER-TONNE")).quantize(Decimal("0.0001")) == Decimal("34.2857")
    assert (si("TON-PER-DAY") / si("TONNE-PER-DAY")).quantize(Decimal("0.00000001")) == Decimal("0.90718474")
