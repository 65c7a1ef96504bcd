"""Figures stated in prose: a :class:`kg.nlp.model.Sentence` → observations.

Input: one sentence with its entities, the document's company and period, and the
lexicon's ``prose_figures`` section (which metals, units, verbs and reserve
categories make which contract metric). Output: :class:`kg.facts.Observation`
with the contract's metric codes — metal produced (silver, gold in ounces; lead,
zinc in tons), total cash cost per ounce (silver, gold), tons of ore milled or
processed, ore grade milled (ounces per ton) and contained metal of reserves and
resources stated in prose — the subject the sentence is about, the period it
names, the printed precision as ``decimals`` and ``estimate=True`` for guidance
("expects to produce 6 million ounces in 2007").

Periods: a year stated near the figure ("in 2006", "the fourth quarter of 2006"),
else one earlier in the paragraph, else the release's own period; a quarter or
half named without a year ("the second quarter", "for the quarter", "the first
six months") belongs to the release's year, "the quarter" to its last quarter.
Reserves are instants at the end of that period.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from kg.facts import EntityRef, Observation, Period, Source
from kg.nlp.model import Sentence

_SCALE = {"thousand": 3, "million": 6, "billion": 9}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)(?:\s+(thousand|million|billion))?"
_ABOUT = r"(?:a\s+total\s+of\s+|approximately\s+|about\s+|more\s+than\s+|nearly\s+|close\s+to\s+|over\s+|almost\s+|in\s+the\s+range\s+of\s+|some\s+)?"
_CASH_COST = re.compile(
    r"total\s+(?:average\s+)?(?:(silver|gold)\s+)?cash\s+costs?(?:\s+per\s+ounce)?(?:\s+of\s+(silver|gold))?"
    r"(?:\s+(?!per\b|negative\b)[a-z-]+){0,6}?\s+((?:a\s+)?negative\s+)?"
    r"(?:\$\s?(\d[\d,]*(?:\.\d+)?)|(\d+(?:\.\d+)?)\s+cents)\s+per\s+ounce",
    re.I,
)
_YEAR = re.compile(r"\b(?:in|for|during|of|at|end\s+of|year-end)\s+((?:19|20)\d\d)\b", re.I)
_QUARTER = re.compile(r"\b(first|second|third|fourth)\s+quarter\b", re.I)
_THE_QUARTER = re.compile(r"\b(?:the|this)\s+quarter\b", re.I)
_HALF = re.compile(r"\bfirst\s+(?:(three|six|nine)\s+months|half)\b", re.I)
_MONTHS = {"three": 3, "six": 6, "nine": 9}
_COMBINED = re.compile(r"reserves?\s+and\s+(?:mineral\s+)?resources?|resources?\s+and\s+reserves?", re.I)
_ORDINALS = ("first", "second", "third", "fourth")


@dataclass(frozen=True)
class FigureContext:
    doc: str
    company: EntityRef | None
    period_end: date | None
    lexicon: dict[str, Any]
    release_date: date | None = None


@dataclass(frozen=True)
class _Rules:
    """The regular expressions one lexicon makes (built once per lexicon)."""

    produced: re.Pattern[str]
    figure_first: re.Pattern[str]
    metal_first: re.Pattern[str]
    chained: re.Pattern[str]
    reserve_before: re.Pattern[str]
    reserve_after: re.Pattern[str]
    ore: re.Pattern[str]
    ore_first: re.Pattern[str]
    grade: re.Pattern[str]
    units: dict[str, str]
    produced_metrics: dict[str, dict[str, str]]
    categories: dict[str, str]


# A sentence opening that points back to what the sentence before was about.
_POINTS_BACK = re.compile(r"\s*(?:These|This|Those|Such|Its|Their)\b")
# A closed parenthetical aside; the figure's period is never inside one.
_ASIDE = re.compile(r"\([^()]*\)")


def _alternatives(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@cache
def _compile(config_key: str) -> _Rules:
    import json

    cfg: dict[str, Any] = json.loads(config_key)
    units = {k.lower(): v for k, v in cfg.get("units", {"ounces": "OZ", "tons": "TON"}).items()}
    produced_metrics = cfg.get("produced", {"silver": {"OZ": "silver-produced"}, "gold": {"OZ": "gold-produced"}})
    metals = _alternatives(produced_metrics)
    unit = _alternatives(units)
    qty = rf"{_NUMBER}\s+({unit})\s+of\s+({metals})\b(?!\s+per\b)"  # not "0.67 ounce of gold per ton"
    verbs = _alternatives(cfg.get("produced_cues", ["produced", "production of"]))
    after = _alternatives(cfg.get("produced_after", ["produced"]))
    categories = {k.lower(): v for k, v in cfg.get("reserve_categories", {}).items()}
    cats = _alternatives(categories) or "reserves"
    ore_verbs = _alternatives(cfg.get("ore_verbs", ["milled", "processed"]))
    return _Rules(
        produced=re.compile(rf"\b(?:{verbs})\s+{_ABOUT}{qty}", re.I),
        # "... ounces have been mined from" is history, not a period's production
        figure_first=re.compile(rf"{qty}\s+(?:were\s+|was\s+)?(?:{after})\b", re.I),
        # "gold production of 312,000 ounces", "Gold production for the quarter was 61,400 ounces"
        metal_first=re.compile(
            rf"\b({metals})\s+production\s+(?:(?:for|in|during)\s+(?:the\s+)?[\w\s]{{1,30}}?\s+)?"
            rf"(?:of|was|were|totaled|totalled|reached|rose\s+to|increased\s+to|fell\s+to|decreased\s+to)\s+"
            rf"{_ABOUT}{_NUMBER}\s+({unit})(?!\s+(?:of|per)\b)",
            re.I,
        ),
        chained=re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+plus\s+){_ABOUT}{qty}", re.I),
        reserve_before=re.compile(
            rf"\b({cats})\s+(?:\w+\s+){{0,2}}?(?:of|totaling|totalling|containing|contain|contains|to)\s+{_ABOUT}{qty}",
            re.I,
        ),
        reserve_after=re.compile(rf"{qty}\s+(?:of\s+|in\s+)(?:(?:the\s+)?[\w-]+\s+){{0,2}}?({cats})\b", re.I),
        ore=re.compile(rf"\b(?:{ore_verbs})\s+{_ABOUT}{_NUMBER}\s+tons\s+of\s+(?:[a-z]+\s+)?ore\b", re.I),
        ore_first=re.compile(rf"{_NUMBER}\s+tons\s+of\s+(?:[a-z]+\s+)?ore\s+(?:were\s+|was\s+)?(?:{ore_verbs})\b", re.I),
        grade=re.compile(
            r"\bgrade\s+(?:of\s+)?(?:the\s+)?(?:(silver|gold)\s+)?ore\s+(?:[\w'-]+\s+){0,12}?(?:was|of|at|averaged)\s+"
            rf"{_NUMBER}\s+ounces?\s+(?:of\s+(silver|gold)\s+)?per\s+ton\b",
            re.I,
        ),
        units=units,
        produced_metrics=produced_metrics,
        categories=categories,
    )


def _rules(ctx: FigureContext) -> _Rules:
    import json

    return _compile(json.dumps(ctx.lexicon.get("prose_figures", {}), sort_keys=True))


def _decimals(number: str, scale: int) -> int:
    digits = number.split(".", 1)[1] if "." in number else ""
    return len(digits) - scale


def _value(number: str, scale_word: str | None) -> tuple[Decimal, int]:
    scale = _SCALE.get((scale_word or "").lower(), 0)
    return Decimal(number.replace(",", "")).scaleb(scale), _decimals(number, scale)


def _quarter(year: int, n: int) -> Period:
    end_month = 3 * n + 3
    return Period(end=date(year, end_month, 30 if end_month in (6, 9) else 31), start=date(year, 3 * n + 1, 1))


def _default_period(ctx: FigureContext) -> Period | None:
    """The period a release reports on when a sentence names none."""
    return reporting_period(ctx.period_end, ctx.release_date)


def reporting_period(period_end: date | None, release_date: date | None) -> Period | None:
    """The period a release reports on: the stated period, else the year to the last quarter end
    before the release date (an annual release in February reports on the year before)."""
    if period_end is not None:
        return Period(end=period_end, start=date(period_end.year, 1, 1))
    if release_date is None:
        return None
    year, month = release_date.year, release_date.month
    quarter_end = ((month - 1) // 3) * 3
    if quarter_end == 0:
        return Period(end=date(year - 1, 12, 31), start=date(year - 1, 1, 1))
    end = date(year, quarter_end, 30 if quarter_end in (6, 9) else 31)
    return Period(end=end, start=date(year, 1, 1))


def _period_in(text: str, ctx: FigureContext, last: bool) -> Period | None:
    """The period a stretch of text names ("in 2006", "the fourth quarter of 2006", "first half",
    "for the quarter"); a quarter or half without a year is of the release's year."""
    years = [int(y) for y in _YEAR.findall(text)]
    q = _QUARTER.search(text)
    if years:
        year = years[-1] if last else years[0]
    else:
        default = _default_period(ctx)
        if default is None:
            return None
        year = default.end.year
        if not q and not _HALF.search(text):
            if _THE_QUARTER.search(text):  # "for the quarter": the release's last quarter
                return _quarter(year, (default.end.month - 1) // 3)
            return None
    if q:
        return _quarter(year, _ORDINALS.index(q.group(1).lower()))
    h = _HALF.search(text)
    if h:  # "the first half", "the first nine months"
        month = _MONTHS.get((h.group(1) or "six").lower(), 6)
        return Period(end=_quarter(year, month // 3 - 1).end, start=date(year, 1, 1))
    return Period(end=date(year, 12, 31), start=date(year, 1, 1))


def _period(before: str, after: str, context: str, ctx: FigureContext) -> Period | None:
    """A figure's period: named before it in its sentence, else just after it (up to a
    comparison), else earlier in its paragraph, else the release's own period."""
    after = re.split(r"\bcompar|\bversus\b|\bvs\.|\bfrom\s+a\s+previous|;", after, maxsplit=1)[0]
    # a parenthetical aside compares with another period ("(22% more than the first six months of 2006)")
    before, after = (_ASIDE.sub(" ", x) for x in (before, after))
    default = _default_period(ctx)
    if default is not None:  # "the first six months of this year"
        before, after = (re.sub(r"\b(?:of\s+)?this\s+year\b", f"of {default.end.year}", x) for x in (before, after))
    return (
        _period_in(before, ctx, last=True)
        or _period_in(after[:60], ctx, last=False)
        or _period_in(context, ctx, last=True)
        or default
    )


def _is_estimate(text: str, ctx: FigureContext) -> bool:
    cues = ctx.lexicon.get("estimate_cues", [])
    words = set(re.findall(r"[a-z]+", text.lower()))
    if words & set(cues):
        return True
    years = [int(y) for y in _YEAR.findall(text)]
    default = _default_period(ctx)
    return bool(default and years and max(years) > default.end.year)


def _subject(s: Sentence, pos: int, ctx: FigureContext, previous: EntityRef | None = None) -> EntityRef | None:
    """What a figure is about: the last unit, mine or company named before it, leaving out
    possessives ("for Hecla's account") and relative clauses ("in which Hecla holds 30%").
    A sentence that names none and opens by pointing back ("These ounces were mined at ...")
    is about the previous figure's subject in the paragraph; otherwise the company."""
    best = None
    for ent in s.ents:
        if ent.start >= pos or ent.type not in ("MiningUnit", "Mine", "Company"):
            continue
        if s.text[ent.end : ent.end + 2] in ("'s", "\u2019s"):
            continue
        clause = s.text[max(s.text.rfind(",", 0, ent.start), 0) : ent.start]
        if re.search(r"\b(?:which|whom|who|where|whose)\b", clause):
            continue
        best = ent.ref
    if best is None and previous is not None and _POINTS_BACK.match(s.text):
        return previous
    return best or ctx.company


def find_figures(
    s: Sentence, ctx: FigureContext, line_of: Any, context: str = "", previous: EntityRef | None = None
) -> Iterator[Observation]:
    """Observations for the figures a sentence states; ``line_of(pos)`` gives a position's source line;
    ``previous`` is the subject of the paragraph's last figure, for sentences that point back to it."""
    rules = _rules(ctx)
    estimate = _is_estimate(s.text, ctx)
    seen: set[int] = set()  # number positions already read (one figure per printed number)

    def observe(m: re.Match[str], group: int, metric: str, unit: str, start: int,
                category: str = "", instant: bool = False) -> Iterator[Observation]:
        if m.start(group) in seen:
            return
        value, decimals = _value(m.group(group), m.group(group + 1))
        subject = _subject(s, start, ctx, previous)
        # the period may sit inside the match, before the number: "Gold production for the quarter was"
        period = _period(s.text[: m.start(group)], s.text[m.end():], context, ctx)
        if subject is None or period is None:
            return
        seen.add(m.start(group))
        if instant:
            period = Period(end=period.end)
        yield Observation(
            subject=subject, metric=metric, period=period, value=value, unit=unit, decimals=decimals,
            source=Source(ctx.doc, line_of(m.start(group)), "prose"), printed=m.group(0), label=m.group(0),
            category=category, estimate=estimate,
        )

    def produced_metric(unit_word: str, metal: str) -> str | None:
        unit = rules.units.get(unit_word.lower(), "")
        return rules.produced_metrics.get(metal.lower(), {}).get(unit)

    # reserves first: "reserves of 12 million ounces of silver" is not silver produced
    for regex, qty_group, cat_group in ((rules.reserve_before, 2, 1), (rules.reserve_after, 1, 5)):
        for m in regex.finditer(s.text):
            unit = rules.units.get(m.group(qty_group + 2).lower(), "")
            metal = m.group(qty_group + 3).lower()
            category = rules.categories.get(re.sub(r"\s+", " ", m.group(cat_group).lower()), "")
            if _COMBINED.search(s.text[max(0, m.start() - 30) : m.end() + 30]):
                seen.add(m.start(qty_group))  # "reserve and resource base of 169 million ounces": no one category
                continue
            if produced_metric(m.group(qty_group + 2), metal):
                yield from observe(m, qty_group, f"reserve-contained-{metal}", unit, m.start(), category, instant=True)
    for regex in (rules.produced, rules.figure_first):
        for m in regex.finditer(s.text):
            metric = produced_metric(m.group(3), m.group(4))
            if metric:
                yield from observe(m, 1, metric, rules.units[m.group(3).lower()], m.start())
            if regex is rules.figure_first:
                continue
            # "produced 2.9 million ounces of silver and 18,713 ounces of gold"
            end = m.end()
            while (c := rules.chained.match(s.text, end)) is not None:
                metric = produced_metric(c.group(3), c.group(4))
                if metric:
                    yield from observe(c, 1, metric, rules.units[c.group(3).lower()], m.start())
                end = c.end()
    for m in rules.metal_first.finditer(s.text):
        metric = produced_metric(m.group(4), m.group(1))
        if metric:
            yield from observe(m, 2, metric, rules.units[m.group(4).lower()], m.start())
    for regex in (rules.ore, rules.ore_first):
        for m in regex.finditer(s.text):
            yield from observe(m, 1, "ore-processed", "TON", m.start())
    for m in rules.grade.finditer(s.text):
        metal = (m.group(1) or m.group(4) or "").lower()
        if metal in ("silver", "gold"):
            yield from observe(m, 2, f"ore-grade-{metal}", "OZ-PER-TON", m.start())
    for m in _CASH_COST.finditer(s.text):
        metal = (m.group(1) or m.group(2) or "").lower()
        if not metal:
            before = re.findall(r"\b(silver|gold)\b", s.text[: m.start()], re.I)
            after = re.match(r"\s+(?:of\s+)?(silver|gold)", s.text[m.end() :], re.I)
            metal = (after.group(1) if after else (before[-1] if before else "")).lower()
        if metal not in ("silver", "gold"):
            continue
        dollars, cents = m.group(4), m.group(5)
        if dollars:
            value, decimals, at = Decimal(dollars.replace(",", "")), _decimals(dollars, 0), m.start(4)
        else:
            value, decimals, at = Decimal(cents) / 100, _decimals(cents, 0) + 2, m.start(5)
        if m.group(3):
            value = -value
        subject = _subject(s, m.start(), ctx, previous)
        period = _period(s.text[: m.start()], s.text[m.end() :], context, ctx)
        if subject is None or period is None:
            continue
        yield Observation(
            subject=subject, metric=f"total-cash-cost-per-oz-{metal}", period=period, value=value,
            unit="USD-PER-OZ", decimals=decimals, source=Source(ctx.doc, line_of(at), "prose"),
            printed=m.group(0), label=m.group(0), estimate=estimate,
        )
