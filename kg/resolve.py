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

import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

from kg.facts import (
    DocumentFacts,
    EntityRef,
    FactIndex,
    Observation,
    Resolution,
    ResolvedEntity,
    ResolvedFact,
    entity_key,
)
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


# The site types a true duplicate can be found among, in the order a merge keeps the type: a mine is
# the most specific thing a proper name can name, then the operating unit, the land held, and the
# undertaking. Ore bodies and facilities are parts of a site and never merge with it.
SITE_TYPES = ("Mine", "MiningUnit", "Property", "Project")


def _anaphor_test(gaz: Gazetteer) -> Callable[[str], bool]:
    """Whether a surface form is a generic anaphor ("the mine", "The project", "This mine", "the
    Company"): a determiner and one generic head of the lexicon. Those are coreference mentions of
    an entity, not names of it, so they never become its aliases."""
    lex = gaz.lexicon
    determiners = {w.lower() for w in lex.get("anaphor_determiners", ())}
    heads = {h.lower() for h in lex.get("anaphora", {})} | {h.lower() for h in lex.get("org_heads", ())}

    def test(text: str) -> bool:
        words = text.split()
        return len(words) >= 2 and words[0].lower() in determiners and " ".join(words[1:]).lower() in heads

    return test


def _site_duplicates(
    entities: dict[str, ResolvedEntity],
    index: dict[EntityRef, str],
    by_doc: dict[tuple[str, EntityRef], str],
    facts: Sequence[DocumentFacts],
    gazetteer_keys: set[str],
    gaz: Gazetteer,
) -> dict[str, str]:
    """Merge true duplicates among sites of different types (or spellings) in ``entities``, in
    place; returns merged key → surviving key.

    Sites (:data:`SITE_TYPES`) whose labels give one proper name ("Noche Buena" in a reserves
    table, "Noche Buena gold property" in a later release's prose; "Canaima gold deposit" /
    "Canaima property") are one thing unless something says they are two: one release's prose
    names both (as one names a unit and its mine, or the property and the project on it), a
    relation joins them (the mine is partOf the unit), the gazetteer lists both, or no company
    reports on both (two companies may each have a "Yarrabee"). The survivor
    keeps the type a prose name stated over a table's guess (a table row's subject has no head
    word), then the earlier type in :data:`SITE_TYPES`, then the gazetteer's entity; the others'
    labels become its aliases.
    """
    lex = gaz.lexicon
    heads = tuple(sorted(lex.get("site_heads", ()), key=lambda h: -len(h.split())))
    if not heads:
        return {}
    descriptive = frozenset({*(w.lower() for w in lex.get("name_modifiers", [])), *(c.lower() for c in gaz.commodities)})
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, e in entities.items():
        if e.type in SITE_TYPES:
            by_name[_proper(e.label, heads, descriptive)].append(key)
    by_name = {name: keys for name, keys in by_name.items() if len(keys) > 1 and name}
    if not by_name:
        return {}
    candidates = {k for keys in by_name.values() for k in keys}
    named_in: dict[str, set[str]] = defaultdict(set)  # key -> documents whose prose names it
    reported_by: dict[str, set[tuple[str, ...]]] = defaultdict(set)  # key -> companies whose releases name it
    apart: set[frozenset[str]] = set()
    for f in facts:
        # a release with no company in its header is a reporter of its own
        company = _norm_words(f.meta.company, "Company") or ("", f.doc)
        refs = [m.entity for m in f.mentions] + [x for r in f.relations for x in (r.subject, r.object) if x is not None]
        for k in {by_doc.get((f.doc, ref)) or index.get(ref) for ref in refs + [o.subject for o in f.observations]}:
            if k in candidates:
                reported_by[k].add(company)
        here = set()
        for m in f.mentions:
            k = index.get(m.entity)
            if k in candidates:
                here.add(k)
                named_in[k].add(f.doc)
        apart.update(frozenset((a, b)) for a in here for b in here if a < b)
        for r in f.relations:
            if r.object is not None:
                a, b = index.get(r.subject), index.get(r.object)
                if a in candidates and b in candidates and a != b:
                    apart.add(frozenset((a, b)))
    merged: dict[str, str] = {}
    for keys in by_name.values():
        order = sorted(keys, key=lambda k: (k not in named_in, SITE_TYPES.index(entities[k].type), k not in gazetteer_keys, k))
        clusters: list[list[str]] = []
        for k in order:
            for cluster in clusters:
                if not any(frozenset((k, c)) in apart or (k in gazetteer_keys and c in gazetteer_keys)
                           or not reported_by[k] & reported_by[c] for c in cluster):
                    cluster.append(k)
                    break
            else:
                clusters.append([k])
        for head, *rest in clusters:
            if not rest:
                continue
            survivor = entities[head]
            names = set(survivor.aliases)
            for k in rest:
                gone = entities.pop(k)
                names |= {gone.label, *gone.aliases}
                merged[k] = head
            entities[head] = ResolvedEntity(head, survivor.label, survivor.type, tuple(sorted(names - {survivor.label})))
            log.debug("resolve: %s is one site with %s", head, ", ".join(rest))
    return merged


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
    anaphor = _anaphor_test(gaz)

    entities: dict[str, ResolvedEntity] = {}
    for key, (entry, names) in known.items():
        aliases = sorted((set(entry.aliases) | {n for n in names if not anaphor(n)}) - {entry.label})
        entities[key] = ResolvedEntity(key, entry.label, entry.type, tuple(aliases))
    for (type_, _), refs in sorted(groups.items()):
        label = _canonical(refs, counts)
        key = entity_key(type_, label)
        names = {r.label for r in refs} | {s for r in refs for s in surfaces.get(r, ()) if not anaphor(s)}
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
    merged = _site_duplicates(entities, index, by_doc, facts, set(known), gaz)
    if merged:
        index = {ref: merged.get(k, k) for ref, k in index.items()}
        by_doc = {at: merged.get(k, k) for at, k in by_doc.items()}
    log.debug("resolve: %d references → %d entities", len(index), len(entities))
    return Resolution(entities=tuple(entities[k] for k in sorted(entities)), index=index, by_doc=by_doc)


# ---------------------------------------------------------------- facts


def _fact_digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _standing(doc: DocumentFacts, index: int, o: Observation) -> tuple:
    """How well a printing stands for its fact, best last: a figure good to its decimals before a
    bound ("more than 3 million"), a table's before prose, the latest release's (a restatement wins),
    the most precise, then the first printed."""
    released = doc.meta.release_date or date.min
    return (not o.bound, o.source.extractor == "table", released, doc.doc, o.decimals, -o.source.line, -index)


def _agree(a: Observation, b: Observation) -> bool:
    """Whether two printed values can stand for one number, given their printed rounding."""
    tol = Decimal(5).scaleb(-1 - a.decimals) + Decimal(5).scaleb(-1 - b.decimals)
    return abs(a.value - b.value) <= tol


def _line_items(items: list[tuple[DocumentFacts, int, Observation]]) -> dict[str | None, str]:
    """Which family rows (table contexts) of one series name the same line item: context → the
    context that names its group ("" for a statement's top level; None stands for prose).

    Two contexts printed in one release for one period with values that differ beyond rounding are
    two line items (depreciation in cost of sales, and under "Other operating expenses:"); two
    printed with the same non-zero value, in one release or two, name the same one ("Sales" in the
    highlights, "Sales of products" under "Continuing operations:" and a segment table's "Total").
    With no two distinct line items the series is one; otherwise contexts seen with no other stay
    with the top level's group, and prose joins the top level's group.
    """
    by_period: dict[tuple, list[tuple[str, str, Observation]]] = defaultdict(list)
    contexts: set[str] = set()
    for doc, _, o in items:
        if o.source.extractor != "table":
            continue
        ctx = o.family or ""
        contexts.add(ctx)
        by_period[(o.period, o.interval)].append((doc.doc, ctx, o))
    parent = {c: c for c in contexts}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    distinct: set[frozenset[str]] = set()
    seen: set[str] = set()
    for printed in by_period.values():
        for i, (doc_a, ca, a) in enumerate(printed):
            for doc_b, cb, b in printed[i + 1 :]:
                if ca == cb:
                    continue
                if not _agree(a, b):
                    if doc_a == doc_b:
                        distinct.add(frozenset((ca, cb)))
                        seen.update((ca, cb))
                elif a.value != 0:
                    seen.update((ca, cb))
                    ra, rb = find(ca), find(cb)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    if not distinct:
        return {**{c: "" for c in contexts}, None: ""}
    groups: dict[str, set[str]] = defaultdict(set)
    for c in contexts:
        groups[find(c)].add(c)
    for members in list(groups.values()):
        if any(frozenset((x, y)) in distinct for x in members for y in members if x < y):
            for c in members:
                parent[c] = c  # a group two distinct line items fell into: each stays alone
    top = find("") if "" in contexts else None
    out: dict[str | None, str] = {}
    for c in contexts:
        root = find(c)
        if c not in seen and top is not None:
            root = top
        out[c] = root
    names: dict[str, str] = {}
    for c, root in out.items():
        if c == "":
            names[root] = ""
    counts = Counter(o.family or "" for _, _, o in items if o.source.extractor == "table")
    for root in set(out.values()):
        if root not in names:
            members = [c for c, r in out.items() if r == root]
            names[root] = min(members, key=lambda c: (-counts[c], c))
    named = {c: names[root] for c, root in out.items()}
    named[None] = names[top] if top is not None else ""
    return named


def resolve_facts(facts: Sequence[DocumentFacts], resolution: Resolution) -> FactIndex:
    """Every printed number of ``facts`` assigned to exactly one fact.

    A fact is one subject (resolved), metric, period (or drill interval), category, basis (the
    ownership share and price basis the figure is reported at), estimate or result, unit and line
    item. The family row a table line stands under (``Observation.family``) tells line items of
    one metric apart (:func:`_line_items`): "Depreciation, depletion and amortization" in cost of
    sales and "Depreciation and amortization" under "Other operating expenses:" are two facts,
    while the same sales figure printed in the highlights, the statement of operations, a segment
    table's total, the next release and the prose is one.
    """
    series: dict[tuple, list[tuple[DocumentFacts, int, Observation]]] = defaultdict(list)
    for f in sorted(facts, key=lambda f: f.doc):
        for i, o in enumerate(f.observations):
            key = (
                resolution.key(o.subject, f.doc), o.metric, o.category, o.share, o.basis, o.estimate, o.unit,
            )
            series[key].append((f, i, o))
    out: list[ResolvedFact] = []
    of: dict[tuple[str, int], str] = {}
    for key, items in series.items():
        line_item = _line_items(items)
        groups: dict[tuple, list[tuple[DocumentFacts, int, Observation]]] = defaultdict(list)
        for item in items:
            f, _, o = item
            interval = f"{f.doc_id}/{o.interval}" if o.interval else ""
            ctx = line_item[(o.family or "") if o.source.extractor == "table" else None]
            groups[(o.period, interval, ctx)].append(item)
        subject, metric, category, share, basis, estimate, unit = key
        for (period, interval, context), members in groups.items():
            best_doc, best_i, best = max(members, key=lambda m: _standing(*m))
            digest = _fact_digest(
                subject, metric, period.start if period else "", period.end if period else "", interval, category,
                share, basis, estimate, unit, context,
            )
            printings = tuple(sorted((d.doc, i) for d, i, _ in members))
            out.append(ResolvedFact(
                digest, subject, metric, period, interval, category, share, basis, estimate, unit, context,
                best.value, best.decimals, best.bound, printings,
            ))
            for p in printings:
                of[p] = digest
    out.sort(key=lambda r: r.key)
    log.debug("resolve: %d printed figures → %d facts", len(of), len(out))
    return FactIndex(tuple(out), of)
