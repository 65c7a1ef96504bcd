"""Narrative stage: documents and their layout blocks → mentions, relations, prose figures.

Input: ``(Document, blocks)`` pairs (blocks from :func:`kg.layout.segment`).
Output: one :class:`kg.facts.DocumentFacts` per document, holding the entity
mentions, the relations read from prose and the figures stated in prose.

Only prose blocks go through the statistical model (one ``nlp.pipe`` over all
documents, named entities only); the sentences among them that print a figure (a
unit of mass, a rate, a price per unit) are then parsed (tags and dependencies),
for the clauses, tense and modality the figure rules read. Headings and
boilerplate (forward-looking statements, cautionary note, contact lines) go
through the rule-based part only, for mentions, and are never mined for facts. Tables are left to the tables stage, except that a
footnote under a table ties the ore bodies it names to the row it annotates.

The gazetteer is a help, not a requirement: with its generic tier alone (places,
commodities, exchanges) the document itself supplies its names. In order: the
EntityRuler's generic name patterns and the model's entities; the dateline's
town; the releasing company (from the document's metadata) by its short names
and the group companies named after it; each site's bare name ("Greens Creek")
for the site the document names in full; places and organisations named once,
wherever the model misses them again; "the mine" / "this unit" for the nearest
site of that kind before it in the paragraph; a section heading's site as the
topic of the prose under it. ``bench.nlp_generalisation`` measures the gap.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.facts import (
    Block,
    Document,
    DocumentFacts,
    EntityRef,
    Mention,
    Observation,
    Problem,
    Relation,
    Source,
)
from kg.nlp.figures import FigureContext, find_figures, reporting_period
from kg.nlp.gazetteer import Gazetteer, load_gazetteer
from kg.nlp.model import ORG_TYPES, SITE_TYPES, Ent, Sentence, Tok
from kg.nlp.passes import Run, check_passes, check_predicate, check_predicates
from kg.nlp.relations import Context, Found, find_relations, is_part

log = logging.getLogger(__name__)

CONTRACT_TYPES = (
    "Company", "MiningUnit", "Mine", "OreBody", "Property", "Project", "Facility",
    "Person", "Organization", "Place", "Commodity",
)
_BOILERPLATE = re.compile(
    r"forward[- ]looking\s+statements|cautionary\s+note|safe\s+harbor|news\s+releases?\s+can\s+be\s+accessed|"
    r"^\s*contacts?\b|for\s+further\s+information|private\s+securities\s+litigation",
    re.I,
)
_RUN_IN_HEADING = re.compile(r"^\s*([A-Z][A-Za-z'.]*(?:\s+[A-Z][A-Za-z'.]*){0,4})\s+-{1,2}\s+")
_FOOTNOTE = re.compile(r"^\s*\((\d{1,2})\)\s")
_BATCH = 64


@dataclass
class _Text:
    """One block's text joined from its lines, with where each line starts."""

    doc_index: int
    block: Block
    text: str
    line_starts: tuple[int, ...]
    full: bool  # through the statistical model (prose) or the rules only (headings, boilerplate)
    ents: list[Ent] = field(default_factory=list)
    nested: list[Ent] = field(default_factory=list)  # names inside names: mentions only
    sentences: list[tuple[int, int]] = field(default_factory=list)
    parses: dict[tuple[int, int], tuple[Tok, ...]] = field(default_factory=dict)  # figure sentences' parses
    error: str = ""  # why the rules failed on this block (the document reports it; the others go on)


def _join(doc: Document, block: Block) -> tuple[str, tuple[int, ...]]:
    parts, starts, pos = [], [], 0
    for n in range(block.first_line, block.last_line + 1):
        line = doc.text(n).strip()
        starts.append(pos)
        parts.append(line)
        pos += len(line) + 1
    return " ".join(parts), tuple(starts)


_ENDS_SENTENCE = re.compile(r"[.!?:;\"\u201d)]\s*$")
_CONTINUES = re.compile(r"^\s*[a-z$\d]")


def _continued(blocks: Sequence[Block]) -> list[Block]:
    """Prose blocks the layout cut in the middle of a sentence (a bullet whose wrapped lines are
    indented deeper: "* Silver production of 1,361,700 ounces ... and 5,115,285" / "ounces for the
    year.") joined again, so a sentence is read whole."""
    out: list[Block] = []
    for b in blocks:
        last = out[-1] if out else None
        if (
            last is not None and b.kind == "prose" and last.kind == "prose" and b.first_line == last.last_line + 1
            and last.lines and b.lines and not _ENDS_SENTENCE.search(last.lines[-1]) and _CONTINUES.match(b.lines[0])
        ):
            out[-1] = Block("prose", last.first_line, b.last_line, (*last.lines, *b.lines), last.section)
            continue
        out.append(b)
    return out


def _is_boilerplate(block: Block) -> bool:
    return block.kind == "boilerplate" or bool(_BOILERPLATE.search(" ".join(block.lines[:3])))


# ------------------------------------------------------------------ entities from spaCy


class _Canon:
    """Surface entity → (type, canonical label), from the gazetteer, the lexicon and the model."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        lex = gaz.lexicon
        self.heads: dict[str, str] = lex.get("heads", {})
        self.plural: dict[str, str] = lex.get("plural_heads", {})
        self.head_case: dict[str, str] = lex.get("head_case", {})
        self.commodities = {c.lower() for c in gaz.commodities}
        self.modifiers = {m.lower() for m in lex.get("name_modifiers", [])} | self.commodities | {"high-grade"}
        self.org_heads = set(lex.get("org_heads", []))
        self.org_not = set(lex.get("org_not_heads", []))
        self.stat = lex.get("statistical_labels", {})
        self.not_name = set(lex.get("not_name_words", []))
        self.org_cues = tuple(lex.get("org_cues", []))
        self.suffixes = set(lex.get("corporate_suffixes", []))
        self.descriptive_heads = set(lex.get("descriptive_heads", []))
        self.position_heads = [h for h in lex.get("position_heads", []) if h[:1].isupper()]
        self.verb_cues: dict[str, list[str]] = lex.get("commodity_verbs", {})
        self.place_heads = set(lex.get("place_heads", {}))  # lower case: generic words, not part of a name
        self.organization_heads = set(lex.get("organization_heads", []))
        self.currency = {w.lower() for w in lex.get("currency_words", [])}
        self.benchmark = {w.lower() for w in lex.get("benchmark_words", [])}
        self.headline_verbs = {w.lower() for w in lex.get("headline_verbs", [])}
        self.designations = {w.lower().rstrip(".") for w in lex.get("designations", [])}
        self.geologic = set(lex.get("geologic_terms", []))
        self.departments = set(lex.get("departments", []))
        self.titles = set(lex.get("position_words", [])) | set(lex.get("position_heads", []))

    def without_title(self, text: str) -> str:
        """A person's name without the position words printed after it: "Linda Castellanos Senior"
        of "named Linda Castellanos Senior Vice President" is Linda Castellanos (titles are not people)."""
        words = text.split()
        while len(words) > 1 and words[-1].rstrip(",") in self.titles:
            words.pop()
        return text[: text.rfind(words[-1]) + len(words[-1])] if words else text

    def org_type(self, name: str) -> str:
        """Company for a business (a legal suffix, a descriptive head, a role), Organization for a
        government, regulator, exchange, union or agency (by its head word)."""
        words = re.sub(r"[,.]$", "", name).split()
        if any(w in self.organization_heads for w in words[1:]) and words[-1] not in self.suffixes:
            return "Organization"
        return "Company"

    def not_a_name(self, text: str, type_: str, after: str) -> bool:
        """A place before a currency or a price benchmark ("U.S. dollars", "London PM fix"), a
        headline ("ABSAROKA PLATINUM REPORTS"), a professional designation ("P.Eng"), a
        geological period ("Tertiary")."""
        words = re.findall(r"[\w.$'-]+", text)
        if not words:
            return True
        if type_ == "Place":
            nxt = re.match(r"[\s-]*([$\w]+)(?:\s+(\w+))?", after)
            if nxt and (nxt.group(1).lower() in self.currency or nxt.group(1).lower() in self.benchmark):
                return True
            if after.startswith("$"):
                return True
        if type_ in ("Person", "Place", "Organization", "Company") and any(w.lower() in self.headline_verbs for w in words):
            return True
        if type_ == "Person" and (text.isupper() and len(text) > 3 or text.strip() in self.departments
                                  or all(w.rstrip(",") in self.titles or w in ("and", "&", "of") for w in words)):
            return True  # "Chief Financial Officer" after "appointed" is a post, not a person
        if text.strip().lower().rstrip(".") in self.designations or text.strip() in self.geologic:
            return True
        return False

    def ruler(self, text: str, label: str, ent_id: str) -> tuple[Any, ...] | None:
        entry = self.gaz.by_key().get(ent_id)
        if entry is not None:
            words = re.findall(r"[\w-]+", text.lower())
            own = set(re.findall(r"[\w-]+", entry.label.lower()))
            mods = tuple(w for w in words if w in self.modifiers and w not in own)
            bare = entry.type in _SITE_PREFERENCE and not any(w in self.heads for w in words)
            return entry.type, entry.label, mods, bare
        return self.generic(text, label)

    def generic(self, text: str, label: str) -> tuple[str, str, tuple[str, ...]] | None:
        text = re.sub(r"\s*/\s*", "/", text.strip(" '\"\u2018\u2019\u201c\u201d"))
        text = re.sub(r"\b([a-z]+)-(?=[a-z]+\b)", lambda m: m.group(1) + "/" if m.group(1) in self.modifiers else m.group(0), text)
        words = text.split()
        if label == "Place":  # "the Cajamarca region": the region is Cajamarca; "Silver Valley" keeps its Valley
            for head in sorted(self.place_heads, key=len, reverse=True):
                n = len(head.split())
                if len(words) > n and " ".join(words[-n:]) == head:
                    words = words[:-n]
                    break
            return ("Place", " ".join(words), ()) if words else None
        if len(words) > 1 and text.isupper():  # a heading in capitals: "SANTA LUCIA MINE"
            words = [w if len(w) <= 3 and not w.isalpha() else w.title() for w in words]
        head_words: list[str] = []
        for head in sorted(self.heads, key=lambda h: -len(h.split())):
            n = len(head.split())
            if [w.lower() for w in words[-n:]] == head.split():
                printed = " ".join(words[-n:])
                # "Lower Lens", "Gallagher Fault": a head printed capitalised is part of the name
                keep = printed[:1].isupper() and not text.isupper() and head not in self.head_case
                head_words = [printed if keep else self.head_case.get(head, head)]
                words = words[:-n]
                break
        mods: list[str] = []
        while words and all(p.lower() in self.modifiers for p in words[-1].split("/")):
            mods = words[-1].lower().split("/") + mods
            words = words[:-1]
        if head_words == ["pit"] and "open" in mods:  # "the Yarrabee open pit": a way of mining, the mine
            head_words = ["mine"]
        name = " ".join(w.strip("'\"") for w in words)
        if not name:
            return None
        if head_words and head_words[0] in self.descriptive_heads and any(m not in self.commodities for m in mods):
            # "the Hollister Development Block gold exploration project": the project's name is
            # the capitalised part, "gold exploration project" describes it
            head_words = []
        canonical = " ".join([name, *head_words])
        entry = self.gaz.find(canonical)
        if entry is not None:
            return entry.type, entry.label, tuple(mods)
        return label, canonical, tuple(mods)

    def nested(self, ent: Ent) -> list[Ent]:
        """Names inside a longer name: the "Lucky Friday mill" of "Lucky Friday mill upgrade project"."""
        out = []
        words = ent.text.split()
        for i in range(1, len(words) - 1):
            longer = f"{words[i]} {words[i + 1]}".lower()
            multi = longer in self.heads or longer in self.plural
            if words[i].lower() in self.heads and not multi and words[0] not in self.not_name:
                inner = " ".join(words[: i + 1])
                resolved = self.generic(inner, self.heads[words[i].lower()])
                if resolved is not None and resolved[1] != ent.label:
                    out.append(
                        Ent(ent.start, ent.start + len(inner), resolved[0], resolved[1], inner, resolved[2])
                    )
        return out

    def statistical(
        self, text: str, label: str, before: str = "", after: str = ""
    ) -> tuple[str, str, tuple[str, ...]] | None:
        text = re.sub(r"^(?:the|The)\s+", "", text).strip()
        text = re.sub(r"'s$", "", text)
        if not text or "\n" in text or re.search(r"\d", text):
            return None
        words = text.split()
        mapped = self.stat.get(label)
        if words[-1] in self.suffixes and len(words) > 1:
            mapped = "Organization"  # "Great Basin Gold, Inc." whatever the model calls it
        elif mapped in ("Organization", "Person") and self._in_place(after):
            mapped = "Place"  # "Coeur d'Alene, Idaho": a town before its state
        if mapped is None:
            return None
        entry = self.gaz.find(text)
        if entry is not None:
            return entry.type, entry.label, ()
        if any(not (w[:1].isupper() or w in ("of", "and", "de", "del", "la", "&") or _PARTICLE.match(w)) for w in words):
            return None
        commodity_first = words[0].lower() in self.commodities and mapped == "Place"  # "Silver Valley"
        if (words[0] in self.not_name and not commodity_first) or text in self.org_not:
            return None
        if mapped == "Person":
            # "Ms. Whitford": a surname after an honorific names a person (the people pass finds whom)
            surname = len(words) == 1 and before.rstrip().endswith(_HONORIFICS)
            if (len(words) < 2 and not surname) or len(words) > 5 or any(w in self.not_name for w in words):
                return None  # "Isidora Indicated": a name beside a resource category
        elif mapped == "Organization":
            cued = any(before.rstrip().endswith(c.rstrip()) for c in self.org_cues)
            if not cued and (words[-1] not in self.org_heads and words[-1] not in self.suffixes or len(words) < 2):
                return None  # a bare capitalised phrase is an organisation only where a relation says so
            if text in self.org_not:
                return None
            mapped = self.org_type(text)
        elif mapped == "Place":
            if len(words) > 4 or text.isupper():
                return None
        if self.not_a_name(text, mapped, after):
            return None
        return mapped, text, ()

    def _in_place(self, after: str) -> bool:
        """Whether text right after a name is ", <a known state or country>"."""
        m = re.match(r",\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)", after)
        if not m:
            return False
        for name in (m.group(1), m.group(1).split()[0]):
            entry = self.gaz.find(name)
            if entry is not None and entry.type == "Place":
                return True
        return False


_PARTICLE = re.compile(r"^[a-z]{1,2}'[A-Z]")  # "d'Alene", "l'Est"


def _coordinated(text: str, canon: _Canon) -> list[Ent]:
    """"Canaima Lower and Middle veins", "East, West, SW, NWW, '9A' and 200S orebodies" → one entity each."""
    lex = canon.gaz.lexicon
    plural = lex.get("plural_heads", {})
    split_mods = set(lex.get("split_modifiers", []))
    name = r"'?[A-Z0-9][\w.'-]*'?(?:\s+[A-Z0-9][\w.'-]*'?){0,3}"
    heads = "|".join(sorted(map(re.escape, plural), key=len, reverse=True))
    pat = re.compile(rf"({name}(?:,\s+{name})*,?\s+and\s+{name})\s+({heads})\b")
    out: list[Ent] = []
    for m in pat.finditer(text):
        head = plural[m.group(2)]
        pieces = [(p.start(), p.group()) for p in re.finditer(rf"{name}", m.group(1))]
        pieces = [(s, w) for s, w in pieces if w not in ("and",)]
        if len(pieces) < 2:
            continue
        words0 = pieces[0][1].split()
        if words0[0] in canon.not_name and words0[0].lower() not in canon.commodities:
            continue  # "The M and S veins" is fine below; "In Alaska and Idaho veins" is not a name
        prefix = ""
        if len(words0) > 1 and all(len(w.split()) == 1 and w.strip("'") in split_mods for _, w in pieces[1:]) and (
            words0[-1] in split_mods
        ):
            prefix = " ".join(words0[:-1]) + " "
        for i, (start, word) in enumerate(pieces):
            label_name = word if i == 0 or not prefix else prefix + word
            resolved = canon.generic(f"{label_name} {head}", canon.heads.get(head, "OreBody"))
            if resolved is None:
                continue
            begin = m.start(1) + start
            end = m.end() if i == len(pieces) - 1 else begin + len(word)
            out.append(Ent(begin, end, resolved[0], resolved[1], text[begin:end], resolved[2]))
    return out


def _corporate_names(text: str, ents: list[Ent], canon: _Canon) -> list[Ent]:
    """A name followed by more capitalised words and a corporate suffix is one organisation:
    "Great Basin Gold, Inc.", never the place "Great Basin" and the metal "Gold"."""
    if not canon.suffixes:
        return ents
    suffix = "|".join(sorted(map(re.escape, canon.suffixes), key=len, reverse=True))
    tail = re.compile(rf"((?:\s+[A-Z][\w&'.-]*){{0,3}}),?\s+(?:{suffix})(?![\w.])\.?")
    out: list[Ent] = []
    cover = -1
    # capitalised words ending in a corporate suffix that nothing else claimed: "Jarrah Gold NL"
    word = r"(?:[A-Z][\w&'.-]*|[a-z]{1,2}'[A-Z][\w'.-]*|de|del|la|los|las|du|des|of|and|&)"
    name = re.compile(  # "2014--Kestrel Ridge Mining Corporation", "Coeur d'Alene Mines Corporation"
        rf"(?<![\w.&'])(?<!\w-)([A-Z][\w&'.-]*,?\s+(?:{word},?\s+){{0,5}}(?:{suffix}))(?![\w])"
    )
    titles = set(canon.gaz.lexicon.get("position_words", []))
    for m in name.finditer(text):
        words = m.group(1).split()
        # "Executive Vice President and Director of Questar Corporation": the name starts after the title
        while words and (words[0].rstrip(",") in canon.not_name or words[0].rstrip(",") in titles or words[0] in ("and", "of", "&")):
            words = words[1:]
        if len(words) < 2:
            continue
        start = text.index(words[0], m.start(1))
        if any(e.start < m.end() and m.start() < e.end and e.type in ("Organization", "Company")
               and (e.end - e.start) >= (m.end(1) - start) for e in ents):
            continue  # an organisation as long already ("del Norte S.A." gives way to the whole name)
        ents = [e for e in ents if not (e.start < m.end() and start < e.end)]
        name = text[start : m.end(1)].rstrip(",")
        entry = canon.gaz.find(name)
        type_, label = (entry.type, entry.label) if entry is not None and entry.type in ORG_TYPES else (canon.org_type(name), name)
        ents.append(Ent(start, start + len(name), type_, label, name))
    ents.sort(key=lambda e: e.start)
    for e in ents:
        if e.start < cover:
            continue
        m = tail.match(text, e.end) if e.type not in ("Organization", "Company", "Person") else None
        if m:
            end = m.end()
            name = text[e.start : end]
            if name.endswith(".") and not any(name.endswith(x) for x in canon.suffixes):
                end -= 1
                name = name[:-1]
            entry = canon.gaz.find(name)
            type_, label = (entry.type, entry.label) if entry is not None and entry.type in ORG_TYPES else (canon.org_type(name), name)
            out.append(Ent(e.start, end, type_, label, name))
            cover = end
            continue
        out.append(e)
    return out


def _organisation_names(text: str, ents: list[Ent], canon: _Canon) -> list[Ent]:
    """Capitalised words ending in the head word of a government body, regulator, union or
    agency are one organisation, a place among them included: "the Ghana Minerals Commission",
    "the Ghana Mineworkers' Union", never the place "Ghana" and a stray "Commission"."""
    if not canon.organization_heads:
        return ents
    heads = "|".join(sorted(map(re.escape, canon.organization_heads), key=len, reverse=True))
    name = re.compile(rf"(?<![\w&'.-])((?:[A-Z][\w&.-]*'?\s+){{1,4}}(?:{heads}))(?![\w'])")
    for m in name.finditer(text):
        words = m.group(1).split()
        while words and (words[0] in canon.not_name or words[0] in ("The", "A", "An")):
            words = words[1:]
        if len(words) < 2 or any(w.endswith("'s") for w in words):
            continue  # "the Company's Board": a body of the company, no name
        start = text.index(words[0], m.start(1))
        end = m.end(1)
        if any(e.start <= start and end <= e.end for e in ents if e.type in ("Organization", "Company")):
            continue  # within a name found already ("Toronto Stock Exchange")
        if any(e.start < end and start < e.end and e.type not in ("Place", "Commodity", "Organization") for e in ents):
            continue  # overlaps a company, person or site: leave the names as they are
        ents = [e for e in ents if not (e.start < end and start < e.end)]
        label = text[start:end]
        entry = canon.gaz.find(label)
        ents.append(Ent(start, end, entry.type if entry is not None else "Organization",
                        entry.label if entry is not None else label, label))
    ents.sort(key=lambda e: e.start)
    return ents


def _verb_not_metal(text: str, e: Ent, cues: dict[str, list[str]]) -> bool:
    """"will lead the program": a metal's name used as a verb (after a modal or "to")."""
    words = cues.get(e.text.lower()) if e.type == "Commodity" else None
    if not words:
        return False
    before = re.findall(r"[A-Za-z]+", text[max(0, e.start - 20) : e.start])
    return bool(before) and before[-1].lower() in words


def _titled_people(text: str, ents: list[Ent], canon: _Canon) -> list[Ent]:
    """A name right after a position ("Chief Executive Officer Siobhan Kearney said") is a person,
    also where the model does not know the name."""
    if not canon.position_heads:
        return ents
    heads = "|".join(sorted(map(re.escape, canon.position_heads), key=len, reverse=True))
    pat = re.compile(rf"\b(?:{heads}),?\s+([A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)?)\b(?!\s+[A-Z])")
    out = list(ents)
    for m in pat.finditer(text):
        if any(e.start < m.end(1) and m.start(1) < e.end for e in out) or m.group(1).split()[0] in canon.not_name:
            continue
        out.append(Ent(m.start(1), m.end(1), "Person", m.group(1), m.group(1)))
    return sorted(out, key=lambda e: e.start)


def _places_of(text: str, ents: list[Ent], canon: _Canon) -> list[Ent]:
    """"the town of Cedar Gulch", "the port of Caleta Brava": the capitalised words after are a place,
    whatever the model made of them (nothing, a person, a part of a longer span)."""
    cues = canon.gaz.lexicon.get("place_of_cues", [])
    if not cues:
        return ents
    alternatives = "|".join(sorted(map(re.escape, cues), key=len, reverse=True))
    # "190 km east of Hermosillo", "42 kilometres northeast of": a distance from a place
    directions = "|".join(sorted(canon.gaz.lexicon.get("directions", ["north", "south", "east", "west"]), key=len, reverse=True))
    distance = (
        r"\d[\d,.]*[\s-]*(?:km|kilomet(?:er|re)s?|miles?)\s+(?:to\s+the\s+)?"
        rf"(?:{directions})(?:-(?:{directions}))?\s+of"
    )
    word = r"[A-Z][\w'.-]*"
    pat = re.compile(
        rf"(?:\b(?:{alternatives})|{distance})\s+({word}(?:\s+(?:de|del|la|los|las|do|da)?\s*{word}){{0,3}})"
    )
    out = list(ents)
    for m in pat.finditer(text):
        name = m.group(1)
        if re.search(r"[a-z]{2}\.$", name):  # "west of the town of Falun." ends a sentence, not an abbreviation
            name = name[:-1]
        words = name.split()
        by_distance = m.group(0)[:1].isdigit()
        while words and (words[-1].lower() in canon.heads or words[-1] in canon.not_name):
            if by_distance and words[-1].lower() in canon.heads:
                words = []  # "12 km north of the Falun Mine": a site, not a place
                break
            words.pop()  # "the town of Falun Mine": not the mine's name
        if not words:
            continue
        name = " ".join(words)
        end = m.start(1) + len(name)
        entry = canon.gaz.find(name)
        if entry is not None and entry.type != "Place":
            continue
        if by_distance and any(e.start < end and m.start(1) < e.end and e.type != "Place" for e in out):
            continue  # what the text already names as a site or an organisation stays so
        label = entry.label if entry is not None else name
        if any(e.start <= m.start(1) and end <= e.end and e.type == "Place" and e.label == label for e in out):
            continue
        out = [e for e in out if not (e.start < end and m.start(1) < e.end)]
        out.append(Ent(m.start(1), end, "Place", label, name))
    return sorted(out, key=lambda e: e.start)


def _appointed_people(text: str, ents: list[Ent], canon: _Canon) -> list[Ent]:
    """"appointed Marisol Etchegaray as Chief Financial Officer", "succeeding Peter J. Hallam":
    the name after an appointment or succession word is a person, also where the model missed it."""
    cues = canon.gaz.lexicon.get("appointment_words", [])
    if not cues:
        return ents
    alternatives = "|".join(sorted(map(re.escape, cues), key=len, reverse=True))
    name = r"[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)?){1,2}"
    out = list(ents)
    for m in re.finditer(rf"\b(?:{alternatives})\s+({name})\b", text):
        printed = canon.without_title(m.group(1))
        start, end = m.start(1), m.start(1) + len(printed)
        if len(printed.split()) < 2 or printed.split()[0] in canon.not_name or canon.not_a_name(printed, "Person", ""):
            continue  # "appointed Chief Financial Officer": a post
        if canon.gaz.find(printed) is not None:
            continue
        if any(e.start <= start and end <= e.end and e.type == "Person" for e in out):
            continue
        out = [e for e in out if not (e.start < end and start < e.end)]
        out.append(Ent(start, end, "Person", printed, printed))
    return sorted(out, key=lambda e: e.start)


def _merge(ents: list[Ent], extra: list[Ent]) -> list[Ent]:
    if not extra:
        return ents
    spans = [(e.start, e.end) for e in extra]
    kept = [e for e in ents if not any(e.start < b and a < e.end for a, b in spans)]
    return sorted(kept + extra, key=lambda e: e.start)


# ------------------------------------------------------------------ the stage


def extract_narrative(
    docs: Sequence[tuple[Document, Sequence[Block]]], *, blank: bool = False, gazetteer: Gazetteer | None = None
) -> list[DocumentFacts]:
    """Mentions, relations and prose figures for each document (one DocumentFacts per document).

    ``gazetteer`` defaults to the whole gazetteer; ``load_gazetteer(tier="generic")``
    runs the stage as it would meet a release of a company nobody listed.
    """
    from kg.nlp.pipeline import PARSE, RULER, get_pipeline

    check_passes()
    check_predicates()
    gaz = gazetteer or load_gazetteer()
    nlp, model = get_pipeline(blank, gaz)
    canon = _Canon(gaz)
    lex = dict(gaz.lexicon)
    lex["_commodities"] = sorted(canon.commodities)

    texts: list[_Text] = []
    for i, (doc, blocks) in enumerate(docs):
        for block in _continued(blocks):
            if block.kind == "table":
                continue
            text, starts = _join(doc, block)
            if not text.strip():
                continue
            full = block.kind == "prose" and not _is_boilerplate(block)
            texts.append(_Text(i, block, text, starts, full))

    full_texts = [t for t in texts if t.full]
    rule_texts = [t for t in texts if not t.full]
    parse = [p for p in PARSE if p in nlp.pipe_names]
    _annotate(nlp.pipe((t.text for t in full_texts), batch_size=_BATCH, disable=parse), full_texts, canon)
    rules_only = [p for p in nlp.pipe_names if p not in ("sentencizer", RULER)]
    _annotate(nlp.pipe((t.text for t in rule_texts), batch_size=_BATCH, disable=rules_only), rule_texts, canon)
    if "parser" in parse:
        _parse_figure_sentences(nlp, full_texts, [p for p in nlp.pipe_names if p not in parse])

    by_doc: dict[int, list[_Text]] = {}
    for t in texts:
        by_doc.setdefault(t.doc_index, []).append(t)
    out = []
    for i, (doc, blocks) in enumerate(docs):
        try:
            facts = _document_facts(doc, blocks, by_doc.get(i, []), gaz, lex, model)
        except Exception as exc:  # one document's surprise must not cost the others their facts
            log.exception("narrative: %s failed", doc.name)
            problem = Problem(doc.name, 0, f"narrative extraction failed: {type(exc).__name__}: {exc}", "error")
            facts = DocumentFacts(doc=doc.name, doc_id=doc.id, meta=doc.meta, sha256=doc.sha256, problems=(problem,))
        out.append(facts)
    return out


# A sentence that may state a figure: a number with a unit of mass, a rate or a price per unit.
_FIGURE = re.compile(
    r"\d[\d,.]*\s*(?:thousand\s+|million\s+|billion\s+)?(?:[A-Za-z-]+\s+){0,2}?"
    r"(?i:ounces?|oz\b|tons?\b|tonnes?|pounds?|lbs?\b|geos?\b|ageq|auEq|moz\b|koz\b|mt\b|kt\b|mlbs?\b|cents|tpd\b)"
    r"|\$\s?\d[\d,.]*\s*(?:per|/|an?\s)"
)


def _parse_figure_sentences(nlp: Any, texts: list[_Text], disable: list[str]) -> None:
    """The parse (tags, dependencies) of every sentence that may state a figure: the figure rules
    read its clauses, tense and modality. Other sentences are not parsed (the stage's time is the
    model's named-entity pass plus this)."""
    spans = [(t, (a, b)) for t in texts for a, b in t.sentences if _FIGURE.search(t.text[a:b])]
    for (t, (a, b)), sdoc in zip(spans, nlp.pipe((t.text[a:b] for t, (a, b) in spans), batch_size=_BATCH, disable=disable),
                                 strict=True):
        t.parses[(a, b)] = tuple(
            Tok(tok.idx, tok.idx + len(tok.text), tok.text, tok.lemma_, tok.pos_, tok.tag_, tok.dep_, tok.head.i)
            for tok in sdoc
        )


def _spans(ent: Any, canon: _Canon) -> list[tuple[int, int, str]]:
    """A model entity's span, cut after a corporate suffix that more words follow: "Arden Minerals
    Corp. Arden Minerals operates" holds two names (the sentencizer keeps "Corp." inside a sentence)."""
    if ent.label_ in CONTRACT_TYPES:
        return [(ent.start_char, ent.end_char, ent.text)]
    out, start = [], ent.start
    for tok in ent:
        if tok.text in canon.suffixes and tok.i + 1 < ent.end and tok.i > start:
            span = ent.doc[start : tok.i + 1]
            out.append((span.start_char, span.end_char, span.text))
            start = tok.i + 1
    rest = ent.doc[start : ent.end]
    if len(rest):
        out.append((rest.start_char, rest.end_char, rest.text))
    return out


def _annotate(spacy_docs: Iterable[Any], targets: list[_Text], canon: _Canon) -> None:
    for sdoc, target in zip(spacy_docs, targets, strict=True):
        try:
            _annotate_one(sdoc, target, canon)
        except Exception as exc:  # a surprise in one block must not cost every document its facts
            log.exception("narrative: rules failed on lines %d-%d", target.block.first_line, target.block.last_line)
            target.ents, target.nested, target.sentences = [], [], []
            target.error = f"{type(exc).__name__}: {exc}"


def _annotate_one(sdoc: Any, target: _Text, canon: _Canon) -> None:
    """One block's entities (model and ruler, canonicalised), names inside names and sentences."""
    ents: list[Ent] = []
    for ent in sdoc.ents:
        for start, end, text in _spans(ent, canon):
            if ent.label_ == "PERSON":
                text = canon.without_title(text)
                end = start + len(text)
            if ent.label_ in CONTRACT_TYPES:
                resolved = canon.ruler(text, ent.label_, ent.ent_id_)
            else:
                resolved = canon.statistical(text, ent.label_, target.text[max(0, start - 40) : start],
                                             target.text[end : end + 40])
            if resolved is not None:
                bare = len(resolved) > 3 and bool(resolved[3])
                ents.append(Ent(start, end, resolved[0], resolved[1], text, resolved[2], bare))
    ents = _corporate_names(target.text, ents, canon)
    ents = _organisation_names(target.text, ents, canon)
    ents = _titled_people(target.text, ents, canon)
    ents = [e for e in ents if not _verb_not_metal(target.text, e, canon.verb_cues)]
    ents = [e for e in ents if not canon.not_a_name(e.text, e.type, target.text[e.end : e.end + 20])]
    ents = _places_of(target.text, ents, canon)
    ents = _appointed_people(target.text, ents, canon)
    target.ents = _merge(ents, _coordinated(target.text, canon))
    target.nested = [n for e in target.ents for n in canon.nested(e)]
    target.sentences = _join_sentences([(s.start_char, s.end_char) for s in sdoc.sents], target.text, canon)


_HONORIFICS = ("Dr.", "Mr.", "Ms.", "Mrs.", "Prof.")


def _join_sentences(spans: list[tuple[int, int]], text: str, canon: _Canon) -> list[tuple[int, int]]:
    """The sentencizer's sentences, put back together where it split at no sentence end: after a
    comma or semicolon ("Gregory P. Lindell, P.Geo.," | "Vice President, Exploration, is ..."), a
    professional designation or an honorific ("Dr." | "Helen M. Carrow")."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            prev = text[out[-1][0] : out[-1][1]].rstrip()
            last = prev.rsplit(None, 1)[-1] if prev else ""
            if prev.endswith((",", ";")) or last in _HONORIFICS or last.lower().rstrip(".,") in canon.designations:
                out[-1] = (out[-1][0], b)
                continue
        out.append((a, b))
    return out


def _document_facts(
    doc: Document, blocks: Sequence[Block], texts: list[_Text], gaz: Gazetteer, lex: dict[str, Any], model: str
) -> DocumentFacts:
    company_entry = gaz.find(doc.meta.company) if doc.meta.company else None
    company = EntityRef(company_entry.label, company_entry.type) if company_entry else (
        EntityRef(doc.meta.company, "Company") if doc.meta.company else None
    )
    ranks = {k: i for i, k in enumerate(lex.get("place_levels", []))}
    place_rank = {e.label: ranks[e.place_kind] for e in gaz.entries if e.place_kind in ranks}
    reporting = reporting_period(doc.meta.period_end, doc.meta.release_date, doc.meta.period_start)
    ctx = Context(company=company, release_date=doc.meta.release_date, lexicon=lex, place_rank=place_rank,
                  place_parents=_place_parents(gaz), reporting_year=reporting.end.year if reporting else None)
    fctx = FigureContext(doc=doc.name, company=company, period_end=doc.meta.period_end, lexicon=lex,
                         release_date=doc.meta.release_date, period_start=doc.meta.period_start,
                         fiscal_year_end=doc.meta.fiscal_year_end)

    mentions: list[Mention] = []
    relations: list[Relation] = []
    observations: list[Observation] = []
    problems: list[Problem] = []
    if model == "blank:en":
        problems.append(Problem(doc.name, 0, "no spaCy model installed: rule-based entities only", "info"))
    for missing in doc.meta.missing:  # figures still get what is known
        problems.append(Problem(doc.name, 0, f"header: {missing}", "warning"))
    for t in texts:
        if t.error:
            line = doc.source_line(t.block.first_line)
            problems.append(Problem(doc.name, line, f"narrative rules failed on this block: {t.error}", "error"))

    run = Run()
    run.enter("dateline_places")
    _dateline_places(texts, gaz)
    run.enter("ticker_exchanges")
    _ticker_exchanges(texts, gaz)
    run.enter("company_mentions")
    if company is not None:
        # the names the header says the release uses for its company ("Redhawk"), longest first
        aliases = [a for a in doc.meta.aliases if a[:1].isupper() and a.split()[0] not in ("The",)]
        forms = list(dict.fromkeys([*_company_forms(company.label, lex), *sorted(aliases, key=len, reverse=True)]))
        forms = [forms[0], *sorted(forms[1:], key=len, reverse=True)]
        for t in texts:
            t.ents = _company_mentions(t, company, forms, lex, gaz)
    run.enter("people")
    people = _people(texts)
    run.enter("site_roots")
    roots = _site_roots(texts)
    run.enter("prefer_explicit")
    explicit = _prefer_explicit(texts, gaz)
    regions = set(lex.get("region_words", []))
    run.enter("bare_names")
    bare = _bare_name_pattern(explicit, gaz)
    run.enter("named_once")
    named = _named_once(texts, lex, gaz)
    run.enter("heading_sites")
    headings = _heading_sites(texts)
    run.enter("entity_forms")
    commodities = set(lex.get("_commodities", ()))
    for t in texts:
        ents = [_person_alias(e, people) for e in t.ents]
        ents = [_bare_site(e, roots, explicit, gaz) for e in ents if e is not None]
        ents = [_with_region(t.text, e, regions) for e in ents]
        ents = _bare_names(t.text, ents, bare)
        ents = _bare_names(t.text, [_short_name(e, named) for e in ents], named)
        if t.full:
            ents = _coreference(t.text, ents, lex.get("anaphora", {}))
        t.ents = ents
        for e in [*ents, *t.nested]:
            line = doc.source_line(_line(t, e.start))
            mentions.append(Mention(doc.name, line, e.ref, e.text))
            for word in e.modifiers:  # "the Ironbark copper-gold project" names copper and gold
                if word in commodities:
                    mentions.append(Mention(doc.name, line, EntityRef(word, "Commodity"), word))
    run.enter("sentence_relations")
    # the document's one mine or unit (parts left out), whose parts a sentence may name alone
    producers = {e.ref: e for t in texts for e in t.ents if e.type in ("Mine", "MiningUnit") and not is_part(e.ref, lex)}
    only_site = next(iter(producers.values())) if len(producers) == 1 else None
    sentences: list[tuple[_Text, Sentence, int, EntityRef | None]] = []
    for t in texts:
        ents = t.ents
        if not t.full:
            continue
        topic = _topic(t) or headings.get(t.block.section)
        first = t.sentences[0] if t.sentences else (0, 0)
        # "At the Lucky Friday mine in Idaho, ...": a paragraph that opens on a site is about it
        opening = next((e for e in ents if first[0] <= e.start < first[1] and e.type in ("Mine", "MiningUnit", "Company")), None)
        opens_on_site = opening is not None and opening.type != "Company" and opening.start - first[0] < 60
        paragraph_site = opening if opens_on_site else None
        for start, end in t.sentences:
            sent = Sentence(
                text=t.text[start:end],
                ents=tuple(
                    Ent(e.start - start, e.end - start, e.type, e.label, e.text, e.modifiers)
                    for e in ents if start <= e.start and e.end <= end
                ),
                offset=start, topic=topic, section=t.block.section,
                context=next((e for e in reversed(ents) if e.end <= start and e.type in _PARENTS), None),
                only_site=only_site, paragraph_site=paragraph_site if start > first[0] else None,
                line_starts=t.line_starts, first_line=t.block.first_line,
                tokens=t.parses.get((start, end), ()),
            )
            sentences.append((t, sent, start, topic))
            for f in find_relations(sent, ctx):
                relations.append(_relation(doc, sent, f))
    # what each subject's figures are about, learnt from the figures that name their commodity: the
    # commodity of "1.7 million ounces" or of a cost "per ounce" whose sentence names none
    run.enter("figure_topics")
    topics = _FigureTopics()
    for t, sent, start, _ in sentences:
        topics.learn(find_figures(sent, fctx, lambda pos: 1, t.text[:start]))
    run.enter("prose_figures")
    last: _Text | None = None
    previous: EntityRef | None = None  # the last figure's subject in this paragraph
    for t, sent, start, _ in sentences:
        if t is not last:
            last, previous, topics.paragraph = t, None, ""

        def line_of(pos: int, sent: Sentence = sent) -> int:
            return _figure_line(doc, sent.line_of(pos), sent.column_of(pos))

        if _FOOTNOTE.match(t.text):
            continue  # a table's footnote qualifies its rows ("(1) ... of which 1,658 ounces were ..."), states no result
        found = list(find_figures(sent, fctx, line_of, t.text[:start], previous, topics))
        if found:
            previous = found[-1].subject
        topics.follow(found)
        observations.extend(found)
    run.enter("footnote_relations")
    for t in texts:
        if t.full:
            relations.extend(_footnote_relations(doc, blocks, t, gaz, explicit))
    run.enter("heading_relations")
    relations.extend(_heading_relations(doc, texts, company))
    run.enter("table_production")
    relations.extend(_table_production(doc, blocks, explicit, gaz, lex))
    run.enter("named_after_site")
    relations.extend(_named_after_site(doc, texts, explicit, gaz))
    run.enter("contacts")
    found_mentions, found_relations = _contacts(doc, lex, company, gaz)
    mentions.extend(found_mentions)
    relations.extend(found_relations)
    return DocumentFacts(
        doc=doc.name, doc_id=doc.id, meta=doc.meta, sha256=doc.sha256,
        observations=tuple(observations), mentions=tuple(mentions), relations=tuple(relations),
        problems=tuple(problems),
    )


def _figure_line(doc: Document, n: int, column: int) -> int:
    """The source line a prose figure is printed on, or 0 when the document cannot say: an HTML
    paragraph rendered on one analysis line from several source lines, with no record of which
    source line holds which words (the figure would cite a line it is not printed on)."""
    line = doc.lines[n - 1]
    at = column + len(line) - len(line.lstrip())
    if doc.cell_lines and doc.cell_lines[n - 1]:
        return doc.source_line_at(n, at)
    if doc.format == "html":
        nxt = next((doc.source_lines[k] for k in range(n, len(doc.lines)) if doc.lines[k].strip()), None)
        if nxt is not None and nxt - doc.source_lines[n - 1] > 1:
            return 0
    return doc.source_line(n)


class _FigureTopics:
    """The commodity a release's figures are about: per subject (most often first), in the current
    paragraph (the last one named), in the release (most often first)."""

    def __init__(self) -> None:
        self.by_subject: dict[EntityRef, Counter[str]] = {}
        self.release: Counter[str] = Counter()
        self.paragraph = ""

    @staticmethod
    def _metal(o: Observation) -> str:
        m = re.match(r"(?:reserve-contained-)?(.+?)(?:-produced|-sold)?$", o.metric)
        if m and o.unit in ("OZ", "LB", "TON", "TONNE") and not o.metric.startswith(("ore-", "reserve-ore")):
            return m.group(1)
        return ""

    def learn(self, found: Iterable[Observation]) -> None:
        for o in found:
            metal = self._metal(o)
            if metal:
                self.by_subject.setdefault(o.subject, Counter())[metal] += 1
                self.release[metal] += 1

    def follow(self, found: list[Observation]) -> None:
        for o in found:
            self.paragraph = self._metal(o) or self.paragraph

    def __call__(self, subject: EntityRef) -> str:
        def top(c: Counter[str]) -> str:
            return min(c, key=lambda k: (-c[k], list(c).index(k))) if c else ""

        own = top(self.by_subject.get(subject, Counter()))
        if subject.type in ("Mine", "MiningUnit") and own:
            return own
        return self.paragraph or own or top(self.release)


def _unique(relations: list[Relation]) -> list[Relation]:
    """One relation per subject, predicate, object and value: the first statement of it."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in relations:
        key = (r.subject, r.predicate, r.object, r.value)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


_HEADING_SHARE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<inside>[^()]*?\b(?P<pct>\d{1,3}(?:\.\d+)?)\s*%[^()]*)\)\s*$")


def _heading_relations(doc: Document, texts: list[_Text], company: EntityRef | None) -> list[Relation]:
    """A one-line section heading "Hollowell Mine (Idaho, 100%)", "Kestrel Lake Mine (51% interest,
    operator)": the releasing company's share of the site it names, and its operation."""
    out: list[Relation] = []
    if company is None:
        return out
    for t in texts:
        if t.block.first_line != t.block.last_line:
            continue
        m = _HEADING_SHARE.match(t.text.strip())
        if not m:
            continue
        sites = [e for e in t.ents if e.type in SITE_TYPES and e.end <= len(m.group("name")) + 1]
        if len(sites) != 1:
            continue
        site = sites[0]
        src = Source(doc.name, doc.source_line(t.block.first_line), "prose")
        pct = m.group("pct")
        decimals = len(pct.split(".")[1]) if "." in pct else 0
        if not re.search(r"basis", m.group("inside"), re.I):
            out.append(Relation(company, "ownershipInterest", site.ref, src, value=pct, value_decimals=decimals,
                                text=t.text.strip(), kind="equity"))
        if re.search(r"\boperator\b", m.group("inside"), re.I):
            out.append(Relation(site.ref, "operatedBy", company, src, text=t.text.strip()))
    return out


def _table_production(
    doc: Document, blocks: Sequence[Block], explicit: dict[str, Counter[EntityRef]], gaz: Gazetteer, lex: dict[str, Any]
) -> list[Relation]:
    """A production table's section row names a mine ("Plata Vieja Mine (metric)", "YARRABEE (100%)")
    and its rows the metals it produced ("Gold produced (oz)"): each metal producedAt that mine."""
    sites = {k: v for k, v in explicit.items() if any(r.type in ("Mine", "MiningUnit") for r in v)}
    if not sites:
        return []
    heads = lex.get("heads", {})
    roots: dict[str, EntityRef] = {}
    for refs in sites.values():
        ref = sorted(refs, key=lambda r: (-refs[r], _SITE_PREFERENCE.index(r.type), r.label))[0]
        if ref.type in ("Mine", "MiningUnit"):
            roots.setdefault(_root(ref.label, heads).casefold(), ref)
    commodities = "|".join(sorted(map(re.escape, lex.get("_commodities", ())), key=len, reverse=True))
    cue = "|".join(lex.get("table_production_words", ["produced", "production"]))
    row = re.compile(rf"^\s*(?:payable\s+)?({commodities})\s+(?:{cue})\b", re.I)
    out: list[Relation] = []
    for b in blocks:
        if b.kind != "table":
            continue
        current: EntityRef | None = None
        for n, line in enumerate(b.lines, b.first_line):
            label = re.split(r"\s{2,}", line.strip())[0]
            if not label:
                continue
            if not re.search(r"\d", line.replace(label, "", 1)):  # a section row
                text = re.sub(r"\([^)]*\)", " ", label).casefold()
                hits = [k for k in roots if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text)]
                current = roots[max(hits, key=len)] if hits else (None if re.match(r"^[A-Za-z]", label) else current)
                continue
            m = row.match(label)
            if m and current is not None:
                commodity = gaz.find(m.group(1).lower())
                name = commodity.label if commodity is not None and commodity.type == "Commodity" else m.group(1).lower()
                src = Source(doc.name, doc.source_line(n), "prose")
                out.append(Relation(EntityRef(name, "Commodity"), "producedAt", current, src, text=line.strip()))
    return out


def _named_after_site(doc: Document, texts: list[_Text], explicit: dict[str, Counter[EntityRef]], gaz: Gazetteer) -> list[Relation]:
    """A plant named after a mine ("the Hollowell mill", "the Las Vizcachas concentrator") is part of it."""
    heads = gaz.lexicon.get("heads", {})
    mines: dict[str, EntityRef] = {}
    for refs in explicit.values():
        for ref in refs:
            if ref.type in ("Mine", "MiningUnit"):
                mines.setdefault(_root(ref.label, heads), ref)
    out: list[Relation] = []
    seen: set[str] = set()
    for t in texts:
        for e in t.ents:
            if e.type != "Facility" or e.label in seen:
                continue
            for root, mine in mines.items():
                if e.label.startswith(root + " ") and e.label != mine.label:
                    seen.add(e.label)
                    src = Source(doc.name, doc.source_line(_line(t, e.start)), "prose")
                    out.append(Relation(e.ref, "partOf", mine, src, text=re.sub(r"\s+", " ", t.text)[:300]))
                    break
    return out


_CONTACT = re.compile(r"^\s*(?:contacts?|for\s+(?:further|more)\s+information|investor\s+(?:relations\s+)?contacts?|media\s+contacts?)\b[^:]*:?\s*", re.I)
_CONTACT_PERSON = re.compile(
    r"^\s*(?:(?:Dr|Mr|Ms|Mrs)\.\s+)?([A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)?),\s+([A-Za-z][^\d(+@]*?)\s*(?:,\s*[(+\d].*|,\s*\S+@.*)?$"
)


def _contacts(doc: Document, lex: dict[str, Any], company: EntityRef | None, gaz: Gazetteer) -> tuple[list[Mention], list[Relation]]:
    """The contact block at a release's end ("Contact: Gail Ferrante, Vice President, Finance and
    Chief Financial Officer"; "For further information:" over "Jonas Whitcombe, Vice President,
    Investor Relations"): each person and the post the block gives them, on the release's date.
    Read from the document's lines: contact blocks are page furniture to the layout stage."""
    words = set(lex.get("position_heads", [])) | set(lex.get("departments", [])) | set(lex.get("position_words", []))
    mentions: list[Mention] = []
    relations: list[Relation] = []
    lines = doc.lines
    start = max(0, len(lines) - 60)
    for i in range(start, len(lines)):
        m = _CONTACT.match(lines[i])
        if not m:
            continue
        for j in range(i, min(i + 6, len(lines))):
            text = lines[j][m.end():] if j == i else lines[j]
            if j > i and not text.strip():
                break
            p = _CONTACT_PERSON.match(text)
            if not p or gaz.find(p.group(1)) is not None:
                continue
            title = _clean_contact_title(p.group(2))
            if not title or not any(w in words for w in re.findall(r"[A-Za-z]+(?:\s+[A-Z][a-z]+)?", title)) and not any(
                w in words for w in title.replace(",", " ").split()
            ):
                continue
            line = doc.source_line(j + 1)
            person = EntityRef(p.group(1), "Person")
            mentions.append(Mention(doc.name, line, person, p.group(1)))
            if company is not None:
                relations.append(Relation(person, "holdsPosition", EntityRef(title, "Position"), Source(doc.name, line, "prose"),
                                          value=company.label, date=doc.meta.release_date, text=text.strip()))
    return mentions, relations


def _clean_contact_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;")


def _place_parents(gaz: Gazetteer) -> dict[str, frozenset[str]]:
    """Every gazetteer place → the labels of all places the gazetteer says contain it."""
    by_key = gaz.by_key()
    out: dict[str, frozenset[str]] = {}
    for entry in gaz.entries:
        if entry.type != "Place":
            continue
        seen: list[str] = []
        parent = by_key.get(entry.parent)
        while parent is not None and parent.label not in seen:
            seen.append(parent.label)
            parent = by_key.get(parent.parent)
        out[entry.label] = frozenset(seen)
    return out


def _line(t: _Text, pos: int) -> int:
    n = 0
    for i, start in enumerate(t.line_starts):
        if start <= pos:
            n = i
    return t.block.first_line + n


def _relation(doc: Document, sent: Sentence, f: Found) -> Relation:
    line = doc.source_line(sent.line_of(f.pos))
    return Relation(
        subject=f.subject, predicate=check_predicate(f.predicate), object=f.object, source=Source(doc.name, line, "prose"),
        value=f.value, value_decimals=f.value_decimals, date=f.date, date_precision=f.date_precision, text=re.sub(r"\s+", " ", sent.text).strip(),
        kind=f.kind,
    )


# "TORONTO, Ontario--(BUSINESS WIRE)--", "VANCOUVER, BC / ACCESSWIRE /", "Reno, Nevada (October 30,
# 2012) -", "PERTH, Western Australia, 25 October 2016": a town, a region, then the wire or the date
_DATELINE = re.compile(
    r"^\s*([A-Z][A-Za-z.'\u2019 -]*[A-Za-z.]),\s+([A-Z][A-Za-z. ]+?)"
    r"\s*(?:-{1,2}\s*\(|/|\(|[\u2013\u2014]|,\s+(?:\d|[A-Z][a-z]+\.?\s+\d))"
)


def _dateline_places(texts: list[_Text], gaz: Gazetteer) -> None:
    """The dateline's town and region are places: "TORONTO, Ontario--(BUSINESS WIRE)--", "VANCOUVER,
    BRITISH COLUMBIA--(Marketwire ...)". A town in capitals is taken as printed; one in title case only
    where the region after it is a known place ("Reno, Nevada (October 30, 2012)")."""
    for t in texts[:8]:  # the head of the release
        m = _DATELINE.match(t.text)
        if not m:
            continue
        printed, region_text = m.group(1), m.group(2).strip()
        region = gaz.find(region_text)  # "Ontario--(BUSINESS" is one token to the model
        known_region = region is not None and region.type == "Place"
        if not printed.isupper() and not known_region:
            continue
        found: list[Ent] = []
        entry = gaz.find(printed)
        if not any(e.start < m.end(1) and m.start(1) < e.end for e in t.ents) and (entry is None or entry.type == "Place"):
            label = entry.label if entry is not None else " ".join(
                re.sub(r"(?<=['\u2019])(\w)", lambda x: x.group(1).lower(), w.title()) if len(w) > 2 else w.title()
                for w in printed.split()
            )
            found.append(Ent(m.start(1), m.end(1), "Place", label, printed))
        at = m.start(2)
        if known_region and not any(e.start < at + len(region_text) and at < e.end and e.type == "Place" for e in t.ents):
            found.append(Ent(at, at + len(region_text), "Place", region.label, region_text))  # type: ignore[union-attr]
        if found:
            kept = [e for e in t.ents if not any(e.start < f.end and f.start < e.end for f in found)]
            t.ents = sorted([*kept, *found], key=lambda e: e.start)
        return


_TICKER = re.compile(r"[(;,]\s*([A-Z][A-Za-z]*(?:[ .-][A-Za-z]+)*)\s*:\s*[A-Z][A-Z0-9.]*\s*(?=[);,])")


def _ticker_exchanges(texts: list[_Text], gaz: Gazetteer) -> None:
    """"(TSX VENTURE:RHR)(OTCBB:RHRRF)", "(NYSE: BTS; TSX: BTR)": each exchange a ticker is listed on
    is an organisation, also where the model read "OTCBB:RHRRF" as one word."""
    for t in texts[:8]:  # the head of the release
        found = []
        for m in _TICKER.finditer(t.text):
            entry = gaz.find(m.group(1))
            if entry is None or entry.type != "Organization":
                continue
            if any(e.start < m.end(1) and m.start(1) < e.end for e in t.ents):
                continue
            found.append(Ent(m.start(1), m.end(1), "Organization", entry.label, m.group(1)))
        if found:
            t.ents = sorted([*t.ents, *found], key=lambda e: e.start)


def _heading_sites(texts: list[_Text]) -> dict[str, Ent]:
    """Section heading → the site it names ("SANTA LUCIA MINE"): the topic of the prose under it."""
    out: dict[str, Ent] = {}
    for t in texts:
        if t.block.kind != "heading":
            continue
        sites = [e for e in t.ents if e.type in SITE_TYPES]
        if sites:
            out.setdefault(" ".join(t.text.split()), Ent(0, 0, sites[0].type, sites[0].label, sites[0].text))
    return out


def _topic(t: _Text) -> Ent | None:
    """The site a paragraph's run-in heading names ("LUCKY FRIDAY - The ...")."""
    m = _RUN_IN_HEADING.match(t.text)
    if not m:
        return None
    for e in t.ents:
        if e.start >= m.start(1) and e.end <= m.end(1) and e.type in SITE_TYPES:
            return Ent(0, 0, e.type, e.label, e.text)
    return None


_SITE_PREFERENCE = ("MiningUnit", "Mine", "Property", "Project", "Facility", "OreBody")
_PARENTS = ("Mine", "MiningUnit", "Property")


def _root(label: str, heads: dict[str, str]) -> str:
    words = label.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].lower() in heads else label


def _prefer_explicit(texts: list[_Text], gaz: Gazetteer) -> dict[str, Counter[EntityRef]]:
    """A bare name ("La Camorra") means the site this document names in full ("La Camorra Unit"):
    the most often named full form, a unit before a mine before a property on ties."""
    heads = gaz.lexicon.get("heads", {})
    explicit: dict[str, Counter[EntityRef]] = {}
    for t in texts:
        for e in t.ents:
            root = _root(e.label, heads)
            if e.type in _SITE_PREFERENCE and root != e.label and e.text.strip().casefold() != root.casefold():
                explicit.setdefault(root.casefold(), Counter())[e.ref] += 1
    pit_words = {w for w, t in heads.items() if t == "Mine" and w != "mine"}  # "pit", "operation"
    for t in texts:
        new = []
        for e in t.ents:
            full = explicit.get(e.text.strip().casefold()) if e.bare else None
            if full:
                ref = sorted(full, key=lambda r: (-full[r], _SITE_PREFERENCE.index(r.type), r.label))[0]
                e = Ent(e.start, e.end, ref.type, ref.label, e.text, e.modifiers)
            elif e.type == "Mine" and e.label.rsplit(" ", 1)[-1].lower() in pit_words:
                # "the Sandhill pit" where the release names the "Sandhill mine": the open pit is that
                # mine; a pit named otherwise ("San Gabriel pit" of another mine) stays its own
                mines = [r for r in explicit.get(_root(e.label, heads).casefold(), ())
                         if r.type == "Mine" and r.label.rsplit(" ", 1)[-1].lower() == "mine"]
                if mines:
                    e = Ent(e.start, e.end, mines[0].type, mines[0].label, e.text, e.modifiers)
            new.append(e)
        t.ents = new
    for t in texts:  # names written in full count for themselves (a table row "Lucky Friday Unit, USA")
        for e in t.ents:
            if e.type in _SITE_PREFERENCE:
                explicit.setdefault(e.label.casefold(), Counter())[e.ref] += 1
    return explicit


def _site_roots(texts: list[_Text]) -> dict[str, set[str]]:
    """Names of the document's sites without their head noun ("Don Sergio" of "Don Sergio vein"),
    with the types of the sites they name."""
    roots: dict[str, set[str]] = {}
    for t in texts:
        for e in t.ents:
            if e.type in SITE_TYPES and " " in e.label:
                roots.setdefault(e.label.rsplit(" ", 1)[0], set()).add(e.type)
    return roots


def _bare_name_pattern(
    explicit: dict[str, Counter[EntityRef]], gaz: Gazetteer
) -> tuple[re.Pattern[str], dict[str, EntityRef]] | None:
    """The bare names of the document's mines, units, properties and projects ("Greens Creek" of
    the "Greens Creek mine"), each meaning the site named in full most often; ore bodies and
    facilities are left out ("East" of "East orebody" is no name on its own)."""
    heads = gaz.lexicon.get("heads", {})
    not_name = set(gaz.lexicon.get("not_name_words", []))
    names: dict[str, EntityRef] = {}
    for key, refs in explicit.items():
        ref = sorted(refs, key=lambda r: (-refs[r], _SITE_PREFERENCE.index(r.type), r.label))[0]
        if ref.type not in ("MiningUnit", "Mine", "Property", "Project"):
            continue
        root = _root(ref.label, heads)
        words = root.split()
        if root.casefold() != key or not all(w[:1].isupper() or w[:1].isdigit() for w in words):
            continue
        if words[0] in not_name or (len(words) < 2 and len(root) < 5) or gaz.find(root) is not None:
            continue
        names[root.casefold()] = ref
    if not names:
        return None
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<![\w'-])(?:{alternatives})(?![\w-])", re.I), names


def _bare_names(
    text: str, ents: list[Ent], bare: tuple[re.Pattern[str], dict[str, EntityRef]] | None
) -> list[Ent]:
    """Bare names of the document's sites where nothing else was found ("Greens Creek produced ...")."""
    if bare is None:
        return ents
    pattern, names = bare
    out = list(ents)
    for m in pattern.finditer(text):
        if not m.group()[:1].isupper() or any(e.start < m.end() and m.start() < e.end for e in out):
            continue
        ref = names[m.group().casefold()]
        out.append(Ent(m.start(), m.end(), ref.type, ref.label, m.group(), (), bare=True))
    return sorted(out, key=lambda e: e.start)


def _named_once(
    texts: list[_Text], lex: dict[str, Any], gaz: Gazetteer
) -> tuple[re.Pattern[str], dict[str, EntityRef]] | None:
    """Places and organisations the document names somewhere, by every form it may use again:
    the place as named, the organisation in full and without its corporate suffix ("Pell River
    Mining" of "Pell River Mining Ltd.") — so a later "Sonora" the model missed is a place too."""
    names: dict[str, EntityRef] = {}
    for t in texts:
        for e in t.ents:
            if e.type == "Place" and e.text.strip() == e.label and e.label[:1].isupper():
                names.setdefault(e.label.casefold(), e.ref)
            elif e.type in ORG_TYPES:
                for form in _company_forms(e.label, {**lex, "company_descriptors": []}):
                    if len(form.split()) > 1 and gaz.find(form) is None:
                        names.setdefault(form.casefold(), e.ref)
    if not names:
        return None
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<![\w'-])(?:{alternatives})(?![\w-])", re.I), names


def _short_name(e: Ent, named: tuple[re.Pattern[str], dict[str, EntityRef]] | None) -> Ent:
    """A place or person the model saw in "shares of Pell River common stock" where the document
    names "Pell River Mining Ltd.": the organisation (its name without suffix or descriptive words)."""
    if named is None or e.type not in ("Place", "Person", "Organization"):
        return e
    for ref in dict.fromkeys(named[1].values()):
        if ref.type not in ORG_TYPES or ref.label == e.label:
            continue
        words = re.sub(r"[,.]", " ", ref.label).split()
        if len(e.label.split()) > 1 and words[: len(e.label.split())] == e.label.split():
            return Ent(e.start, e.end, ref.type, ref.label, e.text, e.modifiers)
    return e


def _bare_site(
    e: Ent, roots: dict[str, set[str]], explicit: dict[str, Counter[EntityRef]], gaz: Gazetteer
) -> Ent:
    """"Don Sergio" tagged PERSON or "San Sebastian" tagged GPE by the model where the document
    names the "Don Sergio vein" or the "San Sebastian Unit": the site (the one named in full most
    often); but "Vancouver" stays a place beside the "Vancouver office"."""
    if e.type not in ("Person", "Place", "Organization") or e.label not in roots or gaz.find(e.label) is not None:
        return e
    if e.type != "Person" and roots[e.label] == {"Facility"}:
        return e
    refs = explicit.get(e.label.casefold())
    if not refs:
        return e
    ref = sorted(refs, key=lambda r: (-refs[r], _SITE_PREFERENCE.index(r.type), r.label))[0]
    return Ent(e.start, e.end, ref.type, ref.label, e.text, e.modifiers, bare=True)


def _company_forms(label: str, lex: dict[str, Any]) -> list[str]:
    """The names a release calls its own company by, longest first: "Hecla Mining Company",
    "Hecla Mining", "Hecla" (corporate suffixes, then descriptive words, dropped from the end)."""
    suffixes = set(lex.get("corporate_suffixes", [])) | {"Company"}
    descriptors = set(lex.get("company_descriptors", [])) | {c.title() for c in lex.get("_commodities", ())}
    words = label.replace(",", " ").split()
    forms = [label]
    while len(words) > 1 and words[-1] in suffixes:
        words = words[:-1]
        forms.append(" ".join(words))
    while len(words) > 1 and words[-1] in descriptors:
        words = words[:-1]
        forms.append(" ".join(words))
    return list(dict.fromkeys(forms))


def _company_mentions(
    t: _Text, company: EntityRef, forms: list[str], lex: dict[str, Any], gaz: Gazetteer
) -> list[Ent]:
    """The releasing company wherever the text names it by one of its forms; a company named
    after it with a corporate suffix ("Hecla Limited") is a company of the group, not any organisation.
    A short form that is also a town ("Coeur d'Alene" of "Coeur d'Alene Mines") stays a place
    where the text writes it as one ("Coeur d'Alene, Idaho", a place the model found)."""
    suffixes = set(lex.get("corporate_suffixes", []))
    short = forms[-1]
    upper = {f.upper() for f in forms}

    def place_here(end: int) -> bool:
        m = re.match(r",\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)", t.text[end : end + 40])
        return bool(m) and any((x := gaz.find(n)) is not None and x.type == "Place"
                               for n in (m.group(1), m.group(1).split()[0]))

    out: list[Ent] = []
    for e in t.ents:
        name = re.sub(r"'s$", "", e.text.strip())
        known_place = (x := gaz.find(name)) is not None and x.type == "Place"
        if (name in forms or name.upper() in upper) and not (
            name.upper() != forms[0].upper() and (known_place or place_here(e.end))
        ):
            e = Ent(e.start, e.end, "Company", company.label, e.text, e.modifiers)
        elif e.type in ORG_TYPES and e.label.startswith(short + " ") and e.label.split()[-1] in suffixes:
            e = Ent(e.start, e.end, "Company", e.label, e.text, e.modifiers)
        out.append(e)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")  # "Corp." ends in a dot
    suffix = "|".join(sorted(map(re.escape, suffixes), key=len, reverse=True))
    group = re.compile(rf"(?:\s+[A-Z][\w&-]*){{0,2}},?\s+(?:{suffix})(?![\w.])\.?") if suffix else None
    for m in pattern.finditer(t.text):
        if m.group() == forms[0]:  # the full name wins over any organisation found inside it
            out = [e for e in out if not (e.type in ORG_TYPES and m.start() <= e.start and e.end <= m.end())]
        if any(e.start < m.end() and m.start() < e.end for e in out) or (
            m.group() != forms[0] and place_here(m.end())
        ):
            continue
        tail = group.match(t.text, m.end()) if group is not None and m.group() != forms[0] else None
        if tail:  # "Hecla Limited"
            name = t.text[m.start() : tail.end()].rstrip(",")
            out = [e for e in out if not (e.start < tail.end() and m.start() < e.end)]
            out.append(Ent(m.start(), m.start() + len(name), "Company", name, name))
        else:
            out.append(Ent(m.start(), m.end(), "Company", company.label, m.group()))
    return sorted(out, key=lambda e: e.start)


def _with_region(text: str, e: Ent, regions: set[str]) -> Ent:
    """"North Idaho": a capitalised compass word before a place names a region of it."""
    if e.type != "Place":
        return e
    m = re.search(r"(?<![\w-])([A-Z][a-z]+)\s+$", text[max(0, e.start - 20) : e.start])
    if m and m.group(1) in regions:
        start = e.start - len(m.group(0))
        label = f"{m.group(1)} {e.label}"
        return Ent(start, e.end, "Place", label, text[start : e.end], e.modifiers)
    return e


def _coreference(text: str, ents: list[Ent], anaphora: dict[str, list[str]]) -> list[Ent]:
    """"the mine", "This mine", "the unit": the nearest site of that type named before it in the
    paragraph (the head's first type, else the next one listed for it)."""
    if not anaphora:
        return ents
    heads = "|".join(sorted(map(re.escape, anaphora), key=len, reverse=True))
    out = list(ents)
    for m in re.finditer(rf"\b(?:[Tt]he|[Tt]his)\s+({heads})\b(?!-)", text):
        if any(e.start < m.end() and m.start() < e.end for e in out):
            continue
        before = [e for e in ents if e.end <= m.start()]
        for type_ in anaphora[m.group(1).lower()]:
            found = [e for e in before if e.type == type_]
            if found:
                ant = found[-1]
                out.append(Ent(m.start(), m.end(), ant.type, ant.label, m.group(), ()))
                break
    return sorted(out, key=lambda e: e.start)


def _people(texts: list[_Text]) -> dict[str, Ent]:
    """Surname → the full-name person entity of this document ("Baker" → "Phillips S. Baker, Jr.")."""
    people: dict[str, Ent] = {}
    for t in texts:
        for e in t.ents:
            if e.type == "Person" and len(e.label.split()) > 1:
                surname = re.sub(r",?\s+(?:Jr|Sr|II|III)\.?$", "", e.label).split()[-1]
                people.setdefault(surname, e)
    return people


def _person_alias(e: Ent, people: dict[str, Ent]) -> Ent | None:
    if e.type != "Person":
        return e
    if len(e.text.split()) == 1:
        full = people.get(e.text.strip())
        return Ent(e.start, e.end, "Person", full.label, e.text) if full else None
    return e


def _footnote_relations(
    doc: Document, blocks: Sequence[Block], t: _Text, gaz: Gazetteer, explicit: dict[str, Counter[EntityRef]]
) -> list[Relation]:
    """A footnote under a table ("(5) Inferred resources, East, West ... orebodies") names ore bodies
    of the row it annotates ("Greens Creek (29.73%), USA(5)"): the site of the document whose name
    the row label holds (the one named in full most often), else a site of the gazetteer."""
    m = _FOOTNOTE.match(t.text)
    if not m:
        return []
    marker = f"({m.group(1)})"
    table = None
    for b in blocks:
        if b.kind == "table" and b.last_line < t.block.first_line:
            table = b
    if table is None:
        return []
    row_entity = None
    previous = ""
    for line in table.lines:
        label = re.split(r"\s{2,}", line.strip())[0]
        if marker in label:
            label = label.replace(marker, "")
            if previous.endswith(","):  # "La Camorra Unit," / "Venezuela(1)"
                label = f"{previous} {label}"
            row_entity = _document_site(label, explicit) or _longest_entry(label, gaz)
            break
        previous = label
    if row_entity is None:
        return []
    out = []
    for e in t.ents:
        if e.type == "OreBody":
            line = doc.source_line(_line(t, e.start))
            out.append(Relation(e.ref, "partOf", row_entity, Source(doc.name, line, "prose"),
                                text=re.sub(r"\s+", " ", t.text)))
    return out


def _document_site(label: str, explicit: dict[str, Counter[EntityRef]]) -> EntityRef | None:
    """The document's site a table row label names: its longest name in the label."""
    best = ""
    for name in explicit:
        if len(name) > len(best) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", label.casefold()):
            best = name
    if not best:
        return None
    refs = explicit[best]
    return sorted(refs, key=lambda r: (-refs[r], _SITE_PREFERENCE.index(r.type), r.label))[0]


def _longest_entry(label: str, gaz: Gazetteer) -> EntityRef | None:
    best = None
    for surface, entries in gaz.by_surface().items():
        entry = entries[0]
        if entry.type not in ("MiningUnit", "Mine", "Property") or len(surface) < 4:
            continue
        if re.search(rf"(?<!\w){re.escape(surface)}(?!\w)", label):
            if best is None or len(surface) > len(best[0]):
                best = (surface, entry)
    return EntityRef(best[1].label, best[1].type) if best else None
