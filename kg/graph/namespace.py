"""The project's own vocabularies as rdflib namespaces.

Input: nothing. Output: ``MKG`` (ontology terms, a DefinedNamespace whose
misspelt terms raise), ``METRIC``, ``UNIT`` and ``KGID`` (data IRIs).
tests/test_namespace.py checks ``MKG`` against ontology/mining.ttl both ways.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/mining-kg/"


class MKG(DefinedNamespace):
    """Terms of ontology/mining.ttl."""

    _NS = Namespace(BASE + "def#")
    _fail = True

    Commodity: URIRef
    Company: URIRef
    Document: URIRef
    DrillHole: URIRef
    Entity: URIRef
    Extractor: URIRef
    Facility: URIRef
    Footnote: URIRef
    Indicated: URIRef
    Inferred: URIRef
    Interval: URIRef
    Measured: URIRef
    MeasuredIndicated: URIRef
    Mention: URIRef
    Metric: URIRef
    Mine: URIRef
    MineralizedMaterial: URIRef
    MiningUnit: URIRef
    Observation: URIRef
    OreBody: URIRef
    Organization: URIRef
    OtherResources: URIRef
    Period: URIRef
    Person: URIRef
    Place: URIRef
    Position: URIRef
    Probable: URIRef
    Project: URIRef
    Property: URIRef
    ProseExtractor: URIRef
    Proven: URIRef
    ProvenProbable: URIRef
    RelationStatement: URIRef
    ResourceCategory: URIRef
    Segment: URIRef
    Table: URIRef
    TableExtractor: URIRef
    Unit: URIRef
    UnmappedMetric: URIRef
    UnreadNumber: URIRef
    acquired: URIRef
    categories: URIRef
    category: URIRef
    columnLabel: URIRef
    date: URIRef
    decimals: URIRef
    distanceFrom: URIRef
    endDate: URIRef
    extractedBy: URIRef
    fileName: URIRef
    firstLine: URIRef
    footnote: URIRef
    holdsPosition: URIRef
    interval: URIRef
    isEstimate: URIRef
    jointVenturePartner: URIRef
    lastLine: URIRef
    locatedIn: URIRef
    marker: URIRef
    mentionOf: URIRef
    metric: URIRef
    numbersPrinted: URIRef
    operatedBy: URIRef
    ownershipInterest: URIRef
    partOf: URIRef
    period: URIRef
    periodEnded: URIRef
    periodKind: URIRef
    priceBasis: URIRef
    printedValue: URIRef
    producedAt: URIRef
    reason: URIRef
    reflectsShare: URIRef
    relationKind: URIRef
    releaseDate: URIRef
    reportingCompany: URIRef
    rowLabel: URIRef
    scale: URIRef
    sha256: URIRef
    sold: URIRef
    soldTo: URIRef
    sourceLine: URIRef
    startDate: URIRef
    subject: URIRef
    subsidiaryOf: URIRef
    surfaceText: URIRef
    table: URIRef
    tableKind: URIRef
    ticker: URIRef
    unit: URIRef
    unitGuessed: URIRef
    lineItem: URIRef
    unreadNumber: URIRef
    value: URIRef
    valueBound: URIRef
    valueDecimals: URIRef
    within: URIRef


METRIC = Namespace(BASE + "metric/")
UNIT = Namespace(BASE + "unit/")
KGID = Namespace(BASE + "id/")
SHAPES = Namespace(BASE + "shapes#")  # the SHACL shapes of shapes/*.ttl
ONTOLOGY = URIRef(BASE + "def")

PREFIXES: dict[str, str] = {
    "mkg": str(MKG._NS),
    "metric": str(METRIC),
    "kgunit": str(UNIT),
    "kgid": str(KGID),
}
