"""Relation rules: a :class:`kg.nlp.model.Sentence` → stated relations.

Input: one sentence with its typed entities (placeholders ``<i|Type>`` in a
template string), the document's own company and release date, and the lexicon.
Output: :class:`Found` tuples (subject, predicate, object, value, date, position).
The rules are general surface patterns over entity types and trigger words
("located in", "interest in", "a subsidiary of", "miles north of", ...), never
tied to a sentence of the corpus. Each predicate has its own function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from dateutil import parser as dateparser

from kg.facts import EntityRef
from kg.nlp.model import ORG_TYPES, SITE_TYPES, Ent, Sentence, ph

PLACE = ph("Place")
ORG = ph(*ORG_TYPES)
SITE = ph(*SITE_TYPES)
ANY_SITE_OR_ORG = ph(*SITE_TYPES, *ORG_TYPES)
COMMODITY = ph("Commodity")
REGION_ADJ = r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|northeastern|northwestern|southeastern|southwestern|central)\s+)?"
NUM_WORD = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a few|several)"
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_DATE = re.compile(rf"\b(?:on|in|as of)\s+({_MONTHS}\s+(?:\d{{1,2}},\s+)?\d{{4}}|{_MONTHS})", re.I)
# A year as the time of an event: "during the year" (the year reported on), "during 2005", and a
# sentence opening "In 2005,"; a year elsewhere ("planned in 2007") may be another event's.
_YEAR_DATE = re.compile(r"\bduring\s+(?:the\s+(?:fiscal\s+)?year\b|((?:19|20)\d\d)\b)|^\s*in\s+((?:19|20)\d\d)\s*,", re.I)


@dataclass(frozen=True)
class Found:
    """A relation found in a sentence, before it becomes a :class:`kg.facts.Relation`."""

    subject: EntityRef
    predicate: str
    object: EntityRef | None
    pos: int  # sentence character position the relation is read at (for its line)
    value: str = ""
    value_decimals: int | None = None
    date: date | None = None
    date_precision: str = "day"  # "month" or "year" when the text names no day ("In April 2007")
    kind: str = ""  # royalty, option, earn-in, equity (ownershipInterest); former (holdsPosition)


class Stated(NamedTuple):
    """A date as a sentence states it: "On February 20, 2007" to the day, "In April 2007" to the month."""

    date: date
    precision: str  # "day" | "month" | "year"


@dataclass(frozen=True)
class Context:
    """What the rules know beyond the sentence."""

    company: EntityRef | None  # the releasing company ("Hecla" in "the company")
    release_date: date | None
    lexicon: dict[str, Any]
    place_rank: dict[str, int]  # canonical place label → rank (0 broadest), when known
    place_parents: dict[str, frozenset[str]] = field(default_factory=dict)  # place → all known containers
    reporting_year: int | None = None  # the year the release reports on ("during the year")
    # the posts the document has given people so far, by surname: "Ms. Kovacs succeeds <person>"
    # a sentence after "the appointment of Maria Kovacs as Chief Financial Officer"
    posts: dict[str, Found] = field(default_factory=dict, compare=False)


Rule = Callable[[Sentence, Context], Iterator[Found]]


def _idx(text: str) -> int:
    """Entity index of a placeholder (``<3|Mine>``) or of a bare captured index (``3``)."""
    m = re.match(r"<?(\d+)", text)
    if not m:
        raise ValueError(f"not an entity placeholder: {text!r}")
    return int(m.group(1))


def _ent(s: Sentence, m: re.Match[str], group: int | str) -> Ent:
    return s.ents[_idx(m.group(group))]


def _pos(s: Sentence, m: re.Match[str], group: int | str = 0) -> int:
    return s.position(m.start(group))


def _stated_date(text: str, ctx: Context) -> Stated | None:
    """A date the sentence states ("On February 20, 2007", "In April 2007", "In July", "during the
    year"), else None; a month or a year is kept as such, not made its first day."""
    m = _DATE.search(text)
    if not m:
        y = _YEAR_DATE.search(text)
        year = int(y.group(1) or y.group(2)) if y and (y.group(1) or y.group(2)) else None
        if y and year is None:
            year = ctx.reporting_year  # "during the year"
        return Stated(date(year, 1, 1), "year") if year else None
    default = datetime(ctx.release_date.year, 1, 1) if ctx.release_date else datetime(2000, 1, 1)
    try:
        when = dateparser.parse(m.group(1), default=default).date()  # type: ignore[union-attr]
    except (ValueError, OverflowError):
        return None
    return Stated(when, "day" if re.search(r"\d{1,2},", m.group(1)) else "month")


def _stated_or_released(text: str, ctx: Context) -> Stated | None:
    """The stated date, else the release's date (a position "is" held on the day of the release)."""
    return _stated_date(text, ctx) or (Stated(ctx.release_date, "day") if ctx.release_date else None)


def _dated(when: Stated | None) -> dict[str, Any]:
    """Found's date fields for ``when``."""
    return {"date": when.date, "date_precision": when.precision} if when else {}


def _nearest_before(s: Sentence, tpl_pos: int, types: tuple[str, ...]) -> Ent | None:
    """The last entity of ``types`` whose placeholder starts before ``tpl_pos``."""
    best = None
    for m in re.finditer(ph(*types), s.template()):
        if m.start() < tpl_pos:
            best = s.ents[_idx(m.group(1))]
    return best


# ------------------------------------------------------------------ locatedIn


def located_in(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    # "<site> in northern <place>", "<site> is located on <place>", "<org>, headquartered in <place>"
    pat = re.compile(
        rf"({SITE}|{ORG}),?\s+(?:(?:which|that)\s+(?:is|are)\s+|(?:is|are)\s+)?"
        rf"(?:(?:located|situated|based|headquartered)\s+)?(?:in|on|within)\s+(?:the\s+)?(?:state\s+of\s+)?"
        rf"(?:{ORG}'s\s+)?{REGION_ADJ}({PLACE}|{ph('Property')})(?!\s*'s)"
    )
    for m in pat.finditer(t):
        subj = s.ents[_idx(m.group(2) or m.group(3))]
        obj = s.ents[_idx(m.group(5) or m.group(6))]
        if subj.type in ORG_TYPES and not re.search(r"(?:located|based|headquartered)", m.group(0)):
            continue  # "Hecla ... in Mexico" says where it works, not where it is
        if obj.type == "Property" and not re.search(r"located|situated", m.group(0)):
            continue
        subjects = [subj]
        if subj.type in SITE_TYPES:  # "the San Sebastian and Rio Grande properties in Mexico"
            subjects += _coordinated_before(s, m.start(), subj.type)
        if all(_is_child(x, ctx) for x in subjects if x.type in SITE_TYPES):
            # "<complex> ... royalty on production from the <a> and <b> pits in <county>": the parts
            # lie where their whole does, and the place is said of the site the clause is about
            wholes = [e for e in s.ents if e.type in ("Mine", "MiningUnit", "Property") and not _is_child(e, ctx)
                      and e.end <= subj.start]
            if wholes:
                subjects = [wholes[-1]]
        for x in subjects:
            if x.label != obj.label:
                yield Found(x.ref, "locatedIn", obj.ref, _pos(s, m))
    # "the <site>, Northwestern Quebec, Canada, ...", "the <site> (Nevada)": a site and its place as
    # an apposition or in brackets
    for m in re.finditer(
        rf"({SITE})(?:,\s+|\s+\(\s*)(?i:{REGION_ADJ})({PLACE})(?=\s*[,)]|\s*$|\s+(?:and|was|were|is|are|has|had)\b)", t
    ):
        yield Found(_ent(s, m, 1).ref, "locatedIn", _ent(s, m, 4).ref, _pos(s, m))
    # "<site>, operated by <org> in <place>": the place is the site's
    pat = re.compile(rf"({SITE}),\s+(?:operated|owned|managed|run)\s+by\s+{ORG}\s+(?:in|on)\s+(?:the\s+)?{REGION_ADJ}({PLACE})")
    for m in pat.finditer(t):
        yield Found(_ent(s, m, 1).ref, "locatedIn", _ent(s, m, 4).ref, _pos(s, m))
    # "<org> is a U.S. silver producer headquartered in <place>", "<org> is a <place>-based producer",
    # "with its head office in <place>", "Its principal office is in <place>"
    for m in re.finditer(rf"({ORG})\b[^<;]{{0,80}}?\b(?:headquartered|based)\s+in\s+({PLACE})", t):
        yield Found(_ent(s, m, 1).ref, "locatedIn", _ent(s, m, 3).ref, _pos(s, m))
    for m in re.finditer(rf"({ORG})\s+(?:is|was)\s+an?\s+({PLACE})-based\b", t):
        yield Found(_ent(s, m, 1).ref, "locatedIn", _ent(s, m, 3).ref, _pos(s, m))
    head_office = "|".join(ctx.lexicon.get("head_office_words", ["head office", "principal office"]))
    for m in re.finditer(rf"\b(?:{head_office})\s+(?:is\s+)?in\s+({PLACE})", t, re.I):
        holder = _nearest_before(s, m.start(), ORG_TYPES)
        ref = holder.ref if holder is not None else ctx.company
        if ref is not None:
            yield Found(ref, "locatedIn", _ent(s, m, 1).ref, _pos(s, m))
    # "opened a corporate office in Vancouver": the Vancouver office is in Vancouver
    offices = "|".join(ctx.lexicon.get("office_words", ["office"]))
    for m in re.finditer(rf"(?<!head\s)(?<!principal\s)(?<!operations\s)\b(?:{offices})\s+(?:located\s+)?in\s+({PLACE})", t):
        place = _ent(s, m, 1)
        word = re.match(r"\w+", m.group(0)).group(0)  # type: ignore[union-attr]
        yield Found(EntityRef(f"{place.label} {word}", "Facility"), "locatedIn", place.ref, _pos(s, m))
    # "<site>, located near the town of <place> in <county>": in the county, near the town
    pat = rf"({SITE}),?\s+(?:which\s+is\s+)?(?:located|situated|lies|lying)\s+near\s+(?:the\s+(?:town|city|village)\s+of\s+)?{PLACE}(?:,\s+|\s+in\s+)({PLACE})"
    for m in re.finditer(pat, t):
        yield Found(_ent(s, m, 1).ref, "locatedIn", _ent(s, m, 4).ref, _pos(s, m))
    # "<site>, located 14 kilometers east of the town of <P1> in <P2>, <P3>": the site and the town in P2
    unit = r"(?:miles?|kilometers?|kilometres?|km)"
    pat = (rf"({SITE}),?\s+(?:which\s+is\s+|is\s+)?(?:located|situated|lies|lying)\s+(?:approximately\s+|about\s+|some\s+)?[\d.,]+[- ]{unit}\s+[\w-]+\s+"
           rf"(?:of|from)\s+(?:the\s+(?:town|city|village|port|community)\s+of\s+)?({PLACE})\s+in\s+(?:the\s+)?(?:state\s+of\s+|province\s+of\s+)?{REGION_ADJ}({PLACE})")
    for m in re.finditer(pat, t, re.I):
        yield Found(_ent(s, m, 1).ref, "locatedIn", _ent(s, m, 5).ref, _pos(s, m))
        yield Found(_ent(s, m, 3).ref, "locatedIn", _ent(s, m, 5).ref, _pos(s, m, 3))
    # "<org|place> of <place>": "Nordmin Engineering of Thunder Bay", "the Silver Valley of northern Idaho"
    for m in re.finditer(rf"({ORG}|{PLACE})\s+of\s+{REGION_ADJ}({PLACE})", t):
        subj = s.ents[_idx(m.group(2) or m.group(3))]
        obj = s.ents[_idx(m.group(4))]
        yield Found(subj.ref, "locatedIn", obj.ref, _pos(s, m))
    # "<place>'s <place>": "North Idaho's Silver Valley"
    for m in re.finditer(rf"({PLACE})'s\s+({PLACE})", t):
        yield Found(s.ents[_idx(m.group(4))].ref, "locatedIn", s.ents[_idx(m.group(2))].ref, _pos(s, m))
    yield from _place_chains(s, ctx)


def _coordinated_before(s: Sentence, tpl_pos: int, type_: str) -> list[Ent]:
    """Sites of one type listed just before ``tpl_pos``: "<a>, <b> and " before "<c> in Mexico"."""
    head = s.template()[:tpl_pos]
    m = re.search(rf"((?:{ph(type_)}(?:,\s+|\s+and\s+|,\s+and\s+))+)$", head)
    if not m:
        return []
    return [s.ents[int(x)] for x in re.findall(r"<(\d+)\|", m.group(1))]


def _place_chains(s: Sentence, ctx: Context) -> Iterator[Found]:
    """"Vancouver, British Columbia, Canada": each place in the next broader one.

    "near X" inside a chain is a landmark, not a container; a chain that ends a
    list ("Alaska, Idaho, Nevada and Mexico") is a list, not a nesting.
    """
    t = s.template()
    chain_re = re.compile(rf"{PLACE}(?:,\s+(?:near\s+)?{PLACE})+")
    for m in chain_re.finditer(t):
        tail = t[m.end() : m.end() + 12]
        head = t[max(0, m.start() - 4) : m.start()]
        if re.match(r",?\s+(?:and|or)\s+<", tail) or re.search(r",\s*$", head):
            continue
        items = [(int(x.group(2)), bool(x.group(1))) for x in re.finditer(r"(near\s+)?<(\d+)\|Place>", m.group(0))]
        for i, (idx, _near) in enumerate(items):
            inner = s.ents[idx]
            for jdx, near in items[i + 1 :]:
                if near:
                    continue
                outer = s.ents[jdx]
                r_in, r_out = ctx.place_rank.get(inner.label), ctx.place_rank.get(outer.label)
                if r_in is not None and r_out is not None and r_out >= r_in:
                    break  # same level or narrower: a list, not a nesting
                known = ctx.place_parents.get(inner.label)
                if known and outer.label not in known:
                    break  # the gazetteer puts it elsewhere: "Idaho, Mexico" is a list
                yield Found(inner.ref, "locatedIn", outer.ref, s.position(m.start()))
                break


# ------------------------------------------------------------------ ownership, operator, subsidiary, partner


def ownership(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    verbs = "|".join(ctx.lexicon.get("ownership_verbs", ["holds", "owns"]))
    subj_re = rf"(?:({ORG})|the\s+company|we)"
    pat = re.compile(
        rf"{subj_re}\s+(?:\w+\s+)?(?:{verbs})\s+(?:an?\s+|its\s+)?((?:approximate|approximately|about|a|an)\s+)?"
        rf"(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+(?:\w+\s+)?(?:interest|stake|share|ownership)\s+in\s+(?:the\s+)?({SITE}|{ORG})",
        re.I,
    )
    for m in pat.finditer(t):
        subj = s.ents[_idx(m.group(2))] .ref if m.group(2) else ctx.company
        obj = _underlying_site(s, s.ents[_idx(m.group(7) or m.group(8))], ctx)
        if subj is None:
            continue
        decimals = len(m.group(5)) if m.group(5) else 0
        value = m.group(4)
        yield Found(subj, "ownershipInterest", obj.ref, _pos(s, m), value=value, value_decimals=decimals)
    # "<org> owns the mine outright", "<org> wholly owns the <site>"
    pat = re.compile(rf"{subj_re}\s+(?:wholly\s+|fully\s+)?owns\s+(?:(?:the|its)\s+)?({SITE})(\s+outright)?", re.I)
    for m in pat.finditer(t):
        subj = s.ents[_idx(m.group(2))].ref if m.group(2) else ctx.company
        whole = bool(m.group(5)) or bool(re.search(r"\b(?:wholly|fully)\s+owns", m.group(0), re.I))
        if subj is not None:
            yield Found(subj, "ownershipInterest", _ent(s, m, 3).ref, _pos(s, m), value="100" if whole else "",
                        value_decimals=0 if whole else None)
    # "the remaining 20% is owned by <org>": a share of the site named before
    pat = re.compile(rf"(?:the\s+)?(?:remaining|other|balance\s+of\s+the)\s+(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+(?:interest\s+)?(?:is|are)\s+(?:owned|held)\s+by\s+({ORG})", re.I)
    for m in pat.finditer(t):
        # the remaining share of what an earlier clause gave a percentage of ("owns 80% of <X>")
        shared = re.findall(r"\d\s*(?:%|percent)\s+(?:interest\s+in\s+|stake\s+in\s+|of\s+)(?:the\s+)?<(\d+)\|", t[: m.start()])
        site = s.ents[int(shared[-1])] if shared else _nearest_before(s, m.start(), SITE_TYPES)
        if site is not None:
            site = _underlying_site(s, site, ctx)
            holder = _ent(s, m, 3)
            yield Found(holder.ref, "ownershipInterest", site.ref, _pos(s, m), value=m.group(1),
                        value_decimals=len(m.group(2)) if m.group(2) else 0)
            if site.type in SITE_TYPES and re.search(r"\b(?:joint\s+venture|partner)", s.text, re.I):
                yield Found(site.ref, "jointVenturePartner", holder.ref, _pos(s, m))
    # "<site> is owned 65% by <org> and 35% by <org2>": each its share
    for m in re.finditer(rf"({SITE}),?\s+(?:is|are|was)\s+(?:jointly\s+)?owned\s+(?=\d)", t, re.I):
        rest = re.match(rf"(?:(?:,\s*|\s+and\s+|\s+)?\d+(?:\.\d+)?\s*(?:%|percent)\s+by\s+{ORG})+", t[m.end() :])
        if not rest:
            continue
        for part in re.finditer(rf"(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+by\s+({ORG})", rest.group(0)):
            yield Found(s.ents[_idx(part.group(3))].ref, "ownershipInterest", _ent(s, m, 1).ref,
                        s.position(m.end() + part.start()), value=part.group(1),
                        value_decimals=len(part.group(2)) if part.group(2) else 0)
    # "<org> is the operator with a 70% interest in the <site>"
    for m in re.finditer(
        rf"({ORG}),?\s+(?:is|as|remains)\s+(?:the\s+)?operator\s+(?:and\s+holds\s+|with\s+)an?\s+"
        rf"(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+interest\s+in\s+(?:the\s+)?({SITE})",
        t,
    ):
        site = _ent(s, m, 6)
        yield Found(_ent(s, m, 1).ref, "ownershipInterest", site.ref, _pos(s, m), value=m.group(3),
                    value_decimals=len(m.group(4)) if m.group(4) else 0)
        yield Found(site.ref, "operatedBy", _ent(s, m, 1).ref, _pos(s, m))
    # "; <org> holds the remaining 30%": the rest of the site the sentence gave a share of
    for m in re.finditer(rf"({ORG})\s+(?:holds|owns|has|retains)\s+the\s+(?:remaining|other|balance\s+of\s+the)\s+(\d+(?:\.(\d+))?)\s*(?:%|percent)", t, re.I):
        shared = re.findall(r"\d\s*(?:%|percent)\s+(?:interest\s+in\s+|stake\s+in\s+|of\s+)(?:the\s+)?<(\d+)\|", t[: m.start()])
        site = s.ents[int(shared[-1])] if shared else _nearest_before(s, m.start(), SITE_TYPES)
        if site is not None:
            yield Found(_ent(s, m, 1).ref, "ownershipInterest", _underlying_site(s, site, ctx).ref, _pos(s, m),
                        value=m.group(3), value_decimals=len(m.group(4)) if m.group(4) else 0)
    # "<site> is 100%-owned by <org> (through <subsidiary>)"
    pat = re.compile(rf"({SITE}),?\s+(?:is|are)\s+(?:(\d+(?:\.(\d+))?)\s*%[- ]|wholly[- ])owned\s+by\s+({ORG})", re.I)
    for m in pat.finditer(t):
        value = m.group(3) or "100"
        yield Found(_ent(s, m, 6).ref, "ownershipInterest", _ent(s, m, 1).ref, _pos(s, m), value=value,
                    value_decimals=len(m.group(4)) if m.group(4) else 0)
    # "<org> owns 100% of the <site>"
    pat = re.compile(rf"{subj_re}\s+(?:\w+\s+)?(?:{verbs})\s+(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+of\s+(?:the\s+)?({SITE}|{ORG})", re.I)
    for m in pat.finditer(t):
        subj = s.ents[_idx(m.group(2))].ref if m.group(2) else ctx.company
        obj = s.ents[_idx(m.group(5) or m.group(6))]
        if subj is not None:
            yield Found(subj, "ownershipInterest", obj.ref, _pos(s, m), value=m.group(3),
                        value_decimals=len(m.group(4)) if m.group(4) else 0)
            if obj.type in ORG_TYPES and float(m.group(3)) > 50:  # a majority-owned company is a subsidiary
                yield Found(obj.ref, "subsidiaryOf", subj, _pos(s, m))
    # "<org>, which owns the <site>"; "<org>, which holds a 100% interest" (in the site named before)
    for m in re.finditer(rf"({ORG}),?\s+(?:which|who)\s+(?:also\s+)?(?:owns|holds|has)\s+(?:(?:an?|the|its)\s+)?(?:(\d+(?:\.(\d+))?)\s*%\s+(?:interest|stake)(?:\s+in\s+(?:the\s+)?({SITE}))?|({SITE}))", t):
        owner = _ent(s, m, 1)
        target = m.group(5) or m.group(7)
        site = s.ents[_idx(target)] if target else _nearest_before(s, m.start(), SITE_TYPES)
        if site is not None:
            yield Found(owner.ref, "ownershipInterest", site.ref, _pos(s, m), value=m.group(3) or "100",
                        value_decimals=len(m.group(4)) if m.group(4) else 0)
    # "Its principal asset is an 80% interest in the <site>": the releasing company's, when no holder is named
    for m in re.finditer(rf"\b(?:its|our)\s+[\w\s]{{0,30}}?\b(?:is|are)\s+an?\s+(\d+(?:\.(\d+))?)\s*%\s+(?:interest|stake)\s+in\s+(?:the\s+)?({SITE})", t, re.I):
        if ctx.company is not None:
            yield Found(ctx.company, "ownershipInterest", _ent(s, m, 3).ref, _pos(s, m), value=m.group(1),
                        value_decimals=len(m.group(2)) if m.group(2) else 0)
    yield from _royalties(s, ctx)
    yield from _options(s, ctx)
    # "<site>, which is (wholly) owned by <org>"
    for m in re.finditer(rf"({SITE}),?\s+(?:which|that)\s+(?:is|was)\s+(?:\w+\s+)?owned\s+by\s+({ORG})", t):
        yield Found(_ent(s, m, 4).ref, "ownershipInterest", _ent(s, m, 2).ref, _pos(s, m))


def _underlying_site(s: Sentence, ent: Ent, ctx: Context) -> Ent:
    """A joint venture named after its site ("the Kestrel Lake joint venture") stands for the site
    the sentence or paragraph names ("Kestrel Lake mine") when there is one."""
    heads = ctx.lexicon.get("venture_heads", ["joint venture"])
    for head in heads:
        if ent.label.lower().endswith(" " + head):
            root = ent.label[: -len(head) - 1]
            for other in (*s.ents, *([s.topic] if s.topic else []), *([s.context] if s.context else [])):
                if other.type in ("Mine", "MiningUnit", "Property") and other.label.startswith(root + " "):
                    return other
    return ent


def _royalties(s: Sentence, ctx: Context) -> Iterator[Found]:
    """"a 3.0% net smelter return royalty on <site>", "<site> ... pays a 1.25% NSR royalty",
    "retains a 2% NSR on the property": an ownershipInterest of kind royalty, held by the
    organisation the clause names, else the releasing company."""
    t = s.template()
    kinds = "|".join(sorted(map(re.escape, ctx.lexicon.get("royalty_words", ["net smelter return royalty", "NSR"])), key=len, reverse=True))
    pat = re.compile(rf"(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+(?:{kinds})(?:\s+royalty)?(?:\s+interest)?", re.I)
    for m in pat.finditer(t):
        after = re.match(rf"\s+(?:on|in|over)\s+(?:production\s+from\s+)?(?:the\s+)?(?:[a-z]+\s+){{0,2}}?({SITE})", t[m.end():])
        site: Ent | None = None
        subj = re.search(rf"^\W*(?:the\s+)?({SITE})[^;]*?\b(?:pays|pay|paid|contributed|contributes|carries|bears|generated)\b[^;]*$", t[: m.start()], re.I)
        if subj:
            site = _ent(s, subj, 1)
        elif after:
            site = s.ents[_idx(after.group(1))]
        if site is None and re.search(r"\bon\s+the\s+(?:property|project|mine)\b", t[m.end(): m.end() + 30]):
            site = s.context or s.topic  # "retains a 2% NSR on the property": the one named before
            if site is None:
                found = [e for e in s.ents if e.type in SITE_TYPES]
                site = found[-1] if found else None
        if site is None:  # "<site>, operated by X, pays a 1.25% NSR": the clause's subject site
            subj = re.search(rf"({SITE})[^;]*?\b(?:pays|pay|paid|contributed|carries|bears)\b[^;<]*$", t[: m.start()])
            if subj:
                site = _ent(s, subj, 1)
            else:
                first = re.match(rf"^\W*(?:the\s+)?({SITE})", t, re.I)
                site = _ent(s, first, 1) if first else None
        if site is None:
            continue
        holder_m = re.search(rf"({ORG})\s+(?:\w+\s+){{0,3}}?(?:acquired|holds|retains|retained|owns|received|has|purchased|bought|kept)\s+(?:an?\s+|its\s+)?$", t[: m.start()])
        # "... a 2% net smelter return royalty held by <org>" / "in favour of <org>" / "payable to <org>"
        held_by = re.match(
            rf"(?:\s+(?:on|in|over)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?(?:{SITE}|property|project|claims))?,?\s+"
            rf"(?:(?:is|are|was)\s+)?(?:(?:currently\s+)?(?:held|owned)\s+by|in\s+favou?r\s+of|payable\s+to|granted\s+to)\s+({ORG})",
            t[m.end() :],
            re.I,
        )
        if held_by:
            holder = _ent(s, held_by, 2).ref  # group 1: the site placeholder
        else:
            holder = _ent(s, holder_m, 1).ref if holder_m else ctx.company
        if holder is None or holder == site.ref:
            continue
        if site.type in ("Mine", "MiningUnit", "Property", "Project", "Facility", "OreBody"):
            yield Found(holder, "ownershipInterest", site.ref, _pos(s, m), value=m.group(1),
                        value_decimals=len(m.group(2)) if m.group(2) else 0, kind="royalty")


def _options(s: Sentence, ctx: Context) -> Iterator[Found]:
    """"<org> may earn a 70% interest in the property from <org2>": an ownershipInterest of kind
    option (not yet earned) and <org2> the site's partner."""
    t = s.template()
    pat = re.compile(
        rf"(?:({ORG})(?:,?\s+which)?|the\s+company)\s+(?:may|can|could|will|has\s+(?:the\s+)?(?:an\s+)?(?:right|option)\s+to|is\s+entitled\s+to|has\s+earned|earned)?\s*"
        rf"(earn|acquire|earned)\s+(?:up\s+to\s+)?(?:an?\s+)?(?:additional\s+)?(\d+(?:\.(\d+))?)\s*(?:%|percent)\s+(?:interest\b)?"
        rf"(?:\s*in\s+(?:the\s+)?(?:({SITE})|(?:property|project|claims)))?(?:\s+from\s+({ORG}))?",
        re.I,
    )
    for m in pat.finditer(t):
        if m.group(3).lower() == "acquire" and "option" not in s.text.lower():
            continue
        if not re.search(r"\binterest\b|\bin\s", m.group(0)):
            continue  # "earn 60% of ...": no interest named
        holder = _ent(s, m, 2).ref if m.group(2) else ctx.company
        site = _ent(s, m, 7) if m.group(7) else (s.context or s.topic or _nearest_before(s, m.start(), ("Property", "Project", "Mine")))
        if holder is None or site is None:
            continue
        kind = "earn-in" if m.group(3).lower() == "earned" else "option"
        yield Found(holder, "ownershipInterest", site.ref, _pos(s, m), value=m.group(4),
                    value_decimals=len(m.group(5)) if m.group(5) else 0, kind=kind,
                    **_dated(_stated_date(s.text, ctx)))
        if m.group(9):
            yield Found(site.ref, "jointVenturePartner", _ent(s, m, 9).ref, _pos(s, m, 9))
        elif holder != ctx.company:  # another company farming in to the site: the site's partner
            yield Found(site.ref, "jointVenturePartner", holder, _pos(s, m))


def operated_by(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    # "Arden Minerals operates the project"
    for m in re.finditer(rf"({ORG})\s+(?:also\s+|currently\s+)?(?:operates|manages|runs)\s+(?:the\s+|this\s+)?({SITE})", t):
        yield Found(_ent(s, m, 3).ref, "operatedBy", _ent(s, m, 1).ref, _pos(s, m))
    for m in re.finditer(rf"({ORG})\s+(?:[^<;]{{0,80}}?(?:<\d+\|\w+>[^<;]{{0,40}}?)?)\b(?:and\s+)?(?:is|acts\s+as|remains|will\s+be)\s+(?:the\s+)?operator\b(?:\s+of\s+(?:the\s+)?({SITE}))?", t):
        site = _ent(s, m, 3) if m.group(3) else _nearest_before(s, m.end(), ("Mine", "MiningUnit", "Property", "Project"))
        if site is not None:
            site = _underlying_site(s, site, ctx)
            yield Found(site.ref, "operatedBy", _ent(s, m, 1).ref, _pos(s, m))
    for m in re.finditer(r"(?:operated|managed|run|being\s+developed|developed)\s+by\s+(?:an?\s+(?:\w+\s+)?subsidiary\s+of\s+)?" + f"({ORG})", t):
        site = _nearest_before(s, m.start(), ("Mine", "MiningUnit", "Property", "Project", "Facility"))
        if site is not None:
            yield Found(site.ref, "operatedBy", _ent(s, m, 2).ref, _pos(s, m))


def subsidiary_of(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    kind = r"(?:wholly[- ]owned\s+|indirect\s+|majority[- ]owned\s+|operating\s+)?"
    pat = rf"({ORG}),?\s+(?:is\s+)?an?\s+{kind}subsidiary\s+of\s+({ORG})"
    for m in re.finditer(pat, t):
        yield Found(_ent(s, m, 2).ref, "subsidiaryOf", _ent(s, m, 4).ref, _pos(s, m))
    # "<org>, a wholly-owned subsidiary." (of the organisation named before it, else the releaser)
    for m in re.finditer(rf"({ORG}),?\s+(?:is\s+)?an?\s+{kind}subsidiary\b(?!\s+of\b)", t):
        yield from _subsidiary_of_named_before(s, m, ctx)
    # "... owned by <org> through <org>": the second holds for the first
    for m in re.finditer(rf"owned\s+by\s+({ORG})\s+through\s+(?:its\s+{kind}subsidiary,?\s+)?({ORG})", t):
        yield Found(_ent(s, m, 4).ref, "subsidiaryOf", _ent(s, m, 2).ref, _pos(s, m))
    # "<org> owns ... through its subsidiary, <org>": the parent is the organisation named before
    for m in re.finditer(rf"\b(?:its|their)\s+{kind}subsidiar(?:y|ies),?\s+({ORG})", t):
        yield from _subsidiary_of_named_before(s, m, ctx)
    # "owned through the Company's wholly owned Mexican subsidiary, <org>": of the releasing company
    for m in re.finditer(rf"\b(?:the\s+company's|({ORG})'s)\s+{kind}(?:[A-Z][a-z]+\s+)?subsidiar(?:y|ies),?\s+({ORG})", t, re.I):
        parent = s.ents[_idx(m.group(1))].ref if m.group(1) else ctx.company
        child = _ent(s, m, 3)
        if parent is not None and parent != child.ref:
            yield Found(child.ref, "subsidiaryOf", parent, _pos(s, m, 3))
            owned = re.search(rf"({SITE}),?\s+(?:[^<]*?)\bis\s+owned\s+through\s*$", t[: m.start()])
            if owned:
                whole = re.search(r"wholly[- ]owned", m.group(0))
                yield Found(child.ref, "ownershipInterest", _ent(s, owned, 1).ref, _pos(s, m, 3),
                            value="100" if whole else "", value_decimals=0 if whole else None)


def _subsidiary_of_named_before(s: Sentence, m: re.Match[str], ctx: Context) -> Iterator[Found]:
    """The organisation in group 1 of ``m`` is a subsidiary of the one named before it in the
    sentence, else of the releasing company."""
    parent = _nearest_before(s, m.start(), ORG_TYPES)
    parent_ref = parent.ref if parent is not None else ctx.company
    child = _ent(s, m, 1).ref
    if parent_ref is not None and parent_ref != child:
        yield Found(child, "subsidiaryOf", parent_ref, _pos(s, m))


def partner(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    pat = (
        r"(?:in\s+partnership\s+with|joint\s+venture\s+(?:partner\s+)?with|"
        r"(?:its|their|our|the)\s+(?:joint\s+venture\s+)?partner(?:\s+in\s+that\s+project)?,?)\s+"
        + f"({ORG})"
    )
    for m in re.finditer(pat, t):
        site = _nearest_before(s, m.start(), ("Mine", "MiningUnit", "Property", "Project"))
        if site is not None:
            yield Found(site.ref, "jointVenturePartner", _ent(s, m, 1).ref, _pos(s, m))
    # "Under a farm-in agreement, <org> may earn a 49% interest in <site>"

    # "<org>, which is (also) <org>'s joint venture partner at the nearby <site>"
    pat = (
        rf"({ORG}),?\s+(?:which|who)\s+(?:is|are)\s+(?:also\s+)?(?:{ORG}'s\s+|its\s+|our\s+|their\s+|the\s+)?"
        rf"(?:joint\s+venture\s+)?partner\s+(?:at|in|on|for)\s+(?:the\s+)?(?:[a-z]+\s+)?({ph('Mine', 'MiningUnit', 'Property', 'Project')})"
    )
    for m in re.finditer(pat, t):
        yield Found(_ent(s, m, 4).ref, "jointVenturePartner", _ent(s, m, 1).ref, _pos(s, m))


# ------------------------------------------------------------------ transactions

_PRICE = re.compile(r"\bfor\s+((?:approximately\s+|about\s+)?(?:US)?\$\s?[\d.,]+.*?)(?=[.;]\s|[.;]?$)")


def sold(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    selling = "|".join(ctx.lexicon.get("selling_verbs", ["sold", "sell", "sale of"])).replace(" ", r"\s+")
    subj_re = rf"(?:({ORG})|the\s+company)"
    pat = re.compile(
        rf"{subj_re}\s+(?:\w+\s+){{0,2}}?(?:{selling})\s+"
        rf"(?:(?:its|their|a|an|the|all\s+of\s+its)\s+)?(?:[\d.]+%\s+)?(?:(?:interest|stake)\s+in\s+)?(?:the\s+)?"
        rf"(?:(?!to\b|for\b)[a-z]+\s+){{0,2}}({SITE})"  # "the idle Gray Eagle mill"
        rf"(?:(?:(?!<\d+\|(?:Mine|MiningUnit|Property|Project)>)[^.])*?\s+to\s+(?:(?:its|the|their)\s+partner(?:\s+in\s+that\s+project)?,?\s+)?({ORG}))?",
        re.I,
    )
    for m in pat.finditer(t):
        seller = s.ents[_idx(m.group(2))].ref if m.group(2) else ctx.company
        asset = s.ents[_idx(m.group(4))]
        when = _dated(_stated_or_released(s.text, ctx))
        price = _PRICE.search(s.text)
        if seller is not None:
            yield Found(seller, "sold", asset.ref, _pos(s, m), value=price.group(1) if price else "", **when)
        if m.group(5):
            yield Found(asset.ref, "soldTo", s.ents[_idx(m.group(5))].ref, _pos(s, m, 5), **when)


def acquired(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    acquiring = "|".join(ctx.lexicon.get("acquiring_verbs", ["acquired", "purchased", "bought"])).replace(" ", r"\s+")
    pat = re.compile(
        rf"(?:({ORG})|the\s+company|we)\s+(?:has\s+|have\s+|had\s+)?(?:{acquiring})\s+"
        rf"(?:(?:the|an?|its)\s+)?(?:option\s+to\s+\w+\s+(?:the\s+)?)?({SITE}|{ORG})",
        re.I,
    )
    for m in pat.finditer(t):
        buyer = s.ents[_idx(m.group(2))].ref if m.group(2) else ctx.company
        if buyer is not None:
            yield Found(buyer, "acquired", s.ents[_idx(m.group(3))].ref, _pos(s, m), **_dated(_stated_date(s.text, ctx)))
    # "acquisition of a pre-existing lease in the Block B concession": the releasing company acquires
    pat2 = re.compile(
        rf"\bacquisition\s+of\s+(?:(?:the|an?|its)\s+)?(?:[\w-]+\s+){{0,3}}?(?:in\s+|on\s+|of\s+)?(?:the\s+)?({SITE}|{ORG})"
    )
    for m in pat2.finditer(t):
        named = re.search(rf"({ORG})(?:'s)?\s+(?:\w+\s+){{0,3}}$", t[: m.start()])  # "Quillon completed the acquisition"
        buyer = s.ents[_idx(named.group(1))].ref if named else ctx.company
        if buyer is not None:
            yield Found(buyer, "acquired", _ent(s, m, 1).ref, _pos(s, m), **_dated(_stated_date(s.text, ctx)))
    # "<site>, which was acquired on March 30, 2012 for 12.5 million shares": bought by the company
    # the clause names ("acquired by <org>"), else the releasing one
    for m in re.finditer(rf"({SITE}|{ORG}),?\s+(?:which|that)\s+(?:was|were)\s+(?:{acquiring})\b", t, re.I):
        after = t[m.end() :]
        by = re.match(rf"[^,;<]*?\bby\s+({ORG})", after)
        buyer = _ent(s, by, 1).ref if by else ctx.company
        price = re.match(r"[^;]*?\bfor\s+([^,;()<]+?)(?=[,;]|\.(?:\s|$)|\s+(?:and|from|in)\b|$)", after)
        target = _ent(s, m, 1)
        if buyer is not None and buyer != target.ref:
            yield Found(buyer, "acquired", target.ref, _pos(s, m), value=price.group(1).strip() if price else "",
                        **_dated(_stated_date(s.text, ctx)))
    yield from _acquired_royalties(s, ctx, acquiring)


def _acquired_royalties(s: Sentence, ctx: Context, acquiring: str) -> Iterator[Found]:
    """"<org> acquired a 2.5% NSR royalty on the <site> from <seller> for $12.5 million": the buyer
    acquired (a royalty on) the site, the seller sold it and it was sold to the buyer; "<org>
    acquired this royalty" is the royalty the sentence named before, on its site."""
    t = s.template()
    kinds = "|".join(sorted(map(re.escape, ctx.lexicon.get("royalty_words", ["royalty"])), key=len, reverse=True))
    pat = re.compile(
        rf"(?:({ORG})|the\s+company|we)\s+(?:has\s+|have\s+|had\s+)?(?:{acquiring})\s+"
        rf"(?:(?:(this|that|the|its|a|an)\s+)?(?:\d+(?:\.\d+)?\s*(?:%|percent)\s+)?(?:(?:{kinds})\s+)*(?:royalty|royalties)\b)"
        rf"(?:\s+(?:interest\s+)?(?:on|in|over)\s+(?:production\s+from\s+)?(?:the\s+)?({SITE}))?",
        re.I,
    )
    for m in pat.finditer(t):
        buyer = _ent(s, m, 2).ref if m.group(2) else ctx.company
        if buyer is None:
            continue
        site: EntityRef | None = _ent(s, m, 5).ref if m.group(5) else None
        if site is None and m.group(3) and m.group(3).lower() in ("this", "that", "the"):
            earlier = [f for f in _royalties(s, ctx) if f.pos < _pos(s, m)]
            site = earlier[-1].object if earlier else None
        if site is None:
            continue
        when = _dated(_stated_date(s.text, ctx))
        price = _PRICE.search(t, m.end())
        value = re.sub(r"\s+", " ", price.group(1)) if price and "<" not in price.group(1) else ""
        yield Found(buyer, "acquired", site, _pos(s, m), value=value, kind="royalty", **when)
        passing = "|".join((*SITE_TYPES, "Place"))  # "... on the <site> in <county>, <state>, from <seller>"
        seller = re.match(rf"(?:[^<;]|<\d+\|(?:{passing})>)*?\bfrom\s+({ORG})", t[m.end():])
        agreed = re.search(r"\b(?:agree|will\b|to\s+(?:acquire|purchase|buy))", m.group(0), re.I)  # not sold yet
        if seller and not agreed:
            at = s.position(m.end() + seller.start(1))
            yield Found(_ent(s, seller, 1).ref, "sold", site, at, value=value, kind="royalty", **when)
            yield Found(site, "soldTo", buyer, at, kind="royalty", **when)


# ------------------------------------------------------------------ structure


def part_of(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    units = ("MiningUnit", "Mine", "Property")
    # "the two mines that make up the <unit> ... are <a> and <b>"; "<a> and <b> make up <unit>"
    for m in re.finditer(rf"(?:make|makes|made)\s+up\s+(?:the\s+)?({ph(*units)})", t):
        whole = _ent(s, m, 1)
        for x in re.finditer(ph("Mine", "Facility", "OreBody"), t[m.end() :]):
            yield Found(s.ents[int(x.group(1))].ref, "partOf", whole.ref, s.position(m.end() + x.start()))
    # "<unit> is spread over two locations: <a> and <b>", "<unit> comprises <a> and <b>"
    pat = rf"({ph(*units)})\s+(?:(?:[\w-]+|{PLACE})\s+){{0,4}}?(?:is\s+spread\s+over|comprises|consists\s+of|is\s+made\s+up\s+of|includes)\b"
    for m in re.finditer(pat, t):
        whole = _ent(s, m, 1)
        for x in re.finditer(ph("Mine", "Facility", "OreBody"), t[m.end() :]):
            yield Found(s.ents[int(x.group(1))].ref, "partOf", whole.ref, s.position(m.end() + x.start()))
    # "<x>, which is now considered part of the <unit>"
    for m in re.finditer(rf"part\s+of\s+(?:the\s+)?({ph(*units)})", t):
        part = _nearest_before(s, m.start(), ("Mine", "Facility", "OreBody", "Project"))
        if part is not None and part.label != _ent(s, m, 1).label:
            yield Found(part.ref, "partOf", _ent(s, m, 1).ref, _pos(s, m))
    yield from _ore_bodies(s, ctx)


def _is_child(ent: Ent, ctx: Context) -> bool:
    return is_part(ent.ref, ctx.lexicon)


def is_part(ref: EntityRef, lexicon: dict[str, Any]) -> bool:
    """An ore body, or a site named by a head that makes it a working or an undertaking of a larger
    site ("prospect", "expansion", "pit": lexicon ``child_heads``)."""
    if ref.type == "OreBody":
        return True
    heads = lexicon.get("child_heads", {"Project": ["prospect"]})
    words = ref.label.lower().split()
    return any(" ".join(words[-len(h.split()):]) == h for h in heads.get(ref.type, ()) if len(words) > len(h.split()))


def _ore_bodies(s: Sentence, ctx: Context) -> Iterator[Found]:
    """Ore bodies (and prospects) of a sentence, each part of the site the sentence is about:
    "<site>'s <vein>", "<vein> within/at <site>", a sentence opening "At <site>, ...", or
    the paragraph's run-in heading."""
    t = s.template()
    parents = ("Mine", "MiningUnit", "Property")
    opening = re.match(rf"^\W*(?:[A-Z][a-z]+\s+){{0,2}}(?:at|on|in)\s+(?:the\s+)?({ph(*parents)})", t, re.I)
    wholes = [e for e in s.ents if e.type in parents and not _is_child(e, ctx)]
    for i, ent in enumerate(s.ents):
        if not _is_child(ent, ctx):
            continue
        marker = f"<{i}|{ent.type}>"
        at = t.find(marker)
        whole: Ent | None = None
        m = re.search(rf"({ph(*parents)})'s\s+$", t[:at])
        if m:
            whole = _ent(s, m, 1)
        if whole is None:
            m = re.match(rf"\s+(?:within|at|of|in)\s+(?:the\s+)?({ph(*parents)})", t[at + len(marker) :])
            if m:
                whole = _ent(s, m, 1)
        if whole is None and opening and _idx(opening.group(1)) != i:
            whole = _ent(s, opening, 1)
        if whole is None:
            before = [e for e in wholes if e.start < s.position(at)]
            whole = before[-1] if before else None
        if whole is None and s.topic is not None and all(e.label == s.topic.label for e in wholes):
            whole = s.topic  # the paragraph's heading site (also when the sentence names only it again: "the pit")
        if whole is None and s.context is not None and not wholes:
            whole = s.context  # "At the Pinecrest mine ... . Development reached the Bonanza vein."
        if whole is None and s.only_site is not None and not wholes and s.topic is None:
            whole = s.only_site  # "the San Gabriel pit will feed the mill" in a release of one mine
        if whole is not None and whole.label != ent.label:
            yield Found(ent.ref, "partOf", whole.ref, s.position(at))


# ------------------------------------------------------------------ production, distance


def produced_at(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    producers = ("Mine", "MiningUnit")
    # commodities named inside the site's name: "Lucky Friday silver mine", "La Camorra gold unit"
    commodities = set(ctx.lexicon.get("_commodities", ()))
    for ent in s.ents:
        if ent.type in producers:
            for word in ent.modifiers:
                if word in commodities:
                    yield Found(EntityRef(word, "Commodity"), "producedAt", ent.ref, ent.start)
    quantity = r"(?:approximately\s+|about\s+|nearly\s+|more\s+than\s+)?[\d.,]+(?:\s+(?:million|thousand|billion))?\s+(?:ounces|tons|tonnes|pounds)\s+of\s+(?:payable\s+|contained\s+|refined\s+|recoverable\s+)?"
    # "<site> (also) produced 2.9 million ounces of <silver>"
    verbs = "|".join(ctx.lexicon.get("producing_verbs", ["produced"]))
    pat = (
        rf"({ph(*producers)})(?:[^<.]|<\d+\|Place>){{0,80}}?\s+(?:also\s+)?(?:{verbs})\s+(?:a\s+total\s+of\s+)?"
        rf"{quantity}({COMMODITY})"
    )
    chained = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+plus\s+){quantity}({COMMODITY})")
    for m in re.finditer(pat, t):
        yield Found(_ent(s, m, 3).ref, "producedAt", _ent(s, m, 1).ref, _pos(s, m, 3))
        end = m.end()  # "... ounces of silver and 21,300 tons of lead"
        while (c := chained.match(t, end)) is not None:
            yield Found(_ent(s, c, 1).ref, "producedAt", _ent(s, m, 1).ref, _pos(s, c, 1))
            end = c.end()
    # "production from (Hecla's) <site> of 45,907 ounces of <gold>"; "ounces of <gold> from the <site>"
    pat = rf"production\s+(?:at|from)\s+(?:{ORG}'s\s+)?(?:the\s+)?({ph(*producers)})\s+of\s+{quantity}({COMMODITY})"
    for m in re.finditer(pat, t):
        yield Found(_ent(s, m, 4).ref, "producedAt", _ent(s, m, 2).ref, _pos(s, m, 4))
    pat = rf"(?:ounces|tons|pounds)\s+of\s+({COMMODITY})\s+(?:\w+\s+)?(?:from|at)\s+(?:the\s+)?({ph(*producers)})"
    for m in re.finditer(pat, t):
        yield Found(_ent(s, m, 1).ref, "producedAt", _ent(s, m, 3).ref, _pos(s, m, 1))
    # "By-product gold, zinc and lead credits ... <site>"; "Gold production ... <site>" in a
    # sentence about one site (else the paragraph's heading site)
    yield from _production_cues(s, ctx, producers)
    lists = rf"{COMMODITY}(?:(?:,\s+|,?\s+and\s+){COMMODITY})*"
    site = ph(*producers)
    # "<org> mines palladium and platinum at the <a> and <b> mines"
    for m in re.finditer(rf"\b(?:mines|produces|produced|produce|recovers|recovered|mined)\s+({lists})\s+(?:\w+\s+)?(?:at|from)\s+(?:the\s+|its\s+)?((?:{site})(?:(?:,\s+|,?\s+and\s+)(?:the\s+)?{site})*)", t, re.I):
        sites = [int(x) for x in re.findall(r"<(\d+)\|", m.group(2))]
        for c in re.findall(r"<(\d+)\|Commodity>", m.group(1)):
            for x in sites:
                yield Found(s.ents[int(c)].ref, "producedAt", s.ents[x].ref, _pos(s, m, 1))
    # "The <site>, located ..., is an underground silver-lead-zinc mine"
    kinds = "|".join(ctx.lexicon.get("producer_kinds", ["mine", "operation", "producer"]))
    for m in re.finditer(rf"({site})[^;]{{0,200}}?\b(?:is|was|are)\s+an?\s+((?:[a-z-]+[\s-]+|{COMMODITY}[\s-]*){{1,6}})(?:{kinds})\b", t):
        words = re.findall(r"<(\d+)\|Commodity>|([a-z]+)", m.group(3))
        for idx, word in words:
            if idx:
                yield Found(s.ents[int(idx)].ref, "producedAt", _ent(s, m, 1).ref, _pos(s, m, 3))
            elif word in commodities:
                yield Found(EntityRef(word, "Commodity"), "producedAt", _ent(s, m, 1).ref, _pos(s, m, 3))
    # "<gold> is a by-product at the <mine>"
    pat = rf"({COMMODITY})\s+is\s+(?:a|the)\s+(?:main\s+|principal\s+)?(?:by-?product|product|co-?product)\s+(?:at|of)\s+(?:the\s+)?({ph(*producers)})"
    for m in re.finditer(pat, t, re.I):
        yield Found(_ent(s, m, 1).ref, "producedAt", _ent(s, m, 3).ref, _pos(s, m))


def _production_cues(s: Sentence, ctx: Context, producers: tuple[str, ...]) -> Iterator[Found]:
    t = s.template()
    nouns = "|".join(ctx.lexicon.get("production_nouns", ["production"]))
    verbs = "|".join(ctx.lexicon.get("production_verbs", ["produce", "produced"]))
    lists = rf"{COMMODITY}(?:(?:,\s+|,?\s+and\s+){COMMODITY})*"
    cues = [
        rf"(?i:by-?products?)\s+({lists})",
        rf"({lists})\s+(?i:{nouns})\b",
        rf"(?i:\b(?:{verbs})\s+(?:more\s+|additional\s+|less\s+)?)({lists})",
        rf"(?i:\b(?:production|output)\s+of\s+)({lists})",
        rf"(?i:cash\s+costs?\s+(?:per\s+ounce\s+)?of\s+)({lists})",
    ]
    commodities = []
    for cue in cues:
        for m in re.finditer(cue, t):
            commodities += [(int(x), m.start(1)) for x in re.findall(r"<(\d+)\|Commodity>", m.group(1))]
    if not commodities:
        return
    sites = {e.label: e for e in s.ents if e.type in producers}
    if len(sites) > 1:
        return  # which of them produces what is not said
    site = next(iter(sites.values()), None)
    if site is None and s.topic is not None and s.topic.type in producers:
        site = s.topic
    if site is None:
        return
    for idx, at in commodities:
        yield Found(s.ents[idx].ref, "producedAt", site.ref, s.position(at))


def distance_from(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    # longest first: "northwest" is not "north" followed by "west"
    directions = "|".join(sorted(ctx.lexicon.get("directions", ["north", "south", "east", "west"]), key=len, reverse=True))
    unit = r"(?:miles?|kilometers?|kilometres?|km|feet|meters?|metres?)"
    dist = (
        rf"((?:(?:about|approximately|some|just|only|roughly|nearly)\s+)?{NUM_WORD}[- ]{unit}"
        rf"(?:\s+(?:to\s+the\s+)?(?:{directions})(?:-(?:{directions}))?)?|(?:immediately|directly|just)\s+(?:{directions}))"
    )
    pat = re.compile(
        rf"(?:located|situated|lies|lying|is|are|,)\s+(?:\w+\s+)??{dist}(?:\s+(?:of|from)\s+(?:the\s+)?(?:{ORG}'s\s+)?(?:[a-z]+\s+)?"
        rf"(?:(?:of\s+)?({SITE})|(?:town|city|village|port|community|municipality|hamlet)\s+of\s+({PLACE})|({PLACE})))?",
        re.I,
    )
    sites = ("Mine", "MiningUnit", "Property", "Project", "Facility", "OreBody")
    for m in pat.finditer(t):
        if m.group(4) or m.group(6) or m.group(7):  # a site, or "35 kilometres west of the town of Falun"
            obj: Ent | None = s.ents[_idx(m.group(4) or m.group(6) or m.group(7))]
        else:
            obj = None
        subj = _nearest_before(s, m.start(), sites)
        if subj is None:
            continue
        if obj is None:
            # "..., and Mina Isidora, located about 100 kilometers to the north": from the site before it
            earlier = [e for e in s.ents if e.type in sites and e.end <= subj.start and e.label != subj.label]
            if not earlier or re.search(r"\b(?:of|from)\b", m.group(0)):
                continue
            obj = earlier[-1]
        if obj.label == subj.label:
            continue
        value = re.sub(r"\s+", " ", m.group(1)).strip()
        yield Found(subj.ref, "distanceFrom", obj.ref, _pos(s, m), value=value)
        more = re.match(rf"\s+and\s+((?:(?:about|approximately|some)\s+)?{NUM_WORD}[- ]{unit}\s+(?:{directions})?)\s+of\s+(?:the\s+(?:town|city|village|port)\s+of\s+)?({PLACE})", t[m.end():], re.I)
        if more:
            yield Found(subj.ref, "distanceFrom", s.ents[_idx(more.group(2))].ref, s.position(m.end() + more.start(2)),
                        value=re.sub(r"\s+", " ", more.group(1)).strip())


RULES: tuple[Rule, ...] = (
    located_in,
    ownership,
    operated_by,
    subsidiary_of,
    partner,
    sold,
    acquired,
    part_of,
    produced_at,
    distance_from,
)


def find_relations(s: Sentence, ctx: Context) -> list[Found]:
    """Every relation the rules read in one sentence, duplicates removed, in rule order."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Found] = []
    for rule in RULES:
        for f in rule(s, ctx):
            key = (f.subject, f.predicate, f.object, f.value)
            if key not in seen and f.subject != f.object:
                seen.add(key)
                out.append(f)
    return out


# ------------------------------------------------------------------ people and positions


def _title_re(lexicon: dict[str, Any]) -> str:
    words = "|".join(sorted(map(re.escape, lexicon.get("position_words", [])), key=len, reverse=True))
    word = rf"(?i:{words})\b"  # "chairman and CEO" as "Chairman and CEO"
    departments = "|".join(sorted(map(re.escape, lexicon.get("departments", [])), key=len, reverse=True))
    comma_dept = rf"|,\s+(?:{departments})\b" if departments else ""
    dept = rf"(?:\s+-{{1,2}}\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?{comma_dept})?"
    tails = "|".join(re.escape(x) for x in lexicon.get("position_tails", []))
    tail = rf"(?:\s+(?:{tails}))?" if tails else ""
    return rf"(?:{word}(?:\s+(?:and\s+|&\s+)?{word})*{tail}{dept}|directors?\b)"


def _clean_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,")
    return re.sub(r"\s*-{1,2}\s*", " - ", text)


def holds_position(s: Sentence, ctx: Context) -> Iterator[Found]:
    t = s.template()
    title = _title_re(ctx.lexicon)
    heads = set(ctx.lexicon.get("position_heads", [])) | {"director", "directors"}
    person = ph("Person")
    when = _stated_or_released(s.text, ctx)

    def ok(text: str) -> bool:
        return any(w in heads for w in re.findall(r"[A-Za-z]+", text))

    def org_of(m: re.Match[str] | None, group: int) -> EntityRef | None:
        if m is not None and m.group(group):
            return s.ents[_idx(m.group(group))].ref
        return ctx.company

    found: list[Found] = []
    # "<org>('s) <title>, <person>"
    for m in re.finditer(rf"(?:({ORG})(?:'s)?\s+)?({title}),?\s+({person})", t):
        if ok(m.group(3)):
            found.append(_position(s, m, int(m.group(5)), m.group(3), org_of(m, 2), when))
    # "<person>, (who is) (retired) <title> (of <org>)"
    designations = "|".join(sorted(map(re.escape, ctx.lexicon.get("designations", [])), key=len, reverse=True))
    desig = rf"(?:(?:{designations})\.?,\s+)*" if designations else ""
    pat = (rf"({person}),\s+{desig}(?:who\s+is\s+|currently\s+|now\s+|presently\s+)?(?:the\s+|our\s+)?(?:company's\s+)?"
           rf"(?:({ORG})'s\s+)?(?:retired\s+|former\s+)?({title})(?:\s+(?:of|at)\s+({ORG}))?")
    for m in re.finditer(pat, t):
        if ok(m.group(5)):
            org = org_of(m, 7) if m.group(7) else org_of(m, 3)
            found.append(_position(s, m, int(m.group(2)), m.group(5), org, when))
    # "<person> was appointed (as) <title>", "<person> has been named <title>"
    pat = rf"({person}),?\s+(?:was|has\s+been|is|will\s+be)\s+(?:appointed|named|promoted\s+to|elected)\s+(?:as\s+)?(?:the\s+)?({title})"
    for m in re.finditer(pat, t):
        if ok(m.group(3)):
            found.append(_position(s, m, int(m.group(2)), m.group(3), ctx.company, when))
    # "<person>, formerly of <org>, joined as <title>"
    pat = rf"({person})(?:,\s+[^,<]*(?:<\d+\|\w+>[^,<]*)?,)?\s+(?:has\s+)?(?:re)?joined\s+(?:the\s+company\s+|us\s+)?as\s+(?:the\s+|its\s+|our\s+)?({title})"
    for m in re.finditer(pat, t):
        if ok(m.group(3)):
            found.append(_position(s, m, int(m.group(2)), m.group(3), ctx.company, when))
    # "the appointment of <person> to the position of <title>", "appointed <person> as <title>",
    # "<org> named <person> <title>"
    pat = (rf"(?:appoint(?:ment|ed)|named|promoted)\s+(?:of\s+)?({person})\s+"
           rf"(?:to\s+the\s+(?:position|post)\s+of\s+|as\s+(?:the\s+)?|to\s+)?({title})")
    for m in re.finditer(pat, t):
        found.append(_position(s, m, int(m.group(2)), m.group(3), ctx.company, when))
    # "shareholders elected two new directors: <person>, ...; <person>"
    m = re.search(r"\b(?:elected|appointed|named)\s+(?:\w+\s+){0,3}?(directors?)\b", t)
    if m and ctx.company is not None:
        for x in re.finditer(person, t[m.end() :]):
            idx = int(x.group(1))
            found.append(Found(s.ents[idx].ref, "holdsPosition", EntityRef("director", "Position"),
                               s.position(m.end() + x.start()), value=ctx.company.label, **_dated(when)))
    # "replacing <person>, who retired", "succeeding <person>": the appointee's post was theirs before
    for m in re.finditer(rf"\b(?:replacing|succeeding|replaces|succeeds|who\s+replaces|who\s+succeeds)\s+({person})", t):
        idx = int(m.group(2))
        earlier = [f for f in found if f.pos <= s.position(m.start()) and f.subject != s.ents[idx].ref]
        if not earlier:
            # "Ms. Kovacs succeeds <person>": the post the sentence's subject was given before
            before = re.findall(person, t[: m.start()])  # the placeholders' indexes
            named = s.ents[int(before[-1])].ref.label.split() if before else []
            post = ctx.posts.get(named[-1]) if named else None
            earlier = [post] if post is not None and post.subject != s.ents[idx].ref else []
        if earlier:
            f = earlier[-1]
            found.append(Found(s.ents[idx].ref, "holdsPosition", f.object, s.position(m.start(1)), value=f.value, kind="former"))
        # "..., who has become Senior Vice President, Corporate Development"
        became = re.match(rf",?\s+who\s+(?:has\s+)?(?:become|becomes|will\s+become|is\s+now|was\s+named|was\s+appointed)\s+(?:the\s+)?({title})", t[m.end():])
        if became and ok(became.group(1)):
            found.append(Found(s.ents[idx].ref, "holdsPosition", EntityRef(_clean_title(became.group(1)), "Position"),
                               s.position(m.end() + became.start(1)), value=ctx.company.label if ctx.company else "", **_dated(when)))
    # "<person> was previously General Manager of the <site>": a former post, at the site
    for m in re.finditer(rf"({person})\s+(?:was|had\s+been|has\s+been)\s+(?:previously|formerly)\s+(?:the\s+)?({title})(?:\s+(?:of|at)\s+(?:the\s+)?({SITE}|{ORG}))?", t):
        if ok(m.group(3)):
            org = s.ents[_idx(m.group(5) or m.group(6))].ref if (m.group(5) or m.group(6)) else ctx.company
            found.append(Found(s.ents[int(m.group(2))].ref, "holdsPosition", EntityRef(_clean_title(m.group(3)), "Position"),
                               s.position(m.start()), value=org.label if org else "", kind="former"))
    for f in found:
        if f.kind != "former" and f.subject.label:
            ctx.posts[f.subject.label.split()[-1]] = f
    yield from found


def _position(
    s: Sentence, m: re.Match[str], person: int, title: str, org: EntityRef | None, when: Stated | None
) -> Found:
    return Found(
        s.ents[person].ref,
        "holdsPosition",
        EntityRef(_clean_title(title), "Position"),
        s.position(m.start()),
        value=org.label if org else "",
        **_dated(when),
    )


RULES = (*RULES, holds_position)
