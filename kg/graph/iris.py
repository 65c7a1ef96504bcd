"""IRI minting, in one place and deterministic (no uuid4): the same fact gets the
same IRI on every rebuild. Input: plain values; output: rdflib URIRefs."""

from __future__ import annotations

import hashlib

from rdflib import URIRef

from kg.facts import Period, slugify
from kg.graph.namespace import KGID, METRIC, MKG, UNIT

CATEGORY = {
    "proven-probable": MKG.ProvenProbable,
    "mineralized-material": MKG.MineralizedMaterial,
    "other-resources": MKG.OtherResources,
    "proven": MKG.Proven,
    "probable": MKG.Probable,
    "measured": MKG.Measured,
    "indicated": MKG.Indicated,
    "measured-indicated": MKG.MeasuredIndicated,
    "inferred": MKG.Inferred,
}

SHARED_GRAPH = KGID["graph/shared"]


def digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def entity(key: str) -> URIRef:
    return KGID[key]


def document(doc_id: str) -> URIRef:
    return KGID[f"document/{doc_id}"]


def named_graph(doc_id: str) -> URIRef:
    return KGID[f"graph/{doc_id}"]


def observation(doc_id: str, line: int, k: int) -> URIRef:
    return KGID[f"observation/{doc_id}/{line}-{k}"]


def table(doc_id: str, table_id: str) -> URIRef:
    return KGID[f"table/{doc_id}/{table_id}"]


def unread(doc_id: str, table_id: str, k: int) -> URIRef:
    return KGID[f"unread/{doc_id}/{table_id}-{k}"]


def interval(doc_id: str, key: str) -> URIRef:
    return KGID[f"interval/{doc_id}/{slugify(key)}"]


def footnote(doc_id: str, line: int, marker: str) -> URIRef:
    return KGID[f"footnote/{doc_id}/{line}-{slugify(marker)}"]


def mention(doc_id: str, k: int) -> URIRef:
    return KGID[f"mention/{doc_id}/{k}"]


def statement(doc_id: str, *parts: object) -> URIRef:
    return KGID[f"statement/{doc_id}/{digest(*parts)}"]


def membership(doc_id: str, *parts: object) -> URIRef:
    return KGID[f"membership/{doc_id}/{digest(*parts)}"]


def instant(day: object) -> URIRef:
    return KGID[f"instant/{day}"]


def period(p: Period) -> URIRef:
    if p.start is None:
        return instant(p.end.isoformat())
    return KGID[f"period/{p.start.isoformat()}--{p.end.isoformat()}"]


def metric(code: str) -> URIRef:
    return METRIC[code]


def unit(code: str) -> URIRef:
    return UNIT[code]


def category(code: str) -> URIRef:
    return CATEGORY[code]


def relation(predicate: str) -> URIRef:
    return MKG[predicate]


def fact(key: str) -> URIRef:
    return KGID[f"fact/{key}"]


FACT_DATASET = KGID["dataset/facts"]  # facts about a period or instant (mkg:factStructure)
INTERVAL_FACT_DATASET = KGID["dataset/interval-facts"]  # facts no period applies to (mkg:intervalFactStructure)
BUILD = KGID["build"]


def basis(share: object, price_basis: str) -> URIRef:
    """The reporting basis of an ownership share (a fraction, or None) and a printed price basis."""
    if share is None and not price_basis:
        return MKG.AsReported
    parts = ([f"share-{share}"] if share is not None else []) + ([slugify(price_basis)] if price_basis else [])
    return KGID["basis/" + "-".join(parts)]


def setting(name: str) -> URIRef:
    return KGID[f"build/setting/{slugify(name)}"]
