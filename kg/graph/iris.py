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


def dataset(doc_id: str) -> URIRef:
    return KGID[f"dataset/{doc_id}"]


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
