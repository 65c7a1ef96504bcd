"""Figures stated in prose: a :class:`kg.nlp.model.Sentence` → observations.

Input: one sentence with its entities, the document's company and period.
Output: :class:`kg.facts.Observation` with the contract's metric codes (silver
and gold produced, total cash cost per ounce), the subject the sentence is
about, the period it names, the printed precision as ``decimals`` and
``estimate=True`` for guidance ("expects to produce 6 million ounces in 2007").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kg.facts import EntityRef, Observation, Period, Source
from kg.nlp.model import Sentence

_SCALE = {"thousand": 3, "million": 6, "billion": 9}
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)(?:\s+(thousand|million|billion))?"
_PRODUCED = re.compile(
    rf"(?:produced|produce|producing|production\s+of|produces|mined)\s+(?:a\s+total\s+of\s+|approximately\s+|about\s+|"
    rf"more\s+than\s+|nearly\s+|in\s+the\s+range\s+of\s+)?{_NUMBER}\s+ounces\s+of\s+(silver|gold)",
    re.I,
)
_FIGURE_FIRST = re.compile(rf"{_NUMBER}\s+ounces\s+of\s+(silver|gold)\s+(?:were\s+)?produced", re.I)
_CASH_COST = re.compile(
    r"total\s+(?:average\s+)?(?:(silver|gold)\s+)?cash\s+costs?(?:\s+per\s+ounce)?(?:\s+of\s+(silver|gold))?"
    r"(?:\s+(?!per\b|negative\b)[a-z-]+){0,6}?\s+((?:a\s+)?negative\s+)?"
    r"(?:\$\s?(\d[\d,]*(?:\.\d+)?)|(\d+(?:\.\d+)?)\s+cents)\s+per\s+ounce",
    re.I,
)
_YEAR = re.compile(r"\b(?:in|for|during|of)\s+((?:19|20)\d\d)\b", re.I)
_QUARTER = re.compile(r"\b(first|second|third|fourth)\s+quarter\b", re.I)
_HALF = re.compile(r"\bfirst\s+(?:six\s+months|half)\b", re.I)


@dataclass(frozen=True)
class FigureContext:
    doc: str
    company: EntityRef | None
    period_end: date | None
    lexicon: dict[str, Any]


def _decimals(number: str, scale: int) -> int:
    digits = number.split(".", 1)[1] if "." in number else ""
    return len(digits) - scale


def _period(text: str, ctx: FigureContext) -> Period | None:
    years = [int(y) for y in _YEAR.findall(text)]
    year = years[0] if years else (ctx.period_end.year if ctx.period_end else None)
    if year is None:
        return None
    q = _QUARTER.search(text)
    if q and (not ctx.period_end or ctx.period_end.year == year or years):
        n = ["first", "second", "third", "fourth"].index(q.group(1).lower())
        start = date(year, 3 * n + 1, 1)
        end_month = 3 * n + 3
        end = date(year, end_month, 30 if end_month in (6, 9) else 31)
        return Period(end=end, start=start)
    if _HALF.search(text):
        return Period(end=date(year, 6, 30), start=date(year, 1, 1))
    if not years and ctx.period_end:
        return Period(end=ctx.period_end, start=date(ctx.period_end.year, 1, 1))
    return Period(end=date(year, 12, 31), start=date(year, 1, 1))


def _is_estimate(text: str, ctx: FigureContext) -> bool:
    cues = ctx.lexicon.get("estimate_cues", [])
    words = set(re.findall(r"[a-z]+", text.lower()))
    if words & set(cues):
        return True
    years = [int(y) for y in _YEAR.findall(text)]
    return bool(ctx.period_end and years and max(years) > ctx.period_end.year)


def _subject(s: Sentence, pos: int, ctx: FigureContext) -> EntityRef | None:
    best = None
    for ent in s.ents:
        if ent.start < pos and ent.type in ("MiningUnit", "Mine", "Company"):
            best = ent.ref
    return best or ctx.company


def find_figures(s: Sentence, ctx: FigureContext, line_of: Any) -> Iterator[Observation]:
    """Observations for the figures a sentence states; ``line_of(pos)`` gives a position's source line."""
    period = _period(s.text, ctx)
    if period is None:
        return
    estimate = _is_estimate(s.text, ctx)
    for regex in (_PRODUCED, _FIGURE_FIRST):
        for m in regex.finditer(s.text):
            number, scale_word, metal = m.group(1), m.group(2), m.group(3).lower()
            scale = _SCALE.get((scale_word or "").lower(), 0)
            subject = _subject(s, m.start(), ctx)
            if subject is None:
                continue
            value = Decimal(number.replace(",", "")).scaleb(scale)
            yield Observation(
                subject=subject, metric=f"{metal}-produced", period=period, value=value, unit="OZ",
                decimals=_decimals(number, scale), source=Source(ctx.doc, line_of(m.start(1)), "prose"),
                printed=m.group(0), label=m.group(0), estimate=estimate,
            )
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
        subject = _subject(s, m.start(), ctx)
        if subject is None:
            continue
        yield Observation(
            subject=subject, metric=f"total-cash-cost-per-oz-{metal}", period=period, value=value,
            unit="USD-PER-OZ", decimals=decimals, source=Source(ctx.doc, line_of(at), "prose"),
            printed=m.group(0), label=m.group(0), estimate=estimate,
        )
