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
    release_date: date | None = None


def _decimals(number: str, scale: int) -> int:
    digits = number.split(".", 1)[1] if "." in number else ""
    return len(digits) - scale


def _default_period(ctx: FigureContext) -> Period | None:
    """The period a release reports on when a sentence names none: the stated period, else the
    year to the last quarter end before the release date."""
    if ctx.period_end is not None:
        return Period(end=ctx.period_end, start=date(ctx.period_end.year, 1, 1))
    if ctx.release_date is None:
        return None
    year, month = ctx.release_date.year, ctx.release_date.month
    quarter_end = ((month - 1) // 3) * 3
    if quarter_end == 0:
        return Period(end=date(year - 1, 12, 31), start=date(year - 1, 1, 1))
    end = date(year, quarter_end, 30 if quarter_end in (6, 9) else 31)
    return Period(end=end, start=date(year, 1, 1))


def _period_in(text: str, ctx: FigureContext, last: bool) -> Period | None:
    """The period a stretch of text names ("in 2006", "the fourth quarter of 2006", "first half")."""
    years = [int(y) for y in _YEAR.findall(text)]
    if not years:
        return None
    year = years[-1] if last else years[0]
    q = _QUARTER.search(text)
    if q:
        n = ["first", "second", "third", "fourth"].index(q.group(1).lower())
        end_month = 3 * n + 3
        end = date(year, end_month, 30 if end_month in (6, 9) else 31)
        return Period(end=end, start=date(year, 3 * n + 1, 1))
    if _HALF.search(text):
        return Period(end=date(year, 6, 30), start=date(year, 1, 1))
    return Period(end=date(year, 12, 31), start=date(year, 1, 1))


def _period(before: str, after: str, context: str, ctx: FigureContext) -> Period | None:
    """A figure's period: named before it in its sentence, else just after it (up to a
    comparison), else earlier in its paragraph, else the release's own period."""
    after = re.split(r"\bcompar|\bversus\b|\bvs\.|\bfrom\s+a\s+previous|;", after, maxsplit=1)[0]
    default = _default_period(ctx)
    if default is not None:  # "the first six months of this year"
        before, after = (re.sub(r"\b(?:of\s+)?this\s+year\b", f"of {default.end.year}", x) for x in (before, after))
    return (
        _period_in(before, ctx, last=True)
        or _period_in(after[:60], ctx, last=False)
        or _period_in(context, ctx, last=True)
        or _default_period(ctx)
    )


def _is_estimate(text: str, ctx: FigureContext) -> bool:
    cues = ctx.lexicon.get("estimate_cues", [])
    words = set(re.findall(r"[a-z]+", text.lower()))
    if words & set(cues):
        return True
    years = [int(y) for y in _YEAR.findall(text)]
    default = _default_period(ctx)
    return bool(default and years and max(years) > default.end.year)


def _subject(s: Sentence, pos: int, ctx: FigureContext) -> EntityRef | None:
    best = None
    for ent in s.ents:
        if ent.start < pos and ent.type in ("MiningUnit", "Mine", "Company"):
            best = ent.ref
    return best or ctx.company


def find_figures(s: Sentence, ctx: FigureContext, line_of: Any, context: str = "") -> Iterator[Observation]:
    """Observations for the figures a sentence states; ``line_of(pos)`` gives a position's source line."""
    estimate = _is_estimate(s.text, ctx)
    for regex in (_PRODUCED, _FIGURE_FIRST):
        for m in regex.finditer(s.text):
            number, scale_word, metal = m.group(1), m.group(2), m.group(3).lower()
            scale = _SCALE.get((scale_word or "").lower(), 0)
            subject = _subject(s, m.start(), ctx)
            period = _period(s.text[: m.start()], s.text[m.end() :], context, ctx)
            if subject is None or period is None:
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
        period = _period(s.text[: m.start()], s.text[m.end() :], context, ctx)
        if subject is None or period is None:
            continue
        yield Observation(
            subject=subject, metric=f"total-cash-cost-per-oz-{metal}", period=period, value=value,
            unit="USD-PER-OZ", decimals=decimals, source=Source(ctx.doc, line_of(at), "prose"),
            printed=m.group(0), label=m.group(0), estimate=estimate,
        )
