"""Entity resolution: the facts of all documents → one canonical entity per real thing.

Input: every :class:`kg.facts.DocumentFacts` of a build. Output: a
:class:`kg.facts.Resolution` mapping every :class:`kg.facts.EntityRef` that
appears anywhere (mentions, relation subjects and objects, observation subjects)
to a :class:`kg.facts.ResolvedEntity` with a stable key ``{type}/{slug}``.

Known entities resolve through the gazetteer (``ontology/gazetteer.ttl``: its
IRIs are the keys). The rest are grouped by general rules: case, punctuation,
corporate suffixes and word order are ignored for organisations ("Kennecott
Greens Creek Mining Company" / "Greens Creek Kennecott Mining Company"), a
trailing plural is ignored for names ("Twin Shear" / "Twin Shears"), a person's
short form joins the full name with the same surname and a compatible first name
("Phil Baker" / "Phillips S. Baker, Jr."). Keys depend only on the set of names
seen, never on document order.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from kg.facts import DocumentFacts, EntityRef, Resolution, ResolvedEntity, entity_key
from kg.nlp.gazetteer import Entry, Gazetteer, load_gazetteer

log = logging.getLogger(__name__)

_TYPE_HEADS = {"MiningUnit": "Unit", "Mine": "mine", "Property": "property", "Project": "project"}
_SUFFIX = re.compile(
    r"[,.]?\s+(?:inc|incorporated|corp|corporation|co|company|ltd|limited|plc|llc|n\.?v|s\.?a)\.?$", re.I
)
_GENERATIONAL = re.compile(r",?\s+(?:jr|sr|ii|iii|iv)\.?$", re.I)


def _refs(
    facts: Sequence[DocumentFacts], joins: dict[tuple[str, EntityRef], EntityRef] | None = None
) -> tuple[Counter[EntityRef], dict[EntityRef, set[str]]]:
    """How often each reference is used (a joined table subject counts for the prose entity it
    joins) and the surface forms it is written in."""
    joins = joins or {}
    counts: Counter[EntityRef] = Counter()
    surfaces: dict[EntityRef, set[str]] = defaultdict(set)
    for f in facts:
        for m in f.mentions:
            counts[m.entity] += 1
            surfaces[m.entity].add(m.text)
        for r in f.relations:
            counts[r.subject] += 1
            if r.object is not None:
                counts[r.object] += 1
        for o in f.observations:
            joined = joins.get((f.doc, o.subject))
            counts[joined or o.subject] += 1
            if joined is not None:
                surfaces[joined].add(o.subject.label)
    return counts, surfaces


def _gazetteer_entry(ref: EntityRef, gaz: Gazetteer) -> Entry | None:
    index = gaz.by_surface()
    candidates = list(index.get(ref.label, ())) + list(index.get(ref.label.casefold(), ()))
    if ref.label.endswith("s") and ref.type not in ("Person", "Place", "Commodity"):
        candidates += list(index.get(ref.label[:-1].casefold(), ()))  # "Block B concessions"
    for entry in candidates:
        if entry.type == ref.type:
            return entry
    head = _TYPE_HEADS.get(ref.type)
    if head and not ref.label.lower().endswith(head.lower()):
        for entry in index.get(f"{ref.label} {head}".casefold(), ()):
            if entry.type == ref.type:
                return entry
    # a unit named in capitals in a table ("LUCKY FRIDAY UNIT") or with a trailing "Unit" the gazetteer spells otherwise
    if head and ref.label.lower().endswith(" " + head.lower()):
        base = ref.label[: -len(head) - 1]
        for entry in index.get(f"{base} {head}".casefold(), ()):
            if entry.type == ref.type:
                return entry
    return None


def _norm_words(label: str, type_: str) -> tuple[str, ...]:
    text = label.replace("&", " and ").lower()
    if type_ in ("Company", "Organization"):
        while True:
            stripped = _SUFFIX.sub("", text)
            if stripped == text:
                break
            text = stripped
    if type_ == "Person":
        text = _GENERATIONAL.sub("", text)
    words = re.findall(r"[a-z0-9]+", text)
    if words and words[-1].endswith("s") and len(words[-1]) > 3 and type_ not in ("Person", "Place", "Commodity"):
        words[-1] = words[-1][:-1]
    if words and words[0] == "the":
        words = words[1:]
    return tuple(words)


def _group_key(ref: EntityRef) -> tuple[str, tuple[str, ...]]:
    words = _norm_words(ref.label, ref.type)
    if ref.type in ("Company", "Organization"):
        return ref.type, tuple(sorted(words))  # word order: "Kennecott Greens Creek" / "Greens Creek Kennecott"
    return ref.type, words


def _person_merge(groups: dict[tuple[str, tuple[str, ...]], list[EntityRef]]) -> None:
    """Join short person names to a full name with the same surname and compatible first name."""
    people = [k for k in groups if k[0] == "Person" and k[1]]
    full = sorted((k for k in people if len(k[1]) >= 2), key=lambda k: (-len(k[1]), k[1]))
    for key in sorted(people, key=lambda k: (len(k[1]), k[1])):
        if key not in groups:
            continue
        for target in full:
            if target == key or target not in groups or len(target[1]) <= len(key[1]):
                continue
            first, last = key[1][0], key[1][-1]
            if last == target[1][-1] and (len(key[1]) == 1 or target[1][0].startswith(first) or first.startswith(target[1][0])):
                groups[target].extend(groups.pop(key))
                break


def _canonical(refs: Iterable[EntityRef], counts: Counter[EntityRef]) -> str:
    # singular before a plural variant, then most often named, then the longest form, then
    # alphabetical: independent of document order
    def plural(r: EntityRef) -> bool:
        last = re.findall(r"[a-z0-9]+", r.label.lower())[-1:]
        return bool(last) and last[0] != (_norm_words(r.label, r.type)[-1:] or ("",))[0]

    return sorted(refs, key=lambda r: (plural(r), -counts[r], -len(r.label), r.label))[0].label


_JOIN_TYPES = ("MiningUnit", "Mine", "OreBody", "Property", "Project")  # in the order a join prefers them


def _proper(label: str, heads: tuple[str, ...], descriptive: frozenset[str]) -> str:
    """A site's proper name, lower case: without its head word ("mine", "deposit", "mining
    complex") and the lowercase descriptive words before it ("underground", "gold")."""
    words = re.sub(r"[^\w\s'&-]", " ", label).lower().split()
    if words and words[0] == "the":
        words = words[1:]
    for head in heads:
        n = len(head.split())
        if len(words) > n and words[-n:] == head.split():
            words = words[:-n]
            break
    while len(words) > 1 and words[-1] in descriptive:
        words = words[:-1]
    return " ".join(words)


def _table_joins(facts: Sequence[DocumentFacts], gaz: Gazetteer) -> dict[tuple[str, EntityRef], EntityRef]:
    """Within each document, a table's site subject ("Yarrabee", a unit, from a section heading)
    that is no name of the prose joins the prose's site with the same proper name ("Yarrabee mine"),
    of any of the site types: the prose entity keeps its type and label. Never across documents:
    another release's "Yarrabee" is joined only by its own prose (or the gazetteer)."""
    lex = gaz.lexicon
    heads = tuple(sorted({*lex.get("heads", {}), *lex.get("plural_heads", {})}, key=lambda h: -len(h.split())))
    descriptive = frozenset({*(w.lower() for w in lex.get("name_modifiers", [])), *(c.lower() for c in gaz.commodities)})
    joins: dict[tuple[str, EntityRef], EntityRef] = {}
    for f in facts:
        prose: Counter[EntityRef] = Counter()
        for m in f.mentions:
            if m.entity.type in _JOIN_TYPES:
                prose[m.entity] += 1
        for r in f.relations:
            for ref in (r.subject, r.object):
                if ref is not None and ref.type in _JOIN_TYPES:
                    prose[ref] += 1
        if not prose:
            continue
        named = {_group_key(r) for r in prose}
        by_proper: dict[str, list[EntityRef]] = defaultdict(list)
        for ref in prose:
            by_proper[_proper(ref.label, heads, descriptive)].append(ref)
        for o in f.observations:
            ref = o.subject
            if o.source.extractor != "table" or ref.type not in _JOIN_TYPES or (f.doc, ref) in joins:
                continue
            if _group_key(ref) in named or _gazetteer_entry(ref, gaz) is not None:
                continue  # the prose's own name for it, or a known entity
            candidates = by_proper.get(_proper(ref.label, heads, descriptive), [])
            if candidates:
                joins[(f.doc, ref)] = min(candidates, key=lambda r: (_JOIN_TYPES.index(r.type), -prose[r], r.label))
    return joins


def resolve(facts: Sequence[DocumentFacts], gazetteer: Gazetteer | None = None) -> Resolution:
    """One ResolvedEntity per real thing; every EntityRef of ``facts`` in the index (a table
    subject joined to a prose site of its document also in ``by_doc``)."""
    gaz = gazetteer or load_gazetteer()
    joins = _table_joins(facts, gaz)
    counts, surfaces = _refs(facts, joins)
    index: dict[EntityRef, str] = {}
    known: dict[str, tuple[Entry, set[str]]] = {}
    groups: dict[tuple[str, tuple[str, ...]], list[EntityRef]] = defaultdict(list)
    for ref in sorted(counts, key=lambda r: (r.type, r.label)):
        entry = _gazetteer_entry(ref, gaz)
        if entry is not None:
            index[ref] = entry.key
            names = known.setdefault(entry.key, (entry, set()))[1]
            names.add(ref.label)
            names.update(surfaces.get(ref, ()))
        else:
            groups[_group_key(ref)].append(ref)
    _person_merge(groups)

    entities: dict[str, ResolvedEntity] = {}
    for key, (entry, names) in known.items():
        aliases = sorted((set(entry.aliases) | names) - {entry.label})
        entities[key] = ResolvedEntity(key, entry.label, entry.type, tuple(aliases))
    for (type_, _), refs in sorted(groups.items()):
        label = _canonical(refs, counts)
        key = entity_key(type_, label)
        names = {r.label for r in refs} | {s for r in refs for s in surfaces.get(r, ())}
        if key in entities:  # a gazetteer entity under another spelling
            old = entities[key]
            names |= set(old.aliases)
            label = old.label
        entities[key] = ResolvedEntity(key, label, type_, tuple(sorted(n for n in names if n != label)))
        for r in refs:
            index[r] = key
    by_doc = {(doc, ref): index[target] for (doc, ref), target in joins.items()}
    for doc, ref in sorted(joins, key=lambda x: (x[0], x[1].type, x[1].label)):
        index.setdefault(ref, by_doc[(doc, ref)])  # used only where joined: it has no entity of its own
    log.debug("resolve: %d references → %d entities", len(index), len(entities))
    return Resolution(entities=tuple(entities[k] for k in sorted(entities)), index=index, by_doc=by_doc)
