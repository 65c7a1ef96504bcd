"""Gazetteer and lexicon: ``ontology/gazetteer*.ttl`` + ``ontology/patterns/`` → plain Python lookups.

Input: the ontology folder (Turtle gazetteer of known entities, JSON lexicon of
trigger words and name heads from which :mod:`kg.nlp.pipeline` makes the EntityRuler's
generic name patterns, optional literal JSONL patterns). Output: :class:`Gazetteer`, a frozen
view used by the narrative extractor and by resolution. The Turtle files are read
with rdflib here because they are data shipped with the project, not the graph
being built; nothing RDF leaves this module.

The gazetteer has two tiers: ``gazetteer.ttl`` holds generic knowledge (countries,
states, commodities, exchanges, regulators), ``gazetteer-*.ttl`` the named things
of a corpus (a company's units, mines, people, ...). ``load_gazetteer(tier="generic")``
reads the first alone: what the extractor knows about a release nobody annotated.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.resources import data_dir

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class Entry:
    """One known entity of the gazetteer."""

    key: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    place_kind: str = ""
    parent: str = ""  # key of the place (or unit) it sits in, when stated


@dataclass(frozen=True, eq=False)  # identity hash: one per process, cached lookups
class Gazetteer:
    """Known entities by key and by surface form, plus the extractor's lexicon."""

    entries: tuple[Entry, ...]
    lexicon: dict[str, Any] = field(default_factory=dict)
    patterns: tuple[dict[str, Any], ...] = ()

    def by_key(self) -> dict[str, Entry]:
        return _index_keys(self)

    def by_surface(self) -> dict[str, tuple[Entry, ...]]:
        """Exact surface form (label or alias) → entries; also a case-folded key."""
        return _index_surface(self)

    def find(self, text: str) -> Entry | None:
        """The entry a surface form names (exact first, then case-insensitive)."""
        index = self.by_surface()
        hits = index.get(text) or index.get(text.casefold())
        return hits[0] if hits else None

    @property
    def commodities(self) -> tuple[str, ...]:
        return tuple(e.label for e in self.entries if e.type == "Commodity")


@cache
def _index_keys(gaz: Gazetteer) -> dict[str, Entry]:
    return {e.key: e for e in gaz.entries}


@cache
def _index_surface(gaz: Gazetteer) -> dict[str, tuple[Entry, ...]]:
    index: dict[str, list[Entry]] = {}
    for entry in gaz.entries:
        for name in (entry.label, *entry.aliases):
            for k in (name, name.casefold()):
                bucket = index.setdefault(k, [])
                if entry not in bucket:
                    bucket.append(entry)
    return {k: tuple(v) for k, v in index.items()}


def _read_turtle(paths: list[Path]) -> tuple[Entry, ...]:
    import rdflib  # local: only the gazetteer files, never the build's graph
    from rdflib.namespace import RDF, SKOS

    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    # The project's own namespaces come from the files' declared prefixes, never typed here.
    prefixes = {p: str(ns) for p, ns in graph.namespaces()}
    try:
        MKG, KGID = prefixes["mkg"], prefixes["kgid"]  # noqa: N806 - namespace names as in the Turtle
    except KeyError as exc:
        raise ConfigError(f"gazetteer files must declare the {exc.args[0]}: prefix") from exc
    pref, alt = SKOS.prefLabel, SKOS.altLabel
    kind = rdflib.URIRef(MKG + "placeKind")
    located = rdflib.URIRef(MKG + "locatedIn")
    part = rdflib.URIRef(MKG + "partOf")
    entries = []
    for subject, cls in graph.subject_objects(RDF.type):
        iri, type_iri = str(subject), str(cls)
        if not iri.startswith(KGID) or not type_iri.startswith(MKG):
            continue
        label = graph.value(subject, pref)
        if label is None:
            log.warning("gazetteer: %s has no skos:prefLabel; skipped", iri)
            continue
        parent = graph.value(subject, located) or graph.value(subject, part)
        entries.append(
            Entry(
                key=iri[len(KGID) :],
                label=str(label),
                type=type_iri[len(MKG) :],
                aliases=tuple(sorted(str(a) for a in graph.objects(subject, alt) if str(a) != str(label))),
                place_kind=str(graph.value(subject, kind) or ""),
                parent=str(parent)[len(KGID) :] if parent is not None else "",
            )
        )
    return tuple(sorted(entries, key=lambda e: e.key))


def _read_patterns(folder: Path) -> tuple[dict[str, Any], ...]:
    """Literal EntityRuler patterns, one JSON object a line (the format spaCy's ruler reads)."""
    patterns: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    patterns.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name}:{n}: not a JSON pattern ({exc.msg})") from exc
    return tuple(patterns)


TIERS = ("all", "generic")


def gazetteer_files(root: Path, tier: str = "all") -> list[Path]:
    """The Turtle files of a tier: ``gazetteer.ttl`` (generic), then every ``gazetteer-*.ttl`` for "all"."""
    if tier not in TIERS:
        raise ValueError(f"unknown gazetteer tier {tier!r}; expected one of {', '.join(TIERS)}")
    files = [root / "gazetteer.ttl"]
    if tier == "all":
        files += sorted(root.glob("gazetteer-*.ttl"))
    return files


@cache
def load_gazetteer(folder: str | None = None, tier: str = "all") -> Gazetteer:
    """Read the gazetteer (of ``tier``), lexicon and patterns once per process."""
    root = Path(folder) if folder else data_dir("ontology")
    entries = _read_turtle(gazetteer_files(root, tier))
    lexicon = json.loads((root / "patterns" / "lexicon.json").read_text(encoding="utf-8"))
    patterns = _read_patterns(root / "patterns")
    log.debug("gazetteer: %d entries, %d patterns", len(entries), len(patterns))
    return Gazetteer(entries=entries, lexicon=lexicon, patterns=patterns)
