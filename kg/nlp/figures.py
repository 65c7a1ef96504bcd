"""Figures stated in prose: a sentence (with its parse, when the model gave one) → observations.

Input: one :class:`kg.nlp.model.Sentence` with its entities and, for a sentence that states a
figure, its dependency parse (:class:`kg.nlp.model.Tok`); the document's company, reported period
and fiscal year (:class:`FigureContext`); ``ontology/patterns/figures.json`` (units, scale words,
currencies, the cue words of each kind of metric, cost phrases, bounds, comparison and guidance
words) and the metric vocabulary of ``ontology/metrics.ttl`` (a code it lacks is never emitted).
Output: :class:`kg.facts.Observation` with the contract's metric and unit codes.

How a figure is read:

1. Quantities: a number, its scale word and its unit ("6.4 million ounces", "869,000 oz", "1.2 Mt",
   "28,017 GEOs", "4,500 tons per day", "$4.91 per payable silver ounce", "92 cents per pound");
   parentheticals are skipped; a range ("25.0 to 26.5 million ounces") is no single figure.
2. Its clause: with a parse, the tokens whose nearest clause-heading verb is the quantity's ("while
   gold production rose to ..." is another clause); without one, the stretch between semicolons and
   clause-joining words. Comparisons ("compared to the same period in 2012", "from 37,710 ounces")
   are cut out: their numbers and periods are another period's.
3. Its metric: the cue of the clause nearest to it (produced, production, sold, milled, throughput,
   reserves ...), either side, with the commodity of the quantity ("ounces of silver", "silver
   ounces", GEOs, AgEq) or of the clause ("Silver production increased 31% to ... 6.4 million
   ounces"); a price per unit takes the cost phrase of its clause (total cash cost, AISC, C1 ...) and
   the commodity it is per ("per payable silver ounce", else the ounces the clause produced).
4. Its period: stated in the clause, else in the sentence outside comparisons, else earlier in the
   paragraph, else the release's own. "The quarter", "quarterly" are the release's last quarter;
   "the year", "full-year", "annual" its (fiscal) year; "2002's" the year 2002; a quarter named
   without a year is of the release's year. Reserves are instants at the period's end.
5. Guidance or result: a modal verb ("will produce"), a forecasting verb governing the figure
   ("expects to produce", "is expected to be") or a forecasting noun in its clause ("guidance of")
   make guidance; a figure stated in the past tense with none of these is a result, wherever it
   stands in the release. A cumulative figure ("have been mined in the valley") states no period's.
6. Precision: "more than 3 million ounces" is a lower bound, "nearly 12,000" an upper one (kept as
   ``bound``); "approximately 610,000" is good to its last non-zero digit (its ``decimals``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from kg.facts import EntityRef, Observation, Period, Source
from kg.header import stated_periods
from kg.nlp.model import Sentence
from kg.resources import data_dir

_SITES = ("MiningUnit", "Mine")
_SUBJECT_TYPES = ("MiningUnit", "Mine", "Company")
_CLAUSE_DEPS = {"ROOT", "conj", "advcl", "ccomp", "relcl", "parataxis", "csubj"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_COUNTS = {"three": 3, "six": 6, "nine": 9, "twelve": 12}
_YEAR = r"(?:19|20)\d\d"
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_ASIDE = re.compile(r"\([^()]*\)")
# A sentence opening that points back to what the sentence before was about.
_POINTS_BACK = re.compile(r"\s*(?:These|This|Those|Such|Its|Their)\b")


@dataclass(frozen=True)
class FigureContext:
    doc: str
    company: EntityRef | None
    period_end: date | None
    lexicon: dict[str, Any]
    release_date: date | None = None
    period_start: date | None = None  # the period the release reports, as its header states it
    fiscal_year_end: tuple[int, int] | None = None  # (month, day) when not December 31


# ------------------------------------------------------------------ the patterns, built once


@cache
def figure_patterns(folder: str | None = None) -> dict[str, Any]:
    root = Path(folder) if folder else data_dir("ontology")
    data: dict[str, Any] = json.loads((root / "patterns" / "figures.json").read_text(encoding="utf-8"))
    return data


@cache
def _known_metrics() -> frozenset[str]:
    from kg.vocab import metrics

    return frozenset(m.code for m in metrics())


@cache
def _commodity_forms() -> dict[str, str]:
    """Every written form of a commodity (gazetteer labels and aliases, lower case) → its label."""
    from kg.nlp.gazetteer import load_gazetteer

    forms: dict[str, str] = {k.lower(): v for k, v in figure_patterns().get("commodity_words", {}).items()}
    for e in load_gazetteer(tier="generic").entries:
        if e.type == "Commodity":
            for name in (e.label, *e.aliases):
                forms.setdefault(name.lower(), e.label)
    return forms


def _alt(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _cased(words: Any) -> list[str]:
    """Each word as printed, capitalised and in capitals (a unit table is case-sensitive: Mt ≠ mt)."""
    out: list[str] = []
    keys = set(words)
    for w in words:
        for v in (w, w[:1].upper() + w[1:], w.upper()):
            if v == w or v not in keys:
                out.append(v)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class _Rules:
    mass: re.Pattern[str]
    money: re.Pattern[str]
    before: re.Pattern[str]
    bare: re.Pattern[str]
    per_phrase: re.Pattern[str]  # "per pound of payable copper" with no amount after it
    more: re.Pattern[str]  # more commodities after a quantity's own: ", lead and zinc"
    cues: list[tuple[re.Pattern[str], str]]
    costs: re.Pattern[str]
    commodity: re.Pattern[str]
    comparison: re.Pattern[str]
    bound: re.Pattern[str]
    units: dict[str, tuple[str, int, str]]
    cfg: dict[str, Any]


@cache
def _rules() -> _Rules:
    cfg = figure_patterns()
    forms = _commodity_forms()
    units = {k: (v[0], int(v[1]), v[2]) for k, v in cfg["units"].items()}
    unit_alt = _alt(_cased(units))
    commodity = _alt(forms)
    adj = r"(?:payable|contained|refined|recovered|recoverable|attributable|equivalent|fine)"
    number = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    scale = rf"(?:\s*(?P<scale>{_alt(cfg['scales'])}))?"
    rate = _alt([*cfg["rates"], *cfg.get("rate_units", {})])
    mass = re.compile(
        rf"(?<![\w.,$])(?:(?P<neg>negative|minus)\s+)?{number}{scale}\s*"
        rf"(?:(?P<pre>(?i:{commodity}))[\s-]+(?:(?i:equivalent)[\s-]+)?)?(?:(?i:{adj})\s+)?"
        rf"(?P<unit>{unit_alt})(?![\w-])"
        rf"(?P<rate>(?:\s+(?i:milled|processed|mined|treated|crushed|hoisted|placed))?\s*(?:{rate}))?"
        rf"(?:\s+(?i:of)\s+(?:(?i:{adj})\s+)?(?P<of>(?i:ore|{commodity}))(?P<eq>[\s-]+(?i:equivalent))?(?![\w-]))?"
        rf"(?P<grade>\s+(?:(?i:of\s+[a-z]+)\s+)?(?i:per)\s+(?i:short\s+)?(?i:tons?|tonnes?)\b)?"
    )
    currencies = _alt(cfg["currencies"])
    per = _alt(_cased(cfg["per_units"]))
    tail = (
        rf"\s*(?:(?i:per|/|an?)\s*)(?:(?i:payable|average|recovered)\s+)?"
        rf"(?:(?P<pc>(?i:{commodity}))[\s-]+(?:(?i:equivalent)[\s-]+)?)?(?P<pu>{per})(?![\w-])"
        rf"(?:\s+(?i:of)\s+(?:(?i:payable)\s+)?(?P<pof>(?i:{commodity}))(?:[\s-]+(?i:equivalent))?)?"
    )
    money = re.compile(
        rf"(?:(?P<neg>(?i:negative|minus))\s+)?(?:(?P<cur>{currencies})\s?{number}{scale}"
        rf"|(?P<cnum>\d+(?:\.\d+)?)\s+(?:(?i:U\.?S\.?)\s+)?(?P<cents>(?i:cents?))){tail}"
    )
    cues = [(re.compile(rf"(?<![\w-])(?:{_alt(words)})(?![\w-])", re.I), kind) for kind, words in cfg["cues"].items()]
    costs = re.compile(rf"(?<![\w-])(?:{_alt(cfg['costs'])})(?![\w-])", re.I)
    comparison = re.compile(
        rf"(?<![\w-])(?:{_alt(cfg['comparison'])})(?![\w-])"
        rf"|(?<![\w-])(?:{_alt(cfg['comparison_before_number'])})\s+(?=(?:approximately\s+|about\s+)?(?:US|A|C)?\$?\d)"
        rf"|(?<![\w-])(?:{_alt(cfg['comparison_before_year'])})\s+(?=(?:the\s+)?{_YEAR}\b(?!\s*(?:million|thousand|billion|ounces|oz|tons|tonnes|pounds)\b))"
        + "".join(f"|{p}" for p in cfg.get("comparison_patterns", [])),
        re.I,
    )
    before = re.compile(  # "per silver ounce of $26.20": the unit a price is per, printed before it
        rf"(?i:per|/)\s+(?:(?i:payable|average)\s+)?(?:(?P<pc>(?i:{commodity}))[\s-]+(?:(?i:equivalent)[\s-]+)?)?(?P<pu>{per})"
        rf"(?:\s+(?i:sold|produced))?\s+(?:(?i:of|was|were|at|totaled|totalled|averaged)\s+|:\s*)"
        rf"(?:(?P<neg>(?i:negative|minus))\s+)?(?P<cur>{currencies})\s?{number}"
    )
    bare = re.compile(rf"(?:(?P<neg>(?i:negative|minus))\s+)?(?P<cur>{currencies})\s?{number}(?!\s*(?:{_alt(cfg['scales'])}|[\d,]))")
    bound = re.compile(rf"(?<![\w-])(?P<b>{_alt(cfg['bounds'])})\s+(?:of\s+)?(?:(?:US)?\$\s?)?$", re.I)
    return _Rules(
        mass=mass, money=money, before=before, bare=bare, cues=cues, costs=costs,
        per_phrase=re.compile(
            rf"(?<![\w-])(?i:per|/)\s+(?:(?i:payable|average)\s+)?(?:(?P<pc>(?i:{commodity}))[\s-]+(?:(?i:equivalent)[\s-]+)?)?"
            rf"(?P<pu>{per})(?![\w-])(?:\s+(?i:of)\s+(?:(?i:payable)\s+)?(?P<pof>(?i:{commodity})))?"
        ),
        more=re.compile(rf"(?:\s*,\s*(?i:{commodity}))*\s*,?\s+(?:and|or)\s+(?i:{commodity})(?![\w-])"),
        commodity=re.compile(rf"(?<![\w-])(?:{commodity})(?![\w-])", re.I),
        comparison=comparison, bound=bound, units=units, cfg=cfg,
    )


# ------------------------------------------------------------------ quantities


@dataclass(frozen=True)
class _Quantity:
    start: int  # of the quantity phrase (bound words included)
    end: int
    num: int  # where the number is printed
    value: Decimal
    decimals: int
    unit: str  # OZ, TONNE, TON-PER-DAY, USD-PER-OZ, OZ-PER-TON ...
    commodity: str  # the commodity the quantity itself names ("" when it names none; "ore" for ore)
    price: bool  # a money amount per unit
    per: str  # for a price: the unit it is per (OZ, LB, TON)
    bound: str
    printed: str
    several: bool = False  # of several commodities at once ("pounds of lead and zinc")


def _decimals(number: str, shift: int) -> int:
    digits = number.split(".", 1)[1] if "." in number else ""
    return len(digits) - shift


def _significant(number: str, shift: int) -> int:
    """Decimals of an approximate number: good to its last non-zero digit ("610,000" → -4)."""
    plain = number.replace(",", "")
    if "." in plain:
        return _decimals(number, shift)
    zeros = len(plain) - len(plain.rstrip("0"))
    return -zeros - shift if zeros < len(plain) else -shift


def _in_range(text: str, start: int, end: int) -> bool:
    """Part of a range: "25.0 to 26.5 million ounces", "between 10 and 11 million", "$575-$675"."""
    before = text[max(0, start - 30) : start]
    after = text[end : end + 25]
    if re.search(r"(?:\d|million|thousand)\s*(?:-|–|to)\s*(?:US)?\$?\s*$", before, re.I):
        return True
    if re.search(r"\bbetween\s+(?:US)?\$?\s*$", before, re.I):
        return True
    if re.search(r"\bbetween\s+(?:US)?\$?[\d.,]+\s*(?:thousand|million|billion)?\s*(?:[a-z]+\s+)?and\s+(?:US)?\$?\s*$",
                 text[max(0, start - 60) : start], re.I):
        return True  # "between 20 and 22 million ounces"
    return bool(re.match(r"\s*(?:-|–|to|and)\s*(?:US)?\$?\s*\d", after))


def _quantities(text: str, masked: str, rules: _Rules) -> list[_Quantity]:
    """The quantities of a sentence: first outside parentheticals, then inside them ("(62,241
    ounces of palladium and 17,810 ounces of platinum)", "A$918 (US$683) per ounce")."""
    out: list[_Quantity] = []
    taken: list[tuple[int, int]] = []
    _scan(masked, text, masked, rules, out, taken)
    asides = [m.span() for m in _ASIDE.finditer(text)]
    if asides:
        inside = "".join(c if any(a < i < b - 1 for a, b in asides) else " " for i, c in enumerate(text))
        _scan(inside, text, masked, rules, out, taken)
    return sorted(out, key=lambda q: q.num)


def _scan(view: str, text: str, masked: str, rules: _Rules, out: list[_Quantity], taken: list[tuple[int, int]]) -> None:
    """Quantities of ``view`` (the sentence with what is not to be read blanked out) into ``out``."""
    forms = _commodity_forms()
    cfg = rules.cfg

    def commodity(word: str | None) -> str:
        if not word:
            return ""
        return "ore" if word.lower() == "ore" else forms.get(word.lower(), word.lower())

    def bound_of(start: int) -> tuple[str, int]:
        """The bound the words before a quantity give it, and where they start."""
        window = view[max(0, start - 30) : start]
        m = rules.bound.search(window)
        if not m:
            return "", start
        words = " ".join(m.group("b").lower().split())
        return cfg["bounds"].get(words, ""), start - (len(window) - m.start("b"))

    def per_of(word: str) -> str:
        return cfg["per_units"].get(word) or cfg["per_units"].get(word.lower(), "OZ")

    def free(a: int, b: int) -> bool:
        return not any(x < b and a < y for x, y in taken)

    def add(q: _Quantity) -> None:
        out.append(q)
        taken.append((q.start, q.end))

    for m in rules.before.finditer(view):  # "per silver ounce of $26.20"
        if not free(m.start("cur"), m.end("num")) or _in_range(view, m.start("cur"), m.end("num")):
            continue
        value = Decimal(m.group("num").replace(",", ""))
        per_word = m.group("pu")
        kind, _ = bound_of(m.start("cur"))
        add(_Quantity(m.start("cur"), m.end("num"), m.start("num"), -value if m.group("neg") else value,
                      _decimals(m.group("num"), 0), f"{cfg['currencies'].get(m.group('cur'), 'USD')}-PER-{per_of(per_word)}",
                      commodity(m.group("pc")) or rules.units.get(per_word, ("", 1, ""))[2], True, per_of(per_word),
                      kind if kind in ("lower", "upper") else "", text[m.start("cur") : m.end("num")]))
    for m in rules.money.finditer(view):
        if not free(m.start(), m.end()):
            continue
        cents = bool(m.group("cents"))
        number = m.group("cnum") if cents else m.group("num")
        at = m.start("cnum") if cents else m.start("num")
        if _in_range(view, m.start(), m.end() if cents else m.end("num")):
            continue
        shift = cfg["scales"].get((m.group("scale") or "").lower(), 0) + (-2 if cents else 0)
        value = Decimal(number.replace(",", "")).scaleb(shift)
        per_word = m.group("pu")
        currency = "USD" if cents else cfg["currencies"].get(m.group("cur"), "USD")
        kind, begin = bound_of(m.start())
        decimals = _significant(number, shift) if kind == "approximate" else _decimals(number, shift)
        add(_Quantity(begin, m.end(), at, -value if m.group("neg") else value, decimals,
                      f"{currency}-PER-{per_of(per_word)}",
                      commodity(m.group("pc") or m.group("pof")) or rules.units.get(per_word, ("", 1, ""))[2], True,
                      per_of(per_word), kind if kind in ("lower", "upper") else "", text[begin : m.end()]))
    pers = list(rules.per_phrase.finditer(masked))
    for m in rules.bare.finditer(view):
        # "$26.20 in the fourth quarter and $26.63 for the year"; "C1 cash cost per pound of payable
        # copper, net of gold credits, rose to $1.42": per the unit a price or a phrase before it names
        if not free(m.start("cur"), m.end("num")) or _in_range(view, m.start("cur"), m.end("num")):
            continue
        prices = [x for x in out if x.price and x.end <= m.start() and m.start() - x.end <= 80]
        phrases = [p for p in pers if p.end() <= m.start() and m.start() - p.end() <= 100]
        last_at = max([x.end for x in prices[-1:]] + [p.end() for p in phrases[-1:]], default=-1)
        if last_at < 0 or re.search(r"(?:US|A|C)?\$\s?\d|;", masked[last_at : m.start()]):
            continue
        if prices and prices[-1].end == last_at:
            per, named = prices[-1].per, prices[-1].commodity
        else:
            p = phrases[-1]
            per, named = per_of(p.group("pu")), commodity(p.group("pc") or p.group("pof"))
        value = Decimal(m.group("num").replace(",", ""))
        kind, begin = bound_of(m.start("cur"))
        add(_Quantity(begin, m.end("num"), m.start("num"), -value if m.group("neg") else value,
                      _decimals(m.group("num"), 0), f"{cfg['currencies'].get(m.group('cur'), 'USD')}-PER-{per}",
                      named, True, per, kind if kind in ("lower", "upper") else "", text[begin : m.end("num")]))
    for m in rules.mass.finditer(view):
        if not free(m.start("num"), m.end("num")) or _in_range(view, m.start("num"), m.end("num")):
            continue
        if re.match(r"\s*%", view[m.end("num") :]):
            continue
        code, multiplier, implied = rules.units.get(m.group("unit")) or rules.units.get(m.group("unit").lower(), ("", 1, ""))
        if not code:
            continue
        shift = cfg["scales"].get((m.group("scale") or "").lower(), 0) + len(str(multiplier)) - 1
        value = Decimal(m.group("num").replace(",", "")).scaleb(shift)
        unit = code
        if m.group("rate"):
            word = " ".join(m.group("rate").lower().split()[-2:]) if " " in m.group("rate").strip() else m.group("rate").strip().lower()
            unit = cfg.get("rate_units", {}).get(word) or f"{code}-{cfg['rates'].get(word, 'PER-DAY')}"
        elif m.group("grade"):
            unit = f"{code}-PER-{'TONNE' if 'tonne' in m.group('grade').lower() else 'TON'}"
        kind, begin = bound_of(m.start())
        decimals = _significant(m.group("num"), shift) if kind == "approximate" else _decimals(m.group("num"), shift)
        several = bool(m.group("of")) and bool(rules.more.match(view, m.end()))
        named = commodity(m.group("pre") or m.group("of"))
        if m.group("eq") and named:  # "17,400 ounces of gold equivalent"
            named = commodity(f"{named}-equivalent")
        add(_Quantity(begin, m.end(), m.start("num"), value, decimals, unit,
                      implied or named, False, "",
                      kind if kind in ("lower", "upper") else "", text[begin : m.end()], several))


# ------------------------------------------------------------------ clauses


def _mask_asides(text: str) -> str:
    """Parentheticals blanked out (offsets kept): "at a total cash cost (a non-GAAP measure) of $3.52"."""
    return _ASIDE.sub(lambda m: " " * len(m.group()), text)


def _comparisons(masked: str, rules: _Rules) -> list[tuple[int, int]]:
    """Comparison phrases: from their opening word to the next comma, semicolon or sentence end."""
    out = []
    for m in rules.comparison.finditer(masked):
        stop = re.search(r",\s|;|\.\s|\.$", masked[m.end() :])  # not the comma of "74,315"
        out.append((m.start(), m.end() + stop.start() if stop else len(masked)))
    return out


_JOINS = re.compile(r";|,?\s+(?:while|whereas)\s+|,\s+but\s+|,\s+and\s+(?=(?:the|its|our|their|[A-Z])\b)|:\s+")


def _clause_ids(s: Sentence, masked: str) -> list[int]:
    """The clause each character belongs to: by the parse when there is one, else by the words
    and marks that join clauses."""
    ids = [0] * (len(s.text) + 1)
    if s.tokens:
        toks = s.tokens

        def head_of(i: int) -> int:
            seen = set()
            while i not in seen:
                seen.add(i)
                t = toks[i]
                if t.dep == "ROOT" or (t.dep in _CLAUSE_DEPS and t.pos in ("VERB", "AUX")):
                    return i
                i = t.head
            return i

        parts = [m.start() for m in re.finditer(";", masked)]  # a semicolon ends a clause whatever the parse
        for i, t in enumerate(toks):
            c = head_of(i) + 1000 * sum(1 for x in parts if x < t.start)
            for k in range(t.start, min(t.end + 1, len(ids))):
                ids[k] = c
        return ids
    n, last = 0, 0
    for m in _JOINS.finditer(masked):
        for k in range(last, m.start()):
            ids[k] = n
        n, last = n + 1, m.start()
    for k in range(last, len(ids)):
        ids[k] = n
    return ids


# ------------------------------------------------------------------ periods


def reporting_period(period_end: date | None, release_date: date | None, period_start: date | None = None) -> Period | None:
    """The period a release reports on: the stated period (its start when the header gives one,
    else from January 1), else the year to the last quarter end before the release date (an annual
    release in February reports on the year before)."""
    if period_end is not None:
        return Period(end=period_end, start=period_start or date(period_end.year, 1, 1))
    if release_date is None:
        return None
    year, month = release_date.year, release_date.month
    quarter_end = ((month - 1) // 3) * 3
    if quarter_end == 0:
        return Period(end=date(year - 1, 12, 31), start=date(year - 1, 1, 1))
    end = date(year, quarter_end, 30 if quarter_end in (6, 9) else 31)
    return Period(end=end, start=date(year, 1, 1))


def _month_end(year: int, month: int) -> date:
    import calendar

    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` after ``d``'s month."""
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class _Calendar:
    """The release's own period and year, to which year-less phrases refer."""

    period: Period | None
    fy_start: date | None  # first day of the fiscal year the release's period ends in

    def year(self, offset: int = 0) -> Period | None:
        if self.fy_start is None:
            return None
        start = date(self.fy_start.year + offset, self.fy_start.month, 1)
        end = _add_months(start, 12)
        return Period(end=date.fromordinal(end.toordinal() - 1), start=start)

    def months(self, n: int) -> Period | None:
        if self.fy_start is None:
            return None
        end = _add_months(self.fy_start, n)
        return Period(end=date.fromordinal(end.toordinal() - 1), start=self.fy_start)

    def quarter_ending(self, month: int) -> Period | None:
        """The quarter ending in ``month`` at or before the end of the release's period."""
        if self.period is None:
            return None
        end = self.period.end
        year = end.year if month <= end.month else end.year - 1
        last = _add_months(date(year, month, 1), 1)
        return Period(end=date.fromordinal(last.toordinal() - 1), start=_add_months(date(year, month, 1), -2))

    def quarter(self, n: int | None = None) -> Period | None:
        """Quarter ``n`` of the fiscal year, or the release's last quarter."""
        if self.period is None or self.fy_start is None:
            return None
        if n is None:
            end = self.period.end
            start = _add_months(date(end.year, end.month, 1), -2)
            return Period(end=end, start=start)
        start = _add_months(self.fy_start, 3 * (n - 1))
        end = _add_months(start, 3)
        return Period(end=date.fromordinal(end.toordinal() - 1), start=start)


def _calendar(ctx: FigureContext) -> _Calendar:
    period = reporting_period(ctx.period_end, ctx.release_date, ctx.period_start)
    if period is None:
        return _Calendar(None, None)
    if ctx.fiscal_year_end:
        month = ctx.fiscal_year_end[0] % 12 + 1
        year = period.end.year if period.end.month >= month else period.end.year - 1
        return _Calendar(period, date(year, month, 1))
    return _Calendar(period, date(period.end.year, 1, 1))


_MONTH_NUMBERS = {"march": 3, "june": 6, "september": 9, "december": 12}
_THIS_YEAR = r"(?:\s+(?:of\s+)?(?:this|the|the\s+current)\s+(?:fiscal\s+)?year)?"  # "the first six months of this year"
_RELATIVE = re.compile(
    rf"\b(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter\b(?!\s+(?:of\s+)?(?:fiscal\s+)?{_YEAR}){_THIS_YEAR}"
    rf"|\bQ(?P<q>[1-4])\b(?!\s*(?:of\s+)?{_YEAR})"
    rf"|\b(?P<mq>March|June|September|December)\s+(?:quarter|qtr\.?)(?!\s*(?:of\s+)?{_YEAR})"
    r"|\b(?P<quarter>(?:the|this|that|current|in\s+the|for\s+the)\s+(?:current\s+)?quarter|quarterly|three[\s-]months?(?:\s+period)?)\b"
    r"|\b(?P<ytd>year[\s-]to[\s-]date)\b"
    rf"|\b(?:first\s+)?(?P<count>six|nine)\s+months\b{_THIS_YEAR}|\b(?P<half>first\s+half)\b{_THIS_YEAR}"
    rf"|\bfirst\s+(?P<quarters>two|three)\s+quarters\b{_THIS_YEAR}|\b(?P<second>second\s+half)\b{_THIS_YEAR}"
    r"|\b(?P<next>next\s+year|coming\s+year)\b|\b(?P<last>last\s+year|prior\s+year|previous\s+year)\b"
    r"|\b(?P<year>(?:the|this|that|for\s+the)\s+(?:full\s+|fiscal\s+|calendar\s+)?year|full[\s-]year|annual|twelve\s+months)\b"
    rf"|\b(?P<yr>{_YEAR})(?P<poss>'s)?\b",
    re.I,
)


def _periods_in(text: str, cal: _Calendar, fy_end: tuple[int, int] | None) -> list[tuple[int, int, Period, bool]]:
    """Every period a stretch of text states: with a year ("the fourth quarter of 2006", "2002's",
    "in 2011"; the last item True) or relative to the release ("the quarter", "full-year", "the
    first half"; False)."""
    found = [(a, b, Period(end=e, start=s), True) for a, b, s, e in stated_periods(text, fy_end)]
    spans = [(a, b) for a, b, _, _ in found]
    for m in _RELATIVE.finditer(text):
        if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in spans):
            continue
        p: Period | None = None
        if m.group("ord") or m.group("q"):
            p = cal.quarter(_ORDINALS[m.group("ord").lower()] if m.group("ord") else int(m.group("q")))
        elif m.group("mq"):  # "the June quarter": the last quarter ending in June by the release's period
            p = cal.quarter_ending(_MONTH_NUMBERS[m.group("mq").lower()])
        elif m.group("quarter"):
            p = cal.quarter()
        elif m.group("ytd"):
            p = cal.period if cal.period is None else Period(end=cal.period.end, start=cal.fy_start)
        elif m.group("count"):
            p = cal.months(_COUNTS[m.group("count").lower()])
        elif m.group("half"):
            p = cal.months(6)
        elif m.group("second"):
            whole = cal.year()
            p = Period(end=whole.end, start=_add_months(whole.start, 6)) if whole and whole.start else None
        elif m.group("quarters"):
            p = cal.months(6 if m.group("quarters").lower() == "two" else 9)
        elif m.group("next"):
            p = cal.year(1)
        elif m.group("last"):
            p = cal.year(-1)
        elif m.group("year"):
            p = cal.year()
        elif m.group("yr"):
            before = text[max(0, m.start() - 14) : m.start()]
            if re.search(rf"{_MONTH}\s+(?:\d{{1,2}},?\s+)?$|\d\s*$|[$#]\s*$", before, re.I):
                continue  # a date ("December 31, 2006") or another number
            if re.match(r"\s*(?:%|-\d|to\s+\d)", text[m.end() :]):
                continue
            year = int(m.group("yr"))
            p = Period(end=date(year, 12, 31), start=date(year, 1, 1))
        if p is not None:
            found.append((m.start(), m.end(), p, bool(m.group("yr"))))
    return sorted(found, key=lambda x: x[0])


# ------------------------------------------------------------------ guidance


def _path(s: Sentence, q: _Quantity, clause_head: int | None) -> list[int]:
    """Token indices from the quantity's number up its heads to its clause's head."""
    start = next((i for i, t in enumerate(s.tokens) if t.start <= q.num < t.end), None)
    out: list[int] = []
    i = start
    while i is not None and i not in out:
        out.append(i)
        if i == clause_head or s.tokens[i].head == i:
            break
        i = s.tokens[i].head
    return out


_CAUSAL = {"because", "due", "despite", "following", "after", "given", "than", "from", "with"}


def _is_guidance(s: Sentence, clause_head: int | None, in_clause: Any, q: _Quantity, rules: _Rules) -> bool | None:
    """True for guidance, False for a result, None for a cumulative figure (no period's).

    With a parse: a modal verb or a forecasting verb on the way from the figure up to its clause's
    verb ("will produce", "expects to produce", "is anticipating production ... of"), or a forecasting
    noun on that way or the clause's subject ("2014 guidance of", "Guidance for the cash cost was
    lowered to"); a figure in a phrase of cause ("because of ... production of 45,907 ounces") states a
    fact whatever the verb's mood. Without one: such words anywhere in the clause."""
    cfg = rules.cfg
    modals = set(cfg["modal_words"])
    stems = tuple(v.rstrip("e") for v in cfg["forecast_verbs"])  # "expect", "anticipat", "guid": any inflection
    nouns = set(cfg["forecast_nouns"])
    met = re.compile(rf"\b(?:{_alt(cfg['met_words'])})\s+(?:(?:the|its|our|their|\w+'s)\s+)?(?:\w+\s+)?$", re.I)
    text = s.text
    phrases = _alt(cfg.get("forecast_phrases", []))
    if phrases and any(in_clause(m.start()) and m.start() < q.start for m in re.finditer(rf"\b(?:{phrases})\b", text, re.I)):
        return True  # "is on track to produce 150,000 ounces"
    if s.tokens:
        toks = s.tokens
        path = _path(s, q, clause_head)
        on_path = set(path)
        for j, t in enumerate(toks):
            if t.text.lower() in nouns and j in on_path and not met.search(text[max(0, t.start - 40) : t.start]):
                return True  # "a previous estimate of 128,000 ounces", "2014 guidance of 10 million ounces"
        if any(toks[i].text.lower() in _CAUSAL and toks[i].dep in ("prep", "pcomp", "mark") for i in path):
            return False
        verbs = [i for i in path if toks[i].pos in ("VERB", "AUX")]
        children = {i: [j for j, t in enumerate(toks) if t.head == i and j != i] for i in verbs}
        for i in verbs:
            if any(toks[j].tag == "MD" and toks[j].text.lower() in modals for j in children[i]):
                return True
            if toks[i].text.lower().startswith(stems) and toks[i].dep not in ("amod", "compound"):
                return True
        for j, t in enumerate(toks):
            if t.text.lower() not in nouns or met.search(text[max(0, t.start - 40) : t.start]):
                continue
            if j in on_path or (t.dep in ("nsubj", "nsubjpass") and t.head in on_path) or (
                t.dep in ("compound", "amod", "poss", "nmod") and t.head in on_path
            ):
                return True
        perfect = any(toks[j].text.lower() in ("have", "has") and toks[j].dep == "aux" for i in verbs for j in children[i])
        if perfect and not any(toks[i].tag == "VBD" for i in verbs):
            return None  # "have been mined in the valley"
        return False
    nouns_re = "|".join(map(re.escape, nouns))
    for m in re.finditer(rf"\b(?:{nouns_re})\b", text, re.I):
        if in_clause(m.start()) and m.start() < q.start and not met.search(text[max(0, m.start() - 40) : m.start()]):
            return True
    words = [(m.start(), m.group().lower()) for m in re.finditer(r"[A-Za-z]+", text) if in_clause(m.start())]
    if any(w in modals for _, w in words):
        return True
    verb_stems = "|".join(v.rstrip("e") for v in cfg["forecast_verbs"])
    bare_nouns = set(cfg.get("noun_like_verbs", []))
    if any(re.match(rf"(?:{verb_stems})(?:e|es|ed|ing|s|d|ned|ted)?$", w) and w not in bare_nouns for _, w in words):
        return True
    if re.search(r"\b(?:have|has)\s+been\s+\w+ed\b", " ".join(w for _, w in words)):
        return None
    return False


# ------------------------------------------------------------------ subjects


_THE_SITE = re.compile(r"\b[Tt]he\s+(?:mine|operation|mill|project|property|deposit)\b(?!\s+(?:of|at)\b)")


def _subject(s: Sentence, q: _Quantity, in_clause: Any, ctx: FigureContext, previous: EntityRef | None) -> EntityRef | None:
    """What a figure is about: the last unit, mine or company its clause names before it (else the
    sentence), leaving out a company's possessive ("for Hecla's account") and relative clauses ("in
    which Hecla holds 30%"); a site right after it ("6.4 million ounces from the La Colorada mine");
    a sentence that names none and points back ("These ounces were mined at ...") keeps the previous
    figure's subject; else the paragraph's heading site, else the company."""
    pos = q.start

    def candidates(clause_only: bool) -> EntityRef | None:
        best = None
        for ent in s.ents:
            if ent.start >= pos or ent.type not in _SUBJECT_TYPES or (clause_only and not in_clause(ent.start)):
                continue
            if ent.type == "Company" and s.text[ent.end : ent.end + 2] in ("'s", "\u2019s"):
                continue
            clause = s.text[max(s.text.rfind(",", 0, ent.start), 0) : ent.start]
            if re.search(r"\b(?:which|whom|who|where|whose)\b", clause):
                continue
            best = ent.ref
        return best

    best = candidates(True)
    if best is None:  # "6.4 million ounces of silver from the La Colorada mine"
        for ent in s.ents:
            if ent.start >= q.end and ent.type in _SITES and re.fullmatch(
                r"\s+(?:\w+\s+){0,2}?(?:from|at)\s+(?:the\s+|its\s+)?", s.text[q.end : ent.start]
            ):
                best = ent.ref
                break
    best = best or candidates(False)
    if best is None and previous is not None and _POINTS_BACK.match(s.text):
        return previous
    if best is None and _THE_SITE.search(s.text[:pos]):
        # "The mine produced 1.21 million ounces": the site named earlier in the paragraph, else the
        # release's one mine
        site = s.context if s.context is not None and s.context.type in _SITES else s.only_site
        if site is not None:
            return site.ref
    if best is None and s.topic is not None and s.topic.type in _SITES and not any(e.type in _SITES for e in s.ents):
        return s.topic.ref
    site = s.paragraph_site
    if best is None and site is not None and previous in (None, site.ref):
        return site.ref  # "At the Lucky Friday mine, ... . The average total cash cost ... was $4.53 per ounce"
    return best or ctx.company


# ------------------------------------------------------------------ the figures


def _nearest(matches: list[tuple[int, int, Any]], q: _Quantity, kinds: Any = None) -> Any:
    """The match of ``kinds`` (any when None) nearest before the quantity, else nearest after it."""
    fit = [m for m in matches if kinds is None or m[2] in kinds]
    before = [m for m in fit if m[1] <= q.start]
    if before:
        return before[-1][2]
    after = [m for m in fit if m[0] >= q.end]
    return after[0][2] if after else None


def _stem(commodity: str, cfg: dict[str, Any]) -> str:
    return cfg["metric_stems"].get(commodity, commodity.lower().replace(" ", "-"))


def find_figures(
    s: Sentence, ctx: FigureContext, line_of: Any, context: str = "", previous: EntityRef | None = None,
    commodity: str | Callable[[EntityRef], str] = "",
) -> Iterator[Observation]:
    """Observations for the figures a sentence states; ``line_of(pos)`` gives a position's source line;
    ``context`` is the paragraph before the sentence; ``previous`` the subject of the paragraph's last
    figure, for sentences that point back to it; ``commodity`` what a figure's subject (or the
    paragraph, or the release) is about, for "1.7 million ounces" or a cost "per ounce" whose
    sentence names no commodity."""
    if not re.search(r"\d", s.text):
        return
    rules = _rules()
    cfg = rules.cfg
    masked = _mask_asides(s.text)
    quantities = _quantities(s.text, masked, rules)
    if not quantities:
        return
    known = _known_metrics()
    forms = _commodity_forms()
    comparisons = _comparisons(masked, rules)
    ids = _clause_ids(s, masked)
    cal = _calendar(ctx)

    asides = [m.span() for m in _ASIDE.finditer(s.text)]
    if asides:  # "(from a previous estimate of 128,000 ounces)"
        inside = "".join(c if any(a < i < b - 1 for a, b in asides) else " " for i, c in enumerate(s.text))
        for a, b in _comparisons(inside, rules):  # a comparison in an aside ends with it
            end = next((y for x, y in asides if x < a < y), b)
            comparisons.append((a, min(b, end)))

    def zone(pos: int) -> tuple[int, int] | None:
        return next(((a, b) for a, b in comparisons if a <= pos < b), None)

    quantity_spans = [(q.start, q.end) for q in quantities]
    commodities = [(m.start(), m.end(), forms.get(m.group().lower(), m.group().lower()))
                   for m in rules.commodity.finditer(masked)
                   if zone(m.start()) is None and not any(a <= m.start() < b for a, b in quantity_spans)]
    cues = [(m.start(), m.end(), kind) for regex, kind in rules.cues for m in regex.finditer(masked) if zone(m.start()) is None]
    costs = [(m.start(), m.end(), next(v for k, v in cfg["costs"].items() if k.lower() == m.group().lower()))
             for m in rules.costs.finditer(masked) if zone(m.start()) is None]
    ore_words = re.compile(rf"\b(?:{_alt(cfg['ore_words'])})\b", re.I)
    change = re.compile(rf"\b(?:{_alt(cfg['change_words'])})\b", re.I)
    rate_words = re.compile(rf"^\s*(?:of\s+\w+\s+)?(?:{_alt(cfg['rate_words'])})\b", re.I)
    periods = _periods_in(masked, cal, ctx.fiscal_year_end)
    sentence_periods = [p for p in periods if zone(p[0]) is None]
    context_periods = []
    if context:
        masked_context = _mask_asides(context)
        spans = _comparisons(masked_context, rules)
        context_periods = [p for p in _periods_in(masked_context, cal, ctx.fiscal_year_end)
                           if not any(a <= p[0] < b for a, b in spans)]

    respectively = _respectively(masked, quantities, periods, commodities, zone)
    for q in quantities:
        clause_id = ids[q.num]

        scope = {clause_id, *_shared_subject(s, clause_id)}

        def in_clause(pos: int, c: set[int] = scope) -> bool:  # noqa: B006 - bound per quantity
            return 0 <= pos < len(ids) and ids[pos] in c

        if _is_change(masked, q, change, in_clause) or rate_words.match(masked[q.end :]):
            continue  # "added more than 2 million ounces", "4 million ounces of silver annually"
        if re.match(r"\s+of\s+(?:which|those|these|them)\b", masked[q.end :]):
            continue  # "21,546 ounces of which were mined in Venezuela": a part of the figure before
        paired = respectively.get(q.num)
        compared = zone(q.num)
        aside = next(((a, b) for a, b in asides if a < q.num < b), None)
        period: Period | None = None
        if compared is not None:  # another period's figure: kept only with the period it is stated for
            stated = [p for p in periods if compared[0] <= p[0] < compared[1] and p[3]]
            if not stated:
                continue
            period = stated[0][2]
        elif paired is not None and paired[0] is not None:
            period = paired[0]
        elif aside is not None:  # "(2.4 million ounces in 2005)": a period of its own, else the clause's
            own = [p for p in _periods_in(" " * aside[0] + s.text[aside[0] : aside[1]], cal, ctx.fiscal_year_end)]
            if own:
                if not own[0][3]:
                    continue
                period = own[0][2]
        subject = _subject(s, q, in_clause, ctx, previous)
        if subject is None:
            continue
        fallback = commodity(subject) if callable(commodity) else commodity
        if paired is not None and paired[1] and not q.commodity:
            q = dataclasses.replace(q, commodity=paired[1])
        metric, category = _metric(q, [x for x in cues if in_clause(x[0])], [x for x in costs if in_clause(x[0])],
                                   commodities, quantities, masked, ore_words, in_clause, cfg, fallback)
        if metric is None or metric not in known:
            continue
        clause_head = ids[q.num] % 1000 if s.tokens else None
        guidance = _is_guidance(s, clause_head, in_clause, q, rules)
        if guidance is None:
            continue  # "have been mined in the valley": no period's figure
        if period is None:
            period = _period(q, [p for p in sentence_periods if in_clause(p[0])], sentence_periods, context_periods)
        if period is None:
            # guidance names the year not yet reported in full: the next one after a year's results
            whole = cal.period is not None and cal.period.start is not None and (cal.period.end - cal.period.start).days > 360
            period = (cal.year(1) if whole else cal.year()) if guidance else cal.period
        if period is None:
            continue
        if not guidance and cal.period is not None and period.start is not None and period.start > cal.period.end:
            guidance = True  # a figure for a period after the one reported, stated without a tense
        if category or metric.startswith("reserve-"):
            period = Period(end=period.end)
        line = line_of(q.num)
        if not line:
            continue  # the document cannot say which source line prints it
        yield Observation(
            subject=subject, metric=metric, period=period, value=q.value, unit=q.unit, decimals=q.decimals,
            source=Source(ctx.doc, line, "prose"), printed=q.printed,
            label=" ".join(masked[min(q.start, _clause_start(ids, clause_id)) : q.end].split())[-200:],
            category=category, estimate=guidance, bound=q.bound,
        )


def _respectively(
    masked: str, quantities: list[_Quantity], periods: list[tuple[int, int, Period, bool]],
    commodities: list[tuple[int, int, str]], zone: Any,
) -> dict[int, tuple[Period | None, str]]:
    """"During the third quarter and first nine months of 2004, 1,658 ounces and 2,949 ounces,
    respectively, were produced"; "silver and gold production were 4.0 million ounces and 93,293
    ounces, respectively": the n-th quantity before "respectively" goes with the n-th period or
    commodity of its sentence."""
    out: dict[int, tuple[Period | None, str]] = {}
    m = re.search(r"\brespectively\b", masked)
    if not m:
        return out
    listed = [q for q in quantities if q.end <= m.start() and zone(q.num) is None]
    if len(listed) < 2:
        return out
    spans = [p for p in periods if zone(p[0]) is None and not any(q.start <= p[0] < q.end for q in listed)]
    named = [c[2] for c in commodities if c[1] <= listed[0].start]
    # a period of the whole list ("of 2004") after the ordinal words is shared, not a list item
    firsts = [p for p in spans if p[1] <= listed[0].start]
    use_periods = len(firsts) == len(listed)
    use_named = len(named) == len(listed) and len(set(named)) == len(named)
    for i, q in enumerate(listed):
        out[q.num] = (firsts[i][2] if use_periods else None, named[i] if use_named else "")
    return out


def _shared_subject(s: Sentence, clause_id: int) -> list[int]:
    """The clause a conjoined or adverbial verb shares its subject with ("Rhodium, recovered as a
    by-product, totaled 2,815 ounces"; "..., bringing the first six months to 55,900 ounces"): its
    words (the metal, the cue) are the figure's too."""
    if not s.tokens:
        return []
    head = clause_id % 1000
    t = s.tokens[head]
    if t.dep not in ("conj", "advcl") or any(x.head == head and x.dep in ("nsubj", "nsubjpass") for x in s.tokens):
        return []
    return [clause_id - head + t.head]


def _is_change(masked: str, q: _Quantity, change: re.Pattern[str], in_clause: Any) -> bool:
    """A quantity stated as a change ("added more than 2 million ounces", "growth in the resource of
    27.5 million ounces", "increased by 200 ounces"), not reached "to" ("rose 14% to 27,800 tons")."""
    window = masked[max(0, q.start - 100) : q.start]
    last = None
    for m in change.finditer(window):
        last = m
    if last is None or not in_clause(q.start - len(window) + last.start()):
        return False
    between = window[last.end() :]
    return not re.search(r"\bto\b|[,;]|\bwas\b|\bwere\b|\btotal", between)


def _clause_start(ids: list[int], clause_id: int) -> int:
    return next((i for i, c in enumerate(ids) if c == clause_id), 0)


def _commodity_for(q: _Quantity, quantities: list[_Quantity], commodities: list[tuple[int, int, str]],
                   in_clause: Any, fallback: str, masked: str) -> str:
    """The commodity a quantity is of: its own ("ounces of silver"), else that of the quantity before
    it in its clause ("26,043 ounces of gold, 21,546 ounces of which ..."), else a commodity its clause
    names, else the same in its sentence, else ``fallback`` (what its subject's, paragraph's or
    release's figures are about)."""
    if q.commodity:
        return q.commodity
    following = [x for x in quantities if x.start >= q.end and not x.price]
    if following and following[0].unit == q.unit and following[0].commodity and re.fullmatch(
        r"\s*,?\s*(?:and\s+)?", masked[q.end : following[0].start]
    ):
        return following[0].commodity  # "48,210 ounces and 141,005 ounces of gold": a list names its commodity once
    for scope in (in_clause, lambda pos: True):
        before = [x for x in quantities if x.end <= q.start and not x.price and x.commodity and scope(x.num)]
        if before:
            return before[-1].commodity
        named = _nearest([c for c in commodities if scope(c[0])], q)
        if named:
            return str(named)
    return fallback


def _metric(
    q: _Quantity, cues: list[tuple[int, int, str]], costs: list[tuple[int, int, str]],
    commodities: list[tuple[int, int, str]], quantities: list[_Quantity], masked: str,
    ore_words: re.Pattern[str], in_clause: Any, cfg: dict[str, Any], fallback: str = "",
) -> tuple[str | None, str]:
    """The metric code and reserve category of a quantity in its clause (``commodities`` are the
    sentence's commodity words)."""
    templates = cfg["metrics"]
    clause_commodities = [c for c in commodities if in_clause(c[0])]
    if q.price:
        template = _nearest(costs, q)
        if template is None:
            return None, ""
        commodity = _commodity_for(q, quantities, commodities, in_clause, fallback, masked)
        if not commodity or commodity == "ore":
            return None, ""
        unit = {"OZ": "oz", "LB": "lb", "TON": "ton", "TONNE": "tonne"}.get(q.per, "oz")
        commodity = cfg.get("cost_stems", {}).get(commodity, commodity)
        return template.format(u=unit, c=_stem(commodity, cfg)), ""
    if q.unit.endswith("-PER-TON") or q.unit.endswith("-PER-TONNE"):
        # a grade: "the grade of silver ore milled ... was 10.7 ounces per ton"
        grade = re.search(r"\bgrade\b", masked[: q.start])
        if not grade or not in_clause(grade.start()) or not any(k == "processed" for _, _, k in cues):
            return None, ""
        # "at a head grade of 1.05g/t": of the commodity the subject (or the release) is about
        commodity = q.commodity or _nearest(clause_commodities, q) or fallback or ""
        return (f"ore-grade-{_stem(commodity, cfg)}", "") if commodity and commodity != "ore" else (None, "")
    if q.several:
        return None, ""  # "250 million pounds of zinc, lead and copper": no one commodity
    commodity = q.commodity
    if commodity == "ore":
        kind = _nearest(cues, q, ("processed", "mined", "reserve"))
    elif commodity:
        kind = _nearest(cues, q, ("produced", "sold", "mined", "reserve"))
    else:
        kind = _nearest(cues, q)
    ore = commodity == "ore" or (
        not commodity
        and bool(ore_words.search(masked))
        and (
            (not clause_commodities and kind in ("processed", "mined", None))
            # "milled 402,000 tonnes at an average grade of 3.4 g/t gold": metal is produced, not
            # milled; the commodity is the grade's
            or (kind == "processed" and q.unit in ("TONNE", "TON"))
        )
    )
    if q.unit.endswith("PER-DAY"):
        return (templates["processed-rate"], "") if kind in ("processed", "mined", None) or ore else (None, "")
    if kind == "reserve":
        if _combined(masked, cues, q):
            return None, ""
        category = _category(masked, q, cfg, in_clause)
        if not category:
            return None, ""
        if ore:
            return templates["reserve-ore"], category
        commodity = _commodity_for(q, quantities, commodities, in_clause, fallback, masked)
        return (templates["reserve"].format(c=_stem(commodity, cfg)), category) if commodity else (None, "")
    if ore:
        if kind == "mined":
            return templates["mined-ore"], ""
        return (templates["processed"], "") if kind == "processed" or commodity == "ore" else (None, "")
    if kind in ("produced", "mined", "sold"):
        commodity = _commodity_for(q, quantities, commodities, in_clause, fallback, masked)
        if not commodity or commodity == "ore":
            return None, ""
        template = templates["sold" if kind == "sold" else "produced"]
        return template.format(c=_stem(commodity, cfg)), ""
    return None, ""


def _combined(masked: str, cues: list[tuple[int, int, str]], q: _Quantity) -> bool:
    """"reserve and resource base of 169 million ounces": no one category."""
    near = sorted((c for c in cues if c[2] == "reserve"), key=lambda c: min(abs(c[0] - q.end), abs(q.start - c[1])))
    at = near[0][0] if near else q.start
    window = masked[max(0, at - 30) : at + 40]
    return bool(re.search(r"reserves?\s+and\s+(?:mineral\s+)?resources?|resources?\s+and\s+reserves?", window, re.I))


def _category(masked: str, q: _Quantity, cfg: dict[str, Any], in_clause: Any) -> str:
    """The reserve or resource category its clause states nearest to the quantity ("" when none)."""
    categories = cfg["reserve_categories"]
    names = _alt(categories)
    best, distance = "", 10**6
    for m in re.finditer(rf"(?<![\w-])(?:{names})(?![\w-])", masked, re.I):
        if not in_clause(m.start()):
            continue
        d = abs(m.start() - q.start)
        if d < distance:
            best, distance = categories.get(re.sub(r"\s+", " ", m.group().lower()), ""), d
    return best


def _period(
    q: _Quantity, clause: list[tuple[int, int, Period, bool]], sentence: list[tuple[int, int, Period, bool]],
    context: list[tuple[int, int, Period, bool]],
) -> Period | None:
    """Stated in the clause (the nearest to the figure, one after it first when nearer: "5.1
    million ounces for the year"), else in the sentence, else the last one earlier in the paragraph."""
    for found in (clause, sentence):
        if found:
            return min(found, key=lambda p: (q.start - p[1]) if p[1] <= q.num else (p[0] - q.end))[2]
    if context:
        return context[-1][2]
    return None
