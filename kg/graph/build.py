"""Facts → rdflib Dataset (see kg/graph/__init__.py for the stage's contract).

Each document's facts go into its own named graph (provenance); resolved
entities, periods and minted metrics, which belong to no single document, go
into the shared graph ``kgid:graph/shared``. Values are ``xsd:decimal`` in base
units; line numbers ``xsd:integer``; dates ``xsd:date``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, QB, RDF, RDFS, SKOS, TIME, XSD

from kg.facts import (
    DocumentFacts,
    EntityRef,
    FactIndex,
    Observation,
    Period,
    Relation,
    Resolution,
    ResolvedFact,
)
from kg.graph import iris
from kg.graph.namespace import METRIC, MKG, PREFIXES

log = logging.getLogger(__name__)

Triple = tuple[URIRef, URIRef, object]

_EXTRACTOR = {"table": MKG.TableExtractor, "prose": MKG.ProseExtractor}


def decimal_literal(value: Decimal) -> Literal:
    """A canonical xsd:decimal literal: no exponent, no trailing zeros, '-0' → '0'."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return Literal(text, datatype=XSD.decimal)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def _date(d: object) -> Literal:
    return Literal(str(d), datatype=XSD.date)


def _stated_date(r: Relation) -> Literal:
    """A relation's date to the precision the text gave: "In April 2007" is xsd:gYearMonth 2007-04,
    "during 2006" xsd:gYear 2006, not a day nobody stated."""
    if r.date_precision == "month" and isinstance(r.date, date):
        return Literal(f"{r.date.year:04d}-{r.date.month:02d}", datatype=XSD.gYearMonth)
    if r.date_precision == "year" and isinstance(r.date, date):
        return Literal(f"{r.date.year:04d}", datatype=XSD.gYear)
    return _date(r.date)


def _str(text: str) -> Literal:
    return Literal(text)


@dataclass(frozen=True)
class BuildInfo:
    """How a build was made, for its PROV activity: no clock time, so rebuilds stay byte-identical."""

    version: str
    settings: tuple[tuple[str, str], ...] = ()  # (name, value) of every setting the build ran with


def build_dataset(
    facts: Sequence[DocumentFacts],
    resolution: Resolution,
    fact_index: FactIndex | None = None,
    build: BuildInfo | None = None,
) -> Dataset:
    """Return the knowledge graph of all documents as a Dataset: their facts (``fact_index``,
    resolved from ``facts`` when not given) and, with ``build``, the PROV activity that made it."""
    if fact_index is None:
        from kg.resolve import resolve_facts

        fact_index = resolve_facts(facts, resolution)
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for prefix, ns in (("qb", QB), ("prov", PROV), ("time", TIME), ("org", ORG), ("skos", SKOS), ("dcterms", DCTERMS)):
        ds.bind(prefix, ns)

    shared: set[Triple] = set()
    for e in resolution.entities:
        node = iris.entity(e.key)
        shared.add((node, RDF.type, MKG[e.type]))
        if e.type == "Position":
            shared.add((node, RDF.type, ORG.Role))
        shared.add((node, RDFS.label, _str(e.label)))
        shared.add((node, SKOS.prefLabel, _str(e.label)))
        for alias in e.aliases:
            if alias != e.label:
                shared.add((node, SKOS.altLabel, _str(alias)))

    for doc in sorted(facts, key=lambda f: f.doc):
        graph_iri = iris.named_graph(doc.doc_id)
        triples = list(_document_triples(doc, resolution, shared, fact_index))
        g = ds.graph(graph_iri)
        g.addN((s, p, o, g) for s, p, o in triples)
    _pick_preferred_labels(shared)
    by_doc = {f.doc: f.doc_id for f in facts}
    for rf in fact_index.facts:
        shared.update(_fact_triples(rf, by_doc, shared))
    if build is not None:
        shared.update(_build_triples(build, facts))
    sg = ds.graph(iris.SHARED_GRAPH)
    sg.addN((s, p, o, sg) for s, p, o in shared)
    return ds


def _pick_preferred_labels(shared: set[Triple]) -> None:
    """Give each minted metric exactly one skos:prefLabel: its shortest label (then
    alphabetical), so the choice does not depend on document order."""
    labels: dict[URIRef, list[str]] = defaultdict(list)
    minted = {s for s, p, o in shared if p == RDF.type and o == MKG.UnmappedMetric}
    for s, p, o in shared:
        if p == SKOS.altLabel and s in minted:
            labels[s].append(str(o))
    for metric, names in labels.items():
        best = min(names, key=lambda n: (len(n), n))
        shared.discard((metric, SKOS.altLabel, _str(best)))
        shared.add((metric, SKOS.prefLabel, _str(best)))


def _fact_triples(rf: ResolvedFact, doc_ids: dict[str, str], shared: set[Triple]) -> Iterable[Triple]:
    """A fact as an observation of the RDF Data Cube: every dimension of its data set's structure
    has a value (a "none" code where nothing applies), its value is the measure."""
    node = iris.fact(rf.key)
    yield node, RDF.type, MKG.Fact
    yield node, RDF.type, QB.Observation
    yield node, MKG.factSubject, iris.entity(rf.subject)
    yield node, MKG.factMetric, iris.metric(rf.metric)
    if rf.period is not None:
        yield node, MKG.factPeriod, _period_triples(rf.period, shared)
    else:
        if rf.interval:
            doc, _, key = rf.interval.partition("/")
            yield node, MKG.factInterval, iris.interval(doc, key)
        else:
            yield node, MKG.factInterval, MKG.NoInterval
    yield node, MKG.factCategory, iris.category(rf.category) if rf.category else MKG.NoCategory
    basis = iris.basis(rf.share, rf.basis)
    yield node, MKG.basis, basis
    if basis != MKG.AsReported:
        yield basis, RDF.type, MKG.Basis
        label = ", ".join(
            ([f"{format((rf.share * 100).normalize(), 'f')}% share"] if rf.share is not None else [])
            + ([rf.basis] if rf.basis else [])
        )
        yield basis, RDFS.label, _str(label)
        if rf.share is not None:
            yield basis, MKG.reflectsShare, decimal_literal(rf.share)
        if rf.basis:
            yield basis, MKG.priceBasis, _str(rf.basis)
    yield node, MKG.scenario, MKG.Guidance if rf.estimate else MKG.Actual
    yield node, MKG.statedUnder, _str(rf.context)
    yield node, MKG.factUnit, iris.unit(rf.unit)
    yield node, MKG.factValue, decimal_literal(rf.value)
    yield node, MKG.factDecimals, _int(rf.decimals)
    if rf.bound:
        yield node, MKG.factBound, _str(rf.bound)
    dataset, structure, label = (
        (iris.FACT_DATASET, MKG.factStructure, "Facts over periods")
        if rf.period is not None
        else (iris.INTERVAL_FACT_DATASET, MKG.intervalFactStructure, "Facts with no period")
    )
    yield node, QB.dataSet, dataset
    yield dataset, RDF.type, QB.DataSet
    yield dataset, QB.structure, structure
    yield dataset, RDFS.label, _str(label)


def _build_triples(build: BuildInfo, facts: Sequence[DocumentFacts]) -> Iterable[Triple]:
    """The build as a PROV activity: the software and its version, the documents it used (their
    SHA-256 is on each document) and the settings; no time, so the same inputs give the same bytes."""
    node = iris.BUILD
    yield node, RDF.type, MKG.Build
    yield node, RDF.type, PROV.Activity
    yield node, RDFS.label, _str(f"kg build (mining-kg {build.version})")
    yield node, MKG.softwareVersion, _str(build.version)
    yield node, PROV.wasAssociatedWith, MKG.TableExtractor
    yield node, PROV.wasAssociatedWith, MKG.ProseExtractor
    for f in facts:
        yield node, PROV.used, iris.document(f.doc_id)
    for name, value in build.settings:
        s = iris.setting(name)
        yield node, MKG.setting, s
        yield s, RDFS.label, _str(name)
        yield s, RDF.value, _str(value)


def _document_triples(
    doc: DocumentFacts, resolution: Resolution, shared: set[Triple], fact_index: FactIndex
) -> Iterable[Triple]:
    d = iris.document(doc.doc_id)
    yield d, RDF.type, MKG.Document
    yield d, MKG.fileName, _str(doc.doc)
    if doc.meta.title:
        yield d, DCTERMS.title, _str(doc.meta.title)
    if doc.meta.release_date:
        yield d, MKG.releaseDate, _date(doc.meta.release_date)
    if doc.meta.period_end:
        yield d, MKG.periodEnded, _date(doc.meta.period_end)
    if doc.sha256:
        yield d, MKG.sha256, _str(doc.sha256)
    if doc.meta.company:
        ref = EntityRef(doc.meta.company, "Company")
        if ref in resolution.index:
            company = iris.entity(resolution.index[ref])
            yield d, MKG.reportingCompany, company
            if doc.meta.ticker:
                shared.add((company, MKG.ticker, _str(doc.meta.ticker)))

    for t in doc.tables:
        node = iris.table(doc.doc_id, t.id)
        yield node, RDF.type, MKG.Table
        yield node, MKG.tableKind, _str(t.kind)
        if t.caption:
            yield node, RDFS.label, _str(t.caption)
        if t.scale:
            yield node, MKG.scale, _str(t.scale)
        yield node, MKG.firstLine, _int(t.first_line)
        yield node, MKG.lastLine, _int(t.last_line)
        yield node, MKG.numbersPrinted, _int(t.numbers)
        yield node, PROV.wasDerivedFrom, d
        for k, u in enumerate(t.unread):
            unread = iris.unread(doc.doc_id, t.id, k)
            yield node, MKG.unreadNumber, unread
            yield unread, RDF.type, MKG.UnreadNumber
            yield unread, MKG.printedValue, _str(u.printed)
            yield unread, MKG.sourceLine, _int(u.line)
            yield unread, MKG.reason, _str(u.reason)
            yield unread, PROV.wasDerivedFrom, d

    per_line: dict[int, int] = defaultdict(int)
    for i, obs in enumerate(doc.observations):
        k = per_line[obs.source.line]
        per_line[obs.source.line] += 1
        node = iris.observation(doc.doc_id, obs.source.line, k)
        yield from _observation_triples(doc, obs, node, d, resolution, shared)
        yield node, MKG.printingOf, iris.fact(fact_index.of[(doc.doc, i)])

    for k, m in enumerate(doc.mentions):
        node = iris.mention(doc.doc_id, k)
        yield node, RDF.type, MKG.Mention
        yield node, MKG.mentionOf, iris.entity(resolution.key(m.entity, doc.doc))
        yield node, PROV.wasDerivedFrom, d
        yield node, MKG.sourceLine, _int(m.line)
        yield node, MKG.surfaceText, _str(m.text)

    for r in doc.relations:
        s = iris.entity(resolution.key(r.subject, doc.doc))
        o = iris.entity(resolution.key(r.object, doc.doc)) if r.object is not None else None
        p = iris.relation(r.predicate)
        node = iris.statement(doc.doc_id, s, r.predicate, o, r.value, r.source.line)
        yield node, RDF.type, MKG.RelationStatement
        yield node, RDF.subject, s
        yield node, RDF.predicate, p
        if o is not None:
            yield node, RDF.object, o
            yield s, p, o
        if r.value:
            yield node, MKG.value, _str(r.value)
        if r.value_decimals is not None:
            yield node, MKG.valueDecimals, _int(r.value_decimals)
        if r.date:
            yield node, MKG.date, _stated_date(r)
        if r.kind:  # royalty, option, earn-in, equity; former (a post held before)
            yield node, MKG.relationKind, _str(r.kind)
        if r.text:
            yield node, MKG.surfaceText, _str(r.text)
        yield node, MKG.sourceLine, _int(r.source.line)
        yield node, PROV.wasDerivedFrom, d
        yield node, MKG.extractedBy, _EXTRACTOR.get(r.source.extractor, MKG.ProseExtractor)
        if r.predicate == "holdsPosition" and o is not None:
            m = iris.membership(doc.doc_id, s, o, r.value, r.source.line)
            yield m, RDF.type, ORG.Membership
            yield m, ORG.member, s
            yield m, ORG.role, o
            if r.value:
                org_ref = EntityRef(r.value, "Company")
                if org_ref not in resolution.index:
                    org_ref = EntityRef(r.value, "Organization")
                if org_ref in resolution.index:
                    yield m, ORG.organization, iris.entity(resolution.index[org_ref])
            if r.date:
                yield m, MKG.date, _stated_date(r)
            yield m, PROV.wasDerivedFrom, d


def _period_triples(p: Period, shared: set[Triple]) -> URIRef:
    node = iris.period(p)
    if (node, RDF.type, MKG.Period) in shared:
        return node
    shared.add((node, RDF.type, MKG.Period))
    end = iris.instant(p.end.isoformat())
    shared.add((end, RDF.type, TIME.Instant))
    shared.add((end, TIME.inXSDDate, _date(p.end)))
    shared.add((node, MKG.endDate, _date(p.end)))
    if p.start is None:
        return node
    start = iris.instant(p.start.isoformat())
    shared.add((node, RDF.type, TIME.ProperInterval))
    shared.add((start, RDF.type, TIME.Instant))
    shared.add((start, TIME.inXSDDate, _date(p.start)))
    shared.add((node, TIME.hasBeginning, start))
    shared.add((node, TIME.hasEnd, end))
    shared.add((node, MKG.startDate, _date(p.start)))
    return node


def _observation_triples(
    doc: DocumentFacts, obs: Observation, node: URIRef, d: URIRef, resolution: Resolution, shared: set[Triple]
) -> Iterable[Triple]:
    yield node, RDF.type, MKG.Observation
    yield node, MKG.subject, iris.entity(resolution.key(obs.subject, doc.doc))
    metric = iris.metric(obs.metric)
    yield node, MKG.metric, metric
    if not obs.mapped:
        # Several row labels can mint one code; all become altLabels and
        # build_dataset picks one prefLabel per metric afterwards.
        shared.add((metric, RDF.type, MKG.UnmappedMetric))
        shared.add((metric, RDF.type, SKOS.Concept))
        shared.add((metric, SKOS.inScheme, METRIC.scheme))
        shared.add((metric, SKOS.notation, _str(obs.metric)))
        shared.add((metric, SKOS.altLabel, _str(obs.minted_from or obs.label or obs.metric)))
        shared.add((metric, MKG.unit, iris.unit(obs.unit)))
        if obs.period is None:  # a minted metric of a drill table: no period applies to it
            shared.add((metric, MKG.periodKind, Literal("none")))
    if obs.period is not None:
        yield node, MKG.period, _period_triples(obs.period, shared)
    if obs.category:
        yield node, MKG.category, iris.category(obs.category)
    yield node, MKG.value, decimal_literal(obs.value)
    yield node, MKG.unit, iris.unit(obs.unit)
    yield node, MKG.decimals, _int(obs.decimals)
    if obs.printed:
        yield node, MKG.printedValue, _str(obs.printed)
    if obs.label:
        yield node, MKG.rowLabel, _str(obs.label)
    if obs.column:
        yield node, MKG.columnLabel, _str(obs.column)
    if obs.estimate:
        yield node, MKG.isEstimate, Literal(True)
    if obs.bound:  # "more than 3 million ounces": at least the value; "nearly": at most
        yield node, MKG.valueBound, _str(obs.bound)
    if obs.basis:
        yield node, MKG.priceBasis, _str(obs.basis)
    if obs.share is not None:
        yield node, MKG.reflectsShare, decimal_literal(obs.share)
    if obs.unit_guessed:
        yield node, MKG.unitGuessed, Literal(True)
    if obs.context:
        yield node, MKG.lineItem, _str(obs.context)
    if obs.interval:
        interval = iris.interval(doc.doc_id, obs.interval)
        yield node, MKG.interval, interval
        yield interval, RDF.type, MKG.Interval
        if obs.within:
            yield interval, MKG.within, iris.interval(doc.doc_id, obs.within)
    yield node, MKG.sourceLine, _int(obs.source.line)
    yield node, PROV.wasDerivedFrom, d
    yield node, MKG.extractedBy, _EXTRACTOR.get(obs.source.extractor, MKG.TableExtractor)
    if obs.source.table:
        yield node, MKG.table, iris.table(doc.doc_id, obs.source.table)
    for fn in obs.footnotes:
        f = iris.footnote(doc.doc_id, fn.line, fn.marker)
        yield node, MKG.footnote, f
        yield f, RDF.type, MKG.Footnote
        yield f, MKG.marker, _str(fn.marker)
        yield f, RDFS.comment, _str(fn.text)
        yield f, MKG.sourceLine, _int(fn.line)
