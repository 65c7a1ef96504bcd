"""Hedged positions: metal sold forward, as a statement in words or as a table by settlement period.

Input: a table block of kind "hedges" ("HEDGED POSITIONS / As of December 31, 2003 / Sold
forward: 48,928 gold ounces @ average price of $288", or "HEDGING POSITIONS AT SEPTEMBER 30,
2006" over rows "Platinum - financially settled / forwards  18,500  $1,062  2006 Q4"). Output:
``hedged-{metal}`` and ``hedged-{metal}-price`` observations; a position printed with a
settlement period ("2006 Q4", "2007") is dated by it, one stated as of a date by that date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from kg.facts import Observation, Period, Problem, Source, TableInfo
from kg.tables.context import DocState
from kg.tables.labels import read_label
from kg.tables.numbers import NUMBER, parse_number
from kg.tables.periods import as_of_date, parse_date, period_for
from kg.tables.reader import TableResult

_QTY = re.compile(
    r"(?:(?P<label>gold|silver|lead|zinc|copper|platinum|palladium)\s*:\s*)?(?P<qty>\d[\d,]*(?:\.\d+)?)\s+"
    r"(?P<what>(?:metric\s+)?tons|(?:(?:gold|silver|platinum|palladium)\s+)?ounces)(?:\s+of\s+(?P<metal>\w+))?",
    re.I,
)
_PRICE = re.compile(
    r"@\s*(?:an\s+)?average\s+price\s+of\s+\$\s*(?P<price>\d[\d,]*(?:\.\d+)?)(?:\s+per\s+(?P<per>\w+))?", re.I
)
# A settlement period at the end of a row: "2006 Q4", "Q4 2006", "2007", "H1 2008", "2007-2008".
_SETTLEMENT = re.compile(
    r"\s(?:(?P<q1>[1-4])Q\s*|Q(?P<q2>[1-4])\s*|H(?P<h1>[12])\s*)?(?P<year>(?:19|20)\d\d)"
    r"(?:\s*(?:Q(?P<q3>[1-4])|H(?P<h2>[12])))?(?:\s*[-\u2013]\s*(?P<to>(?:19|20)\d\d))?\s*$",
    re.I,
)
_NUMBER_TOKEN = re.compile(r"\$?\s?\(?\d[\d,]*(?:\.\d+)?\)?")


def _metric(state: DocState, metal: str, price: bool) -> tuple[str, bool]:
    code = f"hedged-{metal}" + ("-price" if price else "")
    return (code, True) if state.vocab.metric(code) is not None else ("x-" + code, False)


def settlement_period(match: re.Match[str]) -> Period:
    year = int(match.group("year"))
    quarter = match.group("q1") or match.group("q2") or match.group("q3")
    half = match.group("h1") or match.group("h2")
    if quarter:
        end = date(year, 3 * int(quarter), 30 if int(quarter) in (2, 3) else 31)
        return period_for(end, 3)
    if half:
        return period_for(date(year, 6, 30) if half == "1" else date(year, 12, 31), 6)
    last = int(match.group("to")) if match.group("to") else year
    return Period(start=date(year, 1, 1), end=date(last, 12, 31))


def hedge_table(
    state: DocState, numbered: Sequence[tuple[int, str]], header: str, caption: str, table_id: str
) -> list[Observation]:
    """Rows of quantity, price and settlement period under a metal's family row."""
    doc = state.doc
    price_first = _price_column_first(header)
    metal = ""
    out: list[Observation] = []
    for n, text in numbered:
        found = _SETTLEMENT.search(text)
        body = text[: found.start()] if found else text
        numbers = [
            m for m in _NUMBER_TOKEN.finditer(body) if parse_number(m.group().replace(" ", "")) is not None
        ]
        label = body[: numbers[0].start()].strip() if numbers else body.strip()
        named = read_label(label).metals if label else ()
        if named:
            metal = named[0]
        if not numbers or found is None or not metal:
            continue
        period = settlement_period(found)
        tokens = [m.group().replace(" ", "") for m in numbers]
        roles = ["price", "qty"] if price_first else ["qty", "price"]
        if len(tokens) == 1:
            roles = ["price"] if tokens[0].startswith("$") else ["qty"]
        for role, token, at in zip(roles, tokens, (m.start() for m in numbers), strict=False):
            number = parse_number(token)
            if number is None or number.kind != NUMBER or number.value is None:
                continue
            code, mapped = _metric(state, metal, role == "price")
            out.append(
                Observation(
                    subject=state.company,
                    metric=code,
                    period=period,
                    value=number.value,
                    unit="USD-PER-OZ" if role == "price" else "OZ",
                    decimals=number.places,
                    # the line of the number's own cell in an HTML exhibit (the row's in text)
                    source=Source(doc.name, doc.source_line_at(n, at), "table", table_id),
                    printed=token,
                    label=" ".join(f"{label} ({caption})".split())[:160] if label else caption[:160],
                    mapped=mapped,
                )
            )
    return out


def _price_column_first(header: str) -> bool:
    low = header.lower()
    price = low.find("price")
    qty = min(
        (i for i in (low.find("ounces"), low.find("committed"), low.find("quantity")) if i >= 0), default=-1
    )
    return 0 <= price < qty if qty >= 0 else False


def hedges(state: DocState, numbered: Sequence[tuple[int, str]], table_id: str) -> TableResult:
    """A "HEDGED POSITIONS" statement: "Sold forward: 48,928 gold ounces @ average price of $288"."""
    doc = state.doc
    # The caption runs down to the first line that states a quantity or a price.
    first_body = next(
        (i for i, (_, t) in enumerate(numbered) if re.search(r"@|\$\s?\d|\d,\d{3}", t)), len(numbered)
    )
    caption_lines = [(n, t) for n, t in numbered[:first_body] if t.strip()]
    caption = " ".join(t.strip() for _, t in caption_lines)
    when = as_of_date(caption) or parse_date(caption) or doc.meta.period_end
    body = [(n, t) for n, t in numbered[first_body:] if t.strip()]
    observations: list[Observation] = []
    problems: list[Problem] = []
    header_lines = [t for _, t in caption_lines if re.search(r"price|ounces|committed|settlement", t, re.I)]
    if any(_SETTLEMENT.search(t) for _, t in body) and header_lines:
        # every line: a metal's row ("Platinum - financially settled") can stand above the first number
        observations = hedge_table(state, list(numbered), " ".join(header_lines), caption, table_id)
    else:
        observations, problems = _statement(state, body, numbered, when, table_id)
    if not observations:
        first = numbered[0][0] if numbered else 0
        problems.append(
            Problem(doc.name, doc.source_line(first) if first else 0, "hedged positions not understood")
        )
    info = TableInfo(
        id=table_id,
        kind="hedges",
        caption=caption,
        first_line=doc.source_line(numbered[0][0]),
        last_line=doc.source_line(numbered[-1][0]),
        numbers=len({(o.source.line, o.printed) for o in observations}),
    )
    return TableResult(observations, info, problems)


def _statement(
    state: DocState,
    body: Sequence[tuple[int, str]],
    numbered: Sequence[tuple[int, str]],
    when: date | None,
    table_id: str,
) -> tuple[list[Observation], list[Problem]]:
    doc, vocab = state.doc, state.vocab
    text = ""
    starts: list[tuple[int, int]] = []
    for n, t in body:
        starts.append((len(text), n))
        text += t.strip() + " "

    def line_at(pos: int) -> int:
        n = starts[0][1] if starts else numbered[0][0]
        for offset, ln in starts:
            if offset <= pos:
                n = ln
        return n

    observations: list[Observation] = []
    problems: list[Problem] = []
    for m in _QTY.finditer(text):
        what = m.group("what").lower()
        metal = (m.group("metal") or m.group("label") or what.split()[0]).lower()
        if metal in ("ounces", "tons", "metric"):
            metal = "gold" if "ounces" in what else ""
        unit = "OZ" if "ounces" in what else ("TONNE" if "metric" in what else "TON")
        p = _PRICE.search(text, m.end())
        entries = [(f"hedged {metal}", m.group("qty"), m.start("qty"), unit)]
        if p and not list(_QTY.finditer(text, m.end(), p.start())):
            per = (p.group("per") or ("ounce" if unit == "OZ" else "")).lower()
            price_unit = {"pound": "USD-PER-LB", "ounce": "USD-PER-OZ", "ton": "USD-PER-TON"}.get(
                per, "USD-PER-OZ"
            )
            entries.append((f"hedged {metal} price", p.group("price"), p.start("price"), price_unit))
        if when is None:
            problems.append(
                Problem(doc.name, doc.source_line(line_at(m.start())), "hedged position without a date")
            )
            continue
        for label, printed, pos, unit_code in entries:
            metric = next(iter(vocab.by_label(label)), None)
            code = metric.code if metric else "x-" + re.sub(r"[^a-z0-9]+", "-", label)
            unit_code = metric.unit if metric else unit_code
            value = Decimal(printed.replace(",", ""))
            places = len(printed.split(".", 1)[1]) if "." in printed else 0
            n = line_at(pos)
            observations.append(
                Observation(
                    subject=state.company,
                    metric=code,
                    period=Period(end=when),
                    value=value,
                    unit=unit_code,
                    decimals=places,
                    source=Source(doc.name, doc.source_line(n), "table", table_id),
                    printed=printed,
                    label=" ".join(text.split())[:120],
                    mapped=metric is not None,
                )
            )
    return observations, problems
