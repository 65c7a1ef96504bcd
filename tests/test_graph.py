"""The graph stage: facts → triples in one named graph per document, deterministic IRIs."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS, XSD

from kg.facts import (
    DocumentFacts,
    DocumentMeta,
    EntityRef,
    Footnote,
    Mention,
    Observation,
    Period,
    Relation,
    Resolution,
    ResolvedEntity,
    Source,
    TableInfo,
    entity_key,
)
from kg.graph import build_dataset, iris
from kg.graph.build import decimal_literal
from kg.graph.namespace import MKG

HECLA = EntityRef("Hecla Mining Company", "Company")
LF = EntityRef("Lucky Friday Unit", "MiningUnit")
BAKER = EntityRef("Phillips S. Baker, Jr.", "Person")
CEO = EntityRef("President and Chief Executive Officer", "Position")
IDAHO = EntityRef("Idaho", "Place")


def _facts() -> tuple[list[DocumentFacts], Resolution]:
    q4 = Period(start=date(2006, 10, 1), end=date(2006, 12, 31))
    obs = (
        Observation(HECLA, "sales", q4, Decimal("70272000"), "USD", -3, Source("a.txt", 540, "table", "t01"),
                    printed="70,272", label="Total sales", footnotes=(Footnote("1", "Includes gold.", 560),)),
        Observation(LF, "reserve-ore-tons", Period(end=date(2006, 12, 31)), Decimal("1361896"), "TON", 0,
                    Source("a.txt", 249, "table", "t02"), category="proven-probable", share=Decimal("1")),
        Observation(LF, "silver-produced", Period(start=date(2006, 1, 1), end=date(2006, 12, 31)), Decimal("2.9E6"),
                    "OZ", -5, Source("a.txt", 118, "prose"), estimate=False),
    )
    rels = (
        Relation(BAKER, "holdsPosition", CEO, Source("a.txt", 19, "prose"), value="Hecla Mining Company",
                 date=date(2007, 2, 21)),
        Relation(LF, "locatedIn", IDAHO, Source("a.txt", 118, "prose")),
        Relation(HECLA, "ownershipInterest", LF, Source("a.txt", 157, "prose"), value="100", value_decimals=0),
    )
    doc = DocumentFacts(
        doc="a.txt", doc_id="a", meta=DocumentMeta(title="T", release_date=date(2007, 2, 21), company=HECLA.label),
        sha256="00", observations=obs, mentions=(Mention("a.txt", 118, LF, "Lucky Friday Unit"),), relations=rels,
        tables=(TableInfo("t01", "highlights", "HIGHLIGHTS", 530, 600, "(dollars in thousands)"),),
    )
    other = DocumentFacts(doc="b.txt", doc_id="b", meta=DocumentMeta(), mentions=(Mention("b.txt", 3, LF, "Lucky Friday"),))
    refs = [HECLA, LF, BAKER, CEO, IDAHO]
    entities = tuple(ResolvedEntity(entity_key(r.type, r.label), r.label, r.type) for r in refs)
    resolution = Resolution(entities, {r: e.key for r, e in zip(refs, entities, strict=True)})
    return [doc, other], resolution


def test_one_named_graph_per_document_plus_shared() -> None:
    facts, resolution = _facts()
    ds = build_dataset(facts, resolution)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert {str(iris.named_graph("a")), str(iris.named_graph("b")), str(iris.SHARED_GRAPH)} <= names


def test_observation_triples() -> None:
    facts, resolution = _facts()
    ds = build_dataset(facts, resolution)
    g = ds.graph(iris.named_graph("a"))
    node = iris.observation("a", 540, 0)
    assert (node, RDF.type, MKG.Observation) in g
    assert (node, MKG.value, Literal("70272000", datatype=XSD.decimal)) in g
    assert (node, MKG.decimals, Literal("-3", datatype=XSD.integer)) in g
    assert (node, MKG.sourceLine, Literal("540", datatype=XSD.integer)) in g
    assert (node, PROV.wasDerivedFrom, iris.document("a")) in g
    assert (node, MKG.metric, iris.metric("sales")) in g
    assert (node, MKG.footnote, iris.footnote("a", 560, "1")) in g
    reserve = iris.observation("a", 249, 0)
    assert (reserve, MKG.category, MKG.ProvenProbable) in g
    assert (reserve, MKG.period, iris.instant("2006-12-31")) in g
    shared = ds.graph(iris.SHARED_GRAPH)
    q4 = iris.period(Period(start=date(2006, 10, 1), end=date(2006, 12, 31)))
    assert (q4, MKG.startDate, Literal("2006-10-01", datatype=XSD.date)) in shared
    assert (iris.entity("miningunit/lucky-friday-unit"), SKOS.prefLabel, Literal("Lucky Friday Unit")) in shared
    assert (iris.entity("miningunit/lucky-friday-unit"), RDFS.label, Literal("Lucky Friday Unit")) in shared


def test_relations_are_direct_triples_statements_and_memberships() -> None:
    facts, resolution = _facts()
    g = build_dataset(facts, resolution).graph(iris.named_graph("a"))
    lf, idaho = iris.entity("miningunit/lucky-friday-unit"), iris.entity("place/idaho")
    assert (lf, MKG.locatedIn, idaho) in g
    statements = list(g.subjects(RDF.predicate, MKG.ownershipInterest))
    assert len(statements) == 1 and (statements[0], MKG.value, Literal("100")) in g
    memberships = list(g.subjects(RDF.type, ORG.Membership))
    assert len(memberships) == 1
    m = memberships[0]
    assert (m, ORG.member, iris.entity("person/phillips-s-baker-jr")) in g
    assert (m, ORG.organization, iris.entity("company/hecla-mining-company")) in g


def test_iris_are_deterministic() -> None:
    facts, resolution = _facts()
    a = sorted(build_dataset(facts, resolution).quads())
    b = sorted(build_dataset(list(reversed(facts)), resolution).quads())
    assert a == b


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**12, max_value=10**12))
def test_decimal_literal_is_canonical_and_exact(value: Decimal) -> None:
    lit = decimal_literal(value)
    text = str(lit)
    assert "E" not in text.upper() and not text.startswith("+")
    assert Decimal(text) == value
    assert text == "0" or not (("." in text) and text.endswith("0"))


def test_minted_metric_gets_one_preferred_label() -> None:
    facts, resolution = _facts()
    period = Period(start=date(2006, 1, 1), end=date(2006, 12, 31))
    extra = tuple(
        Observation(HECLA, "x-operations-other", period, Decimal(n), "USD", -3, Source("a.txt", 600 + n, "table", "t01"),
                    label=label, mapped=False)
        for n, label in enumerate(["Other operating expense", "Other expense", "Other operating expenses"])
    )
    facts[0] = DocumentFacts(**{**facts[0].__dict__, "observations": facts[0].observations + extra})
    shared = build_dataset(facts, resolution).graph(iris.SHARED_GRAPH)
    metric = iris.metric("x-operations-other")
    assert list(shared.objects(metric, SKOS.prefLabel)) == [Literal("Other expense")]
    assert len(list(shared.objects(metric, SKOS.altLabel))) == 2


def test_a_relation_dated_to_the_month_is_a_gyearmonth() -> None:
    """"In July, ... appointed" is July, not July 1st: month precision becomes xsd:gYearMonth,
    on the statement and on the membership."""
    facts, resolution = _facts()
    [doc, other] = facts
    july = Relation(BAKER, "holdsPosition", CEO, Source("a.txt", 390, "prose"), value="Hecla Mining Company",
                    date=date(2007, 7, 1), date_precision="month")
    doc = dataclasses.replace(doc, relations=(july,))
    g = build_dataset([doc, other], resolution).graph(iris.named_graph("a"))
    dates = set(g.objects(None, MKG.date))
    assert dates == {Literal("2007-07", datatype=XSD.gYearMonth)}
    assert len(list(g.subject_objects(MKG.date))) == 2  # the statement and the membership


def test_a_relation_dated_to_the_year_is_a_gyear() -> None:
    facts, resolution = _facts()
    [doc, other] = facts
    bought = Relation(HECLA, "acquired", LF, Source("a.txt", 439, "prose"), date=date(2006, 1, 1), date_precision="year")
    doc = dataclasses.replace(doc, relations=(bought,))
    g = build_dataset([doc, other], resolution).graph(iris.named_graph("a"))
    assert set(g.objects(None, MKG.date)) == {Literal("2006", datatype=XSD.gYear)}


def test_a_relations_kind_and_a_figures_bound_are_written() -> None:
    """A royalty is an ownershipInterest of kind royalty (a query tells it from equity); "more
    than 3 million ounces" is a lower bound; a table subject joined in its document cites the
    entity its prose names."""
    facts, resolution = _facts()
    doc = facts[0]
    royalty = Relation(HECLA, "ownershipInterest", LF, Source("a.txt", 160, "prose"), value="3.0", value_decimals=1,
                       kind="royalty")
    more = Observation(LF, "silver-produced", Period(start=date(2006, 1, 1), end=date(2006, 12, 31)), Decimal("3E6"),
                       "OZ", -6, Source("a.txt", 170, "prose"), bound="lower")
    heading = EntityRef("Lucky Friday", "MiningUnit")
    row = Observation(heading, "silver-produced", Period(start=date(2006, 1, 1), end=date(2006, 12, 31)),
                      Decimal("2900000"), "OZ", 0, Source("a.txt", 180, "table"))
    doc = dataclasses.replace(doc, relations=(*doc.relations, royalty), observations=(*doc.observations, more, row))
    resolution = dataclasses.replace(resolution, index={**resolution.index, heading: "miningunit/other"},
                                     by_doc={("a.txt", heading): resolution.index[LF]})
    g = build_dataset([doc, facts[1]], resolution).graph(iris.named_graph("a"))
    kinds = {str(o) for s, p, o in g.triples((None, MKG.relationKind, None))}
    assert kinds == {"royalty"}
    assert (iris.observation("a", 170, 0), MKG.valueBound, Literal("lower")) in g
    assert (iris.observation("a", 180, 0), MKG.subject, iris.entity("miningunit/lucky-friday-unit")) in g
