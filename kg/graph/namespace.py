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

    Actual: URIRef
    AsReported: URIRef
    Basis: URIRef
    Build: URIRef
    Commodity: URIRef
    Company: URIRef
    Document: URIRef
    DrillHole: URIRef
    Entity: URIRef
    Extractor: URIRef
    Facility: URIRef
    Fact: URIRef
    Footnote: URIRef
    Guidance: URIRef
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
    NoCategory: URIRef
    NoInterval: URIRef
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
    Scenario: URIRef
    Segment: URIRef
    Table: URIRef
    TableExtractor: URIRef
    Unit: URIRef
    UnmappedMetric: URIRef
    UnreadNumber: URIRef
    acquired: URIRef
    boundComponent: URIRef
    decimalsComponent: URIRef
    valueComponent: URIRef
    unitComponent: URIRef
    statedUnderComponent: URIRef
    scenarioComponent: URIRef
    basisComponent: URIRef
    categoryComponent: URIRef
    intervalComponent: URIRef
    periodComponent: URIRef
    metricComponent: URIRef
    subjectComponent: URIRef
    basis: URIRef
    categories: URIRef
    category: URIRef
    columnLabel: URIRef
    date: URIRef
    decimals: URIRef
    distanceFrom: URIRef
    endDate: URIRef
    extractedBy: URIRef
    factBound: URIRef
    factCategory: URIRef
    factDecimals: URIRef
    factInterval: URIRef
    factMetric: URIRef
    factPeriod: URIRef
    factStructure: URIRef
    factSubject: URIRef
    factUnit: URIRef
    factValue: URIRef
    fileName: URIRef
    firstLine: URIRef
    footnote: URIRef
    holdsPosition: URIRef
    interval: URIRef
    intervalFactStructure: URIRef
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
    printingOf: URIRef
    producedAt: URIRef
    reason: URIRef
    reflectsShare: URIRef
    relationKind: URIRef
    releaseDate: URIRef
    reportingCompany: URIRef
    rowLabel: URIRef
    scale: URIRef
    scenario: URIRef
    scenarios: URIRef
    setting: URIRef
    sha256: URIRef
    softwareVersion: URIRef
    sold: URIRef
    soldTo: URIRef
    sourceLine: URIRef
    startDate: URIRef
    statedUnder: URIRef
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
    "kgmetric": str(METRIC),
    "kgunit": str(UNIT),
    "kgid": str(KGID),
}
