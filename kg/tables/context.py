"""What a table row stands under: the document's state, section headings and the names they use.

Input: a :class:`kg.facts.Document` and the label-only rows of its tables ("CRAZY CREEK MINE",
"YARRABEE (100%)", "Kestrel Lake Mine (51% interest, operator)", "Hollowell Mine (short tons)",
"GROUP (attributable)"). Output: :class:`Heading` (the name a heading gives, its type, the
interest, basis, unit and place it states), :class:`Names` (the mines, deposits, properties and
projects the release names with a head word, so "Bowen Hill" in a reserves table is the "Bowen
Hill deposit" of the text) and the state a table hands to the next (:class:`DocState`) and a row
to the next (:class:`RowContext`).

A heading is about an entity when it carries a head word ("mine", "deposit", "complex"), names
something the release names with one, or states an interest ("(51% interest, operator)"). What
is company-wide ("CONSOLIDATED", "GROUP", "Total") or a reporting segment comes from
``table-terms.ttl``; head words and the descriptive words that are not part of a name
("underground", "open pit") from ``ontology/patterns/lexicon.json``. None of it names a company.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, cached_property, lru_cache

from kg.facts import Document, EntityRef
from kg.tables.units import UnitSpec, heading_unit
from kg.vocab import Vocabulary, lexicon, norm, vocabulary

_PAREN = re.compile(r"\([^()]*\)?")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_MARKERS = re.compile(r"\(\s*\d{1,2}\s*\)|\*+")
_COUNTRY_TAIL = re.compile(r",\s*[A-Z][A-Za-z .]*$")
# Entity types in the order a table subject prefers them when a name is used with several heads
# ("Yarrabee mine" and "Yarrabee plant": the rows are about the mine; a release that reports by
# "unit" reports its mines as units).
_SUBJECT_RANK = ("MiningUnit", "Mine", "OreBody", "Property", "Project", "Facility")


@dataclass
class DocState:
    """What one table passes to the next within a document."""

    doc: Document
    vocab: Vocabulary
    company: EntityRef
    names: Names
    default_scale: dict[str, Decimal] = field(default_factory=dict)
    last_headers: list = field(default_factory=list)
    last_kind: str = ""
    reserves_date: date | None = None
    metal_of: dict[str, str] = field(default_factory=dict)  # subject label -> metal its unit costs are for
    metals: tuple[str, ...] = ()  # the metals unit costs are told apart by (set by the first table)
    # (table kind, row label, family, section, subject) -> the metric it names there
    label_metrics: dict = field(default_factory=dict)
    main_metal: str = ""  # the metal the release reports most


@dataclass
class RowContext:
    """The rows above a row: its subject, the share and basis it is reported at, its family row
    and reserve category."""

    subject: EntityRef
    share: Decimal | None = None
    basis: str = ""  # "100%" when the heading says the rows are on a 100% basis
    unit: UnitSpec | None = None  # a unit the heading prints for its rows ("(short tons)")
    section: str = ""  # section row as printed
    section_labels: list[str] = field(default_factory=list)
    family: str = ""  # family row as printed
    family_indent: int = -1
    family_rows: int = 0  # data rows read since the family row
    category: str = ""
    parent: str = ""  # an interval's row key, for the "including" rows under it


@dataclass(frozen=True)
class Heading:
    """A section heading read: "KESTREL LAKE (51% interest, operator)" → name "Kestrel Lake",
    share 0.51; "Hollowell Mine (short tons)" → name "Hollowell Mine", head "mine", unit TON."""

    text: str
    name: str  # title case, without parentheticals, markers or a trailing country
    proper: str  # the name without its head word and descriptive words ("Redtail")
    head: str  # the head word printed ("mine"), lower case, or ""
    type: str  # entity type the head word gives, or ""
    share: Decimal | None = None  # an interest below 100% it states
    basis: str = ""  # "100%" when it says its figures are on a 100% basis
    unit: UnitSpec | None = None
    places: tuple[str, ...] = ()  # places in its parentheticals ("(Chihuahua, Mexico, 100%)")


def title_name(text: str) -> str:
    """A capitalised name as a label: "LUCKY FRIDAY UNIT" → "Lucky Friday Unit"."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in text.split())


def strip_markers(text: str) -> str:
    if "(" in text or "*" in text:
        text = _MARKERS.sub(" ", text)
    return " ".join(text.split())


def entity_name(label: str) -> tuple[str, Decimal | None]:
    """A row or section label naming a unit → (name, share): "Greens Creek (29.73%), USA(5)" →
    ("Greens Creek", 0.2973). Parentheticals, markers and a trailing country go."""
    share = None
    for paren in _PAREN.findall(label):
        m = _PERCENT.search(paren)
        if m:
            share = Decimal(m.group(1)) / 100
            break
    name = _PAREN.sub(" ", label)
    name = " ".join(name.replace("*", " ").split()).strip(" ,;:-")
    name = _COUNTRY_TAIL.sub("", name).strip(" ,")
    return name, share


@cache
def _heads() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(head word → type, plural head → head, descriptive modifiers) from the lexicon."""
    lex = lexicon()
    heads = {k.lower(): v for k, v in lex.get("heads", {}).items()}
    # the words a table heading uses for what the text calls a mine or a unit
    for word, canonical in lex.get("head_case", {}).items():
        heads.setdefault(word.lower(), heads.get(canonical.lower(), "Mine"))
    heads.setdefault("complex", "MiningUnit")
    heads.setdefault("division", "MiningUnit")
    heads.setdefault("deposit", "OreBody")
    plurals = {k.lower(): v.lower() for k, v in lex.get("plural_heads", {}).items()}
    modifiers = frozenset(m.lower() for m in lex.get("name_modifiers", []))
    return heads, plurals, modifiers


def split_head(name: str) -> tuple[str, str, str]:
    """(proper name, head word, type): "Redtail underground deposit" → ("Redtail", "deposit",
    "OreBody"); "Sagebrush Mining Complex" → ("Sagebrush Mining", "complex", "MiningUnit")."""
    heads, plurals, modifiers = _heads()
    words = name.split()
    head, type_ = "", ""
    for n in (2, 1):
        if len(words) > n:
            tail = " ".join(words[-n:]).lower()
            tail = plurals.get(tail, tail)
            if tail in heads:
                head, type_ = tail, heads[tail]
                words = words[:-n]
                break
    # descriptive words between the name and its head are not part of the name ("Redtail
    # underground deposit"), nor a metal's ("Twin Cedars silver mine")
    descriptors = _descriptors()
    while len(words) > 1 and words[-1].lower().strip(",") in descriptors:
        words = words[:-1]
    if head and any(w.islower() and w not in _NAME_CONNECTORS for w in words):
        # "Income from operations", "Proceeds from disposition of properties, plants": words of
        # a row label, no name before the head
        return " ".join(words), "", ""
    return " ".join(words), head, type_


@lru_cache(maxsize=4096)  # section rows repeat from table to table
def read_heading(text: str) -> Heading:
    """Read a section heading (see :class:`Heading`)."""
    bare = strip_markers(text).rstrip(":").strip()
    share: Decimal | None = None
    basis = ""
    places: list[str] = []
    for paren in _PAREN.findall(bare):
        inner = paren.strip("()").strip()
        found = [Decimal(p) / 100 for p in _PERCENT.findall(inner)]
        below = [p for p in found if p < 1]
        if below and share is None:
            share = below[0]
        low = inner.lower()
        if "basis" in low and Decimal(1) in found or (found == [Decimal(1)] and "interest" not in low):
            basis = "100%" if "basis" in low else basis
        if not found:
            continue
        # "(Chihuahua, Mexico, 100%)", "(Idaho, 100%)": the words before the share are places
        for part in inner.split(","):
            part = part.strip()
            if (
                part
                and not _PERCENT.search(part)
                and part[:1].isupper()
                and part.lower() not in ("operator",)
            ):
                places.append(part)
    unit = heading_unit(bare)
    name, _ = entity_name(bare)
    name = title_name(name)
    proper, head, type_ = split_head(name)
    return Heading(text, name, proper, head, type_, share, basis, unit, tuple(places))


class Names:
    """The names a release gives mines, units, deposits, properties and projects with a head
    word ("the Yarrabee mine", "the Redtail underground deposit", "Sagebrush Mining Complex"),
    by proper name, so a table heading that prints the name alone ("YARRABEE", "Redtail
    underground") finds the entity and the label the text uses. ``lines``: the text to read
    (the release's prose; all its lines when not given)."""

    def __init__(self, doc: Document, lines: Sequence[str] | None = None) -> None:
        # read on first use: a release whose headings all print a head word needs none
        self._lines = doc.lines if lines is None else lines
        self._heads = _heads()[0]

    @cached_property
    def _by_proper(self) -> dict[str, Counter[tuple[str, str]]]:
        heads, plurals, modifiers = _heads()
        descriptors = _descriptors()
        titles = vocabulary().title_words
        seen: dict[str, Counter[tuple[str, str]]] = {}
        text = _paragraphs(self._lines)
        # Each head word found by str.find (in C, far quicker than one regex alternating them);
        # then, walking back from it, up to two descriptive words ("underground", "gold-silver")
        # and up to four capitalised words.
        for at, head in _head_positions(text):
            # the word before the head: most are lower-case and not descriptive ("the unit")
            end = at - 1
            cut = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end)) + 1
            prev = text[cut:end]
            if not prev or not (prev[0].isupper() or prev.lower() in descriptors or "-" in prev):
                continue
            head = plurals.get(head, head)
            start = text.rfind("\n", max(0, at - 160), at) + 1
            words = text[start:at].split()
            j = len(words) - 1
            for _ in range(2):  # descriptive words between the name and its head
                w = words[j].lower() if j >= 0 else ""
                if w and (w in descriptors or all(p in descriptors for p in w.split("-"))):
                    j -= 1
            proper_words: list[str] = []
            while j >= 0 and len(proper_words) < 4:
                w = words[j]
                if not w[:1].isupper() or (proper_words and w[-1:] in ",.;:)"):
                    break
                proper_words.insert(0, w)
                j -= 1
            while proper_words and proper_words[0] in _NOT_NAME_STARTS:
                proper_words = proper_words[1:]
            if not proper_words:
                continue
            proper_words[-1] = proper_words[-1].rstrip(".,;:")
            # the heading-case form ("YARRABEE MINE") counts as the title-case one
            proper = " ".join(title_name(w) if w.isupper() else w for w in proper_words)
            if proper.lower() in modifiers or all(w.lower() in _label_words() for w in proper_words):
                continue  # "Mineral properties", "Income from operations": words of row labels
            if any(w.lower() in titles for w in proper_words):
                continue  # "OPERATING RESULTS BY MINE": a title, not a name
            seen.setdefault(proper.lower(), Counter())[(proper, head)] += 1
        return seen

    def find(self, proper: str, prefer: str = "") -> EntityRef | None:
        """The entity the release names ``proper`` with a head word ("Bowen Hill" → the
        "Bowen Hill deposit", OreBody), or None when it never does."""
        found = self._by_proper.get(proper.lower())
        if not found:
            return None

        def rank(item: tuple[tuple[str, str], int]) -> tuple[int, int, int, int, str]:
            (printed, head), count = item
            type_ = self._heads[head]
            order = _SUBJECT_RANK.index(type_) if type_ in _SUBJECT_RANK else len(_SUBJECT_RANK)
            # the plain head of its type first ("mine" before "pit", "deposit" before "zone")
            return (type_ != prefer, order, head not in _PLAIN_HEADS, -count, head)

        (printed, head), _ = min(found.items(), key=rank)
        label = f"{printed} {head}" if not printed.lower().endswith(head) else printed
        return EntityRef(label, self._heads[head])

    def single_operation(self) -> EntityRef | None:
        """The one mine or unit a release names, when it names exactly one ("the Las Vizcachas
        mine"); None for a release of several operations, or of none."""
        if hasattr(self, "_single"):
            return self._single
        operations = [
            proper
            for proper, found in self._by_proper.items()
            if any(h in _OPERATION_HEADS for (_, h) in found)
        ]
        self._single = self.find(operations[0]) if len(operations) == 1 else None
        return self._single

    def types(self, type_: str) -> list[str]:
        """The proper names the release gives things of ``type_`` (a single mine's release)."""
        return sorted(
            proper
            for proper, found in self._by_proper.items()
            if any(self._heads[h] == type_ for (_, h) in found)
        )


# Lower-case words that join the words of a proper name ("Minas de Oro", "Cerro de la Plata").
_NAME_CONNECTORS = frozenset(
    {"de", "del", "la", "las", "los", "el", "du", "des", "di", "da", "do", "of", "y", "e"}
)
# Descriptive words printed between a name and its head besides the lexicon's modifiers.
_DESCRIPTORS = (
    "exploration",
    "development",
    "producing",
    "processing",
    "mining",
    "flagship",
    "historic",
    "former",
)
# a release naming one of these and no other reports a single operation (a project can be producing)
_OPERATION_HEADS = frozenset({"mine", "unit", "operation", "project", "property", "complex"})
_GAPS = re.compile(r"[ \t]{2,}|^[ \t]+", re.M)
_WRAP = re.compile(r"(?<=[^\n\x00])\n(?=[^\n\x00])")
_PLAIN_HEADS = frozenset({"mine", "unit", "deposit", "property", "project", "complex"})


def _paragraphs(lines: Sequence[str]) -> str:
    """The document's text with each paragraph on one line: a name can wrap from one line to the
    next, never across a blank line, a table's column gap or a line's indentation. Done with
    three passes of C-speed string operations rather than a loop over lines."""
    text = _GAPS.sub("\x00", "\n".join(lines))  # column gaps and indentation: boundaries
    text = _WRAP.sub(" ", text)  # a line break inside a paragraph joins its lines
    return text.replace("\x00", "\n")


# Capitalised words that open a sentence or a phrase but never a name ("The", "Our").
_NOT_NAME_STARTS = frozenset(
    "The A An At In On Of For From To By With And Or During This That These Those Its Our Their "
    "His Her Each Both All Also New Total Average Consolidated".split()
)


def _head_positions(text: str) -> list[tuple[int, str]]:
    """(offset, head word) of each head word of ``text`` standing as a word of its own (not in
    "mine-site" or "Mineral"), in text order; of two heads at one place the longer."""
    heads, plurals, _ = _heads()
    low = text.lower()
    found: dict[int, str] = {}
    for head in {*heads, *plurals}:
        i = low.find(head)
        while i >= 0:
            end = i + len(head)
            before = low[i - 1] if i else " "
            after = low[end] if end < len(low) else " "
            if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
                if len(head) > len(found.get(i, "")):
                    found[i] = head
            i = low.find(head, end)
    return sorted(found.items())


@cache
def _descriptors() -> frozenset[str]:
    _, _, modifiers = _heads()
    return frozenset({*modifiers, *_DESCRIPTORS, *vocabulary().label_terms.metals})


@cache
def _label_words() -> frozenset[str]:
    """Every word of the metric vocabulary's labels (lower case)."""
    words: set[str] = set()
    for metric in vocabulary().metrics:
        for text in (metric.label, *metric.alt_texts):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
    return frozenset(words)


def bare_name(text: str, vocab: Vocabulary) -> EntityRef | None:
    """The operation a short line above a table names by its proper name alone ("Wombat Flats"),
    else None: one to four capitalised words, no digits, none a word of metric labels or of
    section titles (``tt:TitleTerm``), nor a kind of table, segment or company-wide term. The
    name's head word is unknown: a mining unit."""
    name = strip_markers(text).strip().rstrip(":")
    words = name.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in name):
        return None
    label_words, vetoed = _label_words(), vocab.title_words | vocab.estimate_words
    for word in words:
        low = word.lower()
        if low in _NAME_CONNECTORS:
            continue
        if not word[:1].isupper() or any(w in label_words or w in vetoed for w in norm(low).split()):
            return None
        if low.strip(".,") in _MONTHS:
            return None
    key = norm(name)
    if vocab.table_kind(key) or vocab.segment(key) or vocab.category(key):
        return None
    if any(f" {t} " in f" {key} " for t in vocab.company_terms):
        return None
    return EntityRef(title_name(name), "MiningUnit")


_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def heading_subject(heading: Heading, names: Names, company_terms: frozenset[str]) -> EntityRef | None:
    """The entity a heading names, or None when it names none (a title, a family of rows)."""
    key = norm(heading.name)
    padded = f" {key} "
    if any(f" {t} " in padded for t in company_terms):
        return None
    if heading.type:  # the heading prints its head word: its own name
        return EntityRef(heading.name, heading.type)
    if heading.proper:
        return names.find(heading.proper)
    return None
